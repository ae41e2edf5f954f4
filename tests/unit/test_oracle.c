/* test_oracle.c - unit tests for oracle.c: reports by staked oracles
 * (eligibility, checks, corrections, batches), finalization (medians with
 * the lower median for an even count, quorum, unverified panels, the
 * verification period, --due), misreport flags and their penalties through
 * the stake module, and the query records (production, report,
 * oracle_slot, oracle, panel history). Invariants after every scenario and
 * a replay of the journal at the end of each test (DESIGN 8 "Oracle", 11). */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define C(x) ((int64_t)(x) * 1000000)	/* credits in base units */
#define SS INT64_C(900)			/* slot_seconds */
#define S0 (TH_T0 / SS)			/* the slot that starts at genesis */
#define END(n) (((n) + 1) * SS)		/* end of slot n */
#define VP INT64_C(900)			/* verification_period_s default */
#define DUE(n) (END(n) + VP)		/* first time slot n may be finalized */
#define NOR 5				/* oracles o1..o5 */

/* admin (all roles, no stake), alice (owns the panels), bob (staked, no
 * role), o[0..4] = o1..o5 (role oracle, 200 credits staked each). */
static gs_key admin, alice, bob, o[NOR];

static void report(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "verify: %s\n", msg);
}

static int64_t q(gs_store *s, const char *sql)
{
	int64_t v = -1;
	gs_err e;

	ck_assert_msg(gs_query_int(s, &e, &v, sql, "") == 1, "query %s", sql);
	return v;
}

static int64_t num(json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	ck_assert_msg(json_is_integer(v), "field %s is not an integer", k);
	return json_integer_value(v);
}

static const char *str(json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	ck_assert_msg(json_is_string(v), "field %s is not a string", k);
	return json_string_value(v);
}

static void ok(gs_store *s, const gs_key *k, const char *cmd, json_t *args, int64_t time)
{
	gs_err e;

	ck_assert_msg(th_apply(s, k, cmd, args, time, NULL, &e) == GS_OK, "%s by %s: %s", cmd,
		      k->name, e.msg);
}

static void set_param(gs_store *s, const char *name, int64_t value, int64_t time)
{
	ok(s, &admin, "params.set", json_pack("{s:s,s:I}", "name", name, "value",
					      (json_int_t)value), time);
}

static void grant(gs_store *s, const char *role, const char *who, int64_t time)
{
	ok(s, &admin, "admin.grant", json_pack("{s:s,s:s}", "role", role, "account", who),
	   time);
}

/* Genesis at TH_T0 with the accounts above and three panels of alice:
 * 1 and 2 of 5 kW (1250 Wh per slot), 3 of 1 kW (250 Wh per slot). */
static gs_store *setup(void)
{
	gs_store *s = th_genesis(&admin);
	json_t *items = json_array();
	char name[8];

	th_account(s, "alice", &alice);
	th_account(s, "bob", &bob);
	for (int i = 0; i < NOR; i++) {
		snprintf(name, sizeof name, "o%d", i + 1);
		th_account(s, name, &o[i]);
		json_array_append_new(items, json_pack("{s:s,s:I}", "to", name, "amount",
						       (json_int_t)C(1000)));
	}
	json_array_append_new(items, json_pack("{s:s,s:I}", "to", "bob", "amount",
					       (json_int_t)C(1000)));
	ok(s, &admin, "token.mint", json_pack("{s:o}", "items", items), TH_T0);
	for (int i = 0; i < NOR; i++) {
		grant(s, "oracle", o[i].name, TH_T0);
		ok(s, &o[i], "stake.deposit", json_pack("{s:I}", "amount", (json_int_t)C(200)),
		   TH_T0);
	}
	ok(s, &bob, "stake.deposit", json_pack("{s:I}", "amount", (json_int_t)C(200)), TH_T0);
	ok(s, &admin, "panel.register", json_pack("{s:[{s:s,s:i},{s:s,s:i},{s:s,s:i}]}",
		"items", "owner", "alice", "capacity_w", 5000, "owner", "alice",
		"capacity_w", 5000, "owner", "alice", "capacity_w", 1000), TH_T0);
	return s;
}

/* The invariants of DESIGN 11 that the oracle touches, directly and
 * through gs_verify_invariants. */
static void books(gs_store *s)
{
	gs_err e;

	ck_assert_int_eq(q(s, "SELECT coalesce(sum(available + locked), 0) FROM balances"),
			 q(s, "SELECT minted - burned FROM supply"));
	ck_assert_int_eq(q(s, "SELECT available + locked FROM balances WHERE account = "
			   "'vault'"), q(s, "SELECT coalesce(sum(staked), 0) FROM stakes"));
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stakes WHERE locked + unbonding > "
			   "staked OR staked < 0 OR debt < 0"), 0);
	/* the production rows of a slot exist only once it is final, and then
	 * one per panel with reports */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM production p WHERE NOT EXISTS "
			   "(SELECT 1 FROM oracle_slots o WHERE o.slot = p.slot AND "
			   "o.final = 1)"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM (SELECT DISTINCT r.slot, r.panel FROM "
			   "oracle_reports r JOIN oracle_slots o ON o.slot = r.slot AND "
			   "o.final = 1) x WHERE NOT EXISTS (SELECT 1 FROM production p "
			   "WHERE p.slot = x.slot AND p.panel = x.panel)"), 0);
	ck_assert_msg(gs_verify_invariants(s, report, NULL, &e) == GS_OK, "invariants: %s",
		      e.msg);
}

/* Invariants, chain and replay; closes the store. */
static void finish(gs_store *s)
{
	gs_err e;

	books(s);
	ck_assert_msg(gs_verify_chain(s, report, NULL, &e) == GS_OK, "chain: %s", e.msg);
	ck_assert_msg(gs_verify_replay(s, report, NULL, &e) == GS_OK, "replay: %s", e.msg);
	gs_store_close(s);
}

static int64_t avail(gs_store *s, const char *who)
{
	int64_t a, l;

	th_balance(s, who, &a, &l);
	return a;
}

static gs_stake stake(gs_store *s, const char *who)
{
	gs_stake st;
	gs_err e;

	ck_assert_int_eq(gs_stake_get(s, who, &st, &e), GS_OK);
	return st;
}

static json_t *reading(int64_t panel, int64_t slot, int64_t wh)
{
	return json_pack("{s:I,s:I,s:I}", "panel", (json_int_t)panel, "slot",
			 (json_int_t)slot, "wh", (json_int_t)wh);
}

/* One reading as its own tx; the exit code. */
static int rep(gs_store *s, const gs_key *k, int64_t panel, int64_t slot, int64_t wh,
	       int64_t time, gs_err *e)
{
	return th_apply(s, k, "oracle.report", reading(panel, slot, wh), time, NULL, e);
}

#define REP(s, k, panel, slot, wh, time) rep_ok(s, k, panel, slot, wh, time, __LINE__)
static void rep_ok(gs_store *s, const gs_key *k, int64_t panel, int64_t slot, int64_t wh,
		   int64_t time, int line)
{
	gs_err e;

	ck_assert_msg(rep(s, k, panel, slot, wh, time, &e) == GS_OK,
		      "line %d: report by %s: %s", line, k->name, e.msg);
}

/* Finalize slot (slot < 0: {"due":1}) as k; status and records out. */
static int fin(gs_store *s, const gs_key *k, int64_t slot, int64_t time, int *status,
	       json_t **out, gs_err *e)
{
	json_t *args = slot >= 0 ? json_pack("{s:I}", "slot", (json_int_t)slot)
				 : json_pack("{s:i}", "due", 1);

	return th_apply_status(s, k, "oracle.finalize", args, time, status, out, e);
}

