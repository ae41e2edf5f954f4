/* test_params.c - unit tests for params.c: defaults, range checks, setting
 * by the admin, scaling to the token's decimals. */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

static int64_t param(gs_store *s, const char *name)
{
	int64_t v = INT64_MIN;
	gs_err e;

	ck_assert_msg(gs_param_get(s, name, &v, &e) == GS_OK, "%s: %s", name, e.msg);
	return v;
}

/* After genesis every parameter is present with its scaled default. */
START_TEST(defaults_after_genesis)
{
	static const struct { const char *name; int64_t v; } expect[] = {
		{ "slot_seconds", 900 }, { "decimals", 6 }, { "gate_closure_s", 300 },
		{ "price_min", -500000 }, { "price_max", 4000000 },
		{ "oracle_quorum", 1 }, { "oracle_min_stake", 100000000 },
		{ "verification_period_s", 900 }, { "oracle_tolerance_bps", 500 },
		{ "oracle_penalty", 10000000 }, { "penalty_bps", 15000 },
		{ "seller_min_stake", 10000000 }, { "dispute_window_s", 3600 },
		{ "dispute_bond", 10000000 }, { "unbonding_period_s", 604800 },
		{ "proposal_threshold", 1000000000 }, { "voting_delay_s", 0 },
		{ "voting_period_s", 259200 }, { "quorum_bps", 400 },
		{ "timelock_s", 172800 }, { "grace_period_s", 1209600 },
	};
	gs_key admin;
	gs_store *s = th_genesis(&admin);
	int64_t rows = 0;
	int ndefs = 0;
	json_t *list = json_array(), *rec;
	size_t i;
	gs_err e;

	for (const struct gs_param_def *p = gs_params; p->name; p++, ndefs++) {
		int64_t want = gs_param_scale(p, p->dflt, 6);
		ck_assert_msg(param(s, p->name) == want, "%s = %lld, want %lld", p->name,
			      (long long)param(s, p->name), (long long)want);
	}
	ck_assert_int_eq(ndefs, 21);
	for (i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		ck_assert_msg(param(s, expect[i].name) == expect[i].v, "%s = %lld", expect[i].name,
			      (long long)param(s, expect[i].name));
		ck_assert_ptr_nonnull(gs_param_find(expect[i].name));
	}
	ck_assert_int_eq(gs_query_int(s, &e, &rows, "SELECT count(*) FROM params", ""), 1);
	ck_assert_int_eq(rows, ndefs);
	ck_assert_int_eq(gs_param_get(s, "nope", &rows, &e), GS_EINTERNAL);
	ck_assert_ptr_null(gs_param_find("nope"));
	ck_assert_ptr_null(gs_param_find(""));

	/* the list: one param record per parameter, by name */
	ck_assert_int_eq(gs_params_list(s, list, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(list), (size_t)ndefs);
	rec = json_array_get(list, 0);
	ck_assert_str_eq(json_string_value(json_object_get(rec, "type")), "param");
	ck_assert_str_eq(json_string_value(json_object_get(rec, "name")), "decimals");
	ck_assert_int_eq(json_integer_value(json_object_get(rec, "value")), 6);
	json_array_foreach(list, i, rec)
		if (strcmp(json_string_value(json_object_get(rec, "name")), "price_min") == 0)
			ck_assert_int_eq(json_integer_value(json_object_get(rec, "value")), -500000);
	json_decref(list);
	gs_store_close(s);
}
END_TEST

/* Defaults with another number of decimals and slot length. */
START_TEST(defaults_other_decimals)
{
	gs_key admin;
	gs_store *s;

	th_key("admin", &admin);
	s = th_genesis_with(NULL, &admin, 2, "KWH", 3600);
	ck_assert_int_eq(param(s, "decimals"), 2);
	ck_assert_int_eq(param(s, "slot_seconds"), 3600);
	ck_assert_int_eq(param(s, "price_min"), -50);
	ck_assert_int_eq(param(s, "price_max"), 400);
	ck_assert_int_eq(param(s, "dispute_bond"), 1000);
	ck_assert_int_eq(param(s, "penalty_bps"), 15000);
	ck_assert_int_eq(param(s, "timelock_s"), 172800);
	gs_store_close(s);

	s = th_genesis_with(NULL, &admin, 9, "GST", 900);
	ck_assert_int_eq(param(s, "price_min"), -500000000);
	ck_assert_int_eq(param(s, "price_max"), 4000000000);
	ck_assert_int_eq(param(s, "dispute_bond"), 10000000000);
	ck_assert_int_eq(param(s, "quorum_bps"), 400);
	gs_store_close(s);
}
END_TEST

/* gs_param_set: ranges, fixed, unknown, price_min < price_max. */
START_TEST(set_checks)
{
	gs_key admin;
	gs_store *s = th_genesis(&admin);
	gs_err e;

	ck_assert_int_eq(gs_param_set(s, "penalty_bps", 20000, &e), GS_OK);
	ck_assert_int_eq(param(s, "penalty_bps"), 20000);
	ck_assert_int_eq(gs_param_set(s, "penalty_bps", 100000, &e), GS_OK);
	ck_assert_int_eq(gs_param_set(s, "penalty_bps", 100001, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "parameter 'penalty_bps' must be between 0 and 100000");
	ck_assert_int_eq(gs_param_set(s, "penalty_bps", -1, &e), GS_EINPUT);
	ck_assert_int_eq(param(s, "penalty_bps"), 100000);
	ck_assert_int_eq(gs_param_set(s, "quorum_bps", 10001, &e), GS_EINPUT);
	ck_assert_int_eq(gs_param_set(s, "voting_period_s", 59, &e), GS_EINPUT);
	ck_assert_int_eq(gs_param_set(s, "voting_period_s", 60, &e), GS_OK);
	ck_assert_int_eq(gs_param_set(s, "oracle_quorum", 0, &e), GS_EINPUT);
	ck_assert_int_eq(gs_param_set(s, "dispute_bond", 0, &e), GS_OK);
	ck_assert_int_eq(gs_param_set(s, "dispute_bond", -1, &e), GS_EINPUT);
	/* money ranges are scaled: price_max at most 1e6 credits = 1e12 */
	ck_assert_int_eq(gs_param_check(s, "price_max", 1000000000000, &e), GS_OK);
	ck_assert_int_eq(gs_param_check(s, "price_max", 1000000000001, &e), GS_EINPUT);

	/* fixed at genesis */
	ck_assert_int_eq(gs_param_set(s, "slot_seconds", 900, &e), GS_EREFUSED);
	ck_assert_str_eq(e.msg, "parameter 'slot_seconds' is fixed at genesis");
	ck_assert_int_eq(gs_param_set(s, "decimals", 2, &e), GS_EREFUSED);
	ck_assert_int_eq(param(s, "decimals"), 6);
	/* unknown */
	ck_assert_int_eq(gs_param_set(s, "nope", 1, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "unknown parameter 'nope'");

	/* price_min stays below price_max */
	ck_assert_int_eq(gs_param_set(s, "price_min", 4000000, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "price_min must stay below price_max");
	ck_assert_int_eq(gs_param_set(s, "price_min", 4000001, &e), GS_EINPUT);
	ck_assert_int_eq(gs_param_set(s, "price_min", 3999999, &e), GS_OK);
	ck_assert_int_eq(gs_param_set(s, "price_max", 3999999, &e), GS_EINPUT);
	ck_assert_int_eq(gs_param_set(s, "price_max", 3999998, &e), GS_EINPUT);
	ck_assert_int_eq(param(s, "price_max"), 4000000);
	ck_assert_int_eq(gs_param_set(s, "price_max", 4000000, &e), GS_OK);
	ck_assert_int_eq(gs_param_set(s, "price_min", -1000000000000, &e), GS_OK);
	ck_assert_int_eq(gs_param_set(s, "price_max", -999999999999, &e), GS_OK);
	ck_assert_int_eq(param(s, "price_min"), -1000000000000);
	ck_assert_int_eq(param(s, "price_max"), -999999999999);
	gs_store_close(s);
}
END_TEST

/* params.set as a signed tx: admin yes, anyone else GS_EPERM. */
START_TEST(set_by_tx)
{
	gs_key admin, alice;
	gs_store *s = th_genesis(&admin);
	json_t *out = NULL, *rec;
	int64_t rows;
	gs_err e;

	th_account(s, "alice", &alice);
	ck_assert_int_eq(th_apply(s, &admin, "params.set", json_pack("{s:s,s:i}", "name",
				  "gate_closure_s", "value", 600), TH_T0, &out, &e), GS_OK);
	ck_assert_int_eq(param(s, "gate_closure_s"), 600);
	ck_assert_uint_eq(json_array_size(out), 1);
	rec = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(rec, "type")), "param");
	ck_assert_str_eq(json_string_value(json_object_get(rec, "name")), "gate_closure_s");
	ck_assert_int_eq(json_integer_value(json_object_get(rec, "value")), 600);
	json_decref(out);
	rows = th_journal_rows(s);

	ck_assert_int_eq(th_apply(s, &alice, "params.set", json_pack("{s:s,s:i}", "name",
				  "gate_closure_s", "value", 700), TH_T0, NULL, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "'alice' lacks role 'admin' for params.set");
	ck_assert_int_eq(param(s, "gate_closure_s"), 600);
	/* refusals through the tx: fixed, range, unknown, shape */
	ck_assert_int_eq(th_apply(s, &admin, "params.set", json_pack("{s:s,s:i}", "name",
				  "decimals", "value", 2), TH_T0, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &admin, "params.set", json_pack("{s:s,s:i}", "name",
				  "quorum_bps", "value", 20000), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "params.set", json_pack("{s:s,s:i}", "name",
				  "bogus", "value", 1), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "params.set", json_pack("{s:s,s:s}", "name",
				  "quorum_bps", "value", "500"), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"value\": must be an integer");
	ck_assert_int_eq(th_apply(s, &admin, "params.set", json_pack("{s:s,s:i,s:i}", "name",
				  "quorum_bps", "value", 500, "x", 1), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"x\": unknown field");
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_int_eq(param(s, "quorum_bps"), 400);
	gs_store_close(s);
}
END_TEST

/* gs_param_scale: money from micro-credits to base units; others as is. */
START_TEST(scale)
{
	const struct gs_param_def *pmin = gs_param_find("price_min"),
		*pmax = gs_param_find("price_max"), *bond = gs_param_find("dispute_bond"),
		*bps = gs_param_find("penalty_bps"), *secs = gs_param_find("timelock_s");

	ck_assert_ptr_nonnull(pmin);
	ck_assert_int_eq(pmin->unit, GS_UNIT_PRICE);
	ck_assert_int_eq(bond->unit, GS_UNIT_AMOUNT);
	ck_assert_int_eq(gs_param_scale(pmin, pmin->dflt, 6), -500000);
	ck_assert_int_eq(gs_param_scale(pmin, pmin->dflt, 2), -50);
	ck_assert_int_eq(gs_param_scale(pmin, pmin->dflt, 9), -500000000);
	ck_assert_int_eq(gs_param_scale(pmin, pmin->dflt, 0), 0);	/* toward zero */
	ck_assert_int_eq(gs_param_scale(pmax, pmax->dflt, 2), 400);
	ck_assert_int_eq(gs_param_scale(pmax, pmax->dflt, 9), 4000000000);
	ck_assert_int_eq(gs_param_scale(pmax, pmax->dflt, 12), 4000000000000);
	ck_assert_int_eq(gs_param_scale(bond, bond->dflt, 2), 1000);
	ck_assert_int_eq(gs_param_scale(bond, bond->dflt, 9), 10000000000);
	ck_assert_int_eq(gs_param_scale(bond, -1234567, 2), -123);
	ck_assert_int_eq(gs_param_scale(bps, bps->dflt, 2), 15000);
	ck_assert_int_eq(gs_param_scale(bps, bps->dflt, 9), 15000);
	ck_assert_int_eq(gs_param_scale(secs, 172800, 0), 172800);
	ck_assert_int_eq(gs_param_scale(secs, 172800, 12), 172800);
	/* beyond int64 it saturates: 1e12 credits at 9 or 12 decimals */
	ck_assert(gs_param_scale(bond, bond->max, 9) == INT64_MAX);
	ck_assert(gs_param_scale(bond, bond->max, 12) == INT64_MAX);
	ck_assert(gs_param_scale(bond, -bond->max, 12) == INT64_MIN);
	ck_assert_int_eq(gs_param_scale(bond, bond->max, 6), 1000000000000000000);
	ck_assert_int_eq(gs_param_scale(pmin, pmin->min, 12), -1000000000000000000);
	/* fixed params are marked so */
	ck_assert_int_eq(gs_param_find("slot_seconds")->fixed, 1);
	ck_assert_int_eq(gs_param_find("decimals")->fixed, 1);
	ck_assert_int_eq(bond->fixed, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("params");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, defaults_after_genesis);
	tcase_add_test(tc, defaults_other_decimals);
	tcase_add_test(tc, set_checks);
	tcase_add_test(tc, set_by_tx);
	tcase_add_test(tc, scale);
	suite_add_tcase(s, tc);
	return th_run(s);
}
