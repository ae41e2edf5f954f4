/* test_store_pg.c - unit tests for store_pg.c, the PostgreSQL backend: run
 * when GS_TEST_PG names a scratch database (make check-pg; share/test.sh
 * starts a server), else they return at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libpq-fe.h>

#include "testhelp.h"

/* A fresh schema in the database GS_TEST_PG; the conninfo of it in out
 * (NULL when GS_TEST_PG is unset: the PostgreSQL tests then skip). */
static const char *pg_schema(char *out, size_t n)
{
	const char *base = getenv("GS_TEST_PG");
	char name[40], sql[80];
	PGconn *c;

	if (!base || !*base)
		return NULL;
	snprintf(name, sizeof name, "u%ld_%ld", (long)getpid(), (long)time(NULL));
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", name);
	c = PQconnectdb(base);
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	PQclear(PQexec(c, sql));
	PQfinish(c);
	snprintf(out, n, "%s options=-csearch_path=%s", base, name);
	return out;
}

/* The PostgreSQL backend: schema, typed binds and columns, NULL, blobs,
 * changes, numbered parameters, transactions, batches, the writers' lock. */
START_TEST(postgresql)
{
	static const unsigned char blob[4] = { 0, 1, 0xfe, 0xff };
	char db[512];
	gs_store *s, *b;
	gs_stmt *st;
	const unsigned char *bp;
	size_t len;
	int64_t v;
	gs_err e;

	if (!pg_schema(db, sizeof db))
		return;	/* GS_TEST_PG unset: SQLite only (make check-pg runs it) */
	ck_assert_int_eq(gs_store_present(db), 0);
	ck_assert_int_eq(gs_store_open(db, 0, &s, &e), GS_ENOFILE);
	ck_assert_msg(gs_store_open(db, GS_OPEN_CREATE, &s, &e) == GS_OK, "%s", e.msg);
	ck_assert_str_eq(gs_store_backend(s), "postgresql");
	ck_assert_int_eq(gs_store_version(s), gs_migration_count);
	ck_assert_int_eq(gs_store_present(db), 1);
	ck_assert_int_eq(gs_store_exec(s, "CREATE TABLE t (a BIGINT, b TEXT, c BYTEA)",
				       &e), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)", "itb",
				 (int64_t)INT64_MIN, "it's", blob, sizeof blob), GS_OK);
	ck_assert_int_eq(gs_store_changes(s), 1);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a, b) VALUES (?2, ?1)", "ti",
				 (const char *)NULL, (int64_t)INT64_MAX), GS_OK);
	ck_assert_int_eq(gs_query_row(s, &e, &st, "SELECT a, b, c, a > 0, NULL FROM t "
				      "WHERE (? IS NULL OR b = ?) ORDER BY a", "tt",
				      (const char *)NULL, (const char *)NULL), 1);
	ck_assert(gs_col_int(st, 0) == INT64_MIN);
	ck_assert_str_eq(gs_col_text(st, 1), "it's");
	ck_assert_int_eq(gs_col_type(st, 2), 'b');
	bp = gs_col_blob(st, 2, &len);
	ck_assert_uint_eq(len, sizeof blob);
	ck_assert(!memcmp(bp, blob, len));
	ck_assert_int_eq(gs_col_type(st, 3), 'i');
	ck_assert_int_eq(gs_col_int(st, 3), 0);
	ck_assert_int_eq(gs_col_type(st, 4), 'n');
	ck_assert_int_eq(gs_step(st, &e), 1);
	ck_assert(gs_col_int(st, 0) == INT64_MAX);
	ck_assert_int_eq(gs_col_type(st, 1), 'n');
	ck_assert_int_eq(gs_col_int(st, 3), 1);
	ck_assert_int_eq(gs_step(st, &e), 0);
	/* the same statement with other types is prepared again */
	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT count(*) FROM t WHERE "
				      "(? IS NULL OR a = ?)", "ii", INT64_MAX, INT64_MAX), 1);
	ck_assert_int_eq(v, 1);
	/* an error inside a batch undoes its savepoint only */
	ck_assert_int_eq(gs_store_batch_begin(s, &e), GS_OK);
	ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "UPDATE t SET b = 'x'", ""), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO nosuch VALUES (1)", ""), GS_EINTERNAL);
	gs_store_rollback(s);
	ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "DELETE FROM t WHERE a < 0", ""), GS_OK);
	ck_assert_int_eq(gs_store_commit(s, &e), GS_OK);
	/* another writer meets the lock: busy, nothing open afterwards */
	setenv("GS_BUSY_TIMEOUT", "0", 1);
	ck_assert_int_eq(gs_store_open(db, 0, &b, &e), GS_OK);
	ck_assert_int_eq(gs_store_begin(b, 1, &e), GS_EBUSY);
	ck_assert_int_eq(gs_store_batch_end(s, 1, &e), GS_OK);
	ck_assert_int_eq(gs_store_begin(b, 1, &e), GS_OK);
	ck_assert_int_eq(gs_query_int(b, &e, &v, "SELECT count(*) FROM t WHERE b = 'x'",
				      ""), 1);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(gs_query_int(b, &e, &v, "SELECT count(*) FROM t", ""), 1);
	ck_assert_int_eq(v, 1);
	gs_store_rollback(b);
	unsetenv("GS_BUSY_TIMEOUT");
	gs_store_close(b);
	gs_store_close(s);
	gs_store_destroy(db);
	ck_assert_int_eq(gs_store_present(db), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("store_pg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, postgresql);
	suite_add_tcase(s, tc);
	return th_run(s);
}
