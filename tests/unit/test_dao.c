/* test_dao.c - unit tests for dao.c, governance by stake-weighted proposals. */
/*
 * Every scenario runs through the library as signed txs (th_apply) with
 * explicit times. Defaults (DESIGN 8, 10; /tmp/spec/dao.md):
 * proposal_threshold 1000 credits, voting_delay_s 0, voting_period_s
 * 259200, quorum_bps 400, timelock_s 172800, grace_period_s 1209600. The
 * figures are worked out by hand in the comments. Invariants, the chain
 * and a replay are checked at the end of each test.
 */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define C(x) ((int64_t)(x) * 1000000)	/* credits in base units */
#define SS INT64_C(900)			/* slot_seconds */
#define S0 (TH_T0 / SS)			/* the slot that starts at genesis */
#define SL (S0 + 4)			/* the slot the market tests trade in */
#define START(n) ((n) * SS)
#define GATE(n) (START(n) - 300)	/* gate_closure_s 300 */
#define END(n) (START(n) + SS)
#define WIN INT64_C(3600)		/* dispute_window_s */
#define T_ORDER (TH_T0 + 100)
#define T_REPORT(n) (END(n) + 60)
#define T_FINAL(n) (END(n) + 900)	/* verification_period_s 900 */
#define BOND C(10)			/* dispute_bond */
#define PERIOD INT64_C(259200)		/* voting_period_s */
#define TLOCK INT64_C(172800)		/* timelock_s */
#define GRACE INT64_C(1209600)		/* grace_period_s: 14 days */
#define T1 (TH_T0 + 1000)		/* first proposals */
#define FUNDS C(50000)			/* minted to every user */

/* admin (every role), orc (role oracle), alice, bob, carol, dave, erin:
 * 50000 credits each but admin. */
static gs_key admin, orc, alice, bob, carol, dave, erin;

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


/* ---- setup ------------------------------------------------------------------ */

static void deposit(gs_store *s, const gs_key *k, int64_t amount, int64_t time)
{
	OK(s, k, "stake.deposit", json_pack("{s:I}", "amount", (json_int_t)amount), time);
}

static void set_param(gs_store *s, const char *name, int64_t value, int64_t time)
{
	OK(s, &admin, "params.set", json_pack("{s:s,s:I}", "name", name, "value",
					      (json_int_t)value), time);
}

static int64_t param(gs_store *s, const char *name)
{
	int64_t v = -1;
	gs_err e;

	ck_assert_int_eq(gs_param_get(s, name, &v, &e), GS_OK);
	return v;
}

static int has_role(gs_store *s, const char *who, const char *role)
{
	gs_err e;
	int rc = gs_has_role(s, who, role, &e);

	ck_assert_int_ge(rc, 0);
	return rc;
}

/* Genesis at TH_T0, the accounts above registered and funded; no stake. */
static gs_store *setup(void)
{
	const gs_key *who[] = { &orc, &alice, &bob, &carol, &dave, &erin };
	json_t *items = json_array();
	gs_store *s;

	th_key("admin", &admin);
	th_key("orc", &orc);
	th_key("alice", &alice);
	th_key("bob", &bob);
	th_key("carol", &carol);
	th_key("dave", &dave);
	th_key("erin", &erin);
	s = th_genesis_with(NULL, &admin, 6, "GST", SS);
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		th_register(s, who[i]);
		json_array_append_new(items, json_pack("{s:s,s:I}", "to", who[i]->name,
						       "amount", (json_int_t)FUNDS));
	}
	OK(s, &admin, "token.mint", json_pack("{s:o}", "items", items), TH_T0);
	return s;
}

/* ---- inspection ------------------------------------------------------------- */

#define BAL(s, who, a, l) bal_(s, who, a, l, __LINE__)
static void bal_(gs_store *s, const char *who, int64_t a, int64_t l, int line)
{
	int64_t av, lk;

	th_balance(s, who, &av, &lk);
	ck_assert_msg(av == a && lk == l, "line %d: balance of %s: %lld/%lld, want "
		      "%lld/%lld", line, who, (long long)av, (long long)lk, (long long)a,
		      (long long)l);
}

#define STAKE(s, who, staked, locked, unbonding, debt) \
	stake_(s, who, staked, locked, unbonding, debt, __LINE__)
static void stake_(gs_store *s, const char *who, int64_t staked, int64_t locked,
		   int64_t unbonding, int64_t debt, int line)
{
	gs_stake st;
	gs_err e;

	ck_assert_int_eq(gs_stake_get(s, who, &st, &e), GS_OK);
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

/* ---- proposals, votes ---------------------------------------------------------- */

static json_t *act(const char *cmd, json_t *args)
{
	return json_pack("{s:s,s:o}", "cmd", cmd, "args", args);
}

static json_t *a_param(const char *name, int64_t value)
{
	return act("params.set", json_pack("{s:s,s:I}", "name", name, "value",
					   (json_int_t)value));
}

static json_t *a_role(const char *cmd, const char *role, const char *account)
{
	return act(cmd, json_pack("{s:s,s:s}", "role", role, "account", account));
}

static json_t *a_slash(const char *account, const char *field, int64_t v)
{
	return act("stake.slash", json_pack("{s:s,s:I,s:s}", "account", account, field,
					    (json_int_t)v, "reason", "misconduct"));
}

static json_t *a_treasury(const char *to, int64_t amount)
{
	return act("treasury.transfer", json_pack("{s:s,s:I}", "to", to, "amount",
						  (json_int_t)amount));
}

static json_t *prop_args(const char *title, json_t *actions)
{
	return json_pack("{s:s,s:o}", "title", title, "actions", actions);
}

static json_t *id_args(int64_t id)
{
	return json_pack("{s:I}", "proposal", (json_int_t)id);
}

static json_t *due_args(void)
{
	return json_pack("{s:i}", "due", 1);
}

static json_t *vote_args(int64_t id, const char *support)
{
	return json_pack("{s:I,s:s}", "proposal", (json_int_t)id, "support", support);
}

/* The record of proposal id as of now (new reference). */
static json_t *prec(gs_store *s, int64_t id, int64_t now)
{
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_msg(gs_proposal_records(s, id, NULL, now, out, &e) == GS_OK,
		      "proposal records: %s", e.msg);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_incref(json_array_get(out, 0));
	json_decref(out);
	ck_assert_str_eq(str(r, "type"), "proposal");
	ck_assert_int_eq(num(r, "id"), id);
	return r;
}

/* Proposal id is in state want at time now. */
#define PSTATE(s, id, now, want) pstate_(s, id, now, want, __LINE__)
static void pstate_(gs_store *s, int64_t id, int64_t now, const char *want, int line)
{
	json_t *r = prec(s, id, now);

	ck_assert_msg(strcmp(str(r, "state"), want) == 0, "line %d: proposal %lld at %lld "
		      "is '%s', want '%s'", line, (long long)id, (long long)now,
		      str(r, "state"), want);
	json_decref(r);
}

/* State, tallies, stake at the snapshot and quorum of proposal id now. */
#define TALLY(s, id, now, state, f, a, ab, total, quorum) \
	tally_(s, id, now, state, (const int64_t[5]){ f, a, ab, total, quorum }, __LINE__)
static void tally_(gs_store *s, int64_t id, int64_t now, const char *state,
		   const int64_t *w, int line)
{
	static const char *const f[] = { "for", "against", "abstain", "total_stake",
					 "quorum" };
	json_t *r = prec(s, id, now);

	ck_assert_msg(strcmp(str(r, "state"), state) == 0, "line %d: proposal %lld is "
		      "'%s', want '%s'", line, (long long)id, str(r, "state"), state);
	for (int i = 0; i < 5; i++)
		ck_assert_msg(num(r, f[i]) == w[i], "line %d: proposal %lld %s = %lld, "
			      "want %lld", line, (long long)id, f[i],
			      (long long)num(r, f[i]), (long long)w[i]);
	json_decref(r);
}

/* Field k of proposal id's record: an integer, or -1 for null. */
static int64_t pfield(gs_store *s, int64_t id, const char *k)
{
	json_t *r = prec(s, id, 0), *v = json_object_get(r, k);
	int64_t x;

	ck_assert_msg(json_is_integer(v) || json_is_null(v), "field %s", k);
	x = json_is_null(v) ? -1 : json_integer_value(v);
	json_decref(r);
	return x;
}

/* The error field of proposal id ("" when null). */
static const char *perror_of(gs_store *s, int64_t id, char *buf, size_t n)
{
	json_t *r = prec(s, id, 0), *v = json_object_get(r, "error");

	ck_assert(json_is_null(v) || json_is_string(v));
	snprintf(buf, n, "%s", json_is_string(v) ? json_string_value(v) : "");
	json_decref(r);
	return buf;
}

/* Ids of the proposals in state at time now, comma-separated. */
#define LIST(s, state, now, want) list_(s, state, now, want, __LINE__)
static void list_(gs_store *s, const char *state, int64_t now, const char *want, int line)
{
	json_t *out = json_array(), *r;
	char buf[128] = "";
	size_t i;
	gs_err e;

	ck_assert_int_eq(gs_proposal_records(s, 0, state, now, out, &e), GS_OK);
	json_array_foreach(out, i, r) {
		size_t l = strlen(buf);
		ck_assert_str_eq(str(r, "state"), state);
		snprintf(buf + l, sizeof buf - l, "%s%lld", i ? "," : "",
			 (long long)num(r, "id"));
	}
	json_decref(out);
	ck_assert_msg(strcmp(buf, want) == 0, "line %d: %s proposals at %lld: '%s', want "
		      "'%s'", line, state, (long long)now, buf, want);
}

/* k proposes actions at time; returns the new id. The tx's record: state,
 * created, snapshot = created + voting_delay_s, vote_end = snapshot +
 * voting_period_s, zero tallies, no queue/execute/cancel times. */
#define PROPOSE(s, k, acts, time) propose_(s, k, acts, time, __LINE__)
static int64_t propose_(gs_store *s, const gs_key *k, json_t *acts, int64_t time, int line)
{
	int64_t delay = param(s, "voting_delay_s"), period = param(s, "voting_period_s"), id;
	json_t *out = NULL, *r;

	OK_OUT(s, k, "dao.propose", prop_args("t", acts), time, &out);
	ck_assert_msg(json_array_size(out) == 1, "line %d: %zu records", line,
		      json_array_size(out));
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "proposal");
	ck_assert_str_eq(str(r, "proposer"), k->name);
	ck_assert_str_eq(str(r, "state"), delay ? "pending" : "active");
	ck_assert_int_eq(num(r, "created"), time);
	ck_assert_int_eq(num(r, "snapshot"), time + delay);
	ck_assert_int_eq(num(r, "vote_end"), time + delay + period);
	ck_assert_int_eq(num(r, "for") + num(r, "against") + num(r, "abstain"), 0);
	ck_assert(json_is_null(json_object_get(r, "queued_at")));
	ck_assert(json_is_null(json_object_get(r, "eta")));
	ck_assert(json_is_null(json_object_get(r, "executed_at")));
	ck_assert(json_is_null(json_object_get(r, "canceled_at")));
	ck_assert(json_is_null(json_object_get(r, "error")));
	id = num(r, "id");
	json_decref(out);
	return id;
}

