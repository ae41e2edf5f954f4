/* test_auction.c - unit tests for auction.c at the state level: orders
 * with their escrow and collateral exactly as DESIGN 9 (last paragraph)
 * says, held in one escrow (token) and one collateral (stake) lock per
 * account and slot (table auction_locks, ref "slot:N") whose amounts are
 * the sums of what the account's orders contribute, gs_escrow_tokens and
 * gs_collateral with their rounding, the refusals of an order (gate,
 * price bounds, panel owner, retired panel, capacity x slot length, debt,
 * stake, balance, also for the orders of one tx together) with the state
 * unchanged, market orders, cancel (shrinking the locks), clear (gate,
 * once, --due), the locks left after clearing at positive and negative
 * prices, the fills (table fills), the order / clearing / fill records,
 * and random books cleared through the state compared with gs_clear.
 * Invariants after every scenario and a replay at the end of each test
 * (DESIGN 8 "Auction", 9, 11). */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define C(x) ((int64_t)(x) * 1000000)	/* credits in base units */
#define SS INT64_C(900)			/* slot_seconds */
#define GATE_S INT64_C(300)		/* gate_closure_s default */
#define S0 (TH_T0 / SS)			/* the slot that starts at genesis */
#define SL (S0 + 4)			/* the slot most tests trade in */
#define GATE(n) ((n) * SS - GATE_S)	/* gate closure of slot n */
#define T1 (TH_T0 + 100)		/* order time: well before GATE(SL) */
#define PMIN INT64_C(-500000)		/* price_min default */
#define PMAX INT64_C(4000000)		/* price_max default */
#define BPS INT64_C(15000)		/* penalty_bps default */
#define MINSTAKE C(10)			/* seller_min_stake default */

/* admin (every role), alice (panels 1, 2), bob (buyer), carol (panel 3),
 * dave (panel 5), erin (panels 4, 6); 1000 credits each, no stake. */
static gs_key admin, alice, bob, carol, dave, erin;

static void report(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "verify: %s\n", msg);
}

static int64_t q(gs_store *s, const char *sql)
{
	int64_t v = -1;
	gs_err e;

	ck_assert_msg(gs_query_int(s, &e, &v, sql, "") == 1, "query %s", sql);
	return v;
}

static int64_t num(json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	ck_assert_msg(json_is_integer(v), "field %s is not an integer", k);
	return json_integer_value(v);
}

static const char *str(json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	ck_assert_msg(json_is_string(v), "field %s is not a string", k);
	return json_string_value(v);
}

#define OK(s, k, cmd, args, time) ok_(s, k, cmd, args, time, __LINE__)
static void ok_(gs_store *s, const gs_key *k, const char *cmd, json_t *args, int64_t time,
		int line)
{
	gs_err e;

	ck_assert_msg(th_apply(s, k, cmd, args, time, NULL, &e) == GS_OK,
		      "line %d: %s by %s: %s", line, cmd, k->name, e.msg);
}

static void set_param(gs_store *s, const char *name, int64_t value, int64_t time)
{
	OK(s, &admin, "params.set", json_pack("{s:s,s:I}", "name", name, "value",
					      (json_int_t)value), time);
}

static void deposit(gs_store *s, const gs_key *k, int64_t amount, int64_t time)
{
	OK(s, k, "stake.deposit", json_pack("{s:I}", "amount", (json_int_t)amount), time);
}

/* Genesis at TH_T0, the accounts above with 1000 credits each, and six
 * panels: 1 alice 80 kW (20000 Wh per slot), 2 alice 1 kW (250 Wh),
 * 3 carol 80 kW, 4 erin 80 kW, 5 dave 80 kW, 6 erin 1 kW. */
static gs_store *setup(void)
{
	gs_store *s = th_genesis(&admin);
	const gs_key *who[] = { &alice, &bob, &carol, &dave, &erin };
	json_t *items = json_array();

	th_account(s, "alice", &alice);
	th_account(s, "bob", &bob);
	th_account(s, "carol", &carol);
	th_account(s, "dave", &dave);
	th_account(s, "erin", &erin);
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++)
		json_array_append_new(items, json_pack("{s:s,s:I}", "to", who[i]->name,
						       "amount", (json_int_t)C(1000)));
	OK(s, &admin, "token.mint", json_pack("{s:o}", "items", items), TH_T0);
	OK(s, &admin, "panel.register", json_pack("{s:[{s:s,s:i},{s:s,s:i},{s:s,s:i},"
		"{s:s,s:i},{s:s,s:i},{s:s,s:i}]}", "items",
		"owner", "alice", "capacity_w", 80000, "owner", "alice", "capacity_w", 1000,
		"owner", "carol", "capacity_w", 80000, "owner", "erin", "capacity_w", 80000,
		"owner", "dave", "capacity_w", 80000, "owner", "erin", "capacity_w", 1000),
	   TH_T0);
	return s;
}

/* ---- state inspection ---------------------------------------------------- */

static int64_t avail(gs_store *s, const char *who)
{
	int64_t a, l;

	th_balance(s, who, &a, &l);
	return a;
}

static int64_t locked(gs_store *s, const char *who)
{
	int64_t a, l;

	th_balance(s, who, &a, &l);
	return l;
}

static gs_stake stake(gs_store *s, const char *who)
{
	gs_stake st;
	gs_err e;

	ck_assert_int_eq(gs_stake_get(s, who, &st, &e), GS_OK);
	return st;
}

static int64_t free_stake(gs_store *s, const char *who)
{
	gs_stake st = stake(s, who);

	return st.staked - st.locked - st.unbonding;
}

/* The ref of an account's auction locks of slot: "slot:N". */
static const char *slot_ref(int64_t slot, char ref[32])
{
	snprintf(ref, 32, "slot:%lld", (long long)slot);
	return ref;
}

/* The active escrow (token) lock of account who in slot: its amount, 0 if
 * none. Strict: at most one active lock of who with ref "slot:N"; it is
 * the protocol's (purpose escrow, not manual) and auction_locks names it
 * as who's escrow lock of the slot. */
static int64_t escrow_lock(gs_store *s, const char *who, int64_t slot)
{
	char ref[32];
	int64_t n = -1, id = 0, amount = -1, named = -1;
	gs_err e;

	slot_ref(slot, ref);
	ck_assert_int_eq(gs_query_int(s, &e, &n, "SELECT count(*) FROM locks WHERE "
				      "account = ? AND ref = ? AND state = 'active'", "tt",
				      who, ref), 1);
	ck_assert_msg(n <= 1, "%s has %lld active token locks %s", who, (long long)n, ref);
	if (n == 0)
		return 0;
	ck_assert_msg(gs_query_int(s, &e, &id, "SELECT id FROM locks WHERE account = ? "
				   "AND ref = ? AND state = 'active' AND purpose = "
				   "'escrow' AND manual = 0", "tt", who, ref) == 1,
		      "%s's token lock %s is not a protocol escrow lock", who, ref);
	ck_assert_int_eq(gs_query_int(s, &e, &amount, "SELECT amount FROM locks WHERE "
				      "id = ?", "i", id), 1);
	ck_assert_msg(gs_query_int(s, &e, &named, "SELECT escrow_lock FROM auction_locks "
				   "WHERE slot = ? AND account = ?", "it", slot, who) == 1 &&
		      named == id, "auction_locks does not name %s's escrow lock %lld of "
		      "%s", who, (long long)id, ref);
	return amount;
}

/* The same for the collateral (stake) lock of who in slot. */
static int64_t collateral_lock(gs_store *s, const char *who, int64_t slot)
{
	char ref[32];
	int64_t n = -1, id = 0, amount = -1, named = -1;
	gs_err e;

	slot_ref(slot, ref);
	ck_assert_int_eq(gs_query_int(s, &e, &n, "SELECT count(*) FROM stake_locks WHERE "
				      "account = ? AND ref = ? AND state = 'active'", "tt",
				      who, ref), 1);
	ck_assert_msg(n <= 1, "%s has %lld active stake locks %s", who, (long long)n, ref);
	if (n == 0)
		return 0;
	ck_assert_msg(gs_query_int(s, &e, &id, "SELECT id FROM stake_locks WHERE account "
				   "= ? AND ref = ? AND state = 'active' AND purpose = "
				   "'collateral' AND manual = 0", "tt", who, ref) == 1,
		      "%s's stake lock %s is not a protocol collateral lock", who, ref);
	ck_assert_int_eq(gs_query_int(s, &e, &amount, "SELECT amount FROM stake_locks "
				      "WHERE id = ?", "i", id), 1);
	ck_assert_msg(gs_query_int(s, &e, &named, "SELECT collateral_lock FROM "
				   "auction_locks WHERE slot = ? AND account = ?", "it", slot,
				   who) == 1 && named == id, "auction_locks does not name "
		      "%s's collateral lock %lld of %s", who, (long long)id, ref);
	return amount;
}

/* Id of who's active escrow / collateral lock of slot (0: none). */
static int64_t escrow_lock_id(gs_store *s, const char *who, int64_t slot)
{
	char ref[32];
	int64_t id = 0;
	gs_err e;

	ck_assert_int_ge(gs_query_int(s, &e, &id, "SELECT id FROM locks WHERE account = ? "
				      "AND ref = ? AND state = 'active'", "tt", who,
				      slot_ref(slot, ref)), 0);
	return id;
}

static int64_t collateral_lock_id(gs_store *s, const char *who, int64_t slot)
{
	char ref[32];
	int64_t id = 0;
	gs_err e;

	ck_assert_int_ge(gs_query_int(s, &e, &id, "SELECT id FROM stake_locks WHERE "
				      "account = ? AND ref = ? AND state = 'active'", "tt",
				      who, slot_ref(slot, ref)), 0);
	return id;
}

/* What order id contributed at entry to its account's slot locks (the
 * orders columns escrow and collateral). */
static int64_t entry_escrow(gs_store *s, int64_t id)
{
	int64_t v = -1;
	gs_err e;

	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT escrow FROM orders WHERE id = ?",
				      "i", id), 1);
	return v;
}

static int64_t entry_collateral(gs_store *s, int64_t id)
{
	int64_t v = -1;
	gs_err e;

	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT collateral FROM orders WHERE "
				      "id = ?", "i", id), 1);
	return v;
}

/* Per account and slot, the locks hold exactly what DESIGN 9 asks, from
 * the orders themselves: each order's stored contribution is its escrow
 * and collateral at its limit; before clearing the account's locks hold
 * the sums over its open orders; after clearing the escrow lock holds the
 * sum over its orders of what each fill owes at P, and the collateral
 * lock at most the sum of its filled sells' collateral at P (raised only
 * as far as free stake allowed, which tests check right after clearing);
 * an account without fills holds nothing. */
static void account_slot_locks(gs_store *s, const char *who, int64_t slot)
{
	gs_stmt *st = NULL, *o;
	int64_t bps = -1, price = 0, want_e = 0, want_c = 0, n;
	int done, has_price = 0;
	gs_err e;
	int rc;

	ck_assert_int_eq(gs_param_get(s, "penalty_bps", &bps, &e), GS_OK);
	rc = gs_query_row(s, &e, &st, "SELECT price FROM clearings WHERE slot = ?", "i",
			  slot);
	ck_assert_int_ge(rc, 0);
	done = rc == 1;
	if (done) {
		has_price = gs_col_type(st, 0) == 'i';
		price = has_price ? gs_col_int(st, 0) : 0;
		gs_stmt_reset(st);
	}
	o = gs_sql_once(s, "SELECT o.id, o.side, o.price, o.qty_wh, o.escrow, "
			"o.collateral, o.state, f.qty_wh FROM orders o LEFT JOIN fills f "
			"ON f.order_id = o.id WHERE o.account = ? AND o.slot = ? ORDER BY "
			"o.id", &e);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(gs_bind(o, &e, "ti", who, slot), GS_OK);
	for (n = 0; (rc = gs_step(o, &e)) == 1; n++) {
		int64_t id = gs_col_int(o, 0), limit = gs_col_int(o, 2), qty = gs_col_int(o, 3);
		int side = strcmp(gs_col_text(o, 1), "buy") == 0 ? GS_BUY : GS_SELL;
		int open = strcmp(gs_col_text(o, 6), "open") == 0;
		int64_t esc = gs_escrow_tokens(side, qty, limit);
		int64_t col = side == GS_SELL ? gs_collateral(qty, limit, bps) : 0;

		ck_assert_msg(gs_col_int(o, 4) == esc && gs_col_int(o, 5) == col,
			      "order %lld stores escrow %lld, collateral %lld; want %lld, "
			      "%lld", (long long)id, (long long)gs_col_int(o, 4),
			      (long long)gs_col_int(o, 5), (long long)esc, (long long)col);
		if (!done && open) {
			want_e += esc;
			want_c += col;
		} else if (done && open && gs_col_type(o, 7) == 'i' && has_price) {
			int64_t fill = gs_col_int(o, 7);
			if (fill > 0) {
				want_e += gs_escrow_tokens(side, fill, price);
				if (side == GS_SELL)
					want_c += gs_collateral(fill, price, bps);
			}
		}
	}
	ck_assert_int_eq(rc, 0);
	gs_stmt_free(o);
	ck_assert_msg(escrow_lock(s, who, slot) == want_e, "%s's escrow lock of slot "
		      "%lld: %lld, want %lld", who, (long long)slot,
		      (long long)escrow_lock(s, who, slot), (long long)want_e);
	if (done)
		ck_assert_msg(collateral_lock(s, who, slot) <= want_c, "%s's collateral "
			      "lock of cleared slot %lld: %lld, above %lld", who,
			      (long long)slot, (long long)collateral_lock(s, who, slot),
			      (long long)want_c);
	else
		ck_assert_msg(collateral_lock(s, who, slot) == want_c, "%s's collateral "
			      "lock of slot %lld: %lld, want %lld", who, (long long)slot,
			      (long long)collateral_lock(s, who, slot), (long long)want_c);
}

