/* test_stake.c - unit tests for stake.c: deposit, unbonding and withdraw,
 * cancel, locks, repay, slash, penalties (gs_stake_penalize) and the
 * checkpoints. Invariants after every scenario; a replay at the end of
 * each test whose transactions are all journaled. */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define C(x) ((int64_t)(x) * 1000000)	/* credits in base units */
#define PERIOD INT64_C(604800)		/* default unbonding_period_s */
#define T1 (TH_T0 + 1000)

static gs_key admin, alice, bob;

static void report(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "verify: %s\n", msg);
}

static json_t *amount_args(int64_t amount)
{
	return json_pack("{s:I}", "amount", (json_int_t)amount);
}

/* Genesis with alice and bob, 1000 credits each. */
static gs_store *setup(void)
{
	gs_store *s = th_genesis(&admin);
	gs_err e;

	th_account(s, "alice", &alice);
	th_account(s, "bob", &bob);
	ck_assert_msg(th_apply(s, &admin, "token.mint", json_pack("{s:[{s:s,s:I},{s:s,s:I}]}",
			       "items", "to", "alice", "amount", (json_int_t)C(1000), "to",
			       "bob", "amount", (json_int_t)C(1000)), TH_T0, NULL, &e) == GS_OK,
		      "mint: %s", e.msg);
	return s;
}

static int64_t q(gs_store *s, const char *sql)
{
	int64_t v = -1;
	gs_err e;

	ck_assert_msg(gs_query_int(s, &e, &v, sql, "") == 1, "query %s", sql);
	return v;
}

/* The invariants, checked here directly and by gs_verify_invariants. */
static void books(gs_store *s)
{
	gs_err e;

	ck_assert_int_eq(q(s, "SELECT coalesce(sum(available + locked), 0) FROM balances"),
			 q(s, "SELECT minted - burned FROM supply"));
	ck_assert_int_eq(q(s, "SELECT available + locked FROM balances WHERE account = "
			   "'vault'"), q(s, "SELECT coalesce(sum(staked), 0) FROM stakes"));
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stakes s WHERE locked <> (SELECT "
			   "coalesce(sum(amount), 0) FROM stake_locks l WHERE l.account = "
			   "s.account AND l.state = 'active')"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stakes s WHERE unbonding <> (SELECT "
			   "coalesce(sum(amount), 0) FROM unbondings u WHERE u.account = "
			   "s.account AND u.state = 'pending')"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stakes WHERE locked + unbonding > "
			   "staked OR staked < 0 OR debt < 0"), 0);
	ck_assert_int_eq(q(s, "SELECT staked FROM stake_total"),
			 q(s, "SELECT coalesce(sum(staked), 0) FROM stakes"));
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

/* Assert the stake of who, also through gs_stake_records. */
#define STAKE(s, who, st_, lo_, un_, de_) stake_is(s, who, st_, lo_, un_, de_, __LINE__)
static void stake_is(gs_store *s, const char *who, int64_t staked, int64_t locked,
		     int64_t unbonding, int64_t debt, int line)
{
	json_t *out = json_array(), *r;
	gs_stake st;
	gs_err e;

	ck_assert_int_eq(gs_stake_get(s, who, &st, &e), GS_OK);
	ck_assert_msg(st.staked == staked && st.locked == locked && st.unbonding == unbonding &&
		      st.debt == debt, "line %d: stake of %s is %lld/%lld/%lld/%lld, want "
		      "%lld/%lld/%lld/%lld", line, who, (long long)st.staked,
		      (long long)st.locked, (long long)st.unbonding, (long long)st.debt,
		      (long long)staked, (long long)locked, (long long)unbonding,
		      (long long)debt);
	ck_assert_int_eq(gs_stake_records(s, who, -1, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "stake");
	ck_assert_str_eq(json_string_value(json_object_get(r, "account")), who);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "staked")), staked);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "locked")), locked);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "unbonding")), unbonding);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "debt")), debt);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "free")),
			 staked - locked - unbonding);
	json_decref(out);
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

/* State of an unbonding and its amount. */
static void unbonding_is(gs_store *s, int64_t id, const char *state, int64_t amount)
{
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_int_eq(gs_unbonding_records(s, NULL, id, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "state"), state);
	ck_assert_int_eq(num(r, "amount"), amount);
	json_decref(out);
}

/* State of a stake lock and what was taken from it. */
static void lock_is(gs_store *s, int64_t id, const char *state, int64_t amount,
		    int64_t taken)
{
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_int_eq(gs_stake_lock_records(s, NULL, id, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "state"), state);
	ck_assert_int_eq(num(r, "amount"), amount);
	ck_assert_int_eq(num(r, "taken"), taken);
	json_decref(out);
}

static void ok(gs_store *s, const gs_key *k, const char *cmd, json_t *args, int64_t time)
{
	gs_err e;

	ck_assert_msg(th_apply(s, k, cmd, args, time, NULL, &e) == GS_OK, "%s by %s: %s", cmd,
		      k->name, e.msg);
}

/* A write transaction outside the journal, as settlement or the oracle
 * module open one: ctx at head seq + 1 and the given time. */
static gs_ctx ctx_begin(gs_store *s, int64_t time)
{
	gs_head h;
	gs_err e;

	ck_assert_int_eq(gs_journal_head(s, &h, &e), GS_OK);
	ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_OK);
	return (gs_ctx){ .store = s, .actor = "x", .txid = "t", .time = time,
			 .seq = h.seq + 1, .out = json_array() };
}

static void ctx_end(gs_ctx *c, int commit)
{
	gs_err e;

	if (commit)
		ck_assert_msg(gs_store_commit(c->store, &e) == GS_OK, "commit: %s", e.msg);
	else
		gs_store_rollback(c->store);
	json_decref(c->out);
}

/* Penalize who by amount (collateral lock id or 0) in its own
 * transaction; returns the code and what was taken. */
static int penalize(gs_store *s, const char *who, int64_t amount, int64_t collateral,
		    int64_t time, int64_t *taken)
{
	gs_ctx c = ctx_begin(s, time);
	gs_err e;
	int rc = gs_stake_penalize(&c, who, amount, collateral, taken, &e);

	ck_assert_msg(rc == GS_OK, "penalize: %s", e.msg);
	ctx_end(&c, rc == GS_OK);
	return rc;
}

/* A protocol (non-manual) collateral lock on who's stake. */
static int64_t protocol_lock(gs_store *s, const char *who, int64_t amount, int64_t time)
{
	gs_ctx c = ctx_begin(s, time);
	int64_t id = -1;
	gs_err e;

	ck_assert_msg(gs_stake_lock(&c, who, amount, "collateral", "order-1", -1, 0, &id, &e) ==
		      GS_OK, "lock: %s", e.msg);
	ctx_end(&c, 1);
	return id;
}

