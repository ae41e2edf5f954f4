/* test_settle.c - unit tests for settle.c, the settlement of cleared slots. */
/*
 * Positions, money, penalties and debt, void sales, disputes and the
 * refusals of compute / finalize. Every scenario runs through the library as signed txs (th_apply) with
 * explicit times: orders before the gate (slot start - 300 s), clearing
 * at the gate, the oracle report after the slot ends, oracle finalize
 * verification_period_s (900 s) after the end, settle.compute then and
 * settle.finalize dispute_window_s (3600 s) after compute. The figures
 * are worked out by hand in the comments (DESIGN 6, 8 "Settlement", 9
 * last paragraph, 11, 14; /tmp/spec/settle.md). Invariants, the chain
 * and a replay are checked at the end of each test.
 */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define C(x) ((int64_t)(x) * 1000000)	/* credits in base units */
#define SS INT64_C(900)			/* slot_seconds */
#define S0 (TH_T0 / SS)			/* the slot that starts at genesis */
#define SL (S0 + 4)			/* the slot the tests trade in */
#define START(n) ((n) * SS)		/* start of slot n */
#define GATE(n) (START(n) - 300)	/* gate closure (gate_closure_s 300) */
#define END(n) (START(n) + SS)		/* end of slot n */
#define VP INT64_C(900)			/* verification_period_s */
#define WIN INT64_C(3600)		/* dispute_window_s */
#define T_ORDER (TH_T0 + 100)		/* orders: well before GATE(SL) */
#define T_REPORT(n) (END(n) + 60)	/* oracle reports */
#define T_FINAL(n) (END(n) + VP)	/* oracle finalize, then settle.compute */
#define BOND C(10)			/* dispute_bond */

/* admin (every role), orc (role oracle, 200 credits staked), alice
 * (panel 1), carol (panel 2), bob and dave (buyers); 1000 credits each
 * for all but admin. */
static gs_key admin, orc, alice, bob, carol, dave;

static void vreport(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "verify: %s\n", msg);
}

/* shared helpers of testhelp.h under this file's short names */
#define q th_q
#define num th_num
#define str th_str
#define OK TH_OK
#define OK_OUT TH_OK_OUT
#define REFUSE TH_REFUSE

static json_t *slot_args(int64_t slot)
{
	return slot >= 0 ? json_pack("{s:I}", "slot", (json_int_t)slot)
			 : json_pack("{s:i}", "due", 1);
}


/* ---- setup ------------------------------------------------------------------ */

static void grant(gs_store *s, const char *role, const char *who)
{
	OK(s, &admin, "admin.grant", json_pack("{s:s,s:s}", "role", role, "account", who),
	   TH_T0);
}

static void deposit(gs_store *s, const gs_key *k, int64_t amount, int64_t time)
{
	OK(s, k, "stake.deposit", json_pack("{s:I}", "amount", (json_int_t)amount), time);
}

static void set_param(gs_store *s, const char *name, int64_t value, int64_t time)
{
	OK(s, &admin, "params.set", json_pack("{s:s,s:I}", "name", name, "value",
					      (json_int_t)value), time);
}

/* Genesis at TH_T0 with the accounts above and two 80 kW panels (20000 Wh
 * per slot): 1 of alice, 2 of carol. */
static gs_store *setup(void)
{
	const gs_key *who[] = { &orc, &alice, &bob, &carol, &dave };
	json_t *items = json_array();
	gs_store *s;

	th_key("admin", &admin);
	th_key("orc", &orc);
	th_key("alice", &alice);
	th_key("bob", &bob);
	th_key("carol", &carol);
	th_key("dave", &dave);
	s = th_genesis_with(NULL, &admin, 6, "GST", SS);
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		th_register(s, who[i]);
		json_array_append_new(items, json_pack("{s:s,s:I}", "to", who[i]->name,
						       "amount", (json_int_t)C(1000)));
	}
	OK(s, &admin, "token.mint", json_pack("{s:o}", "items", items), TH_T0);
	grant(s, "oracle", "orc");
	deposit(s, &orc, C(200), TH_T0);
	OK(s, &admin, "panel.register", json_pack("{s:[{s:s,s:i},{s:s,s:i}]}", "items",
		"owner", "alice", "capacity_w", 80000, "owner", "carol", "capacity_w", 80000),
	   TH_T0);
	return s;
}

/* ---- the protocol steps ------------------------------------------------------ */

#define BUY(s, k, slot, price, qty) order_(s, k, slot, "buy", price, qty, 0, __LINE__)
#define SELL(s, k, slot, price, qty, panel) \
	order_(s, k, slot, "sell", price, qty, panel, __LINE__)
static int64_t order_(gs_store *s, const gs_key *k, int64_t slot, const char *side,
		      int64_t price, int64_t qty, int64_t panel, int line)
{
	json_t *a = json_pack("{s:I,s:s,s:I,s:I}", "slot", (json_int_t)slot, "side", side,
			      "price", (json_int_t)price, "qty_wh", (json_int_t)qty), *out = NULL;
	int64_t id;
	gs_err e;

	if (panel)
		json_object_set_new(a, "panel", json_integer(panel));
	ck_assert_msg(th_apply(s, k, "auction.order", a, T_ORDER, &out, &e) == GS_OK,
		      "line %d: order by %s: %s", line, k->name, e.msg);
	ck_assert_uint_eq(json_array_size(out), 1);
	ck_assert_str_eq(str(json_array_get(out, 0), "type"), "order");
	id = num(json_array_get(out, 0), "id");
	json_decref(out);
	return id;
}

/* Clear slot at its gate; the clearing must be at price with volume. */
#define CLEAR(s, slot, price, volume) clear_(s, slot, price, volume, __LINE__)
static void clear_(gs_store *s, int64_t slot, int64_t price, int64_t volume, int line)
{
	json_t *out = json_array(), *r;
	gs_err e;

	OK(s, &admin, "auction.clear", slot_args(slot), GATE(slot));
	ck_assert_int_eq(gs_clearing_record(s, slot, out, &e), GS_OK);
	r = json_array_get(out, 0);
	ck_assert_msg(json_is_integer(json_object_get(r, "price")) &&
		      num(r, "price") == price && num(r, "volume_wh") == volume,
		      "line %d: clearing differs", line);
	json_decref(out);
}

/* Status of the production record of panel in slot ("" when none). */
static const char *production(gs_store *s, int64_t slot, int64_t panel, char buf[16])
{
	json_t *out = json_array();
	gs_err e;

	ck_assert_int_eq(gs_production_records(s, slot, panel, 0, out, &e), GS_OK);
	ck_assert_uint_le(json_array_size(out), 1);
	snprintf(buf, 16, "%s", json_array_size(out) ? str(json_array_get(out, 0), "status")
		 : "");
	json_decref(out);
	return buf;
}

/* orc reports wh for panel in slot at T_REPORT(slot). */
static void produce(gs_store *s, int64_t slot, int64_t panel, int64_t wh)
{
	OK(s, &orc, "oracle.report", json_pack("{s:I,s:I,s:I}", "panel", (json_int_t)panel,
					       "slot", (json_int_t)slot, "wh",
					       (json_int_t)wh), T_REPORT(slot));
}