/* k votes support on id at time; the vote record must carry weight. */
#define VOTE(s, k, id, support, time, weight) vote_(s, k, id, support, time, weight, __LINE__)
static void vote_(gs_store *s, const gs_key *k, int64_t id, const char *support,
		  int64_t time, int64_t weight, int line)
{
	json_t *out = NULL, *r;

	OK_OUT(s, k, "dao.vote", vote_args(id, support), time, &out);
	ck_assert_msg(json_array_size(out) == 1, "line %d: %zu records", line,
		      json_array_size(out));
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "vote");
	ck_assert_int_eq(num(r, "proposal"), id);
	ck_assert_str_eq(str(r, "voter"), k->name);
	ck_assert_str_eq(str(r, "support"), support);
	ck_assert_msg(num(r, "weight") == weight, "line %d: weight %lld, want %lld", line,
		      (long long)num(r, "weight"), (long long)weight);
	ck_assert_int_eq(num(r, "time"), time);
	json_decref(out);
}

/* Queue id at time (by dave, who holds no role); eta must be time + timelock. */
#define QUEUE(s, id, time) queue_(s, id, time, __LINE__)
static void queue_(gs_store *s, int64_t id, int64_t time, int line)
{
	json_t *out = NULL, *r;

	OK_OUT(s, &dave, "dao.queue", id_args(id), time, &out);
	ck_assert_msg(json_array_size(out) == 1, "line %d", line);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "state"), "queued");
	ck_assert_int_eq(num(r, "queued_at"), time);
	ck_assert_msg(num(r, "eta") == time + param(s, "timelock_s"), "line %d: eta", line);
	json_decref(out);
}

/* Execute id at time (by dave); its record (last of the tx) is executed. */
#define EXECUTE(s, id, time) execute_(s, id, time, __LINE__)
static void execute_(gs_store *s, int64_t id, int64_t time, int line)
{
	json_t *out = NULL, *r;

	OK_OUT(s, &dave, "dao.execute", id_args(id), time, &out);
	ck_assert_msg(json_array_size(out) >= 1, "line %d", line);
	r = json_array_get(out, json_array_size(out) - 1);
	ck_assert_str_eq(str(r, "type"), "proposal");
	ck_assert_int_eq(num(r, "id"), id);
	ck_assert_str_eq(str(r, "state"), "executed");
	ck_assert_int_eq(num(r, "executed_at"), time);
	ck_assert(json_is_null(json_object_get(r, "error")));
	json_decref(out);
}

/* alice (2000 staked at TH_T0 + 10, the only stake) proposes acts at T1,
 * votes for, and it is queued at the end of the vote; returns the id. The
 * eta is T1 + PERIOD + TLOCK. */
static int64_t queued_by_alice(gs_store *s, json_t *acts, int64_t *eta)
{
	int64_t id = PROPOSE(s, &alice, acts, T1);

	VOTE(s, &alice, id, "for", T1 + 1, C(2000));
	QUEUE(s, id, T1 + PERIOD);
	*eta = T1 + PERIOD + TLOCK;
	ck_assert_int_eq(pfield(s, id, "eta"), *eta);
	return id;
}

/* ---- the state machine ------------------------------------------------------ */

/* voting_delay_s 600. Stake: alice 2000, bob 1000, carol 3000 (total 6000,
 * quorum ceil(6000 * 400 / 10000) = 240 credits). Five proposals at T1:
 * snapshot T1 + 600, vote end VE = T1 + 600 + 259200.
 *   1 (alice): alice for -> succeeded, queued at VE (eta VE + 172800),
 *     executed at its eta: penalty_bps 20000.
 *   2 (alice): alice for -> succeeded, queued at VE + 100, never executed:
 *     expired after eta2 + 1209600.
 *   3 (carol): canceled by carol while active.
 *   4 (carol): alice for 2000, carol against 3000 -> defeated.
 *   5 (bob): bob for -> succeeded, queued, canceled by the guardian. */
