/* store_pg.c - the PostgreSQL backend of the store (libpq): one database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "store_impl.h"

#define DB(s) ((struct pg_db *)(s)->db)
#define PS(st) ((struct pg_stmt *)(st)->impl)

enum { OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21,
       OID_INT4 = 23, OID_TEXT = 25, OID_OID = 26, OID_FLOAT4 = 700,
       OID_FLOAT8 = 701, OID_NUMERIC = 1700 };

struct pg_db {
	PGconn *conn;
	int64_t changes;	/* rows changed by the last INSERT/UPDATE/DELETE */
	unsigned next_name;	/* prepared statement names: g1, g2, ... */
};

struct pg_stmt {
	char *sql;		/* the statement with $n placeholders */
	int nparams, persistent;
	char name[16];		/* server-side name once prepared, else "" */
	char *ptypes;		/* bind types it was prepared with */
	char *btypes;		/* bind types now: 'i' 't' 'b' 'n' per param */
	Oid *oids;
	const char **vals;
	int *lens, *fmts;
	char (*ibuf)[24];	/* text of integer parameters */
	PGresult *res;		/* rows of the current execution */
	int row, nrows;		/* rows handed out (the current one is row - 1); in res */
	unsigned char *blob;	/* the last decoded bytea */
};

/* A libpq message on one line in buf: newlines and tabs as single spaces,
 * none at the end. Returns buf. */
static const char *oneline(const char *msg, char *buf, size_t n)
{
	size_t o = 0;

	for (; *msg && o + 1 < n; msg++) {
		char c = (*msg == '\n' || *msg == '\t') ? ' ' : *msg;
		if (c == ' ' && (o == 0 || buf[o - 1] == ' '))
			continue;
		buf[o++] = c;
	}
	while (o && buf[o - 1] == ' ')
		o--;
	buf[o] = '\0';
	return buf;
}

/* Map a failed result (or a dead connection) to GS_EBUSY (try again),
 * GS_EPERM (the database refuses writes) or GS_EINTERNAL; return it. */
static int pg_fail(PGconn *conn, PGresult *r, gs_err *e, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	static const char *const busy[] = { "40001", "40P01", "55P03", "57014",
					    "53300", NULL };
	char buf[400];

	if (PQstatus(conn) != CONNECTION_OK)
		return gs_fail(e, GS_EBUSY, "lost the connection to the database "
			       "server (try again): %s",
			       oneline(PQerrorMessage(conn), buf, sizeof buf));
	for (int i = 0; state && busy[i]; i++)
		if (!strcmp(state, busy[i]))
			return gs_fail(e, GS_EBUSY, "database is busy (try again): %s",
				       msg ? msg : state);
	/* a role without write grants, a read-only server (a standby) */
	if (state && (!strcmp(state, "42501") || !strcmp(state, "25006")))
		return gs_fail(e, GS_EPERM, "the database refuses the write: %s",
			       msg ? msg : state);
	if (!msg)
		msg = PQerrorMessage(conn);
	return gs_fail(e, GS_EINTERNAL, "%s: %s", what, oneline(msg, buf, sizeof buf));
}

static int pg_exec(gs_store *s, const char *sql, gs_err *e)
{
	PGresult *r = PQexec(DB(s)->conn, sql);
	int st = PQresultStatus(r), rc = GS_OK;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pg_fail(DB(s)->conn, r, e, "sql");
	PQclear(r);
	return rc;
}

/* Is at the start of the word w (case-sensitive) at sql[i]? */
static int is_word_char(char c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

static int word_at(const char *sql, size_t i, const char *w)
{
	size_t n = strlen(w);

	return !strncmp(sql + i, w, n) && !(i && is_word_char(sql[i - 1])) &&
	       !is_word_char(sql[i + n]);
}

/* The shared schema dialect in PostgreSQL's: INTEGER (SQLite's 64-bit
 * integer) is BIGINT; TEXT compares bytewise (COLLATE "C") as in SQLite,
 * whatever the database's locale, so orderings and digests agree. */
static int pg_exec_schema(gs_store *s, const char *sql, gs_err *e)
{
	size_t n = strlen(sql), o = 0;
	char *out = malloc(n * 3 + 1);
	int quoted = 0, rc;

	if (!out)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (sql[i] == '\'')
			quoted = !quoted;
		if (!quoted && word_at(sql, i, "INTEGER")) {
			memcpy(out + o, "BIGINT", 6), o += 6, i += 6;
			continue;
		}
		if (!quoted && word_at(sql, i, "TEXT")) {
			memcpy(out + o, "TEXT COLLATE \"C\"", 16), o += 16, i += 3;
			continue;
		}
		out[o++] = sql[i];
	}
	out[o] = '\0';
	rc = pg_exec(s, out, e);
	free(out);
	return rc;
}

