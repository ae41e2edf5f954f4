/* testhelp.c - shared helpers for the Check unit tests. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "testhelp.h"

int th_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Paths handed out by th_tmpdb, removed (with -wal, -shm) at exit. */
static char *tmp_paths[512];
static int ntmp;

static void tmp_cleanup(void)
{
	for (int i = 0; i < ntmp; i++) {
		th_unlink(tmp_paths[i]);
		free(tmp_paths[i]);
	}
	ntmp = 0;
}

char *th_tmpdb(void)
{
	static int n;
	char *p = malloc(256);
	const char *dir = getenv("TMPDIR");

	snprintf(p, 256, "%s/gs-unit-%ld-%d.db", dir && *dir ? dir : "/tmp",
		 (long)getpid(), n++);
	unlink(p);
	if (ntmp == 0)
		atexit(tmp_cleanup);
	if (ntmp < (int)(sizeof tmp_paths / sizeof tmp_paths[0]))
		tmp_paths[ntmp++] = strdup(p);
	return p;
}

/* A key named name, made in memory. */
static void mem_key(const char *name, gs_key *k)
{
	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name);
	crypto_sign_keypair(k->pk, k->sk);
}

int th_apply(gs_store *s, const gs_key *k, const char *cmd, json_t *args,
	     int64_t time, json_t **out, gs_err *e)
{
	char id[33];
	json_t *tx;
	int status, rc;

	gs_tx_random_id(id);
	tx = gs_tx_new(id, cmd, k->name, time, args);
	rc = gs_tx_sign(tx, k, e);
	if (rc == GS_OK)
		rc = gs_tx_apply(s, tx, &status, out, NULL, e);
	json_decref(tx);
	return rc;
}

gs_store *th_genesis(gs_key *admin)
{
	char *path = th_tmpdb();
	gs_store *s;
	gs_err e;

	ck_assert_int_eq(sodium_init() >= 0, 1);
	ck_assert_int_eq(gs_store_open(path, GS_OPEN_CREATE, &s, &e), GS_OK);
	free(path);
	mem_key("admin", admin);
	ck_assert_msg(th_apply(s, admin, "genesis", gs_genesis_args(admin, 6, "GST", 900),
			       1795600800, NULL, &e) == GS_OK, "genesis: %s", e.msg);
	return s;
}

void th_account(gs_store *s, const char *name, gs_key *k)
{
	char pk64[64];
	gs_err e;

	mem_key(name, k);
	gs_b64(k->pk, GS_PK_BYTES, pk64, sizeof pk64);
	ck_assert_msg(th_apply(s, k, "account.register", json_pack("{s:s}", "pubkey", pk64),
			       1795600800, NULL, &e) == GS_OK, "register %s: %s", name, e.msg);
}

/* ---- added for the store/journal/token/... tests ---- */

void th_key(const char *name, gs_key *k)
{
	unsigned char seed[crypto_sign_SEEDBYTES];

	ck_assert_int_eq(sodium_init() >= 0, 1);
	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name);
	crypto_generichash(seed, sizeof seed, (const unsigned char *)name,
			   strlen(name), NULL, 0);
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

gs_store *th_genesis_with(const char *path, const gs_key *admin, int decimals,
			  const char *symbol, int64_t slot_seconds)
{
	char *tmp = path ? NULL : th_tmpdb();
	gs_store *s;
	gs_err e;

	ck_assert_int_eq(sodium_init() >= 0, 1);
	ck_assert_msg(gs_store_open(path ? path : tmp, GS_OPEN_CREATE, &s, &e) == GS_OK,
		      "open: %s", e.msg);
	free(tmp);
	ck_assert_msg(th_apply(s, admin, "genesis",
			       gs_genesis_args(admin, decimals, symbol, slot_seconds),
			       TH_T0, NULL, &e) == GS_OK, "genesis: %s", e.msg);
	return s;
}

void th_register(gs_store *s, const gs_key *k)
{
	char pk64[64];
	gs_err e;

	gs_b64(k->pk, GS_PK_BYTES, pk64, sizeof pk64);
	ck_assert_msg(th_apply(s, k, "account.register", json_pack("{s:s}", "pubkey", pk64),
			       TH_T0, NULL, &e) == GS_OK, "register %s: %s", k->name, e.msg);
}

int th_apply_id(gs_store *s, const gs_key *k, const char *id, const char *cmd,
		json_t *args, int64_t time, int *status, int64_t *seq,
		json_t **out, gs_err *e)
{
	json_t *tx = gs_tx_new(id, cmd, k->name, time, args);
	int st = -1, rc;

	rc = gs_tx_sign(tx, k, e);
	if (rc == GS_OK)
		rc = gs_tx_apply(s, tx, &st, out, seq, e);
	if (status)
		*status = st;
	json_decref(tx);
	return rc;
}