static void oracle_final(gs_store *s, int64_t slot, int64_t time)
{
	OK(s, &admin, "oracle.finalize", slot_args(slot), time);
}

#define COMPUTE(s, slot, time) OK(s, &admin, "settle.compute", slot_args(slot), time)
#define FINALIZE(s, slot, time) OK(s, &admin, "settle.finalize", slot_args(slot), time)

/* ---- inspection ---------------------------------------------------------------- */

#define BAL(s, who, a, l) bal_(s, who, a, l, __LINE__)
static void bal_(gs_store *s, const char *who, int64_t a, int64_t l, int line)
{
	int64_t av, lk;

	th_balance(s, who, &av, &lk);
	ck_assert_msg(av == a && lk == l, "line %d: balance of %s: %lld/%lld, want "
		      "%lld/%lld", line, who, (long long)av, (long long)lk, (long long)a,
		      (long long)l);
}

static gs_stake stake(gs_store *s, const char *who)
{
	gs_stake st;
	gs_err e;

	ck_assert_int_eq(gs_stake_get(s, who, &st, &e), GS_OK);
	return st;
}

#define STAKE(s, who, staked, locked, unbonding, debt) \
	stake_(s, who, staked, locked, unbonding, debt, __LINE__)
static void stake_(gs_store *s, const char *who, int64_t staked, int64_t locked,
		   int64_t unbonding, int64_t debt, int line)
{
	gs_stake st = stake(s, who);

	ck_assert_msg(st.staked == staked && st.locked == locked &&
		      st.unbonding == unbonding && st.debt == debt,
		      "line %d: stake of %s: %lld/%lld/%lld/%lld, want %lld/%lld/%lld/%lld",
		      line, who, (long long)st.staked, (long long)st.locked,
		      (long long)st.unbonding, (long long)st.debt, (long long)staked,
		      (long long)locked, (long long)unbonding, (long long)debt);
}

static int64_t supply(gs_store *s)
{
	ck_assert_int_eq(q(s, "SELECT coalesce(sum(available + locked), 0) FROM balances"),
			 q(s, "SELECT minted - burned FROM supply"));
	return q(s, "SELECT minted - burned FROM supply");
}

/* Lock ids of one account, active at some point (at most 8). */
struct held {
	int64_t id[8];
	size_t n;
};

/* Active token (stk 0) or stake (stk 1) locks of who, by the records of
 * gs_lock_records / gs_stake_lock_records (purpose NULL: any): their ids
 * into *h, their sum returned. */
static int64_t active_locks(gs_store *s, const char *who, int stk, const char *purpose,
			    struct held *h)
{
	json_t *out = json_array(), *r;
	int64_t sum = 0;
	size_t i;
	gs_err e;

	ck_assert_int_eq(stk ? gs_stake_lock_records(s, who, 0, out, &e)
			     : gs_lock_records(s, who, 0, out, &e), GS_OK);
	h->n = 0;
	json_array_foreach(out, i, r) {
		ck_assert_str_eq(str(r, "state"), "active");
		ck_assert_str_eq(str(r, "account"), who);
		if (purpose && strcmp(str(r, "purpose"), purpose) != 0)
			continue;
		ck_assert_uint_lt(h->n, 8);
		h->id[h->n++] = num(r, "id");
		sum += num(r, "amount");
	}
	json_decref(out);
	return sum;
}

/* The active locks of who (stk: stake locks; purpose NULL: any), which
 * must add up to sum. */
#define HELD(s, who, stk, purpose, sum) held_(s, who, stk, purpose, sum, __LINE__)
static struct held held_(gs_store *s, const char *who, int stk, const char *purpose,
			 int64_t sum, int line)
{
	struct held h;
	int64_t got = active_locks(s, who, stk, purpose, &h);

	ck_assert_msg(got == sum, "line %d: %s's active %s locks hold %lld, want %lld", line,
		      who, stk ? "stake" : "token", (long long)got, (long long)sum);
	return h;
}

/* who holds no active lock, token or stake. */
#define NO_LOCKS(s, who) do {						\
	struct held h_;							\
	ck_assert_msg(active_locks(s, who, 0, NULL, &h_) == 0 && h_.n == 0 &&	\
		      active_locks(s, who, 1, NULL, &h_) == 0 && h_.n == 0,	\
		      "line %d: %s still holds locks", __LINE__, who);	\
} while (0)

/* The locks of h (stake locks when stk) must all be in state now; the
 * stake taken from them must add up to taken. */
#define CLOSED(s, stk, h, state, taken) closed_(s, stk, &(h), state, taken, __LINE__)
static void closed_(gs_store *s, int stk, const struct held *h, const char *state,
		    int64_t taken, int line)
{
	int64_t took = 0;
	gs_err e;

	ck_assert_msg(h->n > 0, "line %d: no locks", line);
	for (size_t i = 0; i < h->n; i++) {
		json_t *out = json_array(), *r;
		ck_assert_int_eq(stk ? gs_stake_lock_records(s, NULL, h->id[i], out, &e)
				     : gs_lock_records(s, NULL, h->id[i], out, &e), GS_OK);
		ck_assert_uint_eq(json_array_size(out), 1);
		r = json_array_get(out, 0);
		ck_assert_msg(strcmp(str(r, "state"), state) == 0, "line %d: %s lock %lld "
			      "is '%s', want '%s'", line, stk ? "stake" : "token",
			      (long long)h->id[i], str(r, "state"), state);
		if (stk)
			took += num(r, "taken");
		json_decref(out);
	}
	ck_assert_msg(took == taken, "line %d: the stake locks gave %lld, want %lld", line,
		      (long long)took, (long long)taken);
}

/* The settlement record of slot (new reference). */
static json_t *srec(gs_store *s, int64_t slot)
{
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_msg(gs_settlement_record(s, slot, out, &e) == GS_OK, "settlement: %s",
		      e.msg);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_incref(json_array_get(out, 0));
	json_decref(out);
	ck_assert_str_eq(str(r, "type"), "settlement");
	ck_assert_int_eq(num(r, "slot"), slot);
	return r;
}

#define SSTATE(s, slot, want) do {					\
	json_t *r_ = srec(s, slot);					\
	ck_assert_msg(strcmp(str(r_, "state"), want) == 0,		\
		      "line %d: settlement state '%s', want '%s'", __LINE__,	\
		      str(r_, "state"), want);					\
	json_decref(r_);						\
} while (0)

/* The settlement record's figures: state, price, volume, delivered,
 * shortfall, void, penalties, dust, participants, computed_at,
 * finalized_at (-1: null). */
#define SREC(s, slot, state, ...) srec_(s, slot, state, (const int64_t[10]){ __VA_ARGS__ }, \
					__LINE__)