/* The invariants of DESIGN 11 the auction touches. */
static void books(gs_store *s)
{
	gs_stmt *st;
	gs_err e;
	int rc;

	ck_assert_int_eq(q(s, "SELECT coalesce(sum(available + locked), 0) FROM balances"),
			 q(s, "SELECT minted - burned FROM supply"));
	ck_assert_int_eq(q(s, "SELECT available + locked FROM balances WHERE account = "
			   "'vault'"), q(s, "SELECT coalesce(sum(staked), 0) FROM stakes"));
	ck_assert_int_eq(q(s, "SELECT count(*) FROM balances WHERE available < 0 OR "
			   "locked < 0"), 0);
	/* the lock ids auction_locks names are locks of that account with
	 * ref "slot:N" and the protocol's purpose, never manual ones */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM auction_locks a WHERE a.escrow_lock "
			   "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM locks l WHERE l.id = "
			   "a.escrow_lock AND l.account = a.account AND l.ref = 'slot:' || "
			   "a.slot AND l.purpose = 'escrow' AND l.manual = 0)"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM auction_locks a WHERE "
			   "a.collateral_lock IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
			   "stake_locks l WHERE l.id = a.collateral_lock AND l.account = "
			   "a.account AND l.ref = 'slot:' || a.slot AND l.purpose = "
			   "'collateral' AND l.manual = 0)"), 0);
	/* no active protocol lock is orphaned (every one here is an auction
	 * lock its row names): so at most one of each kind per account and
	 * slot */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM locks l WHERE l.state = 'active' AND "
			   "l.manual = 0 AND NOT EXISTS (SELECT 1 FROM auction_locks a "
			   "WHERE a.escrow_lock = l.id)"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stake_locks l WHERE l.state = "
			   "'active' AND l.manual = 0 AND NOT EXISTS (SELECT 1 FROM "
			   "auction_locks a WHERE a.collateral_lock = l.id)"), 0);
	/* per account and slot: the amounts (account_slot_locks) */
	st = gs_sql_once(s, "SELECT account, slot FROM orders UNION SELECT account, slot "
			 "FROM auction_locks ORDER BY 1, 2", &e);
	ck_assert_ptr_nonnull(st);
	while ((rc = gs_step(st, &e)) == 1) {
		char who[33];
		snprintf(who, sizeof who, "%s", gs_col_text(st, 0));
		account_slot_locks(s, who, gs_col_int(st, 1));
	}
	ck_assert_int_eq(rc, 0);
	gs_stmt_free(st);
	/* fills: one row for each order of a cleared book (its open orders),
	 * none for canceled orders or slots not cleared */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM orders o LEFT JOIN clearings c ON "
			   "c.slot = o.slot LEFT JOIN fills f ON f.order_id = o.id WHERE "
			   "(c.slot IS NOT NULL AND o.state = 'open') <> (f.order_id IS NOT "
			   "NULL)"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM fills f WHERE NOT EXISTS (SELECT 1 "
			   "FROM orders o WHERE o.id = f.order_id)"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM clearings c WHERE c.orders <> (SELECT "
			   "count(*) FROM fills f JOIN orders o ON o.id = f.order_id WHERE "
			   "o.slot = c.slot)"), 0);
	/* per cleared slot the fills add up */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM clearings c WHERE c.volume_wh <> "
			   "(SELECT coalesce(sum(f.qty_wh), 0) FROM fills f JOIN orders o ON "
			   "o.id = f.order_id WHERE o.slot = c.slot AND o.side = 'buy') OR "
			   "c.volume_wh <> (SELECT coalesce(sum(f.qty_wh), 0) FROM fills f "
			   "JOIN orders o ON o.id = f.order_id WHERE o.slot = c.slot AND "
			   "o.side = 'sell')"), 0);
	/* within the order and its limit; no trade, no fill */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM fills f JOIN orders o ON o.id = "
			   "f.order_id JOIN clearings c ON c.slot = o.slot WHERE f.qty_wh < 0 "
			   "OR f.qty_wh > o.qty_wh OR (f.qty_wh > 0 AND (c.price IS NULL OR "
			   "(o.side = 'buy' AND o.price < c.price) OR (o.side = 'sell' AND "
			   "o.price > c.price)))"), 0);
	ck_assert_msg(gs_verify_invariants(s, report, NULL, &e) == GS_OK, "invariants: %s",
		      e.msg);
}

/* Invariants, chain and replay; closes the store. */
static void finish(gs_store *s)
{
	gs_err e;

	books(s);
	ck_assert_msg(gs_verify_chain(s, report, NULL, &e) == GS_OK, "chain: %s", e.msg);
	ck_assert_msg(gs_verify_replay(s, report, NULL, &e) == GS_OK, "replay: %s", e.msg);
	gs_store_close(s);
}

/* Snapshot of the state: digest and journal rows. */
struct snap {
	unsigned char d[32];
	int64_t rows;
};

static struct snap snap(gs_store *s)
{
	struct snap x;
	gs_err e;

	ck_assert_int_eq(gs_state_digest(s, x.d, &e), GS_OK);
	x.rows = th_journal_rows(s);
	return x;
}

static void same(gs_store *s, const struct snap *a, int line)
{
	struct snap b = snap(s);

	ck_assert_msg(memcmp(a->d, b.d, 32) == 0 && a->rows == b.rows,
		      "line %d: the state changed", line);
}

static int mentions(const char *msg, const char *needle)
{
	return !needle || strstr(msg, needle) != NULL;
}

/* A tx that must fail with code, change nothing, and say what. */
#define BAD(s, code, needle, call) do {						\
	struct snap sn_ = snap(s);						\
	gs_err e_ = { 0 };							\
	int rc_ = call;								\
	ck_assert_msg(rc_ == (code), "line %d: exit %d, want %d (%s)", __LINE__, rc_,	\
		      (code), e_.msg);						\
	ck_assert_msg(mentions(e_.msg, needle), "line %d: <%s> not in <%s>",	\
		      __LINE__, (needle) ? (const char *)(needle) : "", e_.msg);	\
	same(s, &sn_, __LINE__);						\
} while (0)

/* ---- orders ---------------------------------------------------------------- */

/* Order args; panel 0 = none; market != 0 sends "price":"market". */
static json_t *order_args(int64_t slot, int side, int64_t price, int64_t qty,
			  int64_t panel, int market)
{
	json_t *a = json_pack("{s:I,s:s,s:I}", "slot", (json_int_t)slot, "side",
			      side == GS_BUY ? "buy" : "sell", "qty_wh", (json_int_t)qty);

	json_object_set_new(a, "price", market ? json_string("market")
				       : json_integer(price));
	if (panel)
		json_object_set_new(a, "panel", json_integer(panel));
	return a;
}

static int place(gs_store *s, const gs_key *k, int64_t slot, int side, int64_t price,
		 int64_t qty, int64_t panel, int64_t time, gs_err *e)
{
	return th_apply(s, k, "auction.order", order_args(slot, side, price, qty, panel, 0),
			time, NULL, e);
}

/* Place an order that must be accepted; returns its id (the newest order;
 * the tx's own output records are checked in tx_records). */
#define ORDER(s, k, slot, side, price, qty, panel, time) \
	order_ok(s, k, slot, side, price, qty, panel, 0, time, __LINE__)
#define MARKET(s, k, slot, side, qty, panel, time) \
	order_ok(s, k, slot, side, 0, qty, panel, 1, time, __LINE__)
static int64_t order_ok(gs_store *s, const gs_key *k, int64_t slot, int side,
			int64_t price, int64_t qty, int64_t panel, int market, int64_t time,
			int line)
{
	gs_err e;

	ck_assert_msg(th_apply(s, k, "auction.order", order_args(slot, side, price, qty,
			       panel, market), time, NULL, &e) == GS_OK,
		      "line %d: order by %s: %s", line, k->name, e.msg);
	return q(s, "SELECT max(id) FROM orders");
}

static int cancel(gs_store *s, const gs_key *k, int64_t id, int64_t time, int *status,
		  gs_err *e)
{
	return th_apply_status(s, k, "auction.cancel", json_pack("{s:I}", "order",
			       (json_int_t)id), time, status, NULL, e);
}

/* Clear slot (slot < 0: {"due":1}) as k; status and records out. */
static int clear(gs_store *s, const gs_key *k, int64_t slot, int64_t time, int *status,
		 json_t **out, gs_err *e)
{
	json_t *args = slot >= 0 ? json_pack("{s:I}", "slot", (json_int_t)slot)
				 : json_pack("{s:i}", "due", 1);

	return th_apply_status(s, k, "auction.clear", args, time, status, out, e);
}

#define CLEAR(s, slot, time) clear_ok(s, slot, time, __LINE__)
static void clear_ok(gs_store *s, int64_t slot, int64_t time, int line)
{
	int status = -1;
	gs_err e;

	ck_assert_msg(clear(s, &admin, slot, time, &status, NULL, &e) == GS_OK,
		      "line %d: clear: %s", line, e.msg);
	ck_assert_msg(status == GS_APPLIED, "line %d: clear not applied (%d): %s", line,
		      status, e.msg);
}

/* The order record of id (a new reference). */
static json_t *order_rec(gs_store *s, int64_t id)
{
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_int_eq(gs_order_records(s, -1, id, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_incref(json_array_get(out, 0));
	json_decref(out);
	return r;
}

static const char *state_of(gs_store *s, int64_t id, char buf[16])
{
	json_t *r = order_rec(s, id);

	snprintf(buf, 16, "%s", str(r, "state"));
	json_decref(r);
	return buf;
}

/* fill_wh of an order's record (-1 when null): its row in fills, which
 * exists exactly when the record says "cleared". */
static int64_t fill_of(gs_store *s, int64_t id)
{
	json_t *r = order_rec(s, id), *f = json_object_get(r, "fill_wh");
	int64_t v = json_is_integer(f) ? json_integer_value(f) : -1, n = -1, row = -1;
	gs_err e;

	ck_assert_msg(json_is_integer(f) || json_is_null(f), "fill_wh of %lld",
		      (long long)id);
	ck_assert_int_eq(gs_query_int(s, &e, &n, "SELECT count(*) FROM fills WHERE "
				      "order_id = ?", "i", id), 1);
	ck_assert_msg(n == (v >= 0), "order %lld: fill_wh %lld, %lld fills rows",
		      (long long)id, (long long)v, (long long)n);
	if (n == 1) {
		ck_assert_int_eq(gs_query_int(s, &e, &row, "SELECT qty_wh FROM fills WHERE "
					      "order_id = ?", "i", id), 1);
		ck_assert_int_eq(row, v);
	}
	ck_assert_int_eq(strcmp(str(r, "state"), "cleared") == 0, v >= 0);
	json_decref(r);
	return v;
}

/* The clearing record of a cleared slot (a new reference). */
static json_t *clearing_rec(gs_store *s, int64_t slot)
{
	json_t *out = json_array(), *r;
	gs_err e;

	ck_assert_int_eq(gs_clearing_record(s, slot, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_incref(json_array_get(out, 0));
	json_decref(out);
	ck_assert_str_eq(str(r, "type"), "clearing");
	ck_assert_int_eq(num(r, "slot"), slot);
	return r;
}

static int64_t price_of(gs_store *s, int64_t slot)
{
	json_t *r = clearing_rec(s, slot);
	int64_t p = num(r, "price");

	json_decref(r);
	return p;
}

/* ceil(a*b/d), a, b >= 0, in 128 bits; the test's own arithmetic. */
static int64_t ceil_div(__int128 num, __int128 d)
{
	return (int64_t)((num + d - 1) / d);
}

/* Is slot cleared? (gs_clearing_record: GS_OK or GS_EREFUSED.) */
static int cleared(gs_store *s, int64_t slot)
{
	json_t *out = json_array();
	gs_err e;
	int rc = gs_clearing_record(s, slot, out, &e);

	ck_assert(rc == GS_OK || rc == GS_EREFUSED);
	ck_assert_uint_eq(json_array_size(out), rc == GS_OK ? 1 : 0);
	json_decref(out);
	return rc == GS_OK;
}

/* ---- gs_escrow_tokens and gs_collateral ------------------------------------ */

START_TEST(escrow_values)
{
	/* a buy with limit >= 0: ceil(q x limit / 1000) */
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 1000, 210000), 210000);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 2000, 250000), 500000);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 1, 1), 1);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 1, 999), 1);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 1, 1000), 1);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 1, 1001), 2);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 1500, 1), 2);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 7, 1001), 8);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 1000, 0), 0);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 1000, PMAX), 4000000);
	/* a buy with a negative limit may only receive: nothing */
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 1000, -1), 0);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, 1000, PMIN), 0);
	/* a sell with limit < 0: ceil(q x |limit| / 1000) */
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, 1, -1), 1);
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, 1000, -1), 1);
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, 1001, -1), 2);
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, 3, -333), 1);
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, 2500, PMIN), 1250000);
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, 1001, -300001), 300302);
	/* a sell with limit >= 0: nothing */
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, 1000, 0), 0);
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, 1000, 210000), 0);
	/* large but representable */
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, INT64_MAX, 1000), INT64_MAX);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, INT64_MAX, 999),
			 ceil_div((__int128)INT64_MAX * 999, 1000));
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, INT64_MAX, -1000), INT64_MAX);
}
END_TEST