START_TEST(deposit)
{
	gs_store *s = setup();
	unsigned char d1[32], d2[32];
	json_t *out = NULL, *r;
	int64_t rows;
	gs_err e;

	STAKE(s, "alice", 0, 0, 0, 0);
	ck_assert_int_eq(th_apply(s, &alice, "stake.deposit", amount_args(C(200)), T1, &out, &e),
			 GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "stake");
	ck_assert_str_eq(str(r, "account"), "alice");
	ck_assert_int_eq(num(r, "staked"), C(200));
	ck_assert_int_eq(num(r, "free"), C(200));
	json_decref(out);
	ck_assert_int_eq(avail(s, "alice"), C(800));
	ck_assert_int_eq(avail(s, "vault"), C(200));
	STAKE(s, "alice", C(200), 0, 0, 0);
	books(s);
	ok(s, &alice, "stake.deposit", amount_args(1), T1 + 1);
	ok(s, &bob, "stake.deposit", amount_args(C(50)), T1 + 2);
	ck_assert_int_eq(avail(s, "alice"), C(800) - 1);
	ck_assert_int_eq(avail(s, "bob"), C(950));
	ck_assert_int_eq(avail(s, "vault"), C(250) + 1);
	STAKE(s, "alice", C(200) + 1, 0, 0, 0);
	STAKE(s, "bob", C(50), 0, 0, 0);
	ck_assert_int_eq(q(s, "SELECT staked FROM stake_total"), C(250) + 1);
	books(s);

	/* refusals change nothing */
	rows = th_journal_rows(s);
	ck_assert_int_eq(gs_state_digest(s, d1, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &alice, "stake.deposit", amount_args(C(800)), T1 + 3, NULL,
				  &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "stake.deposit", amount_args(0), T1 + 3, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "stake.deposit", amount_args(-5), T1 + 3, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "stake.deposit", json_pack("{s:s}", "amount", "5"),
				  T1 + 3, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "stake.deposit", json_pack("{}"), T1 + 3, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "stake.deposit", json_pack("{s:i,s:s}", "amount",
				  5, "to", "bob"), T1 + 3, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_int_eq(gs_state_digest(s, d2, &e), GS_OK);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);

	/* listings: every staker, unknown accounts refused */
	out = json_array();
	ck_assert_int_eq(gs_stake_records(s, NULL, -1, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	ck_assert_str_eq(str(json_array_get(out, 0), "account"), "alice");
	ck_assert_str_eq(str(json_array_get(out, 1), "account"), "bob");
	ck_assert_int_eq(gs_stake_records(s, "nobody", -1, out, &e), GS_EINPUT);
	ck_assert_uint_eq(json_array_size(out), 2);
	json_decref(out);
	STAKE(s, "admin", 0, 0, 0, 0);	/* never staked: zeros */
	finish(s);
}
END_TEST

START_TEST(request_and_withdraw)
{
	gs_store *s = setup();
	json_t *out = NULL, *r;
	int64_t rows, t2 = T1 + 100, t3 = T1 + 5000;
	gs_err e;

	ok(s, &alice, "stake.deposit", amount_args(C(200)), T1);
	ck_assert_int_eq(th_apply(s, &alice, "stake.request_withdraw", amount_args(C(50)), t2,
				  &out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "unbonding");
	ck_assert_int_eq(num(r, "id"), 1);
	ck_assert_str_eq(str(r, "account"), "alice");
	ck_assert_int_eq(num(r, "amount"), C(50));
	ck_assert_int_eq(num(r, "requested"), t2);
	ck_assert_int_eq(num(r, "available_at"), t2 + PERIOD);
	ck_assert_str_eq(str(r, "state"), "pending");
	json_decref(out);
	STAKE(s, "alice", C(200), 0, C(50), 0);
	ck_assert_int_eq(avail(s, "alice"), C(800));	/* nothing paid out yet */
	ck_assert_int_eq(avail(s, "vault"), C(200));
	books(s);

	/* free stake only */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply(s, &alice, "stake.request_withdraw", amount_args(C(150) + 1),
				  t2, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &bob, "stake.request_withdraw", amount_args(1), t2, NULL,
				  &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "stake.request_withdraw", amount_args(0), t2, NULL,
				  &e), GS_EINPUT);
	/* not before maturity */
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{}"), t2, NULL, &e),
			 GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{}"),
				  t2 + PERIOD - 1, NULL, &e), GS_EREFUSED);
	ck_assert_ptr_nonnull(strstr(e.msg, "unbonding until"));
	/* nothing pending */
	ck_assert_int_eq(th_apply(s, &bob, "stake.withdraw", json_pack("{}"), t2, NULL, &e),
			 GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{s:i}", "amount", 1),
				  t2, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_journal_rows(s), rows);
	STAKE(s, "alice", C(200), 0, C(50), 0);

	/* a second, later request */
	ok(s, &alice, "stake.request_withdraw", amount_args(C(30)), t3);
	STAKE(s, "alice", C(200), 0, C(80), 0);
	books(s);
	/* at maturity of the first only the first is paid */
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{}"), t2 + PERIOD,
				  &out, &e), GS_OK);
	ck_assert_str_eq(str(json_array_get(out, 0), "type"), "withdrawal");
	ck_assert_int_eq(num(json_array_get(out, 0), "amount"), C(50));
	json_decref(out);
	ck_assert_int_eq(avail(s, "alice"), C(850));
	ck_assert_int_eq(avail(s, "vault"), C(150));
	STAKE(s, "alice", C(150), 0, C(30), 0);
	unbonding_is(s, 1, "withdrawn", C(50));
	unbonding_is(s, 2, "pending", C(30));
	books(s);
	/* again: the second has not matured */
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{}"), t2 + PERIOD + 1,
				  NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(avail(s, "alice"), C(850));
	/* long after: the second */
	ok(s, &alice, "stake.withdraw", json_pack("{}"), t3 + 2 * PERIOD);
	ck_assert_int_eq(avail(s, "alice"), C(880));
	ck_assert_int_eq(avail(s, "vault"), C(120));
	STAKE(s, "alice", C(120), 0, 0, 0);
	unbonding_is(s, 2, "withdrawn", C(30));
	/* nothing left: refused, no double payment */
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{}"), t3 + 3 * PERIOD,
				  NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(avail(s, "alice"), C(880));
	/* pending list is empty */
	out = json_array();
	ck_assert_int_eq(gs_unbonding_records(s, "alice", 0, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 0);
	json_decref(out);
	/* the rest can be unbonded whole */
	ok(s, &alice, "stake.request_withdraw", amount_args(C(120)), t3 + 3 * PERIOD);
	ok(s, &alice, "stake.withdraw", json_pack("{}"), t3 + 4 * PERIOD);
	STAKE(s, "alice", 0, 0, 0, 0);
	ck_assert_int_eq(avail(s, "alice"), C(1000));
	ck_assert_int_eq(avail(s, "vault"), 0);
	finish(s);
}
END_TEST

