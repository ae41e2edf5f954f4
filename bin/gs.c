/* gs.c - the umbrella program: genesis, keys, accounts, admin, journal. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gridset.h"
#include "cli.h"

#define MAX_TX_LINE ((size_t)256 << 20)

/* Print e as an error and return its code. */
#define FAIL(c, e) gs_cli_error((c), (e))

/* ---- init ---- */

/* Close and delete a state that init or import created but could not
 * fill (the file; the tables in a PostgreSQL database). */
static void remove_state(struct gs_cli *c, const char *path)
{
	gs_store_close(c->store);
	c->store = NULL;
	gs_store_destroy(path);
}

/* The state file a command that creates one writes: --db, $GS_DB, else
 * ./gridset.db. */
static const char *new_state_path(struct gs_cli *c)
{
	const char *path = c->db ? c->db : getenv("GS_DB");

	return path && *path ? path : "./gridset.db";
}

/* 1 (with a notice) when path already holds a state with a genesis; else
 * 0, c->store possibly left open on it. */
static int holds_state(struct gs_cli *c, const char *path)
{
	char buf[512];
	gs_err e;

	if (gs_store_present(path) &&
	    gs_store_open(path, 0, &c->store, &e) == GS_OK &&
	    gs_config_load(c->store, &c->cfg, &e) == GS_OK) {
		gs_cli_notice(c, "'%s' already holds a state (genesis exists)",
			      gs_store_label(path, buf, sizeof buf));
		return 1;
	}
	return 0;
}

static int cmd_init(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "admin", required_argument, NULL, 'a' },
		{ "decimals", required_argument, NULL, 'd' },
		{ "symbol", required_argument, NULL, 's' },
		{ "slot-seconds", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *symbol = "GST", *path;
	int64_t decimals = 6, slot = 900;
	gs_err e;
	int ch;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		int64_t *num = ch == 'd' ? &decimals : &slot;
		switch (ch) {
		case 'a': c->as = optarg; break;
		case 's': symbol = optarg; break;
		case 'd':
		case 'S':
			if (gs_decimal_parse(optarg, 0, 0, num, &e))
				return gs_cli_bad(c, "--%s: %s", ch == 'd' ?
						    "decimals" : "slot-seconds", e.msg);
			break;
		default:
			return GS_EUSAGE;
		}
	}
	if (optind != argc || (!c->as && !c->keyfile))
		return gs_cli_usage(c, "need --admin NAME");
	path = new_state_path(c);
	if (holds_state(c, path))
		return GS_EREFUSED;
	if (c->sign_only)
		return gs_cli_usage(c, "init applies its genesis; --sign-only is not "
				    "supported");
	gs_key k;
	if (gs_cli_signer(c, &k, &e))
		return FAIL(c, &e);
	json_t *args = gs_genesis_args(&k, (int)decimals, symbol, slot);
	gs_key_wipe(&k);
	int created = !c->store;
	if (created && gs_store_open(path, GS_OPEN_CREATE, &c->store, &e)) {
		json_decref(args);
		return FAIL(c, &e);
	}
	c->cfg.decimals = (int)decimals;
	int rc = gs_cli_tx(c, "genesis", args);
	if (rc && created)
		remove_state(c, path);	/* leave no state without a genesis */
	return rc;
}

/* ---- key ---- */

static int key_dir(struct gs_cli *c, char *dir, size_t n)
{
	if (gs_keydir(dir, n))
		return GS_OK;
	gs_cli_notice(c, "no key directory: set GS_KEYDIR or HOME");
	return GS_ENOFILE;
}

/* The public record of a key. */
static json_t *key_record(const gs_key *k, const char *path)
{
	char pk64[64];

	gs_b64(k->pk, GS_PK_BYTES, pk64, sizeof pk64);
	return json_pack("{s:s,s:s,s:s,s:s}", "type", "key", "name", k->name,
			 "pubkey", pk64, "file", path);
}