START_TEST(state_machine)
{
	gs_store *s = setup();
	int64_t snapt = T1 + 600, ve = snapt + PERIOD, eta = ve + TLOCK,
		eta2 = ve + 100 + TLOCK, xp = eta2 + GRACE + 1;
	json_t *r;

	set_param(s, "voting_delay_s", 600, TH_T0);
	deposit(s, &alice, C(2000), TH_T0 + 10);
	deposit(s, &bob, C(1000), TH_T0 + 10);
	deposit(s, &carol, C(3000), TH_T0 + 10);
	ck_assert_int_eq(PROPOSE(s, &alice, json_pack("[o]", a_param("penalty_bps", 20000)),
				 T1), 1);
	ck_assert_int_eq(PROPOSE(s, &alice, json_pack("[o]", a_param("dispute_bond", C(20))),
				 T1), 2);
	ck_assert_int_eq(PROPOSE(s, &carol, json_pack("[o]", a_param("oracle_quorum", 2)),
				 T1), 3);
	ck_assert_int_eq(PROPOSE(s, &carol, json_pack("[o]", a_param("oracle_quorum", 3)),
				 T1), 4);
	ck_assert_int_eq(PROPOSE(s, &bob, json_pack("[o]", a_param("gate_closure_s", 600)),
				 T1), 5);

	/* pending until the snapshot */
	LIST(s, "pending", T1, "1,2,3,4,5");
	LIST(s, "pending", snapt - 1, "1,2,3,4,5");
	LIST(s, "active", snapt - 1, "");
	TALLY(s, 1, T1, "pending", 0, 0, 0, C(6000), C(240));
	REFUSE(s, &alice, GS_EREFUSED, "pending", "dao.vote", vote_args(1, "for"),
	       snapt - 1);
	REFUSE(s, &bob, GS_EREFUSED, "pending", "dao.queue", id_args(1), snapt - 1);
	/* with a voting delay the snapshot is the end of its second: still
	 * pending at snapt, active from the next second */
	LIST(s, "pending", snapt, "1,2,3,4,5");
	LIST(s, "active", snapt, "");
	REFUSE(s, &alice, GS_EREFUSED, "pending", "dao.vote", vote_args(1, "for"),
	       snapt);
	LIST(s, "active", snapt + 1, "1,2,3,4,5");
	LIST(s, "pending", snapt + 1, "");
	VOTE(s, &alice, 1, "for", snapt + 1, C(2000));
	VOTE(s, &alice, 2, "for", snapt + 1, C(2000));
	VOTE(s, &alice, 4, "for", snapt + 1, C(2000));
	VOTE(s, &carol, 4, "against", snapt + 2, C(3000));
	VOTE(s, &bob, 5, "for", snapt + 2, C(1000));
	/* only the proposer or a guardian cancels */
	REFUSE(s, &erin, GS_EPERM, "guardian", "dao.cancel", id_args(3), snapt + 50);
	REFUSE(s, &alice, GS_EPERM, "guardian", "dao.cancel", id_args(3), snapt + 50);
	OK(s, &carol, "dao.cancel", id_args(3), snapt + 100);
	PSTATE(s, 3, snapt + 100, "canceled");
	ck_assert_int_eq(pfield(s, 3, "canceled_at"), snapt + 100);
	REFUSE(s, &carol, GS_EALREADY, "already canceled", "dao.cancel", id_args(3),
	       snapt + 101);
	REFUSE(s, &alice, GS_EREFUSED, "canceled", "dao.vote", vote_args(3, "for"),
	       snapt + 101);
	LIST(s, "active", snapt + 100, "1,2,4,5");
	LIST(s, "canceled", snapt + 100, "3");
	REFUSE(s, &dave, GS_EREFUSED, "active", "dao.queue", id_args(1), ve - 1);
	TALLY(s, 1, ve - 1, "active", C(2000), 0, 0, C(6000), C(240));
	TALLY(s, 4, ve - 1, "active", C(2000), C(3000), 0, C(6000), C(240));

	/* the vote ends at VE */
	TALLY(s, 1, ve, "succeeded", C(2000), 0, 0, C(6000), C(240));
	TALLY(s, 4, ve, "defeated", C(2000), C(3000), 0, C(6000), C(240));
	LIST(s, "succeeded", ve, "1,2,5");
	LIST(s, "defeated", ve, "4");
	LIST(s, "active", ve, "");
	REFUSE(s, &bob, GS_EREFUSED, "not open for votes", "dao.vote", vote_args(1, "against"),
	       ve);
	REFUSE(s, &carol, GS_EREFUSED, "can no longer be canceled", "dao.cancel",
	       id_args(4), ve);
	QUEUE(s, 1, ve);
	QUEUE(s, 5, ve);
	REFUSE(s, &dave, GS_EREFUSED, "defeated", "dao.queue", id_args(4), ve);
	REFUSE(s, &dave, GS_EREFUSED, "canceled", "dao.queue", id_args(3), ve);
	REFUSE(s, &dave, GS_EALREADY, "already queued", "dao.queue", id_args(1), ve + 50);
	QUEUE(s, 2, ve + 100);
	r = prec(s, 1, ve + 100);
	ck_assert_str_eq(str(r, "state"), "queued");
	ck_assert_int_eq(num(r, "queued_at"), ve);
	ck_assert_int_eq(num(r, "eta"), eta);
	ck_assert(json_is_null(json_object_get(r, "executed_at")));
	json_decref(r);
	LIST(s, "queued", ve + 100, "1,2,5");

	/* the proposer can no longer cancel a queued proposal; the guardian can */
	REFUSE(s, &bob, GS_EREFUSED, "guardian can", "dao.cancel", id_args(5), ve + 200);
	OK(s, &admin, "dao.cancel", id_args(5), ve + 200);
	PSTATE(s, 5, ve + 200, "canceled");

	/* timelock */
	REFUSE(s, &dave, GS_EREFUSED, "timelocked", "dao.execute", id_args(1), eta - 1);
	ck_assert_int_eq(param(s, "penalty_bps"), 15000);
	EXECUTE(s, 1, eta);
	ck_assert_int_eq(param(s, "penalty_bps"), 20000);
	REFUSE(s, &dave, GS_EALREADY, "already executed", "dao.execute", id_args(1), eta + 1);
	REFUSE(s, &admin, GS_EREFUSED, "executed", "dao.cancel", id_args(1), eta + 1);
	REFUSE(s, &dave, GS_EREFUSED, "canceled", "dao.execute", id_args(5), eta + 1);

	/* expiry: queued through eta2 + grace, expired one second later */
	PSTATE(s, 2, eta2 + GRACE, "queued");
	PSTATE(s, 2, xp, "expired");
	REFUSE(s, &dave, GS_EREFUSED, "expired", "dao.execute", id_args(2), xp);
	ck_assert_int_eq(param(s, "dispute_bond"), C(10));
	PSTATE(s, 1, xp, "executed");
	LIST(s, "executed", xp, "1");
	LIST(s, "expired", xp, "2");
	LIST(s, "canceled", xp, "3,5");
	LIST(s, "defeated", xp, "4");
	LIST(s, "queued", xp, "");
	finish(s);
}
END_TEST

/* ---- voting power ------------------------------------------------------------ */

/* voting_delay_s 0: the snapshot is the proposal's own tx. alice 2000 and
 * carol 500 staked before T1; in T1's second after the proposal bob
 * deposits 1000 (no votes at all) and carol 300 (her weight stays 500).
 * Total at the snapshot 2500, quorum 100. alice's vote moves from for to
 * against to abstain; the same vote again changes nothing. */