START_TEST(cancel_withdraw)
{
	gs_store *s = setup();
	json_t *out = NULL;
	int64_t rows;
	int status;
	gs_err e;

	ok(s, &alice, "stake.deposit", amount_args(C(100)), T1);
	ok(s, &bob, "stake.deposit", amount_args(C(100)), T1);
	ok(s, &alice, "stake.request_withdraw", amount_args(C(10)), T1 + 1);	/* 1 */
	ok(s, &alice, "stake.request_withdraw", amount_args(C(20)), T1 + 2);	/* 2 */
	ok(s, &bob, "stake.request_withdraw", amount_args(C(5)), T1 + 3);	/* 3 */
	ok(s, &alice, "stake.request_withdraw", amount_args(C(30)), T1 + 4);	/* 4 */
	STAKE(s, "alice", C(100), 0, C(60), 0);
	books(s);

	/* by id */
	ck_assert_int_eq(th_apply_status(s, &alice, "stake.cancel_withdraw", json_pack("{s:i}",
					 "id", 2), T1 + 5, &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_int_eq(num(json_array_get(out, 0), "unbonding"), C(40));
	json_decref(out);
	STAKE(s, "alice", C(100), 0, C(40), 0);
	unbonding_is(s, 2, "canceled", C(20));
	books(s);
	/* someone else's (not hers to cancel: DESIGN section 7, exit 77), an
	 * unknown one (65); a canceled one of hers: nothing to do */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply(s, &alice, "stake.cancel_withdraw", json_pack("{s:i}", "id", 3),
				  T1 + 6, NULL, &e), GS_EPERM);
	unbonding_is(s, 3, "pending", C(5));
	STAKE(s, "bob", C(100), 0, C(5), 0);
	ck_assert_int_eq(th_apply(s, &alice, "stake.cancel_withdraw", json_pack("{s:i}", "id",
				  99), T1 + 6, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply_status(s, &alice, "stake.cancel_withdraw", json_pack("{s:i}",
					 "id", 2), T1 + 6, &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(th_apply_status(s, &bob, "stake.cancel_withdraw", json_pack("{s:i}",
					 "id", 1), T1 + 6, &status, NULL, &e), GS_EPERM);
	ck_assert_int_eq(th_apply(s, &alice, "stake.cancel_withdraw", json_pack("{s:i}", "id", 0),
				  T1 + 6, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_journal_rows(s), rows);
	STAKE(s, "alice", C(100), 0, C(40), 0);

	/* all at once */
	ck_assert_int_eq(th_apply_status(s, &alice, "stake.cancel_withdraw", json_pack("{}"),
					 T1 + 7, &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	STAKE(s, "alice", C(100), 0, 0, 0);
	unbonding_is(s, 1, "canceled", C(10));
	unbonding_is(s, 4, "canceled", C(30));
	STAKE(s, "bob", C(100), 0, C(5), 0);
	books(s);
	/* nothing pending */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply_status(s, &alice, "stake.cancel_withdraw", json_pack("{}"),
					 T1 + 8, &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_int_eq(th_journal_rows(s), rows);
	/* canceled ones are never paid out */
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{}"), T1 + 2 * PERIOD,
				  NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(avail(s, "alice"), C(900));
	ok(s, &bob, "stake.withdraw", json_pack("{}"), T1 + 2 * PERIOD);
	ck_assert_int_eq(avail(s, "bob"), C(905));
	STAKE(s, "bob", C(95), 0, 0, 0);
	finish(s);
}
END_TEST

START_TEST(lock_unlock)
{
	gs_store *s = setup();
	json_t *out = NULL, *r;
	int64_t rows, until = T1 + 1000;
	int status;
	gs_err e;

	ok(s, &alice, "stake.deposit", amount_args(C(200)), T1);
	ck_assert_int_eq(th_apply(s, &alice, "stake.lock", json_pack("{s:I,s:I,s:s,s:s}",
				  "amount", (json_int_t)C(50), "until", (json_int_t)until,
				  "purpose", "vote", "ref", "p-1"), T1 + 1, &out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "stake_lock");
	ck_assert_int_eq(num(r, "id"), 1);
	ck_assert_str_eq(str(r, "account"), "alice");
	ck_assert_int_eq(num(r, "amount"), C(50));
	ck_assert_str_eq(str(r, "purpose"), "vote");
	ck_assert_str_eq(str(r, "ref"), "p-1");
	ck_assert_int_eq(num(r, "until"), until);
	ck_assert_str_eq(str(r, "state"), "active");
	ck_assert_int_eq(num(r, "taken"), 0);
	json_decref(out);
	STAKE(s, "alice", C(200), C(50), 0, 0);
	ck_assert_int_eq(avail(s, "vault"), C(200));
	books(s);

	/* a lock without a time: default purpose, no ref */
	ck_assert_int_eq(th_apply(s, &alice, "stake.lock", amount_args(C(30)), T1 + 2, &out, &e),
			 GS_OK);
	r = json_array_get(out, 0);
	ck_assert_int_eq(num(r, "id"), 2);
	ck_assert_str_eq(str(r, "purpose"), "hold");
	ck_assert(json_is_null(json_object_get(r, "ref")));
	ck_assert(json_is_null(json_object_get(r, "until")));
	json_decref(out);
	STAKE(s, "alice", C(200), C(80), 0, 0);
	books(s);

	/* locked stake is not free */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply(s, &alice, "stake.lock", amount_args(C(120) + 1), T1 + 3, NULL,
				  &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "stake.request_withdraw", amount_args(C(120) + 1),
				  T1 + 3, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &bob, "stake.lock", amount_args(1), T1 + 3, NULL, &e),
			 GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "stake.lock", amount_args(0), T1 + 3, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "stake.lock", json_pack("{s:I,s:i}", "amount",
				  (json_int_t)C(1), "until", -1), T1 + 3, NULL, &e), GS_EINPUT);
	/* unlock: owner only, not before its time, known locks only */
	ck_assert_int_eq(th_apply(s, &bob, "stake.unlock", json_pack("{s:i}", "lock", 2),
				  T1 + 3, NULL, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "stake lock 2 belongs to 'alice'");
	ck_assert_int_eq(th_apply(s, &admin, "stake.unlock", json_pack("{s:i}", "lock", 1),
				  until + 10, NULL, &e), GS_EPERM);
	ck_assert_int_eq(th_apply(s, &alice, "stake.unlock", json_pack("{s:i}", "lock", 1),
				  T1 + 3, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "stake.unlock", json_pack("{s:i}", "lock", 1),
				  until - 1, NULL, &e), GS_EREFUSED);
	ck_assert_ptr_nonnull(strstr(e.msg, "holds until"));
	ck_assert_int_eq(th_apply(s, &alice, "stake.unlock", json_pack("{s:i}", "lock", 9),
				  until - 1, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_journal_rows(s), rows);
	STAKE(s, "alice", C(200), C(80), 0, 0);

	/* the untimed one at once */
	ck_assert_int_eq(th_apply(s, &alice, "stake.unlock", json_pack("{s:i}", "lock", 2),
				  until - 1, &out, &e), GS_OK);
	ck_assert_str_eq(str(json_array_get(out, 0), "state"), "released");
	json_decref(out);
	STAKE(s, "alice", C(200), C(50), 0, 0);
	books(s);
	/* the timed one at its time */
	ok(s, &alice, "stake.unlock", json_pack("{s:i}", "lock", 1), until);
	STAKE(s, "alice", C(200), 0, 0, 0);
	lock_is(s, 1, "released", C(50), 0);
	ck_assert_int_eq(avail(s, "vault"), C(200));
	ck_assert_int_eq(avail(s, "alice"), C(800));
	books(s);
	/* twice: already done */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply_status(s, &alice, "stake.unlock", json_pack("{s:i}", "lock", 1),
					 until + 1, &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(e.msg, "stake lock 1 is already released");
	ck_assert_int_eq(th_journal_rows(s), rows);
	STAKE(s, "alice", C(200), 0, 0, 0);
	/* only active locks listed */
	out = json_array();
	ck_assert_int_eq(gs_stake_lock_records(s, "alice", 0, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 0);
	json_decref(out);
	/* a lock whose time has already passed may be released at once */
	ok(s, &alice, "stake.lock", json_pack("{s:I,s:I}", "amount", (json_int_t)C(10), "until",
					      (json_int_t)T1), until + 2);
	STAKE(s, "alice", C(200), C(10), 0, 0);
	ok(s, &alice, "stake.unlock", json_pack("{s:i}", "lock", 3), until + 2);
	STAKE(s, "alice", C(200), 0, 0, 0);
	finish(s);
}
END_TEST

/* A protocol lock (collateral) cannot be unlocked by its holder. */
START_TEST(unlock_protocol_lock)
{
	gs_store *s = setup();
	int64_t id, rows;
	gs_err e;

	ok(s, &alice, "stake.deposit", amount_args(C(100)), T1);
	id = protocol_lock(s, "alice", C(40), T1 + 1);
	ck_assert_int_eq(id, 1);
	STAKE(s, "alice", C(100), C(40), 0, 0);
	lock_is(s, id, "active", C(40), 0);
	books(s);
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply(s, &alice, "stake.unlock", json_pack("{s:I}", "lock",
				  (json_int_t)id), T1 + 2, NULL, &e), GS_EPERM);
	ck_assert_int_eq(th_journal_rows(s), rows);
	STAKE(s, "alice", C(100), C(40), 0, 0);
	/* the protocol releases it, exactly once */
	{
		gs_ctx c = ctx_begin(s, T1 + 3);
		ck_assert_int_eq(gs_stake_release(&c, id, &e), GS_OK);
		ck_assert_int_eq(gs_stake_release(&c, id, &e), GS_EREFUSED);
		ck_assert_int_eq(gs_stake_release(&c, 77, &e), GS_EINPUT);
		ctx_end(&c, 1);
	}
	STAKE(s, "alice", C(100), 0, 0, 0);
	lock_is(s, id, "released", C(40), 0);
	/* more than free is refused */
	{
		gs_ctx c = ctx_begin(s, T1 + 4);
		int64_t id2;
		ck_assert_int_eq(gs_stake_lock(&c, "alice", C(100) + 1, "collateral", NULL, -1,
					       0, &id2, &e), GS_EREFUSED);
		ctx_end(&c, 0);
	}
	STAKE(s, "alice", C(100), 0, 0, 0);
	/* nothing or less than nothing is no lock */
	{
		gs_ctx c = ctx_begin(s, T1 + 5);
		int64_t id2 = -1;
		ck_assert_int_ne(gs_stake_lock(&c, "alice", 0, "collateral", NULL, -1, 0, &id2,
					       &e), GS_OK);
		ck_assert_int_ne(gs_stake_lock(&c, "alice", -C(5), "collateral", NULL, -1, 0,
					       &id2, &e), GS_OK);
		ctx_end(&c, 1);
	}
	STAKE(s, "alice", C(100), 0, 0, 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stake_locks"), 1);
	books(s);	/* direct transactions: no replay */
	gs_store_close(s);
}
END_TEST

/* stake.slash: admin only; free, then unbonding newest first, then locked
 * stake oldest lock first; never more than staked; to treasury. */
START_TEST(slash)
{
	gs_store *s = setup();
	json_t *out = NULL, *r;
	int64_t rows;
	gs_err e;

	ok(s, &alice, "stake.deposit", amount_args(C(300)), T1);
	ok(s, &alice, "stake.lock", amount_args(C(50)), T1 + 1);		/* lock 1 */
	ok(s, &alice, "stake.lock", amount_args(C(70)), T1 + 2);		/* lock 2 */
	ok(s, &alice, "stake.request_withdraw", amount_args(C(40)), T1 + 3);	/* u1 */
	ok(s, &alice, "stake.request_withdraw", amount_args(C(30)), T1 + 4);	/* u2 */
	ok(s, &bob, "stake.deposit", amount_args(C(10)), T1 + 5);
	STAKE(s, "alice", C(300), C(120), C(70), 0);	/* free 110 */
	books(s);

	/* refusals */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply(s, &bob, "stake.slash", json_pack("{s:s,s:I,s:s}", "account",
				  "alice", "amount", (json_int_t)C(1), "reason", "x"), T1 + 6, NULL,
				  &e), GS_EPERM);
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:I,s:i,s:s}",
				  "account", "alice", "amount", (json_int_t)C(1), "bps", 100,
				  "reason", "x"), T1 + 6, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:s}", "account",
				  "alice", "reason", "x"), T1 + 6, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account",
				  "alice", "bps", 0, "reason", "x"), T1 + 6, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account",
				  "alice", "bps", 10001, "reason", "x"), T1 + 6, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account",
				  "alice", "amount", 0, "reason", "x"), T1 + 6, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account",
				  "nobody", "amount", 1, "reason", "x"), T1 + 6, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account",
				  "vault", "amount", 1, "reason", "x"), T1 + 6, NULL, &e),
			 GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:i}", "account",
				  "alice", "amount", 1), T1 + 6, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account",
				  "admin", "amount", 1, "reason", "x"), T1 + 6, NULL, &e),
			 GS_EREFUSED);	/* nothing staked */
	ck_assert_int_eq(th_journal_rows(s), rows);
	STAKE(s, "alice", C(300), C(120), C(70), 0);

	/* 100: free only */
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:I,s:s}", "account",
				  "alice", "amount", (json_int_t)C(100), "reason", "fraud"), T1 + 10,
				  &out, &e), GS_OK);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "slash");
	ck_assert_str_eq(str(r, "account"), "alice");
	ck_assert_int_eq(num(r, "amount"), C(100));
	ck_assert_str_eq(str(r, "reason"), "fraud");
	json_decref(out);
	STAKE(s, "alice", C(200), C(120), C(70), 0);
	ck_assert_int_eq(avail(s, "treasury"), C(100));
	ck_assert_int_eq(avail(s, "vault"), C(210));
	books(s);
	/* 25: the last 10 free, then 15 of the newest unbonding (u2) */
	ok(s, &admin, "stake.slash", json_pack("{s:s,s:I,s:s}", "account", "alice", "amount",
					       (json_int_t)C(25), "reason", "r"), T1 + 11);
	STAKE(s, "alice", C(175), C(120), C(55), 0);
	unbonding_is(s, 2, "pending", C(15));
	unbonding_is(s, 1, "pending", C(40));
	ck_assert_int_eq(avail(s, "treasury"), C(125));
	books(s);
	/* 75: the rest of u2 (15), all of u1 (40), then 20 of the oldest lock;
	 * the lock is consumed and the rest of it freed */
	ok(s, &admin, "stake.slash", json_pack("{s:s,s:I,s:s}", "account", "alice", "amount",
					       (json_int_t)C(75), "reason", "r"), T1 + 12);
	unbonding_is(s, 2, "slashed", C(15));
	unbonding_is(s, 1, "slashed", C(40));
	lock_is(s, 1, "consumed", C(50), C(20));
	lock_is(s, 2, "active", C(70), 0);
	STAKE(s, "alice", C(100), C(70), 0, 0);
	ck_assert_int_eq(avail(s, "treasury"), C(200));
	ck_assert_int_eq(avail(s, "vault"), C(110));
	books(s);
	/* a consumed lock cannot be unlocked (it is not "released") */
	ck_assert_int_eq(th_apply(s, &alice, "stake.unlock", json_pack("{s:i}", "lock", 1),
				  T1 + 13, NULL, &e), GS_EREFUSED);
	STAKE(s, "alice", C(100), C(70), 0, 0);
	/* slashed unbondings are never paid out */
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{}"), T1 + 2 * PERIOD,
				  NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(avail(s, "alice"), C(700));
	/* by bps of staked: 25% of 100 = 25, from the 30 free */
	ok(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account", "alice", "bps", 2500,
					       "reason", "r"), T1 + 2 * PERIOD);
	STAKE(s, "alice", C(75), C(70), 0, 0);
	ck_assert_int_eq(avail(s, "treasury"), C(225));
	/* one base unit; then bps rounds down: 3 bps of 74.999999 = 0.0224999997 */
	ok(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account", "alice", "amount", 1,
					       "reason", "r"), T1 + 2 * PERIOD);
	ok(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account", "alice", "bps", 3,
					       "reason", "r"), T1 + 2 * PERIOD);
	STAKE(s, "alice", C(75) - 1 - 22499, C(70), 0, 0);
	ck_assert_int_eq(avail(s, "treasury"), C(225) + 1 + 22499);
	books(s);
	/* more than staked: everything, never more, and no debt */
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:I,s:s}", "account",
				  "alice", "amount", (json_int_t)C(1000000), "reason", "r"),
				  T1 + 2 * PERIOD, &out, &e), GS_OK);
	ck_assert_int_eq(num(json_array_get(out, 0), "amount"), C(75) - 22500);
	json_decref(out);
	STAKE(s, "alice", 0, 0, 0, 0);
	lock_is(s, 2, "consumed", C(70), C(70));
	ck_assert_int_eq(avail(s, "treasury"), C(300));
	ck_assert_int_eq(avail(s, "alice"), C(700));
	ck_assert_int_eq(avail(s, "vault"), C(10));
	STAKE(s, "bob", C(10), 0, 0, 0);	/* untouched */
	books(s);
	/* 100% by bps of nothing */
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account",
				  "alice", "bps", 10000, "reason", "r"), T1 + 2 * PERIOD, NULL, &e),
			 GS_EREFUSED);
	/* 100% of bob */
	ok(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account", "bob", "bps", 10000,
					       "reason", "r"), T1 + 2 * PERIOD);
	STAKE(s, "bob", 0, 0, 0, 0);
	ck_assert_int_eq(avail(s, "treasury"), C(310));
	ck_assert_int_eq(avail(s, "vault"), 0);
	/* after renouncing, the admin may not slash */
	ok(s, &bob, "stake.deposit", amount_args(C(10)), T1 + 2 * PERIOD);
	ok(s, &admin, "admin.renounce", json_pack("{}"), T1 + 2 * PERIOD);
	ck_assert_int_eq(th_apply(s, &admin, "stake.slash", json_pack("{s:s,s:i,s:s}", "account",
				  "bob", "amount", 1, "reason", "r"), T1 + 2 * PERIOD, NULL, &e),
			 GS_EPERM);
	STAKE(s, "bob", C(10), 0, 0, 0);
	finish(s);
}
END_TEST