/* 1 when the connected database holds the schema_version table. */
static int has_schema(PGconn *conn)
{
	PGresult *r = PQexec(conn, "SELECT to_regclass('schema_version') IS NOT NULL");
	int yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
		  PQgetvalue(r, 0, 0)[0] == 't';

	PQclear(r);
	return yes;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Connect to path; NULL with e set (GS_ENOFILE) when that fails. */
static PGconn *connect_to(const char *path, gs_err *e)
{
	PGconn *conn = PQconnectdb(path);
	char buf[512];

	if (conn && PQstatus(conn) == CONNECTION_OK) {
		PQsetNoticeProcessor(conn, quiet, NULL);
		return conn;
	}
	if (e) {
		char why[400];
		gs_fail(e, GS_ENOFILE, "cannot connect to '%s': %s",
			gs_store_label(path, buf, sizeof buf),
			oneline(conn ? PQerrorMessage(conn) : "out of memory", why,
				sizeof why));
	}
	PQfinish(conn);
	return NULL;
}

/* Connect; set the lock timeout, UTC and read-only as asked. A database
 * without the schema is GS_ENOFILE unless GS_OPEN_CREATE. */
static int pg_open(gs_store *s, const char *path, int flags, void **db,
		   gs_err *e)
{
	struct pg_db *d = calloc(1, sizeof *d);
	char sql[160], buf[512];

	if (!d)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	*db = d;
	s->db = d;
	if (!(d->conn = connect_to(path, e)))
		return e->code;
	if (!(flags & GS_OPEN_CREATE) && !has_schema(d->conn))
		return gs_fail(e, GS_ENOFILE, "cannot open '%s': the database holds "
			       "no GRIDSET state (gs init creates it)",
			       gs_store_label(path, buf, sizeof buf));
	/* lock_timeout 0 would wait forever: GS_BUSY_TIMEOUT=0 is 1 ms */
	snprintf(sql, sizeof sql, "SET lock_timeout = %d; SET TIME ZONE 'UTC';%s",
		 gs_busy_timeout() > 0 ? gs_busy_timeout() : 1,
		 (flags & GS_OPEN_READONLY) ?
		 " SET default_transaction_read_only = on;" : "");
	return pg_exec(s, sql, e);
}

static void pg_close(void *db)
{
	struct pg_db *d = db;

	PQfinish(d->conn);
	free(d);
}

static int pg_in_tx(gs_store *s)
{
	return PQtransactionStatus(DB(s)->conn) != PQTRANS_IDLE;
}

static int64_t pg_changes(gs_store *s)
{
	return DB(s)->changes;
}

/* sql with SQLite's ? and ?N placeholders as $N (outside quotes); the
 * number of parameters in *np. NULL when out of memory. */
static char *placeholders(const char *sql, int *np)
{
	size_t n = strlen(sql), o = 0;
	char *out = malloc(n * 4 + 1);
	int next = 0, max = 0;
	char quote = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char ch = sql[i];
		if (quote) {
			quote = ch == quote ? 0 : quote;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '?') {
			int k = 0;
			while (sql[i + 1] >= '0' && sql[i + 1] <= '9')
				k = k * 10 + (sql[++i] - '0');
			if (!k)
				k = next + 1;
			next = k;
			max = k > max ? k : max;
			o += (size_t)sprintf(out + o, "$%d", k);
			continue;
		}
		out[o++] = ch;
	}
	out[o] = '\0';
	*np = max;
	return out;
}

static void pg_finalize(gs_stmt *st)
{
	struct pg_stmt *p = PS(st);

	if (!p)
		return;
	PQclear(p->res);
	free(p->sql);
	free(p->ptypes);
	free(p->btypes);
	free(p->oids);
	free(p->vals);
	free(p->lens);
	free(p->fmts);
	free(p->ibuf);
	free(p->blob);
	free(p);
	st->impl = NULL;
}

/* Statements are prepared on the server at their first execution, when
 * the types of their parameters are known. */
