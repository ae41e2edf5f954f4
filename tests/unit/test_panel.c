/* test_panel.c - unit tests for panel.c: register (single and bulk),
 * transfer, retire, listings with filters, gs_panel_active; invariants
 * after every scenario and a replay at the end of each test. */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

static gs_key admin, alice, bob, reg;

#define T1 (TH_T0 + 100)

static void report(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "verify: %s\n", msg);
}

/* Genesis (admin holds every role), alice and bob; reg is a registrar
 * that is nothing else. */
static gs_store *setup(void)
{
	gs_store *s = th_genesis(&admin);
	gs_err e;

	th_account(s, "alice", &alice);
	th_account(s, "bob", &bob);
	th_account(s, "reg", &reg);
	ck_assert_msg(th_apply(s, &admin, "admin.grant", json_pack("{s:s,s:s}", "role",
			       "registrar", "account", "reg"), TH_T0, NULL, &e) == GS_OK,
		      "grant: %s", e.msg);
	return s;
}

/* The invariants of DESIGN §11 hold. */
static void books(gs_store *s)
{
	gs_err e;

	ck_assert_msg(gs_verify_invariants(s, report, NULL, &e) == GS_OK, "invariants: %s",
		      e.msg);
}

/* The journal verifies and replays to the same state; the store is closed. */
static void finish(gs_store *s)
{
	gs_err e;

	books(s);
	ck_assert_msg(gs_verify_chain(s, report, NULL, &e) == GS_OK, "chain: %s", e.msg);
	ck_assert_msg(gs_verify_replay(s, report, NULL, &e) == GS_OK, "replay: %s", e.msg);
	gs_store_close(s);
}

static int64_t npanels(gs_store *s)
{
	int64_t n = -1;
	gs_err e;

	ck_assert_int_eq(gs_query_int(s, &e, &n, "SELECT count(*) FROM panels", ""), 1);
	return n;
}

static json_t *panel_args(const char *owner, int64_t cap)
{
	return json_pack("{s:s,s:I}", "owner", owner, "capacity_w", (json_int_t)cap);
}

/* Register one panel as k; assert success and return its id. */
static int64_t reg_panel(gs_store *s, const gs_key *k, json_t *args, int64_t time)
{
	json_t *out = NULL;
	int64_t id;
	gs_err e;

	ck_assert_msg(th_apply(s, k, "panel.register", args, time, &out, &e) == GS_OK,
		      "register: %s", e.msg);
	ck_assert_uint_eq(json_array_size(out), 1);
	id = json_integer_value(json_object_get(json_array_get(out, 0), "id"));
	json_decref(out);
	return id;
}

/* The one record of panel id (asserts it exists); caller decrefs. */
static json_t *panel(gs_store *s, int64_t id)
{
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_msg(gs_panel_records(s, id, NULL, out, &e) == GS_OK, "panel %lld: %s",
		      (long long)id, e.msg);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_incref(json_array_get(out, 0));
	json_decref(out);
	return r;
}

static const char *str(json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	ck_assert_msg(json_is_string(v), "field %s is not a string", k);
	return json_string_value(v);
}

static int64_t num(json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	ck_assert_msg(json_is_integer(v), "field %s is not an integer", k);
	return json_integer_value(v);
}

/* No coordinates: the field is absent or null. */
static int nocoord(json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	return v == NULL || json_is_null(v);
}

static const char *owner_of(gs_store *s, int64_t id)
{
	static char buf[64];
	json_t *r = panel(s, id);

	snprintf(buf, sizeof buf, "%s", str(r, "owner"));
	json_decref(r);
	return buf;
}

static const char *status_of(gs_store *s, int64_t id)
{
	static char buf[64];
	json_t *r = panel(s, id);

	snprintf(buf, sizeof buf, "%s", str(r, "status"));
	json_decref(r);
	return buf;
}

