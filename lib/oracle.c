/* oracle.c - production reports by staked oracles, quorum medians, finalization. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "internal.h"

/* Parameters one report or finalization needs, read once per tx. */
struct oracle_params {
	int64_t slot_seconds, min_stake, quorum, verification, tolerance_bps,
		penalty;
};

static int params_load(gs_store *s, struct oracle_params *p, gs_err *e)
{
	if (gs_param_get(s, "slot_seconds", &p->slot_seconds, e) ||
	    gs_param_get(s, "oracle_min_stake", &p->min_stake, e) ||
	    gs_param_get(s, "oracle_quorum", &p->quorum, e) ||
	    gs_param_get(s, "verification_period_s", &p->verification, e) ||
	    gs_param_get(s, "oracle_tolerance_bps", &p->tolerance_bps, e) ||
	    gs_param_get(s, "oracle_penalty", &p->penalty, e))
		return e->code;
	return GS_OK;
}

/* End time of slot, or -1 when it does not fit in int64. */
static int64_t slot_end(int64_t slot, int64_t ss)
{
	int64_t end;

	if (__builtin_add_overflow(slot, 1, &end) ||
	    __builtin_mul_overflow(end, ss, &end))
		return -1;
	return end;
}

/* 1 if slot is finalized, 0 if not, -1 on error. */
static int slot_final(gs_store *s, int64_t slot, gs_err *e)
{
	int64_t final = 0;
	int rc = gs_query_int(s, e, &final, "SELECT final FROM oracle_slots "
			      "WHERE slot = ?", "i", slot);

	return rc < 0 ? -1 : rc == 1 && final;
}

/* The actor may report: role oracle (checked by the dispatcher) and stake
 * of at least oracle_min_stake. */
static int eligible(gs_ctx *c, const struct oracle_params *p, gs_err *e)
{
	char a[32], b[32];
	gs_stake st;

	if (gs_stake_get(c->store, c->actor, &st, e))
		return e->code;
	if (st.staked >= p->min_stake)
		return GS_OK;
	return gs_fail(e, GS_EREFUSED, "oracle '%s' has %s staked, needs at least "
		       "%s (oracle_min_stake)", c->actor,
		       gs_credits(c->store, st.staked, a, sizeof a),
		       gs_credits(c->store, p->min_stake, b, sizeof b));
}

/* One {panel, slot, wh} reading: checks, then the oracle's report for the
 * panel-slot is set (a later one replaces it). */
static int one_report(gs_ctx *c, const struct oracle_params *p, json_t *item,
		      gs_err *e)
{
	static const char *const fields[] = { "panel", "slot", "wh", NULL };
	int64_t panel, slot, wh, cap, limit, end;
	char when[32];
	int rc;

	if (gs_json_only(item, fields, e) ||
	    gs_json_int(item, "panel", 1, INT64_MAX, 0, &panel, e) ||
	    gs_json_int(item, "slot", 0, INT64_MAX, 0, &slot, e) ||
	    gs_json_int(item, "wh", 0, INT64_MAX, 0, &wh, e))
		return e->code;
	end = slot_end(slot, p->slot_seconds);
	if (end < 0)
		return gs_fail(e, GS_EINPUT, "field \"slot\": %lld is out of range",
			       (long long)slot);
	if (end > c->time)
		return gs_fail(e, GS_EREFUSED, "slot %lld has not ended (it ends at %s)",
			       (long long)slot, gs_time_format(end, when, sizeof when));
	if ((rc = slot_final(c->store, slot, e)) != 0)
		return rc < 0 ? e->code : gs_fail(e, GS_EREFUSED, "slot %lld is "
						  "finalized: reports are closed",
						  (long long)slot);
	/* a panel retired after the slot ended still gets that slot's value */
	if (gs_panel_capacity_at(c->store, panel, end, &cap, e))
		return e->code;
	if (gs_muldiv_floor(cap, p->slot_seconds, 3600, &limit))
		return gs_fail(e, GS_EINTERNAL, "capacity overflows");
	if (wh > limit)
		return gs_fail(e, GS_EREFUSED, "panel %lld: %lld Wh is above its "
			       "capacity x slot length (%lld Wh)", (long long)panel,
			       (long long)wh, (long long)limit);
	if (gs_exec(c->store, e, "INSERT INTO oracle_reports (slot, panel, oracle, "
		    "wh, seq, time) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (slot, "
		    "panel, oracle) DO UPDATE SET wh = excluded.wh, seq = excluded.seq, "
		    "time = excluded.time", "iitiii", slot, panel, c->actor, wh,
		    c->seq, c->time) ||
	    gs_exec(c->store, e, "INSERT INTO oracle_slots (slot, final) VALUES "
		    "(?, 0) ON CONFLICT (slot) DO NOTHING", "i", slot))
		return e->code;
	return GS_OK;
}