#define FIN(s, slot, time) fin_ok(s, slot, time, __LINE__)
static void fin_ok(gs_store *s, int64_t slot, int64_t time, int line)
{
	int status = -1;
	gs_err e;

	ck_assert_msg(fin(s, &admin, slot, time, &status, NULL, &e) == GS_OK,
		      "line %d: finalize: %s", line, e.msg);
	ck_assert_msg(status == GS_APPLIED, "line %d: finalize not applied (%d): %s", line,
		      status, e.msg);
}

/* The production record of panel in slot: wh (-1 for null), reports and
 * status; checked through gs_production_records and the final-only
 * variant (which leaves out pending rows). */
#define PROD(s, slot, panel, wh, n, status) prod_is(s, slot, panel, wh, n, status, __LINE__)
static void prod_is(gs_store *s, int64_t slot, int64_t panel, int64_t wh, int64_t n,
		    const char *status, int line)
{
	json_t *out = json_array(), *r, *v;
	gs_err e;

	ck_assert_int_eq(gs_production_records(s, slot, panel, 0, out, &e), GS_OK);
	ck_assert_msg(json_array_size(out) == 1, "line %d: %zu production records", line,
		      json_array_size(out));
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "production");
	ck_assert_int_eq(num(r, "slot"), slot);
	ck_assert_int_eq(num(r, "panel"), panel);
	v = json_object_get(r, "wh");
	if (wh < 0)
		ck_assert_msg(json_is_null(v), "line %d: wh is not null", line);
	else
		ck_assert_msg(json_is_integer(v) && json_integer_value(v) == wh,
			      "line %d: wh %lld, want %lld", line,
			      (long long)json_integer_value(v), (long long)wh);
	ck_assert_msg(num(r, "reports") == n, "line %d: reports %lld, want %lld", line,
		      (long long)num(r, "reports"), (long long)n);
	ck_assert_msg(strcmp(str(r, "status"), status) == 0, "line %d: status %s, want %s",
		      line, str(r, "status"), status);
	json_decref(out);
	out = json_array();
	ck_assert_int_eq(gs_production_records(s, slot, panel, 1, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), strcmp(status, "pending") == 0 ? 0 : 1);
	json_decref(out);
}

/* The flag of oracle's report for panel-slot: 1, 0, or -1 if none. */
static int flag_of(gs_store *s, int64_t slot, int64_t panel, const char *oracle)
{
	json_t *out = json_array(), *f;
	gs_err e;
	int r = -1;

	ck_assert_int_eq(gs_report_records(s, slot, panel, oracle, out, &e), GS_OK);
	ck_assert_uint_le(json_array_size(out), 1);
	if (json_array_size(out) == 1) {
		f = json_object_get(json_array_get(out, 0), "flagged");
		ck_assert(json_is_boolean(f));
		r = json_is_true(f);
	}
	json_decref(out);
	return r;
}

/* Report the values in order by o1, o2, ... for panel-slot. */
static void panel_reports(gs_store *s, int64_t panel, int64_t slot, const int64_t *wh,
			  int n, int64_t time)
{
	for (int i = 0; i < n; i++)
		REP(s, &o[i], panel, slot, wh[i], time);
}

/* Snapshot of the state: digest and journal rows. */
struct snap {
	unsigned char d[32];
	int64_t rows;
};

static struct snap snap(gs_store *s)
{
	struct snap x;
	gs_err e;

	ck_assert_int_eq(gs_state_digest(s, x.d, &e), GS_OK);
	x.rows = th_journal_rows(s);
	return x;
}

static void same(gs_store *s, const struct snap *a, int line)
{
	struct snap b = snap(s);

	ck_assert_msg(memcmp(a->d, b.d, 32) == 0 && a->rows == b.rows,
		      "line %d: the state changed", line);
}

/* Does msg contain needle (NULL: anything)? */
static int mentions(const char *msg, const char *needle)
{
	return !needle || strstr(msg, needle) != NULL;
}

/* A tx that must fail with code, change nothing, and say what. */
#define BAD(s, code, needle, call) do {						\
	struct snap sn_ = snap(s);						\
	gs_err e_ = { 0 };							\
	int rc_ = call;								\
	ck_assert_msg(rc_ == (code), "line %d: exit %d, want %d (%s)", __LINE__, rc_,	\
		      (code), e_.msg);						\
	ck_assert_msg(mentions(e_.msg, needle), "line %d: <%s> not in <%s>",	\
		      __LINE__, (needle) ? (const char *)(needle) : "", e_.msg);	\
	same(s, &sn_, __LINE__);						\
} while (0)

/* ---- medians ------------------------------------------------------------ */

/* Odd counts: the middle value. 3 reports 100, 104, 900: median 104, 900
 * flagged (100 is 3.8% off: within 5%); 5 reports in any order. */
START_TEST(median_odd)
{
	gs_store *s = setup();
	const int64_t three[] = { 100, 104, 900 }, five[] = { 50, 10, 40, 30, 20 };
	const int64_t t = END(S0);

	panel_reports(s, 1, S0, three, 3, t);
	panel_reports(s, 2, S0, five, 5, t);
	REP(s, &o[0], 3, S0, 77, t);			/* one report, quorum 1 */
	PROD(s, S0, 1, -1, 3, "pending");
	FIN(s, S0, DUE(S0));
	PROD(s, S0, 1, 104, 3, "final");
	PROD(s, S0, 2, 30, 5, "final");
	PROD(s, S0, 3, 77, 1, "final");
	ck_assert_int_eq(flag_of(s, S0, 1, "o1"), 0);
	ck_assert_int_eq(flag_of(s, S0, 1, "o2"), 0);
	ck_assert_int_eq(flag_of(s, S0, 1, "o3"), 1);
	/* 50, 10, 40 and 20 are far from 30; 30 is not */
	ck_assert_int_eq(flag_of(s, S0, 2, "o1"), 1);
	ck_assert_int_eq(flag_of(s, S0, 2, "o2"), 1);
	ck_assert_int_eq(flag_of(s, S0, 2, "o3"), 1);
	ck_assert_int_eq(flag_of(s, S0, 2, "o4"), 0);
	ck_assert_int_eq(flag_of(s, S0, 2, "o5"), 1);
	ck_assert_int_eq(flag_of(s, S0, 3, "o1"), 0);
	finish(s);
}
END_TEST

/* Even counts: the lower of the two middle values (not the upper one,
 * not their mean). */
START_TEST(median_even_lower)
{
	gs_store *s = setup();
	const int64_t two[] = { 200, 100 }, four[] = { 400, 100, 300, 200 };
	const int64_t t = END(S0);

	panel_reports(s, 1, S0, two, 2, t);
	panel_reports(s, 2, S0, four, 4, t);
	FIN(s, S0, DUE(S0));
	PROD(s, S0, 1, 100, 2, "final");
	PROD(s, S0, 2, 200, 4, "final");
	ck_assert_int_eq(flag_of(s, S0, 1, "o1"), 1);	/* 200 vs 100 */
	ck_assert_int_eq(flag_of(s, S0, 1, "o2"), 0);
	ck_assert_int_eq(flag_of(s, S0, 2, "o1"), 1);
	ck_assert_int_eq(flag_of(s, S0, 2, "o2"), 1);
	ck_assert_int_eq(flag_of(s, S0, 2, "o3"), 1);
	ck_assert_int_eq(flag_of(s, S0, 2, "o4"), 0);
	/* equal middle values */
	{
		const int64_t eq4[] = { 7, 500, 500, 9 };
		panel_reports(s, 1, S0 + 1, eq4, 4, END(S0 + 1));
		FIN(s, S0 + 1, DUE(S0 + 1));
		PROD(s, S0 + 1, 1, 9, 4, "final");
	}
	finish(s);
}
END_TEST

