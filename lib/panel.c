/* panel.c - solar panels as non-fungible assets: register, transfer, retire. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "internal.h"

#define MAX_CAPACITY_W INT64_C(10000000000)	/* 10 GW */
#define MAX_META 4096

/* Parse "LAT,LON" in decimal degrees into microdegrees; 0 if it is one. */
static int parse_latlon(const char *s, int64_t *lat, int64_t *lon)
{
	char a[32], b[32];
	const char *comma = strchr(s, ',');
	size_t n;

	if (!comma || (n = (size_t)(comma - s)) >= sizeof a ||
	    strlen(comma + 1) >= sizeof b)
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	snprintf(b, sizeof b, "%s", comma + 1 + (comma[1] == ' '));
	if (gs_decimal_parse(a, 6, 1, lat, NULL) || gs_decimal_parse(b, 6, 1, lon, NULL))
		return -1;
	if (*lat < -90000000 || *lat > 90000000 || *lon < -180000000 ||
	    *lon > 180000000)
		return -1;
	return 0;
}

/* Is account a user (non-system) account? GS_EINPUT if unknown,
 * GS_EREFUSED if it is a system account. */
static int user_account(gs_store *s, const char *name, gs_err *e)
{
	int64_t user;
	int rc = gs_query_int(s, e, &user, "SELECT kind = 'user' FROM accounts "
			      "WHERE name = ?", "t", name);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown account '%s'", name);
	if (!user)
		return gs_fail(e, GS_EREFUSED, "system account '%s' cannot own panels",
			       name);
	return GS_OK;
}

/* panel.register {owner, capacity_w, location?, installed?, meta?}. */
static int one_register(gs_ctx *c, json_t *item, gs_err *e)
{
	static const char *const fields[] = { "owner", "capacity_w", "location",
					      "installed", "meta", NULL };
	const char *owner, *location = NULL;
	int64_t cap, installed = -1, id, lat = 0, lon = 0;
	json_t *meta = json_object_get(item, "meta");
	char *metatext = NULL;
	int haveloc, rc;

	if (gs_json_only(item, fields, e) ||
	    gs_json_str(item, "owner", 32, 0, &owner, e) ||
	    gs_json_int(item, "capacity_w", 1, MAX_CAPACITY_W, 0, &cap, e) ||
	    gs_json_str(item, "location", 256, 1, &location, e) ||
	    gs_json_int(item, "installed", 0, INT64_MAX / 2, 1, &installed, e) ||
	    user_account(c->store, owner, e))
		return e->code;
	if (meta && !json_is_object(meta))
		return gs_fail(e, GS_EINPUT, "field \"meta\": must be a JSON object");
	if (meta && (!(metatext = gs_canonical(meta)) || strlen(metatext) > MAX_META)) {
		free(metatext);
		return gs_fail(e, GS_EINPUT, "field \"meta\": longer than %d bytes",
			       MAX_META);
	}
	haveloc = location && parse_latlon(location, &lat, &lon) == 0;
	rc = gs_query_int(c->store, e, &id, "SELECT coalesce(max(id), 0) + 1 "
			  "FROM panels", "") < 0 ||
	     gs_exec(c->store, e, "INSERT INTO panels (id, owner, capacity_w, "
		     "location, meta, status, registered) "
		     "VALUES (?, ?, ?, ?, ?, 'active', ?)", "ititti",
		     id, owner, cap, location, metatext, c->time);
	free(metatext);
	if (rc)
		return e->code;
	if ((haveloc && gs_exec(c->store, e, "UPDATE panels SET lat_e6 = ?, "
				"lon_e6 = ? WHERE id = ?", "iii", lat, lon, id)) ||
	    (installed >= 0 && gs_exec(c->store, e, "UPDATE panels SET installed = ? "
				       "WHERE id = ?", "ii", installed, id)))
		return e->code;
	return gs_panel_records(c->store, id, NULL, c->out, e);
}

/* Owner and status of panel id; GS_EINPUT if unknown. */
static int panel_get(gs_store *s, int64_t id, char owner[33], int *active,
		     gs_err *e)
{
	gs_stmt *st;
	int rc = gs_query_row(s, e, &st, "SELECT owner, status FROM panels "
			      "WHERE id = ?", "i", id);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown panel %lld", (long long)id);
	snprintf(owner, 33, "%s", gs_col_text(st, 0));
	*active = strcmp(gs_col_text(st, 1), "active") == 0;
	gs_stmt_reset(st);
	return GS_OK;
}

