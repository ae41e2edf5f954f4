/* test_store.c - unit tests for store.c: open, migrations, statements,
 * transactions, temporary stores and the busy timeout (on SQLite: the
 * PostgreSQL backend has test_store_pg.c); which backend serves a path. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testhelp.h"

static const char *const CREATE_T =
	"CREATE TABLE t (a INTEGER, b TEXT, c BLOB, d REAL)";

/* A fresh store at a new temp path with table t; path out. */
static gs_store *store_with_t(char **path)
{
	gs_store *s;
	gs_err e;

	*path = th_tmpdb();
	ck_assert_int_eq(gs_store_open(*path, GS_OPEN_CREATE, &s, &e), GS_OK);
	ck_assert_int_eq(gs_store_exec(s, CREATE_T, &e), GS_OK);
	return s;
}

static int64_t count_t(gs_store *s)
{
	int64_t n = -1;
	gs_err e;

	ck_assert_int_eq(gs_query_int(s, &e, &n, "SELECT count(*) FROM t", ""), 1);
	return n;
}

/* A missing file without GS_OPEN_CREATE is GS_ENOFILE and is not created. */
START_TEST(open_missing)
{
	char *p = th_tmpdb();
	gs_store *s = (gs_store *)1;
	gs_err e = { 0 };

	ck_assert_int_eq(gs_store_open(p, 0, &s, &e), GS_ENOFILE);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(e.code, GS_ENOFILE);
	ck_assert_msg(strstr(e.msg, p) != NULL, "message names the file: %s", e.msg);
	ck_assert_int_eq(access(p, F_OK), -1);

	s = (gs_store *)1;
	ck_assert_int_eq(gs_store_open(p, GS_OPEN_READONLY, &s, &e), GS_ENOFILE);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(access(p, F_OK), -1);
	free(p);
}
END_TEST

/* Create migrates to the newest version; a reopen does not migrate again. */
START_TEST(create_and_reopen)
{
	char *p = th_tmpdb();
	gs_store *s;
	gs_stmt *st;
	int64_t n = -1;
	gs_err e;

	ck_assert_int_ge(gs_migration_count, 1);
	ck_assert_int_eq(gs_store_open(p, GS_OPEN_CREATE, &s, &e), GS_OK);
	ck_assert_int_eq(access(p, F_OK), 0);
	ck_assert_int_eq(gs_store_version(s), gs_migration_count);
	ck_assert_int_eq(gs_query_int(s, &e, &n, "SELECT count(*) FROM schema_version", ""), 1);
	ck_assert_int_eq(n, gs_migration_count);
	/* WAL mode on a file */
	st = gs_sql(s, "PRAGMA journal_mode", &e);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(gs_step(st, &e), 1);
	ck_assert_str_eq(gs_col_text(st, 0), "wal");
	gs_stmt_reset(st);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO meta (key, value) VALUES ('k', 'v')",
				 ""), GS_OK);
	gs_store_close(s);

	ck_assert_int_eq(gs_store_open(p, 0, &s, &e), GS_OK);
	ck_assert_int_eq(gs_store_version(s), gs_migration_count);
	ck_assert_int_eq(gs_query_int(s, &e, &n, "SELECT count(*) FROM schema_version", ""), 1);
	ck_assert_int_eq(n, gs_migration_count);
	ck_assert_int_eq(gs_query_int(s, &e, &n, "SELECT count(*) FROM meta WHERE key = 'k'",
				      ""), 1);
	ck_assert_int_eq(n, 1);
	gs_store_close(s);

	/* read-only: reads work, writes are refused */
	ck_assert_int_eq(gs_store_open(p, GS_OPEN_READONLY, &s, &e), GS_OK);
	ck_assert_int_eq(gs_store_version(s), gs_migration_count);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO meta (key, value) VALUES ('k2', 'v')",
				 ""), GS_EINTERNAL);
	gs_store_close(s);
	th_unlink(p);
	free(p);
}
END_TEST

