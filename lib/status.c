/* status.c - where each recent slot stands across oracle, auction and settlement. */
#include <string.h>

#include "gridset.h"
#include "internal.h"

/* The timing parameters the states depend on. */
struct timing {
	int64_t slot_seconds, gate, verification, window;
};

/* What is known of one slot. */
struct slot_facts {
	int64_t slot, open_orders, price, volume, computed_at;
	int cleared, has_price, data_final, has_data;
	char settlement[16];
};

static int facts_of(gs_store *s, int64_t slot, struct slot_facts *f, gs_err *e)
{
	int64_t final = 0;
	gs_stmt *st;
	int rc;

	memset(f, 0, sizeof *f);
	f->slot = slot;
	if (gs_query_int(s, e, &f->open_orders, "SELECT count(*) FROM orders WHERE "
			 "slot = ? AND state = 'open' AND slot NOT IN (SELECT slot "
			 "FROM clearings)", "i", slot) < 0)
		return e->code;
	rc = gs_query_row(s, e, &st, "SELECT price, volume_wh FROM clearings WHERE "
			  "slot = ?", "i", slot);
	if (rc < 0)
		return e->code;
	if (rc == 1) {
		f->cleared = 1;
		f->has_price = gs_col_type(st, 0) == 'i';
		f->price = gs_col_int(st, 0);
		f->volume = gs_col_int(st, 1);
		gs_stmt_reset(st);
	}
	rc = gs_query_int(s, e, &final, "SELECT final FROM oracle_slots WHERE "
			  "slot = ?", "i", slot);
	if (rc < 0)
		return e->code;
	f->has_data = rc == 1;
	f->data_final = rc == 1 && final == 1;
	rc = gs_query_row(s, e, &st, "SELECT state, computed_at FROM settlements "
			  "WHERE slot = ?", "i", slot);
	if (rc < 0)
		return e->code;
	if (rc == 1) {
		snprintf(f->settlement, sizeof f->settlement, "%s", gs_col_text(st, 0));
		f->computed_at = gs_col_int(st, 1);
		gs_stmt_reset(st);
	}
	return GS_OK;
}

/* The state of a slot and what comes next (next_at < 0: nothing timed). */
static const char *state_of(const struct slot_facts *f, const struct timing *t,
			    int64_t now, const char **next, int64_t *next_at)
{
	int64_t start = f->slot * t->slot_seconds, end = start + t->slot_seconds;

	*next_at = -1;
	if (strcmp(f->settlement, "final") == 0) {
		*next = NULL;
		return "settled";
	}
	if (strcmp(f->settlement, "disputed") == 0) {
		*next = "resolve the dispute (operator)";
		return "disputed";
	}
	if (strcmp(f->settlement, "reopened") == 0) {
		*next = "compute again after the correction (operator)";
		return "reopened";
	}
	if (f->settlement[0]) {
		*next = "settlement finalize";
		*next_at = f->computed_at + t->window;
		return "computed";
	}
	if (f->cleared && f->data_final) {
		*next = "settlement compute";
		*next_at = now;
		return "data final";
	}
	if (f->cleared) {
		*next = "oracle finalize";
		*next_at = end + t->verification;
		return "cleared";
	}
	if (now < start - t->gate) {
		*next = f->open_orders ? "auction clear" : "gate closes";
		*next_at = start - t->gate;
		return "open";
	}
	if (f->open_orders) {
		*next = "auction clear";
		*next_at = now;
		return "gate closed";
	}
	/* nothing to clear: only oracle data, or every order canceled */
	*next = f->has_data && !f->data_final ? "oracle finalize" : NULL;
	if (*next)
		*next_at = end + t->verification;
	return "no orders";
}

int gs_slot_status_records(gs_store *s, int64_t now, int limit, json_t *out,
			   gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT slot FROM (SELECT slot FROM orders UNION "
			     "SELECT slot FROM oracle_slots UNION SELECT slot FROM "
			     "clearings) AS u ORDER BY slot DESC LIMIT ?", e);
	json_t *slots = json_array(), *v;
	struct timing t;
	size_t i;
	int rc;

	if (!st || gs_bind(st, e, "i", (int64_t)limit) ||
	    gs_param_get(s, "slot_seconds", &t.slot_seconds, e) ||
	    gs_param_get(s, "gate_closure_s", &t.gate, e) ||
	    gs_param_get(s, "verification_period_s", &t.verification, e) ||
	    gs_param_get(s, "dispute_window_s", &t.window, e)) {
		json_decref(slots);
		return e->code;
	}
	while ((rc = gs_step(st, e)) == 1)
		json_array_insert_new(slots, 0, json_integer(gs_col_int(st, 0)));
	json_array_foreach(slots, i, v) {
		struct slot_facts f;
		const char *next, *state;
		int64_t at;
		if (rc < 0 || facts_of(s, json_integer_value(v), &f, e)) {
			rc = -1;
			break;
		}
		state = state_of(&f, &t, now, &next, &at);
		json_array_append_new(out, json_pack("{s:s,s:I,s:I,s:s,s:I,s:o,s:I,s:o,s:o}",
			"type", "slot", "slot", (json_int_t)f.slot, "start",
			(json_int_t)(f.slot * t.slot_seconds), "state", state,
			"open_orders", (json_int_t)f.open_orders,
			"price", f.has_price ? json_integer(f.price) : json_null(),
			"volume_wh", (json_int_t)f.volume,
			"next", next ? json_string(next) : json_null(),
			"next_at", at >= 0 ? json_integer(at < now ? now : at) : json_null()));
	}
	json_decref(slots);
	return rc < 0 ? e->code : GS_OK;
}
