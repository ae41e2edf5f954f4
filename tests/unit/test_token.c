/* test_token.c - unit tests for token.c: mint, burn, transfer (single and
 * batch), allowances, locks, and the supply invariant after every step. */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

static gs_key admin, alice, bob;

/* Genesis with alice and bob; alice holds 1000. */
static gs_store *setup(void)
{
	gs_store *s = th_genesis(&admin);
	gs_err e;

	th_account(s, "alice", &alice);
	th_account(s, "bob", &bob);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", json_pack("{s:s,s:i}", "to",
				  "alice", "amount", 1000), TH_T0, NULL, &e), GS_OK);
	return s;
}

/* sum(available + locked) == minted - burned; locked == active locks. */
static void books(gs_store *s)
{
	int64_t sum = -1, supply = -2, locked = -3, active = -4, bad = -5;
	gs_err e;

	ck_assert_int_eq(gs_query_int(s, &e, &sum, "SELECT coalesce(sum(available + locked), 0) "
				      "FROM balances", ""), 1);
	ck_assert_int_eq(gs_query_int(s, &e, &supply, "SELECT minted - burned FROM supply", ""),
			 1);
	ck_assert_msg(sum == supply, "balances %lld != supply %lld", (long long)sum,
		      (long long)supply);
	ck_assert_int_eq(gs_query_int(s, &e, &locked, "SELECT coalesce(sum(locked), 0) "
				      "FROM balances", ""), 1);
	ck_assert_int_eq(gs_query_int(s, &e, &active, "SELECT coalesce(sum(amount), 0) FROM "
				      "locks WHERE state = 'active'", ""), 1);
	ck_assert_int_eq(locked, active);
	ck_assert_int_eq(gs_query_int(s, &e, &bad, "SELECT count(*) FROM balances WHERE "
				      "typeof(available) <> 'integer' OR typeof(locked) <> "
				      "'integer'", ""), 1);
	ck_assert_int_eq(bad, 0);
	ck_assert_int_eq(gs_verify_invariants(s, NULL, NULL, &e), GS_OK);
}

static int64_t avail(gs_store *s, const char *who)
{
	int64_t a, l;

	th_balance(s, who, &a, &l);
	return a;
}

static int64_t locked(gs_store *s, const char *who)
{
	int64_t a, l;

	th_balance(s, who, &a, &l);
	return l;
}

static void supply(gs_store *s, int64_t minted, int64_t burned)
{
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_int_eq(gs_supply_record(s, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "supply");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "minted")), minted);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "burned")), burned);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "supply")), minted - burned);
	json_decref(out);
}

static json_t *to_amount(const char *to, int64_t amount)
{
	return json_pack("{s:s,s:I}", "to", to, "amount", (json_int_t)amount);
}

START_TEST(mint)
{
	gs_store *s = setup();
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_int_eq(avail(s, "alice"), 1000);
	supply(s, 1000, 0);
	books(s);
	/* minter only */
	ck_assert_int_eq(th_apply(s, &alice, "token.mint", to_amount("alice", 5), TH_T0, NULL,
				  &e), GS_EPERM);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", to_amount("vault", 5), TH_T0, NULL,
				  &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", to_amount("nobody", 5), TH_T0, NULL,
				  &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", to_amount("bob", 0), TH_T0, NULL,
				  &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", to_amount("bob", -5), TH_T0, NULL,
				  &e), GS_EINPUT);
	supply(s, 1000, 0);
	/* batch mint */
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", json_pack("{s:[o,o]}", "items",
				  to_amount("bob", 7), to_amount("treasury", 3)), TH_T0, NULL,
				  &e), GS_OK);
	ck_assert_int_eq(avail(s, "bob"), 7);
	ck_assert_int_eq(avail(s, "treasury"), 3);
	supply(s, 1010, 0);
	books(s);

	ck_assert_int_eq(gs_balance_records(s, "bob", out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "balance");
	ck_assert_str_eq(json_string_value(json_object_get(r, "account")), "bob");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "available")), 7);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "locked")), 0);
	ck_assert_int_eq(gs_balance_records(s, "nobody", out, &e), GS_EINPUT);
	ck_assert_int_eq(gs_balance_records(s, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1 + 6);	/* 3 system, admin, alice, bob */
	json_decref(out);
	gs_store_close(s);
}
END_TEST