static int cmd_key_new(struct gs_cli *c, int argc, char **argv)
{
	char dir[4096], path[4200];
	gs_key k;
	gs_err e;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one NAME");
	if ((rc = key_dir(c, dir, sizeof dir)))
		return rc;
	if (gs_key_new(dir, argv[optind], &k, &e))
		return FAIL(c, &e);
	snprintf(path, sizeof path, "%s/%s.key", dir, k.name);
	gs_key_wipe(&k);
	gs_cli_print(c, key_record(&k, path));
	return GS_OK;
}

static int cmd_key_show(struct gs_cli *c, int argc, char **argv)
{
	char dir[4096], path[4200];
	gs_key k;
	gs_err e;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one NAME");
	if (!gs_name_valid(argv[optind]))
		return gs_cli_usage(c, "invalid account name '%s'", argv[optind]);
	if ((rc = key_dir(c, dir, sizeof dir)))
		return rc;
	snprintf(path, sizeof path, "%s/%s.key", dir, argv[optind]);
	if (gs_key_load(path, &k, &e))
		return FAIL(c, &e);
	gs_key_wipe(&k);
	gs_cli_print(c, key_record(&k, path));
	return GS_OK;
}

/* qsort comparison of strings. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_key_list(struct gs_cli *c, int argc, char **argv)
{
	char dir[4096], path[4400], *names[4096];
	size_t n = 0;
	struct dirent *d;
	DIR *dp;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc)
		return gs_cli_usage(c, "no arguments expected");
	if ((rc = key_dir(c, dir, sizeof dir)))
		return rc;
	if (!(dp = opendir(dir)))
		return errno == ENOENT ? GS_OK : GS_ENOFILE;
	while ((d = readdir(dp)) && n < 4096) {
		size_t l = strlen(d->d_name);
		if (l > 4 && strcmp(d->d_name + l - 4, ".key") == 0)
			names[n++] = strdup(d->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		gs_key k;
		gs_err e;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (gs_key_load(path, &k, &e) == GS_OK) {
			gs_key_wipe(&k);
			gs_cli_print(c, key_record(&k, path));
		} else {
			gs_cli_notice(c, "%s", e.msg);
		}
		free(names[i]);
	}
	return GS_OK;
}

static const struct gs_cli_cmd key_cmds[] = {
	{ "new", cmd_key_new, "new NAME", "Create a key file NAME.key (mode 0600)." },
	{ "list", cmd_key_list, "list", "Keys in the key directory." },
	{ "show", cmd_key_show, "show NAME", "Public part of a key." },
	{ NULL, NULL, NULL, NULL },
};

static int cmd_key(struct gs_cli *c, int argc, char **argv)
{
	return gs_cli_group(c, key_cmds, argc - 1, argv + 1);
}

/* ---- account ---- */

static int cmd_account_register(struct gs_cli *c, int argc, char **argv)
{
	char pk64[64];
	gs_key k;
	gs_err e;
	int rc;

	if ((rc = gs_cli_bare(c, argc, argv, "no arguments expected (the account is --as)")))
		return rc;
	if (gs_cli_signer(c, &k, &e))
		return FAIL(c, &e);
	gs_b64(k.pk, GS_PK_BYTES, pk64, sizeof pk64);
	gs_key_wipe(&k);
	return gs_cli_tx(c, "account.register", json_pack("{s:s}", "pubkey", pk64));
}

static int cmd_account_list(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs;
	gs_err e;
	int rc;

	if ((rc = gs_cli_bare(c, argc, argv, "no arguments expected")))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_account_list(c->store, recs, &e), recs, &e);
}

static int cmd_account_show(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs;
	gs_err e;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one NAME");
	if ((rc = gs_cli_state(c)))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_account_record(c->store, argv[optind], recs, &e),
			   recs, &e);
}

static const struct gs_cli_cmd account_cmds[] = {
	{ "register", cmd_account_register, "register --as NAME",
	  "Register the account NAME with the public key of its key file." },
	{ "list", cmd_account_list, "list", "All accounts with their roles." },
	{ "show", cmd_account_show, "show NAME", "One account." },
	{ NULL, NULL, NULL, NULL },
};

static int cmd_account(struct gs_cli *c, int argc, char **argv)
{
	return gs_cli_group(c, account_cmds, argc - 1, argv + 1);
}

