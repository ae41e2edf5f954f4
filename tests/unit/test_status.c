/* test_status.c - unit tests for status.c, the state of recent slots and what comes next. */
/*
 * Every scenario runs through the library as signed txs (th_apply) with
 * explicit times, as in test_settle.c: orders before the gate (slot start
 * - 300 s), clearing at the gate, oracle reports after the slot ends,
 * oracle finalize verification_period_s (900 s) after the end,
 * settle.compute then and settle.finalize dispute_window_s (3600 s) after
 * compute. gs_slot_status_records is asked at chosen times "now" and each
 * record is compared whole (every field, no extra field) with the
 * expected one.
 */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define C(x) ((int64_t)(x) * 1000000)	/* credits in base units */
#define SS INT64_C(900)			/* slot_seconds */
#define S0 (TH_T0 / SS)			/* the slot that starts at genesis */
#define SL (S0 + 4)			/* the slot the tests trade in */
#define START(n) ((n) * SS)		/* start of slot n */
#define GATE(n) (START(n) - 300)	/* gate closure (gate_closure_s 300) */
#define END(n) (START(n) + SS)		/* end of slot n */
#define VP INT64_C(900)			/* verification_period_s */
#define WIN INT64_C(3600)		/* dispute_window_s */
#define T_ORDER (TH_T0 + 100)		/* orders: well before GATE(SL) */
#define T_REPORT(n) (END(n) + 60)	/* oracle reports */
#define T_FINAL(n) (END(n) + VP)	/* oracle finalize, then settle.compute */
#define NOPRICE INT64_MIN		/* expected price: null */
#define NONE INT64_C(-1)		/* expected next_at: null */

/* admin (every role), orc (role oracle, 200 credits staked), alice
 * (panel 1, 500 credits staked), bob and dave (buyers); 1000 credits
 * each for all but admin. */
static gs_key admin, orc, alice, bob, dave;

/* shared helpers of testhelp.h under this file's short names */
#define num th_num
#define str th_str
#define OK TH_OK

static json_t *slot_args(int64_t slot)
{
	return json_pack("{s:I}", "slot", (json_int_t)slot);
}

/* ---- setup ------------------------------------------------------------------ */

static gs_store *setup(void)
{
	const gs_key *who[] = { &orc, &alice, &bob, &dave };
	json_t *items = json_array();
	gs_store *s;

	th_key("admin", &admin);
	th_key("orc", &orc);
	th_key("alice", &alice);
	th_key("bob", &bob);
	th_key("dave", &dave);
	s = th_genesis_with(NULL, &admin, 6, "GST", SS);
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		th_register(s, who[i]);
		json_array_append_new(items, json_pack("{s:s,s:I}", "to", who[i]->name,
						       "amount", (json_int_t)C(1000)));
	}
	OK(s, &admin, "token.mint", json_pack("{s:o}", "items", items), TH_T0);
	OK(s, &admin, "admin.grant", json_pack("{s:s,s:s}", "role", "oracle", "account",
						"orc"), TH_T0);
	OK(s, &orc, "stake.deposit", json_pack("{s:I}", "amount", (json_int_t)C(200)), TH_T0);
	OK(s, &alice, "stake.deposit", json_pack("{s:I}", "amount", (json_int_t)C(500)),
	   TH_T0);
	OK(s, &admin, "panel.register", json_pack("{s:[{s:s,s:i}]}", "items", "owner",
						  "alice", "capacity_w", 80000), TH_T0);
	return s;
}

/* ---- the protocol steps ------------------------------------------------------ */

#define BUY(s, k, slot, price, qty) order_(s, k, slot, "buy", price, qty, __LINE__)
#define SELL(s, slot, price, qty) order_(s, &alice, slot, "sell", price, qty, __LINE__)
static int64_t order_(gs_store *s, const gs_key *k, int64_t slot, const char *side,
		      int64_t price, int64_t qty, int line)
{
	json_t *a = json_pack("{s:I,s:s,s:I,s:I}", "slot", (json_int_t)slot, "side", side,
			      "price", (json_int_t)price, "qty_wh", (json_int_t)qty), *out = NULL;
	int64_t id;
	gs_err e;

	if (strcmp(side, "sell") == 0)
		json_object_set_new(a, "panel", json_integer(1));
	ck_assert_msg(th_apply(s, k, "auction.order", a, T_ORDER, &out, &e) == GS_OK,
		      "line %d: order by %s: %s", line, k->name, e.msg);
	ck_assert_uint_eq(json_array_size(out), 1);
	ck_assert_str_eq(str(json_array_get(out, 0), "type"), "order");
	id = num(json_array_get(out, 0), "id");
	json_decref(out);
	return id;
}

