/* journal.c - signed transactions, the command dispatcher and the hash chain. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "gridset.h"
#include "internal.h"

#define TAG_LEN(t) (sizeof(t))	/* tags are signed and hashed with their NUL */
#define MAX_ITEMS 2000000
#define GS_EDUPLICATE 4	/* internal: the tx was applied before */

static const struct gs_cmd *const cmd_tables[] = {
	gs_account_cmds, gs_params_cmds, gs_token_cmds, gs_panel_cmds,
	gs_stake_cmds, gs_oracle_cmds, gs_auction_cmds, gs_settle_cmds,
	gs_dao_cmds, NULL,
};

const struct gs_cmd *gs_cmd_find(const char *name)
{
	for (int t = 0; cmd_tables[t]; t++)
		for (const struct gs_cmd *c = cmd_tables[t]; c->name; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

json_t *gs_args_item(json_t *args, size_t i, size_t *n)
{
	json_t *items = json_object_get(args, "items");

	if (!items) {
		*n = 1;
		return args;
	}
	*n = json_array_size(items);
	return json_array_get(items, i);
}

int gs_items_check(json_t *args, gs_err *e)
{
	json_t *items = json_object_get(args, "items");

	if (!items)
		return GS_OK;
	if (json_object_size(args) != 1)
		return gs_fail(e, GS_EINPUT, "field \"items\": must be the only field");
	if (!json_is_array(items) || json_array_size(items) == 0 ||
	    json_array_size(items) > MAX_ITEMS)
		return gs_fail(e, GS_EINPUT,
			       "field \"items\": must be an array of 1 to %d objects",
			       MAX_ITEMS);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (!json_is_object(it))
			gs_fail(e, GS_EINPUT, "must be a JSON object");
		else if (gs_json_no_reals(it, e) == GS_OK)
			continue;
		return gs_item_fail(args, i, e);
	}
	return GS_OK;
}

int gs_each_item(gs_ctx *c, json_t *args, gs_apply_fn fn, gs_err *e)
{
	size_t n = 1, done = 0;

	for (size_t i = 0; i < n; i++) {
		int rc = fn(c, gs_args_item(args, i, &n), e);
		if (rc == GS_EALREADY)
			done++;
		else if (rc)
			return gs_item_fail(args, i, e);
	}
	return done == n ? GS_EALREADY : GS_OK;
}

int gs_one_or_due(json_t *args, const char *field, int64_t min, int64_t *v,
		  gs_err *e)
{
	const char *fields[] = { field, "due", NULL };
	int64_t due = 0;

	*v = -1;
	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, field, min, INT64_MAX, 1, v, e) ||
	    gs_json_int(args, "due", 1, 1, 1, &due, e))
		return e->code;
	if ((*v >= 0) == (due != 0))
		return gs_fail(e, GS_EINPUT, "give exactly one of \"%s\" and \"due\"",
			       field);
	return GS_OK;
}

int gs_slot_or_due(json_t *args, int64_t *slot, gs_err *e)
{
	return gs_one_or_due(args, "slot", 0, slot, e);
}

int gs_item_fail(json_t *args, size_t i, gs_err *e)
{
	if (json_object_get(args, "items"))
		e->item = (long)i + 1;
	return e->code;
}

json_t *gs_signed_tx(const char *tx, const char *sig)
{
	json_t *v = json_loads(tx, JSON_REJECT_DUPLICATES, NULL);

	if (v && !json_is_object(v)) {
		json_decref(v);
		return NULL;
	}
	if (v)
		json_object_set_new(v, "sig", json_string(sig));
	return v;
}

char *gs_canonical(json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
}

json_t *gs_tx_new(const char *id, const char *cmd, const char *actor,
		  int64_t time, json_t *args)
{
	return json_pack("{s:i,s:s,s:s,s:s,s:I,s:o}", "v", 1, "id", id, "cmd", cmd,
			 "actor", actor, "time", (json_int_t)time, "args", args);
}

void gs_tx_random_id(char buf[33])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof r);
	gs_hex(r, sizeof r, buf);
}

/* Canonical text of tx without its "sig" member; malloc'd, NULL on OOM. */
static char *canonical_unsigned(json_t *tx)
{
	json_t *sig = json_incref(json_object_get(tx, "sig"));
	char *text;

	if (sig)
		json_object_del(tx, "sig");
	text = gs_canonical(tx);
	if (sig)
		json_object_set_new(tx, "sig", sig);
	return text;
}