/* oracle.report {panel, slot, wh} | {items:[...]}: one batch, one tx. */
static int apply_report(gs_ctx *c, json_t *args, gs_err *e)
{
	struct oracle_params p;
	size_t n = 1, i;

	if (params_load(c->store, &p, e) || eligible(c, &p, e))
		return e->code;
	for (i = 0; i < n; i++)
		if (one_report(c, &p, gs_args_item(args, i, &n), e))
			return gs_item_fail(args, i, e);
	json_array_append_new(c->out, json_pack("{s:s,s:s,s:I}", "type", "reported",
						"oracle", c->actor, "readings",
						(json_int_t)n));
	return GS_OK;
}

/* A report of one panel-slot while finalizing. */
struct reading {
	int64_t wh;
	char oracle[33];
};

/* A flagged report, applied after the scan. */
struct flag {
	int64_t panel;
	char oracle[33];
};

/* Growing arrays used by finalize. */
struct scratch {
	struct reading *r;
	size_t nr, capr;
	struct flag *f;
	size_t nf, capf;
};

static int cmp_reading(const void *a, const void *b)
{
	const struct reading *x = a, *y = b;

	if (x->wh != y->wh)
		return x->wh < y->wh ? -1 : 1;
	return strcmp(x->oracle, y->oracle);
}

/* Grow *p (n used of *cap elements of size sz) for one more; -1 on OOM. */
static int grow(void **p, size_t n, size_t *cap, size_t sz)
{
	void *q;

	if (n < *cap)
		return 0;
	*cap = *cap ? 2 * *cap : 16;
	q = realloc(*p, *cap * sz);
	if (!q)
		return -1;
	*p = q;
	return 0;
}

/* Does wh deviate from median by more than bps? */
static int deviates(int64_t wh, int64_t median, int64_t bps)
{
	__int128 d = (__int128)wh - median;

	if (d < 0)
		d = -d;
	return d * 10000 > (__int128)bps * median;
}

/* Close one panel's readings: the production row, and flags for the
 * readings far from the median. */
static int close_panel(gs_ctx *c, const struct oracle_params *p, int64_t slot,
		       int64_t panel, struct scratch *w, int64_t *nfinal,
		       gs_err *e)
{
	int64_t n = (int64_t)w->nr, median;

	if (n < p->quorum)
		return gs_exec(c->store, e, "INSERT INTO production (slot, panel, wh, "
			       "reports, status) VALUES (?, ?, NULL, ?, 'unverified')",
			       "iii", slot, panel, n);
	qsort(w->r, w->nr, sizeof *w->r, cmp_reading);
	median = w->r[(n - 1) / 2].wh;
	for (size_t i = 0; i < w->nr; i++) {
		if (!deviates(w->r[i].wh, median, p->tolerance_bps))
			continue;
		if (grow((void **)&w->f, w->nf, &w->capf, sizeof *w->f))
			return gs_fail(e, GS_EINTERNAL, "out of memory");
		w->f[w->nf].panel = panel;
		memcpy(w->f[w->nf++].oracle, w->r[i].oracle, 33);
	}
	(*nfinal)++;
	return gs_exec(c->store, e, "INSERT INTO production (slot, panel, wh, "
		       "reports, status) VALUES (?, ?, ?, ?, 'final')", "iiii", slot,
		       panel, median, n);
}

