/* sim.c - a deterministic whole-protocol simulator for libgridset (issue 8).
 *
 * From a seed it drives a long random sequence of signed transactions
 * through gs_tx_apply with explicit times: every command of every module,
 * valid ones and deliberately invalid ones (wrong actor, bad arguments,
 * unknown ids, overdrafts, wrong times, broken envelopes, retries, reused
 * ids), with random time steps from seconds to days and a random mix of
 * actors and roles. The cast: admin (every role), op (operator), three
 * oracles (orc3 noisy and thinly staked), mint (minter), reg (registrar),
 * guard (guardian), six participants with panels (frank's fail often and
 * his stake is thin), two late registrants and an unregistered "ghost".
 * Each seed also picks the token's decimals, the slot length, and
 * parameter profiles (fast governance, harsh penalties); the admin may
 * renounce along the way, after which only proposals change parameters.
 *
 * After every step it checks
 *   - the outcome the simulator predicted, where it can predict one (a tx
 *     that must apply, a tx that must be refused with a given exit code,
 *     a retry that must be a duplicate, a request already fulfilled);
 *   - a refused (or unchanged, or duplicate) tx changed nothing: the state
 *     digest (gs_state_digest) and the journal head are as before;
 *   - an applied tx advanced the journal by exactly one row, under its id,
 *     at time max(tx time, previous head time);
 *   - gs_verify_invariants (DESIGN 11);
 *   - its own shadow books: minted and burned against the supply row and
 *     the sum of all balances, the vault against the total stake, counts
 *     of accounts, panels, orders, proposals, cleared slots, settled slots
 *     and executed proposals; the exact change of every account's
 *     available/locked balance and staked/locked/unbonding/debt for the
 *     commands it can predict (transfers, locks, stake, orders, cancels,
 *     disputes, slashes, and oracle penalties computed here from the
 *     reports' medians); that clearing moves no value; that settlement
 *     moves exactly what the final positions say; and vote weights and
 *     quorums from its own history of every account's stake.
 * At the end gs_verify_chain and gs_verify_replay must pass.
 *
 * Everything comes from the seed: keys are derived from account names,
 * tx ids from the seed and the step, times from the simulated clock, and
 * the only randomness is splitmix64 (never rand()). A failure prints the
 * seed, the step, the tx and the error, and exits 1; the same command line
 * reproduces it exactly (and a failure at step K also with --steps K).
 *
 * Usage: sim [--seed N] [--steps M] [--trace] [--stats] [--profile]
 *            [--db FILE] [--replay-every K]
 *            [--strict | --strict-provisional]
 *   --steps M        random steps after the setup (default 2000)
 *   --trace          one line per tx: step, time, generator, command,
 *                    actor, outcome, error
 *   --stats          per-command outcomes and market figures at the end
 *   --profile        CPU time per phase (generate, apply, digest, ...)
 *   --db FILE        keep the state in FILE (replaced) for gs to inspect,
 *                    or in a PostgreSQL database (a URI or conninfo; its
 *                    GRIDSET tables replaced); default a private temporary
 *                    database
 *   --replay-every K also gs_verify_replay every K steps
 *   --strict-provisional  fail when settle.finalize applies positions that
 *                    differ from the provisional ones (it recomputes with
 *                    the parameters and stake of its own time)
 * Output: one line "sim: seed=S steps=N applied=A refused=R refused_C=...
 * unchanged=U duplicate=D ... slots_settled=K proposals_executed=P ...
 * head=H" where steps counts every tx submitted (setup included) and H is
 * the start of the final journal head hash.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <jansson.h>

#include "gridset.h"

#define T0 INT64_C(1795600800)	/* 2026-11-25T10:00:00Z: genesis */
#define HOUR INT64_C(3600)
#define DAY INT64_C(86400)

/* ---- accounts ------------------------------------------------------------ */

enum {
	A_ADMIN, A_OP, A_ORC1, A_ORC2, A_ORC3, A_MINT, A_REG, A_GUARD,
	A_ALICE, A_BOB, A_CAROL, A_DAVE, A_ERIN, A_FRANK,
	A_GINA, A_HANK,		/* register during the run */
	A_GHOST,		/* never registered: signs as nobody */
	NUSER,
	A_TREASURY = NUSER, A_VAULT, A_DAO,
	NACC
};
static const char *const names[NACC] = {
	"admin", "op", "orc1", "orc2", "orc3", "mint", "reg", "guard",
	"alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank",
	"ghost", "treasury", "vault", "dao",
};
static const char *const user_roles[] = {
	"operator", "oracle", "minter", "registrar", "guardian",
};
#define NROLES 5

static gs_key keys[NUSER];
static gs_key evil;		/* a second key for names that are taken */

/* ---- state of the simulation --------------------------------------------- */

enum { F_AVAIL, F_LOCKED, F_STAKED, F_SLOCKED, F_UNB, F_DEBT, NF };
static const char *const fnames[NF] = {
	"available", "locked", "staked", "stake locked", "unbonding", "debt",
};

#define RING 32
#define NCODES 128

struct cmdstat {
	char name[40];
	long applied, unchanged, duplicate, refused;
};

static struct sim {
	uint64_t seed, rng;
	long steps;		/* random steps asked for */
	int trace, stats, strict;
	long replay_every;
	const char *dbpath;
	gs_store *st;
	int dec;
	int64_t unit, ss;
	int64_t now;
	long step;
	int reg[NACC];
	gs_head head;
	unsigned char digest[32];
	int digest_ok;		/* digest is the state's (else recompute) */
	/* shadow books */
	int64_t minted, burned, accounts, panels, orders, proposals, cleared,
		settled, executed;
	/* statistics */
	long applied, unchanged, duplicate, refused[NCODES];
	struct cmdstat cs[64];
	int ncs;
	json_t *ring[RING];	/* recent applied signed txs */
	long nring;
} S;

/* ---- CPU time per phase (--profile) ---------------------------------------- */

enum { PH_GEN, PH_APPLY, PH_DIGEST, PH_INVARIANTS, PH_BOOKS, PH_END, NPH };
static const char *const phnames[NPH] = {
	"generate", "apply", "digest", "invariants", "books", "chain+replay",
};
static double ph[NPH], ph_mark;
static int profiling;

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Charge the CPU time since the last mark to phase k. */
static void phase(int k)
{
	double t;

	if (!profiling)
		return;
	t = cpu_now();
	ph[k] += t - ph_mark;
	ph_mark = t;
}

/* ---- failure --------------------------------------------------------------- */

static char cmdline[512] = "sim";	/* how this run was started */
static json_t *cur_tx;		/* the tx of the current step */
static const char *cur_why = "";
static int cur_rc = -1, cur_status = -1;
static char cur_msg[600];

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "sim: FAIL seed=%" PRIu64 " step=%ld time=%" PRId64 ": %s\n",
		S.seed, S.step, S.now, msg);
	if (cur_tx) {
		char *t = json_dumps(cur_tx, JSON_COMPACT | JSON_SORT_KEYS);
		fprintf(stderr, "sim:   tx (%s): %s\n", cur_why, t ? t : "?");
		free(t);
		fprintf(stderr, "sim:   result: rc=%d status=%d error=%s\n", cur_rc,
			cur_status, cur_msg[0] ? cur_msg : "-");
	}
	fprintf(stderr, "sim:   reproduce: %s --trace (add --db FILE to keep the "
		"state file)\n", cmdline);
	exit(1);
}

/* ---- randomness: splitmix64 -------------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rnd64(void)
{
	return mix64(S.rng += UINT64_C(0x9e3779b97f4a7c15));
}

/* Uniform in [lo, hi] (hi >= lo). */
static int64_t rnd(int64_t lo, int64_t hi)
{
	uint64_t span;

	if (hi <= lo)
		return lo;
	span = (uint64_t)hi - (uint64_t)lo + 1;
	return span ? (int64_t)((uint64_t)lo + rnd64() % span) : (int64_t)rnd64();
}

/* True with probability pct percent. */
static int chance(int pct)
{
	return rnd(0, 99) < pct;
}

/* ---- queries (uncached: the library's statement cache is its own) ------- */

struct row {
	int n;
	int64_t i[16];
	int null[16];
	char t[16][40];
};

static int vqrows(struct row *out, int max, const char *fmt, va_list ap)
{
	char sql[3000];
	gs_stmt *st;
	gs_err e;
	int rc = 0, n = 0;

	vsnprintf(sql, sizeof sql, fmt, ap);
	if (!(st = gs_sql_once(S.st, sql, &e)))
		fail("query failed: %s: %s", sql, e.msg);
	while (n < max && (rc = gs_step(st, &e)) == 1) {
		struct row *r = &out[n++];
		memset(r, 0, sizeof *r);
		r->n = gs_col_count(st);
		for (int k = 0; k < r->n && k < 16; k++) {
			int t = gs_col_type(st, k);
			r->null[k] = t == 'n';
			if (t == 'i')
				r->i[k] = gs_col_int(st, k);
			else if (t == 't')
				snprintf(r->t[k], sizeof r->t[k], "%s", gs_col_text(st, k));
		}
	}
	if (n < max && rc < 0)
		fail("query failed: %s: %s", sql, e.msg);
	gs_stmt_free(st);
	return n;
}