/* Mint may never overflow the supply. */
START_TEST(mint_overflow)
{
	gs_store *s = setup();
	unsigned char d1[32], d2[32];
	gs_err e;

	ck_assert_int_eq(th_apply(s, &admin, "token.mint", to_amount("bob", INT64_MAX - 1000),
				  TH_T0, NULL, &e), GS_OK);
	supply(s, INT64_MAX, 0);
	books(s);
	ck_assert_int_eq(gs_state_digest(s, d1, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", to_amount("alice", 1), TH_T0, NULL,
				  &e), GS_EREFUSED);
	ck_assert_str_eq(e.msg, "field \"amount\": mint would overflow the supply");
	ck_assert_int_eq(e.item, 0);	/* one item: no item number */
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", to_amount("bob", 1), TH_T0, NULL,
				  &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", to_amount("bob", INT64_MAX), TH_T0,
				  NULL, &e), GS_EREFUSED);
	/* burning does not make room: minted counts everything ever minted */
	ck_assert_int_eq(th_apply(s, &bob, "token.burn", json_pack("{s:i}", "amount", 10),
				  TH_T0, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", to_amount("bob", 1), TH_T0, NULL,
				  &e), GS_EREFUSED);
	supply(s, INT64_MAX, 10);
	books(s);
	(void)d2;
	gs_store_close(s);

	/* a batch whose sum overflows, though each item fits */
	s = th_genesis(&admin);
	th_account(s, "bob", &bob);
	ck_assert_int_eq(gs_state_digest(s, d1, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", json_pack("{s:[o,o]}", "items",
				  to_amount("admin", INT64_MAX), to_amount("bob", 1)), TH_T0,
				  NULL, &e), GS_EREFUSED);
	/* the item where the running total overflows is named */
	ck_assert_str_eq(e.msg, "field \"amount\": mint would overflow the supply");
	ck_assert_int_eq(e.item, 2);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", json_pack("{s:[o,o]}", "items",
				  to_amount("bob", INT64_MAX), to_amount("bob", INT64_MAX)), TH_T0,
				  NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(gs_state_digest(s, d2, &e), GS_OK);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);
	supply(s, 0, 0);
	books(s);
	gs_store_close(s);
}
END_TEST

START_TEST(burn)
{
	gs_store *s = setup();
	gs_err e;

	ck_assert_int_eq(th_apply(s, &alice, "token.burn", json_pack("{s:i}", "amount", 100),
				  TH_T0, NULL, &e), GS_OK);
	ck_assert_int_eq(avail(s, "alice"), 900);
	supply(s, 1000, 100);
	books(s);
	ck_assert_int_eq(th_apply(s, &alice, "token.burn", json_pack("{s:i}", "amount", 901),
				  TH_T0, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &bob, "token.burn", json_pack("{s:i}", "amount", 1),
				  TH_T0, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "token.burn", json_pack("{s:i}", "amount", 0),
				  TH_T0, NULL, &e), GS_EINPUT);
	supply(s, 1000, 100);
	books(s);
	gs_store_close(s);
}
END_TEST

START_TEST(transfer)
{
	gs_store *s = setup();
	unsigned char d1[32], d2[32];
	int64_t rows;
	gs_err e;

	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", to_amount("bob", 300), TH_T0,
				  NULL, &e), GS_OK);
	ck_assert_int_eq(avail(s, "alice"), 700);
	ck_assert_int_eq(avail(s, "bob"), 300);
	books(s);
	/* to a system account other than the vault */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", to_amount("treasury", 1), TH_T0,
				  NULL, &e), GS_OK);
	ck_assert_int_eq(avail(s, "treasury"), 1);
	books(s);

	/* refusals change nothing */
	rows = th_journal_rows(s);
	ck_assert_int_eq(gs_state_digest(s, d1, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", to_amount("bob", 700), TH_T0,
				  NULL, &e), GS_EREFUSED);
	ck_assert_str_eq(e.msg, "insufficient balance: 'alice' has 0.000699 available, "
			 "needs 0.0007");
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", to_amount("vault", 1), TH_T0,
				  NULL, &e), GS_EREFUSED);
	ck_assert_ptr_nonnull(strstr(e.msg, "vault"));
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", to_amount("nobody", 1), TH_T0,
				  NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", to_amount("bob", 0), TH_T0,
				  NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:s}", "to",
				  "bob", "amount", "5"), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i,s:s}", "to",
				  "bob", "amount", 5, "memo", "hi"), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &bob, "token.transfer", to_amount("alice", INT64_MAX),
				  TH_T0, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(avail(s, "alice"), 699);
	ck_assert_int_eq(avail(s, "bob"), 300);
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_int_eq(gs_state_digest(s, d2, &e), GS_OK);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);
	books(s);
	gs_store_close(s);
}
END_TEST