static int pg_prepare(gs_store *s, gs_stmt *st, const char *sql, int persistent,
		      gs_err *e)
{
	struct pg_stmt *p = calloc(1, sizeof *p);
	size_t k;

	(void)s;
	if (!p || !(p->sql = placeholders(sql, &p->nparams))) {
		free(p);
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	}
	st->impl = p;
	p->persistent = persistent;
	k = (size_t)p->nparams + 1;
	p->ptypes = calloc(k, 1);
	p->btypes = calloc(k, 1);
	p->oids = calloc(k, sizeof *p->oids);
	p->vals = calloc(k, sizeof *p->vals);
	p->lens = calloc(k, sizeof *p->lens);
	p->fmts = calloc(k, sizeof *p->fmts);
	p->ibuf = calloc(k, sizeof *p->ibuf);
	if (!p->ptypes || !p->btypes || !p->oids || !p->vals || !p->lens ||
	    !p->fmts || !p->ibuf) {
		pg_finalize(st);
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	}
	memset(p->btypes, 'n', (size_t)p->nparams);
	return GS_OK;
}

static void pg_reset(gs_stmt *st)
{
	struct pg_stmt *p = PS(st);

	PQclear(p->res);
	p->res = NULL;
	p->row = p->nrows = 0;
	memset(p->btypes, 'n', (size_t)p->nparams);
	memset(p->vals, 0, (size_t)p->nparams * sizeof *p->vals);
	memset(p->oids, 0, (size_t)p->nparams * sizeof *p->oids);
}

static int pg_bind(gs_stmt *st, int i, int type, int64_t v, const void *ptr,
		   size_t n, gs_err *e)
{
	struct pg_stmt *p = PS(st);

	if (i < 1 || i > p->nparams)
		return gs_fail(e, GS_EINTERNAL, "bind: parameter %d out of range", i);
	i--;
	p->fmts[i] = 0;
	p->vals[i] = NULL;
	switch (type) {
	case 'i':
		snprintf(p->ibuf[i], sizeof p->ibuf[i], "%lld", (long long)v);
		p->vals[i] = p->ibuf[i];
		break;
	case 't':
		p->vals[i] = ptr;
		break;
	case 'b':
		p->vals[i] = ptr ? ptr : "";
		p->lens[i] = (int)n;
		p->fmts[i] = 1;
		break;
	default:
		type = 'n';
	}
	p->btypes[i] = (char)type;
	p->oids[i] = type == 'i' ? OID_INT8 : type == 't' ? OID_TEXT :
		     type == 'b' ? OID_BYTEA : 0;
	return GS_OK;
}

/* Prepare p on the server for the bound types unless it already is. */
static PGresult *ensure_prepared(struct pg_db *d, struct pg_stmt *p)
{
	PGresult *r;

	if (p->name[0] && !memcmp(p->ptypes, p->btypes, (size_t)p->nparams))
		return NULL;
	if (p->name[0]) {
		char sql[40];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", p->name);
		PQclear(PQexec(d->conn, sql));
		p->name[0] = '\0';
	}
	snprintf(p->name, sizeof p->name, "g%u", ++d->next_name);
	r = PQprepare(d->conn, p->name, p->sql, p->nparams, p->oids);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		p->name[0] = '\0';
		return r;
	}
	PQclear(r);
	memcpy(p->ptypes, p->btypes, (size_t)p->nparams);
	return NULL;
}

/* Execute p; GS_OK with p->res holding its rows (or none). */
static int execute(gs_stmt *st, gs_err *e)
{
	struct pg_db *d = DB(st->store);
	struct pg_stmt *p = PS(st);
	PGresult *r = NULL;
	int rs;

	if (p->persistent && (r = ensure_prepared(d, p)) != NULL) {
		rs = pg_fail(d->conn, r, e, "prepare");
		PQclear(r);
		return rs;
	}
	r = p->persistent
	    ? PQexecPrepared(d->conn, p->name, p->nparams, p->vals, p->lens,
			     p->fmts, 0)
	    : PQexecParams(d->conn, p->sql, p->nparams, p->oids, p->vals, p->lens,
			   p->fmts, 0);
	rs = PQresultStatus(r);
	if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
		rs = pg_fail(d->conn, r, e, "step");
		PQclear(r);
		return rs;
	}
	const char *cmd = PQcmdStatus(r);
	if (!strncmp(cmd, "INSERT", 6) || !strncmp(cmd, "UPDATE", 6) ||
	    !strncmp(cmd, "DELETE", 6))
		d->changes = strtoll(PQcmdTuples(r), NULL, 10);
	p->res = r;
	p->row = 0;
	p->nrows = rs == PGRES_TUPLES_OK ? PQntuples(r) : 0;
	return GS_OK;
}