/* Penalties: the collateral lock first (consumed, taken recorded, the
 * rest freed), then free stake, then unbonding; to treasury. */
START_TEST(penalize_collateral)
{
	gs_store *s = setup();
	int64_t lock, taken = -1;

	ok(s, &alice, "stake.deposit", amount_args(C(300)), T1);
	ok(s, &alice, "stake.request_withdraw", amount_args(C(50)), T1 + 1);
	lock = protocol_lock(s, "alice", C(100), T1 + 2);
	STAKE(s, "alice", C(300), C(100), C(50), 0);	/* free 150 */
	books(s);

	/* within the lock: only the lock pays, the rest of it is freed */
	ck_assert_int_eq(penalize(s, "alice", C(30), lock, T1 + 3, &taken), GS_OK);
	ck_assert_int_eq(taken, C(30));
	lock_is(s, lock, "consumed", C(100), C(30));
	STAKE(s, "alice", C(270), 0, C(50), 0);
	ck_assert_int_eq(avail(s, "treasury"), C(30));
	ck_assert_int_eq(avail(s, "vault"), C(270));
	ck_assert_int_eq(avail(s, "alice"), C(700));
	unbonding_is(s, 1, "pending", C(50));
	books(s);

	/* the lock, then free stake */
	lock = protocol_lock(s, "alice", C(100), T1 + 4);
	ck_assert_int_eq(penalize(s, "alice", C(150), lock, T1 + 5, &taken), GS_OK);
	ck_assert_int_eq(taken, C(150));
	lock_is(s, lock, "consumed", C(100), C(100));
	STAKE(s, "alice", C(120), 0, C(50), 0);		/* free 120 - 50 = 70 */
	ck_assert_int_eq(avail(s, "treasury"), C(180));
	unbonding_is(s, 1, "pending", C(50));
	books(s);

	/* lock, free, unbonding, and the rest is debt */
	lock = protocol_lock(s, "alice", C(20), T1 + 6);	/* free 50 */
	ck_assert_int_eq(penalize(s, "alice", C(200), lock, T1 + 7, &taken), GS_OK);
	ck_assert_int_eq(taken, C(120));
	lock_is(s, lock, "consumed", C(20), C(20));
	unbonding_is(s, 1, "slashed", C(50));
	STAKE(s, "alice", 0, 0, 0, C(80));
	ck_assert_int_eq(avail(s, "treasury"), C(300));
	ck_assert_int_eq(avail(s, "vault"), 0);
	ck_assert_int_eq(avail(s, "alice"), C(700));
	books(s);
	/* nothing left: all debt */
	ck_assert_int_eq(penalize(s, "alice", C(5), 0, T1 + 8, &taken), GS_OK);
	ck_assert_int_eq(taken, 0);
	STAKE(s, "alice", 0, 0, 0, C(85));
	ck_assert_int_eq(avail(s, "treasury"), C(300));
	/* nothing to take: nothing happens */
	ck_assert_int_eq(penalize(s, "alice", 0, 0, T1 + 9, &taken), GS_OK);
	ck_assert_int_eq(taken, 0);
	STAKE(s, "alice", 0, 0, 0, C(85));
	books(s);
	gs_store_close(s);	/* penalties are not journaled: no replay */
}
END_TEST