START_TEST(power_at_snapshot)
{
	gs_store *s = setup();
	int64_t rows, ve = T1 + PERIOD;
	json_t *out = json_array(), *r;
	gs_err e;

	deposit(s, &alice, C(2000), TH_T0 + 10);
	deposit(s, &carol, C(500), TH_T0 + 10);
	ck_assert_int_eq(PROPOSE(s, &alice, json_pack("[o]", a_param("penalty_bps", 20000)),
				 T1), 1);
	deposit(s, &bob, C(1000), T1);
	deposit(s, &carol, C(300), T1);
	REFUSE(s, &bob, GS_EREFUSED, "no stake at the snapshot", "dao.vote",
	       vote_args(1, "for"), T1);
	REFUSE(s, &erin, GS_EREFUSED, "no stake at the snapshot", "dao.vote",
	       vote_args(1, "for"), T1);
	VOTE(s, &carol, 1, "for", T1 + 1, C(500));
	TALLY(s, 1, T1 + 1, "active", C(500), 0, 0, C(2500), C(100));
	VOTE(s, &alice, 1, "for", T1 + 2, C(2000));
	TALLY(s, 1, T1 + 2, "active", C(2500), 0, 0, C(2500), C(100));
	VOTE(s, &alice, 1, "against", T1 + 3, C(2000));
	TALLY(s, 1, T1 + 3, "active", C(500), C(2000), 0, C(2500), C(100));
	rows = th_journal_rows(s);
	REFUSE(s, &alice, GS_EALREADY, "already votes against", "dao.vote",
	       vote_args(1, "against"), T1 + 4);
	ck_assert_int_eq(th_journal_rows(s), rows);
	TALLY(s, 1, T1 + 4, "active", C(500), C(2000), 0, C(2500), C(100));
	REFUSE(s, &alice, GS_EINPUT, "support", "dao.vote", vote_args(1, "maybe"), T1 + 4);
	REFUSE(s, &alice, GS_EINPUT, "unknown proposal", "dao.vote", vote_args(2, "for"),
	       T1 + 4);
	VOTE(s, &alice, 1, "abstain", T1 + 5, C(2000));
	TALLY(s, 1, T1 + 5, "active", C(500), 0, C(2000), C(2500), C(100));

	ck_assert_int_eq(gs_vote_records(s, 1, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "voter"), "alice");
	ck_assert_str_eq(str(r, "support"), "abstain");
	ck_assert_int_eq(num(r, "weight"), C(2000));
	ck_assert_int_eq(num(r, "time"), T1 + 5);
	r = json_array_get(out, 1);
	ck_assert_str_eq(str(r, "voter"), "carol");
	ck_assert_str_eq(str(r, "support"), "for");
	ck_assert_int_eq(num(r, "weight"), C(500));
	json_decref(out);
	/* for 500 > against 0, for + abstain 2500 >= 100 */
	TALLY(s, 1, ve, "succeeded", C(500), 0, C(2000), C(2500), C(100));
	finish(s);
}
END_TEST

/* voting_delay_s 3600: stake deposited between the proposal (T1) and its
 * snapshot (T1 + 3600) counts, stake deposited after it does not. alice
 * 2000 and bob 1000 before T1, dave 700 at T1 + 100, erin 400 at
 * T1 + 3601: total 3700, quorum 148. */
START_TEST(power_with_delay)
{
	gs_store *s = setup();
	int64_t snapt = T1 + 3600;
	int64_t st = -1;
	gs_err e;

	set_param(s, "voting_delay_s", 3600, TH_T0);
	deposit(s, &alice, C(2000), TH_T0 + 10);
	deposit(s, &bob, C(1000), TH_T0 + 10);
	ck_assert_int_eq(PROPOSE(s, &alice, json_pack("[o]", a_param("penalty_bps", 20000)),
				 T1), 1);
	TALLY(s, 1, T1, "pending", 0, 0, 0, C(3000), C(120));
	deposit(s, &dave, C(700), T1 + 100);
	REFUSE(s, &dave, GS_EREFUSED, "pending", "dao.vote", vote_args(1, "for"),
	       snapt);
	deposit(s, &erin, C(400), snapt + 1);
	VOTE(s, &dave, 1, "for", snapt + 1, C(700));
	REFUSE(s, &erin, GS_EREFUSED, "no stake at the snapshot", "dao.vote",
	       vote_args(1, "for"), snapt + 2);
	VOTE(s, &bob, 1, "against", snapt + 3, C(1000));
	VOTE(s, &alice, 1, "for", snapt + 4, C(2000));
	TALLY(s, 1, snapt + 4, "active", C(2700), C(1000), 0, C(3700), C(148));
	/* the snapshot as gs_stake_at reads it */
	ck_assert_int_eq(gs_stake_at(s, "*", snapt, INT64_MAX, &st, &e), GS_OK);
	ck_assert_int_eq(st, C(3700));
	ck_assert_int_eq(gs_stake_at(s, "erin", snapt, INT64_MAX, &st, &e), GS_OK);
	ck_assert_int_eq(st, 0);
	ck_assert_int_eq(gs_stake_at(s, "dave", snapt, INT64_MAX, &st, &e), GS_OK);
	ck_assert_int_eq(st, C(700));
	TALLY(s, 1, snapt + PERIOD, "succeeded", C(2700), C(1000), 0, C(3700), C(148));
	finish(s);
}
END_TEST

/* voting_delay_s 3600 and the snapshot second: votes open only after it,
 * so every change made in that second (dave, 700 staked, slashed to 0 at
 * the snapshot time) is in the snapshot before anyone votes: dave's vote
 * at the snapshot time is refused (pending), after it he has no stake at
 * the snapshot. */
START_TEST(snapshot_second)
{
	gs_store *s = setup();
	int64_t snapt = T1 + 3600, st = -1;
	gs_err e;

	set_param(s, "voting_delay_s", 3600, TH_T0);
	deposit(s, &alice, C(2000), TH_T0 + 10);
	deposit(s, &dave, C(700), TH_T0 + 10);
	ck_assert_int_eq(PROPOSE(s, &alice, json_pack("[o]", a_param("penalty_bps", 20000)),
				 T1), 1);
	REFUSE(s, &dave, GS_EREFUSED, "pending", "dao.vote", vote_args(1, "for"), snapt);
	OK(s, &admin, "stake.slash", json_pack("{s:s,s:I,s:s}", "account", "dave", "amount",
					       (json_int_t)C(700), "reason", "x"), snapt);
	ck_assert_int_eq(gs_stake_at(s, "dave", snapt, INT64_MAX, &st, &e), GS_OK);
	ck_assert_int_eq(st, 0);
	REFUSE(s, &dave, GS_EREFUSED, "no stake at the snapshot", "dao.vote",
	       vote_args(1, "for"), snapt + 1);
	ck_assert_int_eq(pfield(s, 1, "total_stake"), C(2000));
	finish(s);
}
END_TEST

/* ---- quorum ---------------------------------------------------------------------- */

/* Proposal 1: bob 24000 (proposer, no vote), dave 600 for, alice 400
 * abstain: for + abstain = 1000 = exactly 400 bps of 25000 -> succeeded.
 * Then the admin slashes 1 base unit of dave's stake and bob deposits 1
 * more: total still 25000, for + abstain 1000 - 1 base unit -> proposal
 * 2 defeated. Proposal 3: bob abstains (quorum easily met), dave for
 * 599.999999, carol (599.999999 deposited) against: for == against ->
 * defeated; proposal 4 alike with carol abstaining and alice against
 * (400): for > against -> succeeded. */
