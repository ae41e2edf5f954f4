/* test_cli.c - unit tests for cli.c: option parsing, error messages with
 * input lines, batch detection, receipts, signer, signing and applying. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testhelp.h"
#include "cli.h"

enum { OPT_TO = 't', OPT_LIMIT = 'l', OPT_FLAG = 'f' };

static const struct option extra[] = {
	{ "to", required_argument, NULL, OPT_TO },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "flag", no_argument, NULL, OPT_FLAG },
	{ NULL, 0, NULL, 0 },
};

static const struct gs_cli_cmd transfer_cmd = {
	"transfer", NULL, "transfer --to ACCOUNT AMOUNT", "Move credits."
};

static void cli_init(struct gs_cli *c)
{
	memset(c, 0, sizeof *c);
	c->prog = "gs-test";
	c->cmd = &transfer_cmd;
}

/* Make stdin a pipe (not a terminal) or a pseudo-terminal. */
static void stdin_pipe(void)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	close(p[1]);
	ck_assert_int_eq(dup2(p[0], 0), 0);
	close(p[0]);
	ck_assert_int_eq(isatty(0), 0);
}

static void stdin_tty(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), sfd;

	ck_assert_int_ge(m, 0);
	ck_assert_int_eq(grantpt(m), 0);
	ck_assert_int_eq(unlockpt(m), 0);
	sfd = open(ptsname(m), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(sfd, 0);
	ck_assert_int_eq(dup2(sfd, 0), 0);
	close(sfd);
	ck_assert_int_eq(isatty(0), 1);
}

/* Make stdin read text (through a temp file). */
static void stdin_text(const char *text)
{
	char path[] = "/tmp/gs-unit-stdin-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	unlink(path);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(dup2(fd, 0), 0);
	close(fd);
	clearerr(stdin);
}

/* Common options anywhere, subcommand options returned, positionals last. */
START_TEST(opt_common_and_sub)
{
	char *argv[] = { "transfer", "--db", "x.db", "--as", "alice", "--to", "bob", "12.5",
			 "--json", "--now", "2026-11-25T10:00Z", "--key", "k.key", "--id",
			 "pay-1", "--sign-only", "--flag", NULL };
	int argc = 17, ch, to = 0, flag = 0;
	struct gs_cli c;

	cli_init(&c);
	while ((ch = gs_cli_opt(&c, argc, argv, extra)) != -1) {
		if (ch == OPT_TO) {
			ck_assert_str_eq(optarg, "bob");
			to++;
		} else if (ch == OPT_FLAG) {
			flag++;
		} else {
			ck_abort_msg("unexpected option %d", ch);
		}
	}
	ck_assert_int_eq(to, 1);
	ck_assert_int_eq(flag, 1);
	ck_assert_str_eq(c.db, "x.db");
	ck_assert_str_eq(c.as, "alice");
	ck_assert_str_eq(c.keyfile, "k.key");
	ck_assert_str_eq(c.id, "pay-1");
	ck_assert_int_eq(c.sign_only, 1);
	ck_assert_int_eq(c.format, 'j');
	ck_assert_int_eq(c.now, 1795600800);
	/* the positional argument is left at optind */
	ck_assert_int_eq(optind, argc - 1);
	ck_assert_str_eq(argv[optind], "12.5");
}
END_TEST

/* A second parse with a fresh gs_cli starts over; --table and = forms. */
START_TEST(opt_reparse)
{
	char *a1[] = { "x", "--table", "--limit=5", "p1", "p2", NULL };
	char *a2[] = { "y", "--json", "q", NULL };
	struct gs_cli c;
	int ch, n = 0;

	cli_init(&c);
	while ((ch = gs_cli_opt(&c, 5, a1, extra)) != -1) {
		ck_assert_int_eq(ch, OPT_LIMIT);
		ck_assert_str_eq(optarg, "5");
		n++;
	}
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(c.format, 't');
	ck_assert_int_eq(optind, 3);
	ck_assert_str_eq(a1[3], "p1");
	cli_init(&c);
	ck_assert_int_eq(gs_cli_noopts(&c, 3, a2), GS_OK);
	ck_assert_int_eq(c.format, 'j');
	ck_assert_int_eq(optind, 2);
	ck_assert_str_eq(a2[optind], "q");
}
END_TEST

