/* cli.h - shared command-line machinery of the gs-* programs. */
#ifndef GS_CLI_H
#define GS_CLI_H
#include <getopt.h>
#include "gridset.h"

typedef struct gs_out gs_out;

struct gs_cli;
typedef int (*gs_cli_fn)(struct gs_cli *c, int argc, char **argv);

/* One subcommand: name, function, usage line (after the program name)
 * and a one-line description. */
struct gs_cli_cmd {
	const char *name;
	gs_cli_fn fn;
	const char *usage;
	const char *help;
};

/* State of one invocation, owned by main. */
struct gs_cli {
	const char *prog;		/* "gs-token", "gs key" */
	const struct gs_cli_cmd *cmd;	/* the running subcommand */
	const char *db, *as, *keyfile, *id;
	int sign_only;
	int quiet_noop;			/* print nothing for a no-op tx */
	int last_status;		/* status of the last tx applied */
	json_t *kept;			/* with keep set: the last tx's records,
					 * not printed, for the caller */
	int keep;
	int format;			/* 0 auto, 'j' NDJSON, 't' table */
	int64_t now;
	int optinit;
	int optrc;			/* exit code of an option error */
	gs_store *store;
	gs_config cfg;
	gs_out *out;
	long *lines;			/* input line of each stdin item */
	size_t nlines;
	struct option opts[32];
	char progbuf[64];
};

/* Run the subcommand named by argv after the program's own options;
 * handles --help, --version, usage errors. Returns the exit code. */
int gs_cli_main(const char *prog, const struct gs_cli_cmd *cmds, int argc,
		char **argv);
/* Dispatch argv[0] among cmds as a nested command group (gs key ...). */
int gs_cli_group(struct gs_cli *c, const struct gs_cli_cmd *cmds, int argc,
		 char **argv);
/* getopt_long over the subcommand's options plus the common ones (--db,
 * --as, --key, --id, --now, --json, --table, --sign-only, --help): returns
 * the next subcommand option, -1 at the end, '?' after printing usage. */
int gs_cli_opt(struct gs_cli *c, int argc, char **argv,
	       const struct option *extra);
/* Parse only the common options; leaves positional args at optind. */
int gs_cli_noopts(struct gs_cli *c, int argc, char **argv);
/* A command without options or arguments of its own: parse the common
 * options, refuse any argument (usage with message why) and open the
 * state. GS_OK, or the exit code (already reported). */
int gs_cli_bare(struct gs_cli *c, int argc, char **argv, const char *why);
/* Print usage to stderr and return GS_EUSAGE; with fmt, a message first. */
int gs_cli_usage(struct gs_cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "prog: MESSAGE" for a malformed option value; return GS_EINPUT. */
int gs_cli_bad(struct gs_cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "prog: msg" for e (mapping batch items to input lines) and return
 * e->code. */
int gs_cli_error(struct gs_cli *c, gs_err *e);
/* Print a notice "prog: ..." to stderr. */
void gs_cli_notice(struct gs_cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Open the state file (--db, $GS_DB, ./gridset.db) and load its config. */
int gs_cli_open(struct gs_cli *c, gs_err *e);
/* Load the signer's key (--key, --as, $GS_KEY). */
int gs_cli_signer(struct gs_cli *c, gs_key *k, gs_err *e);
/* Sign cmd(args) as the signer; print it (--sign-only) or apply it and
 * print the receipt and the command's records. Steals args. */
int gs_cli_tx(struct gs_cli *c, const char *cmd, json_t *args);
/* Should items be read from stdin? (positional "-" or stdin not a tty and
 * no item on the command line) */
int gs_cli_want_stdin(struct gs_cli *c, int have_item, int argc, char **argv);
/* Item converter: check one input object, return the item (new ref). */
typedef json_t *(*gs_item_fn)(struct gs_cli *c, json_t *in, gs_err *e);
/* Read NDJSON items from stdin through conv into {"items":[...]},
 * recording line numbers; errors name the line. */
int gs_cli_read_items(struct gs_cli *c, gs_item_fn conv, json_t **args,
		      gs_err *e);
/* Read the items of cmd as NDJSON from stdin (integers in base units)
 * and sign and apply them as one tx. */
int gs_cli_batch(struct gs_cli *c, const char *cmd);
/* After option parsing: is this a batch call (no positional arguments
 * and stdin not a terminal, or the single argument "-")? */
int gs_cli_is_batch(int argc, char **argv);
/* A receipt record for a tx id: status GS_APPLIED, GS_DUPLICATE,
 * GS_UNCHANGED (shown as "duplicate" with a "notice"), or -1 for
 * "rejected" with e->msg as the error. */
json_t *gs_receipt(json_t *id, int status, int64_t seq, const gs_err *e);
/* Open the state file, printing the error if it fails; exit code. */
int gs_cli_state(struct gs_cli *c);
/* Print the records of a query (rc GS_OK) or its error e; steals recs. */
int gs_cli_query(struct gs_cli *c, int rc, json_t *recs, gs_err *e);
/* Parse a positive AMOUNT in credits (state must be open); prints the
 * error. */
int gs_cli_amount(struct gs_cli *c, const char *s, int64_t *v);
/* Parse a positive integer id (PANEL, ORDER, LOCK); prints the error and
 * returns GS_EINPUT when it is not one. */
int gs_cli_id(struct gs_cli *c, const char *what, const char *s, int64_t *id);
/* Parse SLOT ("#n" or its ISO-8601 start; state open); prints errors. */
int gs_cli_slot(struct gs_cli *c, const char *s, int64_t *slot);
/* Parse a query subcommand's one SLOT argument (no options of its own)
 * and open the state; returns the exit code. */
int gs_cli_slot_query(struct gs_cli *c, int argc, char **argv, int64_t *slot);
/* A "CMD SLOT|--due" subcommand: parse and sign/apply cmd {slot} or
 * {due: 1}; returns the exit code. */
int gs_cli_slot_tx(struct gs_cli *c, const char *cmd, int argc, char **argv);
/* Batch item converter: a "slot" given as text becomes its number. */
json_t *gs_cli_slot_item(struct gs_cli *c, json_t *in, gs_err *e);
/* Is output an aligned table (a terminal, or --table)? */
int gs_cli_table(struct gs_cli *c);
/* Output one record (steals rec). */
void gs_cli_print(struct gs_cli *c, json_t *rec);
/* Print every record of array recs (steals recs). */
void gs_cli_print_all(struct gs_cli *c, json_t *recs);
/* Finish: flush output, close the store; returns rc. */
int gs_cli_done(struct gs_cli *c, int rc);

/* Output: NDJSON or, for a terminal, aligned tables in display units. */
gs_out *gs_out_new(FILE *f, int table, int decimals);
void gs_out_rec(gs_out *o, json_t *rec);
void gs_out_flush(gs_out *o);
void gs_out_free(gs_out *o);
/* Display text of field name's integer value v (amounts as credits,
 * *_wh as kWh, price as credits/kWh, times as ISO-8601). */
char *gs_out_field(const char *name, int64_t v, int decimals, char *buf,
		   size_t n);
#endif
