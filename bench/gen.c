/* gen.c - input generator for bench/settle.sh (DESIGN.md 12: "compute +
 * finalize settlement of a slot with 100,000 participants: <= 3 s").
 *
 * Registering 100,000 accounts with one `gs account register` process each
 * takes minutes; this program writes the participants' txs pre-signed
 * instead, to be applied by one `gs submit` (untimed, cached by the
 * script). It links against the built libgridset for the tx envelope
 * (gs_tx_new, gs_tx_sign, gs_json_print), so the txs are exactly what the
 * gs programs would sign; libsodium derives each participant's Ed25519 key
 * from its name (crypto_sign_seed_keypair with seed = BLAKE2b-256 of
 * "gridset-bench-key-v1" NUL name), so the output is the same on every run
 * and machine: nothing random, no key files.
 *
 * Scenario, one slot, N participants (N even): sellers s0..s{N/2-1}, each
 * owning panel k+1 (registered in that order), with stake and one sell
 * order; buyers b0..b{N/2-1}, each one buy order. Seller k and buyer k form
 * a pair drawn together from a MINSTD generator (x = 48271 x mod 2^31-1,
 * seeded with --seed, default 42; integer arithmetic only):
 *   q        1..2000 Wh, the quantity of both orders of the pair
 *   sell     limit 20000..100000 base units per kWh, step 1000
 *   buy      limit 121000..250000, step 1000
 *   r, y     production class and value of the seller's panel:
 *            r < 5%   unreported: no reading (oracle finalize marks the
 *                     panel unverified: the sale is void)
 *            r < 20%  under-produces: y in 0..q-1 Wh (shortfall, penalty,
 *                     compensation)
 *            else     delivers: y in q..2000 Wh (the panel's slot limit)
 * Every 1000th pair (k mod 1000 = 999) is a "whale" instead: q = 200000 Wh
 * from a 1 MW panel (250000 Wh a slot) at limit price 0 (so no collateral
 * at entry: the clearing locks what free stake allows), a deposit of
 * --whale-stake only (the seller_min_stake), and a reading of 0 Wh: its
 * penalty exceeds collateral + stake and the rest becomes debt. The draws
 * are made for whales too, so the other pairs do not depend on them.
 * Every buy is above every sell, and both sides have the same total, so
 * the clearing fills every order in full at P = lo + (hi - lo) / 2 with lo
 * the highest sell limit and hi the lowest buy limit (110500 base units
 * per kWh when the draws reach 100000 and 121000, as they do from N =
 * 2000): all N participants have a position. P is not a multiple of 1000,
 * so payments (rounded up) and receipts (rounded down) of odd Wh differ
 * by half a base unit: the slot has dust.
 *
 * Files written into DIR:
 *   register.ndjson  N signed account.register txs {pubkey}, seller k then
 *                    buyer k, time --time, ids settle-bench:reg:NAME
 *   trade.ndjson     per pair: the seller's stake.deposit {amount}, its
 *                    auction.order {slot, side "sell", price, qty_wh,
 *                    panel}, the buyer's auction.order {slot, side "buy",
 *                    price, qty_wh}; all signed, time --time, ids
 *                    settle-bench:dep:NAME / settle-bench:ord:NAME
 *   mint.ndjson      {"to":NAME,"amount":--mint} per participant, for
 *                    `gs-token mint --as admin` (the minter signs those)
 *   panels.ndjson    {"owner":"sK","capacity_w":W} per seller, in order,
 *                    for `gs-panel register --as admin`
 *   readings.ndjson  {"panel":K+1,"slot":SLOT,"wh":Y} per reported panel,
 *                    for `gs-oracle report --as ORACLE`
 * and prints one summary line on stdout: {"participants","sellers",
 * "whales","volume_wh","reported","unreported","short","delivered_wh",
 * "shortfall_wh","void_wh","sell_hi","buy_lo"}: the totals the settlement
 * must come to (void_wh: the sellers' void sales).
 *
 * Day scenario (bench/day.sh: DESIGN.md 12 and issue 9, "a full day"), N
 * participants p0..p{N-1}, each owning panel k+1 (8 kW, 2000 Wh a slot),
 * and M slots from --first-slot: in slot j participant k sells from its
 * panel when k + j is even and buys otherwise, one order each, drawn from
 * the same MINSTD generator: q 1..2000 Wh, sell limit 20000..100000 and
 * buy limit 60000..180000 base units per kWh (step 1000), so each slot
 * clears part of its book. One oracle ("oracle") reports every panel of
 * every slot except 2% drawn unreported; a panel that sells q delivers
 * less than q in 15% of its slots (shortfall) and q..2000 Wh otherwise, a
 * panel that buys produces 0..2000 Wh. Files written into DIR:
 *   register.ndjson  N + 1 signed account.register txs (p0.., oracle)
 *   mint.ndjson      {"to","amount":--mint} per participant and oracle
 *   panels.ndjson    {"owner":"pK","capacity_w":8000} in order
 *   deposit.ndjson   signed stake.deposit {amount: --stake} per account
 *   orders.ndjson    per participant one signed auction.order tx with its
 *                    M orders as items, time --time (before the day)
 *   readings.ndjson  per slot j one signed oracle.report tx of the
 *                    oracle, items {panel, slot, wh}, time = the end of
 *                    slot j + 30 s (line j + 1 is slot j)
 * and prints {"participants","panels","slots","orders","sells","buys",
 * "readings","unreported"}.
 *
 * Build (bench/settle.sh does it, into its work directory):
 *   cc -O2 -I lib bench/gen.c lib/.libs/libgridset.so.0 \
 *      $(pkg-config --cflags --libs jansson libsodium) -o gen
 * Use:
 *   gen settle DIR --participants N --slot SLOT --time T --mint A
 *       --stake A --whale-stake A [--seed 42]
 *   gen day DIR --participants N --slots M --first-slot S --slot-seconds L
 *       --time T --mint A --stake A [--seed 42]
 * Exit 0 on success, 1 on error, 2 on usage.
 */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "gridset.h"