/* The signed message: tag with its NUL, then the canonical text. */
static unsigned char *signed_message(const char *canonical, size_t *len)
{
	size_t cl = strlen(canonical);
	unsigned char *m = malloc(TAG_LEN(GS_TX_TAG) + cl);

	if (!m)
		return NULL;
	memcpy(m, GS_TX_TAG, TAG_LEN(GS_TX_TAG));
	memcpy(m + TAG_LEN(GS_TX_TAG), canonical, cl);
	*len = TAG_LEN(GS_TX_TAG) + cl;
	return m;
}

int gs_tx_sign(json_t *tx, const gs_key *k, gs_err *e)
{
	unsigned char sig[GS_SIG_BYTES], *m;
	char sig64[128], *canon;
	size_t len;

	json_object_del(tx, "sig");
	canon = gs_canonical(tx);
	m = canon ? signed_message(canon, &len) : NULL;
	free(canon);
	if (!m)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	crypto_sign_detached(sig, NULL, m, len, k->sk);
	free(m);
	gs_b64(sig, sizeof sig, sig64, sizeof sig64);
	json_object_set_new(tx, "sig", json_string(sig64));
	return GS_OK;
}

/* Check the id: 1..64 of [A-Za-z0-9._:-]. */
static int id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n < 1 || n > GS_ID_MAX)
		return 0;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789._:-") == n;
}

/* Parsed envelope fields (borrowed from the tx object). */
struct envelope {
	const char *id, *cmd, *actor, *sig64;
	int64_t time;
	json_t *args;
	unsigned char sig[GS_SIG_BYTES];
};

/* Check the shape of a tx and fill env; GS_EINPUT naming the field. */
static int envelope_parse(json_t *tx, struct envelope *env, gs_err *e)
{
	static const char *const fields[] = { "v", "id", "cmd", "actor", "time",
					      "args", "sig", NULL };
	int64_t v;

	if (!json_is_object(tx))
		return gs_fail(e, GS_EINPUT, "a tx must be a JSON object");
	if (gs_json_only(tx, fields, e) ||
	    gs_json_int(tx, "v", 1, 1, 0, &v, e) ||
	    gs_json_str(tx, "id", GS_ID_MAX, 0, &env->id, e) ||
	    gs_json_str(tx, "cmd", 64, 0, &env->cmd, e) ||
	    gs_json_str(tx, "actor", 32, 0, &env->actor, e) ||
	    gs_json_int(tx, "time", 0, INT64_MAX / 2, 0, &env->time, e) ||
	    gs_json_str(tx, "sig", 128, 0, &env->sig64, e))
		return e->code;
	if (!id_valid(env->id))
		return gs_fail(e, GS_EINPUT, "field \"id\": must be 1-64 of "
			       "A-Z a-z 0-9 . _ : -");
	if (!gs_name_valid(env->actor))
		return gs_fail(e, GS_EINPUT, "field \"actor\": invalid account name");
	env->args = json_object_get(tx, "args");
	if (!json_is_object(env->args))
		return gs_fail(e, GS_EINPUT, "field \"args\": must be an object");
	if (!json_object_get(env->args, "items") &&
	    gs_json_no_reals(env->args, e))
		return e->code;
	if (gs_unb64(env->sig64, env->sig, GS_SIG_BYTES))
		return gs_fail(e, GS_EINPUT, "field \"sig\": not a base64 signature");
	return GS_OK;
}

/* Verify the signature over canonical with pk: GS_OK or GS_EPERM. */
static int sig_check(const char *canonical, const unsigned char *sig,
		     const unsigned char *pk, gs_err *e)
{
	size_t len;
	unsigned char *m = signed_message(canonical, &len);
	int bad;

	if (!m)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	bad = crypto_sign_verify_detached(sig, m, len, pk);
	free(m);
	return bad ? gs_fail(e, GS_EPERM, "bad signature") : GS_OK;
}

int gs_tx_verify_sig(json_t *tx, const unsigned char pk[GS_PK_BYTES],
		     gs_err *e)
{
	struct envelope env;
	char *canon;
	int rc;

	if (envelope_parse(tx, &env, e))
		return e->code;
	canon = canonical_unsigned(tx);
	if (!canon)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	rc = sig_check(canon, env.sig, pk, e);
	free(canon);
	return rc;
}

void gs_chain_hash(const unsigned char prev[32], const char *canonical,
		   const unsigned char sig[GS_SIG_BYTES], unsigned char out[32])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, (const unsigned char *)GS_CHAIN_TAG,
				  TAG_LEN(GS_CHAIN_TAG));
	crypto_generichash_update(&h, prev, 32);
	crypto_generichash_update(&h, (const unsigned char *)canonical,
				  strlen(canonical));
	crypto_generichash_update(&h, sig, GS_SIG_BYTES);
	crypto_generichash_final(&h, out, 32);
}