START_TEST(collateral_values)
{
	/* ceil(q x max(limit, 0) x penalty_bps / 10^7) */
	ck_assert_int_eq(gs_collateral(2000, 210000, BPS), 630000);
	ck_assert_int_eq(gs_collateral(15000, 40000, BPS), 900000);
	ck_assert_int_eq(gs_collateral(1000, 1000, 10000), 1000);	/* exact */
	ck_assert_int_eq(gs_collateral(1, 1, BPS), 1);			/* 0.0015 up */
	ck_assert_int_eq(gs_collateral(3, 333, 10000), 1);		/* 0.999 up */
	ck_assert_int_eq(gs_collateral(7, 500, BPS), 6);		/* 5.25 up */
	ck_assert_int_eq(gs_collateral(6666, 1000000, BPS), 9999000);
	ck_assert_int_eq(gs_collateral(1, 666666, BPS), 1000);		/* 999.999 up */
	ck_assert_int_eq(gs_collateral(1, 666667, BPS), 1001);		/* 1000.0005 up */
	ck_assert_int_eq(gs_collateral(1000, 0, BPS), 0);
	ck_assert_int_eq(gs_collateral(1000, -500000, BPS), 0);
	ck_assert_int_eq(gs_collateral(1000, 210000, 0), 0);
	ck_assert_int_eq(gs_collateral(1000, 210000, 1), 21);
	ck_assert_int_eq(gs_collateral(1000, 210001, 1), 22);
	/* the largest panel, longest slot and highest parameters still fit */
	/* a 10 GW panel's 2500000000 Wh per 900 s slot at 1e12 per kWh */
	ck_assert_int_eq(gs_collateral(INT64_C(2500000000), INT64_C(1000000000000), BPS),
			 INT64_C(3750000000000000000));
}
END_TEST

/* Values beyond int64 are -1 (gridset.h), never wrapped or 0: such an
 * order can never enter without escrow. */
START_TEST(escrow_overflow)
{
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, INT64_MAX, PMAX), -1);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, INT64_C(4000000000000000), PMAX), -1);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, INT64_C(2305843009213693), PMAX),
			 INT64_C(9223372036854772000));	/* just fits */
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, INT64_MAX, INT64_MAX), -1);
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, INT64_MAX, -INT64_C(1000000000000)), -1);
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, INT64_MAX, INT64_MIN), -1);
	/* the sides that lock nothing never overflow */
	ck_assert_int_eq(gs_escrow_tokens(GS_SELL, INT64_MAX, INT64_MAX), 0);
	ck_assert_int_eq(gs_escrow_tokens(GS_BUY, INT64_MAX, INT64_MIN), 0);
}
END_TEST

START_TEST(collateral_overflow_saturates)
{
	/* the product q x price x bps passes even 128 bits */
	ck_assert_int_eq(gs_collateral(INT64_MAX, INT64_MAX, 100000), INT64_MAX);
	ck_assert_int_eq(gs_collateral(INT64_MAX, INT64_MAX, 15000), INT64_MAX);
	ck_assert_int_eq(gs_collateral(INT64_MAX, INT64_C(1000000000000), 100000), INT64_MAX);
	ck_assert_int_eq(gs_collateral(INT64_C(1) << 40, INT64_C(1) << 40, 10000), INT64_MAX);
	/* a 10 GW panel in a day-long slot at the parameters' maxima */
	ck_assert_int_eq(gs_collateral(INT64_C(240000000000), INT64_C(1000000000000), 100000),
			 INT64_MAX);
}
END_TEST

/* ---- order entry: locks ------------------------------------------------------ */

/* Each kind of order locks exactly what DESIGN 9 says, of the signer, in
 * one escrow (token) and one collateral (stake) lock per account and
 * slot, ref "slot:N": an order stores its contribution, the account's
 * lock holds the sum of its open orders' contributions. */
START_TEST(order_locks)
{
	gs_store *s = setup();
	int64_t id, lock, sup = q(s, "SELECT minted - burned FROM supply");
	json_t *r, *items;
	gs_err e;

	deposit(s, &alice, C(200), TH_T0);

	/* buy, limit > 0: tokens, rounded up; no stake */
	id = ORDER(s, &bob, SL, GS_BUY, 250000, 2000, 0, T1);
	ck_assert_int_eq(entry_escrow(s, id), 500000);
	ck_assert_int_eq(entry_collateral(s, id), 0);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 500000);
	ck_assert_int_eq(collateral_lock(s, "bob", SL), 0);
	ck_assert_int_eq(avail(s, "bob"), C(1000) - 500000);
	ck_assert_int_eq(locked(s, "bob"), 500000);
	lock = escrow_lock_id(s, "bob", SL);
	/* bob's later orders of the slot grow the same lock by their own
	 * ceilings: 500000 + 8 + 1 */
	id = ORDER(s, &bob, SL, GS_BUY, 1001, 7, 0, T1);
	ck_assert_int_eq(entry_escrow(s, id), 8);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 500008);
	id = ORDER(s, &bob, SL, GS_BUY, 1, 1, 0, T1);
	ck_assert_int_eq(entry_escrow(s, id), 1);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 500009);
	ck_assert_int_eq(locked(s, "bob"), 500009);
	/* buy at 0 and below: nothing */
	id = ORDER(s, &bob, SL, GS_BUY, 0, 5000, 0, T1);
	ck_assert_int_eq(entry_escrow(s, id), 0);
	id = ORDER(s, &bob, SL, GS_BUY, -100000, 5000, 0, T1);
	ck_assert_int_eq(entry_escrow(s, id), 0);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 500009);
	ck_assert_int_eq(locked(s, "bob"), 500009);
	ck_assert_int_eq(escrow_lock_id(s, "bob", SL), lock);
	/* one lock, grown in place: no other lock of bob's was ever made */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM locks WHERE account = 'bob'"), 1);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stake_locks WHERE account = 'bob'"), 0);

	/* sell, limit > 0: stake collateral only, 630000 + 6 */
	id = ORDER(s, &alice, SL, GS_SELL, 210000, 2000, 1, T1);
	ck_assert_int_eq(entry_escrow(s, id), 0);
	ck_assert_int_eq(entry_collateral(s, id), 630000);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 0);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 630000);
	ck_assert_int_eq(stake(s, "alice").locked, 630000);
	ck_assert_int_eq(avail(s, "alice"), C(800));
	id = ORDER(s, &alice, SL, GS_SELL, 500, 7, 1, T1);
	ck_assert_int_eq(entry_collateral(s, id), 6);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 630006);
	ck_assert_int_eq(stake(s, "alice").locked, 630006);
	/* sell at 0: nothing at all */
	id = ORDER(s, &alice, SL, GS_SELL, 0, 1000, 1, T1);
	ck_assert_int_eq(entry_escrow(s, id), 0);
	ck_assert_int_eq(entry_collateral(s, id), 0);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 630006);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 0);
	/* sell, limit < 0: tokens (rounded up), no collateral: 300302 + 1 */
	id = ORDER(s, &alice, SL, GS_SELL, -300001, 1001, 1, T1);
	ck_assert_int_eq(entry_escrow(s, id), 300302);
	ck_assert_int_eq(entry_collateral(s, id), 0);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 300302);
	id = ORDER(s, &alice, SL, GS_SELL, -1, 1, 1, T1);
	ck_assert_int_eq(entry_escrow(s, id), 1);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 300303);
	ck_assert_int_eq(avail(s, "alice"), C(800) - 300303);
	ck_assert_int_eq(locked(s, "alice"), 300303);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 630006);
	ck_assert_int_eq(stake(s, "alice").locked, 630006);
	/* alice's buy in the same slot joins her escrow lock: + 100 */
	id = ORDER(s, &alice, SL, GS_BUY, 100000, 1, 0, T1);
	ck_assert_int_eq(entry_escrow(s, id), 100);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 300403);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM locks WHERE account = 'alice'"), 1);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stake_locks WHERE account = 'alice'"),
			 1);

	/* another slot has locks of its own; a tx of several orders grows
	 * each slot's lock once, by the sum (8 + 8 = 16: the sum of the
	 * orders' ceilings, not ceil(14 x 1001 / 1000) = 15) */
	items = json_pack("{s:[o,o,o]}", "items", order_args(SL + 1, GS_BUY, 1001, 7, 0, 0),
			  order_args(SL + 1, GS_BUY, 1001, 7, 0, 0),
			  order_args(SL, GS_BUY, 1000, 1, 0, 0));
	ck_assert_int_eq(th_apply(s, &bob, "auction.order", items, T1, NULL, &e), GS_OK);
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 1), 16);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 500010);
	ck_assert_int_eq(escrow_lock_id(s, "bob", SL), lock);
	ck_assert_int_eq(locked(s, "bob"), 500026);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM locks WHERE account = 'bob'"), 2);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM auction_locks"), 3);
	/* the locks are the protocol's: purpose escrow / collateral, ref
	 * slot:N, not manual */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM locks WHERE purpose <> 'escrow' OR "
			   "manual <> 0 OR ref NOT LIKE 'slot:%'"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stake_locks WHERE purpose <> "
			   "'collateral' OR manual <> 0 OR ref NOT LIKE 'slot:%'"), 0);
	ck_assert_int_eq(q(s, "SELECT minted - burned FROM supply"), sup);

	/* the record of an accepted order */
	r = order_rec(s, 1);
	ck_assert_str_eq(str(r, "type"), "order");
	ck_assert_int_eq(num(r, "id"), 1);
	ck_assert_str_eq(str(r, "account"), "bob");
	ck_assert_int_eq(num(r, "slot"), SL);
	ck_assert_str_eq(str(r, "side"), "buy");
	ck_assert_int_eq(num(r, "price"), 250000);
	ck_assert_int_eq(num(r, "qty_wh"), 2000);
	ck_assert(json_is_null(json_object_get(r, "panel")));
	ck_assert(json_is_false(json_object_get(r, "market")));
	ck_assert_str_eq(str(r, "state"), "open");
	ck_assert(json_is_null(json_object_get(r, "fill_wh")));
	ck_assert_int_eq(num(r, "time"), T1);
	json_decref(r);
	r = order_rec(s, 6);
	ck_assert_str_eq(str(r, "account"), "alice");
	ck_assert_str_eq(str(r, "side"), "sell");
	ck_assert_int_eq(num(r, "panel"), 1);
	json_decref(r);
	finish(s);
}
END_TEST

/* A batch of orders is one tx: all or nothing; its orders are checked
 * together against the actor's available balance and free stake. */
START_TEST(order_batch)
{
	gs_store *s = setup();
	json_t *items;
	gs_err e;

	deposit(s, &alice, C(200), TH_T0);
	items = json_pack("{s:[o,o,o]}", "items", order_args(SL, GS_SELL, 100000, 1000, 1, 0),
			  order_args(SL, GS_SELL, 100000, 1000, 2, 0),	/* 250 Wh panel */
			  order_args(SL, GS_SELL, 100000, 1000, 1, 0));
	BAD(s, GS_EREFUSED, NULL, th_apply(s, &alice, "auction.order", items, T1, NULL, &e_));
	ck_assert_int_eq(q(s, "SELECT count(*) FROM orders"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM auction_locks"), 0);
	items = json_pack("{s:[o,o]}", "items", order_args(SL, GS_SELL, 100000, 1000, 1, 0),
			  order_args(SL, GS_BUY, 100000, 1000, 0, 0));
	ck_assert_int_eq(th_apply(s, &alice, "auction.order", items, T1, NULL, &e), GS_OK);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM orders"), 2);
	ck_assert_int_eq(entry_escrow(s, 2), 100000);
	ck_assert_int_eq(entry_collateral(s, 1), 150000);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 100000);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 150000);

	/* the balance: bob's two buys of 600 credits each fit alone but not
	 * together, in one tx or in two */
	items = json_pack("{s:[o,o]}", "items", order_args(SL, GS_BUY, PMAX, 150000, 0, 0),
			  order_args(SL + 1, GS_BUY, PMAX, 150000, 0, 0));
	BAD(s, GS_EREFUSED, "insufficient balance", th_apply(s, &bob, "auction.order", items,
							     T1, NULL, &e_));
	ORDER(s, &bob, SL, GS_BUY, PMAX, 150000, 0, T1);
	BAD(s, GS_EREFUSED, "insufficient balance", place(s, &bob, SL + 1, GS_BUY, PMAX,
							  150000, 0, T1, &e_));
	/* exactly the rest, over two slots, in one tx */
	items = json_pack("{s:[o,o,o]}", "items", order_args(SL, GS_BUY, PMAX, 50000, 0, 0),
			  order_args(SL + 1, GS_BUY, PMAX, 25000, 0, 0),
			  order_args(SL + 1, GS_BUY, PMAX, 25000, 0, 0));
	ck_assert_int_eq(th_apply(s, &bob, "auction.order", items, T1, NULL, &e), GS_OK);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), C(800));
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 1), C(200));
	ck_assert_int_eq(avail(s, "bob"), 0);
	ck_assert_int_eq(locked(s, "bob"), C(1000));

	/* the free stake: carol (10 credits) sells 2000 Wh at 2 credits
	 * (collateral 6 credits) twice in one tx: 12 > 10 */
	deposit(s, &carol, MINSTAKE, T1);
	items = json_pack("{s:[o,o]}", "items", order_args(SL, GS_SELL, C(2), 2000, 3, 0),
			  order_args(SL + 1, GS_SELL, C(2), 2000, 3, 0));
	BAD(s, GS_EREFUSED, "free stake", th_apply(s, &carol, "auction.order", items, T1,
						   NULL, &e_));
	/* 6 + 4 fit exactly */
	items = json_pack("{s:[o,o]}", "items", order_args(SL, GS_SELL, C(2), 2000, 3, 0),
			  order_args(SL, GS_SELL, C(2), 1333, 3, 0));
	ck_assert_int_eq(th_apply(s, &carol, "auction.order", items, T1, NULL, &e), GS_OK);
	ck_assert_int_eq(gs_collateral(1333, C(2), BPS), 3999000);
	ck_assert_int_eq(collateral_lock(s, "carol", SL), C(6) + 3999000);
	ck_assert_int_eq(free_stake(s, "carol"), 1000);
	BAD(s, GS_EREFUSED, "free stake", place(s, &carol, SL + 1, GS_SELL, C(2), 1, 3, T1,
						&e_));
	finish(s);
}
END_TEST