#define QMAX 2000		/* Wh: an 8 kW panel in a 900 s slot */
#define PANEL_W 8000
#define WHALE_Q 200000		/* Wh */
#define WHALE_W 1000000		/* 1 MW: 250000 Wh a slot */
#define WHALE_EVERY 1000

static uint64_t rng;
static const char *bench_name = "settle";	/* the tx ids' prefix */

/* Next MINSTD draw scaled to 0..n-1. */
static int64_t draw(int64_t n)
{
	rng = rng * 48271 % 2147483647;
	return (int64_t)(rng * (uint64_t)n / 2147483647);
}

static void fail(const char *what)
{
	fprintf(stderr, "gen: %s\n", what);
	exit(1);
}

static FILE *out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "w"))) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static void close_out(FILE *f)
{
	if (ferror(f) || fclose(f) != 0)
		fail("write error");
}

/* The participant's key, derived from its name. */
static void derive(const char *name, gs_key *k)
{
	static const char tag[] = "gridset-bench-key-v1";
	unsigned char seed[crypto_sign_SEEDBYTES];
	crypto_generichash_state h;

	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name);
	crypto_generichash_init(&h, NULL, 0, sizeof seed);
	crypto_generichash_update(&h, (const unsigned char *)tag, sizeof tag);
	crypto_generichash_update(&h, (const unsigned char *)name, strlen(name));
	crypto_generichash_final(&h, seed, sizeof seed);
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

/* Sign and print one tx (args is stolen). */
static void emit(FILE *f, const char *kind, const gs_key *k, const char *cmd,
		 int64_t time, json_t *args)
{
	char id[GS_ID_MAX + 1];
	json_t *tx;
	gs_err e;

	snprintf(id, sizeof id, "%s-bench:%s:%s", bench_name, kind, k->name);
	if (!args || !(tx = gs_tx_new(id, cmd, k->name, time, args)))
		fail("out of memory");
	if (gs_tx_sign(tx, k, &e) != GS_OK) {
		fprintf(stderr, "gen: sign %s: %s\n", id, e.msg);
		exit(1);
	}
	if (gs_json_print(f, tx))
		fail("write error");
	json_decref(tx);
}

