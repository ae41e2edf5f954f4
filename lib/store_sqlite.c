/* store_sqlite.c - the SQLite backend of the store: a state file. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "store_impl.h"

#define DB(s) ((sqlite3 *)(s)->db)
#define ST(st) ((sqlite3_stmt *)(st)->impl)

/* Map a SQLite result code to an exit code with a message; return it. */
static int db_fail(gs_store *s, int rc, gs_err *e, const char *what)
{
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return gs_fail(e, GS_EBUSY, "state file is busy (try again)");
	return gs_fail(e, GS_EINTERNAL, "%s: %s", what,
		       s && s->db ? sqlite3_errmsg(DB(s)) : sqlite3_errstr(rc));
}

static int sq_exec(gs_store *s, const char *sql, gs_err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(DB(s), sql, NULL, NULL, &msg);

	if (rc == SQLITE_OK)
		return GS_OK;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		rc = db_fail(s, rc, e, "exec");
	else
		rc = gs_fail(e, GS_EINTERNAL, "sql: %s", msg ? msg : "error");
	sqlite3_free(msg);
	return rc;
}

/* Open the file (WAL, busy timeout, foreign keys; query_only when read-
 * only; an in-memory journal for a temporary store). */
static int sq_open(gs_store *s, const char *path, int flags, void **db,
		   gs_err *e)
{
	int oflags = SQLITE_OPEN_NOMUTEX;
	sqlite3 *h = NULL;
	int rc;

	if (flags & GS_OPEN_TEMP)
		path = "";
	else if (access(path, F_OK) != 0 && !(flags & GS_OPEN_CREATE))
		return gs_fail(e, GS_ENOFILE, "cannot open '%s': %s", path,
			       strerror(errno));
	oflags |= (flags & GS_OPEN_READONLY) ? SQLITE_OPEN_READONLY
		  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &h, oflags, NULL);
	*db = h;
	s->db = h;
	if (rc != SQLITE_OK)
		return gs_fail(e, GS_ENOFILE, "cannot open '%s': %s", path,
			       h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
	sqlite3_busy_timeout(h, gs_busy_timeout());
	sqlite3_extended_result_codes(h, 0);
	if (flags & GS_OPEN_READONLY)
		return sq_exec(s, "PRAGMA query_only=ON;", e);
	if (sq_exec(s, (flags & GS_OPEN_TEMP)
		    ? "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
		    : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", e))
		return e->code;
	return sq_exec(s, "PRAGMA foreign_keys=ON;", e);
}

static void sq_close(void *db)
{
	sqlite3_close(db);
}

static int sq_in_tx(gs_store *s)
{
	return !sqlite3_get_autocommit(DB(s));
}

static int64_t sq_changes(gs_store *s)
{
	return sqlite3_changes64(DB(s));
}

static int sq_prepare(gs_store *s, gs_stmt *st, const char *sql, int persistent,
		      gs_err *e)
{
	sqlite3_stmt *p = NULL;
	int rc = sqlite3_prepare_v3(DB(s), sql, -1, persistent ?
				    SQLITE_PREPARE_PERSISTENT : 0, &p, NULL);

	if (rc != SQLITE_OK)
		return db_fail(s, rc, e, "prepare");
	st->impl = p;
	return GS_OK;
}

static void sq_finalize(gs_stmt *st)
{
	sqlite3_finalize(ST(st));
	st->impl = NULL;
}

static void sq_reset(gs_stmt *st)
{
	sqlite3_reset(ST(st));
	sqlite3_clear_bindings(ST(st));
}

static int sq_bind(gs_stmt *st, int i, int type, int64_t v, const void *p,
		   size_t n, gs_err *e)
{
	int rc;

	switch (type) {
	case 'i': rc = sqlite3_bind_int64(ST(st), i, v); break;
	case 't': rc = p ? sqlite3_bind_text(ST(st), i, p, -1, SQLITE_STATIC)
			 : sqlite3_bind_null(ST(st), i); break;
	case 'b': rc = sqlite3_bind_blob(ST(st), i, p, (int)n, SQLITE_STATIC); break;
	default: rc = sqlite3_bind_null(ST(st), i); break;
	}
	return rc == SQLITE_OK ? GS_OK : db_fail(st->store, rc, e, "bind");
}

static int sq_step(gs_stmt *st, gs_err *e)
{
	int rc = sqlite3_step(ST(st));

	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(ST(st));
	if (rc == SQLITE_DONE)
		return 0;
	db_fail(st->store, rc, e, "step");
	return -1;
}

static int sq_col_count(gs_stmt *st)
{
	return sqlite3_column_count(ST(st));
}

static int sq_col_type(gs_stmt *st, int i)
{
	switch (sqlite3_column_type(ST(st), i)) {
	case SQLITE_INTEGER: return 'i';
	case SQLITE_TEXT: return 't';
	case SQLITE_BLOB: return 'b';
	case SQLITE_FLOAT: return 'r';
	default: return 'n';
	}
}

static int64_t sq_col_int(gs_stmt *st, int i)
{
	return sqlite3_column_int64(ST(st), i);
}

static const char *sq_col_text(gs_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(ST(st), i);
}

static const void *sq_col_blob(gs_stmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(ST(st), i);

	*len = (size_t)sqlite3_column_bytes(ST(st), i);
	return p;
}

static const char *sq_col_name(gs_stmt *st, int i)
{
	return sqlite3_column_name(ST(st), i);
}

static int sq_present(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Remove the file and its WAL companions. */
static void sq_destroy(const char *path)
{
	char aux[4200];

	unlink(path);
	snprintf(aux, sizeof aux, "%s-wal", path);
	unlink(aux);
	snprintf(aux, sizeof aux, "%s-shm", path);
	unlink(aux);
}

const struct gs_backend gs_backend_sqlite = {
	.name = "sqlite",
	.begin_read = "BEGIN",
	.begin_write = "BEGIN IMMEDIATE",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.exec_schema = sq_exec,
	.in_tx = sq_in_tx,
	.changes = sq_changes,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.reset = sq_reset,
	.bind = sq_bind,
	.step = sq_step,
	.col_count = sq_col_count,
	.col_type = sq_col_type,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.col_name = sq_col_name,
	.present = sq_present,
	.destroy = sq_destroy,
};
