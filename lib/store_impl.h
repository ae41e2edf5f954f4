/* store_impl.h - the interface between store.c and its backends (SQLite, PostgreSQL) */
#ifndef GS_STORE_IMPL_H
#define GS_STORE_IMPL_H
#include "gridset.h"

/* Prepared statements kept per store, keyed by their SQL literal: lib/
 * has about 300 distinct statements (call sites plus verify's checks);
 * a full cache is an internal error, so keep this well above that. */
#define STMT_CACHE 1024

struct gs_stmt {
	gs_store *store;
	const char *key;	/* cache key (the SQL pointer), NULL if once */
	void *impl;		/* the backend's statement */
};

/* What a backend implements. Every int function returns GS_OK or an exit
 * code with e set; busy / lock timeouts / serialization failures are
 * GS_EBUSY, anything else the database refuses is GS_EINTERNAL. */
struct gs_backend {
	const char *name;
	const char *begin_read, *begin_write;	/* SQL of a transaction's start */
	/* Connect to (or create, with GS_OPEN_CREATE) the state at path; *db
	 * is the backend's handle. A missing state is GS_ENOFILE. */
	int (*open)(gs_store *s, const char *path, int flags, void **db,
		    gs_err *e);
	void (*close)(void *db);
	/* Run SQL text without parameters (may hold several statements). */
	int (*exec)(gs_store *s, const char *sql, gs_err *e);
	/* Run one migration's text (CREATE TABLE ... in the shared dialect). */
	int (*exec_schema)(gs_store *s, const char *sql, gs_err *e);
	/* Whether a transaction is open on the connection. */
	int (*in_tx)(gs_store *s);
	int64_t (*changes)(gs_store *s);
	/* Prepare sql into st->impl (persistent: it will be reused). */
	int (*prepare)(gs_store *s, gs_stmt *st, const char *sql, int persistent,
		       gs_err *e);
	void (*finalize)(gs_stmt *st);
	/* Forget the statement's rows and bindings. */
	void (*reset)(gs_stmt *st);
	/* Bind parameter i (1-based): type 'i' (v), 't' (p, or NULL), 'n',
	 * 'b' (p, n bytes). Pointers must stay valid until the next step. */
	int (*bind)(gs_stmt *st, int i, int type, int64_t v, const void *p,
		    size_t n, gs_err *e);
	/* 1 = row ready, 0 = done (reset), -1 = error (e set, reset). */
	int (*step)(gs_stmt *st, gs_err *e);
	int (*col_count)(gs_stmt *st);
	int (*col_type)(gs_stmt *st, int i);
	int64_t (*col_int)(gs_stmt *st, int i);
	const char *(*col_text)(gs_stmt *st, int i);
	const void *(*col_blob)(gs_stmt *st, int i, size_t *len);
	const char *(*col_name)(gs_stmt *st, int i);
	/* 1 when a state exists at path (file / GRIDSET schema), else 0. */
	int (*present)(const char *path);
	/* Delete the state at path (a failed init's leftovers). */
	void (*destroy)(const char *path);
};

struct gs_store {
	const struct gs_backend *be;
	void *db;
	int in_tx;
	int batch;		/* 1 in a batch, -1 once a failure lost it */
	gs_stmt cache[STMT_CACHE];
};

extern const struct gs_backend gs_backend_sqlite;
extern const struct gs_backend gs_backend_pg;

/* Busy timeout in ms from GS_BUSY_TIMEOUT, default 5000. */
int gs_busy_timeout(void);
#endif
