/* testhelp.h - shared helpers for the Check unit tests */
#ifndef TESTHELP_H
#define TESTHELP_H
#include <check.h>
#include "gridset.h"

/* Run suite s with CK_NORMAL output; return EXIT_SUCCESS or EXIT_FAILURE. */
int th_run(Suite *s);
/* A fresh temporary state file path (unique per call); caller frees. */
char *th_tmpdb(void);
/* Open a new state at a temp path after genesis with admin key "admin"
 * (decimals 6, symbol GST, slot 900). *admin receives the key. */
gs_store *th_genesis(gs_key *admin);
/* Sign tx args as k and apply; returns the exit code, *out records. */
int th_apply(gs_store *s, const gs_key *k, const char *cmd, json_t *args,
	     int64_t time, json_t **out, gs_err *e);
/* Register a new account named name with a fresh key (no key file). */
void th_account(gs_store *s, const char *name, gs_key *k);
#endif