int th_apply_status(gs_store *s, const gs_key *k, const char *cmd,
		    json_t *args, int64_t time, int *status, json_t **out,
		    gs_err *e)
{
	char id[33];

	gs_tx_random_id(id);
	return th_apply_id(s, k, id, cmd, args, time, status, NULL, out, e);
}

void th_balance(gs_store *s, const char *account, int64_t *avail,
		int64_t *locked)
{
	gs_err e;

	ck_assert_msg(gs_query_int(s, &e, avail, "SELECT available FROM balances "
				   "WHERE account = ?", "t", account) == 1,
		      "no balance for %s", account);
	ck_assert_msg(gs_query_int(s, &e, locked, "SELECT locked FROM balances "
				   "WHERE account = ?", "t", account) == 1,
		      "no balance for %s", account);
}

int64_t th_journal_rows(gs_store *s)
{
	int64_t n = -1;
	gs_err e;

	ck_assert_int_eq(gs_query_int(s, &e, &n, "SELECT count(*) FROM journal", ""), 1);
	return n;
}

void th_unlink(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal", NULL };
	char buf[4200];

	for (int i = 0; sfx[i]; i++) {
		snprintf(buf, sizeof buf, "%s%s", path, sfx[i]);
		unlink(buf);
	}
}

int th_capture_begin(int fd)
{
	char path[] = "/tmp/gs-unit-capture-XXXXXX";
	int tmp, saved;

	fflush(fd == 1 ? stdout : stderr);
	tmp = mkstemp(path);
	ck_assert_int_ge(tmp, 0);
	unlink(path);
	saved = dup(fd);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(tmp, fd), fd);
	close(tmp);
	return saved;
}

char *th_capture_end(int fd, int saved)
{
	char *buf;
	off_t n;

	fflush(fd == 1 ? stdout : stderr);
	n = lseek(fd, 0, SEEK_END);
	ck_assert_int_ge(n, 0);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_int_eq(pread(fd, buf, (size_t)n, 0), n);
	ck_assert_int_eq(dup2(saved, fd), fd);
	close(saved);
	return buf;
}

int64_t th_q(gs_store *s, const char *sql)
{
	int64_t v = -1;
	gs_err e;

	ck_assert_msg(gs_query_int(s, &e, &v, sql, "") == 1, "query %s", sql);
	return v;
}

int64_t th_num(json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	ck_assert_msg(json_is_integer(v), "field %s is not an integer", k);
	return json_integer_value(v);
}

const char *th_str(json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	ck_assert_msg(json_is_string(v), "field %s is not a string", k);
	return json_string_value(v);
}

void th_ok_(gs_store *s, const gs_key *k, const char *cmd, json_t *args,
	    int64_t time, json_t **out, int line)
{
	int status = -1;
	gs_err e;

	ck_assert_msg(th_apply_status(s, k, cmd, args, time, &status, out, &e) == GS_OK,
		      "line %d: %s by %s: %s", line, cmd, k->name, e.msg);
	ck_assert_msg(status == GS_APPLIED, "line %d: %s by %s: status %d (%s)", line, cmd,
		      k->name, status, e.msg);
}

/* State digest and journal rows, to compare before and after. */
struct th_snap {
	unsigned char d[32];
	int64_t rows;
};

static struct th_snap th_snap(gs_store *s)
{
	struct th_snap x;
	gs_err e;

	ck_assert_int_eq(gs_state_digest(s, x.d, &e), GS_OK);
	x.rows = th_journal_rows(s);
	return x;
}

void th_refuse_(gs_store *s, const gs_key *k, int code, const char *needle,
		const char *cmd, json_t *args, int64_t time, int line)
{
	struct th_snap a = th_snap(s), b;
	int status = -1, rc;
	gs_err e;

	memset(&e, 0, sizeof e);
	rc = th_apply_status(s, k, cmd, args, time, &status, NULL, &e);
	if (code == GS_EALREADY)
		ck_assert_msg(rc == GS_OK && status == GS_UNCHANGED,
			      "line %d: %s by %s: exit %d status %d, want unchanged (%s)",
			      line, cmd, k->name, rc, status, e.msg);
	else
		ck_assert_msg(rc == code, "line %d: %s by %s: exit %d, want %d (%s)", line,
			      cmd, k->name, rc, code, e.msg);
	ck_assert_msg(!needle || strstr(e.msg, needle), "line %d: <%s> not in <%s>", line,
		      needle, e.msg);
	b = th_snap(s);
	ck_assert_msg(memcmp(a.d, b.d, 32) == 0 && a.rows == b.rows,
		      "line %d: %s changed the state", line, cmd);
}