/* ---- admin ---- */

/* grant/revoke ROLE ACCOUNT. */
static int role_cmd(struct gs_cli *c, int argc, char **argv, const char *cmd)
{
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 2)
		return gs_cli_usage(c, "need ROLE and ACCOUNT");
	if ((rc = gs_cli_state(c)))
		return rc;
	return gs_cli_tx(c, cmd, json_pack("{s:s,s:s}", "role", argv[optind],
					   "account", argv[optind + 1]));
}

static int cmd_admin_grant(struct gs_cli *c, int argc, char **argv)
{
	return role_cmd(c, argc, argv, "admin.grant");
}

static int cmd_admin_revoke(struct gs_cli *c, int argc, char **argv)
{
	return role_cmd(c, argc, argv, "admin.revoke");
}

static int cmd_admin_renounce(struct gs_cli *c, int argc, char **argv)
{
	int rc;

	if ((rc = gs_cli_bare(c, argc, argv, "no arguments expected")))
		return rc;
	return gs_cli_tx(c, "admin.renounce", json_object());
}

static const struct gs_cli_cmd admin_cmds[] = {
	{ "grant", cmd_admin_grant, "grant ROLE ACCOUNT --as ADMIN",
	  "Give ACCOUNT a role: minter, registrar, oracle, operator, guardian." },
	{ "revoke", cmd_admin_revoke, "revoke ROLE ACCOUNT --as ADMIN",
	  "Take a role away." },
	{ "renounce", cmd_admin_renounce, "renounce --as ADMIN",
	  "Hand roles and parameters over to governance, for good." },
	{ NULL, NULL, NULL, NULL },
};

static int cmd_admin(struct gs_cli *c, int argc, char **argv)
{
	return gs_cli_group(c, admin_cmds, argc - 1, argv + 1);
}

/* ---- params ---- */

static int cmd_params_show(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs, *r, *keep;
	size_t i;
	gs_err e;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (argc - optind > 1)
		return gs_cli_usage(c, "at most one NAME");
	if ((rc = gs_cli_state(c)))
		return rc;
	recs = json_array();
	if (gs_params_list(c->store, recs, &e))
		return gs_cli_query(c, e.code, recs, &e);
	if (optind == argc)
		return gs_cli_query(c, GS_OK, recs, &e);
	keep = json_array();
	json_array_foreach(recs, i, r)
		if (strcmp(json_string_value(json_object_get(r, "name")), argv[optind]) == 0)
			json_array_append(keep, r);
	json_decref(recs);
	if (json_array_size(keep) == 0) {
		gs_fail(&e, GS_EINPUT, "unknown parameter '%s'", argv[optind]);
		return gs_cli_query(c, e.code, keep, &e);
	}
	return gs_cli_query(c, GS_OK, keep, &e);
}

/* Parse VALUE of parameter p from display units. */
static int param_value(struct gs_cli *c, const struct gs_param_def *p,
		       const char *s, int64_t *v, gs_err *e)
{
	switch (p->unit) {
	case GS_UNIT_AMOUNT:
		return gs_amount_parse(s, c->cfg.decimals, v, e);
	case GS_UNIT_PRICE:
		return gs_price_parse(s, c->cfg.decimals, v, e);
	default:
		return gs_decimal_parse(s, 0, 0, v, e);
	}
}

static int cmd_params_set(struct gs_cli *c, int argc, char **argv)
{
	const struct gs_param_def *p;
	int64_t v;
	gs_err e;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 2)
		return gs_cli_usage(c, "need NAME and VALUE (use -- before a negative VALUE)");
	if ((rc = gs_cli_state(c)))
		return rc;
	if (!(p = gs_param_find(argv[optind]))) {
		gs_fail(&e, GS_EINPUT, "unknown parameter '%s'", argv[optind]);
		return FAIL(c, &e);
	}
	if (param_value(c, p, argv[optind + 1], &v, &e)) {
		gs_err_prefix(&e, "%s: ", p->name);
		return FAIL(c, &e);
	}
	return gs_cli_tx(c, "params.set", json_pack("{s:s,s:I}", "name", p->name,
						    "value", (json_int_t)v));
}

