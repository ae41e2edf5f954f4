/* cli.c - option parsing, signing, applying and printing for the programs. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gridset.h"
#include "cli.h"

#define MAX_ITEM_LINE (1 << 16)

enum { OPT_DB = 1000, OPT_AS, OPT_KEY, OPT_ID, OPT_NOW, OPT_JSON, OPT_TABLE,
       OPT_SIGN_ONLY, OPT_HELP, OPT_VERSION };

static const struct option common_opts[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "as", required_argument, NULL, OPT_AS },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "id", required_argument, NULL, OPT_ID },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "table", no_argument, NULL, OPT_TABLE },
	{ "sign-only", no_argument, NULL, OPT_SIGN_ONLY },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Print "prog: msg" to stderr with control bytes shown as '?': a value
 * quoted in a message (an account name from input, ...) cannot forge a
 * second diagnostic line or drive the terminal. */
static void diag(struct gs_cli *c, const char *msg)
{
	fprintf(stderr, "%s: ", c->prog);
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
	fputc('\n', stderr);
}

void gs_cli_notice(struct gs_cli *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	diag(c, buf);
}

/* Print the usage of the running subcommand (or the program) to f. */
static void usage_to(struct gs_cli *c, FILE *f, const struct gs_cli_cmd *cmds)
{
	if (c->cmd) {
		fprintf(f, "usage: %s %s\n", c->prog, c->cmd->usage);
		if (c->cmd->help)
			fprintf(f, "\n%s\n", c->cmd->help);
		fprintf(f, "\ncommon options: --db FILE --as NAME --key FILE --id ID "
			"--now TIME --json --table --sign-only --help\n");
		return;
	}
	fprintf(f, "usage: %s COMMAND [options] [args]\n\ncommands:\n", c->prog);
	for (const struct gs_cli_cmd *k = cmds; k && k->name; k++)
		fprintf(f, "  %s %s\n", c->prog, k->usage);
	fprintf(f, "\nRun '%s COMMAND --help' for one command; see %.*s(1).\n",
		c->prog, (int)strcspn(c->prog, " "), c->prog);
}

int gs_cli_usage(struct gs_cli *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
		diag(c, buf);
	}
	usage_to(c, stderr, NULL);
	return GS_EUSAGE;
}

int gs_cli_bad(struct gs_cli *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	diag(c, buf);
	return GS_EINPUT;
}

int gs_cli_error(struct gs_cli *c, gs_err *e)
{
	char buf[sizeof e->msg + 64];

	if (e->item > 0 && c->lines && (size_t)e->item <= c->nlines)
		snprintf(buf, sizeof buf, "line %ld: %s", c->lines[e->item - 1], e->msg);
	else if (e->item > 0)
		snprintf(buf, sizeof buf, "item %ld: %s", e->item, e->msg);
	else
		snprintf(buf, sizeof buf, "%s", e->msg);
	diag(c, buf);
	return e->code;
}

/* Handle one common option; 0 if ok, else an exit code. */
static int common_opt(struct gs_cli *c, int ch, const char *arg)
{
	gs_err e;

	switch (ch) {
	case OPT_DB: c->db = arg; break;
	case OPT_AS: c->as = arg; break;
	case OPT_KEY: c->keyfile = arg; break;
	case OPT_ID: c->id = arg; break;
	case OPT_JSON: c->format = 'j'; break;
	case OPT_TABLE: c->format = 't'; break;
	case OPT_SIGN_ONLY: c->sign_only = 1; break;
	case OPT_NOW:
		if (gs_time_parse(arg, &c->now, &e))
			return gs_cli_bad(c, "--now: %s", e.msg);
		break;
	default:
		return GS_EUSAGE;
	}
	return GS_OK;
}

