/* store.c - the state store: one API over the SQLite and PostgreSQL backends. */
#include <errno.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"

int gs_busy_timeout(void)
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

/* The backend that serves path: PostgreSQL for a postgresql:// or
 * postgres:// URI or a libpq "keyword=value ..." string, else SQLite. */
static const struct gs_backend *backend_of(const char *path)
{
	return path && gs_store_is_pg(path) ? &gs_backend_pg : &gs_backend_sqlite;
}

int gs_store_is_pg(const char *path)
{
	size_t n = strspn(path, "abcdefghijklmnopqrstuvwxyz_");

	return !strncmp(path, "postgresql://", 13) ||
	       !strncmp(path, "postgres://", 11) || (n > 0 && path[n] == '=');
}

int gs_store_present(const char *path)
{
	return backend_of(path)->present(path);
}

void gs_store_destroy(const char *path)
{
	backend_of(path)->destroy(path);
}

const char *gs_store_backend(gs_store *s)
{
	return s->be->name;
}

/* Copy of path for messages with a password replaced by "***". */
const char *gs_store_label(const char *path, char *buf, size_t n)
{
	const char *at, *pw, *colon, *scheme = strstr(path, "://");

	snprintf(buf, n, "%s", path);
	if (scheme && (at = strchr(scheme + 3, '@')) &&
	    (colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3))))
		snprintf(buf + (colon - path), n - (size_t)(colon - path), ":***%s", at);
	if ((pw = strstr(buf, "password=")) != NULL) {
		size_t keep = (size_t)(pw - buf) + 9;
		const char *end = strpbrk(path + keep, " &");
		snprintf(buf + keep, n - keep, "***%s", end ? end : "");
	}
	return buf;
}