static void srec_(gs_store *s, int64_t slot, const char *state, const int64_t *w, int line)
{
	static const char *const f[] = { "price", "volume_wh", "delivered_wh",
					 "shortfall_wh", "void_wh", "penalties", "dust",
					 "participants", "computed_at" };
	json_t *r = srec(s, slot), *fin;

	ck_assert_msg(strcmp(str(r, "state"), state) == 0, "line %d: state '%s', want '%s'",
		      line, str(r, "state"), state);
	for (int i = 0; i < 9; i++)
		ck_assert_msg(num(r, f[i]) == w[i], "line %d: settlement %s = %lld, want %lld",
			      line, f[i], (long long)num(r, f[i]), (long long)w[i]);
	fin = json_object_get(r, "finalized_at");
	if (w[9] < 0)
		ck_assert_msg(json_is_null(fin), "line %d: finalized_at is not null", line);
	else
		ck_assert_msg(json_is_integer(fin) && json_integer_value(fin) == w[9],
			      "line %d: finalized_at differs", line);
	json_decref(r);
}

static const char *const pos_fields[] = {
	"bought_wh", "sold_wh", "delivered_wh", "shortfall_wh", "missed_wh", "void_wh",
	"paid", "received", "penalty", "compensation", "debt", "net",
};

/* Every field of who's position record in slot (state "provisional" or
 * "final"), in the order of pos_fields. */
#define POS(s, slot, who, state, ...) pos_(s, slot, who, state, (const int64_t[12]){ __VA_ARGS__ }, \
					   __LINE__)
static void pos_(gs_store *s, int64_t slot, const char *who, const char *state,
		 const int64_t *w, int line)
{
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_msg(gs_position_records(s, slot, who, out, &e) == GS_OK,
		      "line %d: positions: %s", line, e.msg);
	ck_assert_msg(json_array_size(out) == 1, "line %d: %zu positions of %s", line,
		      json_array_size(out), who);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "position");
	ck_assert_int_eq(num(r, "slot"), slot);
	ck_assert_str_eq(str(r, "account"), who);
	ck_assert_msg(strcmp(str(r, "state"), state) == 0, "line %d: %s is %s, want %s",
		      line, who, str(r, "state"), state);
	for (int i = 0; i < 12; i++)
		ck_assert_msg(num(r, pos_fields[i]) == w[i], "line %d: %s %s = %lld, want %lld",
			      line, who, pos_fields[i], (long long)num(r, pos_fields[i]),
			      (long long)w[i]);
	/* net = received + compensation - paid - penalty */
	ck_assert_int_eq(w[11], w[7] + w[9] - w[6] - w[8]);
	json_decref(out);
}

/* The accounts with positions in slot, comma-separated in record order. */
static char *pos_accounts(gs_store *s, int64_t slot, char *buf, size_t n)
{
	json_t *out = json_array(), *r;
	size_t i;
	gs_err e;

	ck_assert_msg(gs_position_records(s, slot, NULL, out, &e) == GS_OK, "positions: %s",
		      e.msg);
	buf[0] = '\0';
	json_array_foreach(out, i, r) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "%s%s", i ? "," : "", str(r, "account"));
	}
	json_decref(out);
	return buf;
}

/* Nets of slot's positions plus its dust (0 by DESIGN 11), and the dust. */
static int64_t nets_plus_dust(gs_store *s, int64_t slot, int64_t *dust)
{
	int64_t nets = 0;
	gs_err e;

	ck_assert_int_eq(gs_query_int(s, &e, dust, "SELECT dust FROM settlements WHERE "
				      "slot = ?", "i", slot), 1);
	ck_assert_int_eq(gs_query_int(s, &e, &nets, "SELECT coalesce(sum(net), 0) FROM "
				      "positions WHERE slot = ?", "i", slot), 1);
	return nets + *dust;
}

/* DESIGN 11 invariants, the chain and a replay; closes the store. */
static void finish(gs_store *s)
{
	gs_err e;

	supply(s);
	ck_assert_int_eq(q(s, "SELECT available + locked FROM balances WHERE account = "
			   "'vault'"), q(s, "SELECT coalesce(sum(staked), 0) FROM stakes"));
	ck_assert_msg(gs_verify_invariants(s, vreport, NULL, &e) == GS_OK, "invariants: %s",
		      e.msg);
	ck_assert_msg(gs_verify_chain(s, vreport, NULL, &e) == GS_OK, "chain: %s", e.msg);
	ck_assert_msg(gs_verify_replay(s, vreport, NULL, &e) == GS_OK, "replay: %s", e.msg);
	gs_store_close(s);
}

/* ---- the worked example (DESIGN 8) ------------------------------------------ */

/* alice stakes 500, sells 2000 Wh on panel 1 at 0.11, bob buys 1500 and
 * dave 500 at 0.11; cleared at the gate: P = 110000, V = 2000. Escrow
 * bob ceil(1500 * 110000 / 1000) = 165000, dave 55000; alice's collateral
 * ceil(2000 * 110000 * 15000 / 10^7) = 330000. */
static void we_trade(gs_store *s)
{
	deposit(s, &alice, C(500), TH_T0 + 50);
	SELL(s, &alice, SL, 110000, 2000, 1);
	BUY(s, &bob, SL, 110000, 1500);
	BUY(s, &dave, SL, 110000, 500);
	CLEAR(s, SL, 110000, 2000);
}

/* The example through oracle finalization (production 1600 Wh) and
 * compute at T_FINAL(SL). */
static gs_store *we_computed(void)
{
	gs_store *s = setup();

	we_trade(s);
	produce(s, SL, 1, 1600);
	oracle_final(s, SL, T_FINAL(SL));
	COMPUTE(s, SL, T_FINAL(SL));
	return s;
}

/* The provisional / final positions of the example: D = 1600, S = 400;
 * bob delivered 1600 * 1500 / 2000 = 1200, dave 400; missed 300, 100;
 * paid 132000 and 44000; alice receives 176000; penalty
 * ceil(400 * 110000 * 15000 / 10^7) = 66000, compensation 66000 * 3/4 =
 * 49500 and 16500; nets +110000, -82500, -27500. */
static void we_positions(gs_store *s, const char *state)
{
	char buf[64];

	ck_assert_str_eq(pos_accounts(s, SL, buf, sizeof buf), "alice,bob,dave");
	POS(s, SL, "alice", state, 0, 2000, 1600, 400, 0, 0, 0, 176000, 66000, 0, 0, 110000);
	POS(s, SL, "bob", state, 1500, 0, 1200, 0, 300, 0, 132000, 0, 0, 49500, 0, -82500);
	POS(s, SL, "dave", state, 500, 0, 400, 0, 100, 0, 44000, 0, 0, 16500, 0, -27500);
}

/* Balances and stake after the example's clearing, as long as nothing
 * is final: compute moves nothing. */
static void we_unsettled(gs_store *s, int64_t dave_bond)
{
	BAL(s, "alice", C(500), 0);
	BAL(s, "bob", C(1000) - 165000, 165000);
	BAL(s, "dave", C(1000) - 55000 - dave_bond, 55000 + dave_bond);
	STAKE(s, "alice", C(500), 330000, 0, 0);
}

/* Balances and stake once the example is final. */
static void we_settled(gs_store *s, int64_t dave_bond)
{
	BAL(s, "alice", C(500) + 176000, 0);
	BAL(s, "bob", C(1000) - 82500, 0);
	BAL(s, "dave", C(1000) - 27500 - dave_bond, 0);
	STAKE(s, "alice", C(500) - 66000, 0, 0, 0);
}

