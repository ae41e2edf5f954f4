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

char *th_tmpdb(void)
{
	static int n;
	char *p = malloc(256);
	const char *dir = getenv("TMPDIR");

	snprintf(p, 256, "%s/gs-unit-%ld-%d.db", dir && *dir ? dir : "/tmp",
		 (long)getpid(), n++);
	unlink(p);
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