/* ---- order entry: refusals ----------------------------------------------------- */

/* alice's stake becomes a debt through an oracle penalty (journaled, so
 * the replay sees it): alice reports 1000 Wh for panel 1 in slot S0, the
 * admin 100; the lower median 100 flags alice, whose penalty exceeds
 * her stake. */
static void make_debt(gs_store *s)
{
	set_param(s, "oracle_min_stake", 0, TH_T0);
	set_param(s, "oracle_penalty", C(500), TH_T0);
	OK(s, &admin, "admin.grant", json_pack("{s:s,s:s}", "role", "oracle", "account",
					       "alice"), TH_T0);
	OK(s, &alice, "oracle.report", json_pack("{s:I,s:I,s:I}", "panel", (json_int_t)1,
		"slot", (json_int_t)S0, "wh", (json_int_t)1000), (S0 + 1) * SS);
	OK(s, &admin, "oracle.report", json_pack("{s:I,s:I,s:I}", "panel", (json_int_t)1,
		"slot", (json_int_t)S0, "wh", (json_int_t)100), (S0 + 1) * SS);
	OK(s, &admin, "oracle.finalize", json_pack("{s:I}", "slot", (json_int_t)S0),
	   (S0 + 2) * SS);
}

START_TEST(refusals)
{
	gs_store *s = setup();
	int64_t t = T1, id;
	json_t *a;

	deposit(s, &alice, C(200), TH_T0);
	deposit(s, &carol, C(200), TH_T0);

	/* price bounds: price_min and price_max themselves are fine */
	BAD(s, GS_EREFUSED, "price", place(s, &bob, SL, GS_BUY, PMAX + 1, 1000, 0, t, &e_));
	BAD(s, GS_EREFUSED, "price", place(s, &alice, SL, GS_SELL, PMIN - 1, 1000, 1, t, &e_));
	BAD(s, GS_EREFUSED, "price", place(s, &bob, SL, GS_BUY, PMIN - 1, 1000, 0, t, &e_));
	BAD(s, GS_EREFUSED, "price", place(s, &alice, SL, GS_SELL, PMAX + 1, 1000, 1, t, &e_));
	ORDER(s, &bob, SL, GS_BUY, PMAX, 1, 0, t);
	ORDER(s, &bob, SL, GS_BUY, PMIN, 1, 0, t);
	ORDER(s, &alice, SL, GS_SELL, PMIN, 1, 1, t);
	ORDER(s, &alice, SL, GS_SELL, PMAX, 1, 1, t);
	/* the bounds are parameters */
	set_param(s, "price_max", PMAX + 10, t);
	ORDER(s, &bob, SL, GS_BUY, PMAX + 10, 1, 0, t);
	BAD(s, GS_EREFUSED, "price", place(s, &bob, SL, GS_BUY, PMAX + 11, 1, 0, t, &e_));

	/* another's panel: not authorised at all */
	BAD(s, GS_EPERM, "carol", place(s, &alice, SL, GS_SELL, 100000, 100, 3, t, &e_));
	BAD(s, GS_EPERM, NULL, place(s, &bob, SL, GS_SELL, 100000, 100, 1, t, &e_));

	/* capacity x slot length: panel 2 is 1 kW, 250 Wh per 900 s slot,
	 * counting the seller's open sells of that panel in that slot */
	BAD(s, GS_EREFUSED, "250", place(s, &alice, SL, GS_SELL, 100000, 251, 2, t, &e_));
	ORDER(s, &alice, SL, GS_SELL, 100000, 200, 2, t);
	BAD(s, GS_EREFUSED, NULL, place(s, &alice, SL, GS_SELL, 100000, 51, 2, t, &e_));
	id = ORDER(s, &alice, SL, GS_SELL, -100000, 50, 2, t);
	BAD(s, GS_EREFUSED, NULL, place(s, &alice, SL, GS_SELL, 100000, 1, 2, t, &e_));
	ORDER(s, &alice, SL + 1, GS_SELL, 100000, 250, 2, t);	/* another slot */
	ck_assert_int_eq(cancel(s, &alice, id, t, NULL, &(gs_err){ 0 }), GS_OK);
	ORDER(s, &alice, SL, GS_SELL, 100000, 50, 2, t);	/* freed by the cancel */
	ORDER(s, &alice, SL, GS_SELL, 100000, 20000 - 2, 1, t);	/* panel 1: 80 kW */
	BAD(s, GS_EREFUSED, NULL, place(s, &alice, SL, GS_SELL, 100000, 1, 1, t, &e_));
	/* buys have no capacity */
	ORDER(s, &bob, SL, GS_BUY, 0, INT64_C(1000000000000), 0, t);

	/* a retired panel sells no more */
	OK(s, &carol, "panel.retire", json_pack("{s:i}", "panel", 3), t);
	BAD(s, GS_EREFUSED, "retired", place(s, &carol, SL, GS_SELL, 100000, 100, 3, t, &e_));

	/* malformed: exit 65 */
	BAD(s, GS_EINPUT, "panel", place(s, &bob, SL, GS_BUY, 100000, 100, 1, t, &e_));
	BAD(s, GS_EINPUT, "panel", place(s, &alice, SL, GS_SELL, 100000, 100, 0, t, &e_));
	BAD(s, GS_EINPUT, "qty_wh", place(s, &bob, SL, GS_BUY, 100000, 0, 0, t, &e_));
	BAD(s, GS_EINPUT, "qty_wh", place(s, &bob, SL, GS_BUY, 100000, -5, 0, t, &e_));
	BAD(s, GS_EINPUT, NULL, place(s, &alice, SL, GS_SELL, 100000, 100, 99, t, &e_));
	a = json_pack("{s:I,s:s,s:I,s:I}", "slot", (json_int_t)SL, "side", "hold", "price",
		      (json_int_t)100, "qty_wh", (json_int_t)100);
	BAD(s, GS_EINPUT, "side", th_apply(s, &bob, "auction.order", a, t, NULL, &e_));
	a = json_pack("{s:I,s:s,s:s,s:I}", "slot", (json_int_t)SL, "side", "buy", "price",
		      "cheap", "qty_wh", (json_int_t)100);
	BAD(s, GS_EINPUT, "price", th_apply(s, &bob, "auction.order", a, t, NULL, &e_));
	a = order_args(SL, GS_BUY, 100, 100, 0, 0);
	json_object_set_new(a, "colour", json_string("green"));
	BAD(s, GS_EINPUT, NULL, th_apply(s, &bob, "auction.order", a, t, NULL, &e_));
	finish(s);
}
END_TEST

/* The gate closes gate_closure_s before the slot starts: an order at
 * gate - 1 enters, one at the gate does not. */
START_TEST(refusal_gate)
{
	gs_store *s = setup();

	deposit(s, &alice, C(200), TH_T0);
	ORDER(s, &bob, SL, GS_BUY, 100000, 10, 0, GATE(SL) - 1);
	ORDER(s, &alice, SL, GS_SELL, 100000, 10, 1, GATE(SL) - 1);
	BAD(s, GS_EREFUSED, "gate", place(s, &bob, SL, GS_BUY, 100000, 10, 0, GATE(SL), &e_));
	BAD(s, GS_EREFUSED, "gate", place(s, &alice, SL, GS_SELL, 100000, 10, 1, GATE(SL),
					  &e_));
	BAD(s, GS_EREFUSED, "gate", place(s, &bob, SL - 1, GS_BUY, 100000, 10, 0, GATE(SL),
					  &e_));
	BAD(s, GS_EREFUSED, "gate", place(s, &bob, S0, GS_BUY, 100000, 10, 0, GATE(SL), &e_));
	/* the gate is a parameter */
	set_param(s, "gate_closure_s", 0, GATE(SL));
	ORDER(s, &bob, SL, GS_BUY, 100000, 10, 0, GATE(SL));
	ORDER(s, &bob, SL, GS_BUY, 100000, 10, 0, SL * SS - 1);
	BAD(s, GS_EREFUSED, "gate", place(s, &bob, SL, GS_BUY, 100000, 10, 0, SL * SS, &e_));
	finish(s);
}
END_TEST

/* Sellers: no debt, at least seller_min_stake, and free stake for the
 * collateral; buyers and negative-limit sellers: the tokens. */
START_TEST(refusal_funds)
{
	gs_store *s = setup();
	int64_t t = (S0 + 2) * SS;	/* after make_debt's finalize */
	gs_stake st;
	gs_err e;

	/* no stake at all, then too little */
	BAD(s, GS_EREFUSED, "stake", place(s, &dave, SL, GS_SELL, 100000, 10, 5, T1, &e_));
	deposit(s, &dave, MINSTAKE - 1, T1);
	BAD(s, GS_EREFUSED, "stake", place(s, &dave, SL, GS_SELL, 100000, 10, 5, T1, &e_));
	deposit(s, &dave, 1, T1);
	/* dave has exactly 10 credits: collateral 9999000 + 1000 fits,
	 * 1 more does not */
	ORDER(s, &dave, SL, GS_SELL, 1000000, 6666, 5, T1);
	BAD(s, GS_EREFUSED, NULL, place(s, &dave, SL, GS_SELL, 666667, 1, 5, T1, &e_));
	ORDER(s, &dave, SL, GS_SELL, 666666, 1, 5, T1);
	ck_assert_int_eq(free_stake(s, "dave"), 0);
	ck_assert_int_eq(collateral_lock(s, "dave", SL), MINSTAKE);	/* 9999000 + 1000 */
	BAD(s, GS_EREFUSED, NULL, place(s, &dave, SL, GS_SELL, 1000, 1, 5, T1, &e_));
	/* collateral-free sells still enter */
	ORDER(s, &dave, SL, GS_SELL, 0, 10, 5, T1);

	/* tokens: bob's 1000 credits cover a buy of exactly 1000 credits */
	ORDER(s, &bob, SL, GS_BUY, PMAX, 250000, 0, T1);
	ck_assert_int_eq(avail(s, "bob"), 0);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), C(1000));
	BAD(s, GS_EREFUSED, NULL, place(s, &bob, SL, GS_BUY, 1, 1, 0, T1, &e_));
	ORDER(s, &bob, SL, GS_BUY, 0, 1000, 0, T1);		/* no escrow */
	ORDER(s, &bob, SL, GS_BUY, -1, 1000, 0, T1);
	/* a negative-limit sell needs the tokens too */
	ck_assert_int_eq(th_apply(s, &dave, "token.transfer", json_pack("{s:s,s:I}", "to",
				  "carol", "amount", (json_int_t)(C(1000) - MINSTAKE - 499999)),
				  T1, NULL, &e), GS_OK);
	ck_assert_int_eq(avail(s, "dave"), 499999);
	BAD(s, GS_EREFUSED, NULL, place(s, &dave, SL, GS_SELL, PMIN, 1000, 5, T1, &e_));
	ORDER(s, &dave, SL, GS_SELL, PMIN, 999, 5, T1);
	ck_assert_int_eq(avail(s, "dave"), 499);		/* 499999 - ceil(499.5 k) */
	ck_assert_int_eq(escrow_lock(s, "dave", SL), 499500);
	ck_assert_int_eq(collateral_lock(s, "dave", SL), MINSTAKE);

	/* debt: alice (stake 10 credits, penalty 500) owes 490 credits */
	deposit(s, &alice, C(10), T1);
	ORDER(s, &alice, SL, GS_SELL, 100000, 100, 1, T1);
	make_debt(s);
	st = stake(s, "alice");
	ck_assert_int_gt(st.debt, 0);
	BAD(s, GS_EREFUSED, "debt", place(s, &alice, SL, GS_SELL, 100000, 100, 1, t, &e_));
	BAD(s, GS_EREFUSED, "debt", place(s, &alice, SL, GS_SELL, 0, 100, 1, t, &e_));
	/* buying is still allowed */
	ORDER(s, &alice, SL, GS_BUY, 100000, 100, 0, t);
	finish(s);
}
END_TEST

/* A buy whose escrow passes int64 must not enter without escrow: refused
 * as malformed (its value overflows, exit 65), nothing changed. */
START_TEST(refusal_escrow_overflow)
{
	gs_store *s = setup();

	BAD(s, GS_EINPUT, "qty_wh", place(s, &bob, SL, GS_BUY, PMAX,
					  INT64_C(4000000000000000), 0, T1, &e_));
	BAD(s, GS_EINPUT, "qty_wh", place(s, &bob, SL, GS_BUY, PMAX, INT64_MAX, 0, T1, &e_));
	/* one that fits but is not covered: refused by the balance */
	BAD(s, GS_EREFUSED, NULL, place(s, &bob, SL, GS_BUY, PMAX, INT64_C(2305843009213693),
					0, T1, &e_));
	ck_assert_int_eq(q(s, "SELECT count(*) FROM orders"), 0);
	finish(s);
}
END_TEST

/* What an order that slipped in without escrow does at clearing: the
 * buyer's locked balance must still equal its locks. bob (1000 credits)
 * tries a buy of 4e15 Wh at price_max; alice sells 1000 Wh at 0. */
START_TEST(huge_buy_clears_safely)
{
	gs_store *s = setup();
	gs_err e;

	deposit(s, &alice, C(200), TH_T0);
	(void)place(s, &bob, SL, GS_BUY, PMAX, INT64_C(4000000000000000), 0, T1, &e);
	ORDER(s, &alice, SL, GS_SELL, 0, 1000, 1, T1);
	CLEAR(s, SL, GATE(SL));
	finish(s);
}
END_TEST

