/* test_export.c - unit tests for export.c: a state exported and imported
 * into an empty one is the same state; a changed, cut or misplaced export
 * is refused whole. */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

/* A small history: accounts, a mint, a transfer, a lock, a burn. */
static gs_store *history(void)
{
	gs_key admin, alice, bob;
	gs_store *s;

	th_key("admin", &admin);
	th_key("alice", &alice);
	th_key("bob", &bob);
	s = th_genesis_with(NULL, &admin, 6, "GST", 900);
	th_register(s, &alice);
	th_register(s, &bob);
	TH_OK(s, &admin, "token.mint", json_pack("{s:s,s:i}", "to", "alice", "amount", 1000),
	      TH_T0 + 10);
	TH_OK(s, &alice, "token.transfer", json_pack("{s:s,s:i}", "to", "bob", "amount", 100),
	      TH_T0 + 20);
	TH_OK(s, &alice, "token.lock", json_pack("{s:i}", "amount", 50), TH_T0 + 30);
	TH_OK(s, &bob, "token.burn", json_pack("{s:i}", "amount", 5), TH_T0 + 40);
	return s;
}

static int to_file(json_t *rec, void *arg)
{
	int rc = gs_json_print(arg, rec);

	json_decref(rec);
	return rc;
}

/* The export of s as text (malloc'd). */
static char *export_text(gs_store *s)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	gs_err e;

	ck_assert_int_eq(gs_export(s, to_file, f, &e), GS_OK);
	fclose(f);
	return buf;
}

/* Import text into a new temporary store; the exit code, *out the store
 * (closed and NULL unless GS_OK). */
static int import_text(const char *text, gs_store **out, int64_t *n, gs_err *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	gs_ndjson *r = gs_ndjson_open(f, 1 << 20);
	gs_err oe;
	int rc;

	ck_assert_int_eq(gs_store_open(NULL, GS_OPEN_TEMP, out, &oe), GS_OK);
	rc = gs_import(*out, r, n, e);
	gs_ndjson_close(r);
	fclose(f);
	if (rc) {
		ck_assert_int_eq(th_journal_rows(*out), 0);	/* nothing applied */
		gs_store_close(*out);
		*out = NULL;
	}
	return rc;
}

static void same_state(gs_store *a, gs_store *b)
{
	unsigned char da[32], db[32];
	gs_head ha, hb;
	gs_err e;

	ck_assert_int_eq(gs_state_digest(a, da, &e), GS_OK);
	ck_assert_int_eq(gs_state_digest(b, db, &e), GS_OK);
	ck_assert_mem_eq(da, db, 32);
	ck_assert_int_eq(gs_journal_head(a, &ha, &e), GS_OK);
	ck_assert_int_eq(gs_journal_head(b, &hb, &e), GS_OK);
	ck_assert_int_eq(ha.seq, hb.seq);
	ck_assert_mem_eq(ha.hash, hb.hash, 32);
}

/* One line per journal row, then the trailer; imported, the same head
 * and digest, and the import verifies (chain, invariants, replay). */
START_TEST(round_trip)
{
	gs_store *s = history(), *t;
	char *text = export_text(s), *last;
	int64_t n = -1;
	gs_err e;

	last = strrchr(text, '{');
	ck_assert_ptr_nonnull(strstr(last, "\"type\":\"export\",\"seq\":7,"));
	ck_assert_int_eq(import_text(text, &t, &n, &e), GS_OK);
	ck_assert_int_eq(n, 7);
	same_state(s, t);
	ck_assert_int_eq(gs_verify_chain(t, NULL, NULL, &e), GS_OK);
	ck_assert_int_eq(gs_verify_replay(t, NULL, NULL, &e), GS_OK);
	/* into a state that already has a journal: refused, nothing added */
	{
		FILE *f = fmemopen(text, strlen(text), "r");
		gs_ndjson *r = gs_ndjson_open(f, 1 << 20);
		ck_assert_int_eq(gs_import(t, r, &n, &e), GS_EREFUSED);
		ck_assert_ptr_nonnull(strstr(e.msg, "needs an empty one"));
		ck_assert_int_eq(th_journal_rows(t), 7);
		gs_ndjson_close(r);
		fclose(f);
	}
	gs_store_close(t);
	gs_store_close(s);
	free(text);
}
END_TEST

/* Replace the first occurrence of a in text by b (same length). */
static char *changed(const char *text, const char *a, const char *b)
{
	char *t = strdup(text), *p = strstr(t, a);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(strlen(a), strlen(b));
	memcpy(p, b, strlen(b));
	return t;
}

/* A changed tx (bad signature), a changed digest, a missing trailer, a
 * missing tx, a line after the trailer: each refused whole, naming the
 * line. */
START_TEST(refusals)
{
	gs_store *s = history(), *t;
	char *text = export_text(s), *x, *nl;
	int64_t n;
	gs_err e;

	x = changed(text, "\"amount\":1000", "\"amount\":1001");
	ck_assert_int_eq(import_text(x, &t, &n, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "line 4: bad signature");
	free(x);

	x = strdup(text);		/* one hex digit of the digest changed */
	nl = strstr(x, "\"digest\":\"") + 10;
	*nl = *nl == '0' ? '1' : '0';
	ck_assert_int_eq(import_text(x, &t, &n, &e), GS_EREFUSED);
	ck_assert_ptr_nonnull(strstr(e.msg, "line 8: the replayed state's digest differs"));
	free(x);

	x = strdup(text);
	*strrchr(x, '{') = '\0';	/* the trailer cut off */
	ck_assert_int_eq(import_text(x, &t, &n, &e), GS_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "without its trailer"));
	free(x);

	x = strdup(text);		/* the last tx left out */
	nl = strrchr(x, '{');
	*(nl - 1) = '\0';
	{
		char *prev = strrchr(x, '\n') + 1, *y;
		const char *tail = text + (nl - x);
		size_t k = (size_t)(prev - x);
		y = malloc(k + strlen(tail) + 1);
		memcpy(y, x, k);
		strcpy(y + k, tail);
		ck_assert_int_eq(import_text(y, &t, &n, &e), GS_EREFUSED);
		ck_assert_ptr_nonnull(strstr(e.msg, "line 7: the replayed journal ends "
					     "at #6"));
		free(y);
	}
	free(x);

	x = malloc(strlen(text) + 16);
	strcpy(stpcpy(x, text), "{\"a\":1}\n");
	ck_assert_int_eq(import_text(x, &t, &n, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "line 9: input goes on after the export's trailer");
	free(x);
	gs_store_close(s);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return th_run(s);
}
