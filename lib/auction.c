/* auction.c - sealed orders per slot with escrow and collateral, and clearing. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "internal.h"

/* Parameters an order or a clearing needs, read once per tx. */
struct auction_params {
	int64_t slot_seconds, gate, price_min, price_max, penalty_bps, min_stake;
};

static int params_load(gs_store *s, struct auction_params *p, gs_err *e)
{
	if (gs_param_get(s, "slot_seconds", &p->slot_seconds, e) ||
	    gs_param_get(s, "gate_closure_s", &p->gate, e) ||
	    gs_param_get(s, "price_min", &p->price_min, e) ||
	    gs_param_get(s, "price_max", &p->price_max, e) ||
	    gs_param_get(s, "penalty_bps", &p->penalty_bps, e) ||
	    gs_param_get(s, "seller_min_stake", &p->min_stake, e))
		return e->code;
	return GS_OK;
}

/* Time the gate of slot closes: its start minus gate_closure_s (may be
 * negative for the first slots); GATE_NONE when out of range. */
#define GATE_NONE INT64_MIN
static int64_t gate_time(int64_t slot, const struct auction_params *p)
{
	int64_t start;

	if (__builtin_mul_overflow(slot, p->slot_seconds, &start))
		return GATE_NONE;
	return start - p->gate;
}

int64_t gs_escrow_tokens(int side, int64_t qty, int64_t price)
{
	int64_t v = 0;

	if (side == GS_BUY && price > 0 && gs_muldiv_ceil(qty, price, 1000, &v))
		return -1;
	if (side == GS_SELL && price < 0 &&
	    (price == INT64_MIN || gs_muldiv_ceil(qty, -price, 1000, &v)))
		return -1;
	return v;
}

int64_t gs_collateral(int64_t qty, int64_t price, int64_t penalty_bps)
{
	__int128 num, cap = (__int128)INT64_MAX * 10000000;
	int64_t v;

	if (price <= 0 || penalty_bps <= 0)
		return 0;
	num = (__int128)qty * price;	/* < 2^126: the next product is checked */
	if (num > cap / penalty_bps)
		return INT64_MAX;
	num *= penalty_bps;
	v = (int64_t)((num + 9999999) / 10000000);
	return v;
}

/* Add delta to what account offers from panel in slot (the running sum
 * the capacity check reads, kept so that the check is one lookup). */
static int offer_change(gs_ctx *c, int64_t slot, int64_t panel,
			const char *account, int64_t delta, gs_err *e)
{
	return gs_exec(c->store, e, "INSERT INTO panel_offers (slot, panel, account, "
		       "qty_wh) VALUES (?, ?, ?, 0) ON CONFLICT (slot, panel, account) "
		       "DO NOTHING", "iit", slot, panel, account) ||
	       gs_exec(c->store, e, "UPDATE panel_offers SET qty_wh = qty_wh + ? WHERE "
		       "slot = ? AND panel = ? AND account = ?", "iiit", delta, slot,
		       panel, account) ? e->code : GS_OK;
}

/* Check a sell's panel: the actor's, active, and within capacity x slot
 * length together with the actor's other open sells of it in the slot. */
static int check_panel(gs_ctx *c, const struct auction_params *p, int64_t panel,
		       int64_t slot, int64_t qty, gs_err *e)
{
	char owner[33];
	int64_t cap, limit, sold = 0;

	if (gs_panel_active(c->store, panel, owner, &cap, e))
		return e->code;
	if (strcmp(owner, c->actor) != 0)
		return gs_fail(e, GS_EPERM, "panel %lld belongs to '%s'",
			       (long long)panel, owner);
	if (gs_muldiv_floor(cap, p->slot_seconds, 3600, &limit) ||
	    gs_query_int(c->store, e, &sold, "SELECT qty_wh FROM panel_offers "
			 "WHERE slot = ? AND panel = ? AND account = ?", "iit", slot,
			 panel, c->actor) < 0)
		return e->code ? e->code : gs_fail(e, GS_EINTERNAL, "capacity overflows");
	if (qty > limit - sold)
		return gs_fail(e, GS_EREFUSED, "panel %lld can sell at most %lld Wh in "
			       "a slot (capacity x slot length); %lld Wh already offered",
			       (long long)panel, (long long)limit, (long long)sold);
	return offer_change(c, slot, panel, c->actor, qty, e);
}