START_TEST(worked_example)
{
	gs_store *s = setup();
	int64_t tc = T_FINAL(SL), tf = tc + WIN, sup, dust = -1;
	json_t *out = NULL, *r;
	struct held hb, hd, ha;
	gs_err e;

	we_trade(s);
	produce(s, SL, 1, 1600);
	oracle_final(s, SL, tc);
	sup = supply(s);
	BAL(s, "vault", C(700), 0);	/* alice's 500 and orc's 200 */
	we_unsettled(s, 0);
	BAL(s, "treasury", 0, 0);

	/* compute: provisional positions and a computed settlement, its
	 * record in the tx output; no money moves */
	ck_assert_msg(th_apply(s, &admin, "settle.compute", slot_args(SL), tc, &out, &e) ==
		      GS_OK, "compute: %s", e.msg);
	r = json_array_get(out, json_array_size(out) - 1);
	ck_assert_str_eq(str(r, "type"), "settlement");
	ck_assert_str_eq(str(r, "state"), "computed");
	json_decref(out);
	we_positions(s, "provisional");
	SREC(s, SL, "computed", 110000, 2000, 1600, 400, 0, 66000, 0, 3, tc, -1);
	ck_assert_int_eq(nets_plus_dust(s, SL, &dust), 0);
	ck_assert_int_eq(dust, 0);
	we_unsettled(s, 0);
	BAL(s, "treasury", 0, 0);
	hb = HELD(s, "bob", 0, NULL, 165000);
	hd = HELD(s, "dave", 0, NULL, 55000);
	ha = HELD(s, "alice", 1, NULL, 330000);
	ck_assert_int_eq(supply(s), sup);

	/* finalize after the window: every transfer in one tx */
	FINALIZE(s, SL, tf);
	we_positions(s, "final");
	SREC(s, SL, "final", 110000, 2000, 1600, 400, 0, 66000, 0, 3, tc, tf);
	we_settled(s, 0);
	ck_assert_int_eq(stake(s, "alice").staked, C(500) - 66000);	/* by 66000 */
	/* the penalty went from the vault to the buyers, nothing to treasury */
	BAL(s, "treasury", 0, 0);
	BAL(s, "vault", C(700) - 66000, 0);
	/* escrow consumed from both payers, collateral consumed for 66000 */
	CLOSED(s, 0, hb, "consumed", 0);
	CLOSED(s, 0, hd, "consumed", 0);
	CLOSED(s, 1, ha, "consumed", 66000);
	NO_LOCKS(s, "alice");
	NO_LOCKS(s, "bob");
	NO_LOCKS(s, "dave");
	ck_assert_int_eq(nets_plus_dust(s, SL, &dust), 0);
	ck_assert_int_eq(dust, 0);
	ck_assert_int_eq(supply(s), sup);
	ck_assert_msg(gs_verify_invariants(s, vreport, NULL, &e) == GS_OK, "invariants: %s",
		      e.msg);
	finish(s);
}
END_TEST

/* The penalty rate of a slot is the one in force at its first compute:
 * raising penalty_bps from 15000 to 30000 during the dispute window does
 * not change the provisional figures at finalize (alice still pays
 * 66000, not 132000); the rate is kept with the settlement. */
START_TEST(penalty_rate_fixed_at_compute)
{
	gs_store *s = setup();
	int64_t tc = T_FINAL(SL), tf = tc + WIN;
	char sql[96];

	we_trade(s);
	produce(s, SL, 1, 1600);
	oracle_final(s, SL, tc);
	COMPUTE(s, SL, tc);
	set_param(s, "penalty_bps", 30000, tc + 1);
	FINALIZE(s, SL, tf);
	we_positions(s, "final");
	SREC(s, SL, "final", 110000, 2000, 1600, 400, 0, 66000, 0, 3, tc, tf);
	we_settled(s, 0);
	snprintf(sql, sizeof sql, "SELECT penalty_bps FROM settlements WHERE slot = %lld",
		 (long long)SL);
	ck_assert_int_eq(th_q(s, sql), 15000);
	finish(s);
}
END_TEST

/* ---- rounding ----------------------------------------------------------------- */

/* Full delivery at P = 1001/kWh: bob 7 Wh pays ceil(7.007) = 8, dave
 * 5 Wh pays ceil(5.005) = 6, alice 12 Wh receives floor(12.012) = 12;
 * dust 14 - 12 = 2 to treasury. No shortfall, no penalty; alice's
 * collateral ceil(12 * 1001 * 15000 / 10^7) = ceil(18.018) = 19 is
 * released. */
START_TEST(full_delivery_dust)
{
	gs_store *s = setup();
	int64_t tc = T_FINAL(SL), tf = tc + WIN, sup, dust = -1;
	struct held ha, hb, hd;

	deposit(s, &alice, C(500), TH_T0 + 50);
	SELL(s, &alice, SL, 1001, 12, 1);
	BUY(s, &bob, SL, 1001, 7);
	BUY(s, &dave, SL, 1001, 5);
	CLEAR(s, SL, 1001, 12);
	BAL(s, "bob", C(1000) - 8, 8);
	BAL(s, "dave", C(1000) - 6, 6);
	STAKE(s, "alice", C(500), 19, 0, 0);
	ha = HELD(s, "alice", 1, NULL, 19);
	hb = HELD(s, "bob", 0, NULL, 8);
	hd = HELD(s, "dave", 0, NULL, 6);
	produce(s, SL, 1, 15);		/* produced more than sold */
	oracle_final(s, SL, tc);
	sup = supply(s);
	COMPUTE(s, SL, tc);
	POS(s, SL, "alice", "provisional", 0, 12, 12, 0, 0, 0, 0, 12, 0, 0, 0, 12);
	POS(s, SL, "bob", "provisional", 7, 0, 7, 0, 0, 0, 8, 0, 0, 0, 0, -8);
	POS(s, SL, "dave", "provisional", 5, 0, 5, 0, 0, 0, 6, 0, 0, 0, 0, -6);
	SREC(s, SL, "computed", 1001, 12, 12, 0, 0, 0, 2, 3, tc, -1);
	BAL(s, "treasury", 0, 0);
	FINALIZE(s, SL, tf);
	POS(s, SL, "alice", "final", 0, 12, 12, 0, 0, 0, 0, 12, 0, 0, 0, 12);
	POS(s, SL, "bob", "final", 7, 0, 7, 0, 0, 0, 8, 0, 0, 0, 0, -8);
	POS(s, SL, "dave", "final", 5, 0, 5, 0, 0, 0, 6, 0, 0, 0, 0, -6);
	ck_assert_int_eq(nets_plus_dust(s, SL, &dust), 0);
	ck_assert_int_eq(dust, 2);
	BAL(s, "treasury", 2, 0);
	BAL(s, "alice", C(500) + 12, 0);
	BAL(s, "bob", C(1000) - 8, 0);
	BAL(s, "dave", C(1000) - 6, 0);
	STAKE(s, "alice", C(500), 0, 0, 0);
	CLOSED(s, 1, ha, "released", 0);
	CLOSED(s, 0, hb, "consumed", 0);
	CLOSED(s, 0, hd, "consumed", 0);
	NO_LOCKS(s, "alice");
	NO_LOCKS(s, "bob");
	NO_LOCKS(s, "dave");
	ck_assert_int_eq(supply(s), sup);
	finish(s);
}
END_TEST