/* Without (usable) collateral: free stake, then unbonding newest first;
 * other locks are not touched; someone else's lock is no collateral. */
START_TEST(penalize_free_unbonding)
{
	gs_store *s = setup();
	int64_t mine, bobs, taken = -1;
	gs_err e;

	ok(s, &alice, "stake.deposit", amount_args(C(100)), T1);
	ok(s, &bob, "stake.deposit", amount_args(C(100)), T1);
	ok(s, &alice, "stake.lock", amount_args(C(20)), T1 + 1);		/* lock 1 */
	ok(s, &alice, "stake.request_withdraw", amount_args(C(10)), T1 + 2);	/* u1 */
	ok(s, &alice, "stake.request_withdraw", amount_args(C(15)), T1 + 3);	/* u2 */
	bobs = protocol_lock(s, "bob", C(50), T1 + 4);			/* lock 2 */
	mine = protocol_lock(s, "alice", 1, T1 + 4);			/* lock 3 */
	ck_assert_int_eq(mine, 3);
	{
		gs_ctx c = ctx_begin(s, T1 + 4);
		ck_assert_int_eq(gs_stake_release(&c, mine, &e), GS_OK);
		ctx_end(&c, 1);
	}
	STAKE(s, "alice", C(100), C(20), C(25), 0);	/* free 55 */
	books(s);

	/* bob's lock is not alice's collateral */
	ck_assert_int_eq(penalize(s, "alice", C(60), bobs, T1 + 5, &taken), GS_OK);
	ck_assert_int_eq(taken, C(60));
	lock_is(s, bobs, "active", C(50), 0);
	STAKE(s, "bob", C(100), C(50), 0, 0);
	/* 55 free, then 5 of u2 (newest) */
	unbonding_is(s, 2, "pending", C(10));
	unbonding_is(s, 1, "pending", C(10));
	STAKE(s, "alice", C(40), C(20), C(20), 0);
	lock_is(s, 1, "active", C(20), 0);
	ck_assert_int_eq(avail(s, "treasury"), C(60));
	books(s);

	/* a released lock is no collateral either */
	ck_assert_int_eq(penalize(s, "alice", C(25), mine, T1 + 7, &taken), GS_OK);
	/* u2 10, u1 10, then 5 of the manual lock (no escape by locking) */
	ck_assert_int_eq(taken, C(25));
	lock_is(s, mine, "released", 1, 0);
	unbonding_is(s, 2, "slashed", C(10));
	unbonding_is(s, 1, "slashed", C(10));
	STAKE(s, "alice", C(15), 0, 0, 0);
	lock_is(s, 1, "consumed", C(20), C(5));
	ck_assert_int_eq(avail(s, "treasury"), C(85));
	ck_assert_int_eq(avail(s, "vault"), C(115));
	books(s);
	gs_store_close(s);
}
END_TEST