/* ---- quorum ------------------------------------------------------------- */

/* quorum 1, 2 and 3: panels with fewer reports are unverified (wh null,
 * no flags however far apart they are); the others get the median. */
START_TEST(quorum)
{
	gs_store *s = setup();
	const int64_t one[] = { 500 }, two[] = { 10, 1000 }, three[] = { 10, 1000, 20 };
	json_t *out = NULL, *r;
	int status;
	gs_err e;

	/* quorum 1 (default): one report suffices */
	panel_reports(s, 1, S0, one, 1, END(S0));
	FIN(s, S0, DUE(S0));
	PROD(s, S0, 1, 500, 1, "final");

	/* quorum 2 */
	set_param(s, "oracle_quorum", 2, DUE(S0));
	panel_reports(s, 1, S0 + 1, one, 1, DUE(S0));
	panel_reports(s, 2, S0 + 1, two, 2, DUE(S0));
	ck_assert_int_eq(fin(s, &admin, S0 + 1, DUE(S0 + 1), &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	r = json_array_get(out, json_array_size(out) - 1);
	ck_assert_str_eq(str(r, "type"), "finalized");
	ck_assert_int_eq(num(r, "slot"), S0 + 1);
	ck_assert_int_eq(num(r, "panels"), 2);
	ck_assert_int_eq(num(r, "final"), 1);
	ck_assert_int_eq(num(r, "unverified"), 1);
	ck_assert_int_eq(num(r, "flags"), 1);
	json_decref(out);
	PROD(s, S0 + 1, 1, -1, 1, "unverified");
	PROD(s, S0 + 1, 2, 10, 2, "final");
	ck_assert_int_eq(flag_of(s, S0 + 1, 1, "o1"), 0);
	ck_assert_int_eq(flag_of(s, S0 + 1, 2, "o2"), 1);

	/* quorum 3: two far-apart reports are unverified and unflagged */
	set_param(s, "oracle_quorum", 3, DUE(S0 + 1));
	panel_reports(s, 1, S0 + 2, two, 2, DUE(S0 + 1));
	panel_reports(s, 2, S0 + 2, three, 3, DUE(S0 + 1));
	FIN(s, S0 + 2, DUE(S0 + 2));
	PROD(s, S0 + 2, 1, -1, 2, "unverified");
	PROD(s, S0 + 2, 2, 20, 3, "final");
	ck_assert_int_eq(flag_of(s, S0 + 2, 1, "o1"), 0);
	ck_assert_int_eq(flag_of(s, S0 + 2, 1, "o2"), 0);
	ck_assert_int_eq(flag_of(s, S0 + 2, 2, "o1"), 1);
	ck_assert_int_eq(flag_of(s, S0 + 2, 2, "o2"), 1);
	ck_assert_int_eq(flag_of(s, S0 + 2, 2, "o3"), 0);
	/* an unverified panel costs nobody anything */
	ck_assert_int_eq(stake(s, "o1").staked, C(200) - C(10));	/* 10 of slot +2 */
	finish(s);
}
END_TEST

/* ---- tolerance ---------------------------------------------------------- */

/* |wh - median| * 10000 > tolerance_bps * median flags; exactly at the
 * tolerance does not. Integer exact: 5% of 101 is 5.05 Wh. */
START_TEST(tolerance_edges)
{
	gs_store *s = setup();
	const int64_t a[] = { 949, 950, 1000, 1050, 1051 };
	const int64_t b[] = { 95, 101, 106, 107, 101 };
	const int64_t t = END(S0);

	panel_reports(s, 1, S0, a, 5, t);
	panel_reports(s, 2, S0, b, 5, t);	/* sorted 95 101 101 106 107 */
	FIN(s, S0, DUE(S0));
	PROD(s, S0, 1, 1000, 5, "final");
	ck_assert_int_eq(flag_of(s, S0, 1, "o1"), 1);	/* 5.1% below */
	ck_assert_int_eq(flag_of(s, S0, 1, "o2"), 0);	/* exactly 5% */
	ck_assert_int_eq(flag_of(s, S0, 1, "o3"), 0);
	ck_assert_int_eq(flag_of(s, S0, 1, "o4"), 0);	/* exactly 5% */
	ck_assert_int_eq(flag_of(s, S0, 1, "o5"), 1);	/* 5.1% above */
	PROD(s, S0, 2, 101, 5, "final");
	ck_assert_int_eq(flag_of(s, S0, 2, "o1"), 1);	/* 6 off */
	ck_assert_int_eq(flag_of(s, S0, 2, "o2"), 0);
	ck_assert_int_eq(flag_of(s, S0, 2, "o3"), 0);	/* 5 <= 5.05 */
	ck_assert_int_eq(flag_of(s, S0, 2, "o4"), 1);	/* 6 > 5.05 */
	ck_assert_int_eq(flag_of(s, S0, 2, "o5"), 0);
	finish(s);
}
END_TEST

/* Median 0: any positive report deviates (whatever the tolerance), zeros
 * do not. Tolerance 0: only exact agreement. Tolerance 10000: up to
 * twice the median. */
START_TEST(tolerance_zero_median_and_bounds)
{
	gs_store *s = setup();
	const int64_t z3[] = { 0, 1, 0 }, z2[] = { 5, 0 };
	const int64_t exact[] = { 100, 101, 100 }, wide[] = { 0, 100, 200, 201, 100 };

	panel_reports(s, 1, S0, z3, 3, END(S0));
	panel_reports(s, 2, S0, z2, 2, END(S0));	/* lower median 0 */
	FIN(s, S0, DUE(S0));
	PROD(s, S0, 1, 0, 3, "final");
	PROD(s, S0, 2, 0, 2, "final");
	ck_assert_int_eq(flag_of(s, S0, 1, "o1"), 0);
	ck_assert_int_eq(flag_of(s, S0, 1, "o2"), 1);
	ck_assert_int_eq(flag_of(s, S0, 1, "o3"), 0);
	ck_assert_int_eq(flag_of(s, S0, 2, "o1"), 1);
	ck_assert_int_eq(flag_of(s, S0, 2, "o2"), 0);

	set_param(s, "oracle_tolerance_bps", 10000, DUE(S0));
	panel_reports(s, 1, S0 + 1, z3, 3, DUE(S0));
	panel_reports(s, 2, S0 + 1, wide, 5, DUE(S0));	/* 0 100 100 200 201 */
	FIN(s, S0 + 1, DUE(S0 + 1));
	ck_assert_int_eq(flag_of(s, S0 + 1, 1, "o2"), 1);	/* 1 vs 0: still */
	PROD(s, S0 + 1, 2, 100, 5, "final");
	ck_assert_int_eq(flag_of(s, S0 + 1, 2, "o1"), 0);	/* 100% below */
	ck_assert_int_eq(flag_of(s, S0 + 1, 2, "o3"), 0);	/* 100% above */
	ck_assert_int_eq(flag_of(s, S0 + 1, 2, "o4"), 1);

	set_param(s, "oracle_tolerance_bps", 0, DUE(S0 + 1));
	panel_reports(s, 1, S0 + 2, exact, 3, DUE(S0 + 1));
	FIN(s, S0 + 2, DUE(S0 + 2));
	PROD(s, S0 + 2, 1, 100, 3, "final");
	ck_assert_int_eq(flag_of(s, S0 + 2, 1, "o1"), 0);
	ck_assert_int_eq(flag_of(s, S0 + 2, 1, "o2"), 1);
	ck_assert_int_eq(flag_of(s, S0 + 2, 1, "o3"), 0);
	finish(s);
}
END_TEST

/* ---- penalties ---------------------------------------------------------- */

/* Each flag costs oracle_penalty: from stake to treasury through the
 * vault; one penalty record per oracle with its flag count. */
START_TEST(penalty_amounts)
{
	gs_store *s = setup();
	int64_t tre = avail(s, "treasury"), vault = avail(s, "vault");
	json_t *out = NULL, *r;
	int status, npen = 0;
	gs_err e;

	/* o3 misreports panels 1 and 2, o2 panel 3 */
	REP(s, &o[0], 1, S0, 1000, END(S0));
	REP(s, &o[1], 1, S0, 1000, END(S0));
	REP(s, &o[2], 1, S0, 10, END(S0));
	REP(s, &o[0], 2, S0, 600, END(S0));
	REP(s, &o[1], 2, S0, 600, END(S0));
	REP(s, &o[2], 2, S0, 1200, END(S0));
	REP(s, &o[0], 3, S0, 200, END(S0));
	REP(s, &o[1], 3, S0, 0, END(S0));
	REP(s, &o[2], 3, S0, 200, END(S0));
	ck_assert_int_eq(fin(s, &admin, S0, DUE(S0), &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	for (size_t i = 0; i < json_array_size(out); i++) {
		r = json_array_get(out, i);
		if (strcmp(str(r, "type"), "penalty") != 0)
			continue;
		npen++;
		ck_assert_int_eq(num(r, "slot"), S0);
		ck_assert_int_eq(num(r, "debt"), 0);
		if (strcmp(str(r, "account"), "o3") == 0) {
			ck_assert_int_eq(num(r, "flags"), 2);
			ck_assert_int_eq(num(r, "amount"), C(20));
		} else {
			ck_assert_str_eq(str(r, "account"), "o2");
			ck_assert_int_eq(num(r, "flags"), 1);
			ck_assert_int_eq(num(r, "amount"), C(10));
		}
	}
	ck_assert_int_eq(npen, 2);
	r = json_array_get(out, json_array_size(out) - 1);
	ck_assert_str_eq(str(r, "type"), "finalized");
	ck_assert_int_eq(num(r, "flags"), 3);
	json_decref(out);
	ck_assert_int_eq(stake(s, "o1").staked, C(200));
	ck_assert_int_eq(stake(s, "o2").staked, C(190));
	ck_assert_int_eq(stake(s, "o3").staked, C(180));
	ck_assert_int_eq(avail(s, "treasury"), tre + C(30));
	ck_assert_int_eq(avail(s, "vault"), vault - C(30));
	ck_assert_int_eq(avail(s, "o3"), C(800));	/* the balance is not touched */
	books(s);

	/* another amount; 0 flags nothing costs nothing */
	set_param(s, "oracle_penalty", C(2) + 500000, DUE(S0));
	REP(s, &o[0], 1, S0 + 1, 100, DUE(S0));
	REP(s, &o[3], 1, S0 + 1, 300, DUE(S0));
	FIN(s, S0 + 1, DUE(S0 + 1));
	ck_assert_int_eq(flag_of(s, S0 + 1, 1, "o4"), 1);
	ck_assert_int_eq(stake(s, "o4").staked, C(200) - C(2) - 500000);
	ck_assert_int_eq(stake(s, "o1").staked, C(200));
	set_param(s, "oracle_penalty", 0, DUE(S0 + 1));
	REP(s, &o[0], 1, S0 + 2, 100, DUE(S0 + 1));
	REP(s, &o[4], 1, S0 + 2, 300, DUE(S0 + 1));
	FIN(s, S0 + 2, DUE(S0 + 2));
	ck_assert_int_eq(flag_of(s, S0 + 2, 1, "o5"), 1);
	ck_assert_int_eq(stake(s, "o5").staked, C(200));
	ck_assert_int_eq(avail(s, "treasury"), tre + C(32) + 500000);
	finish(s);
}
END_TEST

/* A penalty beyond the stake: the stake is taken (free, then unbonding),
 * the rest is debt; supply is conserved. */
START_TEST(penalty_debt)
{
	gs_store *s = setup();
	int64_t tre = avail(s, "treasury"), supply = q(s, "SELECT minted - burned FROM supply");
	json_t *out = NULL, *r = NULL;
	int status;
	gs_stake st;
	gs_err e;

	set_param(s, "oracle_penalty", C(150), TH_T0);
	/* o3 reports, then asks to withdraw 60 of its 200 */
	REP(s, &o[0], 1, S0, 100, END(S0));
	REP(s, &o[1], 1, S0, 100, END(S0));
	REP(s, &o[2], 1, S0, 900, END(S0));
	REP(s, &o[0], 2, S0, 100, END(S0));
	REP(s, &o[1], 2, S0, 100, END(S0));
	REP(s, &o[2], 2, S0, 900, END(S0));
	ok(s, &o[2], "stake.request_withdraw", json_pack("{s:I}", "amount", (json_int_t)C(60)),
	   END(S0));
	ck_assert_int_eq(fin(s, &admin, S0, DUE(S0), &status, &out, &e), GS_OK);
	for (size_t i = 0; i < json_array_size(out); i++)
		if (strcmp(str(json_array_get(out, i), "type"), "penalty") == 0)
			r = json_array_get(out, i);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(str(r, "account"), "o3");
	ck_assert_int_eq(num(r, "flags"), 2);
	ck_assert_int_eq(num(r, "amount"), C(200));	/* all of it, unbonding too */
	ck_assert_int_eq(num(r, "debt"), C(100));
	json_decref(out);
	st = stake(s, "o3");
	ck_assert_int_eq(st.staked, 0);
	ck_assert_int_eq(st.unbonding, 0);
	ck_assert_int_eq(st.debt, C(100));
	ck_assert_int_eq(avail(s, "treasury"), tre + C(200));
	ck_assert_int_eq(q(s, "SELECT minted - burned FROM supply"), supply);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM unbondings WHERE account = 'o3' "
			   "AND state = 'pending'"), 0);
	books(s);
	/* without stake it may no longer report */
	BAD(s, GS_EREFUSED, "oracle_min_stake", rep(s, &o[2], 1, S0 + 1, 100, DUE(S0), &e_));
	finish(s);
}
END_TEST

/* flags x oracle_penalty beyond int64: the penalty may be capped or the
 * finalization refused, but never silently skipped (for this oracle or
 * the ones charged after it). oracle_penalty at its maximum (10^12
 * credits = 10^18 base units), o3 flagged on 10 panels, o4 on one. */
START_TEST(penalty_overflow)
{
	gs_store *s = setup();
	json_t *items = json_array();
	int status = -1;
	gs_err e;

	for (int i = 0; i < 10; i++)
		json_array_append_new(items, json_pack("{s:s,s:i}", "owner", "alice",
						       "capacity_w", 5000));
	ok(s, &admin, "panel.register", json_pack("{s:o}", "items", items), TH_T0);
	set_param(s, "oracle_penalty", INT64_C(1000000000000000000), TH_T0);
	for (int p = 1; p <= 11; p++) {
		REP(s, &o[0], p, S0, 0, END(S0));
		REP(s, &o[1], p, S0, 0, END(S0));
		REP(s, p <= 10 ? &o[2] : &o[3], p, S0, 100, END(S0));
	}
	{
		struct snap sn = snap(s);
		int rc = fin(s, &admin, S0, DUE(S0), &status, NULL, &e);
		if (rc != GS_OK) {
			same(s, &sn, __LINE__);		/* refused whole: fine */
		} else {
			ck_assert_int_eq(status, GS_APPLIED);
			ck_assert_int_eq(flag_of(s, S0, 1, "o3"), 1);
			ck_assert_int_eq(flag_of(s, S0, 11, "o4"), 1);
			ck_assert_msg(stake(s, "o4").staked == 0, "o4 was not charged: "
				      "staked %lld", (long long)stake(s, "o4").staked);
			ck_assert_msg(stake(s, "o3").staked == 0, "o3 (10 flags x 10^18) "
				      "was not charged: staked %lld",
				      (long long)stake(s, "o3").staked);
			ck_assert_int_gt(stake(s, "o3").debt, 0);
		}
	}
	finish(s);
}
END_TEST

/* Debt that would pass int64 (two slots of 9 flags x 10^18): integers
 * only (DESIGN 2) - capped or refused, never stored as a REAL. */
START_TEST(penalty_debt_integer)
{
	gs_store *s = setup();
	json_t *items = json_array();
	int status = -1;
	gs_err e;

	for (int i = 0; i < 6; i++)
		json_array_append_new(items, json_pack("{s:s,s:i}", "owner", "alice",
						       "capacity_w", 5000));
	ok(s, &admin, "panel.register", json_pack("{s:o}", "items", items), TH_T0);
	set_param(s, "oracle_penalty", INT64_C(1000000000000000000), TH_T0);
	for (int k = 0; k < 2; k++) {
		struct snap sn;
		int rc;
		for (int p = 1; p <= 9; p++) {
			REP(s, &o[0], p, S0 + k, 0, END(S0 + k));
			REP(s, &o[1], p, S0 + k, 0, END(S0 + k));
			REP(s, &o[2], p, S0 + k, 100, END(S0 + k));
		}
		sn = snap(s);
		rc = fin(s, &admin, S0 + k, DUE(S0 + k), &status, NULL, &e);
		if (rc != GS_OK) {
			ck_assert_int_eq(k, 1);			/* the first fits */
			same(s, &sn, __LINE__);
			break;
		}
		ck_assert_int_eq(stake(s, "o3").staked, 0);
		ck_assert_int_eq(q(s, "SELECT count(*) FROM stakes WHERE typeof(debt) <> "
				   "'integer'"), 0);
		ck_assert_int_eq(q(s, "SELECT count(*) FROM stake_checkpoints WHERE "
				   "typeof(debt) <> 'integer'"), 0);
		if (k == 0) {
			ck_assert_int_eq(stake(s, "o3").debt, INT64_C(9000000000000000000) -
					 C(200));
			/* o3 stakes again to keep reporting */
			ok(s, &o[2], "stake.deposit", json_pack("{s:I}", "amount",
				(json_int_t)C(200)), DUE(S0 + k));
		}
	}
	finish(s);
}
END_TEST

/* ---- corrections -------------------------------------------------------- */

/* An oracle's later report for a panel-slot replaces its earlier one,
 * also within one batch; only the last counts and nothing is double
 * counted (reports, median, flags, penalty). */
START_TEST(corrections)
{
	gs_store *s = setup();
	json_t *out = json_array(), *r;
	gs_err e;

	REP(s, &o[0], 1, S0, 100, END(S0));
	REP(s, &o[1], 1, S0, 900, END(S0));		/* wrong ... */
	REP(s, &o[2], 1, S0, 900, END(S0));		/* wrong ... */
	REP(s, &o[1], 1, S0, 102, END(S0) + 10);	/* ... corrected */
	ok(s, &o[2], "oracle.report", json_pack("{s:[o,o,o]}", "items", reading(1, S0, 5),
						reading(2, S0, 60), reading(1, S0, 101)),
	   END(S0) + 20);
	PROD(s, S0, 1, -1, 3, "pending");
	ck_assert_int_eq(gs_report_records(s, S0, 1, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 3);
	r = json_array_get(out, 1);
	ck_assert_str_eq(str(r, "oracle"), "o2");
	ck_assert_int_eq(num(r, "wh"), 102);
	ck_assert_int_eq(num(r, "time"), END(S0) + 10);
	ck_assert_int_eq(num(json_array_get(out, 2), "wh"), 101);
	json_decref(out);
	FIN(s, S0, DUE(S0));
	PROD(s, S0, 1, 101, 3, "final");
	PROD(s, S0, 2, 60, 1, "final");
	ck_assert_int_eq(flag_of(s, S0, 1, "o2"), 0);
	ck_assert_int_eq(flag_of(s, S0, 1, "o3"), 0);
	ck_assert_int_eq(stake(s, "o2").staked, C(200));
	ck_assert_int_eq(stake(s, "o3").staked, C(200));
	/* after finalization no more corrections */
	BAD(s, GS_EREFUSED, "finalized", rep(s, &o[0], 1, S0, 101, DUE(S0), &e_));
	PROD(s, S0, 1, 101, 3, "final");
	finish(s);
}
END_TEST

/* ---- refusals ----------------------------------------------------------- */

START_TEST(report_refusals)
{
	gs_store *s = setup();
	gs_key poor;
	gs_err e;

	/* not ended: a second before its end, the current slot, the future */
	BAD(s, GS_EREFUSED, "not ended", rep(s, &o[0], 1, S0, 1, END(S0) - 1, &e_));
	BAD(s, GS_EREFUSED, NULL, rep(s, &o[0], 1, S0 + 100, 1, END(S0) - 1, &e_));
	/* capacity x slot length: 5 kW x 900 s = 1250 Wh, 1 kW: 250 Wh */
	BAD(s, GS_EREFUSED, "panel 1", rep(s, &o[0], 1, S0 - 1, 1251, TH_T0, &e_));
	BAD(s, GS_EREFUSED, "1250", rep(s, &o[0], 1, S0 - 1, 1251, TH_T0, &e_));
	BAD(s, GS_EREFUSED, "250", rep(s, &o[0], 3, S0 - 1, 251, TH_T0, &e_));
	REP(s, &o[0], 1, S0 - 1, 1250, TH_T0);		/* at the limit */
	REP(s, &o[0], 3, S0 - 1, 250, TH_T0);
	REP(s, &o[0], 2, S0 - 1, 0, TH_T0);		/* zero is a reading */
	REP(s, &o[0], 1, S0, 1, END(S0));		/* at its end: ended */
	/* unknown panel: malformed input (DESIGN 7: unknown panel = 65) */
	BAD(s, GS_EINPUT, "panel", rep(s, &o[0], 4, S0, 1, END(S0), &e_));
	/* malformed readings */
	BAD(s, GS_EINPUT, "wh", rep(s, &o[0], 1, S0, -1, END(S0), &e_));
	BAD(s, GS_EINPUT, "panel", rep(s, &o[0], 0, S0, 1, END(S0), &e_));
	BAD(s, GS_EINPUT, "slot", rep(s, &o[0], 1, -1, 1, END(S0), &e_));
	BAD(s, GS_EINPUT, "slot", rep(s, &o[0], 1, INT64_MAX, 1, END(S0), &e_));
	BAD(s, GS_EINPUT, NULL, th_apply(s, &o[0], "oracle.report",
		json_pack("{s:i,s:I,s:i,s:i}", "panel", 1, "slot", (json_int_t)S0, "wh", 1,
			  "extra", 1), END(S0), NULL, &e_));
	BAD(s, GS_EINPUT, "wh", th_apply(s, &o[0], "oracle.report",
		json_pack("{s:i,s:I}", "panel", 1, "slot", (json_int_t)S0), END(S0), NULL, &e_));
	BAD(s, GS_EINPUT, "wh", th_apply(s, &o[0], "oracle.report",
		json_pack("{s:i,s:I,s:s}", "panel", 1, "slot", (json_int_t)S0, "wh", "5"),
		END(S0), NULL, &e_));
	/* retired panel: retired as S0 ended, so only later slots are refused */
	ok(s, &alice, "panel.retire", json_pack("{s:i}", "panel", 2), END(S0));
	BAD(s, GS_EREFUSED, "retired", rep(s, &o[0], 2, S0 + 1, 1, END(S0 + 1), &e_));
	/* no role: bob is staked but no oracle; an oracle whose role is revoked */
	BAD(s, GS_EPERM, "oracle", rep(s, &bob, 1, S0, 1, END(S0), &e_));
	BAD(s, GS_EPERM, NULL, rep(s, &alice, 1, S0, 1, END(S0), &e_));
	ok(s, &admin, "admin.revoke", json_pack("{s:s,s:s}", "role", "oracle", "account",
						"o5"), END(S0));
	BAD(s, GS_EPERM, NULL, rep(s, &o[4], 1, S0, 1, END(S0), &e_));
	/* too little stake: none (admin), 99.999999, then exactly 100 */
	BAD(s, GS_EREFUSED, "oracle_min_stake", rep(s, &admin, 1, S0, 1, END(S0), &e_));
	th_account(s, "poor", &poor);
	grant(s, "oracle", "poor", END(S0));
	ok(s, &admin, "token.mint", json_pack("{s:s,s:I}", "to", "poor", "amount",
					      (json_int_t)C(1000)), END(S0));
	ok(s, &poor, "stake.deposit", json_pack("{s:I}", "amount", (json_int_t)C(100) - 1),
	   END(S0));
	BAD(s, GS_EREFUSED, "oracle_min_stake", rep(s, &poor, 1, S0, 1, END(S0), &e_));
	ok(s, &poor, "stake.deposit", json_pack("{s:i}", "amount", 1), END(S0));
	REP(s, &poor, 1, S0, 1, END(S0));
	/* a lower oracle_min_stake lets a smaller stake in */
	set_param(s, "oracle_min_stake", C(50), END(S0));
	ok(s, &admin, "admin.grant", json_pack("{s:s,s:s}", "role", "oracle", "account",
					       "bob"), END(S0));
	REP(s, &bob, 1, S0, 1, END(S0));
	/* finalized slot */
	FIN(s, S0, DUE(S0));
	BAD(s, GS_EREFUSED, "finalized", rep(s, &o[0], 1, S0, 1, DUE(S0), &e_));
	BAD(s, GS_EREFUSED, "finalized", rep(s, &o[1], 3, S0, 1, DUE(S0), &e_));
	(void)e;
	finish(s);
}
END_TEST

/* ---- finalization ------------------------------------------------------- */

START_TEST(finalize_rules)
{
	gs_store *s = setup();
	json_t *out = NULL;
	int64_t rows;
	int status;
	gs_err e;

	REP(s, &o[0], 1, S0, 105, END(S0));
	REP(s, &o[1], 1, S0, 900, END(S0));
	REP(s, &o[2], 1, S0, 110, END(S0));
	/* before the verification period is over */
	BAD(s, GS_EREFUSED, "verification_period_s",
	    fin(s, &admin, S0, DUE(S0) - 1, &status, NULL, &e_));
	BAD(s, GS_EREFUSED, NULL, fin(s, &admin, S0 + 1, DUE(S0), &status, NULL, &e_));
	/* the signer must be an operator */
	BAD(s, GS_EPERM, "operator", fin(s, &o[0], S0, DUE(S0), &status, NULL, &e_));
	/* slot and due, or neither */
	BAD(s, GS_EINPUT, NULL, th_apply(s, &admin, "oracle.finalize", json_pack("{s:I,s:i}",
		"slot", (json_int_t)S0, "due", 1), DUE(S0), NULL, &e_));
	BAD(s, GS_EINPUT, NULL, th_apply(s, &admin, "oracle.finalize", json_pack("{}"),
					 DUE(S0), NULL, &e_));
	BAD(s, GS_EINPUT, NULL, th_apply(s, &admin, "oracle.finalize", json_pack("{s:i}",
		"due", 0), DUE(S0), NULL, &e_));
	/* an operator that is not the admin may */
	grant(s, "operator", "bob", DUE(S0));
	rows = th_journal_rows(s);
	ck_assert_int_eq(fin(s, &bob, S0, DUE(S0), &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_int_eq(th_journal_rows(s), rows + 1);
	json_decref(out);
	PROD(s, S0, 1, 110, 3, "final");
	ck_assert_int_eq(stake(s, "o2").staked, C(190));
	ck_assert_int_eq(q(s, "SELECT finalized_at FROM oracle_slots"), DUE(S0));
	/* twice: unchanged, no row, no second penalty */
	{
		struct snap sn = snap(s);
		out = NULL;
		ck_assert_int_eq(fin(s, &admin, S0, DUE(S0) + 100, &status, &out, &e), GS_OK);
		ck_assert_int_eq(status, GS_UNCHANGED);
		ck_assert_ptr_null(out);
		ck_assert_msg(strstr(e.msg, "already") != NULL, "%s", e.msg);
		same(s, &sn, __LINE__);
	}
	ck_assert_int_eq(stake(s, "o2").staked, C(190));
	/* immutable: a correction or a new report is refused, the value stays */
	BAD(s, GS_EREFUSED, "finalized", rep(s, &o[1], 1, S0, 110, DUE(S0) + 100, &e_));
	BAD(s, GS_EREFUSED, "finalized", rep(s, &o[3], 1, S0, 900, DUE(S0) + 100, &e_));
	PROD(s, S0, 1, 110, 3, "final");
	ck_assert_int_eq(flag_of(s, S0, 1, "o2"), 1);
	/* a slot without reports may be finalized: then it takes no more */
	FIN(s, S0 - 5, DUE(S0) + 100);
	BAD(s, GS_EREFUSED, "finalized", rep(s, &o[0], 1, S0 - 5, 1, DUE(S0) + 100, &e_));
	finish(s);
}
END_TEST

/* --due finalizes exactly the slots with reports whose verification
 * period is over, in one tx; run again it changes nothing. */
START_TEST(finalize_due)
{
	gs_store *s = setup();
	const int64_t t = END(S0);	/* S0 - 2 and S0 - 1 due, S0 not yet */
	json_t *out = NULL, *r;
	int64_t rows, got[4], n = 0;
	int status;
	gs_err e;

	/* nothing reported at all: nothing to do */
	rows = th_journal_rows(s);
	ck_assert_int_eq(fin(s, &admin, -1, t, &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_int_eq(th_journal_rows(s), rows);

	REP(s, &o[0], 1, S0 - 2, 10, t);
	REP(s, &o[0], 1, S0 - 1, 20, t);
	REP(s, &o[1], 2, S0 - 1, 25, t);
	REP(s, &o[0], 1, S0, 30, t);
	ck_assert_int_eq(fin(s, &admin, -1, t, &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	for (size_t i = 0; i < json_array_size(out); i++) {
		r = json_array_get(out, i);
		if (strcmp(str(r, "type"), "finalized") == 0) {
			ck_assert_int_lt(n, 4);
			got[n++] = num(r, "slot");
		}
	}
	json_decref(out);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(got[0], S0 - 2);
	ck_assert_int_eq(got[1], S0 - 1);
	ck_assert_int_eq(th_journal_rows(s), rows + 5);
	PROD(s, S0 - 2, 1, 10, 1, "final");
	PROD(s, S0 - 1, 1, 20, 1, "final");
	PROD(s, S0 - 1, 2, 25, 1, "final");
	PROD(s, S0, 1, -1, 1, "pending");
	ck_assert_int_eq(q(s, "SELECT count(*) FROM oracle_slots WHERE final = 1"), 2);
	/* again: unchanged */
	{
		struct snap sn = snap(s);
		ck_assert_int_eq(fin(s, &admin, -1, t, &status, NULL, &e), GS_OK);
		ck_assert_int_eq(status, GS_UNCHANGED);
		same(s, &sn, __LINE__);
		ck_assert_int_eq(fin(s, &admin, -1, DUE(S0) - 1, &status, NULL, &e), GS_OK);
		ck_assert_int_eq(status, GS_UNCHANGED);
		same(s, &sn, __LINE__);
	}
	/* S0 becomes due at its end + the verification period */
	ck_assert_int_eq(fin(s, &admin, -1, DUE(S0), &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	r = json_array_get(out, json_array_size(out) - 1);
	ck_assert_str_eq(str(r, "type"), "finalized");
	ck_assert_int_eq(num(r, "slot"), S0);
	json_decref(out);
	PROD(s, S0, 1, 30, 1, "final");
	ck_assert_int_eq(fin(s, &admin, -1, DUE(S0), &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	/* a longer verification period moves the due time */
	set_param(s, "verification_period_s", 3600, DUE(S0));
	REP(s, &o[0], 1, S0 + 1, 5, DUE(S0));
	ck_assert_int_eq(fin(s, &admin, -1, END(S0 + 1) + 3599, &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	BAD(s, GS_EREFUSED, NULL, fin(s, &admin, S0 + 1, END(S0 + 1) + 3599, &status, NULL,
				      &e_));
	ck_assert_int_eq(fin(s, &admin, -1, END(S0 + 1) + 3600, &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	PROD(s, S0 + 1, 1, 5, 1, "final");
	finish(s);
}
END_TEST

/* ---- batches ------------------------------------------------------------ */

/* One signed tx per batch, one journal row; all or nothing, with the
 * failing item in e.item. */
START_TEST(batch_all_or_nothing)
{
	gs_store *s = setup();
	json_t *items, *out = NULL, *r;
	int64_t rows;
	gs_err e;

	BAD(s, GS_EREFUSED, "panel 3", th_apply(s, &o[0], "oracle.report",
		json_pack("{s:[o,o,o]}", "items", reading(1, S0, 1), reading(2, S0, 2),
			  reading(3, S0, 251)), END(S0), NULL, &e_));
	ck_assert_int_eq(th_apply(s, &o[0], "oracle.report", json_pack("{s:[o,o,o]}",
		"items", reading(1, S0, 1), reading(2, S0, 2), reading(3, S0, 251)), END(S0),
		NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(e.item, 3);
	ck_assert_int_eq(th_apply(s, &o[0], "oracle.report", json_pack("{s:[o,{s:i,s:I,s:s}]}",
		"items", reading(1, S0, 1), "panel", 2, "slot", (json_int_t)S0, "wh", "x"),
		END(S0), NULL, &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 2);
	ck_assert_int_eq(th_apply(s, &o[0], "oracle.report", json_pack("{s:[o,o]}", "items",
		reading(1, S0, 1), reading(9, S0, 1)), END(S0), NULL, &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 2);
	ck_assert_int_eq(th_apply(s, &o[0], "oracle.report", json_pack("{s:[o,o]}", "items",
		reading(1, S0, 1), reading(1, S0 + 1, 1)), END(S0), NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(e.item, 2);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM oracle_reports"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM oracle_slots"), 0);

	/* 10,000 readings: 2 panels x 5,000 past slots, one row */
	items = json_array();
	for (int i = 0; i < 10000; i++)
		json_array_append_new(items, reading(1 + i % 2, S0 - 1 - i / 2, i % 1000));
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply(s, &o[0], "oracle.report", json_pack("{s:o}", "items", items),
				  END(S0), &out, &e), GS_OK);
	ck_assert_int_eq(th_journal_rows(s), rows + 1);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "reported");
	ck_assert_str_eq(str(r, "oracle"), "o1");
	ck_assert_int_eq(num(r, "readings"), 10000);
	json_decref(out);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM oracle_reports"), 10000);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM oracle_slots"), 5000);
	ck_assert_int_eq(q(s, "SELECT sum(wh) FROM oracle_reports"), 10 * 499500);
	/* --due closes all 5,000 slots in one tx */
	FIN(s, -1, END(S0));
	ck_assert_int_eq(q(s, "SELECT count(*) FROM production WHERE status = 'final'"), 10000);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM oracle_slots WHERE final = 0"), 0);
	finish(s);
}
END_TEST

/* ---- query records ------------------------------------------------------ */

START_TEST(records)
{
	gs_store *s = setup();
	json_t *out = json_array(), *r;
	gs_err e;

	REP(s, &o[0], 1, S0, 100, END(S0));
	REP(s, &o[1], 1, S0, 900, END(S0));
	REP(s, &o[2], 1, S0, 104, END(S0));
	REP(s, &o[0], 2, S0, 50, END(S0));
	REP(s, &o[0], 1, S0 + 1, 40, END(S0 + 1));
	REP(s, &o[1], 3, S0 + 1, 41, END(S0 + 1));

	/* slots: reporting (ended), open (not ended at that time) */
	ck_assert_int_eq(gs_oracle_slot_records(s, END(S0 + 1), out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "oracle_slot");
	ck_assert_int_eq(num(r, "slot"), S0);
	ck_assert_int_eq(num(r, "start"), S0 * SS);
	ck_assert_str_eq(str(r, "state"), "reporting");
	ck_assert_int_eq(num(r, "reports"), 4);
	ck_assert_int_eq(num(r, "panels"), 2);
	ck_assert(json_is_null(json_object_get(r, "finalized_at")));
	ck_assert_int_eq(num(json_array_get(out, 1), "reports"), 2);
	json_array_clear(out);
	ck_assert_int_eq(gs_oracle_slot_records(s, END(S0 + 1) - 1, out, &e), GS_OK);
	ck_assert_str_eq(str(json_array_get(out, 0), "state"), "reporting");
	ck_assert_str_eq(str(json_array_get(out, 1), "state"), "open");
	json_array_clear(out);

	FIN(s, S0, DUE(S0));
	ck_assert_int_eq(gs_oracle_slot_records(s, DUE(S0), out, &e), GS_OK);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "state"), "finalized");
	ck_assert_int_eq(num(r, "finalized_at"), DUE(S0));
	ck_assert_str_eq(str(json_array_get(out, 1), "state"), "reporting");
	json_array_clear(out);

	/* production: all, one slot, one panel, final only */
	ck_assert_int_eq(gs_production_records(s, -1, 0, 0, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 4);
	ck_assert_int_eq(num(json_array_get(out, 0), "panel"), 1);
	ck_assert_int_eq(num(json_array_get(out, 1), "panel"), 2);
	ck_assert_int_eq(num(json_array_get(out, 2), "slot"), S0 + 1);
	ck_assert_int_eq(num(json_array_get(out, 3), "panel"), 3);
	ck_assert_str_eq(str(json_array_get(out, 3), "status"), "pending");
	json_array_clear(out);
	ck_assert_int_eq(gs_production_records(s, -1, 0, 1, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	json_array_clear(out);
	ck_assert_int_eq(gs_production_records(s, -1, 1, 0, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	json_array_clear(out);
	ck_assert_int_eq(gs_production_records(s, S0 + 7, 0, 0, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 0);
	PROD(s, S0, 1, 104, 3, "final");
	PROD(s, S0, 2, 50, 1, "final");
	PROD(s, S0 + 1, 1, -1, 1, "pending");

	/* reports: by slot, panel, oracle */
	ck_assert_int_eq(gs_report_records(s, -1, 0, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 6);
	r = json_array_get(out, 1);
	ck_assert_str_eq(str(r, "type"), "report");
	ck_assert_int_eq(num(r, "slot"), S0);
	ck_assert_int_eq(num(r, "panel"), 1);
	ck_assert_str_eq(str(r, "oracle"), "o2");
	ck_assert_int_eq(num(r, "wh"), 900);
	ck_assert(json_is_true(json_object_get(r, "flagged")));
	ck_assert_int_eq(num(r, "time"), END(S0));
	json_array_clear(out);
	ck_assert_int_eq(gs_report_records(s, -1, 0, "o1", out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 3);
	json_array_clear(out);
	ck_assert_int_eq(gs_report_records(s, -1, 3, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	json_array_clear(out);
	ck_assert_int_eq(gs_report_records(s, S0, 0, "o2", out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	json_array_clear(out);

	/* oracles: every account with the role, by name */
	ck_assert_int_eq(gs_oracle_records(s, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1 + NOR);	/* admin has every role */
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "oracle");
	ck_assert_str_eq(str(r, "account"), "admin");
	ck_assert_int_eq(num(r, "staked"), 0);
	ck_assert_int_eq(num(r, "reports"), 0);
	ck_assert(json_is_null(json_object_get(r, "accuracy_bps")));
	r = json_array_get(out, 2);				/* o2: 1 of 2 flagged */
	ck_assert_str_eq(str(r, "account"), "o2");
	ck_assert_int_eq(num(r, "staked"), C(190));
	ck_assert_int_eq(num(r, "reports"), 2);
	ck_assert_int_eq(num(r, "flags"), 1);
	ck_assert_int_eq(num(r, "accuracy_bps"), 5000);
	r = json_array_get(out, 1);				/* o1: 3, none flagged */
	ck_assert_int_eq(num(r, "reports"), 3);
	ck_assert_int_eq(num(r, "flags"), 0);
	ck_assert_int_eq(num(r, "accuracy_bps"), 10000);
	json_array_clear(out);

	/* panel history: finalized slots only, unverified ones included */
	set_param(s, "oracle_quorum", 2, DUE(S0));
	FIN(s, S0 + 1, DUE(S0 + 1));
	ck_assert_int_eq(gs_panel_history(s, 1, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "production");
	ck_assert_int_eq(num(r, "slot"), S0);
	ck_assert_int_eq(num(r, "wh"), 104);
	ck_assert_str_eq(str(r, "status"), "final");
	r = json_array_get(out, 1);
	ck_assert_int_eq(num(r, "slot"), S0 + 1);
	ck_assert(json_is_null(json_object_get(r, "wh")));
	ck_assert_str_eq(str(r, "status"), "unverified");
	json_array_clear(out);
	ck_assert_int_eq(gs_panel_history(s, 2, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	json_array_clear(out);
	ck_assert_int_eq(gs_panel_history(s, 99, out, &e), GS_EINPUT);
	ck_assert_uint_eq(json_array_size(out), 0);
	/* a panel without reports has an empty history */
	ok(s, &admin, "panel.register", json_pack("{s:s,s:i}", "owner", "alice",
						  "capacity_w", 100), DUE(S0 + 1));
	ck_assert_int_eq(gs_panel_history(s, 4, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 0);
	json_decref(out);
	finish(s);
}
END_TEST

/* The records of the report and finalize transactions themselves. */
START_TEST(tx_records)
{
	gs_store *s = setup();
	json_t *out = NULL, *r;
	int status;
	gs_err e;

	ck_assert_int_eq(th_apply(s, &o[0], "oracle.report", reading(1, S0, 1000), END(S0),
				  &out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "reported");
	ck_assert_str_eq(str(r, "oracle"), "o1");
	ck_assert_int_eq(num(r, "readings"), 1);
	json_decref(out);
	REP(s, &o[1], 1, S0, 0, END(S0));
	ck_assert_int_eq(fin(s, &admin, S0, DUE(S0), &status, &out, &e), GS_OK);
	/* lower median of {0, 1000} is 0: o1 flagged */
	ck_assert_uint_eq(json_array_size(out), 2);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "penalty");
	ck_assert_str_eq(str(r, "account"), "o1");
	ck_assert_int_eq(num(r, "slot"), S0);
	ck_assert_int_eq(num(r, "flags"), 1);
	ck_assert_int_eq(num(r, "amount"), C(10));
	ck_assert_int_eq(num(r, "debt"), 0);
	r = json_array_get(out, 1);
	ck_assert_str_eq(str(r, "type"), "finalized");
	ck_assert_int_eq(num(r, "slot"), S0);
	ck_assert_int_eq(num(r, "panels"), 1);
	ck_assert_int_eq(num(r, "final"), 1);
	ck_assert_int_eq(num(r, "unverified"), 0);
	ck_assert_int_eq(num(r, "flags"), 1);
	json_decref(out);
	PROD(s, S0, 1, 0, 2, "final");
	finish(s);
}
END_TEST

/* A retried report or finalize (same tx id) is applied once. */
START_TEST(retries)
{
	gs_store *s = setup();
	int status;
	gs_err e;

	ck_assert_int_eq(th_apply_id(s, &o[0], "r1", "oracle.report", reading(1, S0, 10),
				     END(S0), &status, NULL, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_int_eq(th_apply_id(s, &o[0], "r1", "oracle.report", reading(1, S0, 10),
				     END(S0), &status, NULL, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_DUPLICATE);
	REP(s, &o[1], 1, S0, 500, END(S0));
	ck_assert_int_eq(th_apply_id(s, &admin, "f1", "oracle.finalize", json_pack("{s:i}",
		"due", 1), DUE(S0), &status, NULL, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_int_eq(th_apply_id(s, &admin, "f1", "oracle.finalize", json_pack("{s:i}",
		"due", 1), DUE(S0), &status, NULL, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_DUPLICATE);
	ck_assert_int_eq(stake(s, "o2").staked, C(190));	/* charged once */
	finish(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oracle");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, median_odd);
	tcase_add_test(tc, median_even_lower);
	tcase_add_test(tc, quorum);
	tcase_add_test(tc, tolerance_edges);
	tcase_add_test(tc, tolerance_zero_median_and_bounds);
	tcase_add_test(tc, penalty_amounts);
	tcase_add_test(tc, penalty_debt);
	tcase_add_test(tc, penalty_overflow);
	tcase_add_test(tc, penalty_debt_integer);
	tcase_add_test(tc, corrections);
	tcase_add_test(tc, report_refusals);
	tcase_add_test(tc, finalize_rules);
	tcase_add_test(tc, finalize_due);
	tcase_add_test(tc, batch_all_or_nothing);
	tcase_add_test(tc, records);
	tcase_add_test(tc, tx_records);
	tcase_add_test(tc, retries);
	suite_add_tcase(s, tc);
	return th_run(s);
}