static const struct gs_cli_cmd params_cmds[] = {
	{ "show", cmd_params_show, "show [NAME]", "Current parameters." },
	{ "set", cmd_params_set, "set NAME VALUE --as ADMIN",
	  "Change a parameter (amounts in credits, prices in credits/kWh)." },
	{ NULL, NULL, NULL, NULL },
};

static int cmd_params(struct gs_cli *c, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
			return gs_cli_group(c, params_cmds, argc - 1, argv + 1);
		c->cmd = &params_cmds[0];
		return cmd_params_show(c, argc, argv);
	}
	return gs_cli_group(c, params_cmds, argc - 1, argv + 1);
}

/* ---- submit ---- */

/* Txs applied in one batch (one commit) at most, and for at most this
 * long: a batch ends sooner when the next line is not there yet, so that
 * a slow producer neither holds the write lock nor waits for receipts. */
#define BATCH_TXS 1000
#define BATCH_USEC 200000

/* Microseconds of the monotonic clock. */
static int64_t monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The receipts of the open batch, printed once it is committed. */
struct batch {
	json_t *receipts;	/* in input order */
	int open, first;	/* first: the first failing exit code */
	int64_t started;	/* monotonic_usec() at begin */
};

/* Apply one signed tx line in the open batch; keep its receipt; return
 * its exit code. */
static int submit_one(struct gs_cli *c, struct batch *b, json_t *tx,
		      int64_t max_skew)
{
	json_t *id = json_object_get(tx, "id");
	json_int_t t = json_integer_value(json_object_get(tx, "time"));
	int64_t seq = 0;
	int status;
	gs_err e;

	if (!json_is_string(id))
		id = NULL;
	if (max_skew >= 0 && max_skew <= INT64_MAX - c->now && t > c->now + max_skew) {
		gs_fail(&e, GS_EREFUSED, "tx time is %lld s ahead of this clock",
			(long long)(t - c->now));
	} else if (gs_tx_apply(c->store, tx, &status, NULL, &seq, &e) == GS_OK) {
		json_array_append_new(b->receipts, gs_receipt(id, status, seq, &e));
		return GS_OK;
	}
	if (e.item > 0)
		gs_err_prefix(&e, "item %ld: ", e.item);
	json_array_append_new(b->receipts, gs_receipt(id, -1, 0, &e));
	return e.code;
}

/* Commit the open batch (if any) and print its receipts; when the commit
 * fails none of its txs was applied: their receipts say so. Returns the
 * commit's exit code. */
static int batch_flush(struct gs_cli *c, struct batch *b)
{
	json_t *r;
	size_t i;
	gs_err e = { 0 };
	int rc = b->open ? gs_store_batch_end(c->store, 1, &e) : GS_OK;

	b->open = 0;
	if (rc)
		gs_err_prefix(&e, "not applied: the batch's commit failed: ");
	json_array_foreach(b->receipts, i, r) {
		if (rc && strcmp(json_string_value(json_object_get(r, "status")),
				 "rejected") != 0) {
			r = gs_receipt(json_object_get(r, "id"), -1, 0, &e);
			json_array_set_new(b->receipts, i, r);
		}
		gs_cli_print(c, json_incref(r));
	}
	json_array_clear(b->receipts);
	fflush(stdout);		/* a pipeline reads each batch's receipts now */
	if (rc && !b->first)
		b->first = rc;
	return rc;
}

/* Are the batch's receipts due, the batch committed, before the next
 * line is read? */
static int batch_due(struct batch *b, gs_ndjson *r)
{
	size_t n = json_array_size(b->receipts);

	return n > 0 && (!b->open || n >= BATCH_TXS || !gs_ndjson_ready(r) ||
			 monotonic_usec() - b->started >= BATCH_USEC);
}