/* A panel registered with everything, reported and read back alike. */
START_TEST(register_full)
{
	gs_store *s = setup();
	json_t *out = NULL, *r, *meta, *again;
	int64_t rows = th_journal_rows(s);
	gs_err e;

	meta = json_pack("{s:s,s:i,s:{s:b}}", "make", "acme", "modules", 12, "opts",
			 "tracker", 1);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:s,s:I,s:O}",
				  "owner", "alice", "capacity_w", 5000, "location",
				  "52.52,13.405", "installed", (json_int_t)1700000000, "meta",
				  meta), T1, &out, &e), GS_OK);
	ck_assert_int_eq(th_journal_rows(s), rows + 1);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "panel");
	ck_assert_int_eq(num(r, "id"), 1);
	ck_assert_str_eq(str(r, "owner"), "alice");
	ck_assert_int_eq(num(r, "capacity_w"), 5000);
	ck_assert_str_eq(str(r, "status"), "active");
	ck_assert_str_eq(str(r, "location"), "52.52,13.405");
	ck_assert_int_eq(num(r, "lat_e6"), 52520000);
	ck_assert_int_eq(num(r, "lon_e6"), 13405000);
	ck_assert_int_eq(num(r, "installed"), 1700000000);
	ck_assert(json_equal(json_object_get(r, "meta"), meta));
	ck_assert_int_eq(num(r, "registered"), T1);
	ck_assert(json_is_null(json_object_get(r, "retired_at")));
	/* the stored record is the reported one */
	again = panel(s, 1);
	ck_assert(json_equal(again, r));
	json_decref(again);
	json_decref(out);
	json_decref(meta);
	books(s);

	/* the minimum: no location, no install date, no meta */
	ck_assert_int_eq(reg_panel(s, &reg, panel_args("bob", 1), T1 + 1), 2);
	r = panel(s, 2);
	ck_assert_str_eq(str(r, "owner"), "bob");
	ck_assert_int_eq(num(r, "capacity_w"), 1);
	ck_assert(json_is_null(json_object_get(r, "location")));
	ck_assert(nocoord(r, "lat_e6"));
	ck_assert(nocoord(r, "lon_e6"));
	ck_assert(json_is_null(json_object_get(r, "installed")));
	ck_assert(json_is_null(json_object_get(r, "meta")));
	ck_assert_int_eq(num(r, "registered"), T1 + 1);
	json_decref(r);
	books(s);
	finish(s);
}
END_TEST

/* "LAT,LON" locations are also kept as microdegrees; other text is kept
 * as it is, without coordinates. */
START_TEST(register_location)
{
	static const struct {
		const char *loc;
		int coords;
		int64_t lat, lon;
	} cases[] = {
		{ "-33.8688, 151.2093", 1, -33868800, 151209300 },
		{ "0,0", 1, 0, 0 },
		{ "90,-180", 1, 90000000, -180000000 },
		{ "-90,180", 1, -90000000, 180000000 },
		{ "12.345678,-0.000001", 1, 12345678, -1 },
		{ "91,0", 0, 0, 0 },
		{ "90.000001,0", 0, 0, 0 },
		{ "-90.000001,0", 0, 0, 0 },
		{ "0,-180.000001", 0, 0, 0 },
		{ "0,180.000001", 0, 0, 0 },
		{ "Berlin, Germany", 0, 0, 0 },
		{ "52.52", 0, 0, 0 },
		{ "52.52,13.4,7", 0, 0, 0 },
		{ "1.1234567,2", 0, 0, 0 },
		{ "roof of barn 3", 0, 0, 0 },
	};
	gs_store *s = setup();
	gs_err e;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t id = reg_panel(s, &admin, json_pack("{s:s,s:i,s:s}", "owner", "alice",
					"capacity_w", 100, "location", cases[i].loc),
				       T1 + (int64_t)i);
		json_t *r = panel(s, id);
		ck_assert_int_eq(id, (int64_t)i + 1);
		ck_assert_str_eq(str(r, "location"), cases[i].loc);
		if (cases[i].coords) {
			ck_assert_msg(!nocoord(r, "lat_e6"), "%s: no lat_e6", cases[i].loc);
			ck_assert_int_eq(num(r, "lat_e6"), cases[i].lat);
			ck_assert_int_eq(num(r, "lon_e6"), cases[i].lon);
		} else {
			ck_assert_msg(nocoord(r, "lat_e6") && nocoord(r, "lon_e6"),
				      "%s: has coordinates", cases[i].loc);
		}
		json_decref(r);
	}
	/* location length: 256 bytes at most, and not empty */
	{
		char big[258];
		memset(big, 'a', sizeof big - 1);
		big[256] = '\0';
		ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:s}",
					  "owner", "alice", "capacity_w", 1, "location", big), T1 + 50,
					  NULL, &e), GS_OK);
		big[256] = 'a';
		big[257] = '\0';
		ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:s}",
					  "owner", "alice", "capacity_w", 1, "location", big), T1 + 50,
					  NULL, &e), GS_EINPUT);
		ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:s}",
					  "owner", "alice", "capacity_w", 1, "location", ""), T1 + 50,
					  NULL, &e), GS_EINPUT);
	}
	books(s);
	finish(s);
}
END_TEST