/* Parse argv with no extra options; return the result and stderr. */
static int opt_err(char **argv, int argc, char **err)
{
	struct gs_cli c;
	int saved = th_capture_begin(2), ch;

	cli_init(&c);
	ch = gs_cli_opt(&c, argc, argv, extra);
	*err = th_capture_end(2, saved);
	return ch;
}

/* Bad options: '?' with a message naming the option, then the usage. */
START_TEST(opt_errors)
{
	char *a1[] = { "transfer", "--bogus", NULL };
	char *a2[] = { "transfer", "--db", NULL };
	char *a3[] = { "transfer", "--now", "yesterday", NULL };
	char *a4[] = { "transfer", "-5", NULL };
	char *a5[] = { "transfer", "-x", NULL };
	char *a6[] = { "transfer", "--json=1", NULL };
	char *err;

	ck_assert_int_eq(opt_err(a1, 2, &err), '?');
	ck_assert_msg(strncmp(err, "gs-test: unknown option '--bogus'\n"
			      "usage: gs-test transfer --to ACCOUNT AMOUNT\n", 78) == 0, "%s", err);
	free(err);
	ck_assert_int_eq(opt_err(a2, 2, &err), '?');
	ck_assert_msg(strncmp(err, "gs-test: option '--db' needs a value\n", 37) == 0, "%s",
		      err);
	free(err);
	ck_assert_int_eq(opt_err(a3, 3, &err), '?');
	ck_assert_msg(strncmp(err, "gs-test: --now: ", 16) == 0, "%s", err);
	ck_assert_ptr_null(strstr(err, "usage:"));	/* a bad value, not usage */
	free(err);
	ck_assert_int_eq(opt_err(a4, 2, &err), '?');
	ck_assert_msg(strncmp(err, "gs-test: put -- before a negative value\n", 40) == 0, "%s",
		      err);
	free(err);
	ck_assert_int_eq(opt_err(a5, 2, &err), '?');
	ck_assert_msg(strncmp(err, "gs-test: unknown option '-x'\n", 29) == 0, "%s", err);
	free(err);
	/* a value given to a flag: the message names the flag, in plain text
	 * (the first line, before the usage) */
	ck_assert_int_eq(opt_err(a6, 2, &err), '?');
	{
		size_t n = strcspn(err, "\n");
		char line[256];

		snprintf(line, sizeof line, "%.*s", (int)n, err);
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(line[i] >= 0x20 && line[i] < 0x7f,
				      "byte 0x%02x in '%s'", (unsigned char)line[i], line);
		ck_assert_msg(strncmp(line, "gs-test: ", 9) == 0 && strstr(line, "--json"),
			      "first line does not name --json: '%s'", line);
	}
	free(err);
	{
		char *a7[] = { "transfer", "--flag", NULL };
		struct gs_cli c;
		int saved = th_capture_begin(2);

		cli_init(&c);
		ck_assert_int_eq(gs_cli_noopts(&c, 2, a7), GS_EUSAGE);
		free(th_capture_end(2, saved));
	}
}
END_TEST

/* --help prints the usage and exits 0. */
START_TEST(opt_help_exits)
{
	char *argv[] = { "transfer", "--help", NULL };
	struct gs_cli c;
	int fd = open("/dev/null", O_WRONLY);

	dup2(fd, 1);
	cli_init(&c);
	gs_cli_opt(&c, 2, argv, extra);
	ck_abort_msg("--help returned");
}
END_TEST

/* gs_cli_error: "prog: msg", "prog: line N: msg" for a batch item read
 * from stdin, "prog: item N: msg" when lines are unknown. */