static json_t *order(int64_t slot, const char *side, int64_t price, int64_t q,
		     int64_t panel)
{
	return panel ? json_pack("{s:I,s:s,s:I,s:I,s:I}", "slot", (json_int_t)slot,
				 "side", side, "price", (json_int_t)price, "qty_wh",
				 (json_int_t)q, "panel", (json_int_t)panel)
		     : json_pack("{s:I,s:s,s:I,s:I}", "slot", (json_int_t)slot,
				 "side", side, "price", (json_int_t)price, "qty_wh",
				 (json_int_t)q);
}

static int usage(void)
{
	fprintf(stderr, "usage: gen settle DIR --participants N --slot SLOT --time T "
		"--mint A --stake A --whale-stake A [--seed S]\n"
		"       gen day DIR --participants N --slots M --first-slot S "
		"--slot-seconds L --time T --mint A --stake A [--seed S]\n");
	return 2;
}

static int64_t num(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || !*s || *end || v < 0)
		return -1;
	return v;
}

/* The command line: every option any scenario takes (-1 when absent). */
struct opts {
	const char *dir;
	int64_t n, slot, time, mint, stake, wstake, seed, slots, first, ss;
};

/* Parse argv[2..] into *o; 0, or -1 on a usage error. */
static int parse(int argc, char **argv, struct opts *o)
{
	static const struct { const char *name; size_t off; } opt[] = {
		{ "--participants", offsetof(struct opts, n) },
		{ "--slot", offsetof(struct opts, slot) },
		{ "--time", offsetof(struct opts, time) },
		{ "--mint", offsetof(struct opts, mint) },
		{ "--stake", offsetof(struct opts, stake) },
		{ "--whale-stake", offsetof(struct opts, wstake) },
		{ "--seed", offsetof(struct opts, seed) },
		{ "--slots", offsetof(struct opts, slots) },
		{ "--first-slot", offsetof(struct opts, first) },
		{ "--slot-seconds", offsetof(struct opts, ss) },
	};
	size_t i, k;

	memset(o, 0, sizeof *o);
	o->n = o->slot = o->time = o->mint = o->stake = o->wstake = -1;
	o->slots = o->first = o->ss = -1;
	o->seed = 42;
	for (int a = 2; a < argc; a++) {
		if (!o->dir && argv[a][0] != '-') {
			o->dir = argv[a];
			continue;
		}
		for (k = 0; k < sizeof opt / sizeof opt[0]; k++)
			if (strcmp(argv[a], opt[k].name) == 0)
				break;
		if (k == sizeof opt / sizeof opt[0] || a + 1 >= argc)
			return -1;
		i = opt[k].off;
		if ((*(int64_t *)((char *)o + i) = num(argv[++a])) < 0)
			return -1;
	}
	return o->dir && o->seed >= 1 && o->seed < 2147483647 ? 0 : -1;
}