/* A transfer to oneself moves nothing, but it is still a transfer: one
 * that the balance does not cover is refused like any other. */
START_TEST(transfer_to_self)
{
	gs_store *s = setup();
	int64_t rows;
	gs_err e;

	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", to_amount("alice", 1000), TH_T0,
				  NULL, &e), GS_OK);
	ck_assert_int_eq(avail(s, "alice"), 1000);
	rows = th_journal_rows(s);
	ck_assert_msg(th_apply(s, &bob, "token.transfer", to_amount("bob", 5), TH_T0, NULL,
			       &e) == GS_EREFUSED, "bob (balance 0) sent 5 to himself");
	ck_assert_msg(th_apply(s, &alice, "token.transfer", to_amount("alice", 1001), TH_T0,
			       NULL, &e) == GS_EREFUSED, "alice (1000) sent 1001 to herself");
	ck_assert_int_eq(th_journal_rows(s), rows);
	books(s);
	gs_store_close(s);
}
END_TEST

/* A batch applies whole or not at all; the failing item is named; several
 * items to one recipient add up. */
START_TEST(transfer_batch)
{
	gs_store *s = setup();
	unsigned char d1[32], d2[32];
	gs_err e;

	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[o,o,o]}", "items",
				  to_amount("bob", 100), to_amount("treasury", 50),
				  to_amount("bob", 25)), TH_T0, NULL, &e), GS_OK);
	ck_assert_int_eq(avail(s, "alice"), 825);
	ck_assert_int_eq(avail(s, "bob"), 125);
	ck_assert_int_eq(avail(s, "treasury"), 50);
	books(s);

	ck_assert_int_eq(gs_state_digest(s, d1, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[o,o,o]}", "items",
				  to_amount("bob", 1), to_amount("treasury", 1),
				  to_amount("vault", 1)), TH_T0, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(e.item, 3);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[o,o,o]}", "items",
				  to_amount("bob", 1), to_amount("nobody", 1),
				  to_amount("bob", 1)), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 2);
	ck_assert_str_eq(e.msg, "unknown account 'nobody'");
	/* credits go one per recipient (sums); the first item of an unknown
	 * recipient is the one named */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[o,o,o,o,o]}",
				  "items", to_amount("bob", 1), to_amount("treasury", 1),
				  to_amount("ghost", 1), to_amount("bob", 1),
				  to_amount("ghost", 1)), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 3);
	ck_assert_str_eq(e.msg, "unknown account 'ghost'");
	/* each item fits, the sum does not */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[o,o]}", "items",
				  to_amount("bob", 500), to_amount("bob", 500)), TH_T0, NULL, &e),
			 GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[o,o]}", "items",
				  to_amount("bob", INT64_MAX), to_amount("bob", 1)), TH_T0, NULL,
				  &e), GS_EINPUT);
	ck_assert_int_eq(gs_state_digest(s, d2, &e), GS_OK);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);
	books(s);
	gs_store_close(s);
}
END_TEST