/* gs_exec binds and runs; gs_query_int distinguishes row, no row, NULL, error. */
START_TEST(exec_and_query_int)
{
	char *p;
	gs_store *s = store_with_t(&p);
	int64_t v = 42;
	gs_err e;

	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a, b) VALUES (?, ?)", "it",
				 (int64_t)INT64_MAX, "max"), GS_OK);
	ck_assert_int_eq(gs_store_changes(s), 1);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a, b) VALUES (?, ?)", "it",
				 (int64_t)INT64_MIN, "min"), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a, b) VALUES (?, ?)", "nt",
				 (const char *)NULL), GS_OK);
	ck_assert_int_eq(count_t(s), 3);

	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT a FROM t WHERE b = ?", "t",
				      "max"), 1);
	ck_assert(v == INT64_MAX);
	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT a FROM t WHERE b = ?", "t",
				      "min"), 1);
	ck_assert(v == INT64_MIN);
	/* no row: 0, *out untouched */
	v = 42;
	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT a FROM t WHERE b = ?", "t",
				      "none"), 0);
	ck_assert_int_eq(v, 42);
	/* NULL value (b NULL row has a NULL a; t binds NULL -> no match) */
	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT a FROM t WHERE b IS NULL", ""), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT max(a) FROM t WHERE a < 0 AND a > 0",
				      ""), 0);
	ck_assert_int_eq(v, 42);
	/* error: -1 and e set; also with a NULL gs_err */
	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT nosuch FROM t", ""), -1);
	ck_assert_int_eq(e.code, GS_EINTERNAL);
	ck_assert_int_eq(gs_query_int(s, NULL, &v, "SELECT nosuch FROM t", ""), -1);
	ck_assert_int_eq(v, 42);
	/* gs_exec errors */
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO nosuch VALUES (1)", ""), GS_EINTERNAL);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a) VALUES (?)", "x", 1), GS_EINTERNAL);
	ck_assert_int_eq(count_t(s), 3);
	/* updates count their changes */
	ck_assert_int_eq(gs_exec(s, &e, "UPDATE t SET b = 'x' WHERE b IS NOT NULL", ""),
			 GS_OK);
	ck_assert_int_eq(gs_store_changes(s), 2);
	gs_store_close(s);
	th_unlink(p);
	free(p);
}
END_TEST

/* gs_sql + gs_bind + gs_step and the column accessors. */
START_TEST(statements_and_columns)
{
	static const unsigned char blob[4] = { 0, 1, 0xfe, 0xff };
	char *p;
	gs_store *s = store_with_t(&p);
	gs_stmt *st;
	const unsigned char *b;
	size_t len = 0;
	gs_err e;

	st = gs_sql(s, "INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, 2.5)", &e);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(gs_bind(st, &e, "itb", (int64_t)-7, "héllo", (const void *)blob,
				 sizeof blob), GS_OK);
	ck_assert_int_eq(gs_step(st, &e), 0);
	st = gs_sql(s, "INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, 2.5)", &e);
	ck_assert_int_eq(gs_bind(st, &e, "ntn", (const char *)NULL), GS_OK);
	ck_assert_int_eq(gs_step(st, &e), 0);

	st = gs_sql(s, "SELECT a, b, c, d, a IS NULL AS anull FROM t ORDER BY rowid", &e);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(gs_col_count(st), 5);
	ck_assert_int_eq(gs_step(st, &e), 1);
	ck_assert_str_eq(gs_col_name(st, 0), "a");
	ck_assert_str_eq(gs_col_name(st, 4), "anull");
	ck_assert_int_eq(gs_col_type(st, 0), 'i');
	ck_assert_int_eq(gs_col_type(st, 1), 't');
	ck_assert_int_eq(gs_col_type(st, 2), 'b');
	ck_assert_int_eq(gs_col_type(st, 3), 'r');
	ck_assert_int_eq(gs_col_int(st, 0), -7);
	ck_assert_str_eq(gs_col_text(st, 1), "héllo");
	b = gs_col_blob(st, 2, &len);
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(memcmp(b, blob, 4), 0);
	ck_assert_int_eq(gs_col_int(st, 4), 0);
	ck_assert_int_eq(gs_step(st, &e), 1);
	ck_assert_int_eq(gs_col_type(st, 0), 'n');
	ck_assert_int_eq(gs_col_type(st, 1), 'n');
	ck_assert_int_eq(gs_col_type(st, 2), 'n');
	ck_assert_ptr_null(gs_col_text(st, 1));
	ck_assert_int_eq(gs_col_int(st, 4), 1);
	ck_assert_int_eq(gs_step(st, &e), 0);
	/* done means reset: stepping again starts over */
	ck_assert_int_eq(gs_step(st, &e), 1);
	ck_assert_int_eq(gs_col_int(st, 0), -7);
	gs_stmt_reset(st);

	/* a syntax error is reported, no statement */
	ck_assert_ptr_null(gs_sql(s, "SELEC 1", &e));
	ck_assert_int_eq(e.code, GS_EINTERNAL);

	/* uncached statements */
	st = gs_sql_once(s, "SELECT count(*) FROM t WHERE a = ?", &e);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(gs_bind(st, &e, "i", (int64_t)-7), GS_OK);
	ck_assert_int_eq(gs_step(st, &e), 1);
	ck_assert_int_eq(gs_col_int(st, 0), 1);
	gs_stmt_free(st);
	gs_stmt_free(NULL);
	ck_assert_ptr_null(gs_sql_once(s, "SELECT FROM", &e));
	ck_assert_int_eq(e.code, GS_EINTERNAL);
	gs_store_close(s);
	th_unlink(p);
	free(p);
}
END_TEST