int gs_cli_opt(struct gs_cli *c, int argc, char **argv,
	       const struct option *extra)
{
	int n = 0, ch;

	for (const struct option *o = extra; o && o->name; o++)
		c->opts[n++] = *o;
	for (const struct option *o = common_opts; o->name; o++)
		c->opts[n++] = *o;
	c->opts[n] = (struct option){ NULL, 0, NULL, 0 };
	if (!c->optinit) {
		optind = 0;	/* full re-initialisation of GNU getopt */
		c->optinit = 1;
	}
	opterr = 0;	/* diagnostics below carry the program's name */
	for (;;) {
		ch = getopt_long(argc, argv, ":h", c->opts, NULL);
		if (ch == 'h' || ch == OPT_HELP) {
			usage_to(c, stdout, NULL);
			exit(0);
		}
		if (ch == '?' || ch == ':') {
			const char *arg = argv[optind - 1];
			if (ch == ':')
				gs_cli_usage(c, "option '%s' needs a value", arg);
			else if (strncmp(arg, "--", 2) == 0)
				gs_cli_usage(c, optopt ? "option '%.*s' takes no value"
					     : "unknown option '%.*s'",
					     (int)strcspn(arg, "="), arg);
			else if (optopt >= '0' && optopt <= '9')
				gs_cli_usage(c, "put -- before a negative value");
			else
				gs_cli_usage(c, "unknown option '-%c'", optopt);
			return '?';
		}
		if (ch < OPT_DB)
			return ch;
		if ((c->optrc = common_opt(c, ch, optarg)))
			return '?';
	}
}

int gs_cli_noopts(struct gs_cli *c, int argc, char **argv)
{
	int ch = gs_cli_opt(c, argc, argv, NULL);

	return ch == -1 ? GS_OK : GS_EUSAGE;
}

int gs_cli_bare(struct gs_cli *c, int argc, char **argv, const char *why)
{
	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc)
		return gs_cli_usage(c, "%s", why);
	return gs_cli_state(c);
}

/* Clock: --now, else $GS_NOW, else the system clock. */
static int clock_init(struct gs_cli *c)
{
	const char *v = getenv("GS_NOW");
	gs_err e;

	c->now = (int64_t)time(NULL);
	if (v && *v && gs_time_parse(v, &c->now, &e)) {
		gs_cli_notice(c, "GS_NOW: %s", e.msg);
		return GS_EUSAGE;
	}
	return GS_OK;
}

/* Find cmds entry named name. */
static const struct gs_cli_cmd *find_cmd(const struct gs_cli_cmd *cmds,
					 const char *name)
{
	for (const struct gs_cli_cmd *k = cmds; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

int gs_cli_group(struct gs_cli *c, const struct gs_cli_cmd *cmds, int argc,
		 char **argv)
{
	char prog[64];
	const struct gs_cli_cmd *k;

	snprintf(prog, sizeof prog, "%s %s", c->prog, c->cmd->name);
	if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		c->prog = prog;
		c->cmd = NULL;
		usage_to(c, argc < 1 ? stderr : stdout, cmds);
		return argc < 1 ? GS_EUSAGE : GS_OK;
	}
	k = find_cmd(cmds, argv[0]);
	if (!k) {
		fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[0]);
		c->prog = prog;
		c->cmd = NULL;
		usage_to(c, stderr, cmds);
		return GS_EUSAGE;
	}
	snprintf(c->progbuf, sizeof c->progbuf, "%s", prog);
	c->prog = c->progbuf;
	c->cmd = k;
	return k->fn(c, argc, argv);
}