/* meta is a JSON object of at most 4096 bytes in canonical form, stored
 * canonically. */
START_TEST(register_meta)
{
	gs_store *s = setup();
	char *big = malloc(4100), *text = NULL;
	gs_stmt *st;
	int64_t rows;
	gs_err e;

	/* stored canonical: compact, keys sorted */
	ck_assert_int_eq(reg_panel(s, &admin, json_pack("{s:s,s:i,s:{s:i,s:i,s:s}}", "owner",
				   "alice", "capacity_w", 10, "meta", "z", 1, "a", 2, "m", "x"),
				   T1), 1);
	ck_assert_int_eq(gs_query_row(s, &e, &st, "SELECT meta FROM panels WHERE id = 1", ""),
			 1);
	text = strdup(gs_col_text(st, 0));
	gs_stmt_reset(st);
	ck_assert_str_eq(text, "{\"a\":2,\"m\":\"x\",\"z\":1}");
	free(text);
	/* an empty object is an object */
	ck_assert_int_eq(reg_panel(s, &admin, json_pack("{s:s,s:i,s:{}}", "owner", "alice",
				   "capacity_w", 10, "meta"), T1), 2);

	/* {"k":"xxx..."}: 6 + n + 2 bytes; n = 4088 is exactly 4096 */
	memset(big, 'x', 4089);
	big[4088] = '\0';
	ck_assert_int_eq(reg_panel(s, &admin, json_pack("{s:s,s:i,s:{s:s}}", "owner", "alice",
				   "capacity_w", 10, "meta", "k", big), T1), 3);
	books(s);
	rows = th_journal_rows(s);
	big[4088] = 'x';
	big[4089] = '\0';
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:{s:s}}",
				  "owner", "alice", "capacity_w", 10, "meta", "k", big), T1, NULL,
				  &e), GS_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "meta"));
	/* spaces in the input do not count: only the canonical form */
	free(big);
	/* not objects */
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:[i]}",
				  "owner", "alice", "capacity_w", 10, "meta", 1), T1, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:s}",
				  "owner", "alice", "capacity_w", 10, "meta", "{}"), T1, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:i}",
				  "owner", "alice", "capacity_w", 10, "meta", 5), T1, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:n}",
				  "owner", "alice", "capacity_w", 10, "meta"), T1, NULL, &e),
			 GS_EINPUT);
	/* reals anywhere are refused (protocol JSON is integers) */
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:{s:f}}",
				  "owner", "alice", "capacity_w", 10, "meta", "tilt", 12.5), T1,
				  NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_int_eq(npanels(s), 3);
	finish(s);
}
END_TEST

/* Refusals: wrong signer, unknown or system owner, bad fields. Nothing
 * changes and no id is used up. */
