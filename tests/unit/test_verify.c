/* test_verify.c - unit tests for verify.c: chain, invariants, replay and
 * digests, on good and on tampered state files. */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

/* Report collector. */
struct reports {
	int n;
	char text[8192];
};

static void collect(const char *msg, void *arg)
{
	struct reports *r = arg;
	size_t used = strlen(r->text);

	r->n++;
	snprintf(r->text + used, sizeof r->text - used, "%s\n", msg);
}

/* A history: genesis, alice and bob, mint, transfers, a lock, an
 * allowance, a burn. Deterministic keys, so two runs give one state. */
static gs_store *history(const char *path)
{
	gs_key admin, alice, bob;
	gs_store *s;
	gs_err e;

	th_key("admin", &admin);
	th_key("alice", &alice);
	th_key("bob", &bob);
	s = th_genesis_with(path, &admin, 6, "GST", 900);
	th_register(s, &alice);
	th_register(s, &bob);
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", json_pack("{s:s,s:i}", "to",
				  "alice", "amount", 1000), TH_T0 + 10, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "bob", "amount", 100), TH_T0 + 20, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &alice, "token.lock", json_pack("{s:i,s:s}", "amount",
				  50, "ref", "r1"), TH_T0 + 30, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &alice, "token.approve", json_pack("{s:s,s:i}", "spender",
				  "bob", "amount", 70), TH_T0 + 40, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &bob, "token.burn", json_pack("{s:i}", "amount", 5),
				  TH_T0 + 50, NULL, &e), GS_OK);
	return s;
}

static void all_ok(gs_store *s)
{
	struct reports r;
	gs_err e;

	memset(&r, 0, sizeof r);
	ck_assert_msg(gs_verify_chain(s, collect, &r, &e) == GS_OK, "chain: %s", r.text);
	ck_assert_msg(gs_verify_invariants(s, collect, &r, &e) == GS_OK, "inv: %s", r.text);
	ck_assert_msg(gs_verify_replay(s, collect, &r, &e) == GS_OK, "replay: %s", r.text);
	ck_assert_int_eq(r.n, 0);
}

START_TEST(fresh_genesis_verifies)
{
	gs_key admin;
	gs_store *s = th_genesis(&admin);

	all_ok(s);
	/* a NULL report function is allowed */
	{
		gs_err e;
		ck_assert_int_eq(gs_verify_chain(s, NULL, NULL, &e), GS_OK);
		ck_assert_int_eq(gs_verify_invariants(s, NULL, NULL, &e), GS_OK);
		ck_assert_int_eq(gs_verify_replay(s, NULL, NULL, &e), GS_OK);
	}
	gs_store_close(s);
}
END_TEST

START_TEST(history_verifies)
{
	gs_store *s = history(NULL);

	all_ok(s);
	gs_store_close(s);
}
END_TEST

/* A balance changed behind the journal's back is found by the invariants
 * and by replay, which names the table and the account. */
START_TEST(tampered_balance)
{
	gs_store *s = history(NULL);
	struct reports r;
	gs_err e;

	ck_assert_int_eq(gs_exec(s, &e, "UPDATE balances SET available = available + 5 "
				 "WHERE account = 'bob'", ""), GS_OK);
	/* the chain itself is intact */
	memset(&r, 0, sizeof r);
	ck_assert_int_eq(gs_verify_chain(s, collect, &r, &e), GS_OK);
	ck_assert_int_eq(r.n, 0);

	memset(&r, 0, sizeof r);
	ck_assert_int_eq(gs_verify_invariants(s, collect, &r, &e), GS_EREFUSED);
	ck_assert_int_eq(e.code, GS_EREFUSED);
	ck_assert_int_eq(r.n, 1);
	ck_assert_msg(strstr(r.text, "balances") != NULL, "%s", r.text);
	ck_assert_msg(strstr(r.text, "supply") != NULL, "%s", r.text);

	memset(&r, 0, sizeof r);
	ck_assert_int_eq(gs_verify_replay(s, collect, &r, &e), GS_EREFUSED);
	ck_assert_int_eq(e.code, GS_EREFUSED);
	ck_assert_int_eq(r.n, 1);
	ck_assert_msg(strstr(r.text, "table balances differs") != NULL, "%s", r.text);
	ck_assert_msg(strstr(r.text, "'bob'") != NULL, "%s", r.text);
	ck_assert_str_eq(r.text, "table balances differs: file has {account='bob' "
			 "available=100 locked=0}, replay has {account='bob' available=95 "
			 "locked=0}\n");
	gs_store_close(s);
}
END_TEST

/* The locked column out of step with the locks: the invariant report
 * names balances; replay names the account. */