int gs_cli_main(const char *prog, const struct gs_cli_cmd *cmds, int argc,
		char **argv)
{
	static const struct option top[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct gs_cli c;
	const struct gs_cli_cmd *k;
	int ch, rc;

	memset(&c, 0, sizeof c);
	c.prog = prog;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+hV", top, NULL)) != -1) {
		if (ch == 'h') {
			usage_to(&c, stdout, cmds);
			return GS_OK;
		}
		if (ch == 'V') {
			printf("%s (gridset) %s\n", prog, PACKAGE_VERSION);
			return GS_OK;
		}
		fprintf(stderr, "%s: unknown option '%s'\n", prog, argv[optind - 1]);
		usage_to(&c, stderr, cmds);
		return GS_EUSAGE;
	}
	if (optind >= argc) {
		usage_to(&c, stderr, cmds);
		return GS_EUSAGE;
	}
	k = find_cmd(cmds, argv[optind]);
	if (!k) {
		fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[optind]);
		usage_to(&c, stderr, cmds);
		return GS_EUSAGE;
	}
	c.cmd = k;
	if ((rc = clock_init(&c)))
		return rc;
	rc = k->fn(&c, argc - optind, argv + optind);
	if (rc == GS_EUSAGE && c.optrc)
		rc = c.optrc;	/* a malformed common option value: 65 */
	return gs_cli_done(&c, rc);
}

int gs_cli_open(struct gs_cli *c, gs_err *e)
{
	const char *path = c->db;

	if (c->store)
		return GS_OK;
	if (!path)
		path = getenv("GS_DB");
	if (!path || !*path)
		path = "./gridset.db";
	if (gs_store_open(path, 0, &c->store, e))
		return e->code;
	return gs_config_load(c->store, &c->cfg, e);
}

int gs_cli_signer(struct gs_cli *c, gs_key *k, gs_err *e)
{
	char dir[4096], path[4200];
	const char *file = c->keyfile;

	if (!file && c->as) {
		if (!gs_name_valid(c->as))
			return gs_fail(e, GS_EUSAGE, "--as: invalid account name '%s'",
				       c->as);
		if (!gs_keydir(dir, sizeof dir))
			return gs_fail(e, GS_ENOFILE, "no key directory (set GS_KEYDIR)");
		snprintf(path, sizeof path, "%s/%s.key", dir, c->as);
		file = path;
	}
	if (!file)
		file = getenv("GS_KEY");
	if (!file || !*file)
		return gs_fail(e, GS_EUSAGE, "no signer: use --as NAME or --key FILE");
	if (gs_key_load(file, k, e))
		return e->code;
	if (c->as && strcmp(c->as, k->name) != 0) {
		gs_key_wipe(k);
		return gs_fail(e, GS_EUSAGE, "key '%s' belongs to '%s', not '%s'",
			       file, k->name, c->as);
	}
	return GS_OK;
}

/* The output sink, created on first use. */
static gs_out *out_of(struct gs_cli *c)
{
	if (!c->out) {
		c->out = gs_out_new(stdout, gs_cli_table(c), c->cfg.decimals);
	}
	return c->out;
}

int gs_cli_table(struct gs_cli *c)
{
	return c->format ? c->format == 't' : isatty(STDOUT_FILENO);
}

void gs_cli_print(struct gs_cli *c, json_t *rec)
{
	gs_out_rec(out_of(c), rec);
}

void gs_cli_print_all(struct gs_cli *c, json_t *recs)
{
	size_t i;
	json_t *r;

	json_array_foreach(recs, i, r)
		gs_cli_print(c, json_incref(r));
	json_decref(recs);
}

/* A JSON string of msg; a message cut inside a UTF-8 sequence (or holding
 * other invalid bytes) has its non-ASCII bytes shown as '?'. */
static json_t *text_of(const char *msg)
{
	char buf[sizeof ((gs_err *)0)->msg];
	json_t *v = json_string(msg);

	if (v)
		return v;
	snprintf(buf, sizeof buf, "%s", msg);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	return json_string(buf);
}

json_t *gs_receipt(json_t *id, int status, int64_t seq, const gs_err *e)
{
	static const char *const names[] = { "applied", "duplicate", "duplicate" };
	json_t *r = json_pack("{s:s,s:O,s:s,s:n}", "type", "receipt", "id",
			      id ? id : json_null(), "status",
			      status < 0 ? "rejected" : names[status], "error");

	if (status < 0)
		json_object_set_new(r, "error", text_of(e->msg));
	if (status == GS_UNCHANGED)
		json_object_set_new(r, "notice", text_of(e->msg));
	if (seq > 0)
		json_object_set_new(r, "seq", json_integer(seq));
	return r;
}