static int qrows(struct row *out, int max, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int qrows(struct row *out, int max, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vqrows(out, max, fmt, ap);
	va_end(ap);
	return n;
}

/* First integer of the first row, or dflt. */
static int64_t q1(int64_t dflt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int64_t q1(int64_t dflt, const char *fmt, ...)
{
	struct row r;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vqrows(&r, 1, fmt, ap);
	va_end(ap);
	return n && !r.null[0] ? r.i[0] : dflt;
}

static int acct_index(const char *name)
{
	for (int i = 0; i < NACC; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

static int64_t P(const char *name)
{
	int64_t v = 0;
	gs_err e;

	if (gs_param_get(S.st, name, &v, &e))
		fail("parameter %s: %s", name, e.msg);
	return v;
}

static int has_role(int a, const char *role)
{
	return q1(0, "SELECT count(*) FROM roles WHERE account = '%s' AND role = '%s'",
		  names[a], role) > 0;
}

static int64_t avail_of(int a)
{
	return q1(0, "SELECT available FROM balances WHERE account = '%s'", names[a]);
}

static gs_stake stake_of(int a)
{
	gs_stake st;
	gs_err e;

	if (gs_stake_get(S.st, names[a], &st, &e))
		fail("stake of %s: %s", names[a], e.msg);
	return st;
}

static int64_t free_of(int a)
{
	gs_stake st = stake_of(a);

	return st.staked - st.locked - st.unbonding;
}

/* A random registered user (never a system account or the ghost). */
static int any_user(void)
{
	int a;

	do
		a = (int)rnd(0, A_HANK);
	while (!S.reg[a]);
	return a;
}

/* A random participant, sometimes any registered user. */
static int participant(void)
{
	return chance(85) ? (int)rnd(A_ALICE, A_FRANK) : any_user();
}

/* A registered user with the role (85%), else any user. */
static int role_actor(const char *role)
{
	struct row r[NUSER];
	int n = qrows(r, NUSER, "SELECT account FROM roles WHERE role = '%s' "
		      "ORDER BY account", role), c[NUSER], k = 0;

	for (int i = 0; i < n; i++) {
		int a = acct_index(r[i].t[0]);
		if (a >= 0 && a < NUSER && S.reg[a])
			c[k++] = a;
	}
	if (k && chance(85))
		return c[rnd(0, k - 1)];
	return any_user();
}

/* ---- shadow stake history: every account's stake after every applied tx --- */

struct hist {
	int64_t seq, time, staked[NACC], total;
};
static struct hist *H;
static size_t nh, caph;

static void hist_push(int64_t seq, int64_t time, int64_t after[NACC][NF])
{
	struct hist *h;

	if (nh == caph) {
		caph = caph ? 2 * caph : 4096;
		if (!(H = realloc(H, caph * sizeof *H)))
			fail("out of memory");
	}
	h = &H[nh++];
	h->seq = seq;
	h->time = time;
	h->total = 0;
	for (int a = 0; a < NACC; a++) {
		h->staked[a] = after[a][F_STAKED];
		h->total += after[a][F_STAKED];
	}
}

/* Stake of account a (-1: the total) after the last applied tx at or
 * before time at and seq seq; 0 before any. Kept by the simulator from
 * its own snapshots, not from the library's checkpoints. */
static int64_t sh_stake_at(int a, int64_t at, int64_t seq)
{
	size_t lo = 0, hi = nh;	/* time and seq both grow along H */

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (H[mid].seq <= seq && H[mid].time <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	return a < 0 ? H[lo - 1].total : H[lo - 1].staked[a];
}

/* ---- an operation ---------------------------------------------------------- */

enum {
	FAULT_NONE, FAULT_BADSIG, FAULT_WRONGKEY, FAULT_V2, FAULT_NEGTIME,
	FAULT_ALTER,
};

struct op {
	const char *cmd;
	int actor;		/* index of the signer's name */
	const char *actor_name;	/* overrides names[actor] */
	const gs_key *key;	/* signing key (default keys[actor]) */
	json_t *args;
	int64_t time;
	int want_rc;		/* -1 any, -2 any failure, else the exit code */
	int want_status;	/* when rc is 0: -1 any, else GS_APPLIED... */
	int exact;		/* d holds every balance and stake change */
	int64_t d[NACC][NF];
	int64_t mint, burn, d_accounts, d_panels, d_orders, d_proposals;
	int fault;
	json_t *raw;		/* submit this signed tx as is */
	char id[GS_ID_MAX + 1];	/* tx id ("" for a fresh one) */
	const char *why;	/* what the generator meant */
	int allow_owner, allow_spender;	/* allowance to check after (-1) */
	int64_t allow_value;
	int reg_acct;		/* registered by the tx (-1) */
	int conserve;		/* no account's tokens, stake or debt change */
	int post_settle;	/* check money moved as the final positions say */
};

static struct op O;
static long opgen;		/* counts op_new: predictions start afresh */

static struct op *op_new(const char *why, const char *cmd, int actor)
{
	json_decref(O.args);
	json_decref(O.raw);
	memset(&O, 0, sizeof O);
	opgen++;
	O.why = why;
	O.cmd = cmd;
	O.actor = actor;
	O.args = json_object();
	O.time = S.now;
	O.want_rc = -1;
	O.want_status = -1;
	O.allow_owner = O.allow_spender = -1;
	O.reg_acct = -1;
	return &O;
}

static void W_ok(struct op *o)
{
	o->want_rc = 0;
	o->want_status = GS_APPLIED;
}

static void W_code(struct op *o, int code)
{
	o->want_rc = code;
	o->want_status = -1;
}

static void W_same(struct op *o)
{
	o->want_rc = 0;
	o->want_status = GS_UNCHANGED;
}

static void W_any(struct op *o)
{
	o->want_rc = -1;
	o->want_status = -1;
}

/* Exact effects: account a's field f changes by v. */
static void D(struct op *o, int a, int f, int64_t v)
{
	if (o->exact >= 0)
		o->exact = 1;
	o->d[a][f] += v;
}

static void set_i(json_t *o, const char *k, int64_t v)
{
	json_object_set_new(o, k, json_integer((json_int_t)v));
}

static void set_s(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v));
}

/* ---- statistics -------------------------------------------------------------- */

static struct cmdstat *cmdstat(const char *name)
{
	for (int i = 0; i < S.ncs; i++)
		if (strcmp(S.cs[i].name, name) == 0)
			return &S.cs[i];
	if (S.ncs == (int)(sizeof S.cs / sizeof S.cs[0]))
		return &S.cs[S.ncs - 1];
	snprintf(S.cs[S.ncs].name, sizeof S.cs[0].name, "%s", name);
	return &S.cs[S.ncs++];
}

/* ---- the checks of a step -------------------------------------------------- */

static void snapshot(int64_t v[NACC][NF])
{
	struct row r[NACC];
	int n;

	memset(v, 0, sizeof(int64_t) * NACC * NF);
	n = qrows(r, NACC, "SELECT account, available, locked FROM balances ORDER BY account");
	for (int i = 0; i < n; i++) {
		int a = acct_index(r[i].t[0]);
		if (a < 0)
			fail("unexpected account '%s'", r[i].t[0]);
		v[a][F_AVAIL] = r[i].i[1];
		v[a][F_LOCKED] = r[i].i[2];
	}
	n = qrows(r, NACC, "SELECT account, staked, locked, unbonding, debt FROM stakes "
		  "ORDER BY account");
	for (int i = 0; i < n; i++) {
		int a = acct_index(r[i].t[0]);
		if (a < 0)
			fail("unexpected staker '%s'", r[i].t[0]);
		v[a][F_STAKED] = r[i].i[1];
		v[a][F_SLOCKED] = r[i].i[2];
		v[a][F_UNB] = r[i].i[3];
		v[a][F_DEBT] = r[i].i[4];
	}
}

static char vbuf[4096];
static void vreport(const char *msg, void *arg)
{
	size_t n = strlen(vbuf);

	(void)arg;
	snprintf(vbuf + n, sizeof vbuf - n, "\n  %s", msg);
}

static void check_invariants(void)
{
	gs_err e;

	vbuf[0] = '\0';
	if (gs_verify_invariants(S.st, vreport, NULL, &e) != GS_OK)
		fail("invariants: %s%s", e.msg, vbuf);
}

/* Count records of type (and state, if not NULL) in out. */
static int64_t count_records(json_t *out, const char *type, const char *state)
{
	json_t *r;
	size_t i;
	int64_t n = 0;

	json_array_foreach(out, i, r) {
		const char *t = json_string_value(json_object_get(r, "type"));
		const char *s = json_string_value(json_object_get(r, "state"));
		if (t && strcmp(t, type) == 0 && (!state || (s && strcmp(s, state) == 0)))
			n++;
	}
	return n;
}

/* The shadow books against the state. */
static void check_books(int64_t after[NACC][NF])
{
	struct row r;
	int64_t sum = 0, n;

	if (qrows(&r, 1, "SELECT minted, burned FROM supply") != 1)
		fail("no supply row");
	if (r.i[0] != S.minted || r.i[1] != S.burned)
		fail("supply: minted %" PRId64 " burned %" PRId64 ", shadow books say "
		     "%" PRId64 " and %" PRId64, r.i[0], r.i[1], S.minted, S.burned);
	for (int a = 0; a < NACC; a++)
		sum += after[a][F_AVAIL] + after[a][F_LOCKED];
	if (sum != S.minted - S.burned)
		fail("balances sum to %" PRId64 ", minted - burned is %" PRId64, sum,
		     S.minted - S.burned);
	if (after[A_VAULT][F_AVAIL] + after[A_VAULT][F_LOCKED] !=
	    q1(-1, "SELECT staked FROM stake_total"))
		fail("vault balance differs from the total stake");
#define COUNT(what, sql, shadow) \
	if ((n = q1(-1, sql)) != (shadow)) \
		fail("%s: state has %" PRId64 ", shadow books %" PRId64, what, n, \
		     (int64_t)(shadow))
	COUNT("accounts", "SELECT count(*) FROM accounts", S.accounts);
	COUNT("panels", "SELECT count(*) FROM panels", S.panels);
	COUNT("orders", "SELECT count(*) FROM orders", S.orders);
	COUNT("proposals", "SELECT count(*) FROM proposals", S.proposals);
	COUNT("cleared slots", "SELECT count(*) FROM clearings", S.cleared);
	COUNT("settled slots", "SELECT count(*) FROM settlements WHERE state = 'final'",
	      S.settled);
	COUNT("executed proposals", "SELECT count(*) FROM proposals WHERE state = "
	      "'executed'", S.executed);
#undef COUNT
}

static void replay_check(const char *when)
{
	gs_err e;

	vbuf[0] = '\0';
	if (gs_verify_replay(S.st, vreport, NULL, &e) != GS_OK)
		fail("%s: replay: %s%s", when, e.msg, vbuf);
}

/* After settle.finalize: every account's tokens, stake and debt moved as
 * the final positions of the settled slots say (DESIGN 8, Settlement):
 * tokens by received + compensation - paid, stake by -penalty, debt by
 * +debt; the treasury got the dust and the penalties not paid out as
 * compensation, the vault gave the penalties. */
static void check_settle_final(json_t *out, int64_t before[NACC][NF],
			       int64_t after[NACC][NF])
{
	int64_t tok[NACC] = { 0 }, stk[NACC] = { 0 }, dbt[NACC] = { 0 };
	json_t *r;
	size_t i;

	json_array_foreach(out, i, r) {
		struct row p[NUSER];
		int64_t slot, comp = 0, n;
		const char *t = json_string_value(json_object_get(r, "type"));
		const char *st = json_string_value(json_object_get(r, "state"));
		if (!t || strcmp(t, "settlement") || !st || strcmp(st, "final"))
			continue;
		slot = json_integer_value(json_object_get(r, "slot"));
		n = qrows(p, NUSER, "SELECT account, paid, received, penalty, "
			  "compensation, debt, net FROM positions WHERE slot = %" PRId64
			  " ORDER BY account", slot);
		for (int k = 0; k < n; k++) {
			int a = acct_index(p[k].t[0]);
			if (a < 0)
				fail("position of unknown account '%s'", p[k].t[0]);
			tok[a] += p[k].i[2] + p[k].i[4] - p[k].i[1];
			stk[a] -= p[k].i[3];
			dbt[a] += p[k].i[5];
			comp += p[k].i[4];
			if (p[k].i[6] != p[k].i[2] + p[k].i[4] - p[k].i[1] - p[k].i[3])
				fail("slot %" PRId64 ": net of %s is not received + "
				     "compensation - paid - penalty", slot, names[a]);
		}
		tok[A_TREASURY] += json_integer_value(json_object_get(r, "dust")) +
				   json_integer_value(json_object_get(r, "penalties")) - comp;
		tok[A_VAULT] -= json_integer_value(json_object_get(r, "penalties"));
	}
	for (int a = 0; a < NACC; a++) {
		int64_t dt = after[a][F_AVAIL] + after[a][F_LOCKED] - before[a][F_AVAIL] -
			     before[a][F_LOCKED];
		if (dt != tok[a] || after[a][F_STAKED] - before[a][F_STAKED] != stk[a] ||
		    after[a][F_DEBT] - before[a][F_DEBT] != dbt[a])
			fail("settlement of %s: tokens %+" PRId64 " stake %+" PRId64
			     " debt %+" PRId64 ", the final positions say %+" PRId64
			     " %+" PRId64 " %+" PRId64, names[a], dt,
			     after[a][F_STAKED] - before[a][F_STAKED],
			     after[a][F_DEBT] - before[a][F_DEBT], tok[a], stk[a], dbt[a]);
	}
}

enum { STRICT_PROVISIONAL = 2 };

/* Positions of the computed (provisional) slots, as text per slot. */
#define PROV_MAX 64
static struct prov {
	int64_t slot;
	char text[2048];
} prov[PROV_MAX];
static int nprov;

static void positions_text(int64_t slot, char *buf, size_t n)
{
	struct row p[NUSER];
	int k = qrows(p, NUSER, "SELECT account, bought_wh, sold_wh, delivered_wh, "
		      "shortfall_wh, missed_wh, void_wh, paid, received, penalty, "
		      "compensation, debt, net FROM positions WHERE slot = %" PRId64
		      " ORDER BY account", slot);
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < k && used < n; i++) {
		int w = snprintf(buf + used, n - used, "%s%s:", i ? " " : "", p[i].t[0]);
		used += w > 0 ? (size_t)w : 0;
		for (int c = 1; c < 13 && used < n; c++) {
			w = snprintf(buf + used, n - used, "%s%" PRId64, c > 1 ? "/" : "",
				     p[i].i[c]);
			used += w > 0 ? (size_t)w : 0;
		}
	}
}

/* The provisional positions of the computed slots, kept before a step
 * for the --strict-provisional check. */
static void strict_before(void)
{
	struct row r[PROV_MAX];

	nprov = qrows(r, PROV_MAX, "SELECT slot FROM settlements WHERE state = "
		      "'computed' ORDER BY slot");
	for (int i = 0; i < nprov; i++) {
		prov[i].slot = r[i].i[0];
		positions_text(prov[i].slot, prov[i].text, sizeof prov[i].text);
	}
}

/* Checks of DESIGN.md rules the books do not show: after every step, no
 * panel has more energy on offer in a slot than it can make (a defect
 * until issue 8: a new owner could re-offer a sold panel); with
 * --strict-provisional, a finalize applies the provisional positions. */
static void strict_checks(struct op *o, int applied, json_t *out)
{
	struct row r;
	json_t *x;
	size_t i;

	/* a panel never has more energy on offer in a slot than it can make,
	 * whoever owns it (DESIGN 8, Auction: quantity may not exceed
	 * capacity x slot length) */
	if (qrows(&r, 1, "SELECT o.slot, o.panel, sum(o.qty_wh), p.capacity_w * %"
		  PRId64 " / 3600, min(o.account), max(o.account) FROM orders o JOIN "
		  "panels p ON p.id = o.panel WHERE o.side = 'sell' AND o.state = 'open' "
		  "AND o.slot NOT IN (SELECT slot FROM clearings) GROUP BY o.slot, o.panel, "
		  "p.capacity_w HAVING sum(o.qty_wh) > p.capacity_w * %" PRId64 " / 3600 "
		  "LIMIT 1", S.ss, S.ss))
		fail("strict: panel %" PRId64 " has %" PRId64 " Wh on offer in slot %"
		     PRId64 ", more than it can make (%" PRId64 " Wh), by %s .. %s",
		     r.i[1], r.i[2], r.i[0], r.i[3], r.t[4], r.t[5]);
	/* the final positions are the provisional ones nobody disputed */
	if (!(S.strict & STRICT_PROVISIONAL) || !applied ||
	    strcmp(o->cmd, "settle.finalize") != 0)
		return;
	json_array_foreach(out, i, x) {
		int64_t slot = json_integer_value(json_object_get(x, "slot"));
		static char now[2048];
		if (strcmp(json_string_value(json_object_get(x, "type")), "settlement"))
			continue;
		positions_text(slot, now, sizeof now);
		for (int k = 0; k < nprov; k++)
			if (prov[k].slot == slot && strcmp(prov[k].text, now) != 0)
				fail("strict: the final positions of slot %" PRId64 " differ "
				     "from the provisional ones (account: bought/sold/"
				     "delivered/shortfall/missed/void Wh, paid/received/"
				     "penalty/compensation/debt/net):\n  computed: %s\n"
				     "  final:    %s", slot, prov[k].text, now);
	}
}

static const char *status_name(int rc, int status)
{
	if (rc)
		return "refused";
	return status == GS_APPLIED ? "applied" : status == GS_DUPLICATE ? "duplicate"
	       : status == GS_UNCHANGED ? "unchanged" : "?";
}

/* Sign, apply and check one op. */
static void run(struct op *o)
{
	static int64_t before[NACC][NF], after[NACC][NF];
	const char *actor = o->actor_name ? o->actor_name : names[o->actor];
	int status = -1, rc, applied;
	json_t *tx, *out = NULL;
	unsigned char dg[32];
	int64_t seq = 0, txtime;
	gs_head h1;
	gs_err e;
	char id[GS_ID_MAX + 1];
	struct cmdstat *cs;

	S.step++;
	cur_why = o->why;
	cur_rc = cur_status = -1;
	cur_msg[0] = '\0';
	phase(PH_GEN);
	/* the dispatcher's authority checks come before any command's own */
	if (!o->raw && o->fault == FAULT_NONE && !o->actor_name) {
		const struct gs_cmd *c = gs_cmd_find(o->cmd);
		if (strcmp(o->cmd, "account.register") != 0 && !S.reg[o->actor])
			W_code(o, GS_EPERM);
		else if (c && c->role && strcmp(o->cmd, "account.register") != 0 &&
			 !has_role(o->actor, c->role))
			W_code(o, GS_EPERM);
	}
	snapshot(before);
	if (S.strict & STRICT_PROVISIONAL)
		strict_before();
	/* the digest before: needed unless the tx must apply (if it then
	 * does not, the step fails anyway); after a step that changed
	 * nothing it is still the state's */
	if (!S.digest_ok && !(o->want_rc == 0 && o->want_status == GS_APPLIED)) {
		phase(PH_BOOKS);
		if (gs_state_digest(S.st, S.digest, &e))
			fail("digest: %s", e.msg);
		S.digest_ok = 1;
		phase(PH_DIGEST);
	}
	if (o->raw) {
		tx = json_deep_copy(o->raw);
	} else {
		if (o->id[0])
			snprintf(id, sizeof id, "%s", o->id);
		else
			snprintf(id, sizeof id, "sim%" PRIu64 ".%ld", S.seed, S.step);
		tx = gs_tx_new(id, o->cmd, actor, o->time, o->args);
		o->args = NULL;
		if (gs_tx_sign(tx, o->key ? o->key : &keys[o->actor], &e))
			fail("sign: %s", e.msg);
		if (o->fault == FAULT_BADSIG) {	/* another valid base64 signature */
			char sig[128];
			snprintf(sig, sizeof sig, "%s", json_string_value(json_object_get(tx, "sig")));
			sig[0] = sig[0] == 'A' ? 'B' : 'A';
			set_s(tx, "sig", sig);
		} else if (o->fault == FAULT_V2) {
			set_i(tx, "v", 2);
		} else if (o->fault == FAULT_NEGTIME) {
			set_i(tx, "time", -5);
		} else if (o->fault == FAULT_ALTER) {	/* changed after signing */
			json_t *args = json_object_get(tx, "args");
			set_i(args, "amount", json_integer_value(json_object_get(args, "amount")) + 1);
		}
	}
	json_decref(cur_tx);
	cur_tx = tx;
	memset(&e, 0, sizeof e);
	phase(PH_BOOKS);
	rc = gs_tx_apply(S.st, tx, &status, &out, &seq, &e);
	phase(PH_APPLY);
	if (rc)
		status = -1;
	cur_rc = rc;
	cur_status = status;
	snprintf(cur_msg, sizeof cur_msg, "%s", e.msg);
	applied = rc == GS_OK && status == GS_APPLIED;
	if (S.trace)
		printf("%6ld t=%" PRId64 " %-10s %-22s %-6s %-9s rc=%-2d %s\n", S.step,
		       S.now, o->why, json_string_value(json_object_get(tx, "cmd")),
		       json_string_value(json_object_get(tx, "actor")),
		       status_name(rc, status), rc, rc || status != GS_APPLIED ? e.msg : "");
	if (rc == GS_EINTERNAL || rc == GS_EBUSY)
		fail("exit %d from the library", rc);
	/* the outcome that was predicted */
	if (o->want_rc == -2 && rc == GS_OK)
		fail("expected a refusal, got %s", status_name(rc, status));
	if (o->want_rc >= 0 && rc != o->want_rc)
		fail("expected exit %d, got %d (%s)", o->want_rc, rc, status_name(rc, status));
	if (rc == GS_OK && o->want_rc == 0 && o->want_status >= 0 &&
	    status != o->want_status)
		fail("expected %s, got %s", status_name(0, o->want_status),
		     status_name(0, status));
	/* the journal and the digest */
	if (gs_journal_head(S.st, &h1, &e))
		fail("head: %s", e.msg);
	phase(PH_BOOKS);
	txtime = json_integer_value(json_object_get(tx, "time"));
	if (applied) {
		if (h1.seq != S.head.seq + 1 || seq != h1.seq)
			fail("applied tx moved the journal from %" PRId64 " to %" PRId64
			     " (seq %" PRId64 ")", S.head.seq, h1.seq, seq);
		if (h1.time != (txtime > S.head.time ? txtime : S.head.time))
			fail("journal time %" PRId64 " is not max(tx %" PRId64 ", head %"
			     PRId64 ")", h1.time, txtime, S.head.time);
		if (q1(-1, "SELECT count(*) FROM journal WHERE seq = %" PRId64 " AND "
		       "txid = '%s'", h1.seq, json_string_value(json_object_get(tx, "id"))) != 1)
			fail("journal row %" PRId64 " is not the tx", h1.seq);
	} else {
		if (h1.seq != S.head.seq || memcmp(h1.hash, S.head.hash, 32) != 0)
			fail("a %s tx changed the journal head", status_name(rc, status));
		if (!S.digest_ok)
			fail("no digest before a tx that had to apply");
		if (gs_state_digest(S.st, dg, &e))
			fail("digest: %s", e.msg);
		phase(PH_DIGEST);
		if (memcmp(dg, S.digest, 32) != 0)
			fail("a %s tx changed the state digest", status_name(rc, status));
	}
	phase(PH_BOOKS);
	check_invariants();
	phase(PH_INVARIANTS);
	snapshot(after);
	if (applied) {
		S.minted += o->mint;
		S.burned += o->burn;
		S.accounts += o->d_accounts;
		S.panels += o->d_panels;
		S.orders += o->d_orders;
		S.proposals += o->d_proposals;
		S.cleared += count_records(out, "clearing", NULL);
		S.settled += count_records(out, "settlement", "final");
		S.executed += count_records(out, "proposal", "executed");
		if (o->reg_acct >= 0)
			S.reg[o->reg_acct] = 1;
		if (o->conserve)
			for (int a = 0; a < NACC; a++) {
				int64_t dt = after[a][F_AVAIL] + after[a][F_LOCKED] -
					     before[a][F_AVAIL] - before[a][F_LOCKED];
				if (dt || after[a][F_STAKED] != before[a][F_STAKED] ||
				    after[a][F_DEBT] != before[a][F_DEBT])
					fail("%s moved value of %s (tokens %+" PRId64 ", stake %+"
					     PRId64 ", debt %+" PRId64 ")", o->cmd, names[a], dt,
					     after[a][F_STAKED] - before[a][F_STAKED],
					     after[a][F_DEBT] - before[a][F_DEBT]);
			}
		if (o->post_settle)
			check_settle_final(out, before, after);
		hist_push(h1.seq, h1.time, after);
		if (o->exact > 0)
			for (int a = 0; a < NACC; a++)
				for (int f = 0; f < NF; f++)
					if (after[a][f] - before[a][f] != o->d[a][f])
						fail("%s of %s changed by %" PRId64 ", expected %"
						     PRId64, fnames[f], names[a],
						     after[a][f] - before[a][f], o->d[a][f]);
		if (o->allow_owner >= 0) {
			int64_t v = q1(0, "SELECT amount FROM allowances WHERE owner = "
				       "'%s' AND spender = '%s'", names[o->allow_owner],
				       names[o->allow_spender]);
			if (v != o->allow_value)
				fail("allowance is %" PRId64 ", expected %" PRId64, v,
				     o->allow_value);
		}
		json_decref(S.ring[S.nring % RING]);
		S.ring[S.nring++ % RING] = json_deep_copy(tx);
		if (h1.time > S.now)
			S.now = h1.time;
	}
	check_books(after);
	strict_checks(o, applied, out);
	/* statistics */
	cs = cmdstat(json_is_string(json_object_get(tx, "cmd"))
		     ? json_string_value(json_object_get(tx, "cmd")) : "?");
	if (rc) {
		S.refused[rc < NCODES && rc >= 0 ? rc : 0]++;
		cs->refused++;
	} else if (status == GS_APPLIED) {
		S.applied++;
		cs->applied++;
	} else if (status == GS_DUPLICATE) {
		S.duplicate++;
		cs->duplicate++;
	} else {
		S.unchanged++;
		cs->unchanged++;
	}
	json_decref(out);
	S.head = h1;
	if (applied)
		S.digest_ok = 0;
	phase(PH_BOOKS);
	if (S.replay_every > 0 && S.step % S.replay_every == 0)
		replay_check("periodic check");
	phase(PH_END);
	json_decref(cur_tx);	/* a failure between steps names no tx */
	cur_tx = NULL;
}

/* ---- values ---------------------------------------------------------------- */

/* Credits as base units. */
static int64_t C(int64_t credits)
{
	return credits * S.unit;
}

/* Up to max credits, in base units, at least 1 base unit. */
static int64_t some_credits(int64_t max)
{
	int64_t v = rnd(1, max * 100) * S.unit / 100;

	return v > 0 ? v : 1;
}

/* What panel p of capacity cap_w makes at most in a slot. */
static int64_t slot_limit(int64_t cap_w)
{
	return cap_w * S.ss / 3600;
}

/* Frank's panels fail half of the time (he sells big on a thin stake). */
static int64_t flaky[4];

/* The simulated truth: what panel made in slot (from the seed). */
static int64_t truth(int64_t slot, int64_t panel, int64_t limit)
{
	uint64_t h = mix64(S.seed * 31 + mix64((uint64_t)slot * 1000003 + (uint64_t)panel));
	int u = (int)(h % 100);

	h >>= 8;
	for (int i = 0; i < 4; i++)
		if (flaky[i] == panel && u < 50)
			return 0;
	if (u < 12)
		return 0;
	if (u < 40)
		return limit * (int64_t)(20 + h % 41) / 100;
	return limit * (int64_t)(60 + h % 41) / 100;
}

/* Slot whose gate is the first still open at now. */
static int64_t first_open_slot(void)
{
	int64_t gate = P("gate_closure_s");

	return (S.now + gate) / S.ss + 1;
}

/* A slot to trade in: one of the next market slots (every hour). */
static int64_t market_slot(void)
{
	int64_t s = first_open_slot(), m = HOUR / S.ss > 0 ? HOUR / S.ss : 1;
	int k = chance(50) ? 0 : chance(60) ? 1 : (int)rnd(2, 5);

	s = (s + m - 1) / m * m;
	return s + k * m;
}

/* A limit price in [price_min, price_max], mostly in a typical band. */
static int64_t some_price(int side)
{
	int64_t pmin = P("price_min"), pmax = P("price_max");
	int64_t lo = S.unit * 5 / 100, hi = S.unit * 40 / 100, tick;

	if (lo < pmin)
		lo = pmin;
	if (hi > pmax)
		hi = pmax;
	if (hi - lo < 8) {
		lo = pmin;
		hi = pmax;
	}
	if (chance(6) && pmin < 0)
		return rnd(pmin, pmax < 0 ? pmax : 0);
	if (side == GS_BUY && chance(8))
		return rnd(hi, pmax);
	if (side == GS_BUY)
		lo += (hi - lo) / 4;
	else
		hi -= (hi - lo) / 4;
	tick = (hi - lo) / 12 > 0 ? (hi - lo) / 12 : 1;
	return lo + rnd(0, (hi - lo) / tick) * tick;
}

/* ---- what a penalty or a slash takes from stake --------------------------- */

/* An account's stake as a tx in progress leaves it (loaded on first use). */
#define PST_LOCKS 64
static struct pst {
	long gen;			/* loaded for this op (else stale) */
	int64_t staked, locked, unb, debt;
	int nm, nu;
	int64_t mamt[PST_LOCKS];	/* active manual stake locks, by id */
	int64_t uamt[PST_LOCKS];	/* pending unbondings, newest first */
} pst[NACC];

static struct pst *pst_get(struct op *o, int a)
{
	struct pst *p = &pst[a];
	struct row r[PST_LOCKS + 1];
	gs_stake st;

	if (p->gen == opgen)
		return p;
	st = stake_of(a);
	p->gen = opgen;
	p->staked = st.staked;
	p->locked = st.locked;
	p->unb = st.unbonding;
	p->debt = st.debt;
	p->nm = qrows(r, PST_LOCKS + 1, "SELECT amount FROM stake_locks WHERE account "
		      "= '%s' AND state = 'active' AND manual = 1 ORDER BY id", names[a]);
	for (int i = 0; i < p->nm && i < PST_LOCKS; i++)
		p->mamt[i] = r[i].i[0];
	p->nu = qrows(r, PST_LOCKS + 1, "SELECT amount FROM unbondings WHERE account = "
		      "'%s' AND state = 'pending' ORDER BY id DESC", names[a]);
	for (int i = 0; i < p->nu && i < PST_LOCKS; i++)
		p->uamt[i] = r[i].i[0];
	if (p->nm > PST_LOCKS || p->nu > PST_LOCKS)
		o->exact = -1;		/* too many to follow: no prediction */
	return p;
}

/* Take up to amount of a's stake as the stake module does for penalties
 * and slashes (DESIGN 8, Stake): free stake, then unbonding stake (newest
 * first), then (manual) the holder's own stake locks (oldest first, each
 * consumed whole, what it did not give freed); collateral is never taken
 * here. The rest becomes debt when debt is set. Records the effects in
 * o; returns what was taken (it stays in the vault for the caller). */
static int64_t take(struct op *o, int a, int64_t amount, int manual, int debt)
{
	struct pst *p = pst_get(o, a);
	int64_t rest = amount > 0 ? amount : 0, taken = 0, x;

	x = p->staked - p->locked - p->unb;
	x = x < rest ? x : rest;
	if (x > 0) {
		p->staked -= x;
		rest -= x;
		taken += x;
		D(o, a, F_STAKED, -x);
	}
	for (int i = 0; i < p->nu && i < PST_LOCKS && rest > 0; i++) {
		x = p->uamt[i] < rest ? p->uamt[i] : rest;
		if (x <= 0)
			continue;
		p->uamt[i] -= x;
		p->unb -= x;
		p->staked -= x;
		rest -= x;
		taken += x;
		D(o, a, F_UNB, -x);
		D(o, a, F_STAKED, -x);
	}
	for (int i = 0; manual && i < p->nm && i < PST_LOCKS && rest > 0; i++) {
		if (p->mamt[i] <= 0)
			continue;
		x = p->mamt[i] < rest ? p->mamt[i] : rest;
		p->locked -= p->mamt[i];
		D(o, a, F_SLOCKED, -p->mamt[i]);
		p->mamt[i] = 0;
		p->staked -= x;
		D(o, a, F_STAKED, -x);
		rest -= x;
		taken += x;
	}
	if (debt && rest > 0) {
		if (rest > INT64_MAX - p->debt)
			rest = INT64_MAX - p->debt;
		p->debt += rest;
		D(o, a, F_DEBT, rest);
	}
	return taken;
}

/* Predict oracle.finalize of slots (in order): the medians, the reports
 * that deviate by more than oracle_tolerance_bps, and oracle_penalty per
 * flag taken from each oracle's stake into the treasury (DESIGN 8,
 * Oracle), computed here from the reports. */
static void predict_oracle_final(struct op *o, const int64_t *slots, int nslots)
{
	static struct row r[512];
	int64_t quorum = P("oracle_quorum"), bps = P("oracle_tolerance_bps");
	int64_t pen = P("oracle_penalty");

	D(o, A_ADMIN, F_AVAIL, 0);
	for (int k = 0; k < nslots; k++) {
		int n = qrows(r, 512, "SELECT panel, oracle, wh FROM oracle_reports WHERE "
			      "slot = %" PRId64 " ORDER BY panel, wh, oracle", slots[k]);
		int64_t flags[NACC] = { 0 };
		if (n == 512) {
			o->exact = -1;
			return;
		}
		for (int i = 0, j; i < n; i = j) {
			int64_t median;
			for (j = i; j < n && r[j].i[0] == r[i].i[0]; j++)
				;
			if (j - i < quorum)
				continue;	/* unverified */
			median = r[i + (j - i - 1) / 2].i[2];
			for (int m = i; m < j; m++) {
				__int128 d = (__int128)r[m].i[2] - median;
				if (d < 0)
					d = -d;
				if (d * 10000 > (__int128)bps * median)
					flags[acct_index(r[m].t[1])]++;
			}
		}
		for (int a = 0; a < NACC; a++) {
			int64_t amount, taken;
			if (!flags[a])
				continue;
			if (__builtin_mul_overflow(flags[a], pen, &amount))
				amount = INT64_MAX;
			if (amount <= 0)
				continue;
			taken = take(o, a, amount, 1, 1);
			D(o, A_VAULT, F_AVAIL, -taken);
			D(o, A_TREASURY, F_AVAIL, taken);
		}
	}
}

/* ---- generators: each builds one op into O, or returns -1 ------------------ */

/* account.register */
static int g_register(void)
{
	struct op *o;
	char pk64[64];
	int a = !S.reg[A_GINA] ? A_GINA : !S.reg[A_HANK] ? A_HANK : -1;

	if (a >= 0 && chance(60)) {
		o = op_new("register", "account.register", a);
		gs_b64(keys[a].pk, GS_PK_BYTES, pk64, sizeof pk64);
		set_s(o->args, "pubkey", pk64);
		o->reg_acct = a;
		o->d_accounts = 1;
		W_ok(o);
		D(o, a, F_AVAIL, 0);
		return 0;
	}
	a = any_user();
	o = op_new("re-register", "account.register", a);
	if (chance(50)) {
		gs_b64(keys[a].pk, GS_PK_BYTES, pk64, sizeof pk64);
		W_same(o);
	} else {			/* the name is taken: another key */
		gs_b64(evil.pk, GS_PK_BYTES, pk64, sizeof pk64);
		o->key = &evil;
		W_code(o, GS_EREFUSED);
	}
	set_s(o->args, "pubkey", pk64);
	return 0;
}

/* token.mint */
static int g_mint(void)
{
	struct op *o = op_new("mint", "token.mint", role_actor("minter"));
	int n = chance(15) ? (int)rnd(2, 4) : 1, bad = chance(15) ? (int)rnd(1, 4) : 0;
	json_t *items = json_array();

	W_ok(o);
	for (int i = 0; i < n; i++) {
		int to = chance(8) ? (chance(50) ? A_TREASURY : A_DAO) : any_user();
		int64_t amount = some_credits(5000);
		json_t *it = json_object();
		if (i == n - 1 && bad == 1) {
			set_s(it, "to", "vault");
			W_code(o, GS_EREFUSED);
		} else if (i == n - 1 && bad == 2) {
			set_s(it, "to", "nobody");
			W_code(o, GS_EINPUT);
		} else if (i == n - 1 && bad == 3) {
			set_s(it, "to", names[to]);
			amount = 0;
			W_code(o, GS_EINPUT);
		} else if (i == n - 1 && bad == 4) {
			set_s(it, "to", names[to]);
			amount = INT64_MAX;	/* the supply would overflow */
			W_code(o, GS_EREFUSED);
		} else {
			set_s(it, "to", names[to]);
			D(o, to, F_AVAIL, amount);
			o->mint += amount;
		}
		set_i(it, "amount", amount);
		json_array_append_new(items, it);
	}
	if (n == 1) {
		json_decref(o->args);
		o->args = json_incref(json_array_get(items, 0));
	} else {
		json_object_set_new(o->args, "items", json_incref(items));
	}
	json_decref(items);
	return 0;
}

/* token.burn */
static int g_burn(void)
{
	int a = participant();
	int64_t av = avail_of(a), amount;
	struct op *o = op_new("burn", "token.burn", a);

	if (chance(15) || av == 0) {
		amount = av + rnd(1, S.unit);
		W_code(o, GS_EREFUSED);
	} else {
		amount = rnd(1, av / 20 > 0 ? av / 20 : 1);
		W_ok(o);
		D(o, a, F_AVAIL, -amount);
		o->burn = amount;
	}
	set_i(o->args, "amount", amount);
	return 0;
}

/* token.transfer (one or many) */
static int g_transfer(void)
{
	int a = chance(90) ? participant() : any_user();
	int64_t av = avail_of(a), total = 0;
	int n = chance(20) ? (int)rnd(2, 5) : 1, bad = chance(20) ? (int)rnd(1, 4) : 0;
	struct op *o = op_new("transfer", "token.transfer", a);
	json_t *items = json_array();

	W_ok(o);
	for (int i = 0; i < n; i++) {
		int to = chance(6) ? (chance(50) ? A_TREASURY : A_DAO) : any_user();
		int64_t amount = rnd(1, av / (4 * n) > 0 ? av / (4 * n) : 1);
		json_t *it = json_object();
		if (i == 0 && bad == 1) {
			set_s(it, "to", "vault");
			W_code(o, GS_EREFUSED);
		} else if (i == n - 1 && bad == 2 && total + amount <= av) {
			set_s(it, "to", "nobody");
			if (o->want_rc == 0)
				W_code(o, GS_EINPUT);
		} else if (i == 0 && bad == 3) {
			set_s(it, "to", names[to]);
			amount = 0;
			W_code(o, GS_EINPUT);
		} else {
			set_s(it, "to", names[to]);
			D(o, to, F_AVAIL, amount);
		}
		total += amount;
		set_i(it, "amount", amount);
		json_array_append_new(items, it);
	}
	if (bad == 4 && o->want_rc == 0) {	/* overdraft by the last item */
		json_t *it = json_array_get(items, n - 1);
		int64_t more = av - total + rnd(1, S.unit);
		D(o, acct_index(json_string_value(json_object_get(it, "to"))), F_AVAIL, more);
		set_i(it, "amount", json_integer_value(json_object_get(it, "amount")) + more);
		total += more;
		W_code(o, GS_EREFUSED);
	}
	if (o->want_rc == 0 && total > av)
		W_code(o, GS_EREFUSED);
	D(o, a, F_AVAIL, -total);
	if (n == 1) {
		json_decref(o->args);
		o->args = json_incref(json_array_get(items, 0));
	} else {
		json_object_set_new(o->args, "items", json_incref(items));
	}
	json_decref(items);
	return 0;
}

/* token.approve */
static int g_approve(void)
{
	int a = any_user(), sp = any_user(), bad = chance(12) ? (int)rnd(1, 2) : 0;
	int64_t amount = chance(10) ? 0 : some_credits(2000);
	struct op *o = op_new("approve", "token.approve", a);

	if (bad == 1 || sp == a) {
		set_s(o->args, "spender", names[a]);
		W_code(o, GS_EINPUT);
	} else if (bad == 2) {
		set_s(o->args, "spender", "nobody");
		W_code(o, GS_EINPUT);
	} else {
		set_s(o->args, "spender", names[sp]);
		W_ok(o);
		D(o, a, F_AVAIL, 0);
		o->allow_owner = a;
		o->allow_spender = sp;
		o->allow_value = amount;
	}
	set_i(o->args, "amount", amount);
	return 0;
}

/* token.transfer_from */
static int g_transfer_from(void)
{
	struct row r[32];
	int n = qrows(r, 32, "SELECT owner, spender, amount FROM allowances WHERE "
		      "amount > 0 ORDER BY owner, spender"), k, own, sp, to;
	int64_t allow, av, amount;
	struct op *o;

	if (n == 0)
		return -1;
	k = (int)rnd(0, n - 1);
	own = acct_index(r[k].t[0]);
	sp = acct_index(r[k].t[1]);
	allow = r[k].i[2];
	av = avail_of(own);
	to = chance(10) ? own : any_user();
	o = op_new("xfer-from", "token.transfer_from", sp);
	set_s(o->args, "from", names[own]);
	set_s(o->args, "to", names[to]);
	if (chance(15)) {
		amount = allow + rnd(1, S.unit);
		W_code(o, GS_EREFUSED);
	} else if (chance(10)) {
		amount = 1;
		set_s(o->args, "to", "vault");
		W_code(o, GS_EREFUSED);
	} else {
		amount = rnd(1, allow < av ? allow : av > 0 ? av : 1);
		if (amount > av) {
			W_code(o, GS_EREFUSED);
		} else {
			W_ok(o);
			D(o, own, F_AVAIL, -amount);
			D(o, to, F_AVAIL, amount);
			o->allow_owner = own;
			o->allow_spender = sp;
			o->allow_value = allow - amount;
		}
	}
	set_i(o->args, "amount", amount);
	return 0;
}

/* token.lock */
static int g_lock(void)
{
	int a = participant();
	int64_t av = avail_of(a), amount;
	struct op *o = op_new("lock", "token.lock", a);

	if (chance(12) || av == 0) {
		amount = av + rnd(1, S.unit);
		W_code(o, GS_EREFUSED);
	} else {
		amount = rnd(1, av / 10 > 0 ? av / 10 : 1);
		W_ok(o);
		D(o, a, F_AVAIL, -amount);
		D(o, a, F_LOCKED, amount);
	}
	set_i(o->args, "amount", amount);
	if (chance(50))
		set_s(o->args, "purpose", chance(50) ? "savings" : "hold");
	if (chance(30))
		set_s(o->args, "ref", "sim");
	return 0;
}

/* token.unlock */
static int g_unlock(void)
{
	struct row r[64];
	int n, k, a, owner;
	struct op *o;

	if (chance(8)) {
		o = op_new("unlock-unknown", "token.unlock", participant());
		set_i(o->args, "lock", 1000000 + rnd(0, 1000));
		W_code(o, GS_EINPUT);
		return 0;
	}
	n = qrows(r, 64, "SELECT id, account, amount, manual, state FROM locks ORDER BY "
		  "(manual = 1 AND state = 'active') DESC, id DESC LIMIT 64");
	if (n == 0)
		return -1;
	k = chance(70) ? (int)rnd(0, n < 8 ? n - 1 : 7) : (int)rnd(0, n - 1);
	owner = acct_index(r[k].t[1]);
	a = chance(85) && owner < NUSER ? owner : any_user();
	o = op_new("unlock", "token.unlock", a);
	set_i(o->args, "lock", r[k].i[0]);
	if (a != owner || !r[k].i[3]) {
		W_code(o, GS_EPERM);
	} else if (strcmp(r[k].t[4], "released") == 0) {
		W_same(o);
	} else if (strcmp(r[k].t[4], "active") == 0) {
		W_ok(o);
		D(o, a, F_AVAIL, r[k].i[2]);
		D(o, a, F_LOCKED, -r[k].i[2]);
	} else {
		W_code(o, GS_EREFUSED);
	}
	return 0;
}

/* treasury.transfer (admin) */
static int g_treasury(void)
{
	struct op *o = op_new("treasury", "treasury.transfer", role_actor("admin"));
	int64_t tv = avail_of(A_TREASURY), amount;
	int to = any_user();

	if (chance(10)) {
		set_s(o->args, "to", "dao");
		amount = 1;
		W_code(o, GS_EINPUT);
	} else if (chance(15) || tv == 0) {
		set_s(o->args, "to", names[to]);
		amount = tv + rnd(1, S.unit);
		W_code(o, GS_EREFUSED);
	} else {
		set_s(o->args, "to", names[to]);
		amount = rnd(1, tv / 4 > 0 ? tv / 4 : 1);
		W_ok(o);
		D(o, A_TREASURY, F_AVAIL, -amount);
		D(o, to, F_AVAIL, amount);
	}
	set_i(o->args, "amount", amount);
	return 0;
}

/* panel.register (registrar) */
static int g_panel_register(void)
{
	struct op *o = op_new("panel-reg", "panel.register", role_actor("registrar"));
	int n = chance(10) ? 2 : 1, bad = chance(12) ? (int)rnd(1, 4) : 0;
	json_t *items = json_array();

	W_ok(o);
	D(o, A_ADMIN, F_AVAIL, 0);
	for (int i = 0; i < n; i++) {
		json_t *it = json_object();
		int owner = chance(90) ? participant() : any_user();
		set_s(it, "owner", names[owner]);
		set_i(it, "capacity_w", rnd(1, 20) * 1000);
		if (chance(30))
			set_s(it, "location", chance(80) ? "52.52,13.405" : "somewhere");
		if (chance(20))
			set_i(it, "installed", T0 - rnd(0, 3000) * DAY);
		if (chance(20))
			json_object_set_new(it, "meta", json_pack("{s:s,s:i}", "make", "sim",
								 "tilt", (int)rnd(0, 60)));
		if (i == n - 1 && bad == 1) {
			set_s(it, "owner", "treasury");
			W_code(o, GS_EREFUSED);
		} else if (i == n - 1 && bad == 2) {
			set_s(it, "owner", "nobody");
			W_code(o, GS_EINPUT);
		} else if (i == n - 1 && bad == 3) {
			set_i(it, "capacity_w", 0);
			W_code(o, GS_EINPUT);
		} else if (i == n - 1 && bad == 4) {
			set_s(it, "meta", "not an object");
			W_code(o, GS_EINPUT);
		}
		json_array_append_new(items, it);
	}
	o->d_panels = n;
	if (n == 1) {
		json_decref(o->args);
		o->args = json_incref(json_array_get(items, 0));
	} else {
		json_object_set_new(o->args, "items", json_incref(items));
	}
	json_decref(items);
	return 0;
}

/* A random panel: id, owner index, active flag; -1 if none. */
static int some_panel(int64_t *id, int *owner, int *active, int64_t *cap)
{
	struct row r;
	int64_t n = q1(0, "SELECT count(*) FROM panels");

	if (n == 0)
		return -1;
	if (qrows(&r, 1, "SELECT id, owner, status, capacity_w FROM panels WHERE id = %"
		  PRId64, rnd(1, n)) != 1)
		return -1;
	*id = r.i[0];
	*owner = acct_index(r.t[1]);
	*active = strcmp(r.t[2], "active") == 0;
	*cap = r.i[3];
	return 0;
}

/* panel.transfer */
static int g_panel_transfer(void)
{
	int64_t id, cap;
	int owner, active, a, to;
	struct op *o;

	if (some_panel(&id, &owner, &active, &cap))
		return -1;
	if (chance(50)) {	/* one with energy on offer in an open slot */
		struct row r;
		if (qrows(&r, 1, "SELECT f.panel, p.owner, p.status = 'active', p.capacity_w "
			  "FROM panel_offers f JOIN panels p ON p.id = f.panel AND p.owner = "
			  "f.account WHERE f.qty_wh > 0 AND f.slot * %" PRId64 " - %" PRId64
			  " > %" PRId64 " ORDER BY f.slot DESC, f.panel LIMIT 1", S.ss,
			  P("gate_closure_s"), S.now)) {
			id = r.i[0];
			owner = acct_index(r.t[1]);
			active = (int)r.i[2];
			cap = r.i[3];
		}
	}
	a = chance(85) ? owner : any_user();
	to = any_user();
	o = op_new("panel-xfer", "panel.transfer", a);
	set_i(o->args, "panel", chance(5) ? id + 100000 : id);
	if (json_integer_value(json_object_get(o->args, "panel")) != id) {
		W_code(o, GS_EINPUT);
	} else if (a != owner) {
		W_code(o, GS_EPERM);
	} else if (!active) {
		W_code(o, GS_EREFUSED);
	} else if (chance(8)) {
		to = A_DAO;
		W_code(o, GS_EREFUSED);
	} else if (to == owner) {
		W_same(o);
	} else {
		W_ok(o);
		D(o, a, F_AVAIL, 0);
	}
	set_s(o->args, "to", names[to]);
	return 0;
}

/* panel.retire */
static int g_panel_retire(void)
{
	int64_t id, cap, busy;
	int owner, active, a;
	struct op *o;

	if (some_panel(&id, &owner, &active, &cap))
		return -1;
	a = chance(70) ? owner : chance(50) ? role_actor("registrar") : any_user();
	o = op_new("retire", "panel.retire", a);
	set_i(o->args, "panel", id);
	busy = q1(-1, "SELECT coalesce(max(slot), -1) FROM panel_offers WHERE panel = %"
		  PRId64 " AND qty_wh > 0", id);
	if (a != owner && !has_role(a, "registrar"))
		W_code(o, GS_EPERM);
	else if (!active)
		W_same(o);
	else if (busy >= 0 && (busy + 1) * S.ss > S.now)
		W_code(o, GS_EREFUSED);
	else {
		W_ok(o);
		D(o, a, F_AVAIL, 0);
	}
	return 0;
}

/* stake.deposit */
static int g_deposit(void)
{
	int a = chance(80) ? participant() : any_user();
	int64_t av = avail_of(a), amount;
	struct op *o = op_new("deposit", "stake.deposit", a);

	if (chance(10) || av == 0) {
		amount = av + rnd(1, S.unit);
		W_code(o, GS_EREFUSED);
	} else {
		amount = rnd(1, av / 8 > 0 ? av / 8 : 1);
		if ((a == A_FRANK || a == A_ORC3) && amount > C(3))
			amount = rnd(1, C(3));	/* they stay thin */
		W_ok(o);
		D(o, a, F_AVAIL, -amount);
		D(o, A_VAULT, F_AVAIL, amount);
		D(o, a, F_STAKED, amount);
	}
	set_i(o->args, "amount", amount);
	return 0;
}

/* stake.request_withdraw */
static int g_request_withdraw(void)
{
	int a = chance(80) ? participant() : any_user();
	int64_t fr = free_of(a), amount;
	struct op *o = op_new("unbond", "stake.request_withdraw", a);

	if (chance(12) || fr <= 0) {
		amount = (fr > 0 ? fr : 0) + rnd(1, S.unit);
		W_code(o, GS_EREFUSED);
	} else {
		amount = rnd(1, fr / 4 > 0 ? fr / 4 : 1);
		W_ok(o);
		D(o, a, F_UNB, amount);
	}
	set_i(o->args, "amount", amount);
	return 0;
}

/* stake.withdraw */
static int g_withdraw(void)
{
	int a = chance(80) ? participant() : any_user();
	gs_stake st = stake_of(a);
	int64_t sum = q1(0, "SELECT coalesce(sum(amount), 0) FROM unbondings WHERE "
			 "account = '%s' AND state = 'pending' AND available_at <= %"
			 PRId64, names[a], S.now);
	struct op *o = op_new("withdraw", "stake.withdraw", a);

	if (st.debt > 0 || sum == 0) {
		W_code(o, GS_EREFUSED);
	} else {
		W_ok(o);
		D(o, a, F_STAKED, -sum);
		D(o, a, F_UNB, -sum);
		D(o, a, F_AVAIL, sum);
		D(o, A_VAULT, F_AVAIL, -sum);
	}
	return 0;
}

/* stake.cancel_withdraw */
static int g_cancel_withdraw(void)
{
	struct row r;
	int a = chance(80) ? participant() : any_user(), owner;
	struct op *o;
	int64_t sum;

	if (chance(35) && qrows(&r, 1, "SELECT id, account, amount, state FROM unbondings "
				"ORDER BY id DESC LIMIT 1 OFFSET %d", (int)rnd(0, 5)) == 1) {
		owner = acct_index(r.t[1]);
		a = chance(85) ? owner : any_user();
		o = op_new("unbond-cancel", "stake.cancel_withdraw", a);
		set_i(o->args, "id", r.i[0]);
		if (a != owner)
			W_code(o, GS_EPERM);
		else if (strcmp(r.t[3], "pending") != 0)
			W_same(o);
		else {
			W_ok(o);
			D(o, a, F_UNB, -r.i[2]);
		}
		return 0;
	}
	o = op_new("unbond-cancel", "stake.cancel_withdraw", a);
	if (chance(5)) {
		set_i(o->args, "id", 1000000);
		W_code(o, GS_EINPUT);
		return 0;
	}
	sum = q1(0, "SELECT coalesce(sum(amount), 0) FROM unbondings WHERE account = "
		 "'%s' AND state = 'pending'", names[a]);
	if (sum == 0)
		W_same(o);
	else {
		W_ok(o);
		D(o, a, F_UNB, -sum);
	}
	return 0;
}

/* stake.lock */
static int g_stake_lock(void)
{
	int a = participant();
	int64_t fr = free_of(a), amount;
	struct op *o = op_new("stake-lock", "stake.lock", a);

	if (chance(10) || fr <= 0) {
		amount = (fr > 0 ? fr : 0) + rnd(1, S.unit);
		W_code(o, GS_EREFUSED);
	} else {
		amount = rnd(1, fr / 6 > 0 ? fr / 6 : 1);
		W_ok(o);
		D(o, a, F_SLOCKED, amount);
	}
	set_i(o->args, "amount", amount);
	if (chance(60))
		set_i(o->args, "until", S.now + rnd(-HOUR, 2 * DAY));
	if (chance(30))
		set_s(o->args, "purpose", "vesting");
	return 0;
}

/* stake.unlock */
static int g_stake_unlock(void)
{
	struct row r[64];
	int n = qrows(r, 64, "SELECT id, account, amount, manual, state, coalesce(until, -1) "
		      "FROM stake_locks ORDER BY (manual = 1 AND state = 'active') DESC, "
		      "id DESC LIMIT 64"), k, owner, a;
	struct op *o;

	if (n == 0)
		return -1;
	k = chance(70) ? (int)rnd(0, n < 6 ? n - 1 : 5) : (int)rnd(0, n - 1);
	owner = acct_index(r[k].t[1]);
	a = chance(85) ? owner : any_user();
	o = op_new("stake-unlock", "stake.unlock", a);
	set_i(o->args, "lock", r[k].i[0]);
	if (a != owner || !r[k].i[3])
		W_code(o, GS_EPERM);
	else if (strcmp(r[k].t[4], "released") == 0)
		W_same(o);
	else if (strcmp(r[k].t[4], "active") != 0 || r[k].i[5] > S.now)
		W_code(o, GS_EREFUSED);
	else {
		W_ok(o);
		D(o, a, F_SLOCKED, -r[k].i[2]);
	}
	return 0;
}

/* stake.repay */
static int g_repay(void)
{
	struct row r[NACC];
	int n = qrows(r, NACC, "SELECT account, debt FROM stakes WHERE debt > 0 ORDER BY "
		      "account"), a, k;
	int64_t debt = 0, av, amount;
	struct op *o;

	if (n && chance(85)) {
		k = (int)rnd(0, n - 1);
		a = acct_index(r[k].t[0]);
		debt = r[k].i[1];
	} else {
		a = participant();
		debt = stake_of(a).debt;
	}
	av = avail_of(a);
	o = op_new("repay", "stake.repay", a);
	if (debt == 0) {
		amount = rnd(1, S.unit);
		W_same(o);
	} else if (chance(10)) {
		amount = debt + 1;
		W_code(o, GS_EINPUT);
	} else {
		amount = chance(50) ? debt : rnd(1, debt);
		if (amount > av) {
			W_code(o, GS_EREFUSED);
		} else {
			W_ok(o);
			D(o, a, F_DEBT, -amount);
			D(o, a, F_AVAIL, -amount);
			D(o, A_TREASURY, F_AVAIL, amount);
		}
	}
	set_i(o->args, "amount", amount);
	return 0;
}

/* stake.slash (admin) */
static int g_slash(void)
{
	struct op *o = op_new("slash", "stake.slash", role_actor("admin"));
	int t = participant(), bad = chance(15) ? (int)rnd(1, 4) : 0;

	set_s(o->args, "account", names[t]);
	if (chance(50))
		set_i(o->args, "bps", rnd(1, 2000));
	else
		set_i(o->args, "amount", some_credits(100));
	set_s(o->args, "reason", "sim: misconduct");
	if (bad == 1) {
		set_i(o->args, "bps", 100);
		set_i(o->args, "amount", 1);
		W_code(o, GS_EINPUT);
	} else if (bad == 2) {
		set_s(o->args, "account", "nobody");
		W_code(o, GS_EINPUT);
	} else if (bad == 3) {
		set_s(o->args, "account", "vault");
		W_code(o, GS_EREFUSED);
	} else if (bad == 4) {
		json_object_del(o->args, "reason");
		W_code(o, GS_EINPUT);
	} else {		/* free, then unbonding, then manual locks */
		gs_stake st = stake_of(t);
		json_t *b = json_object_get(o->args, "bps");
		int64_t amount = b ? (int64_t)((__int128)st.staked * json_integer_value(b) / 10000)
			       : json_integer_value(json_object_get(o->args, "amount"));
		int64_t taken = take(o, t, amount < st.staked ? amount : st.staked, 1, 0);
		if (taken == 0) {
			W_code(o, GS_EREFUSED);
		} else {
			W_ok(o);
			D(o, A_VAULT, F_AVAIL, -taken);
			D(o, A_TREASURY, F_AVAIL, taken);
		}
	}
	return 0;
}

/* oracle.report: readings of the sold panels of an ended slot */
static int g_report(void)
{
	struct row r[32], p;
	int a = role_actor("oracle"), n, bad = chance(10) ? (int)rnd(1, 4) : 0;
	int64_t slot, minst = P("oracle_min_stake");
	struct op *o = op_new("report", "oracle.report", a);
	json_t *items = json_array();
	int eligible = stake_of(a).staked >= minst, want = GS_OK;

	n = qrows(r, 32, "SELECT DISTINCT slot, panel FROM orders WHERE side = 'sell' AND "
		  "state = 'open' AND (slot + 1) * %" PRId64 " <= %" PRId64 " AND slot NOT "
		  "IN (SELECT slot FROM oracle_slots WHERE final = 1) ORDER BY slot DESC, "
		  "panel LIMIT 32", S.ss, S.now);
	if (n == 0 || chance(10)) {	/* some panel, some recent slot */
		int64_t id, cap;
		int owner, active;
		if (some_panel(&id, &owner, &active, &cap))
			return -1;
		n = 1;
		r[0].i[0] = S.now / S.ss - rnd(1, 6);
		r[0].i[1] = id;
	}
	slot = r[rnd(0, n - 1)].i[0];
	for (int i = 0; i < n; i++) {
		int64_t panel = r[i].i[1], limit, wh, end, fin;
		json_t *it;
		int code = GS_OK;
		if (r[i].i[0] != slot)
			continue;
		if (qrows(&p, 1, "SELECT capacity_w, coalesce(retired_at, -1) FROM panels "
			  "WHERE id = %" PRId64, panel) != 1)
			fail("panel %" PRId64 " vanished", panel);
		limit = slot_limit(p.i[0]);
		wh = truth(slot, panel, limit);
		if (a == A_ORC3 && chance(60))
			wh = rnd(0, limit);
		else if (chance(12))
			wh = wh * (int64_t)rnd(97, 103) / 100;
		else if (chance(5))
			wh = rnd(0, limit);
		if (wh > limit)
			wh = limit;
		if (bad == 1 && json_array_size(items) == 0) {
			wh = limit + rnd(1, 100);
		} else if (bad == 2 && json_array_size(items) == 0) {
			panel += 100000;
		}
		end = (slot + 1) * S.ss;
		fin = q1(0, "SELECT final FROM oracle_slots WHERE slot = %" PRId64, slot);
		if (bad == 3 && json_array_size(items) == 0) {
			slot = S.now / S.ss;	/* not ended */
			end = (slot + 1) * S.ss;
			fin = 0;
		}
		if (end > S.now || fin)
			code = GS_EREFUSED;
		else if (panel >= 100000)
			code = GS_EINPUT;
		else if (p.i[1] >= 0 && p.i[1] < end)
			code = GS_EREFUSED;
		else if (wh > limit)
			code = GS_EREFUSED;
		if (want == GS_OK)
			want = code;
		it = json_object();
		set_i(it, "panel", panel);
		set_i(it, "slot", slot);
		set_i(it, "wh", wh);
		json_array_append_new(items, it);
		if (bad == 3)
			break;
	}
	if (bad == 4)
		set_i(json_array_get(items, 0), "wh", -1);
	if (!eligible)
		W_code(o, GS_EREFUSED);
	else if (bad == 4)
		W_code(o, GS_EINPUT);
	else if (want)
		W_code(o, want);
	else {
		W_ok(o);
		D(o, a, F_AVAIL, 0);
	}
	if (json_array_size(items) == 1) {
		json_decref(o->args);
		o->args = json_incref(json_array_get(items, 0));
	} else {
		json_object_set_new(o->args, "items", json_incref(items));
	}
	json_decref(items);
	return 0;
}

/* oracle.finalize (operator) */
static int g_oracle_finalize(void)
{
	struct op *o = op_new("o-final", "oracle.finalize", role_actor("operator"));
	int64_t ver = P("verification_period_s"), slot;
	struct row r[16];
	int n;

	if (chance(45)) {
		static struct row d[256];
		int64_t due[256];
		set_i(o->args, "due", 1);
		n = qrows(d, 256, "SELECT slot FROM oracle_slots WHERE final = 0 AND (slot "
			  "+ 1) * %" PRId64 " + %" PRId64 " <= %" PRId64 " UNION SELECT slot "
			  "FROM clearings WHERE slot NOT IN (SELECT slot FROM oracle_slots) AND "
			  "(slot + 1) * %" PRId64 " + %" PRId64 " <= %" PRId64 " ORDER BY 1",
			  S.ss, ver, S.now, S.ss, ver, S.now);
		for (int i = 0; i < n; i++)
			due[i] = d[i].i[0];
		if (n) {
			W_ok(o);
			predict_oracle_final(o, due, n < 256 ? n : 0);
		} else {
			W_same(o);
		}
		return 0;
	}
	n = qrows(r, 16, "SELECT slot, final FROM oracle_slots WHERE final = 0 UNION "
		  "SELECT slot, 0 FROM clearings WHERE slot NOT IN (SELECT slot FROM "
		  "oracle_slots) ORDER BY 1 DESC LIMIT 16");
	if (n == 0 || chance(10)) {
		if (qrows(r, 1, "SELECT slot, final FROM oracle_slots ORDER BY slot DESC "
			  "LIMIT 1") == 0)
			r[0].i[0] = S.now / S.ss, r[0].i[1] = 0;
		n = 1;
	}
	n = (int)rnd(0, n - 1);
	slot = r[n].i[0];
	set_i(o->args, "slot", slot);
	if (q1(0, "SELECT final FROM oracle_slots WHERE slot = %" PRId64, slot))
		W_same(o);
	else if ((slot + 1) * S.ss + ver > S.now)
		W_code(o, GS_EREFUSED);
	else {
		W_ok(o);
		predict_oracle_final(o, &slot, 1);
	}
	return 0;
}

/* oracle.amend (admin) */
static int g_amend(void)
{
	struct row r[16];
	int n = qrows(r, 16, "SELECT p.slot, p.panel, x.capacity_w FROM production p "
		      "JOIN panels x ON x.id = p.panel ORDER BY p.slot DESC, p.panel "
		      "LIMIT 16"), k;
	struct op *o;
	int64_t limit, settled, fin;

	if (n == 0)
		return -1;
	k = (int)rnd(0, n - 1);
	o = op_new("amend", "oracle.amend", role_actor("admin"));
	limit = slot_limit(r[k].i[2]);
	set_i(o->args, "panel", r[k].i[1]);
	set_i(o->args, "slot", r[k].i[0]);
	set_i(o->args, "wh", chance(10) ? limit + 1 : rnd(0, limit));
	fin = q1(0, "SELECT final FROM oracle_slots WHERE slot = %" PRId64, r[k].i[0]);
	settled = q1(0, "SELECT count(*) FROM settlements WHERE slot = %" PRId64
		     " AND state = 'final'", r[k].i[0]);
	if (json_integer_value(json_object_get(o->args, "wh")) > limit)
		W_code(o, GS_EINPUT);
	else if (fin != 1 || settled)
		W_code(o, GS_EREFUSED);
	else
		W_ok(o);
	return 0;
}

/* auction.order: one to six orders, with the library's checks predicted */
static int g_order(void)
{
	struct row pr[16];
	int a = chance(92) ? participant() : any_user();
	int n = chance(55) ? 1 : (int)rnd(2, 6), bad = chance(14) ? (int)rnd(1, 7) : 0;
	int np = qrows(pr, 16, "SELECT id, capacity_w, status FROM panels WHERE owner = "
		       "'%s' ORDER BY id", names[a]);
	int64_t pmin = P("price_min"), pmax = P("price_max"), gate = P("gate_closure_s");
	int64_t pbps = P("penalty_bps"), minst = P("seller_min_stake");
	int64_t av = avail_of(a), escrow = 0, col = 0, freest = 0, slot = market_slot();
	struct { int64_t slot, panel, added; } used[8];
	int nused = 0, seller_checked = 0, want = GS_OK;
	gs_stake st = stake_of(a);
	struct op *o = op_new("order", "auction.order", a);
	json_t *items = json_array();

	for (int i = 0; i < n; i++) {
		json_t *it = json_object();
		int side = np && chance(50) ? GS_SELL : GS_BUY, code = GS_OK, market;
		int64_t price, qty, panel = 0, s = chance(80) ? slot : market_slot(), e, c;
		int64_t pcap = 0;
		int pactive = 0, powner = 1;
		price = some_price(side);
		market = chance(6);
		if (side == GS_SELL) {
			int k = (int)rnd(0, np - 1);
			panel = pr[k].i[0];
			pcap = pr[k].i[1];
			pactive = strcmp(pr[k].t[2], "active") == 0;
			qty = rnd(1, slot_limit(pcap) / 2 > 0 ? slot_limit(pcap) / 2 : 1);
			if (chance(30)) {	/* all it may still offer */
				int64_t left = slot_limit(pcap) - q1(0, "SELECT qty_wh FROM "
					"panel_offers WHERE slot = %" PRId64 " AND panel = %" PRId64
					" AND account = '%s'", s, panel, names[a]);
				for (int u = 0; u < nused; u++)
					if (used[u].slot == s && used[u].panel == panel)
						left -= used[u].added;
				if (left > 0)
					qty = left;
			}
		} else {
			qty = rnd(50, 3000);
		}
		if (i == n - 1 && bad) {
			switch (bad) {
			case 1:		/* a slot whose gate has closed */
				s = (S.now + gate) / S.ss - rnd(0, 3);
				break;
			case 2:		/* a price outside [price_min, price_max] */
				market = 0;
				price = chance(50) ? pmax + rnd(1, S.unit) : pmin - rnd(1, S.unit);
				break;
			case 3:		/* a sell of somebody else's panel */
				if (q1(0, "SELECT count(*) FROM panels WHERE owner <> '%s'",
				       names[a]) == 0)
					break;
				side = GS_SELL;
				panel = q1(1, "SELECT id FROM panels WHERE owner <> '%s' ORDER "
					   "BY id LIMIT 1 OFFSET %d", names[a], (int)rnd(0, 3));
				if (panel == 1 && q1(0, "SELECT count(*) FROM panels WHERE id = 1 "
						     "AND owner <> '%s'", names[a]) == 0)
					panel = q1(1, "SELECT id FROM panels WHERE owner <> '%s' "
						   "ORDER BY id LIMIT 1", names[a]);
				powner = 0;
				pcap = q1(0, "SELECT capacity_w FROM panels WHERE id = %" PRId64, panel);
				pactive = q1(0, "SELECT status = 'active' FROM panels WHERE id = %"
					     PRId64, panel) == 1;
				qty = 1;
				break;
			case 4:		/* a buy naming a panel */
				side = GS_BUY;
				panel = 1;
				break;
			case 5:		/* nothing */
				qty = 0;
				break;
			case 6:		/* an unknown panel */
				side = GS_SELL;
				panel = 100000 + rnd(0, 99);
				break;
			case 7:		/* more than the panel can make */
				if (side == GS_SELL)
					qty = slot_limit(pcap) + 1;
				break;
			}
		}
		if (market)
			price = side == GS_BUY ? pmax : pmin;
		set_i(it, "slot", s);
		set_s(it, "side", bad == 5 && i == n - 1 && chance(50) ? "hold"
		      : side == GS_BUY ? "buy" : "sell");
		if (market)
			set_s(it, "price", "market");
		else
			set_i(it, "price", price);
		set_i(it, "qty_wh", qty);
		if (panel)
			set_i(it, "panel", panel);
		json_array_append_new(items, it);
		/* the library's checks, in its order */
		if (qty <= 0 || strcmp(json_string_value(json_object_get(it, "side")), "hold") == 0)
			code = GS_EINPUT;
		else if (price < pmin || price > pmax)
			code = GS_EREFUSED;
		else if (S.now >= s * S.ss - gate ||
			 q1(0, "SELECT count(*) FROM clearings WHERE slot = %" PRId64, s))
			code = GS_EREFUSED;
		else if ((side == GS_BUY) == (panel != 0))
			code = GS_EINPUT;
		else if (side == GS_SELL) {
			int u;
			if (panel >= 100000)
				code = GS_EINPUT;
			else if (!pactive)
				code = GS_EREFUSED;
			else if (!powner)
				code = GS_EPERM;
			for (u = 0; u < nused; u++)
				if (used[u].slot == s && used[u].panel == panel)
					break;
			if (!code && u == nused) {
				used[u].slot = s;
				used[u].panel = panel;
				used[u].added = 0;
				nused++;
			}
			/* capacity is the panel's, whoever placed its other
			 * sells (a former owner's stay in the book) */
			if (!code && qty > slot_limit(pcap) - used[u].added -
			    q1(0, "SELECT coalesce(sum(qty_wh), 0) FROM panel_offers WHERE "
			       "slot = %" PRId64 " AND panel = %" PRId64, s, panel))
				code = GS_EREFUSED;
			if (!code)
				used[u].added += qty;
			if (!code && !seller_checked) {
				if (st.debt > 0 || st.staked < minst)
					code = GS_EREFUSED;
				freest = st.staked - st.locked - st.unbonding;
				seller_checked = 1;
			}
		}
		if (!code) {
			e = gs_escrow_tokens(side, qty, price);
			c = side == GS_SELL ? gs_collateral(qty, price, pbps) : 0;
			if (e > av - escrow || c > freest - col)
				code = GS_EREFUSED;
			escrow += e;
			col += c;
		}
		if (want == GS_OK)
			want = code;
	}
	o->d_orders = n;	/* counted if it applies */
	if (want) {
		W_code(o, want);
	} else {
		W_ok(o);
		D(o, a, F_AVAIL, -escrow);
		D(o, a, F_LOCKED, escrow);
		D(o, a, F_SLOCKED, col);
	}
	if (n == 1) {
		json_decref(o->args);
		o->args = json_incref(json_array_get(items, 0));
	} else {
		json_object_set_new(o->args, "items", json_incref(items));
	}
	json_decref(items);
	return 0;
}

/* auction.cancel */
static int g_cancel(void)
{
	struct row r;
	int64_t gate = P("gate_closure_s");
	int owner, a;
	struct op *o;

	if (chance(5)) {
		o = op_new("cancel", "auction.cancel", participant());
		set_i(o->args, "order", 10000000);
		W_code(o, GS_EINPUT);
		return 0;
	}
	if (qrows(&r, 1, "SELECT id, account, slot, state, escrow, collateral, EXISTS "
		  "(SELECT 1 FROM clearings c WHERE c.slot = o.slot) FROM orders o ORDER BY "
		  "(state = 'open' AND slot * %" PRId64 " - %" PRId64 " > %" PRId64
		  ") DESC, id DESC LIMIT 1 OFFSET %d", S.ss, gate, S.now,
		  (int)(chance(70) ? rnd(0, 8) : rnd(0, 60))) != 1)
		return -1;
	owner = acct_index(r.t[1]);
	a = chance(88) ? owner : any_user();
	o = op_new("cancel", "auction.cancel", a);
	set_i(o->args, "order", r.i[0]);
	if (a != owner)
		W_code(o, GS_EPERM);
	else if (strcmp(r.t[3], "canceled") == 0 && !r.i[6])
		W_same(o);
	else if (r.i[6] || S.now >= r.i[2] * S.ss - gate)
		W_code(o, GS_EREFUSED);
	else {
		W_ok(o);
		D(o, a, F_AVAIL, r.i[4]);
		D(o, a, F_LOCKED, -r.i[4]);
		D(o, a, F_SLOCKED, -r.i[5]);
	}
	return 0;
}

/* auction.clear (operator) */
static int g_clear(void)
{
	struct op *o = op_new("clear", "auction.clear", role_actor("operator"));
	int64_t gate = P("gate_closure_s"), slot;
	struct row r[16];
	int n;

	o->conserve = 1;
	if (chance(55)) {
		set_i(o->args, "due", 1);
		if (q1(0, "SELECT count(*) FROM orders WHERE state = 'open' AND slot * %"
		       PRId64 " - %" PRId64 " <= %" PRId64 " AND slot NOT IN (SELECT slot "
		       "FROM clearings)", S.ss, gate, S.now))
			W_ok(o);
		else
			W_same(o);
		return 0;
	}
	n = qrows(r, 16, "SELECT DISTINCT slot FROM orders ORDER BY slot DESC LIMIT 16");
	slot = n && chance(85) ? r[rnd(0, n - 1)].i[0] : S.now / S.ss + rnd(-4, 4);
	set_i(o->args, "slot", slot);
	if (q1(0, "SELECT count(*) FROM clearings WHERE slot = %" PRId64, slot))
		W_same(o);
	else if (S.now < slot * S.ss - gate)
		W_code(o, GS_EREFUSED);
	else
		W_ok(o);
	return 0;
}

/* settle.compute (operator) */
static int g_compute(void)
{
	struct op *o = op_new("compute", "settle.compute", role_actor("operator"));
	struct row r[16], s;
	int64_t slot;
	int n;

	D(o, A_ADMIN, F_AVAIL, 0);	/* provisional: no value moves */
	if (chance(45)) {
		set_i(o->args, "due", 1);
		if (q1(0, "SELECT count(*) FROM clearings c JOIN oracle_slots o ON o.slot = "
		       "c.slot AND o.final = 1 WHERE c.slot NOT IN (SELECT slot FROM "
		       "settlements)"))
			W_ok(o);
		else
			W_same(o);
		return 0;
	}
	n = qrows(r, 16, "SELECT slot FROM clearings ORDER BY (slot IN (SELECT slot FROM "
		  "settlements WHERE state <> 'reopened')), slot DESC LIMIT 16");
	slot = n && chance(92) ? r[rnd(0, n < 4 ? n - 1 : 3)].i[0] : S.now / S.ss - rnd(0, 8);
	set_i(o->args, "slot", slot);
	if (qrows(&s, 1, "SELECT state FROM settlements WHERE slot = %" PRId64, slot) &&
	    strcmp(s.t[0], "reopened") != 0)
		W_same(o);
	else if (q1(0, "SELECT final FROM oracle_slots WHERE slot = %" PRId64, slot) != 1)
		W_code(o, GS_EREFUSED);
	else if (!q1(0, "SELECT count(*) FROM clearings WHERE slot = %" PRId64, slot))
		W_code(o, GS_EREFUSED);
	else
		W_ok(o);
	return 0;
}

/* settle.finalize (operator) */
static int g_settle_finalize(void)
{
	struct op *o = op_new("s-final", "settle.finalize", role_actor("operator"));
	int64_t win = P("dispute_window_s"), slot;
	struct row r[16], s;
	int n;

	o->post_settle = 1;
	if (chance(45)) {
		set_i(o->args, "due", 1);
		if (q1(0, "SELECT count(*) FROM settlements WHERE state = 'computed' AND "
		       "computed_at <= %" PRId64, S.now - win))
			W_ok(o);
		else
			W_same(o);
		return 0;
	}
	n = qrows(r, 16, "SELECT slot FROM settlements ORDER BY state = 'final', slot DESC "
		  "LIMIT 16");
	slot = n && chance(92) ? r[rnd(0, n < 4 ? n - 1 : 3)].i[0] : S.now / S.ss - rnd(0, 8);
	set_i(o->args, "slot", slot);
	if (!qrows(&s, 1, "SELECT state, computed_at FROM settlements WHERE slot = %" PRId64,
		   slot) || strcmp(s.t[0], "reopened") == 0)
		W_code(o, GS_EREFUSED);
	else if (strcmp(s.t[0], "final") == 0)
		W_same(o);
	else if (q1(0, "SELECT count(*) FROM disputes WHERE slot = %" PRId64 " AND state "
		    "= 'open'", slot) || S.now < s.i[1] + win)
		W_code(o, GS_EREFUSED);
	else
		W_ok(o);
	return 0;
}

/* settle.dispute */
static int g_dispute(void)
{
	struct row r[32], s;
	int n = qrows(r, 32, "SELECT p.slot, p.account FROM positions p JOIN settlements s "
		      "ON s.slot = p.slot WHERE s.state IN ('computed', 'disputed') ORDER "
		      "BY p.slot DESC, p.account LIMIT 32"), k, a, part;
	int64_t slot, win = P("dispute_window_s"), bond = P("dispute_bond");
	struct op *o;

	if (n == 0)
		return -1;
	k = (int)rnd(0, n - 1);
	slot = r[k].i[0];
	a = chance(85) ? acct_index(r[k].t[1]) : any_user();
	o = op_new("dispute", "settle.dispute", a);
	set_i(o->args, "slot", slot);
	set_s(o->args, "reason", chance(5) ? "" : "the meter says otherwise");
	part = (int)q1(0, "SELECT count(*) FROM positions WHERE slot = %" PRId64 " AND "
		       "account = '%s'", slot, names[a]);
	if (!qrows(&s, 1, "SELECT state, computed_at FROM settlements WHERE slot = %" PRId64,
		   slot))
		fail("settlement vanished");
	if (!json_string_length(json_object_get(o->args, "reason")))
		W_code(o, GS_EINPUT);
	else if (!part)
		W_code(o, GS_EPERM);
	else if (S.now >= s.i[1] + win)
		W_code(o, GS_EREFUSED);
	else if (q1(0, "SELECT count(*) FROM disputes WHERE slot = %" PRId64 " AND account "
		    "= '%s' AND state = 'open'", slot, names[a]))
		W_same(o);
	else if (bond > avail_of(a))
		W_code(o, GS_EREFUSED);
	else {
		W_ok(o);
		D(o, a, F_AVAIL, -bond);
		D(o, a, F_LOCKED, bond);
	}
	return 0;
}

/* settle.resolve (operator) */
static int g_resolve(void)
{
	struct row r[16];
	int n = qrows(r, 16, "SELECT id, slot, account, bond, state, bond_lock IS NOT NULL "
		      "FROM disputes ORDER BY state = 'open' DESC, id DESC LIMIT 16"), k;
	struct op *o = op_new("resolve", "settle.resolve", role_actor("operator"));
	int up = chance(50);

	if (n == 0 || chance(5)) {
		set_i(o->args, "dispute", 100000);
		json_object_set_new(o->args, "uphold", json_boolean(up));
		W_code(o, GS_EINPUT);
		return 0;
	}
	k = chance(75) ? 0 : (int)rnd(0, n - 1);
	set_i(o->args, "dispute", r[k].i[0]);
	if (chance(5)) {
		set_i(o->args, "uphold", 1);
		W_code(o, GS_EINPUT);
		return 0;
	}
	json_object_set_new(o->args, "uphold", json_boolean(up));
	if (strcmp(r[k].t[4], "open") != 0) {
		W_same(o);
	} else if (up) {		/* every open dispute of the slot upheld */
		struct row d[16];
		int m = qrows(d, 16, "SELECT account, bond FROM disputes WHERE slot = %"
			      PRId64 " AND state = 'open' AND bond_lock IS NOT NULL",
			      r[k].i[1]);
		W_ok(o);
		D(o, A_ADMIN, F_AVAIL, 0);
		for (int i = 0; i < m; i++) {
			D(o, acct_index(d[i].t[0]), F_AVAIL, d[i].i[1]);
			D(o, acct_index(d[i].t[0]), F_LOCKED, -d[i].i[1]);
		}
	} else {
		W_ok(o);
		D(o, A_ADMIN, F_AVAIL, 0);
		if (r[k].i[5]) {
			D(o, acct_index(r[k].t[2]), F_LOCKED, -r[k].i[3]);
			D(o, A_TREASURY, F_AVAIL, r[k].i[3]);
		}
	}
	return 0;
}

/* ---- governance --------------------------------------------------------- */

struct prop {
	int64_t id, snap_time, snap_seq, vote_end, eta, v[3], quorum;
	int proposer;
	char stored[16];
};

static int prop_load(int64_t id, struct prop *p)
{
	struct row r;

	if (qrows(&r, 1, "SELECT proposer, state, snapshot_time, snapshot_seq, vote_end, "
		  "coalesce(eta, 0), for_votes, against_votes, abstain_votes, quorum_bps "
		  "FROM proposals WHERE id = %" PRId64, id) != 1)
		return -1;
	p->id = id;
	p->proposer = acct_index(r.t[0]);
	snprintf(p->stored, sizeof p->stored, "%.15s", r.t[1]);
	p->snap_time = r.i[2];
	p->snap_seq = r.i[3];
	p->vote_end = r.i[4];
	p->eta = r.i[5];
	p->v[0] = r.i[6];
	p->v[1] = r.i[7];
	p->v[2] = r.i[8];
	p->quorum = r.i[9];
	return 0;
}

/* The state of p now (DESIGN 8, Governance), as the library should see it. */
static const char *prop_state(const struct prop *p)
{
	int64_t grace = P("grace_period_s"), total = 0, lib = 0;
	gs_err e;

	if (strcmp(p->stored, "open") != 0) {
		if (strcmp(p->stored, "queued") == 0 && p->eta <= INT64_MAX - grace &&
		    S.now > p->eta + grace)
			return "expired";
		return p->stored;
	}
	if (S.now < p->snap_time || (p->snap_seq == INT64_MAX && S.now == p->snap_time))
		return "pending";
	if (S.now < p->vote_end)
		return "active";
	total = sh_stake_at(-1, p->snap_time, p->snap_seq);
	if (gs_stake_at(S.st, "*", p->snap_time, p->snap_seq, &lib, &e))
		fail("stake at: %s", e.msg);
	if (lib != total)
		fail("total stake at the snapshot of proposal %" PRId64 " (time %" PRId64
		     ", seq %" PRId64 "): the library says %" PRId64 ", the shadow "
		     "history %" PRId64, p->id, p->snap_time, p->snap_seq, lib, total);
	if ((__int128)(p->v[0] + p->v[2]) * 10000 < (__int128)p->quorum * total)
		return "defeated";
	return p->v[0] > p->v[1] ? "succeeded" : "defeated";
}

/* A random proposal id, mostly a recent or live one; 0 if none. */
static int64_t some_proposal(void)
{
	int64_t n = q1(0, "SELECT count(*) FROM proposals");

	if (n == 0)
		return 0;
	if (chance(70))
		return q1(n, "SELECT id FROM proposals WHERE state IN ('open', 'queued') "
			  "ORDER BY id DESC LIMIT 1 OFFSET %d", (int)rnd(0, 2));
	return rnd(1, n);
}

/* The values the simulation gives each parameter: [lo, hi], or with
 * probability pct [lo2, hi2]; money (cents) in hundredths of a credit. */
static const struct pval {
	const char *name;
	int cents;
	int64_t lo, hi;
	int pct;
	int64_t lo2, hi2;
} pvals[] = {
	{ "gate_closure_s", 0, 0, 1800, 0, 0, 0 },
	{ "price_min", 1, -100, 0, 0, 0, 0 },
	{ "price_max", 1, 50, 600, 0, 0, 0 },
	{ "oracle_quorum", 0, 1, 1, 40, 2, 3 },
	{ "oracle_min_stake", 1, 0, 20000, 0, 0, 0 },
	{ "verification_period_s", 0, 0, 1800, 0, 0, 0 },
	{ "oracle_tolerance_bps", 0, 0, 2000, 0, 0, 0 },
	{ "oracle_penalty", 1, 0, 5000, 0, 0, 0 },
	{ "penalty_bps", 0, 0, 30000, 30, 30000, 100000 },
	{ "seller_min_stake", 1, 0, 5000, 0, 0, 0 },
	{ "dispute_window_s", 0, 0, 7200, 0, 0, 0 },
	{ "dispute_bond", 1, 0, 2000, 0, 0, 0 },
	{ "unbonding_period_s", 0, 0, DAY, 30, 0, 8 * DAY },
	{ "proposal_threshold", 1, 10000, 200000, 0, 0, 0 },
	{ "voting_delay_s", 0, 0, 0, 50, 0, HOUR },
	{ "voting_period_s", 0, 600, 6 * HOUR, 30, 60, 3 * DAY },
	{ "quorum_bps", 0, 0, 2000, 0, 0, 0 },
	{ "timelock_s", 0, 0, 2 * HOUR, 30, 0, 2 * DAY },
	{ "grace_period_s", 0, HOUR, 14 * DAY, 0, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0, 0 },
};

/* A valid value for parameter name (base units), within its range. */
static int64_t param_value(const char *name)
{
	const struct gs_param_def *p = gs_param_find(name);
	int64_t lo = gs_param_scale(p, p->min, S.dec), hi = gs_param_scale(p, p->max, S.dec);
	int64_t v = rnd(lo, hi);

	for (const struct pval *x = pvals; x->name; x++) {
		if (strcmp(x->name, name) != 0)
			continue;
		v = chance(x->pct) ? rnd(x->lo2, x->hi2) : rnd(x->lo, x->hi);
		if (x->cents)
			v = v * S.unit / 100;
		break;
	}
	return v < lo ? lo : v > hi ? hi : v;
}

/* A settable parameter name. */
static const char *some_param(void)
{
	const struct gs_param_def *p;
	int n = 0;

	for (p = gs_params; p->name; p++)
		n++;
	do
		p = &gs_params[rnd(0, n - 1)];
	while (p->fixed);
	return p->name;
}

/* {name, value} of a valid params.set, or an invalid one (*code set). */
static json_t *params_args(int *code)
{
	const char *name = some_param();
	int64_t v = param_value(name), other;
	int bad = chance(15) ? (int)rnd(1, 4) : 0;
	const struct gs_param_def *p;

	*code = GS_OK;
	if (!strcmp(name, "price_min") || !strcmp(name, "price_max")) {
		other = P(!strcmp(name, "price_min") ? "price_max" : "price_min");
		if (!strcmp(name, "price_min") ? v >= other : v <= other)
			*code = GS_EINPUT;
	}
	if (bad == 1) {
		name = chance(50) ? "slot_seconds" : "decimals";
		*code = GS_EREFUSED;
	} else if (bad == 2) {
		name = "no_such_param";
		*code = GS_EINPUT;
	} else if (bad == 3 && gs_param_scale(gs_param_find(name),
					     gs_param_find(name)->max, S.dec) < INT64_MAX) {
		p = gs_param_find(name);
		v = gs_param_scale(p, p->max, S.dec) + 1;
		*code = GS_EINPUT;
	} else if (bad >= 3) {
		p = gs_param_find(name);
		v = gs_param_scale(p, p->min, S.dec);
		if (v > INT64_MIN) {
			v--;
			*code = GS_EINPUT;
		}
	}
	return json_pack("{s:s,s:I}", "name", name, "value", (json_int_t)v);
}

/* One governance action {cmd, args}; *code: what check_actions gives it. */
static json_t *gov_action(int *code)
{
	struct row r[16];
	json_t *args;
	const char *cmd;
	int n, k = (int)rnd(0, 11);

	*code = GS_OK;
	switch (k) {
	case 0: case 1: case 2:
		cmd = "params.set";
		args = params_args(code);
		break;
	case 3:
		cmd = "role.grant";
		args = json_pack("{s:s,s:s}", "role", chance(5) ? "admin"
				 : user_roles[rnd(0, NROLES - 1)], "account", names[any_user()]);
		if (!strcmp(json_string_value(json_object_get(args, "role")), "admin"))
			*code = GS_EPERM;
		break;
	case 4:
		cmd = "role.revoke";
		args = json_pack("{s:s,s:s}", "role", user_roles[rnd(0, NROLES - 1)],
				 "account", names[any_user()]);
		break;
	case 5:
		cmd = "stake.slash";
		args = json_pack("{s:s,s:s}", "account", names[participant()], "reason",
				 "governance");
		if (chance(50))
			set_i(args, "bps", rnd(1, 3000));
		else
			set_i(args, "amount", some_credits(200));
		break;
	case 6:
		cmd = "treasury.transfer";
		args = json_pack("{s:s,s:I}", "to", names[any_user()], "amount",
				 (json_int_t)some_credits(50));
		break;
	case 7:
		n = qrows(r, 16, "SELECT p.slot, p.panel, x.capacity_w FROM production p JOIN "
			  "panels x ON x.id = p.panel ORDER BY p.slot DESC LIMIT 16");
		if (n == 0)
			return gov_action(code);
		k = (int)rnd(0, n - 1);
		cmd = "oracle.amend";
		args = json_pack("{s:I,s:I,s:I}", "panel", (json_int_t)r[k].i[1], "slot",
				 (json_int_t)r[k].i[0], "wh",
				 (json_int_t)rnd(0, slot_limit(r[k].i[2])));
		break;
	case 8:
		n = qrows(r, 16, "SELECT id FROM disputes ORDER BY state = 'open' DESC, id "
			  "DESC LIMIT 16");
		if (n == 0)
			return gov_action(code);
		cmd = "dispute.resolve";
		args = json_pack("{s:I,s:b}", "dispute", (json_int_t)r[rnd(0, n - 1)].i[0],
				 "uphold", (int)chance(50));
		break;
	case 9:
		cmd = "token.mint";	/* no governance action */
		args = json_pack("{s:s,s:I}", "to", "alice", "amount", (json_int_t)1);
		*code = GS_EINPUT;
		break;
	default:
		cmd = "params.set";
		args = params_args(code);
		break;
	}
	return json_pack("{s:s,s:o}", "cmd", cmd, "args", args);
}

/* dao.propose */
static int g_propose(void)
{
	struct row r[NACC];
	int n = qrows(r, NACC, "SELECT account FROM stakes WHERE staked >= %" PRId64
		      " ORDER BY account", P("proposal_threshold")), a, code, want = GS_OK;
	int na = (int)rnd(1, 3);
	json_t *acts = json_array();
	struct op *o;

	a = n && chance(85) ? acct_index(r[rnd(0, n - 1)].t[0]) : participant();
	if (a >= NUSER)
		a = participant();
	o = op_new("propose", "dao.propose", a);
	set_s(o->args, "title", "sim proposal");
	if (chance(30))
		set_s(o->args, "description", "generated by the simulator");
	for (int i = 0; i < na; i++) {
		json_array_append_new(acts, gov_action(&code));
		if (want == GS_OK && code != GS_OK)
			want = code;
	}
	if (chance(3)) {
		json_array_clear(acts);
		want = GS_EINPUT;
	}
	json_object_set_new(o->args, "actions", acts);
	if (stake_of(a).staked < P("proposal_threshold"))
		W_code(o, GS_EREFUSED);
	else if (want == GS_EINPUT || want == GS_EPERM)
		W_code(o, want);
	else {
		W_any(o);	/* an action the state refuses now may still pass */
		o->d_proposals = 1;
		D(o, A_ADMIN, F_AVAIL, 0);
	}
	o->d_proposals = 1;	/* counted if it applies */
	return 0;
}

/* dao.vote */
static int g_vote(void)
{
	int64_t id = some_proposal(), weight = 0, lib = 0;
	int a = chance(90) ? participant() : any_user(), k = (int)rnd(0, 2);
	static const char *const sup[] = { "for", "against", "abstain" };
	struct prop p;
	struct op *o;
	const char *state;
	struct row r;
	gs_err e;

	if (!id)
		return -1;
	if (chance(75)) {	/* mostly one whose vote is on */
		struct row live[8];
		int n = qrows(live, 8, "SELECT id FROM proposals WHERE state = 'open' AND "
			      "snapshot_time <= %" PRId64 " AND vote_end > %" PRId64
			      " ORDER BY id DESC LIMIT 8", S.now, S.now);
		if (n)
			id = live[rnd(0, n - 1)].i[0];
	}
	if (chance(60))
		k = 0;
	o = op_new("vote", "dao.vote", a);
	set_i(o->args, "proposal", id);
	set_s(o->args, "support", chance(4) ? "maybe" : sup[k]);
	if (prop_load(id, &p))
		fail("proposal %" PRId64 " vanished", id);
	state = prop_state(&p);
	weight = sh_stake_at(a, p.snap_time, p.snap_seq);
	if (gs_stake_at(S.st, names[a], p.snap_time, p.snap_seq, &lib, &e))
		fail("stake at: %s", e.msg);
	if (lib != weight)
		fail("stake of %s at the snapshot of proposal %" PRId64 ": the library "
		     "says %" PRId64 ", the shadow history %" PRId64, names[a], id, lib,
		     weight);
	if (!strcmp(json_string_value(json_object_get(o->args, "support")), "maybe"))
		W_code(o, GS_EINPUT);
	else if (strcmp(state, "active") != 0 || weight <= 0)
		W_code(o, GS_EREFUSED);
	else if (qrows(&r, 1, "SELECT support FROM votes WHERE proposal = %" PRId64
		       " AND voter = '%s'", id, names[a]) && !strcmp(r.t[0], sup[k]))
		W_same(o);
	else {
		W_ok(o);
		D(o, a, F_AVAIL, 0);
	}
	return 0;
}

/* Does a due queue find a succeeded proposal? */
static int queue_due(void)
{
	struct row r[64];
	int n = qrows(r, 64, "SELECT id FROM proposals WHERE state = 'open' AND vote_end "
		      "<= %" PRId64 " ORDER BY id", S.now);
	struct prop p;

	for (int i = 0; i < n; i++)
		if (!prop_load(r[i].i[0], &p) && !strcmp(prop_state(&p), "succeeded"))
			return 1;
	return 0;
}

/* dao.queue / dao.execute */
static int g_queue_execute(int execute)
{
	struct op *o = op_new(execute ? "execute" : "queue", execute ? "dao.execute"
			      : "dao.queue", any_user());
	int64_t id = some_proposal();
	struct prop p;
	const char *state;

	if (!id || chance(45)) {
		set_i(o->args, "due", 1);
		if (!execute) {
			if (queue_due()) {
				W_ok(o);
				D(o, A_ADMIN, F_AVAIL, 0);
			} else {
				W_same(o);
			}
		} else if (!q1(0, "SELECT count(*) FROM proposals WHERE state = 'queued' AND "
			       "eta <= %" PRId64 " AND eta >= %" PRId64, S.now,
			       S.now - P("grace_period_s"))) {
			W_same(o);
		}
		return 0;
	}
	set_i(o->args, "proposal", chance(4) ? id + 1000 : id);
	if (prop_load(json_integer_value(json_object_get(o->args, "proposal")), &p)) {
		W_code(o, GS_EINPUT);
		return 0;
	}
	state = prop_state(&p);
	if (!execute) {
		if (!strcmp(state, "queued"))
			W_same(o);
		else if (strcmp(state, "succeeded") != 0)
			W_code(o, GS_EREFUSED);
		else {
			W_ok(o);
			D(o, A_ADMIN, F_AVAIL, 0);
		}
	} else {
		if (!strcmp(state, "executed"))
			W_same(o);
		else if (strcmp(state, "queued") != 0 || S.now < p.eta)
			W_code(o, GS_EREFUSED);
	}
	return 0;
}

static int g_queue(void)
{
	return g_queue_execute(0);
}

static int g_execute(void)
{
	return g_queue_execute(1);
}

/* dao.cancel */
static int g_prop_cancel(void)
{
	int64_t id = some_proposal();
	struct prop p;
	struct op *o;
	const char *state;
	int a, guardian, early;

	if (!id || prop_load(id, &p))
		return -1;
	a = chance(50) ? p.proposer : chance(60) ? role_actor("guardian") : any_user();
	o = op_new("p-cancel", "dao.cancel", a);
	set_i(o->args, "proposal", id);
	state = prop_state(&p);
	guardian = has_role(a, "guardian");
	early = !strcmp(state, "pending") || !strcmp(state, "active");
	if (!strcmp(state, "canceled"))
		W_same(o);
	else if (!guardian && a != p.proposer)
		W_code(o, GS_EPERM);
	else if (!strcmp(state, "executed") || (!guardian && !early))
		W_code(o, GS_EREFUSED);
	else {
		W_ok(o);
		D(o, A_ADMIN, F_AVAIL, 0);
	}
	return 0;
}

/* ---- administration ------------------------------------------------------ */

/* params.set (admin) */
static int g_params(void)
{
	struct op *o = op_new("params", "params.set", role_actor("admin"));
	int code;

	json_decref(o->args);
	o->args = params_args(&code);
	if (code)
		W_code(o, code);
	else {
		W_ok(o);
		D(o, A_ADMIN, F_AVAIL, 0);
	}
	return 0;
}

/* admin.grant / admin.revoke */
static int g_role(int grant)
{
	struct op *o = op_new(grant ? "grant" : "revoke", grant ? "admin.grant"
			      : "admin.revoke", role_actor("admin"));
	const char *role = user_roles[rnd(0, NROLES - 1)];
	int t = any_user(), bad = chance(15) ? (int)rnd(1, 4) : 0;

	/* revoking the core roles now and then, granting them back more often */
	if (!grant && (t == A_ADMIN || t == A_OP) && chance(70))
		t = participant();
	set_s(o->args, "role", role);
	set_s(o->args, "account", names[t]);
	if (bad == 1) {
		set_s(o->args, "role", "admin");
		W_code(o, GS_EPERM);
	} else if (bad == 2) {
		set_s(o->args, "role", "king");
		W_code(o, GS_EINPUT);
	} else if (bad == 3) {
		set_s(o->args, "account", "nobody");
		W_code(o, GS_EINPUT);
	} else if (bad == 4 && grant) {
		set_s(o->args, "account", "treasury");
		W_code(o, GS_EREFUSED);
	} else if (grant ? has_role(t, role) : !has_role(t, role)) {
		W_same(o);
	} else {
		W_ok(o);
		D(o, A_ADMIN, F_AVAIL, 0);
	}
	return 0;
}

static int g_grant(void)
{
	return g_role(1);
}

static int g_revoke(void)
{
	return g_role(0);
}

/* admin.renounce: rare, and never in the first 300 steps */
static int g_renounce(void)
{
	struct op *o;
	int a;

	if (S.step < 300 || !chance(10))
		return -1;
	a = chance(80) ? A_ADMIN : any_user();
	o = op_new("renounce", "admin.renounce", a);
	if (q1(0, "SELECT count(*) FROM meta WHERE key = 'renounced' AND value = '1'"))
		W_same(o);
	else if (!has_role(a, "admin"))
		W_code(o, GS_EPERM);
	else {
		W_ok(o);
		D(o, A_ADMIN, F_AVAIL, 0);
	}
	return 0;
}

/* ---- broken envelopes, retries, replays ------------------------------------ */

static int g_fault(void)
{
	json_t *old = S.nring ? S.ring[(S.nring - 1 - rnd(0, S.nring < RING ? S.nring - 1
							      : RING - 1)) % RING] : NULL;
	int kind = (int)rnd(0, 12), a = participant();
	struct op *o;
	char pk64[64];

	switch (kind) {
	case 0:			/* a retry of an applied tx: a duplicate */
		if (!old)
			return -1;
		o = op_new("retry", "", 0);
		o->raw = json_deep_copy(old);
		W_code(o, GS_OK);
		o->want_status = GS_DUPLICATE;
		return 0;
	case 1: {		/* the same tx signed again at another time */
		const char *act;
		int ai;
		if (!old)
			return -1;
		act = json_string_value(json_object_get(old, "actor"));
		ai = acct_index(act);
		if (ai < 0 || ai >= NUSER)
			return -1;
		o = op_new("retry-later", json_string_value(json_object_get(old, "cmd")), ai);
		json_decref(o->args);
		o->args = json_deep_copy(json_object_get(old, "args"));
		snprintf(o->id, sizeof o->id, "%s", json_string_value(json_object_get(old, "id")));
		o->time = S.now + rnd(0, 100);
		o->actor_name = names[ai];	/* skip the role prediction */
		W_code(o, GS_OK);
		o->want_status = GS_DUPLICATE;
		return 0;
	}
	case 2: {		/* another tx under a used id */
		const char *act;
		int ai;
		if (!old)
			return -1;
		act = json_string_value(json_object_get(old, "actor"));
		ai = acct_index(act);
		if (ai < 0 || ai >= NUSER)
			return -1;
		o = op_new("id-reuse", "token.lock", ai);
		set_i(o->args, "amount", 1);
		set_s(o->args, "purpose", "id-reuse");
		snprintf(o->id, sizeof o->id, "%s", json_string_value(json_object_get(old, "id")));
		o->actor_name = names[ai];
		W_code(o, GS_EREFUSED);
		return 0;
	}
	case 3:			/* a signature that does not verify */
		o = op_new("bad-sig", "token.approve", a);
		set_s(o->args, "spender", names[a == A_BOB ? A_ALICE : A_BOB]);
		set_i(o->args, "amount", 5);
		o->fault = FAULT_BADSIG;
		W_code(o, GS_EPERM);
		return 0;
	case 4:			/* signed with somebody else's key */
		o = op_new("wrong-key", "token.transfer", a);
		set_s(o->args, "to", names[A_GUARD]);
		set_i(o->args, "amount", 1);
		o->key = &keys[a == A_BOB ? A_ALICE : A_BOB];
		o->fault = FAULT_WRONGKEY;
		W_code(o, GS_EPERM);
		return 0;
	case 5:			/* an account that is not registered */
		o = op_new("ghost", chance(50) ? "token.transfer" : "stake.deposit", A_GHOST);
		set_i(o->args, "amount", 1);
		if (!strcmp(o->cmd, "token.transfer"))
			set_s(o->args, "to", "alice");
		o->actor_name = "ghost";
		W_code(o, GS_EPERM);
		return 0;
	case 6:			/* a system account cannot sign */
		o = op_new("system", "token.transfer", A_TREASURY);
		o->actor_name = chance(50) ? "treasury" : "vault";
		o->key = &keys[A_ADMIN];
		set_s(o->args, "to", "alice");
		set_i(o->args, "amount", 1);
		W_code(o, GS_EPERM);
		return 0;
	case 7:			/* no such command */
		o = op_new("bad-cmd", chance(50) ? "token.steal" : "genesis.again", a);
		o->actor_name = names[a];
		W_code(o, GS_EINPUT);
		return 0;
	case 8:			/* a field the command does not know */
		o = op_new("bad-field", "stake.deposit", a);
		set_i(o->args, "amount", 1);
		set_i(o->args, "bonus", 1);
		W_code(o, GS_EINPUT);
		return 0;
	case 9:			/* a real number, or a bad envelope */
		o = op_new("bad-json", "token.transfer", a);
		set_s(o->args, "to", "bob");
		if (chance(50))
			json_object_set_new(o->args, "amount", json_real(1.5));
		else {
			set_i(o->args, "amount", 1);
			o->fault = chance(50) ? FAULT_V2 : FAULT_NEGTIME;
		}
		o->actor_name = names[a];
		W_code(o, GS_EINPUT);
		return 0;
	case 12:		/* a tx altered after it was signed */
		o = op_new("altered", "token.transfer", a);
		set_s(o->args, "to", names[A_GUARD]);
		set_i(o->args, "amount", 1);
		o->fault = FAULT_ALTER;
		W_code(o, GS_EPERM);
		return 0;
	case 10:		/* a second genesis */
		o = op_new("genesis", "genesis", A_ADMIN);
		json_decref(o->args);
		o->args = gs_genesis_args(&keys[A_ADMIN], S.dec, "GST", S.ss);
		o->actor_name = "admin";
		W_code(o, GS_EREFUSED);
		return 0;
	default:		/* an invalid account name */
		o = op_new("bad-name", "account.register", A_GHOST);
		gs_b64(keys[A_GHOST].pk, GS_PK_BYTES, pk64, sizeof pk64);
		set_s(o->args, "pubkey", pk64);
		o->actor_name = chance(50) ? "Ghost" : "a-name-that-is-far-too-long-for-gridset";
		W_code(o, GS_EINPUT);
		return 0;
	}
}

/* ---- the mix ------------------------------------------------------------------ */

struct gen {
	const char *name;
	int weight;
	int (*fn)(void);
};

static const struct gen gens[] = {
	{ "auction.order", 140, g_order },
	{ "auction.cancel", 25, g_cancel },
	{ "auction.clear", 45, g_clear },
	{ "oracle.report", 70, g_report },
	{ "oracle.finalize", 35, g_oracle_finalize },
	{ "oracle.amend", 6, g_amend },
	{ "settle.compute", 30, g_compute },
	{ "settle.finalize", 28, g_settle_finalize },
	{ "settle.dispute", 14, g_dispute },
	{ "settle.resolve", 12, g_resolve },
	{ "token.mint", 15, g_mint },
	{ "token.burn", 8, g_burn },
	{ "token.transfer", 40, g_transfer },
	{ "token.approve", 14, g_approve },
	{ "token.transfer_from", 14, g_transfer_from },
	{ "token.lock", 12, g_lock },
	{ "token.unlock", 12, g_unlock },
	{ "treasury.transfer", 8, g_treasury },
	{ "panel.register", 8, g_panel_register },
	{ "panel.transfer", 6, g_panel_transfer },
	{ "panel.retire", 2, g_panel_retire },
	{ "stake.deposit", 25, g_deposit },
	{ "stake.request_withdraw", 14, g_request_withdraw },
	{ "stake.withdraw", 12, g_withdraw },
	{ "stake.cancel_withdraw", 8, g_cancel_withdraw },
	{ "stake.lock", 8, g_stake_lock },
	{ "stake.unlock", 8, g_stake_unlock },
	{ "stake.repay", 5, g_repay },
	{ "stake.slash", 6, g_slash },
	{ "dao.propose", 14, g_propose },
	{ "dao.vote", 36, g_vote },
	{ "dao.queue", 14, g_queue },
	{ "dao.execute", 14, g_execute },
	{ "dao.cancel", 6, g_prop_cancel },
	{ "params.set", 12, g_params },
	{ "admin.grant", 8, g_grant },
	{ "admin.revoke", 5, g_revoke },
	{ "admin.renounce", 4, g_renounce },
	{ "account.register", 6, g_register },
	{ "fault", 40, g_fault },
};
#define NGENS (sizeof gens / sizeof gens[0])

/* The operator's tick: everything due, in the order gs tick does it. */
static void tick(void)
{
	static const char *const cmds[] = {
		"oracle.finalize", "auction.clear", "settle.compute", "settle.finalize",
		"dao.queue", "dao.execute",
	};
	static int (*const fns[])(void) = {
		g_oracle_finalize, g_clear, g_compute, g_settle_finalize, g_queue, g_execute,
	};

	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		/* regenerate until the generator picked the due form */
		for (int k = 0; k < 50; k++) {
			if (fns[i]() == 0 && json_object_get(O.args, "due"))
				break;
		}
		if (!json_object_get(O.args, "due"))
			continue;
		O.why = "tick";
		run(&O);
	}
}

/* Advance the clock: mostly seconds or minutes, sometimes hours or days. */
static void advance(void)
{
	int u = (int)rnd(0, 999);

	if (u < 380)
		return;
	if (u < 730)
		S.now += rnd(1, 60);
	else if (u < 930)
		S.now += rnd(60, 600);
	else if (u < 990)
		S.now += rnd(600, HOUR);
	else if (u < 998)
		S.now += rnd(HOUR, 12 * HOUR);
	else
		S.now += rnd(DAY, 3 * DAY);
}

static void random_step(void)
{
	static int total;
	int pick, tries;

	if (!total)
		for (size_t i = 0; i < NGENS; i++)
			total += gens[i].weight;
	advance();
	if (chance(3)) {
		tick();
		return;
	}
	for (tries = 0; tries < 100; tries++) {
		pick = (int)rnd(0, total - 1);
		for (size_t i = 0; i < NGENS; i++) {
			if (pick < gens[i].weight) {
				pick = (int)i;
				break;
			}
			pick -= gens[i].weight;
		}
		/* with a small chance, sign with a time in the past or future */
		if (gens[pick].fn() == 0) {
			if (chance(2) && !O.raw && O.fault == FAULT_NONE) {
				O.time = chance(50) ? S.now - rnd(1, HOUR) : S.now + rnd(1, HOUR);
				if (O.time < 0)
					O.time = 0;
				/* a past time acts at the head's time, a future one at
				 * its own: the prediction no longer holds */
				W_any(&O);
				O.exact = 0;
			}
			run(&O);
			return;
		}
	}
	fail("no generator could make an op");
}

/* ---- setup: the cast and their funds -------------------------------------- */

static void must(struct op *o)
{
	W_ok(o);
	run(o);
}

static void setup(void)
{
	static const char *const roles[][2] = {
		{ "op", "operator" }, { "orc1", "oracle" }, { "orc2", "oracle" },
		{ "orc3", "oracle" }, { "mint", "minter" }, { "reg", "registrar" },
		{ "guard", "guardian" },
	};
	struct op *o;
	char pk64[64];

	o = op_new("setup", "genesis", A_ADMIN);
	json_decref(o->args);
	o->args = gs_genesis_args(&keys[A_ADMIN], S.dec, "GST", S.ss);
	o->reg_acct = A_ADMIN;
	o->d_accounts = 4;
	o->actor_name = "admin";
	must(o);
	for (int a = A_OP; a <= A_FRANK; a++) {
		o = op_new("setup", "account.register", a);
		gs_b64(keys[a].pk, GS_PK_BYTES, pk64, sizeof pk64);
		set_s(o->args, "pubkey", pk64);
		o->reg_acct = a;
		o->d_accounts = 1;
		must(o);
	}
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		o = op_new("setup", "admin.grant", A_ADMIN);
		set_s(o->args, "account", roles[i][0]);
		set_s(o->args, "role", roles[i][1]);
		must(o);
	}
	for (int a = A_ADMIN; a <= A_FRANK; a++) {
		int64_t amount = a >= A_ALICE ? C(rnd(20000, 100000)) : C(rnd(1000, 5000));
		o = op_new("setup", "token.mint", A_MINT);
		set_s(o->args, "to", names[a]);
		set_i(o->args, "amount", amount);
		o->mint = amount;
		must(o);
	}
	for (int a = A_ADMIN; a <= A_FRANK; a++) {
		int64_t amount;
		if (a == A_MINT || a == A_REG)
			continue;
		/* frank sells big with a thin stake, orc3 has just enough */
		amount = a == A_FRANK ? C(rnd(12, 40)) : a == A_ORC3 ? C(rnd(100, 130))
			 : a >= A_ALICE ? C(rnd(300, 4000)) : C(rnd(150, 600));
		o = op_new("setup", "stake.deposit", a);
		set_i(o->args, "amount", amount);
		must(o);
	}
	for (int a = A_ALICE; a <= A_FRANK; a++) {
		int n = (int)rnd(1, 2);
		for (int i = 0; i < n; i++) {
			o = op_new("setup", "panel.register", A_REG);
			set_s(o->args, "owner", names[a]);
			set_i(o->args, "capacity_w", (a == A_FRANK ? rnd(20, 40) : rnd(2, 20)) * 1000);
			o->d_panels = 1;
			must(o);
			if (a == A_FRANK)
				flaky[i] = S.panels;
		}
	}
	/* harsh penalties for some seeds: debt, repayment */
	if (chance(50)) {
		o = op_new("setup", "params.set", A_ADMIN);
		set_s(o->args, "name", "penalty_bps");
		set_i(o->args, "value", rnd(50000, 100000));
		must(o);
		o = op_new("setup", "params.set", A_ADMIN);
		set_s(o->args, "name", "oracle_penalty");
		set_i(o->args, "value", C(rnd(20, 60)));
		must(o);
	}
	/* a profile: faster governance and unbonding for most seeds */
	if (chance(70)) {
		static const char *const fast[] = {
			"voting_period_s", "timelock_s", "unbonding_period_s",
			"grace_period_s", "dispute_window_s", "proposal_threshold",
		};
		for (size_t i = 0; i < sizeof fast / sizeof fast[0]; i++) {
			o = op_new("setup", "params.set", A_ADMIN);
			set_s(o->args, "name", fast[i]);
			set_i(o->args, "value", param_value(fast[i]));
			must(o);
		}
	}
}