START_TEST(tampered_locked)
{
	gs_store *s = history(NULL);
	struct reports r;
	gs_err e;

	/* move 10 from available to locked: supply still adds up */
	ck_assert_int_eq(gs_exec(s, &e, "UPDATE balances SET available = available - 10, "
				 "locked = locked + 10 WHERE account = 'alice'", ""), GS_OK);
	memset(&r, 0, sizeof r);
	ck_assert_int_eq(gs_verify_invariants(s, collect, &r, &e), GS_EREFUSED);
	ck_assert_int_eq(r.n, 1);
	ck_assert_msg(strstr(r.text, "balances: locked differs from the sum of active locks")
		      != NULL, "%s", r.text);
	memset(&r, 0, sizeof r);
	ck_assert_int_eq(gs_verify_replay(s, collect, &r, &e), GS_EREFUSED);
	ck_assert_msg(strstr(r.text, "'alice'") != NULL, "%s", r.text);
	gs_store_close(s);
}
END_TEST

/* Tokens in the vault that are not stake. */
START_TEST(tampered_vault)
{
	gs_store *s = history(NULL);
	struct reports r;
	gs_err e;

	ck_assert_int_eq(gs_exec(s, &e, "UPDATE balances SET available = available - 1 "
				 "WHERE account = 'bob'", ""), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "UPDATE balances SET available = available + 1 "
				 "WHERE account = 'vault'", ""), GS_OK);
	memset(&r, 0, sizeof r);
	ck_assert_int_eq(gs_verify_invariants(s, collect, &r, &e), GS_EREFUSED);
	ck_assert_int_eq(r.n, 1);
	ck_assert_msg(strstr(r.text, "vault") != NULL, "%s", r.text);
	gs_store_close(s);
}
END_TEST

/* An altered tx text in the journal breaks the chain at that seq. */
START_TEST(tampered_tx_text)
{
	gs_store *s = history(NULL);
	struct reports r;
	int64_t n = 0;
	gs_err e;

	/* seq 5 is alice's transfer of 100 to bob */
	ck_assert_int_eq(gs_query_int(s, &e, &n, "SELECT count(*) FROM journal WHERE seq = 5 "
				      "AND cmd = 'token.transfer' AND tx LIKE '%\"amount\":100,%'",
				      ""), 1);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(gs_exec(s, &e, "UPDATE journal SET tx = replace(tx, '\"amount\":100,', "
				 "'\"amount\":900,') WHERE seq = 5", ""), GS_OK);
	ck_assert_int_eq(gs_store_changes(s), 1);
	memset(&r, 0, sizeof r);
	ck_assert_int_eq(gs_verify_chain(s, collect, &r, &e), GS_EREFUSED);
	ck_assert_int_eq(e.code, GS_EREFUSED);
	ck_assert_msg(strstr(r.text, "journal #5: hash does not match") != NULL, "%s", r.text);
	ck_assert_msg(strstr(r.text, "journal #5: signature does not verify") != NULL, "%s",
		      r.text);
	/* one altered row is reported once: nothing about other rows */
	ck_assert_str_eq(r.text, "journal #5: hash does not match its contents\n"
			 "journal #5: signature does not verify\n");
	/* replay cannot apply it */
	memset(&r, 0, sizeof r);
	ck_assert_int_eq(gs_verify_replay(s, collect, &r, &e), GS_EREFUSED);
	ck_assert_msg(strstr(r.text, "journal #5") != NULL, "%s", r.text);
	gs_store_close(s);
}
END_TEST