static int cmd_submit(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max-skew", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t max_skew = 300;
	struct batch b = { 0 };
	int ch, rc;
	gs_ndjson *r;
	json_t *tx;
	long line;
	gs_err e;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 'm' || gs_decimal_parse(optarg, 0, 0, &max_skew, &e))
			return gs_cli_bad(c, "--max-skew takes whole seconds");
	}
	if (optind != argc)
		return gs_cli_usage(c, "signed txs are read from standard input");
	if ((rc = gs_cli_state(c)))
		return rc;
	r = gs_ndjson_open(stdin, MAX_TX_LINE);
	b.receipts = json_array();
	for (;;) {
		if (batch_due(&b, r) && batch_flush(c, &b))
			break;
		if ((rc = gs_ndjson_next(r, &tx, &line, &e)) == 0)
			break;
		if (rc != 1) {
			json_array_append_new(b.receipts, gs_receipt(NULL, -1, 0, &e));
			rc = e.code;
		} else if (!b.open && (rc = gs_store_batch_begin(c->store, &e))) {
			json_array_append_new(b.receipts, gs_receipt(json_object_get(tx,
					      "id"), -1, 0, &e));
			json_decref(tx);
		} else {
			if (!b.open)
				b.started = monotonic_usec();
			b.open = 1;
			rc = submit_one(c, &b, tx, max_skew);
			json_decref(tx);
		}
		if (rc && !b.first)
			b.first = rc;
		if (rc == GS_EBUSY || rc == GS_EINTERNAL)
			break;
	}
	batch_flush(c, &b);
	json_decref(b.receipts);
	gs_ndjson_close(r);
	return b.first;
}

/* ---- log ---- */

/* Print one journal record. */
static int log_print(json_t *rec, void *arg)
{
	gs_cli_print(arg, rec);
	return 0;
}

static int cmd_log(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "actor", required_argument, NULL, 'a' },
		{ "cmd", required_argument, NULL, 'c' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	struct gs_log_filter f = { NULL, NULL, 0, INT64_MAX, 0 };
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'a': f.actor = optarg; break;
		case 'c': f.cmd = optarg; break;
		case 's':
		case 'u':
			if (gs_time_parse(optarg, ch == 's' ? &f.since : &f.until, &e))
				return gs_cli_bad(c, "--%s: %s", ch == 's' ? "since"
						    : "until", e.msg);
			break;
		default:
			return GS_EUSAGE;
		}
	}
	if (optind != argc)
		return gs_cli_usage(c, "no arguments expected");
	if ((rc = gs_cli_state(c)))
		return rc;
	if (gs_journal_each(c->store, &f, log_print, c, &e))
		return FAIL(c, &e);
	return GS_OK;
}

/* ---- verify ---- */

/* Report a verification problem on stderr. */
static void verify_report(const char *msg, void *arg)
{
	struct gs_cli *c = arg;

	fprintf(stderr, "%s: %s\n", c->prog, msg);
}

static int cmd_verify(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "replay", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned char digest[32];
	char headhex[65], dhex[65];
	int ch, rc, replay = 0, bad = 0;
	gs_head head;
	gs_err e;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 'r')
			return GS_EUSAGE;
		replay = 1;
	}
	if (optind != argc)
		return gs_cli_usage(c, "no arguments expected");
	if ((rc = gs_cli_state(c)))
		return rc;
	if (gs_store_begin(c->store, 0, &e))
		return FAIL(c, &e);
	rc = gs_verify_chain(c->store, verify_report, c, &e);
	bad |= rc == GS_EREFUSED;
	if (rc == GS_OK || rc == GS_EREFUSED) {
		rc = gs_verify_invariants(c->store, verify_report, c, &e);
		bad |= rc == GS_EREFUSED;
	}
	if (replay && (rc == GS_OK || rc == GS_EREFUSED)) {
		rc = gs_verify_replay(c->store, verify_report, c, &e);
		bad |= rc == GS_EREFUSED;
	}
	if (rc && rc != GS_EREFUSED) {
		gs_store_rollback(c->store);
		return FAIL(c, &e);
	}
	if (gs_journal_head(c->store, &head, &e) ||
	    gs_state_digest(c->store, digest, &e)) {
		gs_store_rollback(c->store);
		return FAIL(c, &e);
	}
	gs_store_rollback(c->store);
	gs_cli_print(c, json_pack("{s:s,s:b,s:b,s:I,s:s,s:s}", "type", "verify",
				  "ok", !bad, "replayed", replay, "seq",
				  (json_int_t)head.seq, "head", gs_hex(head.hash, 32, headhex),
				  "digest", gs_hex(digest, 32, dhex)));
	if (bad)
		gs_cli_notice(c, "verification failed");
	return bad ? GS_EREFUSED : GS_OK;
}