/* The cache keys on the SQL pointer: same pointer -> same statement, reset
 * and with its bindings cleared; another pointer -> another statement. */
START_TEST(statement_cache)
{
	static const char q[] = "SELECT ? + 1";
	char copy[sizeof q];
	char *p;
	gs_store *s = store_with_t(&p);
	gs_stmt *a, *b, *c;
	gs_err e;

	memcpy(copy, q, sizeof q);
	a = gs_sql(s, q, &e);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(gs_bind(a, &e, "i", (int64_t)41), GS_OK);
	ck_assert_int_eq(gs_step(a, &e), 1);
	ck_assert_int_eq(gs_col_int(a, 0), 42);
	/* not read to the end: gs_sql resets and clears the binding */
	b = gs_sql(s, q, &e);
	ck_assert_ptr_eq(a, b);
	ck_assert_int_eq(gs_step(b, &e), 1);
	ck_assert_int_eq(gs_col_type(b, 0), 'n');	/* NULL + 1 */
	gs_stmt_reset(b);
	c = gs_sql(s, copy, &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(a, c);
	ck_assert_ptr_eq(gs_sql(s, copy, &e), c);
	ck_assert_ptr_eq(gs_sql(s, q, &e), a);
	gs_store_close(s);
	th_unlink(p);
	free(p);
}
END_TEST

/* Rollback discards, commit keeps; rollback without a transaction is harmless. */
START_TEST(transactions)
{
	char *p;
	gs_store *s = store_with_t(&p);
	gs_err e;

	ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a) VALUES (1)", ""), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a) VALUES (2)", ""), GS_OK);
	ck_assert_int_eq(count_t(s), 2);
	gs_store_rollback(s);
	ck_assert_int_eq(count_t(s), 0);

	ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a) VALUES (3)", ""), GS_OK);
	/* no nesting */
	ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_EINTERNAL);
	ck_assert_int_eq(gs_store_commit(s, &e), GS_OK);
	ck_assert_int_eq(count_t(s), 1);
	gs_store_rollback(s);
	ck_assert_int_eq(count_t(s), 1);
	/* commit without a transaction is an error */
	ck_assert_int_eq(gs_store_commit(s, &e), GS_EINTERNAL);

	/* read transaction */
	ck_assert_int_eq(gs_store_begin(s, 0, &e), GS_OK);
	ck_assert_int_eq(count_t(s), 1);
	ck_assert_int_eq(gs_store_commit(s, &e), GS_OK);
	gs_store_close(s);

	/* the committed row is on disk */
	ck_assert_int_eq(gs_store_open(p, 0, &s, &e), GS_OK);
	ck_assert_int_eq(count_t(s), 1);
	gs_store_close(s);
	th_unlink(p);
	free(p);
}
END_TEST

/* A batch: each begin .. commit / rollback inside it is a savepoint (a
 * rolled-back one leaves the others), nothing is visible to another
 * connection, which cannot write either, until the batch is committed;
 * a discarded batch leaves nothing. */