/* The settle scenario (see the top of the file). */
static int gen_settle(const struct opts *o)
{
	const char *dir = o->dir;
	int64_t n = o->n, slot = o->slot, time = o->time, mint = o->mint;
	int64_t stake = o->stake, wstake = o->wstake;
	int64_t sellers, whales = 0, volume = 0, reported = 0;
	int64_t unreported = 0, shortn = 0, delivered = 0, shortfall = 0, voided = 0;
	int64_t sell_hi = 0, buy_lo = INT64_MAX;
	FILE *reg, *trade, *mintf, *panels, *readings;

	if (n < 2 || n % 2 || slot < 0 || time < 0 || mint < 1 || stake < 1 ||
	    wstake < 1)
		return usage();
	sellers = n / 2;
	reg = out(dir, "register.ndjson");
	trade = out(dir, "trade.ndjson");
	mintf = out(dir, "mint.ndjson");
	panels = out(dir, "panels.ndjson");
	readings = out(dir, "readings.ndjson");
	for (int64_t k = 0; k < sellers; k++) {
		int64_t q = 1 + draw(QMAX);
		int64_t sp = 20000 + draw(81) * 1000;
		int64_t bp = 121000 + draw(130) * 1000;
		int64_t r = draw(100);
		int64_t y = draw(1000000);	/* scaled below */
		int whale = k % WHALE_EVERY == WHALE_EVERY - 1;
		int64_t cap = whale ? WHALE_W : PANEL_W, wh = -1;
		char sname[32], bname[32], pk64[64];
		gs_key s, b;

		if (whale) {
			q = WHALE_Q;
			sp = 0;
			wh = 0;
			whales++;
		} else if (r < 5) {
			wh = -1;
		} else if (r < 20) {
			wh = y * q / 1000000;			/* 0..q-1 */
		} else {
			wh = q + y * (QMAX - q + 1) / 1000000;	/* q..QMAX */
		}
		volume += q;
		if (sp > sell_hi)
			sell_hi = sp;
		if (bp < buy_lo)
			buy_lo = bp;
		if (wh < 0) {
			unreported++;
			voided += q;
		} else {
			reported++;
			delivered += wh < q ? wh : q;
			shortfall += wh < q ? q - wh : 0;
			shortn += wh < q;
		}

		snprintf(sname, sizeof sname, "s%" PRId64, k);
		snprintf(bname, sizeof bname, "b%" PRId64, k);
		derive(sname, &s);
		derive(bname, &b);
		emit(reg, "reg", &s, "account.register", time, json_pack("{s:s}",
		     "pubkey", gs_b64(s.pk, GS_PK_BYTES, pk64, sizeof pk64)));
		emit(reg, "reg", &b, "account.register", time, json_pack("{s:s}",
		     "pubkey", gs_b64(b.pk, GS_PK_BYTES, pk64, sizeof pk64)));
		emit(trade, "dep", &s, "stake.deposit", time, json_pack("{s:I}",
		     "amount", (json_int_t)(whale ? wstake : stake)));
		emit(trade, "ord", &s, "auction.order", time,
		     order(slot, "sell", sp, q, k + 1));
		emit(trade, "ord", &b, "auction.order", time,
		     order(slot, "buy", bp, q, 0));
		fprintf(mintf, "{\"to\":\"%s\",\"amount\":%" PRId64 "}\n"
			"{\"to\":\"%s\",\"amount\":%" PRId64 "}\n", sname, mint, bname, mint);
		fprintf(panels, "{\"owner\":\"%s\",\"capacity_w\":%" PRId64 "}\n", sname, cap);
		if (wh >= 0)
			fprintf(readings, "{\"panel\":%" PRId64 ",\"slot\":%" PRId64
				",\"wh\":%" PRId64 "}\n", k + 1, slot, wh);
		sodium_memzero(&s, sizeof s);
		sodium_memzero(&b, sizeof b);
	}
	close_out(reg);
	close_out(trade);
	close_out(mintf);
	close_out(panels);
	close_out(readings);
	printf("{\"participants\":%" PRId64 ",\"sellers\":%" PRId64 ",\"whales\":%"
	       PRId64 ",\"volume_wh\":%" PRId64 ",\"reported\":%" PRId64
	       ",\"unreported\":%" PRId64 ",\"short\":%" PRId64 ",\"delivered_wh\":%"
	       PRId64 ",\"shortfall_wh\":%" PRId64 ",\"void_wh\":%" PRId64
	       ",\"sell_hi\":%" PRId64 ",\"buy_lo\":%" PRId64 "}\n", n, sellers,
	       whales, volume, reported, unreported, shortn, delivered, shortfall,
	       voided, sell_hi, buy_lo);
	return 0;
}

/* Register account name: its signed account.register and mint lines. */
static void gen_account(FILE *reg, FILE *mintf, const gs_key *k, int64_t time,
			int64_t mint)
{
	char pk64[64];

	emit(reg, "reg", k, "account.register", time, json_pack("{s:s}", "pubkey",
	     gs_b64(k->pk, GS_PK_BYTES, pk64, sizeof pk64)));
	fprintf(mintf, "{\"to\":\"%s\",\"amount\":%" PRId64 "}\n", k->name, mint);
}