/* Scan slot's reports in key order (slot, panel, oracle), one panel at a
 * time, writing production rows and collecting flags. */
static int scan_slot(gs_ctx *c, const struct oracle_params *p, int64_t slot,
		     struct scratch *w, int64_t *npanels, int64_t *nfinal,
		     gs_err *e)
{
	gs_stmt *st = gs_sql(c->store, "SELECT panel, oracle, wh FROM "
			     "oracle_reports WHERE slot = ? ORDER BY panel, oracle", e);
	int64_t cur = 0;
	int rc;

	if (!st || gs_bind(st, e, "i", slot))
		return e->code;
	w->nr = 0;
	while ((rc = gs_step(st, e)) == 1) {
		int64_t panel = gs_col_int(st, 0);
		if (panel != cur && w->nr > 0) {
			(*npanels)++;
			if (close_panel(c, p, slot, cur, w, nfinal, e))
				goto fail;
			w->nr = 0;
		}
		cur = panel;
		if (grow((void **)&w->r, w->nr, &w->capr, sizeof *w->r)) {
			gs_fail(e, GS_EINTERNAL, "out of memory");
			goto fail;
		}
		w->r[w->nr].wh = gs_col_int(st, 2);
		snprintf(w->r[w->nr++].oracle, 33, "%s", gs_col_text(st, 1));
	}
	if (rc < 0)
		return e->code;
	if (w->nr > 0) {
		(*npanels)++;
		return close_panel(c, p, slot, cur, w, nfinal, e);
	}
	return GS_OK;
fail:
	gs_stmt_reset(st);
	return e->code;
}

/* Mark the flagged reports and charge each oracle oracle_penalty per flag
 * through the stake module. */
static int charge_flags(gs_ctx *c, const struct oracle_params *p, int64_t slot,
			struct scratch *w, gs_err *e)
{
	json_t *per = json_object();	/* oracle -> flags */
	const char *oracle;
	json_t *v;
	int rc = GS_OK;

	for (size_t i = 0; i < w->nf && !rc; i++) {
		json_t *k = json_object_get(per, w->f[i].oracle);
		json_object_set_new(per, w->f[i].oracle,
				    json_integer(json_integer_value(k) + 1));
		rc = gs_exec(c->store, e, "UPDATE oracle_reports SET flagged = 1 WHERE "
			     "slot = ? AND panel = ? AND oracle = ?", "iit", slot,
			     w->f[i].panel, w->f[i].oracle);
	}
	json_object_foreach(per, oracle, v) {
		int64_t flags = json_integer_value(v), amount, taken;
		gs_stake st;
		if (rc)
			break;
		if (__builtin_mul_overflow(flags, p->penalty, &amount))
			amount = INT64_MAX;	/* saturate: the stake is gone anyway */
		if ((rc = gs_stake_penalize(c, oracle, amount, 0, &taken, e)) ||
		    (rc = gs_stake_get(c->store, oracle, &st, e)))
			break;
		json_array_append_new(c->out, json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:s}",
			"type", "penalty", "account", oracle, "slot", (json_int_t)slot,
			"flags", (json_int_t)flags, "amount", (json_int_t)taken, "debt",
			(json_int_t)(amount - taken), "reason", "oracle misreport"));
	}
	json_decref(per);
	return rc ? e->code : GS_OK;
}

int gs_oracle_unreported(gs_ctx *c, int64_t slot, int64_t *npanels, gs_err *e)
{
	int64_t fin = 0;

	if (gs_query_int(c->store, e, &fin, "SELECT final FROM oracle_slots WHERE "
			 "slot = ?", "i", slot) < 0)
		return e->code;
	if (!fin)
		return GS_OK;
	if (gs_exec(c->store, e, "INSERT INTO production (slot, panel, wh, reports, "
		    "status) SELECT DISTINCT o.slot, o.panel, CAST(NULL AS BIGINT), 0, "
		    "'unverified' FROM "
		    "orders o JOIN fills f ON f.order_id = o.id WHERE o.slot = ? AND "
		    "o.side = 'sell' AND f.qty_wh > 0 AND o.panel NOT IN (SELECT "
		    "panel FROM production WHERE slot = ?)", "ii", slot, slot))
		return e->code;
	if (npanels)
		*npanels += gs_store_changes(c->store);
	return GS_OK;
}