START_TEST(batches)
{
	char *p;
	gs_store *s = store_with_t(&p), *b;
	gs_err e;

	ck_assert_int_eq(setenv("GS_BUSY_TIMEOUT", "0", 1), 0);
	ck_assert_int_eq(gs_store_open(p, 0, &b, &e), GS_OK);
	ck_assert_int_eq(gs_store_batch_begin(s, &e), GS_OK);
	for (int i = 1; i <= 3; i++) {
		ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_OK);
		ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a) VALUES (?)", "i",
					 (int64_t)i), GS_OK);
		if (i == 2) {
			gs_store_rollback(s);
			continue;
		}
		/* no nesting inside a batch either */
		ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_EINTERNAL);
		ck_assert_int_eq(gs_store_commit(s, &e), GS_OK);
	}
	ck_assert_int_eq(count_t(s), 2);
	ck_assert_int_eq(count_t(b), 0);
	ck_assert_int_eq(gs_store_begin(b, 1, &e), GS_EBUSY);
	ck_assert_int_eq(gs_store_batch_end(s, 1, &e), GS_OK);
	ck_assert_int_eq(count_t(b), 2);
	ck_assert_int_eq(gs_query_int(b, &e, &(int64_t){ 0 }, "SELECT 1 FROM t WHERE "
				      "a = 2", ""), 0);

	ck_assert_int_eq(gs_store_batch_begin(s, &e), GS_OK);
	ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a) VALUES (9)", ""), GS_OK);
	ck_assert_int_eq(gs_store_commit(s, &e), GS_OK);
	ck_assert_int_eq(gs_store_batch_end(s, 0, NULL), GS_OK);
	ck_assert_int_eq(count_t(s), 2);
	/* after a batch, transactions are plain again */
	ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_OK);
	ck_assert_int_eq(gs_store_begin(b, 1, &e), GS_EBUSY);
	gs_store_rollback(s);
	gs_store_close(b);
	gs_store_close(s);
	th_unlink(p);
	free(p);
	unsetenv("GS_BUSY_TIMEOUT");
}
END_TEST

/* GS_OPEN_TEMP: private, migrated, writable; the path is ignored. */
START_TEST(open_temp)
{
	gs_store *a, *b;
	int64_t n = -1;
	gs_err e;

	ck_assert_int_eq(gs_store_open(NULL, GS_OPEN_TEMP, &a, &e), GS_OK);
	ck_assert_int_eq(gs_store_open("/nonexistent/dir/x.db", GS_OPEN_TEMP, &b, &e), GS_OK);
	ck_assert_int_eq(gs_store_version(a), gs_migration_count);
	ck_assert_int_eq(gs_store_version(b), gs_migration_count);
	ck_assert_int_eq(gs_exec(a, &e, "INSERT INTO meta (key, value) VALUES ('x', 'y')", ""),
			 GS_OK);
	ck_assert_int_eq(gs_query_int(a, &e, &n, "SELECT count(*) FROM meta", ""), 1);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(gs_query_int(b, &e, &n, "SELECT count(*) FROM meta", ""), 1);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(access("/nonexistent/dir/x.db", F_OK), -1);
	gs_store_close(a);
	gs_store_close(b);
	gs_store_close(NULL);
}
END_TEST

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Another connection holds the write lock: with GS_BUSY_TIMEOUT=0 a writer
 * gets GS_EBUSY at once and nothing changes; after the commit it proceeds. */
START_TEST(busy)
{
	char *p;
	gs_store *s, *a, *b;
	gs_stmt *st;
	double t;
	gs_err e;

	ck_assert_int_eq(setenv("GS_BUSY_TIMEOUT", "0", 1), 0);
	s = store_with_t(&p);
	gs_store_close(s);
	ck_assert_int_eq(gs_store_open(p, 0, &a, &e), GS_OK);
	ck_assert_int_eq(gs_store_open(p, 0, &b, &e), GS_OK);

	ck_assert_int_eq(gs_store_begin(a, 1, &e), GS_OK);
	ck_assert_int_eq(gs_exec(a, &e, "INSERT INTO t (a) VALUES (1)", ""), GS_OK);

	t = now_s();
	e.code = 0;
	ck_assert_int_eq(gs_store_begin(b, 1, &e), GS_EBUSY);
	ck_assert_int_eq(e.code, GS_EBUSY);
	ck_assert_str_eq(e.msg, "state file is busy (try again)");
	/* an autocommit write is busy too, through gs_step */
	st = gs_sql(b, "INSERT INTO t (a) VALUES (2)", &e);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(gs_step(st, &e), -1);
	ck_assert_int_eq(e.code, GS_EBUSY);
	ck_assert_int_eq(gs_exec(b, &e, "INSERT INTO t (a) VALUES (2)", ""), GS_EBUSY);
	ck_assert_msg(now_s() - t < 2.0, "busy took %.2f s", now_s() - t);
	/* readers still see the last commit (WAL) */
	ck_assert_int_eq(count_t(b), 0);

	ck_assert_int_eq(gs_store_commit(a, &e), GS_OK);
	ck_assert_int_eq(gs_store_begin(b, 1, &e), GS_OK);
	ck_assert_int_eq(gs_exec(b, &e, "INSERT INTO t (a) VALUES (2)", ""), GS_OK);
	ck_assert_int_eq(gs_store_commit(b, &e), GS_OK);
	ck_assert_int_eq(count_t(a), 2);
	gs_store_close(a);
	gs_store_close(b);
	th_unlink(p);
	free(p);
	unsetenv("GS_BUSY_TIMEOUT");
}
END_TEST