int gs_cli_tx(struct gs_cli *c, const char *cmd, json_t *args)
{
	char idbuf[33];
	json_t *tx, *recs = NULL;
	int64_t seq = 0;
	int status = 0;
	gs_key k;
	gs_err e = { 0 };

	if (gs_cli_signer(c, &k, &e)) {
		json_decref(args);
		return gs_cli_error(c, &e);
	}
	if (!c->id)
		gs_tx_random_id(idbuf);
	tx = gs_tx_new(c->id ? c->id : idbuf, cmd, k.name, c->now, args);
	if (gs_tx_sign(tx, &k, &e))
		goto fail;
	gs_key_wipe(&k);
	if (c->sign_only) {
		gs_json_print(stdout, tx);
		json_decref(tx);
		return GS_OK;
	}
	if ((!c->store && gs_cli_open(c, &e)) ||
	    gs_tx_apply(c->store, tx, &status, &recs, &seq, &e))
		goto fail;
	c->last_status = status;
	if (status == GS_UNCHANGED && c->quiet_noop) {
		json_decref(tx);
		return GS_OK;
	}
	if (status == GS_DUPLICATE)
		gs_cli_notice(c, "duplicate tx '%s': already applied as #%lld",
			      json_string_value(json_object_get(tx, "id")),
			      (long long)seq);
	else if (status == GS_UNCHANGED)
		gs_cli_notice(c, "%s: nothing to do", e.msg);
	gs_cli_print(c, gs_receipt(json_object_get(tx, "id"), status, seq, &e));
	if (recs && c->keep)
		c->kept = recs;		/* the caller prints them */
	else if (recs)
		gs_cli_print_all(c, recs);
	json_decref(tx);
	return GS_OK;
fail:
	gs_key_wipe(&k);
	json_decref(tx);
	return gs_cli_error(c, &e);
}