START_TEST(quorum_boundary)
{
	gs_store *s = setup();
	int64_t t2 = T1 + 10, t3 = T1 + 20, d = C(600) - 1;

	deposit(s, &bob, C(24000), TH_T0 + 10);
	deposit(s, &dave, C(600), TH_T0 + 10);
	deposit(s, &alice, C(400), TH_T0 + 10);
	ck_assert_int_eq(PROPOSE(s, &bob, json_pack("[o]", a_param("penalty_bps", 16000)),
				 T1), 1);
	VOTE(s, &dave, 1, "for", T1 + 1, C(600));
	VOTE(s, &alice, 1, "abstain", T1 + 1, C(400));

	OK(s, &admin, "stake.slash", json_pack("{s:s,s:I,s:s}", "account", "dave", "amount",
					       (json_int_t)1, "reason", "test"), T1 + 5);
	deposit(s, &bob, 1, T1 + 5);
	STAKE(s, "dave", d, 0, 0, 0);
	ck_assert_int_eq(PROPOSE(s, &bob, json_pack("[o]", a_param("penalty_bps", 17000)),
				 t2), 2);
	VOTE(s, &dave, 2, "for", t2 + 1, d);
	VOTE(s, &alice, 2, "abstain", t2 + 1, C(400));

	deposit(s, &carol, d, t3 - 1);
	ck_assert_int_eq(PROPOSE(s, &bob, json_pack("[o]", a_param("penalty_bps", 18000)),
				 t3), 3);
	ck_assert_int_eq(PROPOSE(s, &bob, json_pack("[o]", a_param("penalty_bps", 19000)),
				 t3), 4);
	VOTE(s, &bob, 3, "abstain", t3 + 1, C(24000) + 1);
	VOTE(s, &dave, 3, "for", t3 + 1, d);
	VOTE(s, &carol, 3, "against", t3 + 1, d);
	VOTE(s, &bob, 4, "abstain", t3 + 1, C(24000) + 1);
	VOTE(s, &dave, 4, "for", t3 + 1, d);
	VOTE(s, &carol, 4, "abstain", t3 + 1, d);
	VOTE(s, &alice, 4, "against", t3 + 1, C(400));

	TALLY(s, 1, T1 + PERIOD, "succeeded", C(600), 0, C(400), C(25000), C(1000));
	TALLY(s, 2, t2 + PERIOD, "defeated", d, 0, C(400), C(25000), C(1000));
	/* total 25000 + 599.999999: quorum ceil(1023.99999996) = 1024 */
	TALLY(s, 3, t3 + PERIOD, "defeated", d, d, C(24000) + 1, C(25600) - 1, C(1024));
	TALLY(s, 4, t3 + PERIOD, "succeeded", d, C(400), C(24000) + 1 + d, C(25600) - 1,
	      C(1024));
	QUEUE(s, 1, t3 + PERIOD);
	REFUSE(s, &dave, GS_EREFUSED, "defeated", "dao.queue", id_args(2), t3 + PERIOD);
	REFUSE(s, &dave, GS_EREFUSED, "defeated", "dao.queue", id_args(3), t3 + PERIOD);
	QUEUE(s, 4, t3 + PERIOD);
	finish(s);
}
END_TEST

/* ---- execution ------------------------------------------------------------------ */

/* params.set penalty_bps 20000, then a treasury.transfer of 5 credits
 * out of an empty treasury: accepted at propose time (a refusal of the
 * state), refused at execution as a whole: penalty_bps stays 15000 and
 * the proposal stays queued. */
START_TEST(execute_atomic)
{
	gs_store *s = setup();
	int64_t id, eta;
	char buf[600];

	deposit(s, &alice, C(2000), TH_T0 + 10);
	id = queued_by_alice(s, json_pack("[o,o]", a_param("penalty_bps", 20000),
					  a_treasury("bob", C(5))), &eta);
	BAL(s, "treasury", 0, 0);
	REFUSE(s, &dave, GS_EREFUSED, "proposal 1: action 2 (treasury.transfer): ",
	       "dao.execute", id_args(id), eta);
	ck_assert_int_eq(param(s, "penalty_bps"), 15000);
	PSTATE(s, id, eta, "queued");
	ck_assert_str_eq(perror_of(s, id, buf, sizeof buf), "");
	BAL(s, "bob", FUNDS, 0);
	finish(s);
}
END_TEST

/* Two proposals due at the same eta: 1 sets oracle_quorum 2 and pays 5
 * credits out of an empty treasury, 2 sets penalty_bps 20000.
 * dao.execute {due: 1} executes 2 and keeps 1 queued with its error, its
 * first action rolled back.
 * Once bob has paid 5 credits into the treasury, 1 executes and its error
 * is cleared. */
START_TEST(execute_due)
{
	gs_store *s = setup();
	int64_t ve = T1 + PERIOD, eta = ve + TLOCK;
	json_t *out = NULL, *r;
	char buf[600];

	deposit(s, &alice, C(2000), TH_T0 + 10);
	ck_assert_int_eq(PROPOSE(s, &alice, json_pack("[o,o]", a_param("oracle_quorum", 2),
						      a_treasury("bob", C(5))), T1), 1);
	ck_assert_int_eq(PROPOSE(s, &alice, json_pack("[o]", a_param("penalty_bps", 20000)),
				 T1), 2);
	VOTE(s, &alice, 1, "for", T1 + 1, C(2000));
	VOTE(s, &alice, 2, "for", T1 + 1, C(2000));
	REFUSE(s, &dave, GS_EALREADY, "no proposal is due", "dao.queue", due_args(), ve - 1);
	OK(s, &dave, "dao.queue", due_args(), ve);
	LIST(s, "queued", ve, "1,2");
	ck_assert_int_eq(pfield(s, 1, "eta"), eta);
	ck_assert_int_eq(pfield(s, 2, "eta"), eta);
	REFUSE(s, &dave, GS_EALREADY, "no proposal is due", "dao.execute", due_args(),
	       eta - 1);

	OK_OUT(s, &dave, "dao.execute", due_args(), eta, &out);
	r = json_array_get(out, json_array_size(out) - 1);
	ck_assert_str_eq(str(r, "type"), "proposal");
	ck_assert_int_eq(num(r, "id"), 2);
	ck_assert_str_eq(str(r, "state"), "executed");
	json_decref(out);
	ck_assert_int_eq(param(s, "penalty_bps"), 20000);
	PSTATE(s, 2, eta, "executed");
	PSTATE(s, 1, eta, "queued");
	ck_assert_ptr_nonnull(strstr(perror_of(s, 1, buf, sizeof buf),
				     "proposal 1: action 2 (treasury.transfer): "));
	ck_assert_int_eq(pfield(s, 1, "executed_at"), -1);
	ck_assert_int_eq(param(s, "oracle_quorum"), 1);
	BAL(s, "bob", FUNDS, 0);

	OK(s, &bob, "token.transfer", json_pack("{s:s,s:I}", "to", "treasury", "amount",
						(json_int_t)C(5)), eta + 10);
	BAL(s, "treasury", C(5), 0);
	OK(s, &dave, "dao.execute", due_args(), eta + 20);
	PSTATE(s, 1, eta + 20, "executed");
	ck_assert_int_eq(pfield(s, 1, "executed_at"), eta + 20);
	ck_assert_str_eq(perror_of(s, 1, buf, sizeof buf), "");
	ck_assert_int_eq(param(s, "oracle_quorum"), 2);
	BAL(s, "treasury", 0, 0);
	BAL(s, "bob", FUNDS, 0);	/* paid 5 in, got 5 back */
	REFUSE(s, &dave, GS_EALREADY, "no proposal is due", "dao.execute", due_args(),
	       eta + 30);
	finish(s);
}
END_TEST

/* The records of a due execution report what the tx did: proposal 1's
 * params.set oracle_quorum 2 is rolled back with it (its second action
 * fails), so the tx reports proposal 2's param record and proposal 2,
 * not a param record of oracle_quorum. */
START_TEST(execute_due_records)
{
	gs_store *s = setup();
	int64_t ve = T1 + PERIOD, eta = ve + TLOCK;
	json_t *out = NULL, *r;
	size_t i;

	deposit(s, &alice, C(2000), TH_T0 + 10);
	ck_assert_int_eq(PROPOSE(s, &alice, json_pack("[o,o]", a_param("oracle_quorum", 2),
						      a_treasury("bob", C(5))), T1), 1);
	ck_assert_int_eq(PROPOSE(s, &alice, json_pack("[o]", a_param("penalty_bps", 20000)),
				 T1), 2);
	VOTE(s, &alice, 1, "for", T1 + 1, C(2000));
	VOTE(s, &alice, 2, "for", T1 + 1, C(2000));
	OK(s, &dave, "dao.queue", due_args(), ve);
	OK_OUT(s, &dave, "dao.execute", due_args(), eta, &out);
	ck_assert_int_eq(param(s, "oracle_quorum"), 1);
	json_array_foreach(out, i, r)
		ck_assert_msg(strcmp(str(r, "type"), "param") != 0 ||
			      strcmp(str(r, "name"), "oracle_quorum") != 0,
			      "record %zu: the rolled-back oracle_quorum change is reported", i);
	/* proposal 1's error, then proposal 2: param penalty_bps, proposal */
	ck_assert_uint_eq(json_array_size(out), 3);
	ck_assert_str_eq(str(json_array_get(out, 0), "type"), "proposal_error");
	ck_assert_int_eq(num(json_array_get(out, 0), "proposal"), 1);
	ck_assert_str_eq(str(json_array_get(out, 1), "name"), "penalty_bps");
	json_decref(out);
	finish(s);
}
END_TEST