START_TEST(register_refused)
{
	gs_store *s = setup();
	unsigned char d1[32], d2[32];
	int64_t rows;
	gs_err e;

	ck_assert_int_eq(reg_panel(s, &admin, panel_args("alice", 5000), T1), 1);
	books(s);
	rows = th_journal_rows(s);
	ck_assert_int_eq(gs_state_digest(s, d1, &e), GS_OK);

	ck_assert_int_eq(th_apply(s, &alice, "panel.register", panel_args("alice", 5000), T1,
				  NULL, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "'alice' lacks role 'registrar' for panel.register");
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", panel_args("nobody", 5000), T1,
				  NULL, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "unknown account 'nobody'");
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", panel_args("treasury", 5000),
				  T1, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", panel_args("vault", 5000), T1,
				  NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", panel_args("dao", 5000), T1,
				  NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", panel_args("alice", 0), T1,
				  NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", panel_args("alice", -5000), T1,
				  NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register",
				  panel_args("alice", INT64_C(10000000001)), T1, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:s}", "owner",
				  "alice", "capacity_w", "5kW"), T1, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s}", "owner",
				  "alice"), T1, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:i}", "capacity_w",
				  5), T1, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:s}",
				  "owner", "alice", "capacity_w", 5, "colour", "blue"), T1, NULL,
				  &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:i}",
				  "owner", "alice", "capacity_w", 5, "installed", -1), T1, NULL,
				  &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:s,s:i,s:s}",
				  "owner", "alice", "capacity_w", 5, "installed", "2020-01-01"),
				  T1, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_int_eq(gs_state_digest(s, d2, &e), GS_OK);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);
	books(s);

	/* a registrar without other roles may register; 10 GW is the top;
	 * the refusals used up no id */
	ck_assert_int_eq(reg_panel(s, &reg, panel_args("bob", INT64_C(10000000000)), T1), 2);
	ck_assert_int_eq(reg_panel(s, &reg, json_pack("{s:s,s:i,s:i}", "owner", "bob",
				   "capacity_w", 7, "installed", 0), T1), 3);
	{
		json_t *r = panel(s, 3);
		ck_assert_int_eq(num(r, "installed"), 0);
		json_decref(r);
	}
	/* losing the role loses the right */
	ck_assert_int_eq(th_apply(s, &admin, "admin.revoke", json_pack("{s:s,s:s}", "role",
				  "registrar", "account", "reg"), T1, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &reg, "panel.register", panel_args("bob", 5), T1, NULL,
				  &e), GS_EPERM);
	ck_assert_int_eq(npanels(s), 3);
	finish(s);
}
END_TEST

/* Bulk: many panels in one tx, consecutive ids, all or nothing. */
START_TEST(register_bulk)
{
	gs_store *s = setup();
	json_t *out = NULL;
	int64_t rows = th_journal_rows(s);
	gs_err e;

	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:[o,o,o]}", "items",
				  panel_args("alice", 1000), panel_args("bob", 2000),
				  json_pack("{s:s,s:i,s:s}", "owner", "alice", "capacity_w", 3000,
					    "location", "1.5,2.5")), T1, &out, &e), GS_OK);
	ck_assert_int_eq(th_journal_rows(s), rows + 1);
	ck_assert_uint_eq(json_array_size(out), 3);
	for (int i = 0; i < 3; i++) {
		json_t *r = json_array_get(out, (size_t)i);
		ck_assert_int_eq(num(r, "id"), i + 1);
		ck_assert_int_eq(num(r, "capacity_w"), (i + 1) * 1000);
		ck_assert_str_eq(str(r, "owner"), i == 1 ? "bob" : "alice");
	}
	ck_assert_int_eq(num(json_array_get(out, 2), "lat_e6"), 1500000);
	ck_assert_int_eq(num(json_array_get(out, 2), "lon_e6"), 2500000);
	json_decref(out);
	books(s);

	/* one bad item refuses the whole batch and names the item */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:[o,o,o]}", "items",
				  panel_args("alice", 10), panel_args("nobody", 10),
				  panel_args("bob", 10)), T1, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 2);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:[o,o]}", "items",
				  panel_args("alice", 10), panel_args("treasury", 10)), T1, NULL,
				  &e), GS_EREFUSED);
	ck_assert_int_eq(e.item, 2);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:[o,o]}", "items",
				  panel_args("alice", 10), panel_args("alice", 0)), T1, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(e.item, 2);
	/* not allowed for a non-registrar even in bulk */
	ck_assert_int_eq(th_apply(s, &alice, "panel.register", json_pack("{s:[o]}", "items",
				  panel_args("alice", 10)), T1, NULL, &e), GS_EPERM);
	/* items must be the only field, non-empty */
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:[]}", "items"),
				  T1, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "panel.register", json_pack("{s:[o],s:s}", "items",
				  panel_args("alice", 10), "owner", "alice"), T1, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_int_eq(npanels(s), 3);
	books(s);

	/* the next id follows on */
	ck_assert_int_eq(reg_panel(s, &admin, panel_args("bob", 4000), T1 + 1), 4);
	finish(s);
}
END_TEST