/* ---- partial shortfall, largest remainders ------------------------------------ */

/* P = 1000/kWh (1 base unit per Wh). dave buys 250 Wh (entered first),
 * bob 751 (second); alice sells 803 on panel 1 which produced 601, carol
 * sells 198 on panel 2 which nobody reported (void). V = 1001, D = 601,
 * S = 202.
 *   delivered, pro rata to fills 250:751 of 601: 150.1 and 450.9 ->
 *     150 (rem 100/1001) and 450 (rem 901/1001): bob's larger remainder
 *     takes the unit -> 150, 451;
 *   missed, S = 202 pro rata to 250-150 = 100 and 751-451 = 300:
 *     50.5 and 151.5 -> equal remainders (200/400): the earlier order
 *     (dave's, though "bob" sorts first) takes the unit -> 51, 151;
 *   void 250-150-51 = 49 and 751-451-151 = 149 (= carol's 198).
 *   penalty ceil(202 * 1000 * 15000 / 10^7) = 303 (collateral
 *   ceil(803 * 1.5) = 1205 covers it); compensation 303 pro rata to 51:151:
 *     76.5 and 226.5 -> equal remainders: dave 77, bob 226.
 *   nets: alice 601 - 303 = 298, carol 0, dave 77 - 150 = -73,
 *   bob 226 - 451 = -225. */
START_TEST(partial_shortfall_remainders)
{
	gs_store *s = setup();
	int64_t tc = T_FINAL(SL), tf = tc + WIN, b, d, sup, dust = -1;
	struct held ha, hc;
	char buf[64];

	deposit(s, &alice, C(500), TH_T0 + 50);
	deposit(s, &carol, C(500), TH_T0 + 50);
	d = BUY(s, &dave, SL, 1000, 250);
	b = BUY(s, &bob, SL, 1000, 751);
	SELL(s, &alice, SL, 1000, 803, 1);
	SELL(s, &carol, SL, 1000, 198, 2);
	ck_assert_int_lt(d, b);
	CLEAR(s, SL, 1000, 1001);
	STAKE(s, "alice", C(500), 1205, 0, 0);
	STAKE(s, "carol", C(500), 297, 0, 0);
	ha = HELD(s, "alice", 1, NULL, 1205);
	hc = HELD(s, "carol", 1, NULL, 297);
	produce(s, SL, 1, 601);
	oracle_final(s, SL, tc);
	ck_assert_str_eq(production(s, SL, 1, buf), "final");
	ck_assert_str_ne(production(s, SL, 2, buf), "final");
	sup = supply(s);
	COMPUTE(s, SL, tc);
	ck_assert_str_eq(pos_accounts(s, SL, buf, sizeof buf), "alice,bob,carol,dave");
	POS(s, SL, "alice", "provisional", 0, 803, 601, 202, 0, 0, 0, 601, 303, 0, 0, 298);
	POS(s, SL, "carol", "provisional", 0, 198, 0, 0, 0, 198, 0, 0, 0, 0, 0, 0);
	POS(s, SL, "bob", "provisional", 751, 0, 451, 0, 151, 149, 451, 0, 0, 226, 0, -225);
	POS(s, SL, "dave", "provisional", 250, 0, 150, 0, 51, 49, 150, 0, 0, 77, 0, -73);
	SREC(s, SL, "computed", 1000, 1001, 601, 202, 198, 303, 0, 4, tc, -1);
	FINALIZE(s, SL, tf);
	POS(s, SL, "alice", "final", 0, 803, 601, 202, 0, 0, 0, 601, 303, 0, 0, 298);
	POS(s, SL, "carol", "final", 0, 198, 0, 0, 0, 198, 0, 0, 0, 0, 0, 0);
	POS(s, SL, "bob", "final", 751, 0, 451, 0, 151, 149, 451, 0, 0, 226, 0, -225);
	POS(s, SL, "dave", "final", 250, 0, 150, 0, 51, 49, 150, 0, 0, 77, 0, -73);
	ck_assert_int_eq(nets_plus_dust(s, SL, &dust), 0);
	ck_assert_int_eq(dust, 0);
	BAL(s, "alice", C(500) + 601, 0);
	BAL(s, "carol", C(500), 0);
	BAL(s, "bob", C(1000) - 225, 0);
	BAL(s, "dave", C(1000) - 73, 0);
	BAL(s, "treasury", 0, 0);
	STAKE(s, "alice", C(500) - 303, 0, 0, 0);
	STAKE(s, "carol", C(500), 0, 0, 0);
	CLOSED(s, 1, ha, "consumed", 303);
	CLOSED(s, 1, hc, "released", 0);
	NO_LOCKS(s, "alice");
	NO_LOCKS(s, "carol");
	NO_LOCKS(s, "bob");
	NO_LOCKS(s, "dave");
	ck_assert_int_eq(supply(s), sup);
	finish(s);
}
END_TEST

/* ---- penalty beyond the stake: debt -------------------------------------------- */

/* alice stakes 12 credits, sells 5000 Wh at 1 credit/kWh (collateral
 * ceil(5000 * 10^6 * 15000 / 10^7) = 7500000) and starts unbonding 1.5
 * credits (free stake left 3000000); bob buys 5000 at 3 credits: P =
 * 1000000 + (3000000 - 1000000) / 2 = 2000000. At P the collateral wants
 * 15000000 but is raised only by the free 3000000 to 10500000; bob's
 * escrow drops to 10000000. After clearing alice deposits 0.5 credits
 * more (free). Panel 1 produced 0 Wh: shortfall 5000, penalty due
 * ceil(5000 * 2000000 * 15000 / 10^7) = 15000000, taken: collateral
 * 10500000 + free 500000 + unbonding 1500000 = 12500000; debt 2500000.
 * bob's missed part is the whole 5000: compensation 12500000. */