START_TEST(error_lines)
{
	long lines[] = { 3, 17, 18 };
	struct gs_cli c;
	gs_err e;
	int saved;
	char *err;

	cli_init(&c);
	gs_fail(&e, GS_EINPUT, "field \"to\": missing");
	saved = th_capture_begin(2);
	ck_assert_int_eq(gs_cli_error(&c, &e), GS_EINPUT);
	err = th_capture_end(2, saved);
	ck_assert_str_eq(err, "gs-test: field \"to\": missing\n");
	free(err);

	e.item = 2;
	saved = th_capture_begin(2);
	ck_assert_int_eq(gs_cli_error(&c, &e), GS_EINPUT);
	err = th_capture_end(2, saved);
	ck_assert_str_eq(err, "gs-test: item 2: field \"to\": missing\n");
	free(err);

	c.lines = lines;
	c.nlines = 3;
	saved = th_capture_begin(2);
	ck_assert_int_eq(gs_cli_error(&c, &e), GS_EINPUT);
	err = th_capture_end(2, saved);
	ck_assert_str_eq(err, "gs-test: line 17: field \"to\": missing\n");
	free(err);

	e.item = 4;	/* beyond the known lines */
	e.code = GS_EREFUSED;
	saved = th_capture_begin(2);
	ck_assert_int_eq(gs_cli_error(&c, &e), GS_EREFUSED);
	err = th_capture_end(2, saved);
	ck_assert_str_eq(err, "gs-test: item 4: field \"to\": missing\n");
	free(err);
}
END_TEST

/* Items read from stdin keep their physical line numbers, so an item's
 * error names its line. */
START_TEST(read_items_lines)
{
	struct gs_cli c;
	json_t *args = NULL;
	gs_err e;
	char *err;
	int saved;

	cli_init(&c);
	stdin_text("{\"to\":\"bob\",\"amount\":1}\n\n{\"to\":\"carol\",\"amount\":2}\n"
		   "   \n{\"to\":\"dave\",\"amount\":3}\n");
	ck_assert_int_eq(gs_cli_read_items(&c, NULL, &args, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(json_object_get(args, "items")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(args, "items"), 2), "to")), "dave");
	ck_assert_uint_eq(c.nlines, 3);
	ck_assert_int_eq(c.lines[0], 1);
	ck_assert_int_eq(c.lines[1], 3);
	ck_assert_int_eq(c.lines[2], 5);
	json_decref(args);
	gs_fail(&e, GS_EINPUT, "unknown account 'dave'");
	e.item = 3;
	saved = th_capture_begin(2);
	gs_cli_error(&c, &e);
	err = th_capture_end(2, saved);
	ck_assert_str_eq(err, "gs-test: line 5: unknown account 'dave'\n");
	free(err);
	free(c.lines);

	/* bad JSON names its line; empty input is an error */
	cli_init(&c);
	stdin_text("{\"to\":\"bob\",\"amount\":1}\n{\"to\":\n");
	ck_assert_int_eq(gs_cli_read_items(&c, NULL, &args, &e), GS_EINPUT);
	ck_assert_ptr_null(args);
	ck_assert_msg(strncmp(e.msg, "line 2: ", 8) == 0, "%s", e.msg);
	free(c.lines);
	cli_init(&c);
	stdin_text("\n\n");
	ck_assert_int_eq(gs_cli_read_items(&c, NULL, &args, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "no items on standard input");
	free(c.lines);
}
END_TEST

START_TEST(is_batch)
{
	char *none[] = { "transfer", NULL };
	char *dash[] = { "transfer", "-", NULL };
	char *one[] = { "transfer", "12.5", NULL };
	char *two[] = { "transfer", "-", "x", NULL };
	struct gs_cli c;

	cli_init(&c);
	stdin_pipe();
	optind = 1;
	ck_assert_int_eq(gs_cli_is_batch(1, none), 1);
	ck_assert_int_eq(gs_cli_is_batch(2, dash), 1);
	ck_assert_int_eq(gs_cli_is_batch(2, one), 0);
	ck_assert_int_eq(gs_cli_is_batch(3, two), 0);
	ck_assert_int_eq(gs_cli_want_stdin(&c, 0, 1, none), 1);
	ck_assert_int_eq(gs_cli_want_stdin(&c, 1, 2, one), 0);
	ck_assert_int_eq(gs_cli_want_stdin(&c, 1, 2, dash), 1);

	stdin_tty();
	optind = 1;
	ck_assert_int_eq(gs_cli_is_batch(1, none), 0);
	ck_assert_int_eq(gs_cli_is_batch(2, dash), 1);
	ck_assert_int_eq(gs_cli_is_batch(2, one), 0);
	ck_assert_int_eq(gs_cli_want_stdin(&c, 0, 1, none), 0);
	ck_assert_int_eq(gs_cli_want_stdin(&c, 0, 2, dash), 1);
	/* after parsing options optind points past them */
	{
		char *argv[] = { "transfer", "--json", "-", NULL };
		ck_assert_int_eq(gs_cli_noopts(&c, 3, argv), GS_OK);
		ck_assert_int_eq(gs_cli_is_batch(3, argv), 1);
	}
}
END_TEST