/* Ids count from 1, are stable, and are never reused: retiring and
 * transferring keep them, new panels get new ones. */
START_TEST(ids_stable)
{
	gs_store *s = setup();
	gs_err e;

	for (int i = 1; i <= 3; i++)
		ck_assert_int_eq(reg_panel(s, &admin, panel_args("alice", 100 * i), T1), i);
	ck_assert_int_eq(th_apply(s, &alice, "panel.retire", json_pack("{s:i}", "panel", 3),
				  T1 + 1, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &alice, "panel.transfer", json_pack("{s:i,s:s}", "panel", 2,
				  "to", "bob"), T1 + 2, NULL, &e), GS_OK);
	ck_assert_int_eq(reg_panel(s, &admin, panel_args("bob", 400), T1 + 3), 4);
	ck_assert_int_eq(npanels(s), 4);
	{
		json_t *r = panel(s, 3);
		ck_assert_int_eq(num(r, "capacity_w"), 300);
		ck_assert_str_eq(str(r, "status"), "retired");
		json_decref(r);
		r = panel(s, 2);
		ck_assert_int_eq(num(r, "capacity_w"), 200);
		ck_assert_str_eq(str(r, "owner"), "bob");
		json_decref(r);
		r = panel(s, 4);
		ck_assert_int_eq(num(r, "capacity_w"), 400);
		json_decref(r);
	}
	books(s);
	finish(s);
}
END_TEST