int gs_journal_head(gs_store *s, gs_head *h, gs_err *e)
{
	gs_stmt *st;
	int rc;

	memset(h, 0, sizeof *h);
	rc = gs_query_row(s, e, &st, "SELECT seq, time, hash FROM journal "
			  "ORDER BY seq DESC LIMIT 1", "");
	if (rc < 0)
		return e->code;
	if (rc == 0)
		return GS_OK;
	h->seq = gs_col_int(st, 0);
	h->time = gs_col_int(st, 1);
	rc = sodium_hex2bin(h->hash, 32, gs_col_text(st, 2), 64, NULL, NULL, NULL);
	gs_stmt_reset(st);
	return rc ? gs_fail(e, GS_EINTERNAL, "journal head hash is corrupt") : GS_OK;
}

/* The key that must have signed env: from the args for the two
 * self-certifying commands, else the registered account's key. */
static int signer_key(gs_store *s, const struct envelope *env,
		      const gs_head *head, unsigned char pk[GS_PK_BYTES],
		      gs_err *e)
{
	int self = strcmp(env->cmd, "account.register") == 0;
	int genesis = strcmp(env->cmd, "genesis") == 0;
	int rc;

	if (!genesis && head->seq == 0)
		return gs_fail(e, GS_EINPUT, "state file has no genesis (run gs init)");
	if (self || genesis) {
		const char *pk64;
		if (gs_json_str(env->args, "pubkey", 64, 0, &pk64, e))
			return e->code;
		if (gs_unb64(pk64, pk, GS_PK_BYTES))
			return gs_fail(e, GS_EINPUT,
				       "field \"pubkey\": not a base64 Ed25519 key");
		return GS_OK;
	}
	rc = gs_account_pubkey(s, env->actor, pk, e);
	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EPERM, "'%s' is not a registered signing account",
			       env->actor);
	return GS_OK;
}

/* Append the journal row of an applied tx. */
static int journal_append(gs_store *s, const struct envelope *env,
			  const gs_head *head, int64_t seq, int64_t time,
			  const char *canon, gs_err *e)
{
	unsigned char hash[32];
	char prevhex[65], hashhex[65];

	gs_chain_hash(head->hash, canon, env->sig, hash);
	gs_hex(head->hash, 32, prevhex);
	gs_hex(hash, 32, hashhex);
	return gs_exec(s, e, "INSERT INTO journal (seq, txid, time, actor, cmd, tx, "
		       "sig, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       "ititttttt", seq, env->id, time, env->actor, env->cmd,
		       canon, env->sig64, prevhex, hashhex);
}

/* Is env's id in the journal? 1 (with *seq) if a tx with the same actor,
 * command and args was applied under it (a retry, whatever its time), 0
 * if the id is new, -1 with e set on error or when the id was used by a
 * different tx (GS_EREFUSED). */
static int duplicate_of(gs_store *s, json_t *tx, const struct envelope *env,
			int64_t *seq, gs_err *e)
{
	gs_stmt *st;
	json_t *prev;
	int rc, same;

	rc = gs_query_row(s, e, &st, "SELECT seq, tx FROM journal WHERE txid = ?",
			  "t", env->id);
	if (rc <= 0)
		return rc;
	*seq = gs_col_int(st, 0);
	prev = json_loads(gs_col_text(st, 1), 0, NULL);
	same = prev && json_equal(json_object_get(prev, "actor"), json_object_get(tx, "actor")) &&
	       json_equal(json_object_get(prev, "cmd"), json_object_get(tx, "cmd")) &&
	       json_equal(json_object_get(prev, "args"), env->args);
	json_decref(prev);
	gs_stmt_reset(st);
	if (same)
		return 1;
	gs_fail(e, GS_EREFUSED, "tx id '%s' was already used by another tx (#%lld)",
		env->id, (long long)*seq);
	return -1;
}