START_TEST(shortfall_beyond_stake)
{
	gs_store *s = setup();
	int64_t tc = T_FINAL(SL), tf = tc + WIN, sup, dust = -1;
	json_t *out = json_array();
	struct held ha, hb;
	gs_err e;

	deposit(s, &alice, C(12), TH_T0 + 50);
	SELL(s, &alice, SL, 1000000, 5000, 1);
	OK(s, &alice, "stake.request_withdraw", json_pack("{s:I}", "amount",
							  (json_int_t)1500000), T_ORDER);
	BUY(s, &bob, SL, 3000000, 5000);
	STAKE(s, "alice", C(12), 7500000, 1500000, 0);
	CLEAR(s, SL, 2000000, 5000);
	STAKE(s, "alice", C(12), 10500000, 1500000, 0);
	BAL(s, "bob", C(1000) - 10000000, 10000000);
	ha = HELD(s, "alice", 1, NULL, 10500000);
	hb = HELD(s, "bob", 0, NULL, 10000000);
	deposit(s, &alice, 500000, T_REPORT(SL));
	produce(s, SL, 1, 0);
	oracle_final(s, SL, tc);
	sup = supply(s);
	COMPUTE(s, SL, tc);
	POS(s, SL, "alice", "provisional", 0, 5000, 0, 5000, 0, 0, 0, 0, 12500000, 0,
	    2500000, -12500000);
	POS(s, SL, "bob", "provisional", 5000, 0, 0, 0, 5000, 0, 0, 0, 0, 12500000, 0,
	    12500000);
	SREC(s, SL, "computed", 2000000, 5000, 0, 5000, 0, 12500000, 0, 2, tc, -1);
	/* nothing taken yet */
	STAKE(s, "alice", C(12) + 500000, 10500000, 1500000, 0);
	FINALIZE(s, SL, tf);
	POS(s, SL, "alice", "final", 0, 5000, 0, 5000, 0, 0, 0, 0, 12500000, 0, 2500000,
	    -12500000);
	POS(s, SL, "bob", "final", 5000, 0, 0, 0, 5000, 0, 0, 0, 0, 12500000, 0, 12500000);
	ck_assert_int_eq(nets_plus_dust(s, SL, &dust), 0);
	ck_assert_int_eq(dust, 0);
	STAKE(s, "alice", 0, 0, 0, 2500000);
	ck_assert_int_eq(gs_unbonding_records(s, "alice", 0, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 0);	/* none pending */
	json_decref(out);
	BAL(s, "alice", C(1000) - C(12) - 500000, 0);
	BAL(s, "bob", C(1000) + 12500000, 0);
	BAL(s, "treasury", 0, 0);
	BAL(s, "vault", C(200), 0);	/* orc's stake only */
	CLOSED(s, 1, ha, "consumed", 10500000);
	CLOSED(s, 0, hb, "released", 0);
	NO_LOCKS(s, "alice");
	NO_LOCKS(s, "bob");
	ck_assert_int_eq(supply(s), sup);
	/* in debt: no more sell orders */
	REFUSE(s, &alice, GS_EREFUSED, "debt", "auction.order",
	       json_pack("{s:I,s:s,s:I,s:I,s:I}", "slot", (json_int_t)(SL + 20), "side",
			 "sell", "price", (json_int_t)1000, "qty_wh", (json_int_t)10,
			 "panel", (json_int_t)1), tf + 10);
	finish(s);
}
END_TEST

/* ---- unverified panel --------------------------------------------------------- */

/* oracle_quorum 2 with a single report: panel 1 is unverified, alice's
 * 2000 Wh sale and bob's purchase are void; escrow and collateral are
 * released, nobody pays or receives anything. */
START_TEST(unverified_void)
{
	gs_store *s = setup();
	int64_t tc = T_FINAL(SL), tf = tc + WIN, sup, dust = -1;
	struct held ha, hb;
	char buf[16];

	set_param(s, "oracle_quorum", 2, TH_T0);
	deposit(s, &alice, C(500), TH_T0 + 50);
	SELL(s, &alice, SL, 110000, 2000, 1);
	BUY(s, &bob, SL, 110000, 2000);
	CLEAR(s, SL, 110000, 2000);
	BAL(s, "bob", C(1000) - 220000, 220000);
	STAKE(s, "alice", C(500), 330000, 0, 0);
	ha = HELD(s, "alice", 1, NULL, 330000);
	hb = HELD(s, "bob", 0, NULL, 220000);
	produce(s, SL, 1, 2000);
	oracle_final(s, SL, tc);
	ck_assert_str_eq(production(s, SL, 1, buf), "unverified");
	sup = supply(s);
	COMPUTE(s, SL, tc);
	POS(s, SL, "alice", "provisional", 0, 2000, 0, 0, 0, 2000, 0, 0, 0, 0, 0, 0);
	POS(s, SL, "bob", "provisional", 2000, 0, 0, 0, 0, 2000, 0, 0, 0, 0, 0, 0);
	SREC(s, SL, "computed", 110000, 2000, 0, 0, 2000, 0, 0, 2, tc, -1);
	FINALIZE(s, SL, tf);
	POS(s, SL, "alice", "final", 0, 2000, 0, 0, 0, 2000, 0, 0, 0, 0, 0, 0);
	POS(s, SL, "bob", "final", 2000, 0, 0, 0, 0, 2000, 0, 0, 0, 0, 0, 0);
	ck_assert_int_eq(nets_plus_dust(s, SL, &dust), 0);
	ck_assert_int_eq(dust, 0);
	BAL(s, "bob", C(1000), 0);
	BAL(s, "alice", C(500), 0);
	BAL(s, "treasury", 0, 0);
	STAKE(s, "alice", C(500), 0, 0, 0);
	CLOSED(s, 0, hb, "released", 0);
	CLOSED(s, 1, ha, "released", 0);
	NO_LOCKS(s, "alice");
	NO_LOCKS(s, "bob");
	ck_assert_int_eq(supply(s), sup);
	finish(s);
}
END_TEST

/* ---- negative price ------------------------------------------------------------- */

/* Everyone at -0.033333/kWh: P = -33333. alice sells 1500 (escrow
 * ceil(1500 * 33333 / 1000) = ceil(49999.5) = 50000, no collateral),
 * produced 1201: shortfall 299 but no penalty at P < 0. bob (1000) and
 * dave (500) buy: delivered 1201 * 1000/1500 = 800.67 and 400.33 ->
 * 801, 400; missed 199, 100. alice pays ceil(1201 * 33333 / 1000) =
 * ceil(40032.933) = 40033; bob receives floor(801 * 33333 / 1000) =
 * floor(26699.733) = 26699, dave floor(13333.2) = 13333; dust 40033 -
 * 40032 = 1. */
START_TEST(negative_price)
{
	gs_store *s = setup();
	int64_t tc = T_FINAL(SL), tf = tc + WIN, sup, dust = -1;
	struct held ha;

	deposit(s, &alice, C(500), TH_T0 + 50);
	SELL(s, &alice, SL, -33333, 1500, 1);
	BUY(s, &bob, SL, -33333, 1000);
	BUY(s, &dave, SL, -33333, 500);
	CLEAR(s, SL, -33333, 1500);
	BAL(s, "alice", C(500) - 50000, 50000);
	BAL(s, "bob", C(1000), 0);
	STAKE(s, "alice", C(500), 0, 0, 0);
	ha = HELD(s, "alice", 0, NULL, 50000);
	HELD(s, "alice", 1, NULL, 0);	/* no collateral at P <= 0 */
	HELD(s, "bob", 0, NULL, 0);
	produce(s, SL, 1, 1201);
	oracle_final(s, SL, tc);
	sup = supply(s);
	COMPUTE(s, SL, tc);
	POS(s, SL, "alice", "provisional", 0, 1500, 1201, 299, 0, 0, 40033, 0, 0, 0, 0, -40033);
	POS(s, SL, "bob", "provisional", 1000, 0, 801, 0, 199, 0, 0, 26699, 0, 0, 0, 26699);
	POS(s, SL, "dave", "provisional", 500, 0, 400, 0, 100, 0, 0, 13333, 0, 0, 0, 13333);
	SREC(s, SL, "computed", -33333, 1500, 1201, 299, 0, 0, 1, 3, tc, -1);
	FINALIZE(s, SL, tf);
	POS(s, SL, "alice", "final", 0, 1500, 1201, 299, 0, 0, 40033, 0, 0, 0, 0, -40033);
	POS(s, SL, "bob", "final", 1000, 0, 801, 0, 199, 0, 0, 26699, 0, 0, 0, 26699);
	POS(s, SL, "dave", "final", 500, 0, 400, 0, 100, 0, 0, 13333, 0, 0, 0, 13333);
	ck_assert_int_eq(nets_plus_dust(s, SL, &dust), 0);
	ck_assert_int_eq(dust, 1);
	BAL(s, "alice", C(500) - 40033, 0);
	BAL(s, "bob", C(1000) + 26699, 0);
	BAL(s, "dave", C(1000) + 13333, 0);
	BAL(s, "treasury", 1, 0);
	STAKE(s, "alice", C(500), 0, 0, 0);	/* no penalty */
	CLOSED(s, 0, ha, "consumed", 0);
	NO_LOCKS(s, "alice");
	ck_assert_int_eq(supply(s), sup);
	finish(s);
}
END_TEST

/* ---- disputes -------------------------------------------------------------------- */

static json_t *dispute_args(int64_t slot, const char *reason)
{
	return json_pack("{s:I,s:s}", "slot", (json_int_t)slot, "reason", reason);
}

static json_t *resolve_args(int64_t id, int uphold)
{
	return json_pack("{s:I,s:b}", "dispute", (json_int_t)id, "uphold", uphold);
}

/* Open a dispute as k; returns its id from the tx's dispute record. */
static int64_t dispute(gs_store *s, const gs_key *k, int64_t slot, int64_t time)
{
	json_t *out = NULL, *r;
	int64_t id;
	gs_err e;

	ck_assert_msg(th_apply(s, k, "settle.dispute", dispute_args(slot, "meter reading"),
			       time, &out, &e) == GS_OK, "dispute by %s: %s", k->name, e.msg);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "dispute");
	ck_assert_str_eq(str(r, "account"), k->name);
	ck_assert_str_eq(str(r, "state"), "open");
	ck_assert_int_eq(num(r, "slot"), slot);
	ck_assert_int_eq(num(r, "bond"), BOND);
	ck_assert_int_eq(num(r, "time"), time);
	ck_assert(json_is_null(json_object_get(r, "resolved_at")));
	id = num(r, "id");
	json_decref(out);
	return id;
}