/* Check a seller's standing: no debt, stake of at least seller_min_stake. */
static int check_seller(gs_ctx *c, const struct auction_params *p, gs_err *e)
{
	gs_stake st;

	if (gs_stake_get(c->store, c->actor, &st, e))
		return e->code;
	if (st.debt > 0)
		return gs_fail(e, GS_EREFUSED, "'%s' is in debt and places no sell "
			       "orders until it repays (gs-stake repay)", c->actor);
	if (st.staked < p->min_stake)
		return gs_fail(e, GS_EREFUSED, "'%s' has too little stake to sell "
			       "(seller_min_stake)", c->actor);
	return GS_OK;
}

/* Lock an order's escrow and collateral; store the lock ids. */
static int order_locks(gs_ctx *c, const struct auction_params *p, int64_t id,
		       int side, int64_t qty, int64_t price, gs_err *e)
{
	int64_t tokens = gs_escrow_tokens(side, qty, price), lock, col;
	char ref[32];

	if (tokens < 0)
		return gs_fail(e, GS_EINPUT, "field \"qty_wh\": the order's value "
			       "overflows");
	snprintf(ref, sizeof ref, "order:%lld", (long long)id);
	if (tokens > 0 &&
	    (gs_token_lock(c->store, c->seq, c->actor, tokens, "escrow", ref, 0,
			   &lock, e) ||
	     gs_exec(c->store, e, "UPDATE orders SET escrow_lock = ? WHERE id = ?",
		     "ii", lock, id)))
		return e->code;
	if (side != GS_SELL)
		return GS_OK;
	col = gs_collateral(qty, price, p->penalty_bps);
	if (col > 0 &&
	    (gs_stake_lock(c, c->actor, col, "collateral", ref, -1, 0, &lock, e) ||
	     gs_exec(c->store, e, "UPDATE orders SET collateral_lock = ? WHERE id = ?",
		     "ii", lock, id)))
		return e->code;
	return GS_OK;
}

/* One order {slot, side, price | "market", qty_wh, panel?}. */
static int one_order(gs_ctx *c, const struct auction_params *p, json_t *item,
		     gs_err *e)
{
	static const char *const fields[] = { "slot", "side", "price", "qty_wh",
					      "panel", NULL };
	const char *side;
	int64_t slot, price = 0, qty, panel = 0, gate, id;
	json_t *pj = json_object_get(item, "price");
	int market = json_is_string(pj) && strcmp(json_string_value(pj), "market") == 0;
	char when[32];
	int sd;

	if (gs_json_only(item, fields, e) ||
	    gs_json_int(item, "slot", 0, INT64_MAX, 0, &slot, e) ||
	    gs_json_str(item, "side", 8, 0, &side, e) ||
	    (!market && gs_json_int(item, "price", INT64_MIN, INT64_MAX, 0, &price, e)) ||
	    gs_json_int(item, "qty_wh", 1, INT64_MAX, 0, &qty, e) ||
	    gs_json_int(item, "panel", 1, INT64_MAX, 1, &panel, e))
		return e->code;
	sd = strcmp(side, "buy") == 0 ? GS_BUY : strcmp(side, "sell") == 0 ? GS_SELL : 0;
	if (!sd)
		return gs_fail(e, GS_EINPUT, "field \"side\": must be \"buy\" or \"sell\"");
	if (market)
		price = sd == GS_BUY ? p->price_max : p->price_min;
	if (price < p->price_min || price > p->price_max)
		return gs_fail(e, GS_EREFUSED, "price %lld is outside [price_min %lld, "
			       "price_max %lld]", (long long)price,
			       (long long)p->price_min, (long long)p->price_max);
	gate = gate_time(slot, p);
	if (gate == GATE_NONE)
		return gs_fail(e, GS_EINPUT, "field \"slot\": %lld is out of range",
			       (long long)slot);
	if (c->time >= gate || gs_query_int(c->store, e, &id, "SELECT 1 FROM "
					     "clearings WHERE slot = ?", "i", slot) != 0)
		return e->code == GS_EINTERNAL ? e->code
		       : gs_fail(e, GS_EREFUSED, "the gate of slot %lld closed at %s",
				 (long long)slot, gs_time_format(gate, when, sizeof when));
	if (sd == GS_BUY && panel)
		return gs_fail(e, GS_EINPUT, "field \"panel\": only sells name a panel");
	if (sd == GS_SELL && !panel)
		return gs_fail(e, GS_EINPUT, "field \"panel\": a sell names its panel");
	if (sd == GS_SELL && (check_panel(c, p, panel, slot, qty, e) ||
			      check_seller(c, p, e)))
		return e->code;
	if (gs_query_int(c->store, e, &id, "SELECT coalesce(max(id), 0) + 1 FROM "
			 "orders", "") < 0 ||
	    gs_exec(c->store, e, "INSERT INTO orders (id, account, slot, side, price, "
		    "qty_wh, panel, market, state, created_seq, time) VALUES (?, ?, ?, "
		    "?, ?, ?, NULL, ?, 'open', ?, ?)", "itit" "iiiii", id, c->actor,
		    slot, side, price, qty, (int64_t)market, c->seq, c->time) ||
	    (panel && gs_exec(c->store, e, "UPDATE orders SET panel = ? WHERE id = ?",
			      "ii", panel, id)) ||
	    order_locks(c, p, id, sd, qty, price, e))
		return e->code;
	return gs_order_records(c->store, -1, id, NULL, c->out, e);
}