/* Receipt records for every status. */
START_TEST(receipts)
{
	json_t *id = json_string("pay-1"), *r;
	gs_err e;
	char *t;

	r = gs_receipt(id, GS_APPLIED, 7, NULL);
	t = json_dumps(r, JSON_COMPACT);
	ck_assert_str_eq(t, "{\"type\":\"receipt\",\"id\":\"pay-1\",\"status\":\"applied\","
			 "\"error\":null,\"seq\":7}");
	free(t);
	json_decref(r);
	r = gs_receipt(id, GS_DUPLICATE, 3, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(r, "status")), "duplicate");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "seq")), 3);
	json_decref(r);
	gs_fail(&e, GS_EALREADY, "lock 1 is already released");
	r = gs_receipt(id, GS_UNCHANGED, 0, &e);
	t = json_dumps(r, JSON_COMPACT);
	ck_assert_str_eq(t, "{\"type\":\"receipt\",\"id\":\"pay-1\",\"status\":\"duplicate\","
			 "\"error\":null,\"notice\":\"lock 1 is already released\"}");
	free(t);
	json_decref(r);
	gs_fail(&e, GS_EREFUSED, "insufficient balance");
	r = gs_receipt(NULL, -1, 0, &e);
	t = json_dumps(r, JSON_COMPACT);
	ck_assert_str_eq(t, "{\"type\":\"receipt\",\"id\":null,\"status\":\"rejected\","
			 "\"error\":\"insufficient balance\"}");
	free(t);
	json_decref(r);
	json_decref(id);
}
END_TEST

/* A key directory with the key files of admin and alice; path out. */
static char *keydir(gs_key *admin, gs_key *alice)
{
	char *d = strdup("/tmp/gs-unit-cli-XXXXXX");
	gs_err e;

	ck_assert_ptr_nonnull(mkdtemp(d));
	ck_assert_int_eq(gs_key_new(d, "admin", admin, &e), GS_OK);
	ck_assert_int_eq(gs_key_new(d, "alice", alice, &e), GS_OK);
	setenv("GS_KEYDIR", d, 1);
	unsetenv("GS_KEY");
	return d;
}