/* The day scenario (see the top of the file). */
static int gen_day(const struct opts *o)
{
	int64_t n = o->n, m = o->slots, orders = 0, sells = 0, reports = 0, unrep = 0;
	int64_t *sold;
	FILE *reg, *mintf, *panels, *dep, *ord, *rd;
	gs_key k;

	if (n < 2 || m < 1 || o->first < 0 || o->ss < 60 || o->time < 0 ||
	    o->mint < 1 || o->stake < 1)
		return usage();
	if (!(sold = calloc((size_t)n * (size_t)m, sizeof *sold)))
		fail("out of memory");
	reg = out(o->dir, "register.ndjson");
	mintf = out(o->dir, "mint.ndjson");
	panels = out(o->dir, "panels.ndjson");
	dep = out(o->dir, "deposit.ndjson");
	ord = out(o->dir, "orders.ndjson");
	rd = out(o->dir, "readings.ndjson");
	for (int64_t p = 0; p < n; p++) {
		json_t *items = json_array();
		char name[32];

		snprintf(name, sizeof name, "p%" PRId64, p);
		derive(name, &k);
		gen_account(reg, mintf, &k, o->time, o->mint);
		fprintf(panels, "{\"owner\":\"%s\",\"capacity_w\":%d}\n", name, PANEL_W);
		emit(dep, "dep", &k, "stake.deposit", o->time,
		     json_pack("{s:I}", "amount", (json_int_t)o->stake));
		for (int64_t j = 0; j < m; j++) {
			int64_t q = 1 + draw(QMAX), sp = 20000 + draw(81) * 1000;
			int64_t bp = 60000 + draw(121) * 1000;
			int sell = (p + j) % 2 == 0;

			json_array_append_new(items, order(o->first + j, sell ? "sell" : "buy",
							   sell ? sp : bp, q, sell ? p + 1 : 0));
			sold[j * n + p] = sell ? q : 0;
			sells += sell;
			orders++;
		}
		emit(ord, "ord", &k, "auction.order", o->time, json_pack("{s:o}", "items",
		     items));
		sodium_memzero(&k, sizeof k);
	}
	derive("oracle", &k);
	gen_account(reg, mintf, &k, o->time, o->mint);
	emit(dep, "dep", &k, "stake.deposit", o->time,
	     json_pack("{s:I}", "amount", (json_int_t)o->stake));
	for (int64_t j = 0; j < m; j++) {
		json_t *items = json_array();
		char kind[32];

		for (int64_t p = 0; p < n; p++) {
			int64_t q = sold[j * n + p], r = draw(100), y = draw(1000000), wh;
			if (r < 2) {
				unrep++;
				continue;
			}
			if (q == 0)
				wh = y * (QMAX + 1) / 1000000;		/* 0..QMAX */
			else if (r < 17)
				wh = y * q / 1000000;			/* 0..q-1 */
			else
				wh = q + y * (QMAX - q + 1) / 1000000;	/* q..QMAX */
			json_array_append_new(items, json_pack("{s:I,s:I,s:I}", "panel",
					      (json_int_t)(p + 1), "slot",
					      (json_int_t)(o->first + j), "wh", (json_int_t)wh));
			reports++;
		}
		snprintf(kind, sizeof kind, "rep%" PRId64, j);
		emit(rd, kind, &k, "oracle.report", (o->first + j + 1) * o->ss + 30,
			json_pack("{s:o}", "items", items));
	}
	sodium_memzero(&k, sizeof k);
	free(sold);
	close_out(reg);
	close_out(mintf);
	close_out(panels);
	close_out(dep);
	close_out(ord);
	close_out(rd);
	printf("{\"participants\":%" PRId64 ",\"panels\":%" PRId64 ",\"slots\":%"
	       PRId64 ",\"orders\":%" PRId64 ",\"sells\":%" PRId64 ",\"buys\":%"
	       PRId64 ",\"readings\":%" PRId64 ",\"unreported\":%" PRId64 "}\n", n, n,
	       m, orders, sells, orders - sells, reports, unrep);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;

	if (argc < 3 || parse(argc, argv, &o))
		return usage();
	if (sodium_init() < 0)
		fail("libsodium failed to initialise");
	rng = (uint64_t)o.seed;
	if (strcmp(argv[1], "settle") == 0)
		return gen_settle(&o);
	if (strcmp(argv[1], "day") == 0) {
		bench_name = "day";
		return gen_day(&o);
	}
	return usage();
}