/* auction.order {slot, side, price, qty_wh, panel?} | {items:[...]}. */
static int apply_order(gs_ctx *c, json_t *args, gs_err *e)
{
	struct auction_params p;
	size_t n = 1;

	if (params_load(c->store, &p, e))
		return e->code;
	for (size_t i = 0; i < n; i++)
		if (one_order(c, &p, gs_args_item(args, i, &n), e))
			return gs_item_fail(args, i, e);
	return GS_OK;
}

/* Release an order's locks (ids may be NULL columns: 0). */
static int release_locks(gs_ctx *c, int64_t escrow, int64_t collateral,
			 gs_err *e)
{
	if ((escrow > 0 && gs_token_release(c->store, c->seq, escrow, e)) ||
	    (collateral > 0 && gs_stake_release(c, collateral, e)))
		return e->code;
	return GS_OK;
}

/* auction.cancel {order}: the owner withdraws an open order before the
 * gate closes; its locks are released. */
static int one_cancel(gs_ctx *c, json_t *item, gs_err *e)
{
	static const char *const fields[] = { "order", NULL };
	struct auction_params p;
	int64_t id, slot, escrow, col, panel, qty;
	char owner[33], state[16], when[32];
	gs_stmt *st;
	int rc;

	if (gs_json_only(item, fields, e) ||
	    gs_json_int(item, "order", 1, INT64_MAX, 0, &id, e) ||
	    params_load(c->store, &p, e))
		return e->code;
	rc = gs_query_row(c->store, e, &st, "SELECT account, slot, state, "
			  "coalesce(escrow_lock, 0), coalesce(collateral_lock, 0), "
			  "coalesce(panel, 0), qty_wh FROM orders WHERE id = ?", "i", id);
	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown order %lld", (long long)id);
	snprintf(owner, sizeof owner, "%s", gs_col_text(st, 0));
	slot = gs_col_int(st, 1);
	snprintf(state, sizeof state, "%s", gs_col_text(st, 2));
	escrow = gs_col_int(st, 3);
	col = gs_col_int(st, 4);
	panel = gs_col_int(st, 5);
	qty = gs_col_int(st, 6);
	gs_stmt_reset(st);
	if (strcmp(owner, c->actor) != 0)
		return gs_fail(e, GS_EPERM, "order %lld belongs to '%s'", (long long)id,
			       owner);
	if (strcmp(state, "canceled") == 0)
		return gs_fail(e, GS_EALREADY, "order %lld is already canceled",
			       (long long)id);
	if (strcmp(state, "open") != 0 || c->time >= gate_time(slot, &p))
		return gs_fail(e, GS_EREFUSED, "order %lld can no longer be canceled: "
			       "the gate of slot %lld closed at %s", (long long)id,
			       (long long)slot, gs_time_format(gate_time(slot, &p), when,
							       sizeof when));
	if (release_locks(c, escrow, col, e) ||
	    (panel && offer_change(c, slot, panel, owner, -qty, e)) ||
	    gs_exec(c->store, e, "UPDATE orders SET state = 'canceled' WHERE id = ?",
		    "i", id))
		return e->code;
	return gs_order_records(c->store, -1, id, NULL, c->out, e);
}