START_TEST(allowances)
{
	gs_store *s = setup();
	json_t *out = NULL, *r;
	int64_t amount = -1;
	gs_err e;

	ck_assert_int_eq(th_apply(s, &alice, "token.approve", json_pack("{s:s,s:i}", "spender",
				  "bob", "amount", 200), TH_T0, &out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "allowance");
	ck_assert_str_eq(json_string_value(json_object_get(r, "owner")), "alice");
	ck_assert_str_eq(json_string_value(json_object_get(r, "spender")), "bob");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "amount")), 200);
	json_decref(out);

	ck_assert_int_eq(th_apply(s, &bob, "token.transfer_from", json_pack("{s:s,s:s,s:i}",
				  "from", "alice", "to", "treasury", "amount", 150), TH_T0, NULL,
				  &e), GS_OK);
	ck_assert_int_eq(avail(s, "alice"), 850);
	ck_assert_int_eq(avail(s, "treasury"), 150);
	ck_assert_int_eq(avail(s, "bob"), 0);
	ck_assert_int_eq(gs_query_int(s, &e, &amount, "SELECT amount FROM allowances WHERE "
				      "owner = 'alice' AND spender = 'bob'", ""), 1);
	ck_assert_int_eq(amount, 50);
	books(s);

	/* over the allowance */
	ck_assert_int_eq(th_apply(s, &bob, "token.transfer_from", json_pack("{s:s,s:s,s:i}",
				  "from", "alice", "to", "bob", "amount", 51), TH_T0, NULL, &e),
			 GS_EREFUSED);
	ck_assert_str_eq(e.msg, "allowance of 'bob' from 'alice' is 50, needs 51 (base units)");
	/* no allowance the other way */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer_from", json_pack("{s:s,s:s,s:i}",
				  "from", "bob", "to", "alice", "amount", 1), TH_T0, NULL, &e),
			 GS_EREFUSED);
	/* to the vault */
	ck_assert_int_eq(th_apply(s, &bob, "token.transfer_from", json_pack("{s:s,s:s,s:i}",
				  "from", "alice", "to", "vault", "amount", 1), TH_T0, NULL, &e),
			 GS_EREFUSED);
	/* allowance fine but the owner is short: nothing changes */
	ck_assert_int_eq(th_apply(s, &alice, "token.approve", json_pack("{s:s,s:i}", "spender",
				  "bob", "amount", 5000), TH_T0, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &bob, "token.transfer_from", json_pack("{s:s,s:s,s:i}",
				  "from", "alice", "to", "bob", "amount", 851), TH_T0, NULL, &e),
			 GS_EREFUSED);
	ck_assert_int_eq(gs_query_int(s, &e, &amount, "SELECT amount FROM allowances WHERE "
				      "owner = 'alice' AND spender = 'bob'", ""), 1);
	ck_assert_int_eq(amount, 5000);
	ck_assert_int_eq(avail(s, "alice"), 850);
	/* approve checks */
	ck_assert_int_eq(th_apply(s, &alice, "token.approve", json_pack("{s:s,s:i}", "spender",
				  "alice", "amount", 1), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "token.approve", json_pack("{s:s,s:i}", "spender",
				  "nobody", "amount", 1), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "token.approve", json_pack("{s:s,s:i}", "spender",
				  "bob", "amount", -1), TH_T0, NULL, &e), GS_EINPUT);
	/* approve 0 clears it */
	ck_assert_int_eq(th_apply(s, &alice, "token.approve", json_pack("{s:s,s:i}", "spender",
				  "bob", "amount", 0), TH_T0, NULL, &e), GS_OK);
	out = json_array();
	ck_assert_int_eq(gs_allowance_record(s, "alice", "bob", out, &e), GS_OK);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(out, 0), "amount")), 0);
	ck_assert_int_eq(gs_allowance_record(s, "bob", "admin", out, &e), GS_OK);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(out, 1), "amount")), 0);
	ck_assert_int_eq(gs_allowance_record(s, "alice", "nobody", out, &e), GS_EINPUT);
	json_decref(out);
	books(s);
	gs_store_close(s);
}
END_TEST