/* panel.transfer {panel, to}: the owner hands an active panel over. */
static int one_transfer(gs_ctx *c, json_t *item, gs_err *e)
{
	static const char *const fields[] = { "panel", "to", NULL };
	const char *to;
	char owner[33];
	int64_t id;
	int active;

	if (gs_json_only(item, fields, e) ||
	    gs_json_int(item, "panel", 1, INT64_MAX, 0, &id, e) ||
	    gs_json_str(item, "to", 32, 0, &to, e) ||
	    panel_get(c->store, id, owner, &active, e))
		return e->code;
	if (strcmp(owner, c->actor) != 0)
		return gs_fail(e, GS_EPERM, "panel %lld belongs to '%s'", (long long)id,
			       owner);
	if (!active)
		return gs_fail(e, GS_EREFUSED, "panel %lld is retired", (long long)id);
	if (user_account(c->store, to, e))
		return e->code;
	if (strcmp(to, owner) == 0)
		return gs_fail(e, GS_EALREADY, "panel %lld already belongs to '%s'",
			       (long long)id, to);
	if (gs_exec(c->store, e, "UPDATE panels SET owner = ? WHERE id = ?", "ti",
		    to, id))
		return e->code;
	return gs_panel_records(c->store, id, NULL, c->out, e);
}

/* Refuse to retire a panel with energy offered or sold in a slot that has
 * not ended: its production must still be reported, or a seller could
 * void a sale it cannot deliver by retiring the panel. */
static int busy_until(gs_ctx *c, int64_t id, gs_err *e)
{
	int64_t slot = -1, len, end;
	char when[32];

	if (gs_param_get(c->store, "slot_seconds", &len, e) ||
	    gs_query_int(c->store, e, &slot, "SELECT coalesce(max(slot), -1) FROM "
			 "panel_offers WHERE panel = ? AND qty_wh > 0", "i", id) < 0)
		return e->code;
	if (slot < 0 || __builtin_mul_overflow(slot + 1, len, &end) || end <= c->time)
		return GS_OK;
	return gs_fail(e, GS_EREFUSED, "panel %lld has energy offered in slot %lld, "
		       "which ends at %s: retire it after that", (long long)id,
		       (long long)slot, gs_time_format(end, when, sizeof when));
}

/* panel.retire {panel}: the owner or a registrar retires it for good. */
static int one_retire(gs_ctx *c, json_t *item, gs_err *e)
{
	static const char *const fields[] = { "panel", NULL };
	char owner[33];
	int64_t id;
	int active, rc;

	if (gs_json_only(item, fields, e) ||
	    gs_json_int(item, "panel", 1, INT64_MAX, 0, &id, e) ||
	    panel_get(c->store, id, owner, &active, e))
		return e->code;
	if (strcmp(owner, c->actor) != 0 &&
	    (rc = gs_has_role(c->store, c->actor, "registrar", e)) != 1)
		return rc < 0 ? e->code : gs_fail(e, GS_EPERM, "panel %lld belongs "
						  "to '%s' and '%s' is no registrar",
						  (long long)id, owner, c->actor);
	if (!active)
		return gs_fail(e, GS_EALREADY, "panel %lld is already retired",
			       (long long)id);
	if (busy_until(c, id, e))
		return e->code;
	if (gs_exec(c->store, e, "UPDATE panels SET status = 'retired', "
		    "retired_at = ? WHERE id = ?", "ii", c->time, id))
		return e->code;
	return gs_panel_records(c->store, id, NULL, c->out, e);
}

static int apply_register(gs_ctx *c, json_t *args, gs_err *e)
{
	return gs_each_item(c, args, one_register, e);
}

static int apply_transfer(gs_ctx *c, json_t *args, gs_err *e)
{
	return gs_each_item(c, args, one_transfer, e);
}

static int apply_retire(gs_ctx *c, json_t *args, gs_err *e)
{
	return gs_each_item(c, args, one_retire, e);
}