/* Altered hash, prev, sig, time, txid and a removed row. */
START_TEST(tampered_chain_columns)
{
	static const struct {
		const char *sql, *expect;
	} cases[] = {
		{ "UPDATE journal SET hash = '0000000000000000000000000000000000000000000000000000"
		  "000000000000' WHERE seq = 3", "journal #3: hash does not match" },
		{ "UPDATE journal SET prev = (SELECT hash FROM journal WHERE seq = 1) "
		  "WHERE seq = 4", "journal #4: prev hash does not match" },
		{ "UPDATE journal SET sig = (SELECT sig FROM journal WHERE seq = 6) WHERE seq = 5",
		  "journal #5: signature does not verify" },
		{ "UPDATE journal SET time = time + 1 WHERE seq = 6", "journal #6: time" },
		{ "UPDATE journal SET txid = 'other' WHERE seq = 7",
		  "journal #7: txid differs from the tx" },
		{ "DELETE FROM journal WHERE seq = 4", "journal: seq 5 follows 3" },
		{ "UPDATE accounts SET pubkey = (SELECT pubkey FROM accounts WHERE name = 'bob') "
		  "WHERE name = 'alice'", "journal #5: signature does not verify" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gs_store *s = history(NULL);
		struct reports r;
		gs_err e;

		ck_assert_int_eq(gs_exec(s, &e, cases[i].sql, ""), GS_OK);
		ck_assert_int_eq(gs_store_changes(s), 1);
		memset(&r, 0, sizeof r);
		ck_assert_msg(gs_verify_chain(s, collect, &r, &e) == GS_EREFUSED, "accepted: %s",
			      cases[i].sql);
		ck_assert_msg(strstr(r.text, cases[i].expect) != NULL, "%s: got %s", cases[i].sql,
			      r.text);
		gs_store_close(s);
	}
}
END_TEST

#define MAX_TABLES 64

static void table_digests(gs_store *s, unsigned char d[MAX_TABLES][32])
{
	gs_err e;
	int i = 0;

	for (const struct gs_state_table *t = gs_state_tables; t->name; t++, i++) {
		ck_assert_int_lt(i, MAX_TABLES);
		ck_assert_int_eq(gs_table_digest(s, t, d[i], &e), GS_OK);
	}
}

/* Two files with the same history have equal digests, table by table;
 * one more tx changes exactly the tables it touches. */
START_TEST(digests_of_two_files)
{
	char *pa = th_tmpdb(), *pb = th_tmpdb();
	gs_store *a = history(pa), *b = history(pb);
	unsigned char da[MAX_TABLES][32], db[MAX_TABLES][32], sa[32], sb[32];
	gs_key alice;
	gs_err e;
	int i = 0;

	table_digests(a, da);
	table_digests(b, db);
	for (const struct gs_state_table *t = gs_state_tables; t->name; t++, i++)
		ck_assert_msg(memcmp(da[i], db[i], 32) == 0, "table %s differs", t->name);
	ck_assert_int_eq(gs_state_digest(a, sa, &e), GS_OK);
	ck_assert_int_eq(gs_state_digest(b, sb, &e), GS_OK);
	ck_assert_int_eq(memcmp(sa, sb, 32), 0);

	th_key("alice", &alice);
	ck_assert_int_eq(th_apply(b, &alice, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "bob", "amount", 1), TH_T0 + 60, NULL, &e), GS_OK);
	table_digests(b, db);
	i = 0;
	for (const struct gs_state_table *t = gs_state_tables; t->name; t++, i++) {
		int same = memcmp(da[i], db[i], 32) == 0;
		ck_assert_msg(same == (strcmp(t->name, "balances") != 0), "table %s %s", t->name,
			      same ? "did not change" : "changed");
	}
	ck_assert_int_eq(gs_state_digest(b, sb, &e), GS_OK);
	ck_assert_int_ne(memcmp(sa, sb, 32), 0);
	/* empty tables of different names digest differently */
	{
		gs_store *t1;
		unsigned char x[32], y[32];
		ck_assert_int_eq(gs_store_open(NULL, GS_OPEN_TEMP, &t1, &e), GS_OK);
		ck_assert_int_eq(gs_table_digest(t1, &gs_state_tables[0], x, &e), GS_OK);
		ck_assert_int_eq(gs_table_digest(t1, &gs_state_tables[1], y, &e), GS_OK);
		ck_assert_int_ne(memcmp(x, y, 32), 0);
		gs_store_close(t1);
	}
	gs_store_close(a);
	gs_store_close(b);
	th_unlink(pa);
	th_unlink(pb);
	free(pa);
	free(pb);
}
END_TEST

/* A value's type counts: 1 and '1' digest differently. */
START_TEST(digest_types)
{
	gs_store *s;
	unsigned char x[32], y[32];
	struct gs_state_table meta = { "meta", "key" };
	gs_err e;

	ck_assert_int_eq(gs_store_open(NULL, GS_OPEN_TEMP, &s, &e), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO meta (key, value) VALUES ('a', 'bc')", ""),
			 GS_OK);
	ck_assert_int_eq(gs_table_digest(s, &meta, x, &e), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "UPDATE meta SET key = 'ab', value = 'c'", ""), GS_OK);
	ck_assert_int_eq(gs_table_digest(s, &meta, y, &e), GS_OK);
	ck_assert_int_ne(memcmp(x, y, 32), 0);	/* no ambiguity from concatenation */
	gs_store_close(s);
}
END_TEST

/* The state digest is stable across close and reopen. */
START_TEST(digest_stable_across_reopen)
{
	char *p = th_tmpdb();
	gs_store *s = history(p);
	unsigned char d1[32], d2[32];
	gs_err e;

	ck_assert_int_eq(gs_state_digest(s, d1, &e), GS_OK);
	gs_store_close(s);
	ck_assert_int_eq(gs_store_open(p, 0, &s, &e), GS_OK);
	ck_assert_int_eq(gs_state_digest(s, d2, &e), GS_OK);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);
	all_ok(s);
	gs_store_close(s);
	ck_assert_int_eq(gs_store_open(p, GS_OPEN_READONLY, &s, &e), GS_OK);
	ck_assert_int_eq(gs_state_digest(s, d2, &e), GS_OK);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);
	gs_store_close(s);
	th_unlink(p);
	free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, fresh_genesis_verifies);
	tcase_add_test(tc, history_verifies);
	tcase_add_test(tc, tampered_balance);
	tcase_add_test(tc, tampered_locked);
	tcase_add_test(tc, tampered_vault);
	tcase_add_test(tc, tampered_tx_text);
	tcase_add_test(tc, tampered_chain_columns);
	tcase_add_test(tc, digests_of_two_files);
	tcase_add_test(tc, digest_types);
	tcase_add_test(tc, digest_stable_across_reopen);
	suite_add_tcase(s, tc);
	return th_run(s);
}