/* Manual locks: the holder locks and unlocks its own, once. */
START_TEST(manual_locks)
{
	gs_store *s = setup();
	json_t *out = NULL, *r;
	int64_t id, rows;
	int status;
	gs_err e;

	ck_assert_int_eq(th_apply(s, &alice, "token.lock", json_pack("{s:i,s:s,s:s}", "amount",
				  100, "purpose", "hold", "ref", "r-1"), TH_T0, &out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "lock");
	id = json_integer_value(json_object_get(r, "id"));
	ck_assert_int_eq(id, 1);
	ck_assert_str_eq(json_string_value(json_object_get(r, "account")), "alice");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "amount")), 100);
	ck_assert_str_eq(json_string_value(json_object_get(r, "purpose")), "hold");
	ck_assert_str_eq(json_string_value(json_object_get(r, "ref")), "r-1");
	ck_assert_str_eq(json_string_value(json_object_get(r, "state")), "active");
	json_decref(out);
	ck_assert_int_eq(avail(s, "alice"), 900);
	ck_assert_int_eq(locked(s, "alice"), 100);
	books(s);
	/* locked tokens cannot be spent */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", to_amount("bob", 901), TH_T0,
				  NULL, &e), GS_EREFUSED);
	/* more than available */
	ck_assert_int_eq(th_apply(s, &alice, "token.lock", json_pack("{s:i}", "amount", 901),
				  TH_T0, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "token.lock", json_pack("{s:i}", "amount", 0),
				  TH_T0, NULL, &e), GS_EINPUT);

	/* not bob's */
	ck_assert_int_eq(th_apply(s, &bob, "token.unlock", json_pack("{s:I}", "lock",
				  (json_int_t)id), TH_T0, NULL, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "lock 1 belongs to 'alice'");
	ck_assert_int_eq(locked(s, "alice"), 100);
	ck_assert_int_eq(th_apply(s, &alice, "token.unlock", json_pack("{s:i}", "lock", 99),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "token.unlock", json_pack("{s:I}", "lock",
				  (json_int_t)id), TH_T0, &out, &e), GS_OK);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(out, 0), "state")),
			 "released");
	json_decref(out);
	ck_assert_int_eq(avail(s, "alice"), 1000);
	ck_assert_int_eq(locked(s, "alice"), 0);
	books(s);
	/* exactly once: again is "already done", nothing changes */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply_status(s, &alice, "token.unlock", json_pack("{s:I}", "lock",
					 (json_int_t)id), TH_T0, &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(e.msg, "lock 1 is already released");
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_int_eq(avail(s, "alice"), 1000);
	ck_assert_int_eq(locked(s, "alice"), 0);

	/* default purpose, no ref; ids keep counting */
	ck_assert_int_eq(th_apply(s, &alice, "token.lock", json_pack("{s:i}", "amount", 5),
				  TH_T0, &out, &e), GS_OK);
	r = json_array_get(out, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(r, "purpose")), "hold");
	ck_assert(json_is_null(json_object_get(r, "ref")));
	json_decref(out);
	out = json_array();
	ck_assert_int_eq(gs_lock_records(s, "alice", 0, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);	/* only the active one */
	ck_assert_int_eq(gs_lock_records(s, NULL, 1, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(out, 1), "state")),
			 "released");
	json_decref(out);
	books(s);
	gs_store_close(s);
}
END_TEST

/* A batch unlock skips locks already released; when all are, nothing is
 * done at all. */
