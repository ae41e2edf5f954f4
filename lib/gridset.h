/* gridset.h - public API of libgridset, the GRIDSET settlement library. */
#ifndef GRIDSET_H
#define GRIDSET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

/* ---- errors and exit codes (DESIGN §7) ---------------------------------- */

enum {
	GS_OK = 0,
	GS_EREFUSED = 1,	/* refused by a protocol rule */
	GS_EUSAGE = 64,		/* bad command line */
	GS_EINPUT = 65,		/* malformed input, unknown object */
	GS_ENOFILE = 66,	/* state file or key missing */
	GS_EINTERNAL = 70,	/* internal error */
	GS_EBUSY = 75,		/* state file busy: try again */
	GS_EPERM = 77		/* signer may not do this at all */
};

/* An error: an exit code and a lowercase message without trailing period. */
typedef struct gs_err {
	int code;
	long item;		/* 1-based item of a batch the error is about, or 0 */
	char msg[512];
} gs_err;

/* Set *e (if not NULL) to code and the formatted message; return code. */
int gs_fail(gs_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix e->msg with the formatted text (e.g. "line 17: "); return e->code. */
int gs_err_prefix(gs_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- amounts, energy, prices: fixed point, checked (amount.c) ----------- */

#define GS_MAX_DECIMALS 12

/* Checked arithmetic: return 0 and store the result, or -1 on overflow. */
int gs_add(int64_t a, int64_t b, int64_t *r);
int gs_sub(int64_t a, int64_t b, int64_t *r);
/* floor(a*b/d) and ceil(a*b/d) with a 128-bit product, rounding toward
 * minus and plus infinity for any signs; d > 0. Return -1 on overflow. */
int gs_muldiv_floor(int64_t a, int64_t b, int64_t d, int64_t *r);
int gs_muldiv_ceil(int64_t a, int64_t b, int64_t d, int64_t *r);
/* floor(a/d) toward minus infinity, d > 0. */
int64_t gs_floordiv(int64_t a, int64_t d);

/* Parse a decimal display number "12", "12.5", "-0.5" scaled by 10^decimals
 * into *out. Refuses signs when !allow_negative, exponents, spaces, "+",
 * a leading or trailing ".", more fraction digits than decimals, and
 * overflow. Errors are GS_EUSAGE-free: they return GS_EINPUT with a message
 * such as "must be a non-negative number with at most 6 decimals". */
int gs_decimal_parse(const char *s, int decimals, int allow_negative,
		     int64_t *out, gs_err *e);
/* Credits "12.5" -> base units; non-negative. */
int gs_amount_parse(const char *s, int decimals, int64_t *out, gs_err *e);
/* Credits per kWh "0.21", "-0.05" -> base units per kWh; may be negative. */
int gs_price_parse(const char *s, int decimals, int64_t *out, gs_err *e);
/* Energy "1.5kWh", "1500Wh", "2MWh" (unit required, case as shown, whole Wh
 * only) -> Wh; non-negative. */
int gs_energy_parse(const char *s, int64_t *wh, gs_err *e);
/* Power "5kW", "5000W", "1.5MW" (unit required, whole W) -> W. */
int gs_power_parse(const char *s, int64_t *w, gs_err *e);

/* Format v / 10^decimals as the shortest exact decimal ("12.5", "-0.5",
 * "3"); return buf. buf needs 32 bytes. */
char *gs_decimal_format(int64_t v, int decimals, char *buf, size_t n);
/* Energy as kWh, e.g. "1.5kWh", "0.001kWh", "0kWh". */
char *gs_energy_format(int64_t wh, char *buf, size_t n);
/* Power as kW, e.g. "5kW", "0.25kW". */
char *gs_power_format(int64_t w, char *buf, size_t n);

/* ---- time and slots (slot.c) -------------------------------------------- */

/* Parse "2026-11-25T10:00:00Z", "2026-11-25T10:00Z", "2026-11-25" (midnight
 * UTC) or a decimal count of Unix seconds into *t. Only UTC ("Z") is
 * accepted; fields are range-checked (Feb 29 only in leap years). */
int gs_time_parse(const char *s, int64_t *t, gs_err *e);
/* Format t as "2026-11-25T10:00:00Z"; buf needs 32 bytes. */
char *gs_time_format(int64_t t, char *buf, size_t n);
/* Parse a slot: "#n" (n >= 0) or the ISO-8601 start time of the slot,
 * which must be a multiple of slot_seconds. */
int gs_slot_parse(const char *s, int64_t slot_seconds, int64_t *slot,
		  gs_err *e);
/* Slot containing time t (floor division). */
int64_t gs_slot_of(int64_t t, int64_t slot_seconds);

/* ---- NDJSON and JSON fields (ndjson.c) ----------------------------------- */

typedef struct gs_ndjson gs_ndjson;

/* Open a streaming reader on f; lines longer than max_line bytes are
 * refused. Returns NULL only when out of memory. */
gs_ndjson *gs_ndjson_open(FILE *f, size_t max_line);
/* Read the next non-blank line as a JSON object. Returns 1 with *obj (a new
 * reference) and *line (1-based physical line number), 0 at end of input,
 * or an exit code (GS_EINPUT) with e->msg = "line N: ..." for invalid
 * JSON, invalid UTF-8, NUL bytes, duplicate keys, non-objects, overlong
 * lines. A trailing "\r" is stripped. */
int gs_ndjson_next(gs_ndjson *r, json_t **obj, long *line, gs_err *e);
void gs_ndjson_close(gs_ndjson *r);
/* 1 when reading the next line will not wait for input: bytes are
 * buffered, or the input is readable or at its end; 0 when it might wait
 * (and always 0 where the C library's buffer cannot be inspected). */
int gs_ndjson_ready(gs_ndjson *r);

/* Field accessors. On error they return GS_EINPUT with a message of the
 * form `field "amount": must be a positive integer`. */
/* Refuse members of o not named in the NULL-terminated list allowed. */
int gs_json_only(json_t *o, const char *const *allowed, gs_err *e);
/* Integer field in [min, max]; a missing field is an error unless
 * dflt_ok, in which case *out is left as is. */
int gs_json_int(json_t *o, const char *field, int64_t min, int64_t max,
		int dflt_ok, int64_t *out, gs_err *e);
/* String field of 1..maxlen bytes (valid UTF-8 is guaranteed by jansson);
 * missing is an error unless dflt_ok. *out borrows from o. */
int gs_json_str(json_t *o, const char *field, size_t maxlen, int dflt_ok,
		const char **out, gs_err *e);
/* Refuse any real number anywhere inside v (protocol JSON is integers). */
int gs_json_no_reals(json_t *v, gs_err *e);

/* Print v compactly (insertion order) followed by "\n" to f. */
int gs_json_print(FILE *f, json_t *v);

/* ---- store: the only module that talks to the database (store*.c) -------- */

typedef struct gs_store gs_store;
typedef struct gs_stmt gs_stmt;

enum {
	GS_OPEN_CREATE = 1,	/* create the file if missing (gs init) */
	GS_OPEN_READONLY = 2,
	GS_OPEN_TEMP = 4	/* private temporary database (path ignored) */
};

/* Open the state file at path, set WAL and busy timeout (GS_BUSY_TIMEOUT
 * ms, default 5000) and migrate the schema when writable. A missing file
 * without GS_OPEN_CREATE is GS_ENOFILE. */
int gs_store_open(const char *path, int flags, gs_store **out, gs_err *e);
void gs_store_close(gs_store *s);
/* 1 when path names a PostgreSQL database: a postgresql:// or
 * postgres:// URI or a libpq "keyword=value ..." string; else it is a
 * SQLite state file. */
int gs_store_is_pg(const char *path);
/* 1 when a state exists at path (the file; the schema in the database). */
int gs_store_present(const char *path);
/* Delete the state at path: the file, or the schema's tables. */
void gs_store_destroy(const char *path);
/* "sqlite" or "postgresql". */
const char *gs_store_backend(gs_store *s);
/* path for messages, a password in it replaced by "***"; returns buf. */
const char *gs_store_label(const char *path, char *buf, size_t n);
/* Begin a transaction: write ? BEGIN IMMEDIATE : BEGIN. Busy -> GS_EBUSY. */
int gs_store_begin(gs_store *s, int write, gs_err *e);
int gs_store_commit(gs_store *s, gs_err *e);
/* Roll back the open transaction, if any. */
void gs_store_rollback(gs_store *s);
/* A batch: one write transaction (BEGIN IMMEDIATE; busy -> GS_EBUSY) in
 * which each gs_store_begin .. commit / rollback is a savepoint, so that
 * many txs share one commit and each stays all or nothing. Nothing of it
 * is durable before gs_store_batch_end(s, 1, e) returns GS_OK; when that
 * commit fails, or a failure made SQLite roll the whole transaction back
 * (then every later begin fails), none of it was applied.
 * gs_store_batch_end(s, 0, NULL) discards the batch. */
int gs_store_batch_begin(gs_store *s, gs_err *e);
int gs_store_batch_end(gs_store *s, int commit, gs_err *e);
/* Run SQL text without parameters (schema, pragmas). */
int gs_store_exec(gs_store *s, const char *sql, gs_err *e);
/* Schema version of the open file. */
int gs_store_version(gs_store *s);

/* Prepared statement for sql, cached by the pointer sql (pass string
 * literals), reset and with bindings cleared. NULL on error (e set). */
gs_stmt *gs_sql(gs_store *s, const char *sql, gs_err *e);
/* Bind parameters in order by a format: 'i' int64_t, 't' const char *
 * (NULL binds NULL), 'n' NULL, 'b' blob (const void *, size_t). */
int gs_bind(gs_stmt *st, gs_err *e, const char *fmt, ...);
/* Step: 1 = a row is ready, 0 = done (statement reset), -1 = error (e set,
 * code GS_EBUSY or GS_EINTERNAL; statement reset). */
int gs_step(gs_stmt *st, gs_err *e);
/* Reset a statement whose rows were not all read. */
void gs_stmt_reset(gs_stmt *st);
int gs_col_count(gs_stmt *st);
/* Column type: 'i' integer, 't' text, 'b' blob, 'n' null, 'r' real. */
int gs_col_type(gs_stmt *st, int i);
int64_t gs_col_int(gs_stmt *st, int i);
const char *gs_col_text(gs_stmt *st, int i);
const void *gs_col_blob(gs_stmt *st, int i, size_t *len);
const char *gs_col_name(gs_stmt *st, int i);
/* Uncached statement for dynamic SQL; free with gs_stmt_free. */
gs_stmt *gs_sql_once(gs_store *s, const char *sql, gs_err *e);
void gs_stmt_free(gs_stmt *st);
/* Rows changed by the last statement. */
int64_t gs_store_changes(gs_store *s);

/* Run a cached statement with bindings to completion (no rows expected). */
int gs_exec(gs_store *s, gs_err *e, const char *sql, const char *fmt, ...);
/* Run a cached single-value query: 1 and *out when a row with a non-NULL
 * integer came back, 0 when no row, -1 on error. */
int gs_query_int(gs_store *s, gs_err *e, int64_t *out, const char *sql,
		 const char *fmt, ...);

/* Run a cached query and step to its first row: 1 with *st on the row
 * (call gs_stmt_reset when done), 0 when there is none, -1 on error. */
int gs_query_row(gs_store *s, gs_err *e, gs_stmt **st, const char *sql,
		 const char *fmt, ...);

/* ---- schema (schema.c) --------------------------------------------------- */

/* Migrations: migration i (1-based) brings the schema to version i. */
extern const char *const gs_migrations[];
extern const int gs_migration_count;
/* State tables covered by the digest, with their ORDER BY; NULL-ended. */
struct gs_state_table {
	const char *name;
	const char *order_by;
};
extern const struct gs_state_table gs_state_tables[];

/* ---- keys (keys.c) ------------------------------------------------------- */

#define GS_PK_BYTES 32
#define GS_SK_BYTES 64
#define GS_SIG_BYTES 64

typedef struct gs_key {
	char name[33];
	unsigned char pk[GS_PK_BYTES];
	unsigned char sk[GS_SK_BYTES];
} gs_key;

/* Valid account name: [a-z0-9][a-z0-9._-]{0,31}. */
int gs_name_valid(const char *name);
/* Directory of key files: $GS_KEYDIR, else $XDG_CONFIG_HOME/gridset/keys,
 * else $HOME/.config/gridset/keys. Writes into buf; NULL when unknown. */
const char *gs_keydir(char *buf, size_t n);
/* Generate a key named name and write it to dir/NAME.key, mode 0600,
 * never overwriting (GS_EREFUSED if it exists). Creates dir 0700. */
int gs_key_new(const char *dir, const char *name, gs_key *out, gs_err *e);
/* Load a key file. Missing: GS_ENOFILE; group/world accessible:
 * GS_EPERM; malformed: GS_EINPUT. */
int gs_key_load(const char *path, gs_key *out, gs_err *e);
/* Wipe the secret part of k. */
void gs_key_wipe(gs_key *k);
/* Base64 (URL-unsafe, padded: the libsodium ORIGINAL variant). */
char *gs_b64(const unsigned char *bin, size_t n, char *buf, size_t bufn);
int gs_unb64(const char *s, unsigned char *bin, size_t n);
/* Lowercase hex. buf needs 2n+1. */
char *gs_hex(const unsigned char *bin, size_t n, char *buf);

/* ---- params (params.c) --------------------------------------------------- */

enum gs_param_unit {
	GS_UNIT_AMOUNT,		/* credits on the command line */
	GS_UNIT_PRICE,		/* credits per kWh */
	GS_UNIT_SECONDS,
	GS_UNIT_BPS,
	GS_UNIT_COUNT
};

struct gs_param_def {
	const char *name;
	enum gs_param_unit unit;
	int64_t dflt;		/* in credits*10^6 for money: scaled at init */
	int64_t min, max;	/* range in the same scale as dflt */
	int fixed;		/* set at init, never changed */
};
extern const struct gs_param_def gs_params[];	/* NULL-name terminated */

const struct gs_param_def *gs_param_find(const char *name);
/* Read a parameter; GS_EINTERNAL if missing. */
int gs_param_get(gs_store *s, const char *name, int64_t *out, gs_err *e);

/* Change a parameter after range checks (fixed ones refused). */
int gs_param_set(gs_store *s, const char *name, int64_t value, gs_err *e);
int gs_param_check(gs_store *s, const char *name, int64_t value, gs_err *e);
/* A default/range value of p (micro-credits for money) in base units. */
int64_t gs_param_scale(const struct gs_param_def *p, int64_t v, int decimals);
/* Append a {"type":"param"} record per parameter to out. */
int gs_params_list(gs_store *s, json_t *out, gs_err *e);
/* Base units v as credits in the token's decimals, for messages. */
const char *gs_credits(gs_store *s, int64_t v, char *buf, size_t n);

/* ---- journal, transactions (journal.c) ----------------------------------- */

#define GS_TX_TAG "gridset-tx-v1"	/* signed with its NUL */
#define GS_CHAIN_TAG "gridset-chain-v1"	/* hashed with its NUL */
#define GS_ID_MAX 64

/* Context handed to a command's apply function. */
typedef struct gs_ctx {
	gs_store *store;
	const char *actor;
	const char *txid;
	int64_t time;		/* effective time of the tx */
	int64_t seq;		/* journal seq the tx will get */
	json_t *out;		/* array: records to report to the caller */
} gs_ctx;

typedef int (*gs_apply_fn)(gs_ctx *c, json_t *args, gs_err *e);

/* A command any module offers. role NULL = any registered account. */
struct gs_cmd {
	const char *name;	/* "token.transfer" */
	const char *role;
	gs_apply_fn apply;
};

/* Look up a command by name across all modules; NULL if unknown. */
const struct gs_cmd *gs_cmd_find(const char *name);

/* Canonical JSON of v (compact, sorted keys); malloc'd string. */
char *gs_canonical(json_t *v);
/* Build an unsigned tx envelope (new reference). */
json_t *gs_tx_new(const char *id, const char *cmd, const char *actor,
		  int64_t time, json_t *args);
/* Sign tx in place (adds "sig") with k; k->name must be the actor. */
int gs_tx_sign(json_t *tx, const gs_key *k, gs_err *e);
/* Check the envelope shape and the signature against pk. */
int gs_tx_verify_sig(json_t *tx, const unsigned char pk[GS_PK_BYTES],
		     gs_err *e);
/* A random 128-bit id as 32 hex digits. */
void gs_tx_random_id(char buf[33]);

enum { GS_APPLIED = 0, GS_DUPLICATE = 1, GS_UNCHANGED = 2 };
/* Returned by a command whose request is already fulfilled (unlocking a
 * released lock, clearing a cleared slot): e->msg says so, the tx is
 * rolled back and not journaled, and gs_tx_apply reports GS_UNCHANGED. */
#define GS_EALREADY 3

/* Apply one signed tx in its own write transaction: refuse a duplicate id
 * (returns GS_OK with *status = GS_DUPLICATE, nothing changed), verify the
 * signature and the actor's role, run the command, append the journal row,
 * commit. On any error everything is rolled back and the code returned.
 * A command that finds its work already done gives *status = GS_UNCHANGED
 * (GS_OK returned, the notice in e->msg, nothing changed).
 * On success *out (if not NULL) receives the command's records (new ref)
 * and *seq the journal seq. */
int gs_tx_apply(gs_store *s, json_t *tx, int *status, json_t **out,
		int64_t *seq, gs_err *e);

/* Journal head: seq (0 when empty), time and hash. */
typedef struct gs_head {
	int64_t seq;
	int64_t time;
	unsigned char hash[32];
} gs_head;
int gs_journal_head(gs_store *s, gs_head *h, gs_err *e);
/* Chain hash of one row: BLAKE2b-256(tag || prev || canonical || sig),
 * sig being the raw 64-byte signature. */
void gs_chain_hash(const unsigned char prev[32], const char *canonical,
		   const unsigned char sig[GS_SIG_BYTES], unsigned char out[32]);

/* Journal rows matching a filter, oldest first, as {"type":"tx"} records
 * handed to fn (which owns them); fn returning non-zero stops early. */
struct gs_log_filter {
	const char *actor, *cmd;	/* NULL: any */
	int64_t since, until;		/* effective time range, inclusive */
	int64_t after;			/* only seq > after */
};
typedef int (*gs_log_fn)(json_t *rec, void *arg);
int gs_journal_each(gs_store *s, const struct gs_log_filter *f,
		    gs_log_fn fn, void *arg, gs_err *e);
/* The signed tx of a journal row: its stored (unsigned, canonical) tx text
 * with "sig" added; NULL when the text is not a JSON object. */
json_t *gs_signed_tx(const char *tx, const char *sig);

/* ---- moving a state (export.c) -------------------------------------------- */

/* Pass every journal row of s as its signed tx to fn (seq order), then the
 * trailer {"type":"export","seq","head","digest"}; fn returns non-zero on
 * a write error (GS_EINTERNAL). */
int gs_export(gs_store *s, gs_log_fn fn, void *arg, gs_err *e);
/* Replay an export read from r into s, whose journal must be empty (else
 * GS_EREFUSED), all or nothing: each tx must apply (its error, prefixed
 * "line N: ", otherwise) and the trailer must come last and equal the
 * replayed head and digest (GS_EREFUSED); a missing trailer is GS_EINPUT.
 * *count gets the txs applied. */
int gs_import(gs_store *s, gs_ndjson *r, int64_t *count, gs_err *e);

/* ---- accounts, roles, genesis (account.c) -------------------------------- */

extern const char *const gs_roles[];		/* NULL-ended */
extern const char *const gs_system_accounts[];	/* NULL-ended */
int gs_role_valid(const char *role);
/* 1 if account has role, 0 if not, -1 on error. */
int gs_has_role(gs_store *s, const char *account, const char *role,
		gs_err *e);
/* 0 if the account exists, GS_EINPUT "unknown account 'x'" if not. */
int gs_account_exists(gs_store *s, const char *name, gs_err *e);
/* Public key of a signing account: 1 found, 0 unknown or system. */
int gs_account_pubkey(gs_store *s, const char *name,
		      unsigned char pk[GS_PK_BYTES], gs_err *e);

/* Append the account record of name (GS_EINPUT if unknown) / of all. */
int gs_account_record(gs_store *s, const char *name, json_t *out, gs_err *e);
int gs_account_list(gs_store *s, json_t *out, gs_err *e);
/* 1 once the admin has renounced, 0 before, -1 on error. */
int gs_renounced(gs_store *s, gs_err *e);

/* Genesis args: {"admin","pubkey","decimals","symbol","slot_seconds"}. */
json_t *gs_genesis_args(const gs_key *admin, int decimals,
			const char *symbol, int64_t slot_seconds);

/* Read-only config written at genesis. */
typedef struct gs_config {
	int decimals;
	char symbol[16];
	int64_t slot_seconds;
} gs_config;
int gs_config_load(gs_store *s, gs_config *c, gs_err *e);

/* ---- token (token.c) ----------------------------------------------------- */

/* Move amount from one account's available balance to another's.
 * GS_EREFUSED when the balance is short; GS_EINPUT for unknown accounts. */
int gs_token_move(gs_store *s, const char *from, const char *to,
		  int64_t amount, gs_err *e);
/* Lock amount of account's available balance: new lock id in *id.
 * manual = 1 for locks the holder may unlock itself. */
int gs_token_lock(gs_store *s, int64_t seq, const char *account,
		  int64_t amount, const char *purpose, const char *ref,
		  int manual, int64_t *id, gs_err *e);
/* The lock row of gs_token_lock alone: the caller has checked and moves
 * the balance (available to locked) itself, once for many locks, with
 * gs_token_adjust. */
int gs_token_lock_row(gs_store *s, int64_t seq, const char *account,
		      int64_t amount, const char *purpose, const char *ref,
		      int manual, int64_t *id, gs_err *e);
/* Release a lock back to available, or consume it (amount leaves the
 * account's locked balance and is credited to `to`). Exactly once. */
int gs_token_release(gs_store *s, int64_t seq, int64_t id, gs_err *e);
int gs_token_consume(gs_store *s, int64_t seq, int64_t id, const char *to,
		     gs_err *e);

/* Available balance of account; GS_EINPUT if unknown. */
int gs_token_available(gs_store *s, const char *account, int64_t *avail,
		       gs_err *e);
/* Grow (delta > 0, from available; GS_EREFUSED when short) or shrink
 * (delta < 0, back to available) active lock id; shrinking to zero
 * releases it. */
int gs_token_lock_change(gs_store *s, int64_t seq, int64_t id, int64_t delta,
			 gs_err *e);
/* Close active lock id paying spend (0 <= spend <= amount) out of it: the
 * lock is consumed (released when spend is 0), the rest returns to the
 * holder's available balance; spend leaves the holder's balance (the
 * caller credits it where it goes). */
int gs_token_spend_lock(gs_store *s, int64_t seq, int64_t id, int64_t spend,
			gs_err *e);
/* Add available and locked (either may be negative) to account's balance
 * in one step; GS_EINPUT if unknown; a negative result fails the CHECK
 * (GS_EINTERNAL): callers move only what they know is there. */
int gs_token_adjust(gs_store *s, const char *account, int64_t available,
		    int64_t locked, gs_err *e);

/* Query records: balances (account NULL: all), supply, one allowance,
 * locks (active ones of account, or all when NULL; id > 0: that lock). */
int gs_balance_records(gs_store *s, const char *account, json_t *out,
		       gs_err *e);
int gs_supply_record(gs_store *s, json_t *out, gs_err *e);
int gs_allowance_record(gs_store *s, const char *owner, const char *spender,
			json_t *out, gs_err *e);
int gs_lock_records(gs_store *s, const char *account, int64_t id,
		    json_t *out, gs_err *e);

/* ---- panels (panel.c) ---------------------------------------------------- */

/* Filter for panel listings: NULL / range bounds mean any. */
struct gs_panel_filter {
	const char *owner;
	const char *status;		/* "active" | "retired" */
	int64_t min_w, max_w;		/* capacity range, inclusive */
};
/* Append panel records: panel id (> 0; GS_EINPUT if unknown), or all
 * matching f (NULL: all) when id is 0. */
int gs_panel_records(gs_store *s, int64_t id, const struct gs_panel_filter *f,
		     json_t *out, gs_err *e);
/* Owner and capacity of an active panel; GS_EINPUT unknown, GS_EREFUSED
 * retired. */
int gs_panel_active(gs_store *s, int64_t id, char owner[33],
		    int64_t *capacity_w, gs_err *e);

/* Capacity of a panel that was active at time t (registered, not retired
 * before t); GS_EINPUT unknown, GS_EREFUSED retired before t. */
int gs_panel_capacity_at(gs_store *s, int64_t id, int64_t t,
			 int64_t *capacity_w, gs_err *e);

/* ---- staking (stake.c) --------------------------------------------------- */

typedef struct gs_stake {
	int64_t staked;		/* all stake in the vault: free+locked+unbonding */
	int64_t locked, unbonding, debt;
} gs_stake;

/* Current stake of account (zeros when it never staked). */
int gs_stake_get(gs_store *s, const char *account, gs_stake *st, gs_err *e);
/* Lock amount of account's free stake (GS_EREFUSED when short); until < 0
 * for no time limit; manual = 1 if the holder may unlock it. */
int gs_stake_lock(gs_ctx *c, const char *account, int64_t amount,
		  const char *purpose, const char *ref, int64_t until,
		  int manual, int64_t *id, gs_err *e);
/* The lock row of gs_stake_lock alone: the caller has checked the free
 * stake and counts the locked amount itself, once for many locks, with
 * gs_stake_adjust_locked. */
int gs_stake_lock_row(gs_ctx *c, const char *account, int64_t amount,
		      const char *purpose, const char *ref, int64_t until,
		      int manual, int64_t *id, gs_err *e);
/* Insert a protocol stake lock row without touching the account's totals
 * (the caller adjusts them with gs_stake_adjust_locked, e.g. once per
 * account for a whole clearing). */
int gs_stake_lock_insert(gs_ctx *c, const char *account, int64_t amount,
			 const char *purpose, const char *ref, int64_t *id,
			 gs_err *e);
/* Change account's locked stake by delta (checked against free stake). */
int gs_stake_adjust_locked(gs_ctx *c, const char *account, int64_t delta,
			   gs_err *e);
/* Release an active stake lock, exactly once. */
int gs_stake_release(gs_ctx *c, int64_t id, gs_err *e);
/* Take amount from account's stake: from the collateral lock (id, 0 for
 * none) first, then free stake, then unbonding stake, then the holder's own
 * (manual) stake locks; what is taken goes from the vault to treasury
 * (*taken), the rest becomes debt (saturating at INT64_MAX). */
int gs_stake_penalize(gs_ctx *c, const char *account, int64_t amount,
		      int64_t collateral, int64_t *taken, gs_err *e);
/* Take amount from account's stake for a settlement shortfall: from its
 * collateral lock `lock` (0: none; the lock is closed, consumed for what
 * it gave), then free stake, then unbonding stake; the rest becomes debt
 * (saturating). *taken stays in the vault for the caller to pay out. */
int gs_stake_take(gs_ctx *c, const char *account, int64_t lock, int64_t amount,
		  int64_t *taken, gs_err *e);
/* Grow (delta > 0, from free stake; GS_EINTERNAL when short: callers
 * check) or shrink active stake lock id; shrinking to zero releases it. */
int gs_stake_lock_change(gs_ctx *c, int64_t id, int64_t delta, gs_err *e);
/* Stake records of account (NULL: every staker) now (at < 0) or as they
 * were at time at (from the checkpoints). */
int gs_stake_records(gs_store *s, const char *account, int64_t at,
		     json_t *out, gs_err *e);
/* Stake of account ("*": the total) as it stood after the last change
 * at or before time at and journal seq seq (INT64_MAX: any). */
int gs_stake_at(gs_store *s, const char *account, int64_t at, int64_t seq,
		int64_t *staked, gs_err *e);
/* Total stake at time at. */
int gs_stake_total_at(gs_store *s, int64_t at, int64_t *total, gs_err *e);
/* Stake locks (active ones of account / all; id > 0: that lock). */
int gs_stake_lock_records(gs_store *s, const char *account, int64_t id,
			  json_t *out, gs_err *e);
/* Unbondings (pending ones of account / all; id > 0: that one). */
int gs_unbonding_records(gs_store *s, const char *account, int64_t id,
			 json_t *out, gs_err *e);

/* ---- oracle (oracle.c) ---------------------------------------------------- */

/* Production records ({"type":"production"}) of panel-slots with reports:
 * of one slot (slot >= 0) and/or one panel (panel > 0); final_only leaves
 * out slots not yet finalized. */
int gs_production_records(gs_store *s, int64_t slot, int64_t panel,
			  int final_only, json_t *out, gs_err *e);
/* Finalized production of an existing panel (GS_EINPUT if unknown). */
int gs_panel_history(gs_store *s, int64_t panel, json_t *out, gs_err *e);
/* Raw reports (slot < 0, panel 0, oracle NULL: any). */
int gs_report_records(gs_store *s, int64_t slot, int64_t panel,
		      const char *oracle, json_t *out, gs_err *e);
/* Every slot with reports: open, reporting or finalized as of now. */
int gs_oracle_slot_records(gs_store *s, int64_t now, json_t *out, gs_err *e);
/* Accounts with role oracle: stake, reports, flags, accuracy. */
int gs_oracle_records(gs_store *s, json_t *out, gs_err *e);

/* ---- batch auction clearing (clearing.c) --------------------------------- */

enum { GS_BUY = 1, GS_SELL = 2 };

/* One order of a book: side, limit price (base units per kWh), quantity
 * (Wh, > 0), entry sequence (ties: lower first); fill is the result. */
struct gs_order {
	int64_t price, qty, seq, fill;
	int side;
};

/* Result of a clearing: volume (Wh), and when volume > 0 the price
 * interval [lo, hi] and the price P = lo + floor((hi - lo) / 2). */
struct gs_clearing {
	int64_t volume, price, lo, hi;
	int has_price;
};

/* Largest-remainder split: out[i] = share of total pro rata to w[i] >= 0
 * (sum of w >= total >= 0), whole units adding up to total, equal
 * remainders to the lower key[i]. The pro-rata rule of DESIGN §6 and §9;
 * returns -1 when out of memory. */
int gs_split(int64_t total, const int64_t *w, const int64_t *key, size_t n,
	     int64_t *out);
/* Clear the book o[0..n) by DESIGN §9: sets out and every order's fill
 * (sum of buy fills = sum of sell fills = volume; all at the price).
 * GS_EINPUT for a non-positive quantity or a volume beyond int64. */
int gs_clear(struct gs_order *o, size_t n, struct gs_clearing *out, gs_err *e);

/* Once slot's oracle data is final: mark every panel that sold energy in
 * it (cleared fills) but got no report as unverified (a production row
 * with wh null, reports 0), counting them in *npanels (may be NULL).
 * Called by oracle finalize and by a clearing that comes later. */
int gs_oracle_unreported(gs_ctx *c, int64_t slot, int64_t *npanels, gs_err *e);

/* ---- auction (auction.c) -------------------------------------------------- */

/* Tokens an order locks as escrow (DESIGN §9): a buy with limit >= 0
 * ceil(q*limit/1000), a sell with limit < 0 ceil(q*|limit|/1000), else 0;
 * -1 when the value does not fit in int64. */
int64_t gs_escrow_tokens(int side, int64_t qty, int64_t price);
/* Stake collateral of a sell: ceil(q * max(price, 0) * penalty_bps / 10^7). */
int64_t gs_collateral(int64_t qty, int64_t price, int64_t penalty_bps);
/* Order records: one order (id > 0), or a slot's (slot >= 0) / an
 * account's, in entry order. */
int gs_order_records(gs_store *s, int64_t slot, int64_t id, const char *account,
		     json_t *out, gs_err *e);
/* The clearing record of a slot; GS_EREFUSED if it is not cleared. */
int gs_clearing_record(gs_store *s, int64_t slot, json_t *out, gs_err *e);
/* One fill record per cleared order of slot, in entry order: appended
 * to out, or handed one by one to fn as values (for books too big to
 * hold as records); gs_fill_record makes the record of such values. */
typedef void (*gs_fill_fn)(int64_t order, int64_t qty_wh, int has_price,
			   int64_t price, void *arg);
int gs_fill_records(gs_store *s, int64_t slot, json_t *out, gs_err *e);
int gs_fill_each(gs_store *s, int64_t slot, gs_fill_fn fn, void *arg, gs_err *e);
json_t *gs_fill_record(int64_t order, int64_t qty_wh, int has_price,
		       int64_t price);

/* Supply and demand step curves of a slot ({"type":"curve","side":
 * "demand"|"supply","price","cum_wh"}), then its clearing record (or a
 * provisional one for the open book). */
int gs_curve_records(gs_store *s, int64_t slot, json_t *out, gs_err *e);
/* Draw curve records as an SVG document on f (curve.c). */
void gs_curve_svg(FILE *f, json_t *recs, int decimals);

/* ---- settlement (settle.c) ---------------------------------------------- */

/* The settlement record of slot; GS_EREFUSED if it is not computed. */
int gs_settlement_record(gs_store *s, int64_t slot, json_t *out, gs_err *e);
/* Settlement records of every slot >= since, in slot order. */
int gs_settlement_slot_records(gs_store *s, int64_t since, json_t *out,
			       gs_err *e);
/* Position records of slot (account NULL: all, by name); GS_EREFUSED
 * when the slot is not computed (or reopened by a dispute). */
int gs_position_records(gs_store *s, int64_t slot, const char *account,
			json_t *out, gs_err *e);
/* Per-account sums of the final positions of slots from..to. */
int gs_position_summary(gs_store *s, const char *account, int64_t from,
			int64_t to, json_t *out, gs_err *e);
/* Dispute records: one (id > 0), or a slot's (slot >= 0), or all. */
int gs_dispute_records(gs_store *s, int64_t id, int64_t slot, json_t *out,
		       gs_err *e);

/* Reopen slot's provisional settlement (not a final one) for a new
 * compute: its open disputes are upheld (bonds returned), its positions
 * dropped. Used by upheld disputes and oracle amendments. */
int gs_settle_reopen(gs_ctx *c, int64_t slot, gs_err *e);

/* ---- governance (dao.c) ------------------------------------------------- */

/* Proposal records (id 0: all; state NULL: any, else only those in that
 * state) with their state at time now, the stake at the snapshot and the
 * quorum it needs. */
int gs_proposal_records(gs_store *s, int64_t id, const char *state, int64_t now,
			json_t *out, gs_err *e);
/* Vote records of a proposal (voter NULL: all, by name). */
int gs_vote_records(gs_store *s, int64_t proposal, const char *voter,
		    json_t *out, gs_err *e);

/* ---- status (status.c) -------------------------------------------------- */

/* One {"type":"slot"} record for each of the limit most recent slots with
 * orders, oracle data or a clearing, oldest first: its state (open, gate
 * closed, no orders, cleared, data final, computed, disputed, reopened,
 * settled),
 * and what comes next ("next") and when ("next_at", never before now). */
int gs_slot_status_records(gs_store *s, int64_t now, int limit, json_t *out,
			   gs_err *e);

/* ---- verification and replay (verify.c) ---------------------------------- */

/* Check the chain, every signature and the invariants; problems are
 * reported through report(msg, arg). Returns GS_OK or GS_EREFUSED. */
typedef void (*gs_report_fn)(const char *msg, void *arg);
int gs_verify_chain(gs_store *s, gs_report_fn report, void *arg,
		    gs_err *e);
int gs_verify_invariants(gs_store *s, gs_report_fn report, void *arg,
			 gs_err *e);
/* Replay the journal of s into a fresh temporary store and compare every
 * state table; differences are reported. GS_OK or GS_EREFUSED. */
int gs_verify_replay(gs_store *s, gs_report_fn report, void *arg,
		     gs_err *e);
/* BLAKE2b-256 digest of one state table's rows in order. */
int gs_table_digest(gs_store *s, const struct gs_state_table *t,
		    unsigned char out[32], gs_err *e);

/* Digest over all state tables (order of gs_state_tables). */
int gs_state_digest(gs_store *s, unsigned char out[32], gs_err *e);

#endif