/* Debt: withdrawals refused until repaid; repay from the available
 * balance to treasury, never more than the debt. */
START_TEST(debt_and_repay)
{
	gs_store *s = setup();
	json_t *out = NULL;
	int64_t taken = -1, rows, t;
	int status;
	gs_err e;

	ok(s, &alice, "stake.deposit", amount_args(C(100)), T1);
	ck_assert_int_eq(penalize(s, "alice", C(150), 0, T1 + 1, &taken), GS_OK);
	ck_assert_int_eq(taken, C(100));
	STAKE(s, "alice", 0, 0, 0, C(50));
	ck_assert_int_eq(avail(s, "treasury"), C(100));
	books(s);

	/* new stake, matured, but in debt */
	ok(s, &alice, "stake.deposit", amount_args(C(100)), T1 + 2);
	ok(s, &alice, "stake.request_withdraw", amount_args(C(100)), T1 + 3);
	t = T1 + 3 + PERIOD;
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{}"), t, NULL, &e),
			 GS_EREFUSED);
	ck_assert_ptr_nonnull(strstr(e.msg, "debt"));
	ck_assert_int_eq(avail(s, "alice"), C(800));
	/* repay: more than the debt, zero, short balance */
	ck_assert_int_eq(th_apply(s, &alice, "stake.repay", amount_args(C(50) + 1), t, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "stake.repay", amount_args(0), t, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply_status(s, &bob, "stake.repay", amount_args(1), t, &status,
					 NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);	/* bob has no debt */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:I}", "to",
				  "bob", "amount", (json_int_t)(C(800) - C(20))), t, NULL, &e),
			 GS_OK);
	rows++;
	ck_assert_int_eq(th_apply(s, &alice, "stake.repay", amount_args(C(30)), t, NULL, &e),
			 GS_EREFUSED);
	ck_assert_int_eq(th_journal_rows(s), rows);
	STAKE(s, "alice", C(100), 0, C(100), C(50));
	/* in parts */
	ck_assert_int_eq(th_apply(s, &alice, "stake.repay", amount_args(C(20)), t, &out, &e),
			 GS_OK);
	ck_assert_int_eq(num(json_array_get(out, 0), "debt"), C(30));
	json_decref(out);
	STAKE(s, "alice", C(100), 0, C(100), C(30));
	ck_assert_int_eq(avail(s, "alice"), 0);
	ck_assert_int_eq(avail(s, "treasury"), C(120));
	books(s);
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{}"), t, NULL, &e),
			 GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &bob, "token.transfer", json_pack("{s:s,s:I}", "to",
				  "alice", "amount", (json_int_t)C(30)), t, NULL, &e), GS_OK);
	ok(s, &alice, "stake.repay", amount_args(C(30)), t);
	STAKE(s, "alice", C(100), 0, C(100), 0);
	ck_assert_int_eq(avail(s, "treasury"), C(150));
	ck_assert_int_eq(avail(s, "alice"), 0);
	/* no debt left: already done */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply_status(s, &alice, "stake.repay", amount_args(1), t, &status,
					 NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_int_eq(th_journal_rows(s), rows);
	/* now the withdrawal goes through */
	ok(s, &alice, "stake.withdraw", json_pack("{}"), t);
	STAKE(s, "alice", 0, 0, 0, 0);
	ck_assert_int_eq(avail(s, "alice"), C(100));
	ck_assert_int_eq(avail(s, "vault"), 0);
	books(s);
	gs_store_close(s);
}
END_TEST