static void rmrf(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(signer)
{
	gs_key admin, alice, k;
	char *d = keydir(&admin, &alice), path[600];
	struct gs_cli c;
	gs_err e;

	cli_init(&c);
	c.as = "alice";
	ck_assert_int_eq(gs_cli_signer(&c, &k, &e), GS_OK);
	ck_assert_str_eq(k.name, "alice");
	ck_assert_int_eq(memcmp(k.pk, alice.pk, GS_PK_BYTES), 0);
	c.as = "Alice";
	ck_assert_int_eq(gs_cli_signer(&c, &k, &e), GS_EUSAGE);
	c.as = "bob";
	ck_assert_int_eq(gs_cli_signer(&c, &k, &e), GS_ENOFILE);
	/* --key FILE wins over the key directory; --as must match it */
	snprintf(path, sizeof path, "%s/admin.key", d);
	c.as = NULL;
	c.keyfile = path;
	ck_assert_int_eq(gs_cli_signer(&c, &k, &e), GS_OK);
	ck_assert_str_eq(k.name, "admin");
	c.as = "alice";
	ck_assert_int_eq(gs_cli_signer(&c, &k, &e), GS_EUSAGE);
	ck_assert_ptr_nonnull(strstr(e.msg, "belongs to 'admin'"));
	/* $GS_KEY last */
	cli_init(&c);
	ck_assert_int_eq(gs_cli_signer(&c, &k, &e), GS_EUSAGE);
	ck_assert_str_eq(e.msg, "no signer: use --as NAME or --key FILE");
	setenv("GS_KEY", path, 1);
	ck_assert_int_eq(gs_cli_signer(&c, &k, &e), GS_OK);
	ck_assert_str_eq(k.name, "admin");
	gs_key_wipe(&k);
	rmrf(d);
	free(d);
}
END_TEST

/* Run gs_cli_tx; return rc, stdout and stderr. */
static int run_tx(struct gs_cli *c, const char *cmd, json_t *args, char **out, char **err)
{
	int so = th_capture_begin(1), se = th_capture_begin(2), rc;

	rc = gs_cli_tx(c, cmd, args);
	rc = gs_cli_done(c, rc);
	*err = th_capture_end(2, se);
	*out = th_capture_end(1, so);
	return rc;
}

/* Sign and apply through the CLI path: receipts, duplicates, errors,
 * --sign-only. */
START_TEST(tx_apply_and_sign_only)
{
	gs_key admin, alice;
	char *d = keydir(&admin, &alice), *db = th_tmpdb(), *out, *err;
	struct gs_cli c;
	gs_store *s = th_genesis_with(db, &admin, 6, "GST", 900);
	json_t *tx;
	int64_t v = 0;
	gs_err e;

	th_register(s, &alice);
	gs_store_close(s);

	cli_init(&c);
	c.db = db;
	c.as = "admin";
	c.format = 'j';
	c.now = TH_T0 + 60;
	c.id = "mint-1";
	ck_assert_int_eq(run_tx(&c, "token.mint", json_pack("{s:s,s:i}", "to", "alice",
				"amount", 1000), &out, &err), GS_OK);
	ck_assert_str_eq(out, "{\"type\":\"receipt\",\"id\":\"mint-1\",\"status\":\"applied\","
			 "\"error\":null,\"seq\":3}\n");
	ck_assert_str_eq(err, "");
	free(out);
	free(err);

	/* the same again: a duplicate, with a notice */
	ck_assert_int_eq(run_tx(&c, "token.mint", json_pack("{s:s,s:i}", "to", "alice",
				"amount", 1000), &out, &err), GS_OK);
	ck_assert_str_eq(out, "{\"type\":\"receipt\",\"id\":\"mint-1\",\"status\":\"duplicate\","
			 "\"error\":null,\"seq\":3}\n");
	ck_assert_str_eq(err, "gs-test: duplicate tx 'mint-1': already applied as #3\n");
	free(out);
	free(err);

	/* refused: the message on stderr, nothing on stdout */
	c.as = "alice";
	c.id = NULL;
	ck_assert_int_eq(run_tx(&c, "token.transfer", json_pack("{s:s,s:i}", "to", "admin",
				"amount", 1001), &out, &err), GS_EREFUSED);
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(err, "gs-test: insufficient balance: 'alice' has 0.001 available, "
			 "needs 0.001001\n");
	free(out);
	free(err);
	/* a batch item error names the input line */
	{
		long lines[] = { 4, 9 };
		c.lines = malloc(sizeof lines);
		memcpy(c.lines, lines, sizeof lines);
		c.nlines = 2;
		ck_assert_int_eq(run_tx(&c, "token.transfer", json_pack("{s:[{s:s,s:i},{s:s,s:i}]}",
					"items", "to", "admin", "amount", 1, "to", "nobody",
					"amount", 1), &out, &err), GS_EINPUT);
		ck_assert_str_eq(err, "gs-test: line 9: unknown account 'nobody'\n");
		ck_assert_ptr_null(c.lines);	/* freed by gs_cli_done */
		free(out);
		free(err);
	}

	/* sign only: the signed tx on stdout, nothing applied */
	c.sign_only = 1;
	c.id = "t-9";
	ck_assert_int_eq(run_tx(&c, "token.transfer", json_pack("{s:s,s:i}", "to", "admin",
				"amount", 5), &out, &err), GS_OK);
	tx = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(tx);
	ck_assert_str_eq(json_string_value(json_object_get(tx, "id")), "t-9");
	ck_assert_str_eq(json_string_value(json_object_get(tx, "actor")), "alice");
	ck_assert_int_eq(json_integer_value(json_object_get(tx, "time")), TH_T0 + 60);
	ck_assert_int_eq(gs_tx_verify_sig(tx, alice.pk, &e), GS_OK);
	json_decref(tx);
	free(out);
	free(err);

	ck_assert_int_eq(gs_store_open(db, 0, &s, &e), GS_OK);
	ck_assert_int_eq(th_journal_rows(s), 3);
	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT available FROM balances WHERE "
				      "account = 'alice'", ""), 1);
	ck_assert_int_eq(v, 1000);
	gs_store_close(s);

	/* a missing state file */
	cli_init(&c);
	c.db = "/tmp/gs-unit-no-such.db";
	c.as = "alice";
	ck_assert_int_eq(run_tx(&c, "token.transfer", json_pack("{s:s,s:i}", "to", "admin",
				"amount", 5), &out, &err), GS_ENOFILE);
	free(out);
	free(err);
	th_unlink(db);
	free(db);
	rmrf(d);
	free(d);
}
END_TEST