/* ---- export / import ---- */

/* Print one record of an export as NDJSON (whatever the output format:
 * an export is for gs import); non-zero on a write error. */
static int export_print(json_t *rec, void *arg)
{
	int rc = gs_json_print(arg, rec);

	json_decref(rec);
	return rc;
}

static int cmd_export(struct gs_cli *c, int argc, char **argv)
{
	gs_err e;
	int rc;

	if ((rc = gs_cli_bare(c, argc, argv, "no arguments expected")))
		return rc;
	if (gs_store_begin(c->store, 0, &e))
		return FAIL(c, &e);
	rc = gs_export(c->store, export_print, stdout, &e);
	gs_store_rollback(c->store);
	return rc ? FAIL(c, &e) : GS_OK;
}

static int cmd_import(struct gs_cli *c, int argc, char **argv)
{
	const char *path;
	char buf[512];
	int64_t n = 0;
	gs_ndjson *r;
	gs_err e;
	int rc, created;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc)
		return gs_cli_usage(c, "the export is read from standard input");
	path = new_state_path(c);
	created = !gs_store_present(path);
	if (holds_state(c, path))
		return GS_EREFUSED;
	if (!c->store && gs_store_open(path, GS_OPEN_CREATE, &c->store, &e))
		return FAIL(c, &e);
	if (!(r = gs_ndjson_open(stdin, MAX_TX_LINE)))
		rc = gs_fail(&e, GS_EINTERNAL, "out of memory");
	else
		rc = gs_import(c->store, r, &n, &e);
	gs_ndjson_close(r);
	if (rc) {
		if (created)
			remove_state(c, path);	/* leave no empty state behind */
		return FAIL(c, &e);
	}
	gs_cli_print(c, json_pack("{s:s,s:I,s:s}", "type", "import", "txs", (json_int_t)n,
				  "db", gs_store_label(path, buf, sizeof buf)));
	return GS_OK;
}

/* ---- status ---- */

static int cmd_status(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slots", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t limit = 8;
	char hex[65];
	json_t *recs;
	gs_head head;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 'n')
			return GS_EUSAGE;
		if (gs_decimal_parse(optarg, 0, 0, &limit, &e) || limit < 1 ||
		    limit > 1000)
			return gs_cli_bad(c, "--slots: need a count from 1 to 1000");
	}
	if (optind != argc)
		return gs_cli_usage(c, "no arguments expected");
	if ((rc = gs_cli_state(c)))
		return rc;
	recs = json_array();
	if (gs_journal_head(c->store, &head, &e) || gs_supply_record(c->store, recs, &e) ||
	    (rc = gs_renounced(c->store, &e)) < 0) {
		json_decref(recs);
		return FAIL(c, &e);
	}
	gs_cli_print(c, json_pack("{s:s,s:I,s:s,s:I,s:s,s:i,s:I,s:I,s:b}",
		"type", "status", "seq", (json_int_t)head.seq, "head",
		gs_hex(head.hash, 32, hex), "time", (json_int_t)head.time, "symbol",
		c->cfg.symbol, "decimals", c->cfg.decimals, "slot_seconds",
		(json_int_t)c->cfg.slot_seconds, "supply",
		json_integer_value(json_object_get(json_array_get(recs, 0), "supply")),
		"renounced", rc == 1));
	json_array_clear(recs);
	rc = gs_slot_status_records(c->store, c->now, (int)limit, recs, &e);
	return gs_cli_query(c, rc, recs, &e);
}

/* ---- tick ---- */

/* The due steps, in the order DESIGN §8 gives; each is its own tx. */
static const char *const tick_steps[] = { "oracle.finalize", "auction.clear",
					   "settle.compute", "settle.finalize",
					   "dao.queue", "dao.execute", NULL };