/* A single due proposal whose execution fails: dao.execute {due: 1}
 * must keep its error on the proposal (spec: "a failing execution is
 * rolled back and its error kept in the proposal's error field"). */
START_TEST(execute_due_lone_failure)
{
	gs_store *s = setup();
	int64_t id, eta;
	char buf[600];
	int status = -1, rc;
	gs_err e;

	deposit(s, &alice, C(2000), TH_T0 + 10);
	id = queued_by_alice(s, json_pack("[o]", a_treasury("bob", C(5))), &eta);
	rc = th_apply_status(s, &dave, "dao.execute", due_args(), eta, &status, NULL, &e);
	ck_assert_int_eq(rc, GS_OK);
	PSTATE(s, id, eta, "queued");
	ck_assert_msg(strstr(perror_of(s, id, buf, sizeof buf),
			     "proposal 1: action 1 (treasury.transfer): ") != NULL,
		      "the error of proposal 1 was not kept (status %d, '%s')", status,
		      e.msg);
	finish(s);
}
END_TEST

/* One proposal, four actions in order: role.grant operator to bob;
 * slash carol 100 credits (of 3000); slash dave 2500 bps of his 1000
 * (250, from his free 800; his 200 unbonding stay); pay erin 300 of the
 * treasury's 350. Treasury 50 afterwards, supply unchanged. */
START_TEST(execute_actions)
{
	gs_store *s = setup();
	int64_t id, eta, sup;
	json_t *out = NULL, *r;
	size_t i, slashes = 0;

	deposit(s, &alice, C(2000), TH_T0 + 10);
	deposit(s, &carol, C(3000), TH_T0 + 10);
	deposit(s, &dave, C(1000), TH_T0 + 10);
	OK(s, &dave, "stake.request_withdraw", json_pack("{s:I}", "amount",
							 (json_int_t)C(200)), TH_T0 + 20);
	STAKE(s, "dave", C(1000), 0, C(200), 0);
	ck_assert_int_eq(has_role(s, "bob", "operator"), 0);
	id = PROPOSE(s, &alice, json_pack("[o,o,o,o]", a_role("role.grant", "operator", "bob"),
					  a_slash("carol", "amount", C(100)),
					  a_slash("dave", "bps", 2500),
					  a_treasury("erin", C(300))), T1);
	/* alice 2000 of 6000 (quorum 240) */
	VOTE(s, &alice, id, "for", T1 + 1, C(2000));
	QUEUE(s, id, T1 + PERIOD);
	eta = T1 + PERIOD + TLOCK;
	sup = supply(s);

	OK_OUT(s, &dave, "dao.execute", id_args(id), eta, &out);
	json_array_foreach(out, i, r)
		if (strcmp(str(r, "type"), "slash") == 0) {
			ck_assert_str_eq(str(r, "account"), slashes ? "dave" : "carol");
			ck_assert_int_eq(num(r, "amount"), slashes ? C(250) : C(100));
			slashes++;
		}
	ck_assert_uint_eq(slashes, 2);
	r = json_array_get(out, json_array_size(out) - 1);
	ck_assert_str_eq(str(r, "state"), "executed");
	json_decref(out);

	ck_assert_int_eq(has_role(s, "bob", "operator"), 1);
	STAKE(s, "carol", C(2900), 0, 0, 0);
	STAKE(s, "dave", C(750), 0, C(200), 0);
	STAKE(s, "alice", C(2000), 0, 0, 0);
	BAL(s, "treasury", C(50), 0);
	BAL(s, "erin", FUNDS + C(300), 0);
	BAL(s, "vault", C(2000) + C(2900) + C(750), 0);
	ck_assert_int_eq(supply(s), sup);
	PSTATE(s, id, eta + PERIOD + GRACE, "executed");
	finish(s);
}
END_TEST

/* ---- the market: oracle.amend, dispute.resolve ---------------------------------- */

static json_t *slot_args(int64_t slot)
{
	return json_pack("{s:I}", "slot", (json_int_t)slot);
}

/* The worked example of DESIGN 8 computed at T_FINAL(SL): orc (oracle,
 * 200 staked), alice (500 staked) sells 2000 Wh on panel 1 at 0.11,
 * bob buys 1500 and dave 500; panel 1 produced 1600 Wh. erin stakes 2000
 * to propose: total stake 2700, quorum 108. */
static gs_store *we_computed(void)
{
	gs_store *s = setup();
	json_t *out = json_array(), *r;
	gs_err e;

	OK(s, &admin, "admin.grant", json_pack("{s:s,s:s}", "role", "oracle", "account",
					       "orc"), TH_T0);
	deposit(s, &orc, C(200), TH_T0);
	OK(s, &admin, "panel.register", json_pack("{s:[{s:s,s:i}]}", "items", "owner",
						  "alice", "capacity_w", 80000), TH_T0);
	deposit(s, &alice, C(500), TH_T0 + 50);
	deposit(s, &erin, C(2000), TH_T0 + 50);
	OK(s, &alice, "auction.order", json_pack("{s:I,s:s,s:i,s:i,s:i}", "slot",
		(json_int_t)SL, "side", "sell", "price", 110000, "qty_wh", 2000, "panel", 1),
	   T_ORDER);
	OK(s, &bob, "auction.order", json_pack("{s:I,s:s,s:i,s:i}", "slot", (json_int_t)SL,
		"side", "buy", "price", 110000, "qty_wh", 1500), T_ORDER);
	OK(s, &dave, "auction.order", json_pack("{s:I,s:s,s:i,s:i}", "slot", (json_int_t)SL,
		"side", "buy", "price", 110000, "qty_wh", 500), T_ORDER);
	OK(s, &admin, "auction.clear", slot_args(SL), GATE(SL));
	OK(s, &orc, "oracle.report", json_pack("{s:i,s:I,s:i}", "panel", 1, "slot",
					       (json_int_t)SL, "wh", 1600), T_REPORT(SL));
	OK(s, &admin, "oracle.finalize", slot_args(SL), T_FINAL(SL));
	OK(s, &admin, "settle.compute", slot_args(SL), T_FINAL(SL));
	ck_assert_int_eq(gs_settlement_record(s, SL, out, &e), GS_OK);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "state"), "computed");
	ck_assert_int_eq(num(r, "delivered_wh"), 1600);
	ck_assert_int_eq(num(r, "penalties"), 66000);
	json_decref(out);
	return s;
}

/* State of slot SL's settlement. */
static const char *sstate(gs_store *s, char buf[16])
{
	json_t *out = json_array();
	gs_err e;

	ck_assert_int_eq(gs_settlement_record(s, SL, out, &e), GS_OK);
	snprintf(buf, 16, "%s", str(json_array_get(out, 0), "state"));
	json_decref(out);
	return buf;
}

/* Position of who in SL: delivered, shortfall, paid, received, penalty,
 * net. */