START_TEST(transfer)
{
	gs_store *s = setup();
	unsigned char d1[32], d2[32];
	json_t *out = NULL, *r;
	int64_t rows;
	int status;
	gs_err e;

	ck_assert_int_eq(reg_panel(s, &admin, json_pack("{s:s,s:i,s:s}", "owner", "alice",
				   "capacity_w", 5000, "location", "10,20"), T1), 1);
	ck_assert_int_eq(reg_panel(s, &admin, panel_args("alice", 3000), T1), 2);

	ck_assert_int_eq(th_apply(s, &alice, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "bob"), T1 + 10, &out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "panel");
	ck_assert_int_eq(num(r, "id"), 1);
	ck_assert_str_eq(str(r, "owner"), "bob");
	ck_assert_str_eq(str(r, "status"), "active");
	/* only the owner changes */
	ck_assert_int_eq(num(r, "capacity_w"), 5000);
	ck_assert_str_eq(str(r, "location"), "10,20");
	ck_assert_int_eq(num(r, "lat_e6"), 10000000);
	ck_assert_int_eq(num(r, "registered"), T1);
	json_decref(out);
	ck_assert_str_eq(owner_of(s, 2), "alice");
	books(s);

	rows = th_journal_rows(s);
	ck_assert_int_eq(gs_state_digest(s, d1, &e), GS_OK);
	/* owner only: the former owner, the registrar and the admin may not */
	ck_assert_int_eq(th_apply(s, &alice, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "alice"), T1 + 11, NULL, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "panel 1 belongs to 'bob'");
	ck_assert_int_eq(th_apply(s, &admin, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "alice"), T1 + 11, NULL, &e), GS_EPERM);
	ck_assert_int_eq(th_apply(s, &reg, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "reg"), T1 + 11, NULL, &e), GS_EPERM);
	/* to a system account */
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "treasury"), T1 + 11, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "vault"), T1 + 11, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "dao"), T1 + 11, NULL, &e), GS_EREFUSED);
	/* unknown recipient or panel, bad fields */
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "nobody"), T1 + 11, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i,s:s}", "panel", 99,
				  "to", "alice"), T1 + 11, NULL, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "unknown panel 99");
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i,s:s}", "panel", 0,
				  "to", "alice"), T1 + 11, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:s,s:s}", "panel", "1",
				  "to", "alice"), T1 + 11, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i}", "panel", 1),
				  T1 + 11, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i,s:s,s:i}", "panel",
				  1, "to", "alice", "capacity_w", 1), T1 + 11, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_int_eq(gs_state_digest(s, d2, &e), GS_OK);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);

	/* to oneself: already done, nothing journaled */
	ck_assert_int_eq(th_apply_status(s, &bob, "panel.transfer", json_pack("{s:i,s:s}",
					 "panel", 1, "to", "bob"), T1 + 12, &status, &out, &e),
			 GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(e.msg, "panel 1 already belongs to 'bob'");
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_str_eq(owner_of(s, 1), "bob");

	/* back and forth; bulk transfer of two panels in one tx */
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "alice"), T1 + 13, NULL, &e), GS_OK);
	ck_assert_int_eq(th_apply_status(s, &alice, "panel.transfer", json_pack("{s:[{s:i,s:s},"
					 "{s:i,s:s}]}", "items", "panel", 1, "to", "reg", "panel",
					 2, "to", "reg"), T1 + 14, &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_uint_eq(json_array_size(out), 2);
	json_decref(out);
	ck_assert_str_eq(owner_of(s, 1), "reg");
	ck_assert_str_eq(owner_of(s, 2), "reg");
	ck_assert_int_eq(th_journal_rows(s), rows + 2);
	/* a batch with one foreign panel changes nothing */
	ck_assert_int_eq(reg_panel(s, &admin, panel_args("alice", 50), T1 + 15), 3);
	ck_assert_int_eq(th_apply(s, &reg, "panel.transfer", json_pack("{s:[{s:i,s:s},"
				  "{s:i,s:s}]}", "items", "panel", 1, "to", "bob", "panel", 3, "to",
				  "bob"), T1 + 16, NULL, &e), GS_EPERM);
	ck_assert_int_eq(e.item, 2);
	ck_assert_str_eq(owner_of(s, 1), "reg");
	ck_assert_str_eq(owner_of(s, 3), "alice");
	books(s);
	finish(s);
}
END_TEST

/* A retired panel cannot be transferred, not even to its owner. */
START_TEST(transfer_retired)
{
	gs_store *s = setup();
	int64_t rows;
	gs_err e;

	ck_assert_int_eq(reg_panel(s, &admin, panel_args("alice", 5000), T1), 1);
	ck_assert_int_eq(th_apply(s, &alice, "panel.retire", json_pack("{s:i}", "panel", 1),
				  T1 + 1, NULL, &e), GS_OK);
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply(s, &alice, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "bob"), T1 + 2, NULL, &e), GS_EREFUSED);
	ck_assert_str_eq(e.msg, "panel 1 is retired");
	ck_assert_int_eq(th_apply(s, &alice, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "alice"), T1 + 2, NULL, &e), GS_EREFUSED);
	/* a non-owner is refused as not authorised first */
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i,s:s}", "panel", 1,
				  "to", "bob"), T1 + 2, NULL, &e), GS_EPERM);
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_str_eq(owner_of(s, 1), "alice");
	ck_assert_str_eq(status_of(s, 1), "retired");
	books(s);
	finish(s);
}
END_TEST