/* Finalize one slot; GS_EALREADY if final, GS_EREFUSED if not yet due. */
static int finalize_slot(gs_ctx *c, const struct oracle_params *p,
			 int64_t slot, struct scratch *w, gs_err *e)
{
	int64_t end = slot_end(slot, p->slot_seconds), npanels = 0, nfinal = 0;
	char when[32];
	int rc;

	if (end < 0)
		return gs_fail(e, GS_EINPUT, "slot %lld is out of range", (long long)slot);
	if ((rc = slot_final(c->store, slot, e)) != 0)
		return rc < 0 ? e->code : gs_fail(e, GS_EALREADY, "slot %lld is already "
						  "finalized", (long long)slot);
	if (end > INT64_MAX - p->verification || end + p->verification > c->time)
		return gs_fail(e, GS_EREFUSED, "slot %lld can be finalized from %s "
			       "(verification_period_s after its end)", (long long)slot,
			       gs_time_format(end + p->verification, when, sizeof when));
	w->nf = 0;
	if (scan_slot(c, p, slot, w, &npanels, &nfinal, e) ||
	    charge_flags(c, p, slot, w, e) ||
	    gs_exec(c->store, e, "INSERT INTO oracle_slots (slot, final, "
		    "finalized_seq, finalized_at) VALUES (?, 1, ?, ?) ON CONFLICT "
		    "(slot) DO UPDATE SET final = 1, finalized_seq = excluded."
		    "finalized_seq, finalized_at = excluded.finalized_at", "iii", slot,
		    c->seq, c->time) ||
	    gs_oracle_unreported(c, slot, &npanels, e))
		return e->code;
	json_array_append_new(c->out, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "type",
		"finalized", "slot", (json_int_t)slot, "panels", (json_int_t)npanels,
		"final", (json_int_t)nfinal, "unverified",
		(json_int_t)(npanels - nfinal), "flags", (json_int_t)w->nf));
	return GS_OK;
}

/* Slots that are due, verification period over: those with reports not
 * final yet, and cleared auction slots nobody reported on (settlement
 * needs their data final: every panel in them is then unverified). */
static int due_slots(gs_ctx *c, const struct oracle_params *p, json_t *slots,
		     gs_err *e)
{
	gs_stmt *st = gs_sql(c->store, "SELECT slot FROM oracle_slots WHERE final = 0 "
			     "AND (slot + 1) * ? + ? <= ? UNION SELECT slot FROM "
			     "clearings WHERE slot NOT IN (SELECT slot FROM "
			     "oracle_slots) AND (slot + 1) * ? + ? <= ? ORDER BY 1", e);
	int rc;

	if (!st || gs_bind(st, e, "iiiiii", p->slot_seconds, p->verification, c->time,
			   p->slot_seconds, p->verification, c->time))
		return e->code;
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(slots, json_integer(gs_col_int(st, 0)));
	return rc < 0 ? e->code : GS_OK;
}

/* oracle.finalize {slot} | {due: 1}: close slots (role operator). */
static int apply_finalize(gs_ctx *c, json_t *args, gs_err *e)
{
	struct oracle_params p;
	struct scratch w = { 0 };
	int64_t slot;
	json_t *slots = json_array(), *v;
	size_t i;
	int rc;

	if (gs_slot_or_due(args, &slot, e) || params_load(c->store, &p, e))
		goto out;
	if (slot >= 0)
		json_array_append_new(slots, json_integer(slot));
	else if (due_slots(c, &p, slots, e))
		goto out;
	if (json_array_size(slots) == 0) {
		gs_fail(e, GS_EALREADY, "no slot is due for finalization");
		goto out;
	}
	json_array_foreach(slots, i, v)
		if ((rc = finalize_slot(c, &p, json_integer_value(v), &w, e)))
			goto out;
	e->code = GS_OK;
out:
	free(w.r);
	free(w.f);
	json_decref(slots);
	return e->code;
}