#define POS(s, who, ...) pos_(s, who, (const int64_t[6]){ __VA_ARGS__ }, __LINE__)
static void pos_(gs_store *s, const char *who, const int64_t *w, int line)
{
	static const char *const f[] = { "delivered_wh", "shortfall_wh", "paid",
					 "received", "penalty", "net" };
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_int_eq(gs_position_records(s, SL, who, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	for (int i = 0; i < 6; i++)
		ck_assert_msg(num(r, f[i]) == w[i], "line %d: %s %s = %lld, want %lld", line,
			      who, f[i], (long long)num(r, f[i]), (long long)w[i]);
	json_decref(out);
}

/* oracle.amend of panel 1 in SL to 2000 Wh by an executed proposal:
 * the computed settlement is reopened, a new compute delivers in full
 * (alice receives 220000, bob pays 165000, dave 55000, no penalty) and
 * finalizes so. */
START_TEST(oracle_amend)
{
	gs_store *s = we_computed();
	int64_t tp = T_FINAL(SL) + 10, eta = tp + PERIOD + TLOCK, tc = eta + 10, sup;
	json_t *out = json_array(), *acts;
	char buf[16];
	gs_err e;

	acts = json_pack("[{s:s,s:{s:i,s:I,s:i}}]", "cmd", "oracle.amend", "args", "panel", 1,
			 "slot", (json_int_t)SL, "wh", 2000);
	ck_assert_int_eq(PROPOSE(s, &erin, acts, tp), 1);
	ck_assert_str_eq(sstate(s, buf), "computed");	/* the dry run left no trace */
	VOTE(s, &erin, 1, "for", tp + 1, C(2000));
	TALLY(s, 1, tp + PERIOD, "succeeded", C(2000), 0, 0, C(2700), C(108));
	QUEUE(s, 1, tp + PERIOD);
	sup = supply(s);
	EXECUTE(s, 1, eta);
	ck_assert_str_eq(sstate(s, buf), "reopened");
	ck_assert_int_eq(gs_position_records(s, SL, NULL, out, &e), GS_EREFUSED);
	ck_assert_int_eq(gs_production_records(s, SL, 1, 0, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	ck_assert_int_eq(num(json_array_get(out, 0), "wh"), 2000);
	ck_assert_str_eq(str(json_array_get(out, 0), "status"), "final");
	json_decref(out);
	OK(s, &admin, "settle.compute", slot_args(SL), tc);
	POS(s, "alice", 2000, 0, 0, 220000, 0, 220000);
	POS(s, "bob", 1500, 0, 165000, 0, 0, -165000);
	POS(s, "dave", 500, 0, 55000, 0, 0, -55000);
	OK(s, &admin, "settle.finalize", slot_args(SL), tc + WIN);
	ck_assert_str_eq(sstate(s, buf), "final");
	BAL(s, "alice", FUNDS - C(500) + 220000, 0);
	BAL(s, "bob", FUNDS - 165000, 0);
	BAL(s, "dave", FUNDS - 55000, 0);
	STAKE(s, "alice", C(500), 0, 0, 0);
	BAL(s, "treasury", 0, 0);
	ck_assert_int_eq(supply(s), sup);
	/* a settled slot never changes: a second amendment fails at execution */
	acts = json_pack("[{s:s,s:{s:i,s:I,s:i}}]", "cmd", "oracle.amend", "args", "panel", 1,
			 "slot", (json_int_t)SL, "wh", 100);
	ck_assert_int_eq(PROPOSE(s, &erin, acts, tc + WIN + 10), 2);
	VOTE(s, &erin, 2, "for", tc + WIN + 11, C(2000));
	QUEUE(s, 2, tc + WIN + 10 + PERIOD);
	REFUSE(s, &dave, GS_EREFUSED, "action 1 (oracle.amend): slot", "dao.execute",
	       id_args(2), tc + WIN + 10 + PERIOD + TLOCK);
	finish(s);
}
END_TEST

/* bob disputes the computed slot (bond 10 credits); a proposal rejects
 * the dispute: the bond goes to treasury, the slot is computed again and
 * finalizes as the worked example (nets +110000, -82500, -27500). */
START_TEST(dispute_resolve)
{
	gs_store *s = we_computed();
	int64_t tp = T_FINAL(SL) + 200, eta = tp + PERIOD + TLOCK, did;
	json_t *out = NULL, *acts;
	char buf[16];
	gs_err e;

	OK_OUT(s, &bob, "settle.dispute", json_pack("{s:I,s:s}", "slot", (json_int_t)SL,
						    "reason", "meter"), T_FINAL(SL) + 100, &out);
	did = num(json_array_get(out, 0), "id");
	json_decref(out);
	ck_assert_str_eq(sstate(s, buf), "disputed");
	BAL(s, "bob", FUNDS - 165000 - BOND, 165000 + BOND);
	/* an unknown dispute is malformed */
	acts = json_pack("[{s:s,s:{s:I,s:b}}]", "cmd", "dispute.resolve", "args", "dispute",
			 (json_int_t)(did + 1), "uphold", 0);
	REFUSE(s, &erin, GS_EINPUT, "action 1 (dispute.resolve): unknown dispute",
	       "dao.propose", prop_args("t", acts), tp);
	acts = json_pack("[{s:s,s:{s:I,s:b}}]", "cmd", "dispute.resolve", "args", "dispute",
			 (json_int_t)did, "uphold", 0);
	ck_assert_int_eq(PROPOSE(s, &erin, acts, tp), 1);
	ck_assert_str_eq(sstate(s, buf), "disputed");
	VOTE(s, &erin, 1, "for", tp + 1, C(2000));
	QUEUE(s, 1, tp + PERIOD);
	EXECUTE(s, 1, eta);
	out = json_array();
	ck_assert_int_eq(gs_dispute_records(s, did, -1, out, &e), GS_OK);
	ck_assert_str_eq(str(json_array_get(out, 0), "state"), "rejected");
	json_decref(out);
	ck_assert_str_eq(sstate(s, buf), "computed");
	BAL(s, "treasury", BOND, 0);
	BAL(s, "bob", FUNDS - 165000 - BOND, 165000);
	OK(s, &admin, "settle.finalize", slot_args(SL), eta + 10);
	ck_assert_str_eq(sstate(s, buf), "final");
	POS(s, "alice", 1600, 400, 0, 176000, 66000, 110000);
	POS(s, "bob", 1200, 0, 132000, 0, 0, -82500);
	BAL(s, "bob", FUNDS - 82500 - BOND, 0);
	BAL(s, "dave", FUNDS - 27500, 0);
	BAL(s, "alice", FUNDS - C(500) + 176000, 0);
	STAKE(s, "alice", C(500) - 66000, 0, 0, 0);
	finish(s);
}
END_TEST

/* ---- validation at propose --------------------------------------------------- */

#define BAD(s, k, code, needle, acts) \
	REFUSE(s, k, code, needle, "dao.propose", prop_args("t", acts), T1)

START_TEST(propose_validation)
{
	gs_store *s = setup();
	json_t *r;

	deposit(s, &alice, C(2000), TH_T0 + 10);
	deposit(s, &bob, C(1000) - 1, TH_T0 + 10);
	deposit(s, &carol, C(1000), TH_T0 + 10);
	/* malformed */
	BAD(s, &alice, GS_EINPUT, "actions", json_object());
	BAD(s, &alice, GS_EINPUT, "actions", json_array());
	BAD(s, &alice, GS_EINPUT, "actions", json_string("params.set"));
	REFUSE(s, &alice, GS_EINPUT, "actions", "dao.propose", json_pack("{s:s}", "title",
									  "t"), T1);
	REFUSE(s, &alice, GS_EINPUT, "title", "dao.propose", json_pack("{s:s,s:[o]}", "title",
	       "", "actions", a_param("penalty_bps", 1)), T1);
	BAD(s, &alice, GS_EINPUT, "action 1: must be", json_pack("[{s:{}}]", "args"));
	BAD(s, &alice, GS_EINPUT, "action 1: must be", json_pack("[{s:s}]", "cmd",
								  "params.set"));
	BAD(s, &alice, GS_EINPUT, "action 1: must be", json_pack("[{s:s,s:[]}]", "cmd",
								  "params.set", "args"));
	BAD(s, &alice, GS_EINPUT, "action 1: must be", json_pack("[s]", "params.set"));
	BAD(s, &alice, GS_EINPUT, "action 2: must be",
	    json_pack("[o,{s:s,s:{},s:i}]", a_param("penalty_bps", 1), "cmd", "params.set",
		      "args", "extra", 1));
	BAD(s, &alice, GS_EINPUT, "action 1: unknown command 'token.mint'",
	    json_pack("[o]", act("token.mint", json_pack("{s:s,s:i}", "to", "alice",
							 "amount", 1))));
	BAD(s, &alice, GS_EINPUT, "unknown command 'admin.grant'",
	    json_pack("[o]", a_role("admin.grant", "operator", "bob")));
	BAD(s, &alice, GS_EINPUT, "action 1 (params.set): unknown parameter 'nope'",
	    json_pack("[o]", a_param("nope", 1)));
	BAD(s, &alice, GS_EINPUT, "action 2 (params.set): parameter 'quorum_bps' must be",
	    json_pack("[o,o]", a_param("penalty_bps", 1), a_param("quorum_bps", 10001)));
	BAD(s, &alice, GS_EINPUT, "action 1 (role.grant): unknown account 'zed'",
	    json_pack("[o]", a_role("role.grant", "operator", "zed")));
	BAD(s, &alice, GS_EINPUT, "action 1 (role.grant): field \"role\"",
	    json_pack("[o]", a_role("role.grant", "king", "bob")));
	BAD(s, &alice, GS_EINPUT, "action 2 (stake.slash): unknown account 'zed'",
	    json_pack("[o,o]", a_param("penalty_bps", 1), a_slash("zed", "amount", 1)));
	BAD(s, &alice, GS_EINPUT, "action 1 (oracle.amend): unknown panel 7",
	    json_pack("[{s:s,s:{s:i,s:i,s:i}}]", "cmd", "oracle.amend", "args", "panel", 7,
		      "slot", 1, "wh", 1));
	/* forbidden */
	BAD(s, &alice, GS_EPERM, "action 1 (role.grant): the admin role",
	    json_pack("[o]", a_role("role.grant", "admin", "bob")));
	BAD(s, &alice, GS_EPERM, "action 2 (role.revoke): the admin role",
	    json_pack("[o,o]", a_param("penalty_bps", 1), a_role("role.revoke", "admin",
								 "admin")));
	/* below the threshold: 999.999999 staked */
	REFUSE(s, &bob, GS_EREFUSED, "proposal_threshold", "dao.propose",
	       prop_args("t", json_pack("[o]", a_param("penalty_bps", 1))), T1);
	REFUSE(s, &dave, GS_EREFUSED, "proposal_threshold", "dao.propose",
	       prop_args("t", json_pack("[o]", a_param("penalty_bps", 1))), T1);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM proposals"), 0);
	/* exactly the threshold */
	ck_assert_int_eq(PROPOSE(s, &carol, json_pack("[o]", a_param("penalty_bps", 1)), T1),
			 1);
	/* refusals of the current state are accepted: an empty treasury, a
	 * slash of an account with no stake, a role already held */
	ck_assert_int_eq(PROPOSE(s, &alice, json_pack("[o,o,o]", a_treasury("bob", C(1000)),
						      a_slash("erin", "bps", 100),
						      a_role("role.grant", "minter", "admin")),
				 T1), 2);
	r = prec(s, 2, T1);
	ck_assert_uint_eq(json_array_size(json_object_get(r, "actions")), 3);
	ck_assert_str_eq(str(json_array_get(json_object_get(r, "actions"), 0), "cmd"),
			 "treasury.transfer");
	json_decref(r);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM proposals"), 2);
	BAL(s, "treasury", 0, 0);
	BAL(s, "bob", FUNDS - C(1000) + 1, 0);
	finish(s);
}
END_TEST

/* treasury.transfer to an account that does not exist is malformed
 * (65) and refused at propose time whatever the treasury holds: with 5
 * credits in the treasury and with an empty one. */
START_TEST(treasury_unknown_account)
{
	gs_store *s = setup();

	deposit(s, &alice, C(2000), TH_T0 + 10);
	OK(s, &bob, "token.transfer", json_pack("{s:s,s:I}", "to", "treasury", "amount",
						(json_int_t)C(5)), TH_T0 + 10);
	REFUSE(s, &alice, GS_EINPUT, "action 1 (treasury.transfer): unknown account 'zed'",
	       "dao.propose", prop_args("t", json_pack("[o]", a_treasury("zed", 1))),
	       TH_T0 + 20);
	/* more than the treasury holds */
	REFUSE(s, &alice, GS_EINPUT, "action 1 (treasury.transfer): unknown account 'zed'",
	       "dao.propose", prop_args("t", json_pack("[o]", a_treasury("zed", C(6)))),
	       TH_T0 + 20);
	finish(s);
}
END_TEST

/* ---- after admin.renounce ------------------------------------------------------ */

/* The admin renounces: admin.grant, params.set, stake.slash and
 * treasury.transfer by it are refused (77); a DAO proposal grants bob
 * role operator and sets penalty_bps; the admin role still cannot be
 * granted by a proposal. */
START_TEST(renounce)
{
	gs_store *s = setup();
	int64_t id, eta;

	deposit(s, &alice, C(2000), TH_T0 + 10);
	OK(s, &admin, "admin.renounce", json_object(), TH_T0 + 20);
	ck_assert_int_eq(has_role(s, "admin", "admin"), 0);
	REFUSE(s, &admin, GS_EPERM, "renounced", "admin.grant",
	       json_pack("{s:s,s:s}", "role", "operator", "account", "bob"), TH_T0 + 30);
	REFUSE(s, &admin, GS_EPERM, "renounced", "params.set",
	       json_pack("{s:s,s:i}", "name", "penalty_bps", "value", 20000), TH_T0 + 30);
	REFUSE(s, &admin, GS_EPERM, "renounced", "stake.slash",
	       json_pack("{s:s,s:i,s:s}", "account", "alice", "amount", 1, "reason", "x"),
	       TH_T0 + 30);
	REFUSE(s, &admin, GS_EPERM, "renounced", "treasury.transfer",
	       json_pack("{s:s,s:i}", "to", "admin", "amount", 1), TH_T0 + 30);
	REFUSE(s, &admin, GS_EALREADY, "already renounced", "admin.renounce", json_object(),
	       TH_T0 + 30);
	BAD(s, &alice, GS_EPERM, "action 1 (role.grant): the admin role",
	    json_pack("[o]", a_role("role.grant", "admin", "alice")));

	id = queued_by_alice(s, json_pack("[o,o]", a_role("role.grant", "operator", "bob"),
					  a_param("penalty_bps", 20000)), &eta);
	ck_assert_int_eq(has_role(s, "bob", "operator"), 0);
	EXECUTE(s, id, eta);
	ck_assert_int_eq(has_role(s, "bob", "operator"), 1);
	ck_assert_int_eq(param(s, "penalty_bps"), 20000);
	ck_assert_int_eq(has_role(s, "admin", "admin"), 0);
	/* bob now acts as operator */
	REFUSE(s, &bob, GS_EALREADY, "no slot is due", "oracle.finalize", due_args(),
	       eta + 10);
	REFUSE(s, &erin, GS_EPERM, "lacks role 'operator'", "oracle.finalize",
	       due_args(), eta + 10);
	finish(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dao");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, state_machine);
	tcase_add_test(tc, power_at_snapshot);
	tcase_add_test(tc, power_with_delay);
	tcase_add_test(tc, snapshot_second);
	tcase_add_test(tc, quorum_boundary);
	tcase_add_test(tc, execute_atomic);
	tcase_add_test(tc, execute_due);
	tcase_add_test(tc, execute_due_records);
	tcase_add_test(tc, execute_due_lone_failure);
	tcase_add_test(tc, execute_actions);
	tcase_add_test(tc, oracle_amend);
	tcase_add_test(tc, dispute_resolve);
	tcase_add_test(tc, propose_validation);
	tcase_add_test(tc, treasury_unknown_account);
	tcase_add_test(tc, renounce);
	suite_add_tcase(s, tc);
	return th_run(s);
}