/* alice sells 2000 Wh at 0.11, bob buys 1500 and dave 500 at 0.11 (3 open
 * orders); cleared at the gate: P = 110000, V = 2000. */
static void trade(gs_store *s)
{
	SELL(s, SL, 110000, 2000);
	BUY(s, &bob, SL, 110000, 1500);
	BUY(s, &dave, SL, 110000, 500);
}

static void clear(gs_store *s, int64_t slot)
{
	OK(s, &admin, "auction.clear", slot_args(slot), GATE(slot));
}

/* orc reports wh for panel 1 in slot at T_REPORT(slot). */
static void produce(gs_store *s, int64_t slot, int64_t wh)
{
	OK(s, &orc, "oracle.report", json_pack("{s:I,s:I,s:I}", "panel", (json_int_t)1,
					       "slot", (json_int_t)slot, "wh",
					       (json_int_t)wh), T_REPORT(slot));
}

/* Open a dispute as k; returns its id. */
static int64_t dispute(gs_store *s, const gs_key *k, int64_t slot, int64_t time)
{
	json_t *out = NULL;
	int64_t id;
	gs_err e;

	ck_assert_msg(th_apply(s, k, "settle.dispute", json_pack("{s:I,s:s}", "slot",
			       (json_int_t)slot, "reason", "meter reading"), time, &out, &e) ==
		      GS_OK, "dispute by %s: %s", k->name, e.msg);
	ck_assert_uint_eq(json_array_size(out), 1);
	ck_assert_str_eq(str(json_array_get(out, 0), "type"), "dispute");
	id = num(json_array_get(out, 0), "id");
	json_decref(out);
	return id;
}

/* The example through oracle finalization (1600 Wh produced) and compute
 * at tc (>= T_FINAL(SL)). */
static gs_store *computed(int64_t tc)
{
	gs_store *s = setup();

	trade(s);
	clear(s, SL);
	produce(s, SL, 1600);
	OK(s, &admin, "oracle.finalize", slot_args(SL), T_FINAL(SL));
	OK(s, &admin, "settle.compute", slot_args(SL), tc);
	return s;
}

/* ---- inspection ---------------------------------------------------------------- */

/* The status records at now (new reference). */
static json_t *status(gs_store *s, int64_t now, int limit)
{
	json_t *out = json_array();
	gs_err e;

	ck_assert_msg(gs_slot_status_records(s, now, limit, out, &e) == GS_OK, "status: %s",
		      e.msg);
	return out;
}

/* The record expected for slot (price NOPRICE: null; next NULL: null;
 * next_at NONE: null). */
static json_t *want_rec(int64_t slot, const char *state, int64_t open_orders, int64_t price,
			int64_t volume, const char *next, int64_t next_at)
{
	return json_pack("{s:s,s:I,s:I,s:s,s:I,s:o,s:I,s:o,s:o}", "type", "slot", "slot",
		(json_int_t)slot, "start", (json_int_t)START(slot), "state", state,
		"open_orders", (json_int_t)open_orders, "price",
		price == NOPRICE ? json_null() : json_integer(price), "volume_wh",
		(json_int_t)volume, "next", next ? json_string(next) : json_null(),
		"next_at", next_at == NONE ? json_null() : json_integer(next_at));
}

/* got must equal want, field for field; consumes want. */
static void same_(json_t *got, json_t *want, int line)
{
	char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
	char *w = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);

	ck_assert_msg(json_equal(got, want), "line %d: record\n  %s\nwant\n  %s", line, g, w);
	free(g);
	free(w);
	json_decref(want);
}

/* The status at now (limit 8) must be exactly one record, for slot. */
#define ONE(s, now, slot, state, open, price, volume, next, next_at) \
	one_(s, now, want_rec(slot, state, open, price, volume, next, next_at), __LINE__)