/* oracle.amend {panel, slot, wh}: replace a finalized panel-slot value
 * (the admin before it renounces, then executed DAO proposals) of a slot
 * that is not settled yet; its provisional settlement is reopened. */
static int apply_amend(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "panel", "slot", "wh", NULL };
	int64_t panel, slot, wh, fin = 0, settled = 0, cap, len, limit;
	char state[16] = "";
	gs_stmt *st;
	int rc;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "panel", 1, INT64_MAX, 0, &panel, e) ||
	    gs_json_int(args, "slot", 0, INT64_MAX, 0, &slot, e) ||
	    gs_json_int(args, "wh", 0, INT64_MAX, 0, &wh, e) ||
	    gs_param_get(c->store, "slot_seconds", &len, e) ||
	    gs_panel_capacity_at(c->store, panel, 0, &cap, e) ||
	    gs_query_int(c->store, e, &fin, "SELECT final FROM oracle_slots WHERE "
			 "slot = ?", "i", slot) < 0)
		return e->code;
	if (gs_muldiv_floor(cap, len, 3600, &limit))
		return gs_fail(e, GS_EINTERNAL, "capacity overflows");
	if (wh > limit)
		return gs_fail(e, GS_EINPUT, "field \"wh\": %lld Wh is more than panel "
			       "%lld can make in a slot: capacity x slot length (%lld Wh)",
			       (long long)wh, (long long)panel, (long long)limit);
	if (fin != 1)
		return gs_fail(e, GS_EREFUSED, "the oracle data of slot %lld is not "
			       "final: report it instead", (long long)slot);
	rc = gs_query_row(c->store, e, &st, "SELECT state FROM settlements WHERE "
			  "slot = ?", "i", slot);
	if (rc < 0)
		return e->code;
	if (rc == 1) {
		snprintf(state, sizeof state, "%s", gs_col_text(st, 0));
		gs_stmt_reset(st);
		settled = strcmp(state, "final") == 0;
	}
	if (settled)
		return gs_fail(e, GS_EREFUSED, "slot %lld is settled: it never changes",
			       (long long)slot);
	if (gs_exec(c->store, e, "INSERT INTO production (slot, panel, wh, reports, "
		    "status) VALUES (?, ?, ?, 0, 'final') ON CONFLICT (slot, panel) DO "
		    "UPDATE SET wh = excluded.wh, status = 'final'", "iii", slot, panel,
		    wh) ||
	    (state[0] && gs_settle_reopen(c, slot, e)))
		return e->code;
	return gs_production_records(c->store, slot, panel, 0, c->out, e);
}

const struct gs_cmd gs_oracle_cmds[] = {
	{ "oracle.report", "oracle", apply_report },
	{ "oracle.finalize", "operator", apply_finalize },
	{ "oracle.amend", "admin", apply_amend },
	{ NULL, NULL, NULL },
};

/* ---- queries ---- */