/* Checkpoints: the stake as it was at a past time. */
START_TEST(checkpoints)
{
	gs_store *s = setup();
	int64_t t1 = T1, t2 = T1 + 1000, tb = T1 + 1500, t3 = T1 + 3000, t4 = t3 + PERIOD,
		total = -1;
	json_t *out;
	gs_err e;

	ok(s, &alice, "stake.deposit", amount_args(C(100)), t1);
	ok(s, &alice, "stake.deposit", amount_args(C(50)), t2);
	ok(s, &bob, "stake.deposit", amount_args(C(70)), tb);
	ok(s, &alice, "stake.request_withdraw", amount_args(C(30)), t3);
	ok(s, &alice, "stake.lock", amount_args(C(20)), t3 + 10);
	ok(s, &alice, "stake.withdraw", json_pack("{}"), t4);
	STAKE(s, "alice", C(120), C(20), 0, 0);
	books(s);

#define AT(who, at, st_, lo_, un_) do {						\
		json_t *o_ = json_array(), *r_;					\
		ck_assert_int_eq(gs_stake_records(s, who, at, o_, &e), GS_OK);	\
		ck_assert_msg(json_array_size(o_) == 1, "line %d", __LINE__);	\
		r_ = json_array_get(o_, 0);					\
		ck_assert_str_eq(str(r_, "account"), who);			\
		ck_assert_int_eq(num(r_, "at"), at);				\
		ck_assert_msg(num(r_, "staked") == (st_) && num(r_, "locked") == (lo_) && \
			      num(r_, "unbonding") == (un_), "line %d: %s at %lld: %lld/%lld/%lld", \
			      __LINE__, who, (long long)(at), (long long)num(r_, "staked"), \
			      (long long)num(r_, "locked"), (long long)num(r_, "unbonding")); \
		ck_assert_int_eq(num(r_, "free"), (st_) - (lo_) - (un_));	\
		ck_assert_int_eq(num(r_, "debt"), 0);				\
		json_decref(o_);						\
	} while (0)
#define TOTAL(at, want) do {							\
		ck_assert_int_eq(gs_stake_total_at(s, at, &total, &e), GS_OK);	\
		ck_assert_msg(total == (want), "line %d: total at %lld is %lld", __LINE__, \
			      (long long)(at), (long long)total);		\
	} while (0)

	AT("alice", TH_T0, 0, 0, 0);
	AT("alice", t1 - 1, 0, 0, 0);
	AT("alice", t1, C(100), 0, 0);
	AT("alice", t2 - 1, C(100), 0, 0);
	AT("alice", t2, C(150), 0, 0);
	AT("alice", t3 - 1, C(150), 0, 0);
	AT("alice", t3, C(150), 0, C(30));
	AT("alice", t3 + 10, C(150), C(20), C(30));
	AT("alice", t4 - 1, C(150), C(20), C(30));
	AT("alice", t4, C(120), C(20), 0);
	AT("alice", t4 + 1000000, C(120), C(20), 0);
	AT("bob", tb - 1, 0, 0, 0);
	AT("bob", tb, C(70), 0, 0);
	AT("admin", t4, 0, 0, 0);

	TOTAL(TH_T0, 0);
	TOTAL(t1 - 1, 0);
	TOTAL(t1, C(100));
	TOTAL(t2, C(150));
	TOTAL(tb - 1, C(150));
	TOTAL(tb, C(220));
	TOTAL(t3, C(220));
	TOTAL(t4 - 1, C(220));
	TOTAL(t4, C(190));
	TOTAL(t4 + 5, C(190));
