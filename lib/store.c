/* store.c - the state file: the only module that calls SQLite. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "gridset.h"

/* Prepared statements kept per store, keyed by their SQL literal: lib/
 * has about 300 distinct statements (call sites plus verify's checks);
 * a full cache is an internal error, so keep this well above that. */
#define STMT_CACHE 1024

struct gs_stmt {
	sqlite3_stmt *st;
	gs_store *store;
	const char *key;	/* cache key (the SQL pointer), NULL if once */
};

struct gs_store {
	sqlite3 *db;
	int in_tx;
	int batch;		/* 1 in a batch, -1 once a failure lost it */
	gs_stmt cache[STMT_CACHE];
};

/* Map a SQLite result code to an exit code with a message; return it. */
static int db_fail(gs_store *s, int rc, gs_err *e, const char *what)
{
	int code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? GS_EBUSY
							       : GS_EINTERNAL;
	if (code == GS_EBUSY)
		return gs_fail(e, code, "state file is busy (try again)");
	return gs_fail(e, code, "%s: %s", what,
		       s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

/* Busy timeout in ms from GS_BUSY_TIMEOUT, default 5000. */
static int busy_timeout(void)
{
	const char *v = getenv("GS_BUSY_TIMEOUT");
	char *end;
	long ms;

	if (!v || !*v)
		return 5000;
	errno = 0;
	ms = strtol(v, &end, 10);
	if (errno || *end || ms < 0 || ms > 3600000)
		return 5000;
	return (int)ms;
}

/* Bring the schema up to the newest migration in one transaction. */
static int migrate(gs_store *s, gs_err *e)
{
	int64_t v = 0;
	int rc;

	if (gs_store_exec(s, "CREATE TABLE IF NOT EXISTS schema_version ("
			  "version INTEGER NOT NULL)", e))
		return e->code;
	rc = gs_query_int(s, e, &v, "SELECT max(version) FROM schema_version",
			  "");
	if (rc < 0)
		return e->code;
	if (v >= gs_migration_count)
		return GS_OK;
	if (gs_store_begin(s, 1, e))
		return e->code;
	/* re-read under the write lock: another process may have migrated */
	v = 0;
	if (gs_query_int(s, e, &v, "SELECT max(version) FROM schema_version",
			 "") < 0)
		goto fail;
	for (; v < gs_migration_count; v++) {
		if (gs_store_exec(s, gs_migrations[v], e) ||
		    gs_exec(s, e, "INSERT INTO schema_version (version) VALUES (?)",
			    "i", v + 1))
			goto fail;
	}
	return gs_store_commit(s, e);
fail:
	gs_store_rollback(s);
	return e->code;
}

int gs_store_open(const char *path, int flags, gs_store **out, gs_err *e)
{
	gs_store *s;
	int oflags = SQLITE_OPEN_NOMUTEX;
	int rc;

	*out = NULL;
	if (flags & GS_OPEN_TEMP)
		path = "";
	else if (access(path, F_OK) != 0 && !(flags & GS_OPEN_CREATE))
		return gs_fail(e, GS_ENOFILE, "cannot open '%s': %s", path,
			       strerror(errno));
	oflags |= (flags & GS_OPEN_READONLY) ? SQLITE_OPEN_READONLY
		  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	s = calloc(1, sizeof *s);
	if (!s)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	rc = sqlite3_open_v2(path, &s->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		gs_fail(e, GS_ENOFILE, "cannot open '%s': %s", path,
			s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		gs_store_close(s);
		return GS_ENOFILE;
	}
	sqlite3_busy_timeout(s->db, busy_timeout());
	sqlite3_extended_result_codes(s->db, 0);
	if (!(flags & GS_OPEN_READONLY)) {
		const char *prag = (flags & GS_OPEN_TEMP)
			? "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
			: "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
		if (gs_store_exec(s, prag, e) ||
		    gs_store_exec(s, "PRAGMA foreign_keys=ON;", e) ||
		    migrate(s, e)) {
			gs_store_close(s);
			return e->code;
		}
	} else if (gs_store_exec(s, "PRAGMA query_only=ON;", e)) {
		gs_store_close(s);
		return e->code;
	}
	*out = s;
	return GS_OK;
}

void gs_store_close(gs_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	free(s);
}

int gs_store_exec(gs_store *s, const char *sql, gs_err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

	if (rc == SQLITE_OK)
		return GS_OK;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		rc = db_fail(s, rc, e, "exec");
	else
		rc = gs_fail(e, GS_EINTERNAL, "sql: %s", msg ? msg : "error");
	sqlite3_free(msg);
	return rc;
}

int gs_store_begin(gs_store *s, int write, gs_err *e)
{
	int rc;

	if (s->batch < 0)
		return gs_fail(e, GS_EINTERNAL, "the batch was rolled back by an "
			       "earlier failure");
	if (s->batch && s->in_tx)
		return gs_fail(e, GS_EINTERNAL, "a transaction is already open");
	rc = gs_store_exec(s, s->batch ? "SAVEPOINT gs_tx" : write ?
			   "BEGIN IMMEDIATE" : "BEGIN", e);
	if (rc == GS_OK)
		s->in_tx = 1;
	return rc;
}

int gs_store_commit(gs_store *s, gs_err *e)
{
	int rc = gs_store_exec(s, s->batch ? "RELEASE gs_tx" : "COMMIT", e);

	if (rc != GS_OK) {
		gs_store_rollback(s);
		return rc;
	}
	s->in_tx = 0;
	return GS_OK;
}

/* In a batch, undo the savepoint only; when SQLite already rolled the
 * whole transaction back (I/O error, disk full), the batch is lost. */
void gs_store_rollback(gs_store *s)
{
	if (s->batch > 0 && !sqlite3_get_autocommit(s->db)) {
		if (s->in_tx)
			sqlite3_exec(s->db, "ROLLBACK TO gs_tx; RELEASE gs_tx", NULL,
				     NULL, NULL);
	} else if (s->batch > 0) {
		s->batch = -1;
	} else if (!sqlite3_get_autocommit(s->db)) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	s->in_tx = 0;
}

int gs_store_batch_begin(gs_store *s, gs_err *e)
{
	int rc = gs_store_exec(s, "BEGIN IMMEDIATE", e);

	if (rc == GS_OK)
		s->batch = 1;
	return rc;
}

int gs_store_batch_end(gs_store *s, int commit, gs_err *e)
{
	int lost = s->batch < 0, rc = GS_OK;

	s->batch = 0;
	s->in_tx = 0;
	if (commit && !lost)
		rc = gs_store_exec(s, "COMMIT", e);
	else if (commit)
		rc = gs_fail(e, GS_EINTERNAL, "the batch was rolled back by an "
			     "earlier failure");
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int gs_store_version(gs_store *s)
{
	int64_t v = 0;

	if (gs_query_int(s, NULL, &v, "SELECT max(version) FROM schema_version",
			 "") < 0)
		return -1;
	return (int)v;
}

int64_t gs_store_changes(gs_store *s)
{
	return sqlite3_changes64(s->db);
}

/* Slot of the cache for key: open addressing on the pointer value. */
static gs_stmt *cache_slot(gs_store *s, const char *key)
{
	size_t h = ((uintptr_t)key >> 3) * 2654435761u;

	for (size_t i = 0; i < STMT_CACHE; i++) {
		gs_stmt *c = &s->cache[(h + i) % STMT_CACHE];
		if (c->key == key || c->key == NULL)
			return c;
	}
	return NULL;
}

gs_stmt *gs_sql(gs_store *s, const char *sql, gs_err *e)
{
	gs_stmt *c = cache_slot(s, sql);
	int rc;

	if (!c) {
		gs_fail(e, GS_EINTERNAL, "statement cache full");
		return NULL;
	}
	if (c->st) {
		sqlite3_reset(c->st);
		sqlite3_clear_bindings(c->st);
		return c;
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				&c->st, NULL);
	if (rc != SQLITE_OK) {
		db_fail(s, rc, e, "prepare");
		c->st = NULL;
		return NULL;
	}
	c->key = sql;
	c->store = s;
	return c;
}

gs_stmt *gs_sql_once(gs_store *s, const char *sql, gs_err *e)
{
	gs_stmt *c = calloc(1, sizeof *c);
	int rc;

	if (!c) {
		gs_fail(e, GS_EINTERNAL, "out of memory");
		return NULL;
	}
	rc = sqlite3_prepare_v2(s->db, sql, -1, &c->st, NULL);
	if (rc != SQLITE_OK) {
		db_fail(s, rc, e, "prepare");
		free(c);
		return NULL;
	}
	c->store = s;
	return c;
}

void gs_stmt_free(gs_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->st);
	free(st);
}

/* Bind by format from a va_list; see gs_bind. */
static int vbind(gs_stmt *st, gs_err *e, const char *fmt, va_list ap)
{
	int rc = SQLITE_OK;
	int i = 1;

	for (const char *f = fmt; *f; f++, i++) {
		switch (*f) {
		case 'i':
			rc = sqlite3_bind_int64(st->st, i, va_arg(ap, int64_t));
			break;
		case 't': {
			const char *t = va_arg(ap, const char *);
			rc = t ? sqlite3_bind_text(st->st, i, t, -1, SQLITE_STATIC)
			       : sqlite3_bind_null(st->st, i);
			break;
		}
		case 'n':
			rc = sqlite3_bind_null(st->st, i);
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = sqlite3_bind_blob(st->st, i, p, (int)n, SQLITE_STATIC);
			break;
		}
		default:
			return gs_fail(e, GS_EINTERNAL, "bad bind format '%c'", *f);
		}
		if (rc != SQLITE_OK)
			return db_fail(st->store, rc, e, "bind");
	}
	return GS_OK;
}

int gs_bind(gs_stmt *st, gs_err *e, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vbind(st, e, fmt, ap);
	va_end(ap);
	return rc;
}

int gs_step(gs_stmt *st, gs_err *e)
{
	int rc = sqlite3_step(st->st);

	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(st->st);
	if (rc == SQLITE_DONE)
		return 0;
	db_fail(st->store, rc, e, "step");
	return -1;
}

void gs_stmt_reset(gs_stmt *st)
{
	sqlite3_reset(st->st);
}

int gs_col_count(gs_stmt *st)
{
	return sqlite3_column_count(st->st);
}

int gs_col_type(gs_stmt *st, int i)
{
	switch (sqlite3_column_type(st->st, i)) {
	case SQLITE_INTEGER:
		return 'i';
	case SQLITE_TEXT:
		return 't';
	case SQLITE_BLOB:
		return 'b';
	case SQLITE_FLOAT:
		return 'r';
	default:
		return 'n';
	}
}

int64_t gs_col_int(gs_stmt *st, int i)
{
	return sqlite3_column_int64(st->st, i);
}

const char *gs_col_text(gs_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->st, i);
}

const void *gs_col_blob(gs_stmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(st->st, i);

	*len = (size_t)sqlite3_column_bytes(st->st, i);
	return p;
}

const char *gs_col_name(gs_stmt *st, int i)
{
	return sqlite3_column_name(st->st, i);
}

int gs_exec(gs_store *s, gs_err *e, const char *sql, const char *fmt, ...)
{
	gs_stmt *st = gs_sql(s, sql, e);
	va_list ap;
	int rc;

	if (!st)
		return e->code;
	va_start(ap, fmt);
	rc = vbind(st, e, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	while ((rc = gs_step(st, e)) == 1)
		;
	return rc < 0 ? e->code : GS_OK;
}

int gs_query_int(gs_store *s, gs_err *e, int64_t *out, const char *sql,
		 const char *fmt, ...)
{
	gs_err tmp;
	gs_stmt *st;
	va_list ap;
	int rc;

	if (!e)
		e = &tmp;
	st = gs_sql(s, sql, e);
	if (!st)
		return -1;
	va_start(ap, fmt);
	rc = vbind(st, e, fmt, ap);
	va_end(ap);
	if (rc)
		return -1;
	rc = gs_step(st, e);
	if (rc != 1)
		return rc;
	rc = 0;
	if (sqlite3_column_type(st->st, 0) != SQLITE_NULL) {
		*out = sqlite3_column_int64(st->st, 0);
		rc = 1;
	}
	sqlite3_reset(st->st);
	return rc;
}

int gs_query_row(gs_store *s, gs_err *e, gs_stmt **out, const char *sql,
		 const char *fmt, ...)
{
	gs_stmt *st = gs_sql(s, sql, e);
	va_list ap;
	int rc;

	*out = st;
	if (!st)
		return -1;
	va_start(ap, fmt);
	rc = vbind(st, e, fmt, ap);
	va_end(ap);
	return rc ? -1 : gs_step(st, e);
}