START_TEST(unlock_batch)
{
	gs_store *s = setup();
	int64_t rows;
	int status;
	gs_err e;

	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(th_apply(s, &alice, "token.lock", json_pack("{s:i}", "amount",
					  10 * (i + 1)), TH_T0, NULL, &e), GS_OK);
	ck_assert_int_eq(locked(s, "alice"), 60);
	ck_assert_int_eq(th_apply(s, &alice, "token.unlock", json_pack("{s:i}", "lock", 1),
				  TH_T0, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply_status(s, &alice, "token.unlock", json_pack("{s:[{s:i},{s:i}]}",
					 "items", "lock", 1, "lock", 2), TH_T0, &status, NULL, &e),
			 GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_int_eq(locked(s, "alice"), 30);
	ck_assert_int_eq(avail(s, "alice"), 970);
	books(s);
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply_status(s, &alice, "token.unlock", json_pack("{s:[{s:i},{s:i}]}",
					 "items", "lock", 2, "lock", 1), TH_T0, &status, NULL, &e),
			 GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_int_eq(th_journal_rows(s), rows);
	/* one bad item still refuses the whole batch */
	ck_assert_int_eq(th_apply(s, &alice, "token.unlock", json_pack("{s:[{s:i},{s:i}]}",
				  "items", "lock", 3, "lock", 99), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 2);
	ck_assert_int_eq(locked(s, "alice"), 30);
	books(s);
	gs_store_close(s);
}
END_TEST

/* Protocol locks: not unlockable by the holder; released or consumed by
 * the protocol exactly once. */
START_TEST(protocol_locks)
{
	gs_store *s = setup();
	int64_t id1 = 0, id2 = 0, id3 = 0, st = 0;
	gs_err e;

	ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_OK);
	ck_assert_int_eq(gs_token_lock(s, 100, "alice", 300, "escrow", "order-1", 0, &id1, &e),
			 GS_OK);
	ck_assert_int_eq(gs_token_lock(s, 100, "alice", 200, "collateral", NULL, 0, &id2, &e),
			 GS_OK);
	ck_assert_int_eq(gs_token_lock(s, 100, "alice", 600, "escrow", NULL, 0, &id3, &e),
			 GS_EREFUSED);
	ck_assert_int_eq(gs_token_lock(s, 100, "alice", 0, "escrow", NULL, 0, &id3, &e),
			 GS_EINPUT);
	ck_assert_int_eq(gs_token_lock(s, 100, "alice", -5, "escrow", NULL, 0, &id3, &e),
			 GS_EINPUT);
	ck_assert_int_eq(gs_token_lock(s, 100, "nobody", 5, "escrow", NULL, 0, &id3, &e),
			 GS_EINPUT);
	ck_assert_int_eq(gs_store_commit(s, &e), GS_OK);
	ck_assert_int_ne(id1, id2);
	ck_assert_int_eq(avail(s, "alice"), 500);
	ck_assert_int_eq(locked(s, "alice"), 500);
	books(s);

	/* the holder cannot unlock a protocol lock */
	ck_assert_int_eq(th_apply(s, &alice, "token.unlock", json_pack("{s:I}", "lock",
				  (json_int_t)id1), TH_T0, NULL, &e), GS_EPERM);
	ck_assert_int_eq(locked(s, "alice"), 500);

	/* release once */
	ck_assert_int_eq(gs_token_release(s, 101, id1, &e), GS_OK);
	ck_assert_int_eq(avail(s, "alice"), 800);
	ck_assert_int_eq(locked(s, "alice"), 200);
	ck_assert_int_eq(gs_query_int(s, &e, &st, "SELECT closed_seq FROM locks WHERE id = ?",
				      "i", id1), 1);
	ck_assert_int_eq(st, 101);
	books(s);
	ck_assert_int_eq(gs_token_release(s, 102, id1, &e), GS_EREFUSED);
	ck_assert_int_eq(gs_token_consume(s, 102, id1, "bob", &e), GS_EREFUSED);
	ck_assert_int_eq(avail(s, "alice"), 800);
	ck_assert_int_eq(avail(s, "bob"), 0);

	/* consume once: to bob */
	ck_assert_int_eq(gs_token_consume(s, 103, id2, "bob", &e), GS_OK);
	ck_assert_int_eq(avail(s, "alice"), 800);
	ck_assert_int_eq(locked(s, "alice"), 0);
	ck_assert_int_eq(avail(s, "bob"), 200);
	books(s);
	ck_assert_int_eq(gs_token_consume(s, 104, id2, "bob", &e), GS_EREFUSED);
	ck_assert_int_eq(gs_token_release(s, 104, id2, &e), GS_EREFUSED);
	ck_assert_int_eq(avail(s, "bob"), 200);
	ck_assert_int_eq(avail(s, "alice"), 800);
	ck_assert_int_eq(gs_token_release(s, 104, 12345, &e), GS_EINPUT);
	books(s);
	ck_assert_int_eq(gs_verify_invariants(s, NULL, NULL, &e), GS_OK);
	gs_store_close(s);
}
END_TEST

/* gs_token_move: plain moves, refusals, and no negative amounts (which
 * would move value backwards, from the recipient without its consent). */
START_TEST(token_move)
{
	gs_store *s = setup();
	gs_err e;
	int rc;

	ck_assert_int_eq(gs_token_move(s, "alice", "bob", 10, &e), GS_OK);
	ck_assert_int_eq(avail(s, "alice"), 990);
	ck_assert_int_eq(avail(s, "bob"), 10);
	ck_assert_int_eq(gs_token_move(s, "alice", "bob", 0, &e), GS_OK);
	ck_assert_int_eq(gs_token_move(s, "alice", "nobody", 0, &e), GS_EINPUT);
	ck_assert_int_eq(gs_token_move(s, "bob", "alice", 11, &e), GS_EREFUSED);
	ck_assert_int_eq(gs_token_move(s, "nobody", "alice", 1, &e), GS_EINPUT);
	books(s);

	rc = gs_token_move(s, "alice", "bob", -5, &e);
	ck_assert_msg(rc != GS_OK, "negative move accepted: alice %lld, bob %lld",
		      (long long)avail(s, "alice"), (long long)avail(s, "bob"));
	ck_assert_int_eq(avail(s, "alice"), 990);
	ck_assert_int_eq(avail(s, "bob"), 10);
	gs_store_close(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, mint);
	tcase_add_test(tc, mint_overflow);
	tcase_add_test(tc, burn);
	tcase_add_test(tc, transfer);
	tcase_add_test(tc, transfer_to_self);
	tcase_add_test(tc, transfer_batch);
	tcase_add_test(tc, allowances);
	tcase_add_test(tc, manual_locks);
	tcase_add_test(tc, unlock_batch);
	tcase_add_test(tc, protocol_locks);
	tcase_add_test(tc, token_move);
	suite_add_tcase(s, tc);
	return th_run(s);
}