/* Defect (found by the simulator, seed 33 --strict-oversell): the
 * capacity check counted only the seller's own open sells, so after a
 * transfer the new owner could offer the panel's full 250 Wh again in a
 * slot its former owner had already sold from. Capacity is per panel: the
 * new owner may offer what is left, the former owner's sells stay open,
 * and a canceled sell frees its part for the new owner. */
START_TEST(capacity_after_transfer)
{
	gs_store *s = setup();
	int64_t old;

	deposit(s, &alice, C(200), TH_T0);
	deposit(s, &carol, C(200), TH_T0);
	old = ORDER(s, &alice, SL, GS_SELL, 100000, 200, 2, T1);
	OK(s, &alice, "panel.transfer", json_pack("{s:i,s:s}", "panel", 2, "to", "carol"), T1);
	BAD(s, GS_EPERM, NULL, place(s, &alice, SL, GS_SELL, 100000, 1, 2, T1, &e_));
	BAD(s, GS_EREFUSED, "200 Wh already offered",
	    place(s, &carol, SL, GS_SELL, 100000, 51, 2, T1, &e_));
	ORDER(s, &carol, SL, GS_SELL, 100000, 50, 2, T1);
	BAD(s, GS_EREFUSED, NULL, place(s, &carol, SL, GS_SELL, 100000, 1, 2, T1, &e_));
	{
		char st[16];
		ck_assert_str_eq(state_of(s, old, st), "open");
	}
	OK(s, &alice, "auction.cancel", json_pack("{s:I}", "order", (json_int_t)old), T1);
	ORDER(s, &carol, SL, GS_SELL, 100000, 200, 2, T1);
	BAD(s, GS_EREFUSED, NULL, place(s, &carol, SL, GS_SELL, 100000, 1, 2, T1, &e_));
	finish(s);
}
END_TEST

/* Slot 0 (1970) is long past its gate: refused like any closed gate
 * (exit 1), not malformed input. */
START_TEST(refusal_gate_slot0)
{
	gs_store *s = setup();

	BAD(s, GS_EREFUSED, "gate", place(s, &bob, 0, GS_BUY, 100000, 10, 0, T1, &e_));
	finish(s);
}
END_TEST

/* ---- market orders ---------------------------------------------------------- */

START_TEST(market_orders)
{
	gs_store *s = setup();
	int64_t b, sl;
	json_t *r;

	deposit(s, &alice, C(200), TH_T0);
	b = MARKET(s, &bob, SL, GS_BUY, 1000, 0, T1);
	r = order_rec(s, b);
	ck_assert_int_eq(num(r, "price"), PMAX);
	ck_assert(json_is_true(json_object_get(r, "market")));
	json_decref(r);
	ck_assert_int_eq(entry_escrow(s, b), 4000000);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 4000000);
	sl = MARKET(s, &alice, SL, GS_SELL, 1000, 1, T1);
	r = order_rec(s, sl);
	ck_assert_int_eq(num(r, "price"), PMIN);
	ck_assert(json_is_true(json_object_get(r, "market")));
	json_decref(r);
	ck_assert_int_eq(entry_escrow(s, sl), 500000);	/* ceil(1000 x 0.5 credits/kWh) */
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 500000);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 0);
	/* the bounds at entry time count */
	set_param(s, "price_max", C(2), T1);
	b = MARKET(s, &bob, SL + 1, GS_BUY, 1000, 0, T1);
	r = order_rec(s, b);
	ck_assert_int_eq(num(r, "price"), C(2));
	json_decref(r);
	ck_assert_int_eq(entry_escrow(s, b), 2000000);
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 1), 2000000);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 4000000);
	/* two market orders alone clear mid-way between their stored
	 * prices: [PMIN, PMAX] -> 1750000 */
	CLEAR(s, SL, GATE(SL));
	ck_assert_int_eq(price_of(s, SL), 1750000);
	ck_assert_int_eq(fill_of(s, 1), 1000);
	ck_assert_int_eq(fill_of(s, 2), 1000);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 1750000);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 0);
	/* alice had no collateral lock (limit < 0): one is made at P > 0 */
	ck_assert_int_eq(collateral_lock(s, "alice", SL), gs_collateral(1000, 1750000, BPS));
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 2625000);
	ck_assert_int_eq(avail(s, "alice"), C(800));
	/* SL + 1 is not cleared: bob's lock there is untouched */
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 1), 2000000);
	ck_assert_int_eq(locked(s, "bob"), 3750000);
	finish(s);
}
END_TEST

/* ---- cancel -------------------------------------------------------------------- */

/* Cancel shrinks the account's slot locks by what the order contributed,
 * releasing them at 0; a later order makes a new lock. */
START_TEST(cancel_rules)
{
	gs_store *s = setup();
	int64_t b, sp, sn, sk, b2, col;
	int status = -1;
	gs_err e;

	deposit(s, &alice, C(200), TH_T0);
	b = ORDER(s, &bob, SL, GS_BUY, 250000, 2000, 0, T1);
	sp = ORDER(s, &alice, SL, GS_SELL, 210000, 2000, 1, T1);
	sn = ORDER(s, &alice, SL, GS_SELL, -300001, 1001, 1, T1);
	sk = ORDER(s, &alice, SL, GS_SELL, 100000, 10, 1, T1);
	/* alice's three sells: collateral 630000 + 1500, escrow 300302 */
	ck_assert_int_eq(gs_collateral(10, 100000, BPS), 1500);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 631500);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 300302);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 500000);
	col = collateral_lock_id(s, "alice", SL);

	/* only the owner; unknown orders are malformed input */
	BAD(s, GS_EPERM, "bob", cancel(s, &carol, b, T1, NULL, &e_));
	BAD(s, GS_EPERM, NULL, cancel(s, &admin, sp, T1, NULL, &e_));
	BAD(s, GS_EINPUT, NULL, cancel(s, &bob, 999, T1, NULL, &e_));

	/* the owner: bob's only order, so his lock is released */
	ck_assert_int_eq(cancel(s, &bob, b, T1, &status, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	{
		char st[16];
		ck_assert_str_eq(state_of(s, b, st), "canceled");
	}
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM locks WHERE account = 'bob' AND state = "
			   "'released'"), 1);
	ck_assert_int_eq(avail(s, "bob"), C(1000));
	ck_assert_int_eq(locked(s, "bob"), 0);
	/* alice's collateral lock shrinks by sp's 630000 and stays */
	ck_assert_int_eq(cancel(s, &alice, sp, T1, &status, &e), GS_OK);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 1500);
	ck_assert_int_eq(collateral_lock_id(s, "alice", SL), col);
	ck_assert_int_eq(stake(s, "alice").locked, gs_collateral(10, 100000, BPS));
	ck_assert_int_eq(cancel(s, &alice, sn, T1, &status, &e), GS_OK);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 0);
	ck_assert_int_eq(avail(s, "alice"), C(800));
	books(s);

	/* twice: nothing to do, nothing journaled */
	{
		int64_t rows = th_journal_rows(s);
		struct snap sn_ = snap(s);
		ck_assert_int_eq(cancel(s, &bob, b, T1, &status, &e), GS_OK);
		ck_assert_int_eq(status, GS_UNCHANGED);
		ck_assert_int_eq(th_journal_rows(s), rows);
		same(s, &sn_, __LINE__);
	}

	/* a new order after the release: a new lock, which auction_locks
	 * names (escrow_lock checks) */
	b2 = ORDER(s, &bob, SL, GS_BUY, 50000, 10, 0, T1);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 500);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM locks WHERE account = 'bob'"), 2);

	/* at the gate: too late */
	BAD(s, GS_EREFUSED, "gate", cancel(s, &alice, sk, GATE(SL), NULL, &e_));
	ck_assert_int_eq(collateral_lock(s, "alice", SL), gs_collateral(10, 100000, BPS));
	/* canceled orders are out of the book: b2 at 50000 and sk at 100000
	 * do not trade */
	CLEAR(s, SL, GATE(SL));
	{
		json_t *r = clearing_rec(s, SL);
		ck_assert(json_is_null(json_object_get(r, "price")));
		ck_assert_int_eq(num(r, "orders"), 2);
		json_decref(r);
	}
	ck_assert_int_eq(fill_of(s, b), -1);
	ck_assert_int_eq(fill_of(s, sp), -1);
	ck_assert_int_eq(fill_of(s, sk), 0);
	ck_assert_int_eq(fill_of(s, b2), 0);
	{
		char st[16];
		ck_assert_str_eq(state_of(s, b, st), "canceled");
		ck_assert_str_eq(state_of(s, sk, st), "cleared");
	}
	/* a cleared order can no longer be canceled */
	BAD(s, GS_EREFUSED, NULL, cancel(s, &alice, sk, GATE(SL), NULL, &e_));
	/* no fills, no locks */
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 0);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 0);
	ck_assert_int_eq(stake(s, "alice").locked, 0);
	ck_assert_int_eq(locked(s, "bob"), 0);
	finish(s);
}
END_TEST

/* The last moment to cancel is gate - 1. */
START_TEST(cancel_gate_edge)
{
	gs_store *s = setup();
	int64_t b = ORDER(s, &bob, SL, GS_BUY, 250000, 2000, 0, T1);
	gs_err e;

	ck_assert_int_eq(cancel(s, &bob, b, GATE(SL) - 1, NULL, &e), GS_OK);
	ck_assert_int_eq(avail(s, "bob"), C(1000));
	finish(s);
}
END_TEST

/* ---- clear ------------------------------------------------------------------------ */

START_TEST(clear_rules)
{
	gs_store *s = setup();
	json_t *out = NULL;
	int status = -1;
	int64_t rows;
	gs_err e;

	deposit(s, &alice, C(200), TH_T0);
	ORDER(s, &bob, SL, GS_BUY, 100000, 1000, 0, T1);
	ORDER(s, &alice, SL, GS_SELL, 50000, 1000, 1, T1);

	/* before the gate closes */
	BAD(s, GS_EREFUSED, NULL, clear(s, &admin, SL, GATE(SL) - 1, NULL, NULL, &e_));
	/* only an operator */
	BAD(s, GS_EPERM, "operator", clear(s, &bob, SL, GATE(SL), NULL, NULL, &e_));
	/* exactly one of slot and due */
	BAD(s, GS_EINPUT, NULL, th_apply(s, &admin, "auction.clear", json_pack("{}"),
					 GATE(SL), NULL, &e_));
	BAD(s, GS_EINPUT, NULL, th_apply(s, &admin, "auction.clear", json_pack("{s:I,s:i}",
					 "slot", (json_int_t)SL, "due", 1), GATE(SL), NULL, &e_));
	ck_assert(!cleared(s, SL));

	/* at the gate */
	ck_assert_int_eq(clear(s, &admin, SL, GATE(SL), &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_uint_ge(json_array_size(out), 1);
	{
		json_t *r = json_array_get(out, 0);
		ck_assert_str_eq(str(r, "type"), "clearing");
		ck_assert_int_eq(num(r, "slot"), SL);
		ck_assert_int_eq(num(r, "price"), 75000);
		ck_assert_int_eq(num(r, "volume_wh"), 1000);
	}
	json_decref(out);
	/* twice: nothing changes, nothing journaled */
	rows = th_journal_rows(s);
	{
		struct snap sn_ = snap(s);
		ck_assert_int_eq(clear(s, &admin, SL, GATE(SL) + 5, &status, NULL, &e), GS_OK);
		ck_assert_int_eq(status, GS_UNCHANGED);
		same(s, &sn_, __LINE__);
	}
	ck_assert_int_eq(th_journal_rows(s), rows);
	/* no orders may enter a cleared slot */
	BAD(s, GS_EREFUSED, NULL, place(s, &bob, SL, GS_BUY, 100000, 1, 0, GATE(SL) + 5, &e_));
	/* an empty slot clears with no trade */
	CLEAR(s, SL + 1, GATE(SL + 1));
	{
		json_t *r = clearing_rec(s, SL + 1);
		ck_assert(json_is_null(json_object_get(r, "price")));
		ck_assert_int_eq(num(r, "volume_wh"), 0);
		ck_assert_int_eq(num(r, "orders"), 0);
		json_decref(r);
	}
	finish(s);
}
END_TEST

/* A cleared slot takes no more orders, even when a smaller
 * gate_closure_s reopens its gate: such an order would stay open in a
 * cleared slot for ever, never due, its escrow locked. */
START_TEST(clear_then_gate_reopens)
{
	gs_store *s = setup();
	int64_t t = GATE(SL) + 10;

	deposit(s, &alice, C(200), TH_T0);
	ORDER(s, &bob, SL, GS_BUY, 100000, 1000, 0, T1);
	ORDER(s, &alice, SL, GS_SELL, 50000, 1000, 1, T1);
	CLEAR(s, SL, GATE(SL));
	set_param(s, "gate_closure_s", 0, t);
	BAD(s, GS_EREFUSED, NULL, place(s, &bob, SL, GS_BUY, 100000, 1000, 0, t, &e_));
	BAD(s, GS_EREFUSED, NULL, place(s, &alice, SL, GS_SELL, 50000, 1, 1, t, &e_));
	/* nothing entered: the slot's two orders, each with its fill */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM orders"), 2);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 "
			   "FROM fills f WHERE f.order_id = o.id)"), 0);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 75000);
	finish(s);
}
END_TEST

/* --due clears exactly the slots whose gate has closed and that have
 * open orders and are not cleared yet. */