#undef AT
#undef TOTAL

	/* every staker at a time: only those who had stake checkpointed */
	out = json_array();
	ck_assert_int_eq(gs_stake_records(s, NULL, t1 - 1, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 0);
	ck_assert_int_eq(gs_stake_records(s, NULL, t2, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	ck_assert_int_eq(gs_stake_records(s, NULL, tb, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 3);
	ck_assert_str_eq(str(json_array_get(out, 1), "account"), "alice");
	ck_assert_int_eq(num(json_array_get(out, 1), "staked"), C(150));
	ck_assert_str_eq(str(json_array_get(out, 2), "account"), "bob");
	ck_assert_int_eq(num(json_array_get(out, 2), "staked"), C(70));
	ck_assert_int_eq(gs_stake_records(s, "nobody", t2, out, &e), GS_EINPUT);
	json_decref(out);

	/* several changes at one time: the last one counts */
	ok(s, &bob, "stake.deposit", amount_args(C(1)), t4 + 100);
	ok(s, &bob, "stake.deposit", amount_args(C(2)), t4 + 100);
	ok(s, &bob, "stake.request_withdraw", amount_args(C(3)), t4 + 100);
	{
		json_t *o = json_array();
		ck_assert_int_eq(gs_stake_records(s, "bob", t4 + 100, o, &e), GS_OK);
		ck_assert_int_eq(num(json_array_get(o, 0), "staked"), C(73));
		ck_assert_int_eq(num(json_array_get(o, 0), "unbonding"), C(3));
		ck_assert_int_eq(gs_stake_records(s, "bob", t4 + 99, o, &e), GS_OK);
		ck_assert_int_eq(num(json_array_get(o, 1), "staked"), C(70));
		json_decref(o);
	}
	ck_assert_int_eq(gs_stake_total_at(s, t4 + 100, &total, &e), GS_OK);
	ck_assert_int_eq(total, C(193));
	finish(s);
}
END_TEST

/* Penalties are for stakers: an unknown account is an error, and a system
 * account (which cannot stake, sign or repay) is never charged a debt. */
START_TEST(penalize_non_staker)
{
	gs_store *s = setup();
	unsigned char d1[32], d2[32];
	int64_t taken = -1;
	gs_err e;
	int rc;

	ok(s, &alice, "stake.deposit", amount_args(C(100)), T1);
	ck_assert_int_eq(gs_state_digest(s, d1, &e), GS_OK);
	{
		gs_ctx c = ctx_begin(s, T1 + 1);
		rc = gs_stake_penalize(&c, "nobody", C(5), 0, &taken, &e);
		ctx_end(&c, rc == GS_OK);
	}
	ck_assert_int_ne(rc, GS_OK);
	for (const char *const *a = gs_system_accounts; *a; a++) {
		gs_ctx c = ctx_begin(s, T1 + 1);
		rc = gs_stake_penalize(&c, *a, C(5), 0, &taken, &e);
		ctx_end(&c, rc == GS_OK);
		ck_assert_msg(rc != GS_OK, "system account '%s' penalized", *a);
	}
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stakes WHERE account <> 'alice'"), 0);
	ck_assert_int_eq(gs_state_digest(s, d2, &e), GS_OK);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);
	books(s);
	gs_store_close(s);
}
END_TEST

/* Checkpoints follow penalties and slashes too. */
START_TEST(checkpoints_after_slash)
{
	gs_store *s = setup();
	int64_t total = -1;
	json_t *o = json_array();
	gs_err e;

	ok(s, &alice, "stake.deposit", amount_args(C(100)), T1);
	ok(s, &admin, "stake.slash", json_pack("{s:s,s:I,s:s}", "account", "alice", "amount",
					       (json_int_t)C(40), "reason", "r"), T1 + 100);
	ck_assert_int_eq(gs_stake_records(s, "alice", T1 + 99, o, &e), GS_OK);
	ck_assert_int_eq(gs_stake_records(s, "alice", T1 + 100, o, &e), GS_OK);
	ck_assert_int_eq(num(json_array_get(o, 0), "staked"), C(100));
	ck_assert_int_eq(num(json_array_get(o, 1), "staked"), C(60));
	ck_assert_int_eq(gs_stake_total_at(s, T1 + 99, &total, &e), GS_OK);
	ck_assert_int_eq(total, C(100));
	ck_assert_int_eq(gs_stake_total_at(s, T1 + 100, &total, &e), GS_OK);
	ck_assert_int_eq(total, C(60));
	json_decref(o);
	finish(s);
}
END_TEST

/* The period is read when the request is made, at the tx's effective
 * time (never earlier than the journal head). */
START_TEST(unbonding_period)
{
	gs_store *s = setup();
	json_t *out = NULL;
	gs_err e;

	ok(s, &alice, "stake.deposit", amount_args(C(100)), T1);
	ok(s, &alice, "stake.request_withdraw", amount_args(C(10)), T1 + 10);	/* 1 */
	ok(s, &admin, "params.set", json_pack("{s:s,s:i}", "name", "unbonding_period_s",
					      "value", 3600), T1 + 20);
	/* signed with an earlier time: the head time counts */
	ck_assert_int_eq(th_apply(s, &alice, "stake.request_withdraw", amount_args(C(20)), T1,
				  &out, &e), GS_OK);
	ck_assert_int_eq(num(json_array_get(out, 0), "id"), 2);
	ck_assert_int_eq(num(json_array_get(out, 0), "requested"), T1 + 20);
	ck_assert_int_eq(num(json_array_get(out, 0), "available_at"), T1 + 20 + 3600);
	json_decref(out);
	unbonding_is(s, 1, "pending", C(10));
	ck_assert_int_eq(q(s, "SELECT available_at FROM unbondings WHERE id = 1"),
			 T1 + 10 + PERIOD);
	STAKE(s, "alice", C(100), 0, C(30), 0);
	books(s);
	ck_assert_int_eq(th_apply(s, &alice, "stake.withdraw", json_pack("{}"), T1 + 3619, NULL,
				  &e), GS_EREFUSED);
	ok(s, &alice, "stake.withdraw", json_pack("{}"), T1 + 3620);
	STAKE(s, "alice", C(80), 0, C(10), 0);	/* the first keeps its 7 days */
	ck_assert_int_eq(avail(s, "alice"), C(920));
	/* period 0: withdrawable at once */
	ok(s, &admin, "params.set", json_pack("{s:s,s:i}", "name", "unbonding_period_s",
					      "value", 0), T1 + 4000);
	ok(s, &alice, "stake.request_withdraw", amount_args(C(5)), T1 + 4000);
	ok(s, &alice, "stake.withdraw", json_pack("{}"), T1 + 4000);
	STAKE(s, "alice", C(75), 0, C(10), 0);
	ck_assert_int_eq(avail(s, "alice"), C(925));
	books(s);
	finish(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stake");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, deposit);
	tcase_add_test(tc, request_and_withdraw);
	tcase_add_test(tc, unbonding_period);
	tcase_add_test(tc, cancel_withdraw);
	tcase_add_test(tc, lock_unlock);
	tcase_add_test(tc, unlock_protocol_lock);
	tcase_add_test(tc, slash);
	tcase_add_test(tc, penalize_collateral);
	tcase_add_test(tc, penalize_free_unbonding);
	tcase_add_test(tc, penalize_non_staker);
	tcase_add_test(tc, debt_and_repay);
	tcase_add_test(tc, checkpoints);
	tcase_add_test(tc, checkpoints_after_slash);
	suite_add_tcase(s, tc);
	return th_run(s);
}