static int apply_cancel(gs_ctx *c, json_t *args, gs_err *e)
{
	return gs_each_item(c, args, one_cancel, e);
}

/* An open order of the slot being cleared, with its locks. */
struct book_row {
	int64_t id, escrow, escrow_amount, collateral, collateral_amount;
	char account[33];
};

/* Read the open orders of slot in entry order into o[] and rows[]. */
static int read_book(gs_store *s, int64_t slot, struct gs_order **o,
		     struct book_row **rows, size_t *n, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT o.id, o.side, o.price, o.qty_wh, o.account, "
			     "coalesce(o.escrow_lock, 0), coalesce(l.amount, 0), "
			     "coalesce(o.collateral_lock, 0), coalesce(k.amount, 0) "
			     "FROM orders o LEFT JOIN locks l ON l.id = o.escrow_lock "
			     "LEFT JOIN stake_locks k ON k.id = o.collateral_lock "
			     "WHERE o.slot = ? AND o.state = 'open' ORDER BY o.id", e);
	size_t cap = 0;
	int rc;

	*o = NULL;
	*rows = NULL;
	*n = 0;
	if (!st || gs_bind(st, e, "i", slot))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			void *a = realloc(*o, cap * sizeof **o), *b;
			if (a)
				*o = a;
			b = realloc(*rows, cap * sizeof **rows);
			if (b)
				*rows = b;
			if (!a || !b) {
				gs_stmt_reset(st);
				return gs_fail(e, GS_EINTERNAL, "out of memory");
			}
		}
		struct gs_order *x = &(*o)[*n];
		struct book_row *r = &(*rows)[*n];
		r->id = x->seq = gs_col_int(st, 0);
		x->side = strcmp(gs_col_text(st, 1), "buy") == 0 ? GS_BUY : GS_SELL;
		x->price = gs_col_int(st, 2);
		x->qty = gs_col_int(st, 3);
		x->fill = 0;
		snprintf(r->account, sizeof r->account, "%s", gs_col_text(st, 4));
		r->escrow = gs_col_int(st, 5);
		r->escrow_amount = gs_col_int(st, 6);
		r->collateral = gs_col_int(st, 7);
		r->collateral_amount = gs_col_int(st, 8);
		(*n)++;
	}
	return rc < 0 ? e->code : GS_OK;
}

/* Per-account sums of what a clearing frees or locks, applied once per
 * account at the end (a jansson object used as a hash map). */
static int add_delta(json_t *map, const char *account, int64_t d)
{
	json_t *v = json_object_get(map, account);
	int64_t sum = json_integer_value(v);

	if (d == 0)
		return 0;
	if (gs_add(sum, d, &sum))
		return -1;
	return json_object_set_new(map, account, json_integer(sum));
}

/* Free stake of account as the clearing goes: read once, then tracked. */
static int free_stake(gs_ctx *c, json_t *freemap, const char *account,
		      int64_t *free_, gs_err *e)
{
	json_t *v = json_object_get(freemap, account);
	gs_stake st;

	if (v) {
		*free_ = json_integer_value(v);
		return GS_OK;
	}
	if (gs_stake_get(c->store, account, &st, e))
		return e->code;
	*free_ = st.staked - st.locked - st.unbonding;
	json_object_set_new(freemap, account, json_integer(*free_));
	return GS_OK;
}

/* Settle the locks of one filled order at the clearing price: escrow down
 * to what it owes at P, a sell's collateral re-set to P as far as free
 * stake allows. Deltas go to the per-account maps. */
