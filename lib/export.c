/* export.c - moving a state: the journal out as signed txs, and in again
 * by replaying them into an empty state, checked by head and digest. */
#include <string.h>

#include "gridset.h"

/* The trailer record of an export of s: journal head and state digest. */
static json_t *trailer(gs_store *s, gs_err *e)
{
	unsigned char d[32];
	char hh[65], dh[65];
	gs_head h;

	if (gs_journal_head(s, &h, e) || gs_state_digest(s, d, e))
		return NULL;
	return json_pack("{s:s,s:I,s:s,s:s}", "type", "export", "seq", (json_int_t)h.seq,
			 "head", gs_hex(h.hash, 32, hh), "digest", gs_hex(d, 32, dh));
}

int gs_export(gs_store *s, gs_log_fn fn, void *arg, gs_err *e)
{
	gs_stmt *st = gs_sql_once(s, "SELECT tx, sig FROM journal ORDER BY seq", e);
	json_t *t;
	int rc;

	if (!st)
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		json_t *tx = gs_signed_tx(gs_col_text(st, 0), gs_col_text(st, 1));
		if (!tx) {
			gs_stmt_free(st);
			return gs_fail(e, GS_EINTERNAL, "journal row unreadable");
		}
		if (fn(tx, arg)) {
			gs_stmt_free(st);
			return gs_fail(e, GS_EINTERNAL, "cannot write the export");
		}
	}
	gs_stmt_free(st);
	if (rc < 0 || !(t = trailer(s, e)))
		return e->code;
	return fn(t, arg) ? gs_fail(e, GS_EINTERNAL, "cannot write the export") : GS_OK;
}

/* Check the export's trailer t (line) against what the import built. */
static int check_trailer(gs_store *s, json_t *t, long line, gs_err *e)
{
	json_t *mine = trailer(s, e);
	int same;

	if (!mine)
		return e->code;
	same = json_equal(mine, t);
	if (!same && !json_equal(json_object_get(mine, "head"), json_object_get(t, "head")))
		gs_fail(e, GS_EREFUSED, "line %ld: the replayed journal ends at #%lld, "
			"not at the export's head", line,
			(long long)json_integer_value(json_object_get(mine, "seq")));
	else if (!same)
		gs_fail(e, GS_EREFUSED, "line %ld: the replayed state's digest differs "
			"from the export's (the exported state does not match its "
			"journal)", line);
	json_decref(mine);
	return same ? GS_OK : e->code;
}

/* Apply line's tx o to s: it must apply (not duplicate, not refused). */
static int import_tx(gs_store *s, json_t *o, long line, gs_err *e)
{
	int status = -1;

	if (gs_tx_apply(s, o, &status, NULL, NULL, e) == GS_OK && status == GS_APPLIED)
		return GS_OK;
	if (e->code == GS_OK)
		gs_fail(e, GS_EREFUSED, "the tx was already applied (duplicate id)");
	if (e->item > 0)
		gs_err_prefix(e, "item %ld: ", e->item);
	return gs_err_prefix(e, "line %ld: ", line);
}

/* Read the export from r into the open batch of s; *count txs applied. */
static int import_lines(gs_store *s, gs_ndjson *r, int64_t *count, gs_err *e)
{
	static const char *const fields[] = { "type", "seq", "head", "digest", NULL };
	int rc, done = 0;
	json_t *o;
	long line;

	while ((rc = gs_ndjson_next(r, &o, &line, e)) == 1) {
		if (done)
			rc = gs_fail(e, GS_EINPUT, "line %ld: input goes on after the "
				     "export's trailer", line);
		else if (!json_object_get(o, "type"))
			rc = import_tx(s, o, line, e);
		else if (gs_json_only(o, fields, e) ||
			 !json_is_string(json_object_get(o, "type")) ||
			 strcmp(json_string_value(json_object_get(o, "type")), "export"))
			rc = gs_fail(e, GS_EINPUT, "line %ld: not a tx nor the export's "
				     "trailer", line);
		else if ((rc = check_trailer(s, o, line, e)) == GS_OK)
			done = 1;
		json_decref(o);
		if (rc)
			return e->code;
		*count += !done;
	}
	if (rc < 0 || rc > 1)
		return e->code;
	return done ? GS_OK : gs_fail(e, GS_EINPUT, "the export ends without its "
				      "trailer (cut short?)");
}

int gs_import(gs_store *s, gs_ndjson *r, int64_t *count, gs_err *e)
{
	gs_head h;

	*count = 0;
	if (gs_journal_head(s, &h, e))
		return e->code;
	if (h.seq != 0)
		return gs_fail(e, GS_EREFUSED, "the state already holds a journal "
			       "(#%lld): import needs an empty one", (long long)h.seq);
	if (gs_store_batch_begin(s, e))
		return e->code;
	if (import_lines(s, r, count, e)) {
		gs_store_batch_end(s, 0, NULL);
		return e->code;
	}
	return gs_store_batch_end(s, 1, e);
}