static int cmd_tick(struct gs_cli *c, int argc, char **argv)
{
	int rc, done = 0;

	if ((rc = gs_cli_bare(c, argc, argv, "no arguments expected")))
		return rc;
	c->quiet_noop = 1;
	for (int i = 0; tick_steps[i]; i++) {
		const char *id = c->id;
		char buf[GS_ID_MAX + 32];
		if (id) {	/* one idempotency key per step */
			snprintf(buf, sizeof buf, "%s.%d", id, i);
			c->id = buf;
		}
		rc = gs_cli_tx(c, tick_steps[i], json_pack("{s:i}", "due", 1));
		c->id = id;
		if (rc)
			return rc;
		done += c->last_status != GS_UNCHANGED;
	}
	if (!done)
		gs_cli_notice(c, "nothing is due");
	return GS_OK;
}

static const struct gs_cli_cmd cmds[] = {
	{ "init", cmd_init, "init --admin NAME [--decimals 6] [--symbol GST] "
	  "[--slot-seconds 900]", "Create a new state file (genesis)." },
	{ "key", cmd_key, "key new NAME | list | show NAME", "Manage key files." },
	{ "account", cmd_account, "account register --as NAME | list | show NAME",
	  "Register and show accounts." },
	{ "admin", cmd_admin, "admin grant|revoke ROLE ACCOUNT --as ADMIN | "
	  "renounce --as ADMIN", "Roles, and the hand-over to governance." },
	{ "params", cmd_params, "params [show [NAME]] | set NAME VALUE --as ADMIN",
	  "Protocol parameters." },
	{ "submit", cmd_submit, "submit [--max-skew S] < signed.ndjson",
	  "Apply signed txs, one per line; one receipt each." },
	{ "log", cmd_log, "log [--actor A] [--cmd C] [--since T] [--until T]",
	  "The journal as NDJSON." },
	{ "verify", cmd_verify, "verify [--replay]",
	  "Check the hash chain, signatures, invariants (and replay)." },
	{ "export", cmd_export, "export > export.ndjson",
	  "The journal as signed txs, then a trailer with its head and state digest." },
	{ "import", cmd_import, "import < export.ndjson",
	  "Build a new state file from an export, checked by head and digest." },
	{ "status", cmd_status, "status [--slots N]",
	  "One screen: journal head, supply, and the state of the N (8) most recent\n"
	  "slots with what each needs next and when." },
	{ "tick", cmd_tick, "tick --as OPERATOR",
	  "Do everything that is due, in order: oracle finalize, auction clear,\n"
	  "settlement compute and finalize, proposals queue and execute (each\n"
	  "--due, each its own tx);\n"
	  "safe to run from cron every minute, concurrently, repeatedly." },
	{ NULL, NULL, NULL, NULL },
};

/* Is name a gs subcommand? */
static int is_builtin(const char *name)
{
	for (const struct gs_cli_cmd *k = cmds; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return 1;
	return 0;
}

/* `gs TOOL ARGS` runs `gs-TOOL ARGS`, git style: beside gs first, then
 * on PATH. Returns only on failure. */
static int run_tool(const char *self, int argc, char **argv)
{
	char prog[64], path[4200];
	const char *slash = strrchr(self, '/');

	(void)argc;
	if (strspn(argv[0], "abcdefghijklmnopqrstuvwxyz") != strlen(argv[0]) ||
	    strlen(argv[0]) > 32) {
		fprintf(stderr, "gs: unknown command '%s'\n", argv[0]);
		return GS_EUSAGE;
	}
	snprintf(prog, sizeof prog, "gs-%s", argv[0]);
	argv[0] = prog;
	if (slash) {
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - self), self, prog);
		if (access(path, X_OK) == 0)
			execv(path, argv);
	}
	execvp(prog, argv);
	fprintf(stderr, "gs: unknown command '%s' (no program '%s')\n",
		argv[0] + 3, prog);
	return GS_EUSAGE;
}

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] != '-' && !is_builtin(argv[1]))
		return run_tool(argv[0], argc - 1, argv + 1);
	return gs_cli_main("gs", cmds, argc, argv);
}