static int settle_filled(gs_ctx *c, const struct auction_params *p,
			 const struct gs_order *x, const struct book_row *r,
			 const struct gs_clearing *cl, json_t *tok, json_t *stk,
			 json_t *freemap, gs_err *e)
{
	int64_t owe = gs_escrow_tokens(x->side, x->fill, cl->price);
	int64_t want = x->side == GS_SELL ? gs_collateral(x->fill, cl->price,
							   p->penalty_bps) : 0;
	int64_t col = r->collateral_amount, free_ = 0, id = 0;

	if (owe < 0 || owe > r->escrow_amount)
		return gs_fail(e, GS_EINTERNAL, "order %lld owes more than its escrow",
			       (long long)r->id);
	if (r->escrow && (owe > 0
	    ? gs_exec(c->store, e, "UPDATE locks SET amount = ? WHERE id = ?", "ii",
		      owe, r->escrow)
	    : gs_exec(c->store, e, "UPDATE locks SET state = 'released', "
		      "closed_seq = ? WHERE id = ?", "ii", c->seq, r->escrow)))
		return e->code;
	if (add_delta(tok, r->account, r->escrow_amount - owe))
		return gs_fail(e, GS_EINTERNAL, "escrow overflows");
	if (want > col) {	/* raise, as far as free stake allows */
		if (free_stake(c, freemap, r->account, &free_, e))
			return e->code;
		if (want - col > free_)
			want = col + free_;
		json_object_set_new(freemap, r->account,
				    json_integer(free_ - (want - col)));
	}
	if (r->collateral && want > 0 && want != col &&
	    gs_exec(c->store, e, "UPDATE stake_locks SET amount = ? WHERE id = ?",
		    "ii", want, r->collateral))
		return e->code;
	if (r->collateral && want == 0 &&
	    gs_exec(c->store, e, "UPDATE stake_locks SET state = 'released', "
		    "closed_seq = ? WHERE id = ?", "ii", c->seq, r->collateral))
		return e->code;
	if (!r->collateral && want > 0) {	/* no collateral at entry (limit <= 0) */
		char ref[32];
		snprintf(ref, sizeof ref, "order:%lld", (long long)r->id);
		if (gs_stake_lock_insert(c, r->account, want, "collateral", ref, &id, e))
			return e->code;
	} else if (want > 0) {
		id = r->collateral;
	}
	if (add_delta(stk, r->account, want - col))
		return gs_fail(e, GS_EINTERNAL, "collateral overflows");
	return gs_exec(c->store, e, "UPDATE orders SET state = 'cleared', fill_wh = ?, "
		       "escrow_lock = nullif(?, 0), collateral_lock = nullif(?, 0) "
		       "WHERE id = ?", "iiii", x->fill, owe > 0 ? r->escrow : 0, id,
		       r->id);
}

/* Release every lock of the slot's unfilled (still open) orders and mark
 * them cleared with no fill, in bulk. */
static int settle_unfilled(gs_ctx *c, int64_t slot, const struct gs_order *o,
			   const struct book_row *rows, size_t n, json_t *tok,
			   json_t *stk, gs_err *e)
{
	for (size_t i = 0; i < n; i++) {
		if (o[i].fill > 0)
			continue;
		if (add_delta(tok, rows[i].account, rows[i].escrow_amount) ||
		    add_delta(stk, rows[i].account, -rows[i].collateral_amount))
			return gs_fail(e, GS_EINTERNAL, "amounts overflow");
	}
	if (gs_exec(c->store, e, "UPDATE locks SET state = 'released', closed_seq = ? "
		    "WHERE id IN (SELECT escrow_lock FROM orders WHERE slot = ? AND "
		    "state = 'open')", "ii", c->seq, slot) ||
	    gs_exec(c->store, e, "UPDATE stake_locks SET state = 'released', "
		    "closed_seq = ? WHERE id IN (SELECT collateral_lock FROM orders "
		    "WHERE slot = ? AND state = 'open')", "ii", c->seq, slot) ||
	    gs_exec(c->store, e, "UPDATE orders SET state = 'cleared', fill_wh = 0, "
		    "escrow_lock = NULL, collateral_lock = NULL WHERE slot = ? AND "
		    "state = 'open'", "i", slot))
		return e->code;
	return GS_OK;
}

/* Apply the per-account sums: tokens freed go from locked to available;
 * stake locked changes by its delta (one checkpoint per account). */