/* ---- main ---------------------------------------------------------------------- */

static void derive_key(const char *name, gs_key *k)
{
	unsigned char seed[crypto_sign_SEEDBYTES];

	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name);
	crypto_generichash(seed, sizeof seed, (const unsigned char *)name, strlen(name),
			   NULL, 0);
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

static void usage(void)
{
	fprintf(stderr, "usage: sim [--seed N] [--steps M] [--trace] [--stats] "
		"[--db FILE] [--replay-every K] [--profile]\n"
		"           [--strict | --strict-provisional]\n");
	exit(64);
}

int main(int argc, char **argv)
{
	static const int decs[] = { 6, 6, 6, 6, 2, 0, 9, 12 };
	static const int64_t sss[] = { 900, 900, 900, 300, 3600, 600 };
	char hex[65];
	gs_err e;

	S.seed = 1;
	S.steps = 2000;
	for (int i = 0, used = 0; i < argc && used < (int)sizeof cmdline - 1; i++) {
		int w = snprintf(cmdline + used, sizeof cmdline - (size_t)used, "%s%s",
				 i ? " " : "", argv[i]);
		used += w > 0 ? w : 0;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--seed") && v)
			S.seed = strtoull(v, NULL, 10), i++;
		else if (!strcmp(a, "--steps") && v)
			S.steps = strtol(v, NULL, 10), i++;
		else if (!strcmp(a, "--db") && v)
			S.dbpath = v, i++;
		else if (!strcmp(a, "--replay-every") && v)
			S.replay_every = strtol(v, NULL, 10), i++;
		else if (!strcmp(a, "--trace"))
			S.trace = 1;
		else if (!strcmp(a, "--stats"))
			S.stats = 1;
		else if (!strcmp(a, "--profile"))
			profiling = 1;
		else if (!strcmp(a, "--strict"))
			S.strict = STRICT_PROVISIONAL;
		else if (!strcmp(a, "--strict-provisional"))
			S.strict |= STRICT_PROVISIONAL;
		else
			usage();
	}
	if (sodium_init() < 0)
		fail("sodium_init");
	ph_mark = cpu_now();
	S.rng = mix64(S.seed ^ UINT64_C(0x6772696473657421));
	for (int a = 0; a < NUSER; a++)
		derive_key(names[a], &keys[a]);
	derive_key("evil", &evil);
	S.dec = decs[rnd(0, sizeof decs / sizeof decs[0] - 1)];
	S.ss = sss[rnd(0, sizeof sss / sizeof sss[0] - 1)];
	S.unit = 1;
	for (int d = 0; d < S.dec; d++)
		S.unit *= 10;
	S.now = T0;
	if (S.dbpath) {
		gs_store_destroy(S.dbpath);
		if (gs_store_open(S.dbpath, GS_OPEN_CREATE, &S.st, &e))
			fail("open %s: %s", S.dbpath, e.msg);
	} else if (gs_store_open(NULL, GS_OPEN_TEMP, &S.st, &e)) {
		fail("open: %s", e.msg);
	}
	setup();
	for (long i = 0; i < S.steps; i++)
		random_step();
	/* the end: the chain, and a replay from genesis */
	vbuf[0] = '\0';
	if (gs_verify_chain(S.st, vreport, NULL, &e) != GS_OK)
		fail("chain: %s%s", e.msg, vbuf);
	phase(PH_GEN);
	replay_check("at the end");
	phase(PH_END);
	printf("sim: seed=%" PRIu64 " steps=%ld applied=%ld refused=%ld", S.seed, S.step,
	       S.applied, S.step - S.applied - S.unchanged - S.duplicate);
	for (int c = 0; c < NCODES; c++)
		if (S.refused[c])
			printf(" refused_%d=%ld", c, S.refused[c]);
	printf(" unchanged=%ld duplicate=%ld decimals=%d slot_seconds=%" PRId64
	       " days=%" PRId64 " orders=%" PRId64 " slots_cleared=%" PRId64
	       " slots_settled=%" PRId64 " proposals=%" PRId64
	       " proposals_executed=%" PRId64 " renounced=%" PRId64 " head=%.16s\n",
	       S.unchanged, S.duplicate, S.dec, S.ss, (S.now - T0) / DAY, S.orders,
	       S.cleared, S.settled, S.proposals, S.executed,
	       q1(0, "SELECT count(*) FROM meta WHERE key = 'renounced' AND value = '1'"),
	       gs_hex(S.head.hash, 32, hex));
	if (S.stats) {
		printf("%-24s %8s %8s %8s %8s\n", "command", "applied", "unchanged",
		       "dup", "refused");
		for (int i = 0; i < S.ncs; i++)
			printf("%-24s %8ld %8ld %8ld %8ld\n", S.cs[i].name, S.cs[i].applied,
			       S.cs[i].unchanged, S.cs[i].duplicate, S.cs[i].refused);
		printf("volume: %" PRId64 " Wh cleared, %" PRId64 " Wh delivered, %" PRId64
		       " Wh short, %" PRId64 " penalties, %" PRId64 " disputes, %" PRId64
		        " flagged reports, %" PRId64 " accounts in debt, %" PRId64
		       " positions with debt, %" PRId64 " debt checkpoints\n",
		       q1(0, "SELECT coalesce(sum(volume_wh), 0) FROM clearings"),
		       q1(0, "SELECT coalesce(sum(delivered_wh), 0) FROM settlements"),
		       q1(0, "SELECT coalesce(sum(shortfall_wh), 0) FROM settlements"),
		       q1(0, "SELECT coalesce(sum(penalties), 0) FROM settlements"),
		       q1(0, "SELECT count(*) FROM disputes"),
		       q1(0, "SELECT count(*) FROM oracle_reports WHERE flagged = 1"),
		       q1(0, "SELECT count(*) FROM stakes WHERE debt > 0"),
		       q1(0, "SELECT count(*) FROM positions WHERE debt > 0"),
		       q1(0, "SELECT count(*) FROM stake_checkpoints WHERE debt > 0 AND "
			  "account <> '*'"));
	}
	if (profiling) {
		double tot = 0;
		for (int k = 0; k < NPH; k++)
			tot += ph[k];
		printf("cpu:");
		for (int k = 0; k < NPH; k++)
			printf(" %s=%.2fs", phnames[k], ph[k]);
		printf(" total=%.2fs (%.0f steps/s)\n", tot, tot > 0 ? S.step / tot : 0);
	}
	json_decref(O.args);
	json_decref(O.raw);
	for (int i = 0; i < RING; i++)
		json_decref(S.ring[i]);
	gs_store_close(S.st);
	return 0;
}