START_TEST(retire)
{
	gs_store *s = setup();
	json_t *out = NULL, *r;
	char owner[33] = "";
	int64_t cap = -1, rows;
	int status;
	gs_err e;

	ck_assert_int_eq(reg_panel(s, &admin, panel_args("alice", 5000), T1), 1);
	ck_assert_int_eq(reg_panel(s, &admin, panel_args("alice", 3000), T1), 2);
	ck_assert_int_eq(reg_panel(s, &admin, panel_args("bob", 2000), T1), 3);

	ck_assert_int_eq(gs_panel_active(s, 1, owner, &cap, &e), GS_OK);
	ck_assert_str_eq(owner, "alice");
	ck_assert_int_eq(cap, 5000);

	/* someone else, not a registrar */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply(s, &bob, "panel.retire", json_pack("{s:i}", "panel", 1),
				  T1 + 5, NULL, &e), GS_EPERM);
	ck_assert_int_eq(th_apply(s, &alice, "panel.retire", json_pack("{s:i}", "panel", 99),
				  T1 + 5, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "panel.retire", json_pack("{s:i}", "panel", 0),
				  T1 + 5, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice, "panel.retire", json_pack("{s:i,s:s}", "panel", 1,
				  "why", "old"), T1 + 5, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_str_eq(status_of(s, 1), "active");

	/* the owner */
	ck_assert_int_eq(th_apply(s, &alice, "panel.retire", json_pack("{s:i}", "panel", 1),
				  T1 + 10, &out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_int_eq(num(r, "id"), 1);
	ck_assert_str_eq(str(r, "status"), "retired");
	ck_assert_int_eq(num(r, "retired_at"), T1 + 10);
	ck_assert_str_eq(str(r, "owner"), "alice");
	json_decref(out);
	books(s);
	ck_assert_int_eq(gs_panel_active(s, 1, owner, &cap, &e), GS_EREFUSED);
	ck_assert_str_eq(e.msg, "panel 1 is retired");
	ck_assert_int_eq(gs_panel_active(s, 99, owner, &cap, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "unknown panel 99");

	/* twice: already done, by the owner or by a registrar */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply_status(s, &alice, "panel.retire", json_pack("{s:i}", "panel",
					 1), T1 + 20, &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(e.msg, "panel 1 is already retired");
	ck_assert_int_eq(th_apply_status(s, &reg, "panel.retire", json_pack("{s:i}", "panel", 1),
					 T1 + 20, &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_int_eq(th_journal_rows(s), rows);
	r = panel(s, 1);
	ck_assert_int_eq(num(r, "retired_at"), T1 + 10);	/* not moved */
	json_decref(r);

	/* a registrar retires someone else's panel */
	ck_assert_int_eq(th_apply(s, &reg, "panel.retire", json_pack("{s:i}", "panel", 2),
				  T1 + 30, NULL, &e), GS_OK);
	ck_assert_str_eq(status_of(s, 2), "retired");
	ck_assert_int_eq(gs_panel_active(s, 2, owner, &cap, &e), GS_EREFUSED);
	/* bulk: one done already and one new still retires the new one */
	ck_assert_int_eq(th_apply_status(s, &admin, "panel.retire", json_pack("{s:[{s:i},{s:i}]}",
					 "items", "panel", 2, "panel", 3), T1 + 40, &status, NULL,
					 &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_str_eq(status_of(s, 3), "retired");
	r = panel(s, 3);
	ck_assert_int_eq(num(r, "retired_at"), T1 + 40);
	json_decref(r);
	ck_assert_int_eq(gs_panel_active(s, 3, owner, &cap, &e), GS_EREFUSED);
	books(s);
	finish(s);
}
END_TEST

/* Listings: every filter and their combinations. */
START_TEST(records_filters)
{
	gs_store *s = setup();
	json_t *out;
	gs_err e;
	struct gs_panel_filter f;
	/* id: owner, capacity */
	static const struct {
		const char *owner;
		int64_t cap;
	} p[] = { { "alice", 1000 }, { "bob", 5000 }, { "alice", 5000 },
		  { "alice", 250 }, { "bob", 12000 } };

	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(reg_panel(s, &admin, panel_args(p[i].owner, p[i].cap), T1),
				 i + 1);
	ck_assert_int_eq(th_apply(s, &alice, "panel.retire", json_pack("{s:i}", "panel", 3),
				  T1 + 1, NULL, &e), GS_OK);
	books(s);

#define LIST(F, ...) do {						\
		const int64_t want[] = { __VA_ARGS__ };			\
		size_t nw = sizeof want / sizeof want[0] - 1;		\
		out = json_array();					\
		ck_assert_int_eq(gs_panel_records(s, 0, F, out, &e), GS_OK); \
		ck_assert_msg(json_array_size(out) == nw, "line %d: %zu panels, want %zu", \
			      __LINE__, json_array_size(out), nw);	\
		for (size_t k = 0; k < nw; k++)				\
			ck_assert_int_eq(num(json_array_get(out, k), "id"), want[k + 1]); \
		json_decref(out);					\
	} while (0)

	LIST(NULL, 0, 1, 2, 3, 4, 5);
	f = (struct gs_panel_filter){ NULL, NULL, 0, INT64_MAX };
	LIST(&f, 0, 1, 2, 3, 4, 5);
	f.owner = "alice";
	LIST(&f, 0, 1, 3, 4);
	f.owner = "bob";
	LIST(&f, 0, 2, 5);
	f.owner = "reg";
	LIST(&f, 0);
	f.owner = "nobody";
	LIST(&f, 0);
	f.owner = NULL;
	f.status = "active";
	LIST(&f, 0, 1, 2, 4, 5);
	f.status = "retired";
	LIST(&f, 0, 3);
	f.status = NULL;
	f.min_w = 1000;
	LIST(&f, 0, 1, 2, 3, 5);
	f.min_w = 1001;
	LIST(&f, 0, 2, 3, 5);
	f.max_w = 5000;
	LIST(&f, 0, 2, 3);
	f.max_w = 4999;
	LIST(&f, 0);
	f.min_w = 0;
	f.max_w = 1000;
	LIST(&f, 0, 1, 4);
	f.min_w = 5000;
	f.max_w = 5000;
	LIST(&f, 0, 2, 3);
	f.owner = "alice";
	LIST(&f, 0, 3);
	f.status = "active";
	LIST(&f, 0);
	f.owner = "bob";
	LIST(&f, 0, 2);
	f = (struct gs_panel_filter){ "alice", "active", 0, INT64_MAX };
	LIST(&f, 0, 1, 4);
#undef LIST

	/* by id: exactly that panel, unknown ids refused */
	out = json_array();
	ck_assert_int_eq(gs_panel_records(s, 3, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	ck_assert_int_eq(num(json_array_get(out, 0), "id"), 3);
	ck_assert_str_eq(str(json_array_get(out, 0), "status"), "retired");
	ck_assert_int_eq(num(json_array_get(out, 0), "retired_at"), T1 + 1);
	ck_assert_int_eq(gs_panel_records(s, 6, NULL, out, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "unknown panel 6");
	ck_assert_uint_eq(json_array_size(out), 1);
	/* appended to what is there already */
	ck_assert_int_eq(gs_panel_records(s, 5, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	ck_assert_int_eq(num(json_array_get(out, 1), "capacity_w"), 12000);
	json_decref(out);

	/* a transfer moves the panel between owners' listings */
	ck_assert_int_eq(th_apply(s, &bob, "panel.transfer", json_pack("{s:i,s:s}", "panel", 5,
				  "to", "alice"), T1 + 2, NULL, &e), GS_OK);
	out = json_array();
	f = (struct gs_panel_filter){ "alice", NULL, 0, INT64_MAX };
	ck_assert_int_eq(gs_panel_records(s, 0, &f, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 4);
	ck_assert_int_eq(num(json_array_get(out, 3), "id"), 5);
	json_decref(out);
	books(s);
	finish(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("panel");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, register_full);
	tcase_add_test(tc, register_location);
	tcase_add_test(tc, register_meta);
	tcase_add_test(tc, register_refused);
	tcase_add_test(tc, register_bulk);
	tcase_add_test(tc, ids_stable);
	tcase_add_test(tc, transfer);
	tcase_add_test(tc, transfer_retired);
	tcase_add_test(tc, retire);
	tcase_add_test(tc, records_filters);
	suite_add_tcase(s, tc);
	return th_run(s);
}