static int pg_step(gs_stmt *st, gs_err *e)
{
	struct pg_stmt *p = PS(st);

	if (!p->res && execute(st, e)) {
		pg_reset(st);
		return -1;
	}
	if (p->row < p->nrows) {
		p->row++;
		return 1;
	}
	PQclear(p->res);
	p->res = NULL;
	p->row = p->nrows = 0;
	return 0;
}

/* The row the last step handed out. */
#define ROW(p) ((p)->row - 1)

static int pg_col_count(gs_stmt *st)
{
	return PS(st)->res ? PQnfields(PS(st)->res) : 0;
}

static int pg_col_type(gs_stmt *st, int i)
{
	struct pg_stmt *p = PS(st);

	if (!p->res || ROW(p) < 0 || PQgetisnull(p->res, ROW(p), i))
		return 'n';
	switch (PQftype(p->res, i)) {
	case OID_BOOL: case OID_INT8: case OID_INT2: case OID_INT4: case OID_OID:
		return 'i';
	case OID_NUMERIC:
		return strchr(PQgetvalue(p->res, ROW(p), i), '.') ? 'r' : 'i';
	case OID_BYTEA:
		return 'b';
	case OID_FLOAT4: case OID_FLOAT8:
		return 'r';
	default:
		return 't';
	}
}

static int64_t pg_col_int(gs_stmt *st, int i)
{
	struct pg_stmt *p = PS(st);
	const char *v;

	if (!p->res || ROW(p) < 0 || PQgetisnull(p->res, ROW(p), i))
		return 0;
	v = PQgetvalue(p->res, ROW(p), i);
	if (PQftype(p->res, i) == OID_BOOL)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(gs_stmt *st, int i)
{
	struct pg_stmt *p = PS(st);

	if (!p->res || ROW(p) < 0 || PQgetisnull(p->res, ROW(p), i))
		return NULL;
	return PQgetvalue(p->res, ROW(p), i);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A bytea column arrives as text "\x<hex>"; decode it into p->blob. */
static const void *pg_col_blob(gs_stmt *st, int i, size_t *len)
{
	struct pg_stmt *p = PS(st);
	const char *v = pg_col_text(st, i);
	size_t n;

	*len = 0;
	if (!v || v[0] != '\\' || v[1] != 'x') {
		*len = v ? strlen(v) : 0;
		return v;
	}
	n = (strlen(v) - 2) / 2;
	free(p->blob);
	if (!(p->blob = malloc(n + 1)))
		return NULL;
	for (size_t k = 0; k < n; k++)
		p->blob[k] = (unsigned char)(hexval(v[2 + 2 * k]) << 4 |
					     hexval(v[3 + 2 * k]));
	*len = n;
	return p->blob;
}

static const char *pg_col_name(gs_stmt *st, int i)
{
	return PS(st)->res ? PQfname(PS(st)->res, i) : NULL;
}

static int pg_present(const char *path)
{
	PGconn *conn = connect_to(path, NULL);
	int yes = conn && has_schema(conn);

	PQfinish(conn);
	return yes;
}

/* Drop every table of the schema (what a failed gs init created). */
static void pg_destroy(const char *path)
{
	PGconn *conn = connect_to(path, NULL);
	char sql[128];

	if (!conn)
		return;
	PQclear(PQexec(conn, "BEGIN"));
	for (int i = 0; gs_state_tables[i].name; i++) {
		snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s CASCADE",
			 gs_state_tables[i].name);
		PQclear(PQexec(conn, sql));
	}
	PQclear(PQexec(conn, "DROP TABLE IF EXISTS journal, schema_version CASCADE"));
	PQclear(PQexec(conn, "COMMIT"));
	PQfinish(conn);
}

const struct gs_backend gs_backend_pg = {
	.name = "postgresql",
	.begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	/* one writer at a time, as SQLite's BEGIN IMMEDIATE: the journal's
	 * hash chain stays one total order across all clients */
	.begin_write = "BEGIN; LOCK TABLE schema_version IN EXCLUSIVE MODE",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.exec_schema = pg_exec_schema,
	.in_tx = pg_in_tx,
	.changes = pg_changes,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind = pg_bind,
	.step = pg_step,
	.col_count = pg_col_count,
	.col_type = pg_col_type,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.col_name = pg_col_name,
	.present = pg_present,
	.destroy = pg_destroy,
};