static void one_(gs_store *s, int64_t now, json_t *want, int line)
{
	json_t *out = status(s, now, 8);

	ck_assert_msg(json_array_size(out) == 1, "line %d: %zu records, want 1", line,
		      json_array_size(out));
	same_(json_array_get(out, 0), want, line);
	json_decref(out);
}

/* The slot numbers of the records, comma-separated, in order. */
static char *slots_of(json_t *out, char *buf, size_t n)
{
	json_t *r;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(out, i, r) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "%s%lld", i ? "," : "",
			 (long long)(num(r, "slot") - S0));
	}
	return buf;
}

/* ---- before the gate ------------------------------------------------------------ */

/* No slot with orders, oracle data or a clearing: no records. Then four
 * open orders, one canceled: "open", 3 open orders, next the clearing at
 * the gate (still in the future, not clamped). */
START_TEST(open_before_gate)
{
	gs_store *s = setup();
	json_t *out = status(s, T_ORDER, 8);
	int64_t id;

	ck_assert_uint_eq(json_array_size(out), 0);
	json_decref(out);
	trade(s);
	id = BUY(s, &bob, SL, 100000, 300);
	ONE(s, T_ORDER + 1, SL, "open", 4, NOPRICE, 0, "auction clear", GATE(SL));
	OK(s, &bob, "auction.cancel", json_pack("{s:I}", "order", (json_int_t)id),
	   T_ORDER + 10);
	ONE(s, T_ORDER + 20, SL, "open", 3, NOPRICE, 0, "auction clear", GATE(SL));
	ONE(s, GATE(SL) - 1, SL, "open", 3, NOPRICE, 0, "auction clear", GATE(SL));
	gs_store_close(s);
}
END_TEST

/* ---- after the gate, not cleared ---------------------------------------------------- */

/* From the gate on the slot is "gate closed"; the clearing is due, so
 * next_at is clamped to now. */
START_TEST(gate_closed)
{
	gs_store *s = setup();

	trade(s);
	ONE(s, GATE(SL), SL, "gate closed", 3, NOPRICE, 0, "auction clear", GATE(SL));
	ONE(s, GATE(SL) + 500, SL, "gate closed", 3, NOPRICE, 0, "auction clear",
	    GATE(SL) + 500);
	ONE(s, END(SL) + 7200, SL, "gate closed", 3, NOPRICE, 0, "auction clear",
	    END(SL) + 7200);
	gs_store_close(s);
}
END_TEST

/* ---- cleared ------------------------------------------------------------------------ */

/* Cleared: price and volume of the clearing, no open orders left (the
 * order rows stay 'open' after clearing), next the oracle finalize at the
 * end of the slot + verification_period_s, clamped to now once passed; a
 * report alone does not make the data final. A second slot cleared
 * without trade (a lone buy) has a null price and volume 0. */
START_TEST(cleared)
{
	gs_store *s = setup();
	int64_t s2 = SL + 1;
	json_t *out;

	trade(s);
	BUY(s, &bob, s2, 110000, 1000);
	clear(s, SL);
	out = status(s, GATE(SL) + 10, 8);
	ck_assert_uint_eq(json_array_size(out), 2);
	same_(json_array_get(out, 0), want_rec(SL, "cleared", 0, 110000, 2000,
					       "oracle finalize", END(SL) + VP), __LINE__);
	same_(json_array_get(out, 1), want_rec(s2, "open", 1, NOPRICE, 0, "auction clear",
					       GATE(s2)), __LINE__);
	json_decref(out);

	clear(s, s2);
	produce(s, SL, 1600);
	out = status(s, T_REPORT(SL) + 1, 8);
	ck_assert_uint_eq(json_array_size(out), 2);
	same_(json_array_get(out, 0), want_rec(SL, "cleared", 0, 110000, 2000,
					       "oracle finalize", END(SL) + VP), __LINE__);
	same_(json_array_get(out, 1), want_rec(s2, "cleared", 0, NOPRICE, 0,
					       "oracle finalize", END(s2) + VP), __LINE__);
	json_decref(out);

	/* the verification period is over but nobody finalized: due now */
	out = status(s, END(s2) + VP + 50, 8);
	ck_assert_uint_eq(json_array_size(out), 2);
	same_(json_array_get(out, 0), want_rec(SL, "cleared", 0, 110000, 2000,
					       "oracle finalize", END(s2) + VP + 50), __LINE__);
	same_(json_array_get(out, 1), want_rec(s2, "cleared", 0, NOPRICE, 0,
					       "oracle finalize", END(s2) + VP + 50), __LINE__);
	json_decref(out);
	gs_store_close(s);
}
END_TEST

