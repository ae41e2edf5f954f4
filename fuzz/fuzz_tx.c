/* fuzz_tx.c - libFuzzer target: signed tx envelopes and gs_tx_apply.
 *
 * The input is NDJSON: up to MAX_TXS lines, each parsed as one tx the way
 * `gs submit` reads them. Each tx is
 *   1. checked with gs_tx_verify_sig against the actor's key (the
 *      admin's when the actor has none of the fuzzer's keys): envelope shape,
 *      base64, signature;
 *   2. applied as it is with gs_tx_apply (a mutated tx must not verify;
 *      the seeds are real signed txs that do);
 *   3. re-signed with the fuzzer's key of its actor (when the actor is one
 *      of names[]) and applied, so that mutated args reach the commands; then
 *      applied once more, which must be a duplicate when the first applied
 *      and the same error when it did not.
 * The state is a small market (accounts with roles, balances, stake, two
 * panels, an order book for slot 2026-11-25T10:00Z) made once per process
 * into a template file; the working copy is restored from the template
 * before an input whenever the previous input changed it, so each input
 * runs against the same state. Every tx of an input runs on the state the
 * previous ones left.
 *
 * Checked beyond the sanitizers: return codes are GS_OK, 1, 65 or 77 (70,
 * 64, 66 and 75 from a tx are reported as defects), error messages are
 * valid UTF-8 (they go into JSON receipts), e->item is within the batch,
 * a refused tx leaves the journal head unchanged, an applied tx takes the
 * next seq and leaves gs_verify_invariants clean, gs_verify_chain is clean
 * after the 1st, 17th, 33rd... input that applied anything (every Nth with
 * GS_FUZZ_CHAIN_EVERY=N, never with 0), and a retry is a duplicate. GS_FUZZ_REPLAY=1 also runs gs_verify_replay
 * after each applied tx (slow); GS_FUZZ_VERBOSE=1 prints each outcome.
 *
 * The state files live in GS_FUZZ_TMPDIR, else /dev/shm, else $TMPDIR.
 * GS_FUZZ_SKIP=utf8 skips the UTF-8 check of messages (known defect).
 *
 * GS_FUZZ_DUMP=DIR writes the fuzzer's keys (DIR/keys/NAME.key) and the
 * signed setup txs after genesis (DIR/setup.ndjson) and exits: fuzz/mkseeds
 * uses them to make the same state with the programs and real seeds on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "gridset.h"

#define T0 INT64_C(1795593600)	/* 2026-11-25T08:00:00Z: genesis, setup */
#define MAX_TXS 8
#define GENESIS_ID "fuzz-genesis"

static const char *const names[] = {
	"admin", "operator", "meter1", "alice", "bob", "dave",
	"carol", "erin",	/* keys without an account */
	NULL
};
#define NKEYS 8
#define NREGISTERED 6
static gs_key keys[NKEYS];

/* The setup after genesis and the registrations: actor, cmd, args. */
static const struct step {
	const char *actor, *cmd, *args;
} setup[] = {
	{ "admin", "admin.grant", "{\"role\":\"operator\",\"account\":\"operator\"}" },
	{ "admin", "admin.grant", "{\"role\":\"oracle\",\"account\":\"meter1\"}" },
	{ "admin", "token.mint", "{\"items\":[{\"to\":\"alice\",\"amount\":1000000000},"
	  "{\"to\":\"bob\",\"amount\":1000000000},{\"to\":\"dave\",\"amount\":1000000000},"
	  "{\"to\":\"meter1\",\"amount\":200000000}]}" },
	{ "meter1", "stake.deposit", "{\"amount\":150000000}" },
	{ "alice", "stake.deposit", "{\"amount\":200000000}" },
	{ "bob", "stake.deposit", "{\"amount\":200000000}" },
	{ "admin", "panel.register", "{\"items\":[{\"owner\":\"alice\",\"capacity_w\":5000},"
	  "{\"owner\":\"bob\",\"capacity_w\":4000}]}" },
	{ "alice", "auction.order", "{\"slot\":1995112,\"side\":\"sell\",\"qty_wh\":1000,"
	  "\"price\":80000,\"panel\":1}" },
	{ "bob", "auction.order", "{\"slot\":1995112,\"side\":\"sell\",\"qty_wh\":800,"
	  "\"price\":100000,\"panel\":2}" },
	{ "dave", "auction.order", "{\"slot\":1995112,\"side\":\"buy\",\"qty_wh\":1000,"
	  "\"price\":150000}" },
	{ "alice", "token.approve", "{\"spender\":\"dave\",\"amount\":5000000}" },
	{ "admin", "params.set", "{\"name\":\"proposal_threshold\",\"value\":100000000}" },
	{ NULL, NULL, NULL }
};

