/* params.c - protocol parameters: definitions, defaults, reading, setting. */
#include <string.h>

#include "gridset.h"
#include "internal.h"

#define C(x) ((int64_t)(x) * 1000000)	/* credits in micro-credits */
#define DAY 86400
#define YEAR (365 * DAY)

/* Defaults of DESIGN §10. Money values are micro-credits, scaled to the
 * token's decimals at genesis. */
const struct gs_param_def gs_params[] = {
	{ "slot_seconds", GS_UNIT_SECONDS, 900, 60, DAY, 1 },
	{ "decimals", GS_UNIT_COUNT, 6, 0, GS_MAX_DECIMALS, 1 },
	{ "gate_closure_s", GS_UNIT_SECONDS, 300, 0, 7 * DAY, 0 },
	{ "price_min", GS_UNIT_PRICE, -500000, -C(1000000), C(1000000), 0 },
	{ "price_max", GS_UNIT_PRICE, C(4), -C(1000000), C(1000000), 0 },
	{ "oracle_quorum", GS_UNIT_COUNT, 1, 1, 1000, 0 },
	{ "oracle_min_stake", GS_UNIT_AMOUNT, C(100), 0, C(1000000000000), 0 },
	{ "verification_period_s", GS_UNIT_SECONDS, 900, 0, 30 * DAY, 0 },
	{ "oracle_tolerance_bps", GS_UNIT_BPS, 500, 0, 10000, 0 },
	{ "oracle_penalty", GS_UNIT_AMOUNT, C(10), 0, C(1000000000000), 0 },
	{ "penalty_bps", GS_UNIT_BPS, 15000, 0, 100000, 0 },
	{ "seller_min_stake", GS_UNIT_AMOUNT, C(10), 0, C(1000000000000), 0 },
	{ "dispute_window_s", GS_UNIT_SECONDS, 3600, 0, 30 * DAY, 0 },
	{ "dispute_bond", GS_UNIT_AMOUNT, C(10), 0, C(1000000000000), 0 },
	{ "unbonding_period_s", GS_UNIT_SECONDS, 604800, 0, YEAR, 0 },
	{ "proposal_threshold", GS_UNIT_AMOUNT, C(1000), 0, C(1000000000000), 0 },
	{ "voting_delay_s", GS_UNIT_SECONDS, 0, 0, 30 * DAY, 0 },
	{ "voting_period_s", GS_UNIT_SECONDS, 259200, 60, YEAR, 0 },
	{ "quorum_bps", GS_UNIT_BPS, 400, 0, 10000, 0 },
	{ "timelock_s", GS_UNIT_SECONDS, 172800, 0, YEAR, 0 },
	{ "grace_period_s", GS_UNIT_SECONDS, 14 * DAY, 60, YEAR, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

const struct gs_param_def *gs_param_find(const char *name)
{
	for (const struct gs_param_def *p = gs_params; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* A micro-credit value v in base units of a token with decimals:
 * exact when decimals >= 6 (saturating at the int64 range), truncated
 * toward zero below. */
int64_t gs_param_scale(const struct gs_param_def *p, int64_t v, int decimals)
{
	if (p->unit != GS_UNIT_AMOUNT && p->unit != GS_UNIT_PRICE)
		return v;
	for (int d = 6; d < decimals; d++)
		v = v > INT64_MAX / 10 ? INT64_MAX : v < INT64_MIN / 10 ? INT64_MIN
								      : v * 10;
	for (int d = decimals; d < 6; d++)
		v /= 10;
	return v;
}

int gs_param_get(gs_store *s, const char *name, int64_t *out, gs_err *e)
{
	int rc = gs_query_int(s, e, out, "SELECT value FROM params WHERE name = ?",
			      "t", name);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINTERNAL, "parameter '%s' is missing", name);
	return GS_OK;
}

int gs_params_init(gs_store *s, int decimals, int64_t slot_seconds,
		   gs_err *e)
{
	for (const struct gs_param_def *p = gs_params; p->name; p++) {
		int64_t v = gs_param_scale(p, p->dflt, decimals);
		if (strcmp(p->name, "slot_seconds") == 0)
			v = slot_seconds;
		else if (strcmp(p->name, "decimals") == 0)
			v = decimals;
		if (gs_exec(s, e, "INSERT INTO params (name, value) VALUES (?, ?)",
			    "ti", p->name, v))
			return e->code;
	}
	return GS_OK;
}

int gs_param_check(gs_store *s, const char *name, int64_t value, gs_err *e)
{
	const struct gs_param_def *p = gs_param_find(name);
	int64_t dec, lo, hi, other;

	if (!p)
		return gs_fail(e, GS_EINPUT, "unknown parameter '%s'", name);
	if (p->fixed)
		return gs_fail(e, GS_EREFUSED, "parameter '%s' is fixed at genesis",
			       name);
	if (gs_param_get(s, "decimals", &dec, e))
		return e->code;
	lo = gs_param_scale(p, p->min, (int)dec);
	hi = gs_param_scale(p, p->max, (int)dec);
	if (value < lo || value > hi)
		return gs_fail(e, GS_EINPUT,
			       "parameter '%s' must be between %lld and %lld",
			       name, (long long)lo, (long long)hi);
	if (strcmp(name, "price_min") == 0 || strcmp(name, "price_max") == 0) {
		int is_min = name[6] == 'm' && name[7] == 'i';
		if (gs_param_get(s, is_min ? "price_max" : "price_min", &other, e))
			return e->code;
		if (is_min ? value >= other : value <= other)
			return gs_fail(e, GS_EINPUT,
				       "price_min must stay below price_max");
	}
	return GS_OK;
}

int gs_param_set(gs_store *s, const char *name, int64_t value, gs_err *e)
{
	if (gs_param_check(s, name, value, e))
		return e->code;
	return gs_exec(s, e, "UPDATE params SET value = ? WHERE name = ?", "it",
		       value, name);
}

/* params.set {name, value}: change one parameter (admin). */
static int apply_set(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "name", "value", NULL };
	const char *name;
	int64_t value;

	if (gs_json_only(args, fields, e) ||
	    gs_json_str(args, "name", 64, 0, &name, e) ||
	    gs_json_int(args, "value", INT64_MIN, INT64_MAX, 0, &value, e) ||
	    gs_param_set(c->store, name, value, e))
		return e->code;
	json_array_append_new(c->out, json_pack("{s:s,s:s,s:I}", "type", "param",
						"name", name, "value", (json_int_t)value));
	return GS_OK;
}

const struct gs_cmd gs_params_cmds[] = {
	{ "params.set", "admin", apply_set },
	{ NULL, NULL, NULL },
};

const char *gs_credits(gs_store *s, int64_t v, char *buf, size_t n)
{
	int64_t dec = 6;

	gs_param_get(s, "decimals", &dec, NULL);
	return gs_decimal_format(v, (int)dec, buf, n);
}

int gs_params_list(gs_store *s, json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT name, value FROM params ORDER BY name", e);
	int rc;

	if (!st)
		return e->code;
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(out, json_pack("{s:s,s:s,s:I}", "type", "param",
						     "name", gs_col_text(st, 0), "value",
						     (json_int_t)gs_col_int(st, 1)));
	return rc < 0 ? e->code : GS_OK;
}
