/* test_schema.c - unit tests for schema.c: migrations, state tables and
 * the CHECK constraints that guard the books. */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

/* A state after genesis with alice holding 1000 and a lock and an allowance,
 * so every state table has rows. */
static gs_store *populated(gs_key *admin, gs_key *alice)
{
	gs_store *s = th_genesis(admin);
	gs_err e;

	th_account(s, "alice", alice);
	ck_assert_int_eq(th_apply(s, admin, "token.mint", json_pack("{s:s,s:i}", "to",
				  "alice", "amount", 1000), TH_T0, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, alice, "token.lock", json_pack("{s:i,s:s}", "amount",
				  100, "ref", "r1"), TH_T0, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, alice, "token.approve", json_pack("{s:s,s:i}",
				  "spender", "admin", "amount", 5), TH_T0, NULL, &e), GS_OK);
	return s;
}

/* Migrations are numbered from 1 and present. */
START_TEST(migrations_listed)
{
	ck_assert_int_ge(gs_migration_count, 1);
	for (int i = 0; i < gs_migration_count; i++) {
		ck_assert_ptr_nonnull(gs_migrations[i]);
		ck_assert_int_gt(strlen(gs_migrations[i]), 0);
	}
}
END_TEST

/* Every state table exists and its ORDER BY runs and is a total order (its
 * columns identify a row), so the digest does not depend on the storage
 * order; the token tables are non-empty here, so they are checked on rows. */
START_TEST(state_tables_exist_and_order)
{
	static const char *const expect[] = { "meta", "accounts", "roles", "params",
		"balances", "supply", "allowances", "locks", NULL };
	gs_key admin, alice;
	gs_store *s = populated(&admin, &alice);
	int n = 0;
	gs_err e;

	for (const struct gs_state_table *t = gs_state_tables; t->name; t++, n++) {
		char sql[512];
		gs_stmt *st;
		int64_t rows = 0, distinct = 0;

		ck_assert_ptr_nonnull(t->order_by);
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", t->name, t->order_by);
		st = gs_sql_once(s, sql, &e);
		ck_assert_msg(st != NULL, "%s: %s", t->name, e.msg);
		while (gs_step(st, &e) == 1)
			rows++;
		gs_stmt_free(st);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT DISTINCT %s FROM %s) x",
			 t->order_by, t->name);
		st = gs_sql_once(s, sql, &e);
		ck_assert_ptr_nonnull(st);
		ck_assert_int_eq(gs_step(st, &e), 1);
		distinct = gs_col_int(st, 0);
		gs_stmt_free(st);
		ck_assert_msg(distinct == rows, "%s: ORDER BY %s is not unique (%lld of %lld)",
			      t->name, t->order_by, (long long)distinct, (long long)rows);
	}
	/* the expected set, no journal (it is compared by its head), no table
	 * twice */
	for (int i = 0; expect[i]; i++) {
		int found = 0;
		int64_t rows = 0;
		char sql[128];
		for (const struct gs_state_table *t = gs_state_tables; t->name; t++)
			found += strcmp(t->name, expect[i]) == 0;
		ck_assert_msg(found == 1, "%s is a state table %d times", expect[i], found);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", expect[i]);
		{
			gs_stmt *st = gs_sql_once(s, sql, &e);
			ck_assert_int_eq(gs_step(st, &e), 1);
			rows = gs_col_int(st, 0);
			gs_stmt_free(st);
		}
		ck_assert_msg(rows > 0, "table %s is empty", expect[i]);
	}
	for (const struct gs_state_table *t = gs_state_tables; t->name; t++)
		ck_assert_str_ne(t->name, "journal");
	ck_assert_int_ge(n, 8);
	gs_store_close(s);
}
END_TEST

/* The journal table exists with its columns. */
START_TEST(journal_table)
{
	gs_key admin;
	gs_store *s = th_genesis(&admin);
	gs_stmt *st;
	gs_err e;

	st = gs_sql(s, "SELECT seq, txid, time, actor, cmd, tx, sig, prev, hash "
		    "FROM journal ORDER BY seq", &e);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(gs_step(st, &e), 1);
	ck_assert_int_eq(gs_col_int(st, 0), 1);
	ck_assert_str_eq(gs_col_text(st, 4), "genesis");
	ck_assert_int_eq(gs_step(st, &e), 0);
	/* txid is unique */
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO journal (seq, txid, time, actor, cmd, "
				 "tx, sig, prev, hash) SELECT 2, txid, time, actor, cmd, tx, "
				 "sig, prev, hash FROM journal WHERE seq = 1", ""),
			 GS_EINTERNAL);
	gs_store_close(s);
}
END_TEST

/* Expect sql to be refused by a constraint, leaving the state unchanged. */
static void refused(gs_store *s, const char *sql)
{
	unsigned char before[32], after[32];
	gs_err e = { 0 };

	ck_assert_int_eq(gs_state_digest(s, before, &e), GS_OK);
	ck_assert_msg(gs_exec(s, &e, sql, "") == GS_EINTERNAL, "accepted: %s", sql);
	ck_assert_int_eq(e.code, GS_EINTERNAL);
	ck_assert_msg(strstr(e.msg, "constraint") != NULL, "%s: %s", sql, e.msg);
	ck_assert_int_eq(gs_state_digest(s, after, &e), GS_OK);
	ck_assert_int_eq(memcmp(before, after, 32), 0);
}

/* CHECK constraints refuse negative balances and other impossible rows. */
START_TEST(check_constraints)
{
	gs_key admin, alice;
	gs_store *s = populated(&admin, &alice);
	int64_t v = -1;
	gs_err e;

	refused(s, "UPDATE balances SET available = -1 WHERE account = 'alice'");
	refused(s, "UPDATE balances SET locked = -1 WHERE account = 'alice'");
	refused(s, "UPDATE balances SET available = available - 901 WHERE account = 'alice'");
	refused(s, "UPDATE supply SET minted = -1");
	refused(s, "UPDATE supply SET burned = -1");
	refused(s, "INSERT INTO supply (id, minted, burned) VALUES (2, 0, 0)");
	refused(s, "UPDATE allowances SET amount = -1");
	refused(s, "UPDATE locks SET amount = 0");
	refused(s, "UPDATE locks SET state = 'gone'");
	refused(s, "UPDATE accounts SET kind = 'robot' WHERE name = 'alice'");
	/* foreign keys are on */
	refused(s, "INSERT INTO roles (account, role) VALUES ('nobody', 'minter')");
	refused(s, "INSERT INTO balances (account, available, locked) VALUES ('nobody', 0, 0)");
	refused(s, "INSERT INTO accounts (name, pubkey, kind, created) "
		"VALUES ('alice', NULL, 'user', 0)");
	/* a legal change still works */
	ck_assert_int_eq(gs_exec(s, &e, "UPDATE balances SET available = 0 WHERE "
				 "account = 'alice'", ""), GS_OK);
	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT available FROM balances WHERE "
				      "account = 'alice'", ""), 1);
	ck_assert_int_eq(v, 0);
	gs_store_close(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, migrations_listed);
	tcase_add_test(tc, state_tables_exist_and_order);
	tcase_add_test(tc, journal_table);
	tcase_add_test(tc, check_constraints);
	suite_add_tcase(s, tc);
	return th_run(s);
}