const struct gs_cmd gs_panel_cmds[] = {
	{ "panel.register", "registrar", apply_register },
	{ "panel.transfer", NULL, apply_transfer },
	{ "panel.retire", NULL, apply_retire },
	{ NULL, NULL, NULL },
};

int gs_panel_active(gs_store *s, int64_t id, char owner[33],
		    int64_t *capacity_w, gs_err *e)
{
	gs_stmt *st;
	int rc = gs_query_row(s, e, &st, "SELECT owner, status, capacity_w "
			      "FROM panels WHERE id = ?", "i", id);
	int active;

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown panel %lld", (long long)id);
	snprintf(owner, 33, "%s", gs_col_text(st, 0));
	active = strcmp(gs_col_text(st, 1), "active") == 0;
	*capacity_w = gs_col_int(st, 2);
	gs_stmt_reset(st);
	return active ? GS_OK : gs_fail(e, GS_EREFUSED, "panel %lld is retired",
					(long long)id);
}

int gs_panel_records(gs_store *s, int64_t id, const struct gs_panel_filter *f,
		     json_t *out, gs_err *e)
{
	static const struct gs_panel_filter all = { NULL, NULL, 0, INT64_MAX };
	gs_stmt *st = gs_sql(s, "SELECT id, owner, capacity_w, status, location, "
			     "lat_e6, lon_e6, installed, meta, registered, retired_at "
			     "FROM panels WHERE id BETWEEN ? AND ? AND (? IS NULL OR "
			     "owner = ?) AND (? IS NULL OR status = ?) AND capacity_w "
			     "BETWEEN ? AND ? ORDER BY id", e);
	size_t before = json_array_size(out);
	int rc;

	if (!f)
		f = &all;
	if (!st || gs_bind(st, e, "iitttti" "i", id ? id : (int64_t)1,
			   id ? id : INT64_MAX, f->owner, f->owner,
			   f->status, f->status, f->min_w, f->max_w))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		json_t *r = json_pack("{s:s,s:I,s:s,s:I,s:s,s:s?}", "type", "panel",
			"id", (json_int_t)gs_col_int(st, 0), "owner", gs_col_text(st, 1),
			"capacity_w", (json_int_t)gs_col_int(st, 2), "status",
			gs_col_text(st, 3), "location", gs_col_text(st, 4));
		json_object_set_new(r, "lat_e6", gs_col_type(st, 5) == 'i'
				    ? json_integer(gs_col_int(st, 5)) : json_null());
		json_object_set_new(r, "lon_e6", gs_col_type(st, 6) == 'i'
				    ? json_integer(gs_col_int(st, 6)) : json_null());
		json_object_set_new(r, "installed", gs_col_type(st, 7) == 'i'
				    ? json_integer(gs_col_int(st, 7)) : json_null());
		json_object_set_new(r, "meta", gs_col_type(st, 8) == 't'
				    ? json_loads(gs_col_text(st, 8), 0, NULL) : json_null());
		json_object_set_new(r, "registered", json_integer(gs_col_int(st, 9)));
		json_object_set_new(r, "retired_at", gs_col_type(st, 10) == 'i'
				    ? json_integer(gs_col_int(st, 10)) : json_null());
		json_array_append_new(out, r);
	}
	if (rc < 0)
		return e->code;
	if (id && json_array_size(out) == before)
		return gs_fail(e, GS_EINPUT, "unknown panel %lld", (long long)id);
	return GS_OK;
}

int gs_panel_capacity_at(gs_store *s, int64_t id, int64_t t,
			 int64_t *capacity_w, gs_err *e)
{
	gs_stmt *st;
	int64_t retired = -1;
	char when[32];
	int rc = gs_query_row(s, e, &st, "SELECT capacity_w, retired_at FROM "
			      "panels WHERE id = ?", "i", id);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown panel %lld", (long long)id);
	*capacity_w = gs_col_int(st, 0);
	if (gs_col_type(st, 1) == 'i')
		retired = gs_col_int(st, 1);
	gs_stmt_reset(st);
	if (retired >= 0 && retired < t)
		return gs_fail(e, GS_EREFUSED, "panel %lld was retired at %s",
			       (long long)id, gs_time_format(retired, when, sizeof when));
	return GS_OK;
}