static const char *dispute_state(gs_store *s, int64_t id, char buf[16])
{
	json_t *out = json_array();
	gs_err e;

	ck_assert_int_eq(gs_dispute_records(s, id, -1, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	snprintf(buf, 16, "%s", str(json_array_get(out, 0), "state"));
	json_decref(out);
	return buf;
}

/* Rejected: the bond goes to treasury, the slot returns to computed and
 * is finalized as computed. Refusals along the way: finalize before the
 * window and while the dispute is open, a dispute by a non-participant
 * or after the window, a resolve by a non-operator. */
START_TEST(dispute_rejected)
{
	gs_store *s = we_computed();
	int64_t tc = T_FINAL(SL), id, sup = supply(s);
	struct held hd;
	char buf[16];

	REFUSE(s, &admin, GS_EREFUSED, "can be finalized from", "settle.finalize",
	       slot_args(SL), tc + 60);
	id = dispute(s, &dave, SL, tc + 100);
	SSTATE(s, SL, "disputed");
	we_positions(s, "provisional");
	we_unsettled(s, BOND);
	hd = HELD(s, "dave", 0, "dispute", BOND);
	ck_assert_uint_eq(hd.n, 1);
	REFUSE(s, &dave, GS_EALREADY, NULL, "settle.dispute", dispute_args(SL, "again"),
	       tc + 150);
	REFUSE(s, &orc, GS_EPERM, NULL, "settle.dispute", dispute_args(SL, "outsider"),
	       tc + 150);
	REFUSE(s, &admin, GS_EREFUSED, "open dispute", "settle.finalize", slot_args(SL),
	       tc + WIN);
	REFUSE(s, &bob, GS_EREFUSED, "window", "settle.dispute", dispute_args(SL, "late"),
	       tc + WIN);
	REFUSE(s, &bob, GS_EPERM, NULL, "settle.resolve", resolve_args(id, 0), tc + WIN);
	REFUSE(s, &admin, GS_EINPUT, NULL, "settle.resolve", resolve_args(id + 1, 0),
	       tc + WIN);
	SSTATE(s, SL, "disputed");

	OK(s, &admin, "settle.resolve", resolve_args(id, 0), tc + WIN + 100);
	ck_assert_str_eq(dispute_state(s, id, buf), "rejected");
	CLOSED(s, 0, hd, "consumed", 0);
	HELD(s, "dave", 0, "dispute", 0);
	BAL(s, "treasury", BOND, 0);
	SSTATE(s, SL, "computed");
	we_positions(s, "provisional");
	BAL(s, "dave", C(1000) - 55000 - BOND, 55000);
	REFUSE(s, &admin, GS_EALREADY, NULL, "settle.resolve", resolve_args(id, 1),
	       tc + WIN + 150);

	FINALIZE(s, SL, tc + WIN + 200);
	SSTATE(s, SL, "final");
	we_positions(s, "final");
	we_settled(s, BOND);
	BAL(s, "treasury", BOND, 0);
	ck_assert_int_eq(supply(s), sup);
	REFUSE(s, &admin, GS_EALREADY, NULL, "settle.finalize", slot_args(SL),
	       tc + WIN + 300);
	REFUSE(s, &dave, GS_EREFUSED, NULL, "settle.dispute", dispute_args(SL, "after"),
	       tc + WIN + 300);
	finish(s);
}
END_TEST

/* Upheld: bonds back (every open dispute of the slot is upheld with it),
 * positions gone, slot reopened; compute again starts a new window. */
START_TEST(dispute_upheld)
{
	gs_store *s = we_computed();
	int64_t tc = T_FINAL(SL), t2 = tc + WIN + 500, b, a, sup = supply(s);
	struct held hb, ha;
	json_t *out = json_array();
	char buf[16];
	gs_err e;

	b = dispute(s, &bob, SL, tc + 100);
	a = dispute(s, &alice, SL, tc + 200);
	SSTATE(s, SL, "disputed");
	BAL(s, "bob", C(1000) - 165000 - BOND, 165000 + BOND);
	BAL(s, "alice", C(500) - BOND, BOND);
	hb = HELD(s, "bob", 0, "dispute", BOND);
	ha = HELD(s, "alice", 0, "dispute", BOND);

	OK(s, &admin, "settle.resolve", resolve_args(b, 1), tc + 300);
	ck_assert_str_eq(dispute_state(s, b, buf), "upheld");
	ck_assert_str_eq(dispute_state(s, a, buf), "upheld");
	CLOSED(s, 0, hb, "released", 0);
	CLOSED(s, 0, ha, "released", 0);
	HELD(s, "bob", 0, "dispute", 0);
	HELD(s, "alice", 0, "dispute", 0);
	we_unsettled(s, 0);
	BAL(s, "treasury", 0, 0);
	SSTATE(s, SL, "reopened");
	ck_assert_int_eq(gs_position_records(s, SL, NULL, out, &e), GS_EREFUSED);
	ck_assert_uint_eq(json_array_size(out), 0);
	json_decref(out);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM positions"), 0);	/* deleted */
	REFUSE(s, &admin, GS_EREFUSED, "not computed", "settle.finalize", slot_args(SL),
	       tc + WIN);
	REFUSE(s, &dave, GS_EREFUSED, NULL, "settle.dispute", dispute_args(SL, "again"),
	       tc + WIN);
	/* --due leaves reopened slots to the operator */
	REFUSE(s, &admin, GS_EALREADY, NULL, "settle.compute", slot_args(-1), tc + WIN);

	COMPUTE(s, SL, t2);
	SREC(s, SL, "computed", 110000, 2000, 1600, 400, 0, 66000, 0, 3, t2, -1);
	we_positions(s, "provisional");
	REFUSE(s, &admin, GS_EREFUSED, "can be finalized from", "settle.finalize",
	       slot_args(SL), t2 + WIN - 1);
	FINALIZE(s, SL, t2 + WIN);
	SREC(s, SL, "final", 110000, 2000, 1600, 400, 0, 66000, 0, 3, t2, t2 + WIN);
	we_positions(s, "final");
	we_settled(s, 0);
	BAL(s, "treasury", 0, 0);
	ck_assert_int_eq(supply(s), sup);
	finish(s);
}
END_TEST

/* ---- compute refusals, retries, --due ---------------------------------------------- */

/* compute before the oracle data is final and for a slot that was never
 * cleared is refused; a second compute changes nothing (GS_UNCHANGED, no
 * journal row); --due picks the cleared slot with final data; finalize
 * again changes nothing; the journal replays. */
START_TEST(compute_rules)
{
	gs_store *s = setup();
	int64_t sl2 = SL + 1, tc = T_FINAL(SL) + 20, rows;

	we_trade(s);
	/* nothing reported yet: no oracle data at all */
	REFUSE(s, &admin, GS_EREFUSED, "not final", "settle.compute", slot_args(SL),
	       END(SL) + 10);
	produce(s, SL, 1, 1600);
	REFUSE(s, &admin, GS_EREFUSED, "not final", "settle.compute", slot_args(SL),
	       T_REPORT(SL) + 10);
	REFUSE(s, &admin, GS_EALREADY, "no slot is due", "settle.compute", slot_args(-1),
	       T_REPORT(SL) + 10);
	REFUSE(s, &bob, GS_EPERM, NULL, "settle.compute", slot_args(SL), T_REPORT(SL) + 10);
	/* settlement of a slot never computed cannot be finalized or shown */
	REFUSE(s, &admin, GS_EREFUSED, "not computed", "settle.finalize", slot_args(SL),
	       T_REPORT(SL) + 10);
	oracle_final(s, SL, T_FINAL(SL));

	COMPUTE(s, -1, tc);		/* --due: SL only */
	SREC(s, SL, "computed", 110000, 2000, 1600, 400, 0, 66000, 0, 3, tc, -1);
	we_positions(s, "provisional");
	rows = th_journal_rows(s);
	REFUSE(s, &admin, GS_EALREADY, "already", "settle.compute", slot_args(SL), tc + 10);
	REFUSE(s, &admin, GS_EALREADY, "no slot is due", "settle.compute", slot_args(-1),
	       tc + 10);
	ck_assert_int_eq(th_journal_rows(s), rows);
	SREC(s, SL, "computed", 110000, 2000, 1600, 400, 0, 66000, 0, 3, tc, -1);

	/* slot sl2: final oracle data, no auction */
	ck_assert_int_gt(T_REPORT(sl2), tc + 10);
	produce(s, sl2, 1, 500);
	oracle_final(s, sl2, T_FINAL(sl2));
	REFUSE(s, &admin, GS_EREFUSED, "not cleared", "settle.compute", slot_args(sl2),
	       T_FINAL(sl2));
	REFUSE(s, &admin, GS_EALREADY, "no slot is due", "settle.compute", slot_args(-1),
	       T_FINAL(sl2));

	/* --due finalizes once the window is over */
	REFUSE(s, &admin, GS_EALREADY, "no slot is due", "settle.finalize", slot_args(-1),
	       tc + WIN - 1);
	FINALIZE(s, -1, tc + WIN);
	SREC(s, SL, "final", 110000, 2000, 1600, 400, 0, 66000, 0, 3, tc, tc + WIN);
	we_positions(s, "final");
	we_settled(s, 0);
	rows = th_journal_rows(s);
	REFUSE(s, &admin, GS_EALREADY, "already", "settle.finalize", slot_args(SL),
	       tc + WIN + 10);
	REFUSE(s, &admin, GS_EALREADY, NULL, "settle.compute", slot_args(SL), tc + WIN + 10);
	ck_assert_int_eq(th_journal_rows(s), rows);
	we_settled(s, 0);
	finish(s);		/* gs_verify_replay included */
}
END_TEST

/* A slot cleared without trade (a lone buy: V = 0, price null) that
 * nobody reported on: oracle finalize --due closes it, compute --due
 * settles it with no positions, finalize --due makes it final. */
START_TEST(no_trade_slot)
{
	gs_store *s = setup();
	int64_t tc = T_FINAL(SL), dust = -1;
	json_t *r, *out = json_array();
	gs_err e;

	BUY(s, &bob, SL, 110000, 1000);
	OK(s, &admin, "auction.clear", slot_args(SL), GATE(SL));
	BAL(s, "bob", C(1000), 0);
	OK(s, &admin, "oracle.finalize", slot_args(-1), tc);
	COMPUTE(s, -1, tc);
	r = srec(s, SL);
	ck_assert_str_eq(str(r, "state"), "computed");
	ck_assert(json_is_null(json_object_get(r, "price")));
	ck_assert_int_eq(num(r, "volume_wh"), 0);
	ck_assert_int_eq(num(r, "participants"), 0);
	ck_assert_int_eq(num(r, "dust"), 0);
	json_decref(r);
	ck_assert_int_eq(gs_position_records(s, SL, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 0);
	json_decref(out);
	REFUSE(s, &bob, GS_EPERM, NULL, "settle.dispute", dispute_args(SL, "nothing"),
	       tc + 10);
	FINALIZE(s, -1, tc + WIN);
	r = srec(s, SL);
	ck_assert_str_eq(str(r, "state"), "final");
	ck_assert(json_is_null(json_object_get(r, "price")));
	ck_assert_int_eq(num(r, "finalized_at"), tc + WIN);
	json_decref(r);
	ck_assert_int_eq(nets_plus_dust(s, SL, &dust), 0);
	BAL(s, "bob", C(1000), 0);
	finish(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("settle");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, worked_example);
	tcase_add_test(tc, penalty_rate_fixed_at_compute);
	tcase_add_test(tc, full_delivery_dust);
	tcase_add_test(tc, partial_shortfall_remainders);
	tcase_add_test(tc, shortfall_beyond_stake);
	tcase_add_test(tc, unverified_void);
	tcase_add_test(tc, negative_price);
	tcase_add_test(tc, dispute_rejected);
	tcase_add_test(tc, dispute_upheld);
	tcase_add_test(tc, compute_rules);
	tcase_add_test(tc, no_trade_slot);
	suite_add_tcase(s, tc);
	return th_run(s);
}