static int apply_deltas(gs_ctx *c, json_t *tok, json_t *stk, gs_err *e)
{
	const char *account;
	json_t *v;

	json_object_foreach(tok, account, v)
		if (gs_exec(c->store, e, "UPDATE balances SET available = available + ?, "
			    "locked = locked - ? WHERE account = ?", "iit",
			    (int64_t)json_integer_value(v), (int64_t)json_integer_value(v),
			    account))
			return e->code;
	json_object_foreach(stk, account, v)
		if (gs_stake_adjust_locked(c, account, json_integer_value(v), e))
			return e->code;
	return GS_OK;
}

/* Credit to each seller's free stake what this clearing frees of its
 * collateral (unfilled sells, collateral lowered to P), so that raises of
 * its other sells may use it. */
static int freed_collateral(gs_ctx *c, const struct auction_params *p,
			    const struct gs_order *o, const struct book_row *rows,
			    size_t n, const struct gs_clearing *cl, json_t *freemap,
			    gs_err *e)
{
	for (size_t i = 0; i < n; i++) {
		int64_t want, free_;
		if (o[i].side != GS_SELL || rows[i].collateral_amount == 0)
			continue;
		want = o[i].fill > 0 ? gs_collateral(o[i].fill, cl->price,
						     p->penalty_bps) : 0;
		if (want >= rows[i].collateral_amount)
			continue;
		if (free_stake(c, freemap, rows[i].account, &free_, e))
			return e->code;
		json_object_set_new(freemap, rows[i].account, json_integer(free_ +
				    rows[i].collateral_amount - want));
	}
	return GS_OK;
}

/* Settle every order of a cleared book. */
static int settle_book(gs_ctx *c, const struct auction_params *p, int64_t slot,
		       const struct gs_order *o, const struct book_row *rows,
		       size_t n, const struct gs_clearing *cl, gs_err *e)
{
	json_t *tok = json_object(), *stk = json_object(), *freemap = json_object();
	int rc = GS_OK;

	rc = freed_collateral(c, p, o, rows, n, cl, freemap, e);
	for (size_t i = 0; i < n && !rc; i++)
		if (o[i].fill > 0)
			rc = settle_filled(c, p, &o[i], &rows[i], cl, tok, stk, freemap, e);
	if (!rc)
		rc = settle_unfilled(c, slot, o, rows, n, tok, stk, e);
	if (!rc)
		rc = apply_deltas(c, tok, stk, e);
	json_decref(tok);
	json_decref(stk);
	json_decref(freemap);
	return rc;
}

/* Clear one slot; GS_EALREADY if cleared, GS_EREFUSED before its gate. */
static int clear_slot(gs_ctx *c, const struct auction_params *p, int64_t slot,
		      gs_err *e)
{
	struct gs_order *o = NULL;
	struct book_row *rows = NULL;
	struct gs_clearing cl;
	int64_t done = 0, gate = gate_time(slot, p);
	char when[32];
	size_t n = 0;
	int rc;

	if (gate == GATE_NONE)
		return gs_fail(e, GS_EINPUT, "slot %lld is out of range", (long long)slot);
	if (gs_query_int(c->store, e, &done, "SELECT 1 FROM clearings WHERE slot = ?",
			 "i", slot) < 0)
		return e->code;
	if (done)
		return gs_fail(e, GS_EALREADY, "slot %lld is already cleared",
			       (long long)slot);
	if (c->time < gate)
		return gs_fail(e, GS_EREFUSED, "slot %lld can be cleared from %s (gate "
			       "closure)", (long long)slot,
			       gs_time_format(gate, when, sizeof when));
	if ((rc = read_book(c->store, slot, &o, &rows, &n, e)) ||
	    (rc = gs_clear(o, n, &cl, e)) ||
	    (rc = settle_book(c, p, slot, o, rows, n, &cl, e)))
		goto out;
	rc = cl.has_price
		? gs_exec(c->store, e, "INSERT INTO clearings (slot, price, volume_wh, "
			  "lo, hi, orders, seq, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			  "iiiiiiii", slot, cl.price, cl.volume, cl.lo, cl.hi,
			  (int64_t)n, c->seq, c->time)
		: gs_exec(c->store, e, "INSERT INTO clearings (slot, volume_wh, orders, "
			  "seq, time) VALUES (?, 0, ?, ?, ?)", "iiii", slot, (int64_t)n,
			  c->seq, c->time);
	if (rc == GS_OK)
		rc = gs_clearing_record(c->store, slot, c->out, e);
	if (rc == GS_OK)
		rc = gs_fill_records(c->store, slot, c->out, e);
out:
	free(o);
	free(rows);
	return rc;
}