START_TEST(clear_due)
{
	gs_store *s = setup();
	json_t *out = NULL;
	int status = -1;
	int64_t c;
	gs_err e;

	deposit(s, &alice, C(200), TH_T0);
	for (int64_t k = 0; k < 3; k++) {
		ORDER(s, &bob, SL + k, GS_BUY, 100000, 1000, 0, T1);
		ORDER(s, &alice, SL + k, GS_SELL, 50000 + k, 1000, 1, T1);
	}
	c = ORDER(s, &bob, SL + 3, GS_BUY, 100000, 1000, 0, T1);
	ck_assert_int_eq(cancel(s, &bob, c, T1, NULL, &e), GS_OK);

	/* nothing due yet */
	ck_assert_int_eq(clear(s, &admin, -1, GATE(SL) - 1, &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM clearings"), 0);

	/* the gates of SL and SL + 1 have closed (the latter just now) */
	ck_assert_int_eq(clear(s, &admin, -1, GATE(SL + 1), &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	{
		size_t i, n = 0;
		json_t *r;
		json_array_foreach(out, i, r)
			if (strcmp(str(r, "type"), "clearing") == 0) {
				ck_assert_int_eq(num(r, "slot"), SL + (int64_t)n);
				n++;
			}
		ck_assert_uint_eq(n, 2);
	}
	json_decref(out);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM clearings"), 2);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM clearings WHERE slot = " "0 + "
			   "(SELECT min(slot) FROM clearings) AND price = 75000"), 1);
	ck_assert(!cleared(s, SL + 2));
	ck_assert(cleared(s, SL + 1));

	/* again at the same time: nothing */
	ck_assert_int_eq(clear(s, &admin, -1, GATE(SL + 1), &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	/* then SL + 2; the slot of only a canceled order is never due */
	ck_assert_int_eq(clear(s, &admin, -1, GATE(SL + 3), &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM clearings"), 3);
	ck_assert_int_eq(price_of(s, SL + 2), 75001);
	finish(s);
}
END_TEST

/* ---- locks after clearing ----------------------------------------------------- */

/* The first example of DESIGN 9 through the state: escrow down to
 * ceil(fill x P / 1000), collateral raised to P, accounts without fills
 * free. */
START_TEST(clear_locks_example)
{
	gs_store *s = setup();
	int64_t b1, b2, s1, s2, sup, lb, ls;
	json_t *out = json_array(), *r;
	size_t i;
	gs_err e;

	deposit(s, &alice, C(200), TH_T0);
	deposit(s, &erin, C(200), TH_T0);
	sup = q(s, "SELECT minted - burned FROM supply");
	b1 = ORDER(s, &bob, SL, GS_BUY, 120000, 10000, 0, T1);
	b2 = ORDER(s, &carol, SL, GS_BUY, 90000, 20000, 0, T1);
	s1 = ORDER(s, &alice, SL, GS_SELL, 40000, 15000, 1, T1);
	s2 = ORDER(s, &erin, SL, GS_SELL, 95000, 10000, 4, T1);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 1200000);
	ck_assert_int_eq(escrow_lock(s, "carol", SL), 1800000);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 900000);
	ck_assert_int_eq(collateral_lock(s, "erin", SL), 1425000);
	lb = escrow_lock_id(s, "bob", SL);
	ls = collateral_lock_id(s, "alice", SL);
	CLEAR(s, SL, GATE(SL));

	r = clearing_rec(s, SL);
	ck_assert_int_eq(num(r, "price"), 90000);
	ck_assert_int_eq(num(r, "volume_wh"), 15000);
	ck_assert_int_eq(num(r, "lo"), 90000);
	ck_assert_int_eq(num(r, "hi"), 90000);
	ck_assert_int_eq(num(r, "orders"), 4);
	json_decref(r);
	ck_assert_int_eq(fill_of(s, b1), 10000);
	ck_assert_int_eq(fill_of(s, b2), 5000);
	ck_assert_int_eq(fill_of(s, s1), 15000);
	ck_assert_int_eq(fill_of(s, s2), 0);
	/* clearing changes no order row: they keep state open and their
	 * entry amounts; the fills have a table of their own */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM orders WHERE state = 'open'"), 4);
	ck_assert_int_eq(entry_escrow(s, b1), 1200000);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM fills"), 4);

	/* the locks keep their ids, lowered or raised to what is owed at P */
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 900000);
	ck_assert_int_eq(escrow_lock_id(s, "bob", SL), lb);
	ck_assert_int_eq(escrow_lock(s, "carol", SL), 450000);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 0);
	ck_assert_int_eq(escrow_lock(s, "erin", SL), 0);
	ck_assert_int_eq(collateral_lock(s, "bob", SL), 0);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 2025000);
	ck_assert_int_eq(collateral_lock_id(s, "alice", SL), ls);
	ck_assert_int_eq(collateral_lock(s, "erin", SL), 0);	/* no fill: released */
	ck_assert_int_eq(avail(s, "bob"), C(1000) - 900000);
	ck_assert_int_eq(locked(s, "bob"), 900000);
	ck_assert_int_eq(avail(s, "carol"), C(1000) - 450000);
	ck_assert_int_eq(locked(s, "carol"), 450000);
	ck_assert_int_eq(stake(s, "alice").locked, 2025000);
	ck_assert_int_eq(stake(s, "erin").locked, 0);
	ck_assert_int_eq(stake(s, "alice").staked, C(200));
	ck_assert_int_eq(q(s, "SELECT minted - burned FROM supply"), sup);

	/* fill records: every cleared order in entry order, at P */
	ck_assert_int_eq(gs_fill_records(s, SL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 4);
	json_array_foreach(out, i, r) {
		static const int64_t fills[] = { 10000, 5000, 15000, 0 };
		ck_assert_str_eq(str(r, "type"), "fill");
		ck_assert_int_eq(num(r, "order"), b1 + (int64_t)i);
		ck_assert_int_eq(num(r, "qty_wh"), fills[i]);
		ck_assert_int_eq(num(r, "price"), 90000);
	}
	json_decref(out);
	finish(s);
}
END_TEST

/* Rounding at clearing: 7 Wh at P 500 owe ceil(3.5) = 4; a sell with no
 * collateral at entry (limit 0) gets ceil(5.25) = 6 at P. With two such
 * orders of one account, its lock is the sum of the orders' ceilings:
 * recomputed by hand for the per-account locks, 8 + 8 = 16 at entry
 * (not ceil(14 x 1001 / 1000) = 15), 4 + 4 = 8 escrow at P (not
 * ceil(14 x 500 / 1000) = 7) and 6 + 6 = 12 collateral (not
 * ceil(14 x 500 x 1.5 / 1000) = ceil(10.5) = 11). */
START_TEST(clear_locks_rounding)
{
	gs_store *s = setup();
	int64_t b, sl;

	deposit(s, &alice, C(200), TH_T0);
	b = ORDER(s, &bob, SL, GS_BUY, 1001, 7, 0, T1);
	sl = ORDER(s, &alice, SL, GS_SELL, 0, 7, 1, T1);
	ck_assert_int_eq(entry_escrow(s, b), 8);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 8);
	ck_assert_int_eq(entry_collateral(s, sl), 0);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 0);
	CLEAR(s, SL, GATE(SL));
	ck_assert_int_eq(price_of(s, SL), 500);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 4);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 6);
	ck_assert_int_eq(avail(s, "bob"), C(1000) - 4);
	ck_assert_int_eq(stake(s, "alice").locked, 6);
	books(s);

	/* the same twice over, each account with two orders */
	ORDER(s, &bob, SL + 1, GS_BUY, 1001, 7, 0, T1);
	ORDER(s, &bob, SL + 1, GS_BUY, 1001, 7, 0, T1);
	ORDER(s, &alice, SL + 1, GS_SELL, 0, 7, 1, T1);
	ORDER(s, &alice, SL + 1, GS_SELL, 0, 7, 2, T1);
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 1), 16);
	ck_assert_int_eq(collateral_lock(s, "alice", SL + 1), 0);
	CLEAR(s, SL + 1, GATE(SL + 1));
	ck_assert_int_eq(price_of(s, SL + 1), 500);
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 1), 8);
	ck_assert_int_eq(collateral_lock(s, "alice", SL + 1), 12);
	ck_assert_int_eq(avail(s, "bob"), C(1000) - 4 - 8);
	ck_assert_int_eq(stake(s, "alice").locked, 6 + 12);
	finish(s);
}
END_TEST

/* Partial fills: escrow and collateral follow the fill, not the order. */
START_TEST(clear_locks_partial)
{
	gs_store *s = setup();
	int64_t b1, b2, b3, s1;

	deposit(s, &alice, C(200), TH_T0);
	/* three buys of 10 at 100000 share 20 (7, 7, 6): P = 100000 */
	b1 = ORDER(s, &bob, SL, GS_BUY, 100000, 10, 0, T1);
	b2 = ORDER(s, &carol, SL, GS_BUY, 100000, 10, 0, T1);
	b3 = ORDER(s, &dave, SL, GS_BUY, 100000, 10, 0, T1);
	s1 = ORDER(s, &alice, SL, GS_SELL, 60000, 20, 1, T1);
	CLEAR(s, SL, GATE(SL));
	ck_assert_int_eq(price_of(s, SL), 100000);
	ck_assert_int_eq(fill_of(s, b1), 7);
	ck_assert_int_eq(fill_of(s, b2), 7);
	ck_assert_int_eq(fill_of(s, b3), 6);
	ck_assert_int_eq(fill_of(s, s1), 20);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 700);
	ck_assert_int_eq(escrow_lock(s, "carol", SL), 700);
	ck_assert_int_eq(escrow_lock(s, "dave", SL), 600);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), gs_collateral(20, 100000, BPS));
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 3000);

	/* a partly filled sell: collateral down to its fill at P */
	b1 = ORDER(s, &bob, SL + 1, GS_BUY, 300000, 400, 0, T1);
	s1 = ORDER(s, &alice, SL + 1, GS_SELL, 200000, 1000, 1, T1);
	ck_assert_int_eq(collateral_lock(s, "alice", SL + 1), 300000);
	CLEAR(s, SL + 1, GATE(SL + 1));
	ck_assert_int_eq(price_of(s, SL + 1), 200000);
	ck_assert_int_eq(fill_of(s, s1), 400);
	ck_assert_int_eq(collateral_lock(s, "alice", SL + 1), 120000);
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 1), 80000);
	ck_assert_int_eq(stake(s, "alice").locked, 3000 + 120000);
	/* SL's locks are untouched by the clearing of SL + 1 */
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 700);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 3000);
	ck_assert_int_eq(locked(s, "bob"), 700 + 80000);
	finish(s);
}
END_TEST

/* The collateral raised to P is capped by the seller's free stake. */
START_TEST(clear_collateral_cap)
{
	gs_store *s = setup();

	/* dave: the minimum stake; sells 20000 Wh at 0 (no collateral) that
	 * clear at P 1 credit/kWh: wants 30 credits, has 10 */
	deposit(s, &dave, MINSTAKE, TH_T0);
	ORDER(s, &bob, SL, GS_BUY, 2000000, 20000, 0, T1);
	ORDER(s, &dave, SL, GS_SELL, 0, 20000, 5, T1);
	ck_assert_int_eq(collateral_lock(s, "dave", SL), 0);
	CLEAR(s, SL, GATE(SL));
	ck_assert_int_eq(price_of(s, SL), 1000000);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), C(20));
	ck_assert_int_eq(gs_collateral(20000, 1000000, BPS), C(30));
	ck_assert_int_eq(collateral_lock(s, "dave", SL), MINSTAKE);
	ck_assert_int_eq(free_stake(s, "dave"), 0);
	books(s);

	/* erin: 10 credits, 4 of them in a manual lock: 6 are free */
	deposit(s, &erin, MINSTAKE, T1);
	OK(s, &erin, "stake.lock", json_pack("{s:I}", "amount", (json_int_t)C(4)), T1);
	ORDER(s, &bob, SL + 1, GS_BUY, 2000000, 20000, 0, T1);
	ORDER(s, &erin, SL + 1, GS_SELL, 0, 20000, 4, T1);
	CLEAR(s, SL + 1, GATE(SL + 1));
	ck_assert_int_eq(collateral_lock(s, "erin", SL + 1), C(6));
	ck_assert_int_eq(free_stake(s, "erin"), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM stake_locks WHERE state = 'active' AND "
			   "manual = 1"), 1);

	/* a seller that had collateral at entry is raised only as far too:
	 * carol, 10 credits, sells 2000 Wh at 2 credits (collateral 6) and
	 * 500 Wh at 0; both fill at P 3 credits: 9 + 2.25 wanted, 10 held */
	deposit(s, &carol, MINSTAKE, T1);
	ORDER(s, &carol, SL + 2, GS_SELL, C(2), 2000, 3, T1);
	ORDER(s, &carol, SL + 2, GS_SELL, 0, 500, 3, T1);
	ORDER(s, &bob, SL + 2, GS_BUY, C(4), 2500, 0, T1);
	ck_assert_int_eq(collateral_lock(s, "carol", SL + 2), C(6));
	CLEAR(s, SL + 2, GATE(SL + 2));
	ck_assert_int_eq(price_of(s, SL + 2), C(3));
	ck_assert_int_eq(gs_collateral(2000, C(3), BPS) + gs_collateral(500, C(3), BPS),
			 11250000);
	ck_assert_int_eq(collateral_lock(s, "carol", SL + 2), MINSTAKE);
	ck_assert_int_eq(free_stake(s, "carol"), 0);
	finish(s);
}
END_TEST

/* "Raised as far as its free stake allows": stake freed by the same
 * clearing (the collateral of the seller's unfilled sell) is free stake.
 * erin has 15.5 credits; her unfilled sell holds 0.75 of them in her
 * slot lock until the clearing; her filled sell wants 15 at P and the
 * lock ends at exactly that. */