/* Opening a second connection while another holds the write lock works
 * (no migration needed), so readers are never blocked by a writer. */
START_TEST(open_while_locked)
{
	char *p;
	gs_store *s, *a, *b;
	gs_err e;

	ck_assert_int_eq(setenv("GS_BUSY_TIMEOUT", "0", 1), 0);
	s = store_with_t(&p);
	ck_assert_int_eq(gs_store_begin(s, 1, &e), GS_OK);
	ck_assert_int_eq(gs_exec(s, &e, "INSERT INTO t (a) VALUES (1)", ""), GS_OK);
	ck_assert_msg(gs_store_open(p, 0, &a, &e) == GS_OK, "open: %s", e.msg);
	ck_assert_msg(gs_store_open(p, GS_OPEN_READONLY, &b, &e) == GS_OK, "open ro: %s",
		      e.msg);
	ck_assert_int_eq(count_t(a), 0);
	ck_assert_int_eq(count_t(b), 0);
	ck_assert_int_eq(gs_store_commit(s, &e), GS_OK);
	ck_assert_int_eq(count_t(a), 1);
	gs_store_close(a);
	gs_store_close(b);
	gs_store_close(s);
	th_unlink(p);
	free(p);
	unsetenv("GS_BUSY_TIMEOUT");
}
END_TEST

/* Which paths are PostgreSQL, and how they are shown in messages. */
START_TEST(backend_choice_and_label)
{
	char buf[256];

	ck_assert(gs_store_is_pg("postgresql://u@h/db"));
	ck_assert(gs_store_is_pg("postgres://h/db"));
	ck_assert(gs_store_is_pg("host=/tmp dbname=x"));
	ck_assert(gs_store_is_pg("dbname=x"));
	ck_assert(!gs_store_is_pg("./gridset.db"));
	ck_assert(!gs_store_is_pg("/tmp/a=b.db"));
	ck_assert(!gs_store_is_pg("grid.db"));
	ck_assert(!gs_store_is_pg("=x"));
	ck_assert_str_eq(gs_store_label("postgresql://bob:s3cret@h:5432/db", buf,
					sizeof buf), "postgresql://bob:***@h:5432/db");
	ck_assert_str_eq(gs_store_label("host=h password=s3cret dbname=db", buf,
					sizeof buf), "host=h password=*** dbname=db");
	ck_assert_str_eq(gs_store_label("postgresql://h/db?password=x&sslmode=off",
					buf, sizeof buf),
			 "postgresql://h/db?password=***&sslmode=off");
	ck_assert_str_eq(gs_store_label("postgresql://bob@h/db", buf, sizeof buf),
			 "postgresql://bob@h/db");
	ck_assert_str_eq(gs_store_label("state.db", buf, sizeof buf), "state.db");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, open_missing);
	tcase_add_test(tc, create_and_reopen);
	tcase_add_test(tc, exec_and_query_int);
	tcase_add_test(tc, statements_and_columns);
	tcase_add_test(tc, statement_cache);
	tcase_add_test(tc, transactions);
	tcase_add_test(tc, batches);
	tcase_add_test(tc, open_temp);
	tcase_add_test(tc, busy);
	tcase_add_test(tc, open_while_locked);
	tcase_add_test(tc, backend_choice_and_label);
	suite_add_tcase(s, tc);
	return th_run(s);
}