/* Slots with open orders whose gate has closed and that are not cleared. */
static int due_slots(gs_ctx *c, const struct auction_params *p, json_t *slots,
		     gs_err *e)
{
	gs_stmt *st = gs_sql(c->store, "SELECT DISTINCT slot FROM orders WHERE "
			     "state = 'open' AND slot * ? - ? <= ? AND slot NOT IN "
			     "(SELECT slot FROM clearings) ORDER BY slot", e);
	int rc;

	if (!st || gs_bind(st, e, "iii", p->slot_seconds, p->gate, c->time))
		return e->code;
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(slots, json_integer(gs_col_int(st, 0)));
	return rc < 0 ? e->code : GS_OK;
}

/* auction.clear {slot} | {due: 1} (role operator). */
static int apply_clear(gs_ctx *c, json_t *args, gs_err *e)
{
	struct auction_params p;
	int64_t slot;
	json_t *slots = json_array(), *v;
	size_t i;

	e->code = GS_OK;
	if (gs_slot_or_due(args, &slot, e) || params_load(c->store, &p, e))
		goto out;
	if (slot >= 0)
		json_array_append_new(slots, json_integer(slot));
	else if (due_slots(c, &p, slots, e))
		goto out;
	if (json_array_size(slots) == 0) {
		gs_fail(e, GS_EALREADY, "no slot is due for clearing");
		goto out;
	}
	json_array_foreach(slots, i, v)
		if (clear_slot(c, &p, json_integer_value(v), e))
			goto out;
	e->code = GS_OK;
out:
	json_decref(slots);
	return e->code;
}

const struct gs_cmd gs_auction_cmds[] = {
	{ "auction.order", NULL, apply_order },
	{ "auction.cancel", NULL, apply_cancel },
	{ "auction.clear", "operator", apply_clear },
	{ NULL, NULL, NULL },
};

/* ---- queries ---- */

int gs_order_records(gs_store *s, int64_t slot, int64_t id, const char *account,
		     json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT id, account, slot, side, price, qty_wh, "
			     "panel, market, state, fill_wh, time FROM orders WHERE "
			     "id BETWEEN ? AND ? AND (? < 0 OR slot = ?) AND "
			     "(? IS NULL OR account = ?) ORDER BY id", e);
	int rc;

	/* the id range lets one order be a primary-key lookup */
	if (!st || gs_bind(st, e, "iiiitt", id ? id : (int64_t)1,
			   id ? id : INT64_MAX, slot, slot, account, account))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		json_t *r = json_pack("{s:s,s:I,s:s,s:I,s:s,s:I,s:I}", "type", "order",
			"id", (json_int_t)gs_col_int(st, 0), "account", gs_col_text(st, 1),
			"slot", (json_int_t)gs_col_int(st, 2), "side", gs_col_text(st, 3),
			"price", (json_int_t)gs_col_int(st, 4), "qty_wh",
			(json_int_t)gs_col_int(st, 5));
		json_object_set_new(r, "panel", gs_col_type(st, 6) == 'i'
				    ? json_integer(gs_col_int(st, 6)) : json_null());
		json_object_set_new(r, "market", json_boolean(gs_col_int(st, 7)));
		json_object_set_new(r, "state", json_string(gs_col_text(st, 8)));
		json_object_set_new(r, "fill_wh", gs_col_type(st, 9) == 'i'
				    ? json_integer(gs_col_int(st, 9)) : json_null());
		json_object_set_new(r, "time", json_integer(gs_col_int(st, 10)));
		json_array_append_new(out, r);
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_clearing_record(gs_store *s, int64_t slot, json_t *out, gs_err *e)
{
	gs_stmt *st;
	int rc = gs_query_row(s, e, &st, "SELECT price, volume_wh, lo, hi, orders, "
			      "time FROM clearings WHERE slot = ?", "i", slot);
	json_t *r;

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EREFUSED, "slot %lld is not cleared",
			       (long long)slot);
	r = json_pack("{s:s,s:I}", "type", "clearing", "slot", (json_int_t)slot);
	json_object_set_new(r, "price", gs_col_type(st, 0) == 'i'
			    ? json_integer(gs_col_int(st, 0)) : json_null());
	json_object_set_new(r, "volume_wh", json_integer(gs_col_int(st, 1)));
	json_object_set_new(r, "lo", gs_col_type(st, 2) == 'i'
			    ? json_integer(gs_col_int(st, 2)) : json_null());
	json_object_set_new(r, "hi", gs_col_type(st, 3) == 'i'
			    ? json_integer(gs_col_int(st, 3)) : json_null());
	json_object_set_new(r, "orders", json_integer(gs_col_int(st, 4)));
	json_object_set_new(r, "time", json_integer(gs_col_int(st, 5)));
	gs_stmt_reset(st);
	json_array_append_new(out, r);
	return GS_OK;
}