START_TEST(clear_collateral_uses_released_stake)
{
	gs_store *s = setup();
	int64_t a, bsell, want;

	deposit(s, &erin, 15500000, TH_T0);
	ORDER(s, &bob, SL, GS_BUY, 1000000, 20000, 0, T1);
	bsell = ORDER(s, &erin, SL, GS_SELL, 2000000, 250, 6, T1);	/* entered first */
	a = ORDER(s, &erin, SL, GS_SELL, 0, 20000, 4, T1);
	ck_assert_int_eq(entry_collateral(s, bsell), 750000);
	ck_assert_int_eq(entry_collateral(s, a), 0);
	ck_assert_int_eq(collateral_lock(s, "erin", SL), 750000);	/* 750000 + 0 */
	CLEAR(s, SL, GATE(SL));
	ck_assert_int_eq(price_of(s, SL), 500000);
	ck_assert_int_eq(fill_of(s, a), 20000);
	ck_assert_int_eq(fill_of(s, bsell), 0);
	want = gs_collateral(20000, 500000, BPS);	/* + 0 for the unfilled sell */
	ck_assert_int_eq(want, C(15));
	/* either the whole collateral at P or no free stake left */
	ck_assert_msg(collateral_lock(s, "erin", SL) == want || free_stake(s, "erin") == 0,
		      "collateral %lld of %lld wanted while %lld stake is free",
		      (long long)collateral_lock(s, "erin", SL), (long long)want,
		      (long long)free_stake(s, "erin"));
	ck_assert_int_eq(collateral_lock(s, "erin", SL), want);
	ck_assert_int_eq(free_stake(s, "erin"), 500000);
	finish(s);
}
END_TEST

/* The same when the stake comes from the seller's own partly filled
 * sell, whose collateral goes down to its fill at P: erin's one lock
 * ends at the sum for both fills. */
START_TEST(clear_collateral_uses_lowered_stake)
{
	gs_store *s = setup();
	int64_t x, y, want;

	/* erin: sell x 250 Wh at 2 credits/kWh (collateral 750000) on panel
	 * 6, sell y 20000 Wh at 0 on panel 4; bob buys 20100 at 2 credits:
	 * y fills 20000, x fills 100 at P 2000000 (x is the marginal sell) */
	deposit(s, &erin, 60500000, TH_T0);
	ORDER(s, &bob, SL, GS_BUY, 2000000, 20100, 0, T1);
	x = ORDER(s, &erin, SL, GS_SELL, 2000000, 250, 6, T1);
	y = ORDER(s, &erin, SL, GS_SELL, 0, 20000, 4, T1);
	ck_assert_int_eq(collateral_lock(s, "erin", SL), 750000);
	CLEAR(s, SL, GATE(SL));
	ck_assert_int_eq(price_of(s, SL), 2000000);
	ck_assert_int_eq(fill_of(s, x), 100);
	ck_assert_int_eq(fill_of(s, y), 20000);
	ck_assert_int_eq(gs_collateral(100, 2000000, BPS), 300000);
	ck_assert_int_eq(gs_collateral(20000, 2000000, BPS), C(60));
	want = gs_collateral(100, 2000000, BPS) + gs_collateral(20000, 2000000, BPS);
	/* 60.5 credits: 0.3 for x and 60 for y fit once x's part went down
	 * from 0.75 to 0.3 */
	ck_assert_int_eq(collateral_lock(s, "erin", SL), want);
	ck_assert_int_eq(want, 60300000);
	ck_assert_int_eq(free_stake(s, "erin"), 200000);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), ceil_div((__int128)20100 * 2000000,
							     1000));
	finish(s);
}
END_TEST

/* An account whose slot lock was released by a cancel gets a new one,
 * which auction_locks names: here the collateral made at clearing for a
 * sell at 0 that fills at P > 0. */
START_TEST(clear_locks_after_cancel)
{
	gs_store *s = setup();
	int64_t sp, old;
	gs_err e;

	deposit(s, &alice, C(200), TH_T0);
	sp = ORDER(s, &alice, SL, GS_SELL, 100000, 200, 2, T1);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 30000);
	old = collateral_lock_id(s, "alice", SL);
	ck_assert_int_eq(cancel(s, &alice, sp, T1, NULL, &e), GS_OK);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 0);
	ck_assert_int_eq(stake(s, "alice").locked, 0);
	ORDER(s, &alice, SL, GS_SELL, 0, 250, 2, T1);	/* the canceled sell's capacity */
	ORDER(s, &bob, SL, GS_BUY, 200000, 250, 0, T1);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 0);
	books(s);
	CLEAR(s, SL, GATE(SL));
	ck_assert_int_eq(price_of(s, SL), 100000);	/* [0, 200000] */
	ck_assert_int_eq(collateral_lock(s, "alice", SL), gs_collateral(250, 100000, BPS));
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 37500);
	ck_assert_int_ne(collateral_lock_id(s, "alice", SL), old);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 25000);
	finish(s);
}
END_TEST

/* ---- negative prices ---------------------------------------------------------- */

START_TEST(clear_negative_price)
{
	gs_store *s = setup();
	int64_t b, sl, c, e2;
	json_t *r;

	deposit(s, &alice, C(200), TH_T0);
	deposit(s, &erin, C(200), TH_T0);
	/* P = -300001 + floor(200001 / 2) = -200001 */
	b = ORDER(s, &bob, SL, GS_BUY, -100000, 1001, 0, T1);
	sl = ORDER(s, &alice, SL, GS_SELL, -300001, 1001, 1, T1);
	ck_assert_int_eq(entry_escrow(s, b), 0);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 0);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 300302);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 0);
	CLEAR(s, SL, GATE(SL));
	r = clearing_rec(s, SL);
	ck_assert_int_eq(num(r, "price"), -200001);
	ck_assert_int_eq(num(r, "lo"), -300001);
	ck_assert_int_eq(num(r, "hi"), -100000);
	ck_assert_int_eq(num(r, "volume_wh"), 1001);
	json_decref(r);
	ck_assert_int_eq(fill_of(s, sl), 1001);
	/* the seller owes ceil(1001 x 200001 / 1000) = 200202 */
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 200202);
	ck_assert_int_eq(avail(s, "alice"), C(800) - 200202);
	ck_assert_int_eq(locked(s, "alice"), 200202);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 0);
	ck_assert_int_eq(avail(s, "bob"), C(1000));
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 0);	/* no penalty at P <= 0 */
	ck_assert_int_eq(stake(s, "alice").locked, 0);
	books(s);

	/* a buy with a positive limit at a negative P owes nothing; the
	 * marginal negative sell owes for its fill only */
	c = ORDER(s, &carol, SL + 1, GS_BUY, 50000, 500, 0, T1);
	e2 = ORDER(s, &erin, SL + 1, GS_SELL, -200000, 1000, 4, T1);
	ck_assert_int_eq(escrow_lock(s, "carol", SL + 1), 25000);
	ck_assert_int_eq(escrow_lock(s, "erin", SL + 1), 200000);
	CLEAR(s, SL + 1, GATE(SL + 1));
	ck_assert_int_eq(price_of(s, SL + 1), -200000);
	ck_assert_int_eq(fill_of(s, c), 500);
	ck_assert_int_eq(fill_of(s, e2), 500);
	ck_assert_int_eq(escrow_lock(s, "carol", SL + 1), 0);
	ck_assert_int_eq(avail(s, "carol"), C(1000));
	ck_assert_int_eq(escrow_lock(s, "erin", SL + 1), 100000);
	ck_assert_int_eq(avail(s, "erin"), C(800) - 100000);
	books(s);

	/* a negative-limit sell cleared at a positive P: the escrow goes,
	 * collateral at P comes (none at entry) */
	b = ORDER(s, &bob, SL + 2, GS_BUY, 2000000, 100, 0, T1);
	sl = ORDER(s, &alice, SL + 2, GS_SELL, PMIN, 100, 1, T1);
	ck_assert_int_eq(escrow_lock(s, "alice", SL + 2), 50000);
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 2), 200000);
	CLEAR(s, SL + 2, GATE(SL + 2));
	ck_assert_int_eq(price_of(s, SL + 2), 750000);
	ck_assert_int_eq(fill_of(s, sl), 100);
	ck_assert_int_eq(escrow_lock(s, "alice", SL + 2), 0);
	ck_assert_int_eq(collateral_lock(s, "alice", SL + 2), 112500);
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 2), 75000);
	ck_assert_int_eq(fill_of(s, b), 100);
	ck_assert_int_eq(escrow_lock(s, "alice", SL), 200202);	/* slot SL's stays */
	ck_assert_int_eq(locked(s, "alice"), 200202);
	books(s);

	/* one account on both sides at a negative P: dave buys below 0
	 * (nothing locked) and sells below 0 (escrow) in the same slot; his
	 * one escrow lock ends at what his sell owes */
	deposit(s, &dave, C(20), T1);
	ORDER(s, &dave, SL + 3, GS_BUY, -100000, 300, 0, T1);
	ORDER(s, &dave, SL + 3, GS_SELL, -200000, 500, 5, T1);
	ORDER(s, &bob, SL + 3, GS_BUY, -150000, 200, 0, T1);
	ck_assert_int_eq(escrow_lock(s, "dave", SL + 3), 100000);
	CLEAR(s, SL + 3, GATE(SL + 3));
	/* buys 300 at -100000 and 200 at -150000 take the 500: P = -200000
	 * + floor(50000 / 2) = -175000; owes ceil(500 x 175000 / 1000) */
	ck_assert_int_eq(price_of(s, SL + 3), -175000);
	ck_assert_int_eq(escrow_lock(s, "dave", SL + 3), 87500);
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 3), 0);
	ck_assert_int_eq(collateral_lock(s, "dave", SL + 3), 0);
	finish(s);
}
END_TEST

/* ---- records -------------------------------------------------------------------- */