/* ---- oracle data final ------------------------------------------------------------ */

/* Cleared and oracle data final: settlement compute is due now. */
START_TEST(data_final)
{
	gs_store *s = setup();

	trade(s);
	clear(s, SL);
	produce(s, SL, 1600);
	OK(s, &admin, "oracle.finalize", slot_args(SL), T_FINAL(SL));
	ONE(s, T_FINAL(SL), SL, "data final", 0, 110000, 2000, "settlement compute",
	    T_FINAL(SL));
	ONE(s, T_FINAL(SL) + 123, SL, "data final", 0, 110000, 2000, "settlement compute",
	    T_FINAL(SL) + 123);
	gs_store_close(s);
}
END_TEST

/* ---- computed ----------------------------------------------------------------------- */

/* Computed at tc: settlement finalize at tc + dispute_window_s (not at
 * the oracle finalize time), clamped to now once the window is over. */
START_TEST(computed_slot)
{
	int64_t tc = T_FINAL(SL) + 50;
	gs_store *s = computed(tc);

	ONE(s, tc + 10, SL, "computed", 0, 110000, 2000, "settlement finalize", tc + WIN);
	ONE(s, tc + WIN - 1, SL, "computed", 0, 110000, 2000, "settlement finalize",
	    tc + WIN);
	ONE(s, tc + WIN + 100, SL, "computed", 0, 110000, 2000, "settlement finalize",
	    tc + WIN + 100);
	gs_store_close(s);
}
END_TEST

/* ---- disputes ----------------------------------------------------------------------- */

/* An open dispute: the operator resolves it, nothing timed. Rejected, the
 * slot is "computed" again with the original window. */
START_TEST(disputed)
{
	int64_t tc = T_FINAL(SL);
	gs_store *s = computed(tc);
	int64_t id = dispute(s, &bob, SL, tc + 100);

	ONE(s, tc + 200, SL, "disputed", 0, 110000, 2000, "resolve the dispute (operator)",
	    NONE);
	ONE(s, tc + WIN + 500, SL, "disputed", 0, 110000, 2000,
	    "resolve the dispute (operator)", NONE);
	OK(s, &admin, "settle.resolve", json_pack("{s:I,s:b}", "dispute", (json_int_t)id,
						  "uphold", 0), tc + 300);
	ONE(s, tc + 400, SL, "computed", 0, 110000, 2000, "settlement finalize", tc + WIN);
	gs_store_close(s);
}
END_TEST

/* An upheld dispute reopens the slot: compute again is left to the
 * operator, nothing timed; computed again at t2, a new window from t2. */
START_TEST(reopened)
{
	int64_t tc = T_FINAL(SL), t2 = tc + WIN + 500;
	gs_store *s = computed(tc);
	int64_t id = dispute(s, &dave, SL, tc + 100);

	OK(s, &admin, "settle.resolve", json_pack("{s:I,s:b}", "dispute", (json_int_t)id,
						  "uphold", 1), tc + 300);
	ONE(s, tc + 400, SL, "reopened", 0, 110000, 2000,
	    "compute again after the correction (operator)", NONE);
	ONE(s, t2 - 1, SL, "reopened", 0, 110000, 2000,
	    "compute again after the correction (operator)", NONE);
	OK(s, &admin, "settle.compute", slot_args(SL), t2);
	ONE(s, t2 + 1, SL, "computed", 0, 110000, 2000, "settlement finalize", t2 + WIN);
	gs_store_close(s);
}
END_TEST

/* ---- settled -------------------------------------------------------------------------- */

/* Final: nothing next; the clearing's figures are still shown. */
START_TEST(settled)
{
	int64_t tc = T_FINAL(SL);
	gs_store *s = computed(tc);

	OK(s, &admin, "settle.finalize", slot_args(SL), tc + WIN);
	ONE(s, tc + WIN, SL, "settled", 0, 110000, 2000, NULL, NONE);
	ONE(s, tc + 10 * WIN, SL, "settled", 0, 110000, 2000, NULL, NONE);
	gs_store_close(s);
}
END_TEST