/* Authorise and run env's command inside the open write transaction. */
static int tx_run(gs_store *s, json_t *tx, const struct envelope *env,
		  json_t *out, int64_t *seq, gs_err *e)
{
	unsigned char pk[GS_PK_BYTES];
	const struct gs_cmd *cmd;
	gs_head head;
	gs_ctx ctx;
	char *canon;
	int rc;

	if (gs_journal_head(s, &head, e) || signer_key(s, env, &head, pk, e))
		return e->code;
	canon = canonical_unsigned(tx);
	if (!canon)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	if (sig_check(canon, env->sig, pk, e))
		goto done;
	/* a retry is recognised only once its signature verified */
	if ((rc = duplicate_of(s, tx, env, seq, e)) != 0) {
		if (rc > 0)
			e->code = GS_EDUPLICATE;
		goto done;
	}
	if (strcmp(env->cmd, "genesis") == 0 && head.seq != 0) {
		gs_fail(e, GS_EREFUSED, "state already has a genesis");
		goto done;
	}
	cmd = gs_cmd_find(env->cmd);
	if (!cmd) {
		gs_fail(e, GS_EINPUT, "field \"cmd\": unknown command '%s'", env->cmd);
		goto done;
	}
	if (cmd->role && (rc = gs_has_role(s, env->actor, cmd->role, e)) != 1) {
		if (rc == 0 && strcmp(cmd->role, "admin") == 0 &&
		    gs_renounced(s, e) == 1)
			gs_fail(e, GS_EPERM, "the admin has renounced: only governance "
				"may do %s", env->cmd);
		else if (rc == 0)
			gs_fail(e, GS_EPERM, "'%s' lacks role '%s' for %s", env->actor,
				cmd->role, env->cmd);
		goto done;
	}
	ctx = (gs_ctx){ .store = s, .actor = env->actor, .txid = env->id,
			.time = env->time > head.time ? env->time : head.time,
			.seq = head.seq + 1, .out = out };
	if (gs_items_check(env->args, e) || cmd->apply(&ctx, env->args, e) ||
	    journal_append(s, env, &head, ctx.seq, ctx.time, canon, e))
		goto done;
	*seq = ctx.seq;
	e->code = GS_OK;
done:
	free(canon);
	return e->code;
}

int gs_tx_apply(gs_store *s, json_t *tx, int *status, json_t **out,
		int64_t *seq, gs_err *e)
{
	struct envelope env;
	json_t *records;
	int64_t dummy;
	int rc;

	if (!seq)
		seq = &dummy;
	if (out)
		*out = NULL;
	e->code = GS_OK;
	e->item = 0;
	if (envelope_parse(tx, &env, e) || gs_store_begin(s, 1, e))
		return e->code;
	records = json_array();
	rc = tx_run(s, tx, &env, records, seq, e);
	if (rc == GS_EALREADY || rc == GS_EDUPLICATE) {
		gs_store_rollback(s);
		json_decref(records);
		*status = rc == GS_EDUPLICATE ? GS_DUPLICATE : GS_UNCHANGED;
		if (rc == GS_EALREADY)
			*seq = 0;
		e->code = GS_OK;
		return GS_OK;
	}
	if (rc || gs_store_commit(s, e)) {
		gs_store_rollback(s);
		json_decref(records);
		return e->code;
	}
	*status = GS_APPLIED;
	if (out)
		*out = records;
	else
		json_decref(records);
	return GS_OK;
}

int gs_journal_each(gs_store *s, const struct gs_log_filter *f,
		    gs_log_fn fn, void *arg, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT seq, time, actor, cmd, txid, tx, sig, "
			     "prev, hash FROM journal WHERE (? IS NULL OR actor = ?) "
			     "AND (? IS NULL OR cmd = ?) AND time >= ? AND time <= ? "
			     "AND seq > ? ORDER BY seq", e);
	int rc;

	if (!st || gs_bind(st, e, "ttttiii", f->actor, f->actor, f->cmd, f->cmd,
			   f->since, f->until, f->after))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		json_t *tx = json_loads(gs_col_text(st, 5), 0, NULL);
		if (!tx) {
			gs_stmt_reset(st);
			return gs_fail(e, GS_EINTERNAL, "journal #%lld is not JSON",
				       (long long)gs_col_int(st, 0));
		}
		json_object_set_new(tx, "sig", json_string(gs_col_text(st, 6)));
		json_t *rec = json_pack("{s:s,s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:o}",
			"type", "tx", "seq", (json_int_t)gs_col_int(st, 0), "time",
			(json_int_t)gs_col_int(st, 1), "actor", gs_col_text(st, 2),
			"cmd", gs_col_text(st, 3), "id", gs_col_text(st, 4), "prev",
			gs_col_text(st, 7), "hash", gs_col_text(st, 8), "tx", tx);
		if (fn(rec, arg) != 0) {
			gs_stmt_reset(st);
			return GS_OK;
		}
	}
	return rc < 0 ? e->code : GS_OK;
}