int gs_production_records(gs_store *s, int64_t slot, int64_t panel,
			  int final_only, json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT r.slot, r.panel, p.wh, count(*), "
			     "coalesce(p.status, 'pending') FROM oracle_reports r "
			     "LEFT JOIN production p ON p.slot = r.slot AND p.panel = r.panel "
			     "WHERE (? < 0 OR r.slot = ?) AND (? = 0 OR r.panel = ?) "
			     "AND (? = 0 OR p.status IS NOT NULL) "
			     "GROUP BY r.slot, r.panel, p.wh, p.status UNION ALL SELECT slot, "
			     "panel, wh, "
			     "0, status FROM production WHERE reports = 0 AND (? < 0 OR "
			     "slot = ?) AND (? = 0 OR panel = ?) ORDER BY 1, 2", e);
	int rc;

	/* the second part: panels that sold but got no report (unverified) */
	if (!st || gs_bind(st, e, "iiiii" "iiii", slot, slot, panel, panel,
			   (int64_t)final_only, slot, slot, panel, panel))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		json_t *r = json_pack("{s:s,s:I,s:I}", "type", "production", "panel",
				      (json_int_t)gs_col_int(st, 1), "slot",
				      (json_int_t)gs_col_int(st, 0));
		json_object_set_new(r, "wh", gs_col_type(st, 2) == 'i'
				    ? json_integer(gs_col_int(st, 2)) : json_null());
		json_object_set_new(r, "reports", json_integer(gs_col_int(st, 3)));
		json_object_set_new(r, "status", json_string(gs_col_text(st, 4)));
		json_array_append_new(out, r);
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_report_records(gs_store *s, int64_t slot, int64_t panel,
		      const char *oracle, json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT slot, panel, oracle, wh, flagged, time "
			     "FROM oracle_reports WHERE (? < 0 OR slot = ?) AND "
			     "(? = 0 OR panel = ?) AND (? IS NULL OR oracle = ?) "
			     "ORDER BY slot, panel, oracle", e);
	int rc;

	if (!st || gs_bind(st, e, "iiiitt", slot, slot, panel, panel, oracle, oracle))
		return e->code;
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(out, json_pack("{s:s,s:I,s:I,s:s,s:I,s:b,s:I}",
			"type", "report", "slot", (json_int_t)gs_col_int(st, 0), "panel",
			(json_int_t)gs_col_int(st, 1), "oracle", gs_col_text(st, 2),
			"wh", (json_int_t)gs_col_int(st, 3), "flagged",
			(int)gs_col_int(st, 4), "time", (json_int_t)gs_col_int(st, 5)));
	return rc < 0 ? e->code : GS_OK;
}

int gs_oracle_slot_records(gs_store *s, int64_t now, json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT o.slot, o.final, o.finalized_at, "
			     "(SELECT count(*) FROM oracle_reports r WHERE r.slot = o.slot), "
			     "(SELECT count(DISTINCT panel) FROM oracle_reports r "
			     " WHERE r.slot = o.slot), (SELECT value FROM params WHERE "
			     "name = 'slot_seconds') FROM oracle_slots o ORDER BY o.slot", e);
	int rc;

	if (!st)
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		int64_t slot = gs_col_int(st, 0), ss = gs_col_int(st, 5);
		const char *state = gs_col_int(st, 1) ? "finalized"
				    : (slot + 1) * ss > now ? "open" : "reporting";
		json_t *r = json_pack("{s:s,s:I,s:I,s:s,s:I,s:I}", "type", "oracle_slot",
			"slot", (json_int_t)slot, "start", (json_int_t)(slot * ss),
			"state", state, "reports", (json_int_t)gs_col_int(st, 3),
			"panels", (json_int_t)gs_col_int(st, 4));
		json_object_set_new(r, "finalized_at", gs_col_type(st, 2) == 'i'
				    ? json_integer(gs_col_int(st, 2)) : json_null());
		json_array_append_new(out, r);
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_oracle_records(gs_store *s, json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT r.account, coalesce(s.staked, 0), "
			     "(SELECT count(*) FROM oracle_reports o WHERE o.oracle = r.account), "
			     "(SELECT count(*) FROM oracle_reports o WHERE o.oracle = r.account "
			     " AND o.flagged = 1) FROM roles r LEFT JOIN stakes s ON "
			     "s.account = r.account WHERE r.role = 'oracle' ORDER BY r.account", e);
	int rc;

	if (!st)
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		int64_t n = gs_col_int(st, 2), flags = gs_col_int(st, 3);
		json_t *r = json_pack("{s:s,s:s,s:I,s:I,s:I}", "type", "oracle", "account",
				      gs_col_text(st, 0), "staked", (json_int_t)gs_col_int(st, 1),
				      "reports", (json_int_t)n, "flags", (json_int_t)flags);
		json_object_set_new(r, "accuracy_bps", n ? json_integer((n - flags) * 10000 / n)
						      : json_null());
		json_array_append_new(out, r);
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_panel_history(gs_store *s, int64_t panel, json_t *out, gs_err *e)
{
	json_t *tmp = json_array();
	int rc = gs_panel_records(s, panel, NULL, tmp, e);

	json_decref(tmp);
	return rc ? rc : gs_production_records(s, -1, panel, 1, out, e);
}
