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
/* ---- added for the store/journal/token/... tests ---- */
#define TH_T0 INT64_C(1795600800)	/* 2026-11-25T10:00:00Z, genesis time */
/* A key named name derived deterministically from name (same every run). */
void th_key(const char *name, gs_key *k);
/* Create the state file at path (NULL: a new temp path) and apply genesis
 * signed by admin (an existing key) at TH_T0. */
gs_store *th_genesis_with(const char *path, const gs_key *admin, int decimals,
			  const char *symbol, int64_t slot_seconds);
/* Register k->name with key k (asserts success). */
void th_register(gs_store *s, const gs_key *k);
/* Sign and apply with a fixed tx id; *status and *seq (may be NULL). */
int th_apply_id(gs_store *s, const gs_key *k, const char *id, const char *cmd,
		json_t *args, int64_t time, int *status, int64_t *seq,
		json_t **out, gs_err *e);
/* th_apply that also reports *status (GS_APPLIED, GS_DUPLICATE,
 * GS_UNCHANGED; -1 when not applied). */
int th_apply_status(gs_store *s, const gs_key *k, const char *cmd,
		    json_t *args, int64_t time, int *status, json_t **out,
		    gs_err *e);
/* Balance of account (asserts it exists). */
void th_balance(gs_store *s, const char *account, int64_t *avail,
		int64_t *locked);
/* Number of journal rows. */
int64_t th_journal_rows(gs_store *s);
/* Remove path and its -wal, -shm and -journal companions. */
void th_unlink(const char *path);
/* Redirect fd (1 or 2) into a temp file; th_capture_end restores fd and
 * returns what was written (malloc'd, NUL-terminated). */
int th_capture_begin(int fd);
char *th_capture_end(int fd, int saved);

/* ---- added for the settlement, governance and status tests ---- */
/* The one integer a query returns (asserts it returns a row). */
int64_t th_q(gs_store *s, const char *sql);
/* Member k of record r, asserted to be an integer / a string. */
int64_t th_num(json_t *r, const char *k);
const char *th_str(json_t *r, const char *k);
/* cmd(args) signed by k at time must apply; its records in *out (may be
 * NULL). */
#define TH_OK(s, k, cmd, args, time) th_ok_(s, k, cmd, args, time, NULL, __LINE__)
#define TH_OK_OUT(s, k, cmd, args, time, out) \
	th_ok_(s, k, cmd, args, time, out, __LINE__)
void th_ok_(gs_store *s, const gs_key *k, const char *cmd, json_t *args,
	    int64_t time, json_t **out, int line);
/* cmd(args) must fail with code (GS_EALREADY: be reported GS_UNCHANGED),
 * mention needle (NULL: anything), and leave the state digest and the
 * journal as they were. */
#define TH_REFUSE(s, k, code, needle, cmd, args, time) \
	th_refuse_(s, k, code, needle, cmd, args, time, __LINE__)
void th_refuse_(gs_store *s, const gs_key *k, int code, const char *needle,
		const char *cmd, json_t *args, int64_t time, int line);
#endif