static char workdir[4096], tmpl_path[4200], work_path[4200];
static gs_store *store;
static int dirty = 1;
static int verbose, skip_utf8;
static long nchanged, chain_every = 16;

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_tx: %s: %s\n", what, msg);
	abort();
}

/* The fuzzer's key of name: seed BLAKE2b-256("gridset-fuzz-key:" name). */
static void derive_key(const char *name, gs_key *k)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char text[64];

	snprintf(text, sizeof text, "gridset-fuzz-key:%s", name);
	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name);
	crypto_generichash(seed, sizeof seed, (const unsigned char *)text,
			   strlen(text), NULL, 0);
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

static const gs_key *key_of(const char *name)
{
	for (int i = 0; i < NKEYS; i++)
		if (name && strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* The signed setup txs (genesis first), as a new array. */
static json_t *setup_txs(void)
{
	json_t *txs = json_array(), *tx;
	char id[48], pk64[64];
	gs_err e;
	int n = 0;

	tx = gs_tx_new(GENESIS_ID, "genesis", "admin", T0,
		       gs_genesis_args(&keys[0], 6, "GST", 900));
	if (gs_tx_sign(tx, &keys[0], &e))
		die("sign", e.msg);
	json_array_append_new(txs, tx);
	for (int i = 1; i < NREGISTERED; i++) {
		gs_b64(keys[i].pk, GS_PK_BYTES, pk64, sizeof pk64);
		snprintf(id, sizeof id, "fuzz-setup-%d", ++n);
		tx = gs_tx_new(id, "account.register", names[i], T0,
			       json_pack("{s:s}", "pubkey", pk64));
		if (gs_tx_sign(tx, &keys[i], &e))
			die("sign", e.msg);
		json_array_append_new(txs, tx);
	}
	for (const struct step *s = setup; s->actor; s++) {
		json_t *args = json_loads(s->args, 0, NULL);

		if (!args)
			die("setup args", s->args);
		snprintf(id, sizeof id, "fuzz-setup-%d", ++n);
		tx = gs_tx_new(id, s->cmd, s->actor, T0, args);
		if (gs_tx_sign(tx, key_of(s->actor), &e))
			die("sign", e.msg);
		json_array_append_new(txs, tx);
	}
	return txs;
}

/* GS_FUZZ_DUMP: write the keys and setup.ndjson (after genesis) to dir. */
static void dump(const char *dir)
{
	char path[4200], pk64[64], sk64[128];
	json_t *txs = setup_txs(), *tx;
	size_t i;
	FILE *f;

	snprintf(path, sizeof path, "%s/keys", dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		die(dir, strerror(errno));
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		die(path, strerror(errno));
	for (int k = 0; k < NKEYS; k++) {
		int fd;

		snprintf(path, sizeof path, "%s/keys/%s.key", dir, names[k]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || !(f = fdopen(fd, "w")))
			die(path, strerror(errno));
		gs_b64(keys[k].pk, GS_PK_BYTES, pk64, sizeof pk64);
		gs_b64(keys[k].sk, GS_SK_BYTES, sk64, sizeof sk64);
		fprintf(f, "gridset-key-v1\nname %s\npublic %s\nsecret %s\n",
			names[k], pk64, sk64);
		fclose(f);
	}
	snprintf(path, sizeof path, "%s/setup.ndjson", dir);
	if (!(f = fopen(path, "w")))
		die(path, strerror(errno));
	json_array_foreach(txs, i, tx)
		if (i > 0)	/* genesis is made by `gs init --id` */
			gs_json_print(f, tx);
	fclose(f);
	json_decref(txs);
}

static void unlink_db(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal", NULL };
	char buf[4300];

	for (int i = 0; sfx[i]; i++) {
		snprintf(buf, sizeof buf, "%s%s", path, sfx[i]);
		unlink(buf);
	}
}

static void cleanup(void)
{
	gs_store_close(store);
	store = NULL;
	unlink_db(work_path);
	unlink_db(tmpl_path);
	rmdir(workdir);
}

static void build_template(void)
{
	json_t *txs = setup_txs(), *tx;
	gs_store *s;
	size_t i;
	gs_err e;

	if (gs_store_open(tmpl_path, GS_OPEN_CREATE, &s, &e))
		die("template", e.msg);
	json_array_foreach(txs, i, tx) {
		int status = -1;

		if (gs_tx_apply(s, tx, &status, NULL, NULL, &e) ||
		    status != GS_APPLIED)
			die("setup tx", status == GS_APPLIED ? e.msg : "not applied");
	}
	json_decref(txs);
	gs_store_close(s);	/* checkpoints the WAL into the file */
}

/* Make the working state a fresh copy of the template. */
static void restore(void)
{
	char buf[1 << 16];
	ssize_t n;
	int in, out;
	gs_err e;

	gs_store_close(store);
	store = NULL;
	unlink_db(work_path);
	in = open(tmpl_path, O_RDONLY);
	out = open(work_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in < 0 || out < 0)
		die("copy template", strerror(errno));
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("copy template", strerror(errno));
	close(in);
	close(out);
	if (gs_store_open(work_path, 0, &store, &e))
		die("open state", e.msg);
	dirty = 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR"), *d;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		die("sodium_init", "failed");
	for (int i = 0; i < NKEYS; i++)
		derive_key(names[i], &keys[i]);
	if ((d = getenv("GS_FUZZ_DUMP")) && *d) {
		dump(d);
		exit(0);
	}
	verbose = getenv("GS_FUZZ_VERBOSE") != NULL;
	if ((d = getenv("GS_FUZZ_CHAIN_EVERY")) && *d)
		chain_every = atol(d);
	skip_utf8 = getenv("GS_FUZZ_SKIP") && strstr(getenv("GS_FUZZ_SKIP"), "utf8");
	/* a busy state is a defect here, not a reason to wait */
	setenv("GS_BUSY_TIMEOUT", "0", 1);
	/* the state files are rewritten often: on tmpfs when there is one */
	if ((d = getenv("GS_FUZZ_TMPDIR")) && *d)
		tmp = d;
	else if (access("/dev/shm", W_OK | X_OK) == 0)
		tmp = "/dev/shm";
	snprintf(workdir, sizeof workdir, "%s/gs-fuzz-tx-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(workdir))
		die("mkdtemp", strerror(errno));
	snprintf(tmpl_path, sizeof tmpl_path, "%s/template.db", workdir);
	snprintf(work_path, sizeof work_path, "%s/state.db", workdir);
	atexit(cleanup);
	build_template();
	return 0;
}

/* ---- checks ---- */

static void report_abort(const char *msg, void *arg)
{
	die((const char *)arg, msg);
}

/* Check what one gs_tx_apply / gs_tx_verify_sig gave. */
static void check_err(const char *what, int rc, const gs_err *e, size_t nitems)
{
	json_t *s;

	switch (rc) {
	case GS_OK:
		return;
	case GS_EREFUSED:
	case GS_EINPUT:
	case GS_EPERM:
		break;
	default:
		fprintf(stderr, "fuzz_tx: %s: exit code %d: %s\n", what, rc, e->msg);
		abort();
	}
	if (e->code != rc)
		die(what, "returned code differs from e->code");
	if (e->msg[0] == '\0')
		die(what, "error without a message");
	s = json_string(e->msg);	/* as gs_receipt puts it in a receipt */
	if (!s && !skip_utf8)
		die(what, "error message is not valid UTF-8");
	json_decref(s);
	if (e->item < 0 || (size_t)e->item > nitems)
		die(what, "e->item outside the batch");
}

static size_t items_of(json_t *tx)
{
	json_t *items = json_object_get(json_object_get(tx, "args"), "items");

	return json_is_array(items) ? json_array_size(items) : 1;
}

static int64_t head_seq(void)
{
	gs_head h;
	gs_err e;

	if (gs_journal_head(store, &h, &e))
		die("journal head", e.msg);
	return h.seq;
}

/* Apply tx and check the outcome; return the code. */
static int apply(json_t *tx, const char *what, int *status_out, gs_err *e)
{
	int64_t before = head_seq(), seq = -1, after;
	json_t *out = NULL;
	int status = -1, rc;

	memset(e, 0, sizeof *e);
	rc = gs_tx_apply(store, tx, &status, &out, &seq, e);
	check_err(what, rc, e, items_of(tx));
	after = head_seq();
	*status_out = rc == GS_OK ? status : -1;
	if (verbose)
		fprintf(stderr, "fuzz_tx: %s: %s %s -> %d/%d %s\n", what,
			json_string_value(json_object_get(tx, "actor")),
			json_string_value(json_object_get(tx, "cmd")), rc,
			*status_out, rc || status ? e->msg : "");
	if (rc != GS_OK) {
		if (out)
			die(what, "records returned with an error");
		if (after != before)
			die(what, "a refused tx changed the journal");
		return rc;
	}
	if (status == GS_APPLIED) {
		dirty = 1;
		if (!json_is_array(out))
			die(what, "applied without a records array");
		if (seq != before + 1 || after != seq)
			die(what, "applied tx did not take the next seq");
		if (gs_verify_invariants(store, report_abort, "invariants", e))
			die("gs_verify_invariants", e->msg);
		if (getenv("GS_FUZZ_REPLAY") &&
		    gs_verify_replay(store, report_abort, "replay", e))
			die("gs_verify_replay", e->msg);
	} else if (status == GS_DUPLICATE || status == GS_UNCHANGED) {
		if (out)
			die(what, "records returned for a tx not applied");
		if (after != before)
			die(what, "a duplicate or no-op changed the journal");
	} else {
		die(what, "unknown status");
	}
	json_decref(out);
	return rc;
}

static void one_tx(json_t *tx)
{
	const gs_key *k = NULL;
	int status, status2, rc, rc2;
	gs_err e, e2;
	json_t *copy;

	if (json_is_object(tx))
		k = key_of(json_string_value(json_object_get(tx, "actor")));
	/* 1. envelope and signature checks, with the actor's key if known */
	rc = gs_tx_verify_sig(tx, (k ? k : &keys[0])->pk, &e);
	check_err("gs_tx_verify_sig", rc, &e, 0);
	/* 2. as it is */
	apply(tx, "gs_tx_apply", &status, &e);
	if (!k || !json_is_object(tx))
		return;
	/* 3. re-signed by its actor, then once more */
	copy = json_deep_copy(tx);
	if (!copy)
		return;
	if (gs_tx_sign(copy, k, &e))
		die("gs_tx_sign", e.msg);
	rc = apply(copy, "gs_tx_apply(re-signed)", &status, &e);
	rc2 = apply(copy, "gs_tx_apply(retry)", &status2, &e2);
	if (rc == GS_OK && status == GS_APPLIED) {
		if (rc2 != GS_OK || status2 != GS_DUPLICATE)
			die("retry", "a retry of an applied tx is not a duplicate");
	} else if (rc != rc2 || status != status2 || strcmp(e.msg, e2.msg) != 0) {
		fprintf(stderr, "fuzz_tx: retry: %d/%d '%s' then %d/%d '%s'\n",
			rc, status, e.msg, rc2, status2, e2.msg);
		die("retry", "the same tx on the same state gave another result");
	}
	json_decref(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	int ntx = 0;

	if (dirty)
		restore();
	while (p < end && ntx < MAX_TXS) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_error_t jerr;
		json_t *tx;

		tx = json_loadb(p, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
				&jerr);
		if (tx) {
			one_tx(tx);
			json_decref(tx);
			ntx++;
		}
		p += len + (nl != NULL);
	}
	/* the chain with what the input applied: every signature is verified
	 * again, so only after the 1st, 17th, ... input that applied a tx (a
	 * crash input run alone is always checked) */
	if (dirty && chain_every && nchanged++ % chain_every == 0) {
		gs_err e;

		if (gs_verify_chain(store, report_abort, "chain", &e))
			die("gs_verify_chain", e.msg);
	}
	return 0;
}