static int ran;

static int fake_cmd(struct gs_cli *c, int argc, char **argv)
{
	ran = argc;
	ck_assert_str_eq(argv[0], "go");
	ck_assert_str_eq(c->prog, "gs-test");
	return argc > 1 ? atoi(argv[argc - 1]) : 0;
}

static const struct gs_cli_cmd fake_cmds[] = {
	{ "go", fake_cmd, "go [N]", "Return N." },
	{ NULL, NULL, NULL, NULL },
};

/* Run gs_cli_main with argv; return rc, stdout and stderr. */
static int run_main(char **argv, int argc, char **out, char **err)
{
	int so = th_capture_begin(1), se = th_capture_begin(2), rc;

	optind = 1;
	rc = gs_cli_main("gs-test", fake_cmds, argc, argv);
	*err = th_capture_end(2, se);
	*out = th_capture_end(1, so);
	return rc;
}

START_TEST(cli_main)
{
	char *a1[] = { "gs-test", "--version", NULL };
	char *a2[] = { "gs-test", "nope", NULL };
	char *a3[] = { "gs-test", NULL };
	char *a4[] = { "gs-test", "go", "7", NULL };
	char *out, *err;

	unsetenv("GS_NOW");
	ck_assert_int_eq(run_main(a1, 2, &out, &err), GS_OK);
	ck_assert_str_eq(out, "gs-test (gridset) " PACKAGE_VERSION "\n");
	free(out);
	free(err);
	ck_assert_int_eq(run_main(a2, 2, &out, &err), GS_EUSAGE);
	ck_assert_msg(strncmp(err, "gs-test: unknown command 'nope'\n", 32) == 0, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "gs-test go [N]"));
	free(out);
	free(err);
	ck_assert_int_eq(run_main(a3, 1, &out, &err), GS_EUSAGE);
	ck_assert_ptr_nonnull(strstr(err, "usage: gs-test COMMAND"));
	free(out);
	free(err);
	ran = 0;
	ck_assert_int_eq(run_main(a4, 3, &out, &err), 7);
	ck_assert_int_eq(ran, 2);
	free(out);
	free(err);
	/* a bad GS_NOW is a usage error before the command runs */
	setenv("GS_NOW", "soon", 1);
	ran = 0;
	ck_assert_int_eq(run_main(a4, 3, &out, &err), GS_EUSAGE);
	ck_assert_int_eq(ran, 0);
	ck_assert_msg(strncmp(err, "gs-test: GS_NOW: ", 17) == 0, "%s", err);
	free(out);
	free(err);
	unsetenv("GS_NOW");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, opt_common_and_sub);
	tcase_add_test(tc, opt_reparse);
	tcase_add_test(tc, opt_errors);
	tcase_add_exit_test(tc, opt_help_exits, 0);
	tcase_add_test(tc, error_lines);
	tcase_add_test(tc, read_items_lines);
	tcase_add_test(tc, is_batch);
	tcase_add_test(tc, receipts);
	tcase_add_test(tc, signer);
	tcase_add_test(tc, tx_apply_and_sign_only);
	tcase_add_test(tc, cli_main);
	suite_add_tcase(s, tc);
	return th_run(s);
}