/* ---- the limit -------------------------------------------------------------------------- */

/* Slots with orders (entered newest first), with oracle data and with a
 * clearing, each listed once, oldest first; limit n keeps the n most
 * recent. Slot numbers below are relative to S0. */
START_TEST(limit)
{
	gs_store *s = setup();
	int64_t now = GATE(SL) + 10;
	char buf[128];
	json_t *out;

	BUY(s, &bob, S0 + 7, 100000, 100);
	BUY(s, &bob, S0 + 6, 100000, 100);
	BUY(s, &dave, S0 + 6, 100000, 200);
	trade(s);			/* S0 + 4 */
	BUY(s, &dave, S0 + 3, 100000, 100);
	produce(s, S0, 100);		/* S0: oracle data only */
	produce(s, S0 + 1, 100);	/* S0 + 1: oracle data only */
	clear(s, SL);			/* S0 + 4: orders and a clearing */
	ck_assert_int_lt(GATE(S0 + 3), now);
	ck_assert_int_lt(now, GATE(S0 + 6));

	out = status(s, now, 100);
	ck_assert_str_eq(slots_of(out, buf, sizeof buf), "0,1,3,4,6,7");
	json_decref(out);
	out = status(s, now, 6);
	ck_assert_str_eq(slots_of(out, buf, sizeof buf), "0,1,3,4,6,7");
	json_decref(out);
	out = status(s, now, 4);
	ck_assert_str_eq(slots_of(out, buf, sizeof buf), "3,4,6,7");
	same_(json_array_get(out, 0), want_rec(S0 + 3, "gate closed", 1, NOPRICE, 0,
					       "auction clear", now), __LINE__);
	same_(json_array_get(out, 1), want_rec(SL, "cleared", 0, 110000, 2000,
					       "oracle finalize", END(SL) + VP), __LINE__);
	same_(json_array_get(out, 2), want_rec(S0 + 6, "open", 2, NOPRICE, 0,
					       "auction clear", GATE(S0 + 6)), __LINE__);
	same_(json_array_get(out, 3), want_rec(S0 + 7, "open", 1, NOPRICE, 0,
					       "auction clear", GATE(S0 + 7)), __LINE__);
	json_decref(out);
	out = status(s, now, 1);
	ck_assert_str_eq(slots_of(out, buf, sizeof buf), "7");
	json_decref(out);

	/* the slot with orders, a clearing and oracle data is still one */
	produce(s, SL, 1600);
	out = status(s, T_REPORT(SL), 3);
	ck_assert_str_eq(slots_of(out, buf, sizeof buf), "4,6,7");
	json_decref(out);
	gs_store_close(s);
}
END_TEST

/* ---- oracle data, no auction ------------------------------------------------------------ */

/* A slot with oracle reports but no order and no clearing is listed (its
 * gate is long past when a report can come: after the slot's end) as "no
 * orders": there is nothing to clear, only its oracle data to finalize;
 * once that is final nothing more is due. */
START_TEST(oracle_only)
{
	gs_store *s = setup();
	int64_t sl = S0 + 1, t = T_REPORT(sl) + 5;

	produce(s, sl, 500);
	ONE(s, t, sl, "no orders", 0, NOPRICE, 0, "oracle finalize", T_FINAL(sl));
	OK(s, &admin, "oracle.finalize", slot_args(sl), T_FINAL(sl));
	ONE(s, T_FINAL(sl) + 5, sl, "no orders", 0, NOPRICE, 0, NULL, NONE);
	gs_store_close(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, open_before_gate);
	tcase_add_test(tc, gate_closed);
	tcase_add_test(tc, cleared);
	tcase_add_test(tc, data_final);
	tcase_add_test(tc, computed_slot);
	tcase_add_test(tc, disputed);
	tcase_add_test(tc, reopened);
	tcase_add_test(tc, settled);
	tcase_add_test(tc, limit);
	tcase_add_test(tc, oracle_only);
	suite_add_tcase(s, tc);
	return th_run(s);
}