int gs_fill_records(gs_store *s, int64_t slot, json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT o.id, o.fill_wh, c.price FROM orders o JOIN "
			     "clearings c ON c.slot = o.slot WHERE o.slot = ? AND "
			     "o.state = 'cleared' ORDER BY o.id", e);
	int rc;

	if (!st || gs_bind(st, e, "i", slot))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		int64_t fill = gs_col_int(st, 1);
		json_t *r = json_pack("{s:s,s:I,s:I}", "type", "fill", "order",
				      (json_int_t)gs_col_int(st, 0), "qty_wh",
				      (json_int_t)fill);
		json_object_set_new(r, "price", gs_col_type(st, 2) == 'i'
				    ? json_integer(gs_col_int(st, 2)) : json_null());
		json_array_append_new(out, r);
	}
	return rc < 0 ? e->code : GS_OK;
}

/* Append one side's step curve of slot (cumulative Wh by price level). */
static int curve_side(gs_store *s, int64_t slot, int buy, json_t *out,
		      gs_err *e)
{
	gs_stmt *st = gs_sql(s, buy
		? "SELECT price, sum(qty_wh) FROM orders WHERE slot = ? AND side = "
		  "'buy' AND state <> 'canceled' GROUP BY price ORDER BY price DESC"
		: "SELECT price, sum(qty_wh) FROM orders WHERE slot = ? AND side = "
		  "'sell' AND state <> 'canceled' GROUP BY price ORDER BY price", e);
	int64_t cum = 0;
	int rc;

	if (!st || gs_bind(st, e, "i", slot))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		if (gs_add(cum, gs_col_int(st, 1), &cum))
			cum = INT64_MAX;
		json_array_append_new(out, json_pack("{s:s,s:s,s:I,s:I}", "type", "curve",
			"side", buy ? "demand" : "supply", "price",
			(json_int_t)gs_col_int(st, 0), "cum_wh", (json_int_t)cum));
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_curve_records(gs_store *s, int64_t slot, json_t *out, gs_err *e)
{
	struct gs_order *o = NULL;
	struct book_row *rows = NULL;
	struct gs_clearing cl;
	int64_t done = 0;
	size_t n = 0;
	json_t *r;
	int rc;

	if (curve_side(s, slot, 1, out, e) || curve_side(s, slot, 0, out, e) ||
	    gs_query_int(s, e, &done, "SELECT 1 FROM clearings WHERE slot = ?", "i",
			 slot) < 0)
		return e->code;
	if (done)
		return gs_clearing_record(s, slot, out, e);
	/* not cleared yet: where the open book would clear now */
	rc = read_book(s, slot, &o, &rows, &n, e);
	if (rc == GS_OK)
		rc = gs_clear(o, n, &cl, e);
	free(o);
	free(rows);
	if (rc)
		return rc;
	r = json_pack("{s:s,s:I,s:o,s:I,s:b}", "type", "clearing", "slot",
		      (json_int_t)slot, "price", cl.has_price ? json_integer(cl.price)
		      : json_null(), "volume_wh", (json_int_t)cl.volume,
		      "provisional", 1);
	json_array_append_new(out, r);
	return GS_OK;
}