START_TEST(records)
{
	gs_store *s = setup();
	json_t *out = json_array(), *r;
	int64_t b1, b2, s1, cx;
	gs_err e;

	deposit(s, &alice, C(200), TH_T0);
	b1 = ORDER(s, &bob, SL, GS_BUY, 100000, 100, 0, T1);
	s1 = ORDER(s, &alice, SL, GS_SELL, 200000, 100, 1, T1);
	cx = ORDER(s, &bob, SL, GS_BUY, 150000, 100, 0, T1 + 1);
	b2 = ORDER(s, &bob, SL + 1, GS_BUY, 100000, 100, 0, T1 + 2);
	/* bob's two buys of SL: 10000 + 15000 */
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 25000);
	ck_assert_int_eq(cancel(s, &bob, cx, T1 + 3, NULL, &e), GS_OK);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 10000);

	/* by slot, in entry order, canceled included */
	ck_assert_int_eq(gs_order_records(s, SL, 0, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 3);
	ck_assert_int_eq(num(json_array_get(out, 0), "id"), b1);
	ck_assert_int_eq(num(json_array_get(out, 1), "id"), s1);
	ck_assert_int_eq(num(json_array_get(out, 2), "id"), cx);
	ck_assert_str_eq(str(json_array_get(out, 2), "state"), "canceled");
	ck_assert_int_eq(num(json_array_get(out, 2), "time"), T1 + 1);
	json_array_clear(out);
	/* by account */
	ck_assert_int_eq(gs_order_records(s, -1, 0, "bob", out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 3);
	ck_assert_int_eq(num(json_array_get(out, 2), "id"), b2);
	json_array_clear(out);
	ck_assert_int_eq(gs_order_records(s, SL + 1, 0, "alice", out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 0);
	/* one */
	ck_assert_int_eq(gs_order_records(s, -1, s1, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "account"), "alice");
	ck_assert_str_eq(str(r, "side"), "sell");
	ck_assert_int_eq(num(r, "price"), 200000);
	ck_assert_int_eq(num(r, "qty_wh"), 100);
	ck_assert_int_eq(num(r, "panel"), 1);
	json_array_clear(out);

	/* not cleared: refused, and no fills */
	ck_assert_int_eq(gs_clearing_record(s, SL, out, &e), GS_EREFUSED);
	ck_assert_uint_eq(json_array_size(out), 0);
	ck_assert_int_eq(gs_fill_records(s, SL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 0);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM fills"), 0);

	/* no trade: price, lo and hi null; a fill of 0 per order, at null */
	CLEAR(s, SL, GATE(SL));
	r = clearing_rec(s, SL);
	ck_assert(json_is_null(json_object_get(r, "price")));
	ck_assert(json_is_null(json_object_get(r, "lo")));
	ck_assert(json_is_null(json_object_get(r, "hi")));
	ck_assert_int_eq(num(r, "volume_wh"), 0);
	ck_assert_int_eq(num(r, "orders"), 2);
	ck_assert_int_eq(num(r, "time"), GATE(SL));
	json_decref(r);
	ck_assert_int_eq(gs_fill_records(s, SL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	for (size_t i = 0; i < 2; i++) {
		r = json_array_get(out, i);
		ck_assert_str_eq(str(r, "type"), "fill");
		ck_assert_int_eq(num(r, "order"), i == 0 ? b1 : s1);
		ck_assert_int_eq(num(r, "qty_wh"), 0);
		ck_assert(json_is_null(json_object_get(r, "price")));
	}
	json_array_clear(out);
	/* a fills row for each order of the book, none for the canceled one */
	ck_assert_int_eq(q(s, "SELECT count(*) FROM fills"), 2);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 0);
	ck_assert_int_eq(collateral_lock(s, "alice", SL), 0);
	ck_assert_int_eq(escrow_lock(s, "bob", SL + 1), 10000);
	ck_assert_int_eq(avail(s, "bob"), C(1000) - 10000);	/* SL + 1's escrow */
	{
		char st[16];
		ck_assert_str_eq(state_of(s, b1, st), "cleared");
		ck_assert_int_eq(fill_of(s, b1), 0);
		ck_assert_str_eq(state_of(s, cx, st), "canceled");
		ck_assert_int_eq(fill_of(s, cx), -1);
		ck_assert_str_eq(state_of(s, b2, st), "open");
		ck_assert_int_eq(fill_of(s, b2), -1);
	}
	/* the cleared state and fill_wh come from fills, also by slot */
	ck_assert_int_eq(gs_order_records(s, SL, 0, NULL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 3);
	ck_assert_str_eq(str(json_array_get(out, 0), "state"), "cleared");
	ck_assert_int_eq(num(json_array_get(out, 0), "fill_wh"), 0);
	ck_assert_str_eq(str(json_array_get(out, 1), "state"), "cleared");
	ck_assert_str_eq(str(json_array_get(out, 2), "state"), "canceled");
	ck_assert(json_is_null(json_object_get(json_array_get(out, 2), "fill_wh")));
	json_decref(out);
	finish(s);
}
END_TEST

/* What the order, cancel and clear txs report: the order record of each
 * order entered or canceled (as gs_order_records gives it), the clearing
 * record of each slot cleared (only: the fills are read from the state,
 * gs_fill_records, as gs-auction clear prints them). */
START_TEST(tx_records)
{
	gs_store *s = setup();
	json_t *out = NULL, *r, *items;
	int64_t id;
	gs_err e;

	deposit(s, &alice, C(200), TH_T0);
	ck_assert_int_eq(th_apply(s, &bob, "auction.order", order_args(SL, GS_BUY, 100000,
				  1000, 0, 0), T1, &out, &e), GS_OK);
	id = q(s, "SELECT max(id) FROM orders");
	ck_assert_msg(json_array_size(out) == 1, "order tx: %zu records",
		      json_array_size(out));
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "order");
	ck_assert_int_eq(num(r, "id"), id);
	ck_assert_str_eq(str(r, "account"), "bob");
	ck_assert_int_eq(num(r, "slot"), SL);
	ck_assert_str_eq(str(r, "state"), "open");
	json_decref(out);

	items = json_pack("{s:[o,o]}", "items", order_args(SL, GS_SELL, 50000, 500, 1, 0),
			  order_args(SL, GS_SELL, 0, 1, 0, 1));
	ck_assert_int_eq(json_object_set_new(json_array_get(json_object_get(items, "items"),
					     1), "panel", json_integer(2)), 0);
	ck_assert_int_eq(th_apply(s, &alice, "auction.order", items, T1, &out, &e), GS_OK);
	ck_assert_msg(json_array_size(out) == 2, "order batch: %zu records",
		      json_array_size(out));
	ck_assert_int_eq(num(json_array_get(out, 0), "id"), id + 1);
	ck_assert_int_eq(num(json_array_get(out, 1), "id"), id + 2);
	ck_assert(json_is_true(json_object_get(json_array_get(out, 1), "market")));
	json_decref(out);

	ck_assert_int_eq(th_apply(s, &alice, "auction.cancel", json_pack("{s:I}", "order",
				  (json_int_t)(id + 2)), T1, &out, &e), GS_OK);
	ck_assert_msg(json_array_size(out) == 1, "cancel tx: %zu records",
		      json_array_size(out));
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "order");
	ck_assert_int_eq(num(r, "id"), id + 2);
	ck_assert_str_eq(str(r, "state"), "canceled");
	json_decref(out);

	/* clear: the clearing record only */
	ck_assert_int_eq(th_apply(s, &admin, "auction.clear", json_pack("{s:I}", "slot",
				  (json_int_t)SL), GATE(SL), &out, &e), GS_OK);
	ck_assert_msg(json_array_size(out) == 1, "clear tx: %zu records",
		      json_array_size(out));
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "clearing");
	ck_assert_int_eq(num(r, "slot"), SL);
	ck_assert_int_eq(num(r, "price"), 100000);	/* the partly filled buy */
	ck_assert_int_eq(num(r, "volume_wh"), 500);
	ck_assert_int_eq(num(r, "orders"), 2);
	json_decref(out);
	/* then a fill per order of the book, from the state (as result) */
	out = json_array();
	ck_assert_int_eq(gs_fill_records(s, SL, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	r = json_array_get(out, 0);
	ck_assert_str_eq(str(r, "type"), "fill");
	ck_assert_int_eq(num(r, "order"), id);
	ck_assert_int_eq(num(r, "qty_wh"), 500);
	ck_assert_int_eq(num(r, "price"), 100000);
	r = json_array_get(out, 1);
	ck_assert_str_eq(str(r, "type"), "fill");
	ck_assert_int_eq(num(r, "order"), id + 1);
	ck_assert_int_eq(num(r, "qty_wh"), 500);
	json_decref(out);

	/* --due over two slots: one clearing record each, in slot order */
	ORDER(s, &bob, SL + 1, GS_BUY, 100000, 10, 0, T1);
	ORDER(s, &bob, SL + 2, GS_BUY, 100000, 10, 0, T1);
	ck_assert_int_eq(th_apply(s, &admin, "auction.clear", json_pack("{s:i}", "due", 1),
				  GATE(SL + 2), &out, &e), GS_OK);
	ck_assert_msg(json_array_size(out) == 2, "clear --due tx: %zu records",
		      json_array_size(out));
	for (size_t i = 0; i < 2; i++) {
		r = json_array_get(out, i);
		ck_assert_str_eq(str(r, "type"), "clearing");
		ck_assert_int_eq(num(r, "slot"), SL + 1 + (int64_t)i);
	}
	json_decref(out);
	finish(s);
}
END_TEST

/* A retried order (same tx id) enters once and locks once. */
START_TEST(order_retry)
{
	gs_store *s = setup();
	int status = -1;
	gs_err e;

	ck_assert_int_eq(th_apply_id(s, &bob, "o1", "auction.order", order_args(SL, GS_BUY,
				     100000, 1000, 0, 0), T1, &status, NULL, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_int_eq(th_apply_id(s, &bob, "o1", "auction.order", order_args(SL, GS_BUY,
				     100000, 1000, 0, 0), T1, &status, NULL, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_DUPLICATE);
	ck_assert_int_eq(q(s, "SELECT count(*) FROM orders"), 1);
	ck_assert_int_eq(escrow_lock(s, "bob", SL), 100000);
	ck_assert_int_eq(locked(s, "bob"), 100000);
	finish(s);
}
END_TEST

/* ---- random books through the state ------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)	/* splitmix64 */
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Random orders of several accounts in three slots (one price range
 * each, one of them negative), cleared through the state and compared
 * with gs_clear on the same book; then every account's locks of the slot
 * against DESIGN 9: at entry the sum over its orders of their escrow and
 * collateral at the limit, after clearing the sum over its orders of
 * what each fill owes at P (each order's own ceiling, added up: that is
 * what the code locks), collateral at P as far as free stake allows. */
#define NACCT 5
START_TEST(random_books)
{
	static const int64_t bases[] = { 100000, -200000, 0 };
	static const char *const names[NACCT] = { "alice", "bob", "carol", "dave", "erin" };
	const gs_key *buyers[] = { &bob, &carol, &dave, &alice };
	const gs_key *sellers[] = { &alice, &carol, &erin };
	const int64_t panels[] = { 1, 3, 4 };
	gs_store *s = setup();
	int64_t sup;

	rng_state = 99;
	deposit(s, &alice, C(300), TH_T0);
	deposit(s, &carol, C(300), TH_T0);
	deposit(s, &erin, C(300), TH_T0);
	sup = q(s, "SELECT minted - burned FROM supply");
	for (int k = 0; k < 3; k++) {
		int64_t slot = SL + k, ids[40], p = 0;
		int64_t esc_in[NACCT] = { 0 }, col_in[NACCT] = { 0 };
		int64_t esc_out[NACCT] = { 0 }, col_out[NACCT] = { 0 };
		int who[40], fills = 0;
		struct gs_order o[40];
		struct gs_clearing cl;
		gs_err e;
		json_t *r;
		int n = 40;

		for (int i = 0; i < n; i++) {
			int side = rnd() % 2 ? GS_BUY : GS_SELL;
			int64_t price = bases[k] + 10000 * ((int64_t)(rnd() % 7) - 3);
			int64_t qty = 1 + (int64_t)(rnd() % 1000);
			size_t w = (size_t)(rnd() % 3);
			const gs_key *kk = side == GS_BUY ? buyers[rnd() % 4] : sellers[w];
			if (side == GS_BUY)
				ids[i] = ORDER(s, kk, slot, side, price, qty, 0, T1 + i);
			else
				ids[i] = ORDER(s, kk, slot, side, price, qty, panels[w],
					       T1 + i);
			o[i] = (struct gs_order){ .price = price, .qty = qty, .seq = ids[i],
						  .fill = 0, .side = side };
			for (who[i] = 0; strcmp(names[who[i]], kk->name) != 0; who[i]++)
				;
			/* at the limit, by the test's own arithmetic */
			if (side == GS_BUY && price > 0)
				esc_in[who[i]] += ceil_div((__int128)qty * price, 1000);
			if (side == GS_SELL && price < 0)
				esc_in[who[i]] += ceil_div((__int128)qty * -price, 1000);
			if (side == GS_SELL && price > 0)
				col_in[who[i]] += ceil_div((__int128)qty * price * BPS,
							   10000000);
		}
		for (int a = 0; a < NACCT; a++) {
			ck_assert_msg(escrow_lock(s, names[a], slot) == esc_in[a], "slot %d %s: "
				      "escrow %lld at entry, want %lld", k, names[a],
				      (long long)escrow_lock(s, names[a], slot),
				      (long long)esc_in[a]);
			ck_assert_msg(collateral_lock(s, names[a], slot) == col_in[a], "slot "
				      "%d %s: collateral %lld at entry, want %lld", k,
				      names[a], (long long)collateral_lock(s, names[a], slot),
				      (long long)col_in[a]);
		}
		books(s);
		ck_assert_int_eq(gs_clear(o, (size_t)n, &cl, &e), GS_OK);
		CLEAR(s, slot, GATE(slot));
		r = clearing_rec(s, slot);
		ck_assert_int_eq(num(r, "volume_wh"), cl.volume);
		ck_assert_int_eq(num(r, "orders"), n);
		if (cl.has_price) {
			p = cl.price;
			ck_assert_int_eq(num(r, "price"), p);
			ck_assert_int_eq(num(r, "lo"), cl.lo);
			ck_assert_int_eq(num(r, "hi"), cl.hi);
		} else
			ck_assert(json_is_null(json_object_get(r, "price")));
		json_decref(r);
		for (int i = 0; i < n; i++) {
			int64_t f = fill_of(s, ids[i]);
			ck_assert_int_eq(f, o[i].fill);
			fills += f > 0;
			if (f == 0 || !cl.has_price)
				continue;
			if (o[i].side == GS_BUY && p > 0)
				esc_out[who[i]] += ceil_div((__int128)f * p, 1000);
			if (o[i].side == GS_SELL && p < 0)
				esc_out[who[i]] += ceil_div((__int128)f * -p, 1000);
			if (o[i].side == GS_SELL && p > 0)
				col_out[who[i]] += ceil_div((__int128)f * p * BPS, 10000000);
		}
		ck_assert_int_gt(fills, 0);
		for (int a = 0; a < NACCT; a++) {
			int64_t esc = escrow_lock(s, names[a], slot);
			int64_t col = collateral_lock(s, names[a], slot);
			ck_assert_msg(esc == esc_out[a], "slot %d %s: escrow %lld, want %lld",
				      k, names[a], (long long)esc, (long long)esc_out[a]);
			ck_assert_msg(col <= col_out[a], "slot %d %s: collateral %lld above "
				      "%lld at P", k, names[a], (long long)col,
				      (long long)col_out[a]);
			if (col < col_out[a])
				ck_assert_msg(free_stake(s, names[a]) == 0, "slot %d %s: "
					      "collateral %lld short of %lld with free stake",
					      k, names[a], (long long)col,
					      (long long)col_out[a]);
		}
		books(s);
	}
	/* every clearing here leaves no open lock beyond the ones checked */
	ck_assert_int_eq(q(s, "SELECT minted - burned FROM supply"), sup);
	finish(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auction");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, escrow_values);
	tcase_add_test(tc, collateral_values);
	tcase_add_test(tc, escrow_overflow);
	tcase_add_test(tc, collateral_overflow_saturates);
	tcase_add_test(tc, order_locks);
	tcase_add_test(tc, order_batch);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, refusal_gate);
	tcase_add_test(tc, refusal_funds);
	tcase_add_test(tc, refusal_escrow_overflow);
	tcase_add_test(tc, huge_buy_clears_safely);
	tcase_add_test(tc, refusal_gate_slot0);
	tcase_add_test(tc, capacity_after_transfer);
	tcase_add_test(tc, market_orders);
	tcase_add_test(tc, cancel_rules);
	tcase_add_test(tc, cancel_gate_edge);
	tcase_add_test(tc, clear_rules);
	tcase_add_test(tc, clear_then_gate_reopens);
	tcase_add_test(tc, clear_due);
	tcase_add_test(tc, clear_locks_example);
	tcase_add_test(tc, clear_locks_rounding);
	tcase_add_test(tc, clear_locks_partial);
	tcase_add_test(tc, clear_collateral_cap);
	tcase_add_test(tc, clear_collateral_uses_released_stake);
	tcase_add_test(tc, clear_collateral_uses_lowered_stake);
	tcase_add_test(tc, clear_locks_after_cancel);
	tcase_add_test(tc, clear_negative_price);
	tcase_add_test(tc, records);
	tcase_add_test(tc, tx_records);
	tcase_add_test(tc, order_retry);
	tcase_add_test(tc, random_books);
	suite_add_tcase(s, tc);
	return th_run(s);
}