/* Bring the schema up to the newest migration in one transaction. */
static int migrate(gs_store *s, gs_err *e)
{
	int64_t v = 0;
	gs_err tmp;

	/* an up-to-date state is only read: a read-only role or a standby
	 * server opens it as well */
	if (gs_query_int(s, &tmp, &v, "SELECT max(version) FROM schema_version",
			 "") < 0) {
		if (tmp.code == GS_EBUSY)
			return gs_fail(e, tmp.code, "%s", tmp.msg);
		if (s->be->exec_schema(s, "CREATE TABLE IF NOT EXISTS schema_version "
				       "(version INTEGER NOT NULL)", e))
			return e->code;
	}
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
		if (s->be->exec_schema(s, gs_migrations[v], e) ||
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

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	s->be = (flags & GS_OPEN_TEMP) ? &gs_backend_sqlite : backend_of(path);
	if (s->be->open(s, path, flags, &s->db, e) ||
	    (!(flags & GS_OPEN_READONLY) && migrate(s, e))) {
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
		if (s->cache[i].impl)
			s->be->finalize(&s->cache[i]);
	if (s->db)
		s->be->close(s->db);
	free(s);
}

int gs_store_exec(gs_store *s, const char *sql, gs_err *e)
{
	return s->be->exec(s, sql, e);
}

/* Run sql that opens a transaction or savepoint; when it fails after
 * opening a transaction that was not open before (began, then could not
 * take the writers' lock), roll that back. */
static int open_tx(gs_store *s, const char *sql, gs_err *e)
{
	int was = s->be->in_tx(s), rc = gs_store_exec(s, sql, e);
	gs_err tmp;

	if (rc != GS_OK && !was && s->be->in_tx(s))
		s->be->exec(s, "ROLLBACK", &tmp);
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
	rc = open_tx(s, s->batch ? "SAVEPOINT gs_tx" : write ?
		     s->be->begin_write : s->be->begin_read, e);
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

/* In a batch, undo the savepoint only; when the database already rolled
 * the whole transaction back (I/O error, disk full), the batch is lost. */
void gs_store_rollback(gs_store *s)
{
	gs_err e;

	if (s->batch > 0 && s->be->in_tx(s)) {
		if (s->in_tx && s->be->exec(s, "ROLLBACK TO gs_tx; RELEASE gs_tx", &e))
			s->batch = -1;
	} else if (s->batch > 0) {
		s->batch = -1;
	} else if (s->be->in_tx(s)) {
		s->be->exec(s, "ROLLBACK", &e);
	}
	s->in_tx = 0;
}

int gs_store_batch_begin(gs_store *s, gs_err *e)
{
	int rc = open_tx(s, s->be->begin_write, e);

	if (rc == GS_OK)
		s->batch = 1;
	return rc;
}

int gs_store_batch_end(gs_store *s, int commit, gs_err *e)
{
	int lost = s->batch < 0, rc = GS_OK;
	gs_err tmp;

	s->batch = 0;
	s->in_tx = 0;
	if (commit && !lost)
		rc = gs_store_exec(s, "COMMIT", e);
	else if (commit)
		rc = gs_fail(e, GS_EINTERNAL, "the batch was rolled back by an "
			     "earlier failure");
	if (s->be->in_tx(s))
		s->be->exec(s, "ROLLBACK", &tmp);
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
	return s->be->changes(s);
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

	if (!c) {
		gs_fail(e, GS_EINTERNAL, "statement cache full");
		return NULL;
	}
	if (c->impl) {
		s->be->reset(c);
		return c;
	}
	c->store = s;
	if (s->be->prepare(s, c, sql, 1, e))
		return NULL;
	c->key = sql;
	return c;
}

gs_stmt *gs_sql_once(gs_store *s, const char *sql, gs_err *e)
{
	gs_stmt *c = calloc(1, sizeof *c);

	if (!c) {
		gs_fail(e, GS_EINTERNAL, "out of memory");
		return NULL;
	}
	c->store = s;
	if (s->be->prepare(s, c, sql, 0, e)) {
		free(c);
		return NULL;
	}
	return c;
}

void gs_stmt_free(gs_stmt *st)
{
	if (!st)
		return;
	st->store->be->finalize(st);
	free(st);
}

/* Bind by format from a va_list; see gs_bind. */
static int vbind(gs_stmt *st, gs_err *e, const char *fmt, va_list ap)
{
	const struct gs_backend *be = st->store->be;
	int i = 1, rc;

	for (const char *f = fmt; *f; f++, i++) {
		switch (*f) {
		case 'i':
			rc = be->bind(st, i, 'i', va_arg(ap, int64_t), NULL, 0, e);
			break;
		case 't':
			rc = be->bind(st, i, 't', 0, va_arg(ap, const char *), 0, e);
			break;
		case 'n':
			rc = be->bind(st, i, 'n', 0, NULL, 0, e);
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			rc = be->bind(st, i, 'b', 0, p, va_arg(ap, size_t), e);
			break;
		}
		default:
			return gs_fail(e, GS_EINTERNAL, "bad bind format '%c'", *f);
		}
		if (rc)
			return rc;
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
	return st->store->be->step(st, e);
}

void gs_stmt_reset(gs_stmt *st)
{
	st->store->be->reset(st);
}

int gs_col_count(gs_stmt *st)
{
	return st->store->be->col_count(st);
}

int gs_col_type(gs_stmt *st, int i)
{
	return st->store->be->col_type(st, i);
}

int64_t gs_col_int(gs_stmt *st, int i)
{
	return st->store->be->col_int(st, i);
}

const char *gs_col_text(gs_stmt *st, int i)
{
	return st->store->be->col_text(st, i);
}

const void *gs_col_blob(gs_stmt *st, int i, size_t *len)
{
	return st->store->be->col_blob(st, i, len);
}

const char *gs_col_name(gs_stmt *st, int i)
{
	return st->store->be->col_name(st, i);
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
	if (gs_col_type(st, 0) != 'n') {
		*out = gs_col_int(st, 0);
		rc = 1;
	}
	gs_stmt_reset(st);
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