int gs_cli_want_stdin(struct gs_cli *c, int have_item, int argc, char **argv)
{
	for (int i = optind; i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			return 1;
	return !have_item && !isatty(STDIN_FILENO);
}

int gs_cli_read_items(struct gs_cli *c, gs_item_fn conv, json_t **args,
		      gs_err *e)
{
	gs_ndjson *r = gs_ndjson_open(stdin, MAX_ITEM_LINE);
	json_t *items = json_array(), *obj, *item;
	long line;
	int rc, bad = 0, progress = isatty(STDERR_FILENO);

	*args = NULL;
	if (!r)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	while ((rc = gs_ndjson_next(r, &obj, &line, e)) == 1) {
		item = conv ? conv(c, obj, e) : json_incref(obj);
		json_decref(obj);
		if (!item) {
			gs_err_prefix(e, "line %ld: ", line);
			bad = 1;
			break;
		}
		if (c->nlines % 1024 == 0)
			c->lines = realloc(c->lines, (c->nlines + 1024) * sizeof *c->lines);
		c->lines[c->nlines++] = line;
		json_array_append_new(items, item);
		if (progress && c->nlines % 100000 == 0)
			fprintf(stderr, "\r%s: %zu items read", c->prog, c->nlines);
	}
	if (progress && c->nlines >= 100000)
		fputc('\n', stderr);
	gs_ndjson_close(r);
	if (!bad && rc != 0)
		bad = 1;
	if (!bad && json_array_size(items) == 0)
		bad = gs_fail(e, GS_EINPUT, "no items on standard input");
	if (bad) {
		json_decref(items);
		return e->code;
	}
	*args = json_pack("{s:o}", "items", items);
	return GS_OK;
}

int gs_cli_batch(struct gs_cli *c, const char *cmd)
{
	json_t *args;
	gs_err e = { 0 };

	if (isatty(STDIN_FILENO))
		return gs_cli_usage(c, "missing arguments (or NDJSON items on "
				    "standard input)");
	if (gs_cli_open(c, &e) || gs_cli_read_items(c, NULL, &args, &e))
		return gs_cli_error(c, &e);
	return gs_cli_tx(c, cmd, args);
}

int gs_cli_is_batch(int argc, char **argv)
{
	return (optind == argc && !isatty(STDIN_FILENO)) ||
	       (optind == argc - 1 && strcmp(argv[optind], "-") == 0);
}

int gs_cli_state(struct gs_cli *c)
{
	gs_err e;

	return gs_cli_open(c, &e) ? gs_cli_error(c, &e) : GS_OK;
}

int gs_cli_query(struct gs_cli *c, int rc, json_t *recs, gs_err *e)
{
	if (rc) {
		json_decref(recs);
		return gs_cli_error(c, e);
	}
	gs_cli_print_all(c, recs);
	return GS_OK;
}

int gs_cli_amount(struct gs_cli *c, const char *s, int64_t *v)
{
	gs_err e;

	int rc = gs_amount_parse(s, c->cfg.decimals, v, &e);

	if (rc == GS_OK && *v > 0)
		return GS_OK;
	if (rc == GS_OK)
		gs_fail(&e, GS_EINPUT, "amount must be positive");
	gs_err_prefix(&e, "AMOUNT: ");
	return gs_cli_error(c, &e);
}

int gs_cli_id(struct gs_cli *c, const char *what, const char *s, int64_t *id)
{
	if (gs_decimal_parse(s, 0, 0, id, NULL) == GS_OK && *id > 0)
		return GS_OK;
	return gs_cli_bad(c, "%s '%s' is not an id", what, s);
}

int gs_cli_slot(struct gs_cli *c, const char *s, int64_t *slot)
{
	gs_err e;

	if (gs_slot_parse(s, c->cfg.slot_seconds, slot, &e) == GS_OK)
		return GS_OK;
	return gs_cli_bad(c, "SLOT: %s", e.msg);
}

json_t *gs_cli_slot_item(struct gs_cli *c, json_t *in, gs_err *e)
{
	json_t *slot = json_object_get(in, "slot");
	int64_t n;

	if (!json_is_string(slot))
		return json_incref(in);
	if (gs_slot_parse(json_string_value(slot), c->cfg.slot_seconds, &n, e)) {
		gs_err_prefix(e, "field \"slot\": ");
		return NULL;
	}
	in = json_deep_copy(in);
	json_object_set_new(in, "slot", json_integer(n));
	return in;
}

int gs_cli_done(struct gs_cli *c, int rc)
{
	gs_out_free(c->out);
	c->out = NULL;
	gs_store_close(c->store);
	c->store = NULL;
	free(c->lines);
	c->lines = NULL;
	if (fflush(stdout) != 0 && rc == 0)
		rc = GS_EINTERNAL;
	return rc;
}

int gs_cli_slot_tx(struct gs_cli *c, const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "due", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t slot;
	int ch, rc, due = 0;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 'd')
			return GS_EUSAGE;
		due = 1;
	}
	if (argc - optind != !due)
		return gs_cli_usage(c, "need SLOT or --due");
	if ((rc = gs_cli_state(c)))
		return rc;
	if (due)
		return gs_cli_tx(c, cmd, json_pack("{s:i}", "due", 1));
	if ((rc = gs_cli_slot(c, argv[optind], &slot)))
		return rc;
	return gs_cli_tx(c, cmd, json_pack("{s:I}", "slot", (json_int_t)slot));
}

int gs_cli_slot_query(struct gs_cli *c, int argc, char **argv, int64_t *slot)
{
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one SLOT");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_slot(c, argv[optind], slot)))
		return rc;
	return GS_OK;
}
