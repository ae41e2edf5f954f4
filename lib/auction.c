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

/* What one auction.order tx (one actor) adds, kept in memory and written
 * once at the end: per slot the escrow and collateral to lock, per slot
 * and panel the quantity offered. */
struct hold {
	int64_t slot, escrow, collateral;
};

struct offer {
	int64_t slot, panel, limit, offered, added;
};

struct intake {
	struct auction_params p;
	int64_t next_id, available, free_stake, escrow, collateral;
	int64_t open_slot;		/* last slot found open (-1: none) */
	int seller_ok;			/* the actor's standing checked */
	struct hold *h;
	size_t nh;
	struct offer *f;
	size_t nf;
};

/* Grow array *a of *n elements of size sz by one zeroed element. */
static void *grow(void *a, size_t *n, size_t sz)
{
	char *p = realloc(a, (*n + 1) * sz);

	if (p)
		memset(p + (*n)++ * sz, 0, sz);
	return p;
}

/* The intake's hold for slot (created on first use); NULL if no memory. */
static struct hold *hold_of(struct intake *in, int64_t slot)
{
	struct hold *h;

	for (size_t i = 0; i < in->nh; i++)
		if (in->h[i].slot == slot)
			return &in->h[i];
	if (!(h = grow(in->h, &in->nh, sizeof *h)))
		return NULL;
	in->h = h;
	h[in->nh - 1].slot = slot;
	return &h[in->nh - 1];
}

/* Check a sell's panel: the actor's, active, and within capacity x slot
 * length together with every open sell of it in the slot, whoever placed
 * it (a panel transferred after its old owner sold keeps those sells). */
static int check_panel(gs_ctx *c, struct intake *in, int64_t panel, int64_t slot,
		       int64_t qty, gs_err *e)
{
	struct offer *f = NULL;
	char owner[33];
	int64_t cap;

	for (size_t i = 0; i < in->nf && !f; i++)
		if (in->f[i].slot == slot && in->f[i].panel == panel)
			f = &in->f[i];
	if (!f) {
		if (gs_panel_active(c->store, panel, owner, &cap, e))
			return e->code;
		if (strcmp(owner, c->actor) != 0)
			return gs_fail(e, GS_EPERM, "panel %lld belongs to '%s'",
				       (long long)panel, owner);
		if (!(f = grow(in->f, &in->nf, sizeof *f)))
			return gs_fail(e, GS_EINTERNAL, "out of memory");
		in->f = f;
		f = &in->f[in->nf - 1];
		f->slot = slot;
		f->panel = panel;
		if (gs_muldiv_floor(cap, in->p.slot_seconds, 3600, &f->limit) ||
		    gs_query_int(c->store, e, &f->offered, "SELECT coalesce("
				 "sum(qty_wh), 0) FROM panel_offers WHERE slot = ? "
				 "AND panel = ?", "ii", slot, panel) < 0)
			return e->code ? e->code : gs_fail(e, GS_EINTERNAL,
							   "capacity overflows");
	}
	if (qty > f->limit - f->offered - f->added)
		return gs_fail(e, GS_EREFUSED, "panel %lld can sell at most %lld Wh in "
			       "a slot (capacity x slot length); %lld Wh already offered",
			       (long long)panel, (long long)f->limit,
			       (long long)(f->offered + f->added));
	f->added += qty;
	return GS_OK;
}

/* Check a seller's standing once per tx: no debt, stake of at least
 * seller_min_stake; remember its free stake. */
static int check_seller(gs_ctx *c, struct intake *in, gs_err *e)
{
	gs_stake st;

	if (in->seller_ok)
		return GS_OK;
	if (gs_stake_get(c->store, c->actor, &st, e))
		return e->code;
	if (st.debt > 0)
		return gs_fail(e, GS_EREFUSED, "'%s' is in debt and places no sell "
			       "orders until it repays (gs-stake repay)", c->actor);
	if (st.staked < in->p.min_stake)
		return gs_fail(e, GS_EREFUSED, "'%s' has too little stake to sell "
			       "(seller_min_stake)", c->actor);
	in->free_stake = st.staked - st.locked - st.unbonding;
	in->seller_ok = 1;
	return GS_OK;
}

/* Count an order's escrow and collateral against what the actor has:
 * its available balance and free stake less what earlier orders of the
 * tx took. */
static int reserve(gs_ctx *c, struct intake *in, int64_t slot, int64_t escrow,
		   int64_t col, gs_err *e)
{
	struct hold *h = hold_of(in, slot);
	char a[32], b[32];

	if (!h)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	if (escrow > in->available - in->escrow)
		return gs_fail(e, GS_EREFUSED, "insufficient balance for the escrow: "
			       "'%s' has %s available, the orders need %s", c->actor,
			       gs_credits(c->store, in->available, a, sizeof a),
			       gs_credits(c->store, in->escrow > INT64_MAX - escrow ? INT64_MAX
				       : in->escrow + escrow, b, sizeof b));
	if (col > in->free_stake - in->collateral)
		return gs_fail(e, GS_EREFUSED, "insufficient free stake for the "
			       "collateral: '%s' has %s free, the sells need %s",
			       c->actor, gs_credits(c->store, in->free_stake, a, sizeof a),
			       gs_credits(c->store, in->collateral > INT64_MAX - col ? INT64_MAX
				       : in->collateral + col, b, sizeof b));
	in->escrow += escrow;
	in->collateral += col;
	h->escrow += escrow;
	h->collateral += col;
	return GS_OK;
}

/* Is slot still open for orders at the tx's time? */
static int gate_open(gs_ctx *c, struct intake *in, int64_t slot, gs_err *e)
{
	int64_t gate = gate_time(slot, &in->p), done = 0;
	char when[32];

	if (gate == GATE_NONE)
		return gs_fail(e, GS_EINPUT, "field \"slot\": %lld is out of range",
			       (long long)slot);
	if (slot == in->open_slot)
		return GS_OK;
	if (c->time < gate && gs_query_int(c->store, e, &done, "SELECT 1 FROM "
					    "clearings WHERE slot = ?", "i", slot) < 0)
		return e->code;
	if (c->time >= gate || done)
		return gs_fail(e, GS_EREFUSED, "the gate of slot %lld closed at %s",
			       (long long)slot, gs_time_format(gate, when, sizeof when));
	in->open_slot = slot;
	return GS_OK;
}

/* One order {slot, side, price | "market", qty_wh, panel?}. */
static int one_order(gs_ctx *c, struct intake *in, json_t *item, gs_err *e)
{
	static const char *const fields[] = { "slot", "side", "price", "qty_wh",
					      "panel", NULL };
	const struct auction_params *p = &in->p;
	const char *side;
	int64_t slot, price = 0, qty, panel = 0, escrow, col = 0, id;
	json_t *pj = json_object_get(item, "price");
	int market = json_is_string(pj) && strcmp(json_string_value(pj), "market") == 0;
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
	if (gate_open(c, in, slot, e))
		return e->code;
	if (sd == GS_BUY && panel)
		return gs_fail(e, GS_EINPUT, "field \"panel\": only sells name a panel");
	if (sd == GS_SELL && !panel)
		return gs_fail(e, GS_EINPUT, "field \"panel\": a sell names its panel");
	if (sd == GS_SELL && (check_panel(c, in, panel, slot, qty, e) ||
			      check_seller(c, in, e)))
		return e->code;
	if ((escrow = gs_escrow_tokens(sd, qty, price)) < 0)
		return gs_fail(e, GS_EINPUT, "field \"qty_wh\": the order's value "
			       "overflows");
	if (sd == GS_SELL)
		col = gs_collateral(qty, price, p->penalty_bps);
	if (reserve(c, in, slot, escrow, col, e))
		return e->code;
	id = in->next_id++;
	if (gs_exec(c->store, e, "INSERT INTO orders (id, account, slot, side, price, "
		    "qty_wh, panel, market, escrow, collateral, state, created_seq, "
		    "time) VALUES (?, ?, ?, ?, ?, ?, nullif(?, 0), ?, ?, ?, 'open', ?, "
		    "?)", "itit" "iiiiiiii", id, c->actor, slot, side, price, qty, panel,
		    (int64_t)market, escrow, col, c->seq, c->time))
		return e->code;
	if (!c->out)
		return GS_OK;
	json_array_append_new(c->out, json_pack("{s:s,s:I,s:s,s:I,s:s,s:I,s:I,s:o,"
		"s:b,s:s,s:n,s:I}", "type", "order", "id", (json_int_t)id, "account",
		c->actor, "slot", (json_int_t)slot, "side", side, "price",
		(json_int_t)price, "qty_wh", (json_int_t)qty, "panel",
		panel ? json_integer(panel) : json_null(), "market", market, "state",
		"open", "fill_wh", "time", (json_int_t)c->time));
	return GS_OK;
}

/* The lock ids of account in slot (0 when none is active). */
static int slot_locks(gs_store *s, int64_t slot, const char *account,
		      int64_t *escrow, int64_t *col, gs_err *e)
{
	gs_stmt *st;
	int rc = gs_query_row(s, e, &st, "SELECT coalesce(l.id, 0), coalesce(k.id, 0) "
			      "FROM auction_locks a LEFT JOIN locks l ON l.id = "
			      "a.escrow_lock AND l.state = 'active' LEFT JOIN "
			      "stake_locks k ON k.id = a.collateral_lock AND k.state = "
			      "'active' WHERE a.slot = ? AND a.account = ?", "it", slot,
			      account);

	*escrow = *col = 0;
	if (rc < 0)
		return e->code;
	if (rc == 1) {
		*escrow = gs_col_int(st, 0);
		*col = gs_col_int(st, 1);
		gs_stmt_reset(st);
	}
	return GS_OK;
}

/* Record the lock ids of account in slot. */
static int set_slot_locks(gs_store *s, int64_t slot, const char *account,
			  int64_t escrow, int64_t col, gs_err *e)
{
	return gs_exec(s, e, "INSERT INTO auction_locks (slot, account, escrow_lock, "
		       "collateral_lock) VALUES (?, ?, nullif(?, 0), nullif(?, 0)) ON "
		       "CONFLICT (slot, account) DO UPDATE SET escrow_lock = "
		       "excluded.escrow_lock, collateral_lock = excluded.collateral_lock",
		       "itii", slot, account, escrow, col);
}

/* Change account's escrow (tokens) and collateral (stake) locks of slot
 * by the deltas: grown, shrunk, created or released as needed. */
static int change_slot_locks(gs_ctx *c, int64_t slot, const char *account,
			     int64_t d_escrow, int64_t d_col, gs_err *e)
{
	int64_t escrow, col;
	char ref[40];

	if (d_escrow == 0 && d_col == 0)
		return GS_OK;
	snprintf(ref, sizeof ref, "slot:%lld", (long long)slot);
	if (slot_locks(c->store, slot, account, &escrow, &col, e))
		return e->code;
	if (d_escrow && (escrow
	    ? gs_token_lock_change(c->store, c->seq, escrow, d_escrow, e)
	    : d_escrow < 0 ? gs_fail(e, GS_EINTERNAL, "no escrow lock to shrink")
	    : gs_token_lock(c->store, c->seq, account, d_escrow, "escrow", ref, 0,
			    &escrow, e)))
		return e->code;
	if (d_col && (col
	    ? gs_stake_lock_change(c, col, d_col, e)
	    : d_col < 0 ? gs_fail(e, GS_EINTERNAL, "no collateral lock to shrink")
	    : gs_stake_lock(c, account, d_col, "collateral", ref, -1, 0, &col, e)))
		return e->code;
	return set_slot_locks(c->store, slot, account, escrow, col, e);
}

/* Lock escrow and collateral of account for slot, where it has no lock of
 * the slot yet: the lock rows only; *escrow_sum and *col_sum count what
 * the caller moves in one balance and one stake update. */
static int new_slot_locks(gs_ctx *c, int64_t slot, const char *account,
			  int64_t escrow, int64_t col, int64_t *escrow_sum,
			  int64_t *col_sum, gs_err *e)
{
	int64_t lk = 0, ck = 0;
	char ref[40];

	snprintf(ref, sizeof ref, "slot:%lld", (long long)slot);
	if ((escrow && gs_token_lock_row(c->store, c->seq, account, escrow,
					 "escrow", ref, 0, &lk, e)) ||
	    (col && gs_stake_lock_row(c, account, col, "collateral", ref, -1, 0,
				      &ck, e)))
		return e->code;
	*escrow_sum += escrow;
	*col_sum += col;
	return set_slot_locks(c->store, slot, account, lk, ck, e);
}

/* Write what the intake gathered: the locks per slot, the offers. New
 * locks (a slot the actor had none in) move the balance and the stake
 * once for the tx, not once per slot: the intake has checked both. */
static int intake_flush(gs_ctx *c, struct intake *in, gs_err *e)
{
	int64_t escrow_sum = 0, col_sum = 0, lk, ck;

	for (size_t i = 0; i < in->nh; i++) {
		struct hold *h = &in->h[i];
		if (slot_locks(c->store, h->slot, c->actor, &lk, &ck, e) ||
		    (!lk && !ck && (h->escrow > 0 || h->collateral > 0)
		     ? new_slot_locks(c, h->slot, c->actor, h->escrow, h->collateral,
				      &escrow_sum, &col_sum, e)
		     : change_slot_locks(c, h->slot, c->actor, h->escrow,
					 h->collateral, e)))
			return e->code;
	}
	if ((escrow_sum && gs_token_adjust(c->store, c->actor, -escrow_sum,
					   escrow_sum, e)) ||
	    gs_stake_adjust_locked(c, c->actor, col_sum, e))
		return e->code;
	for (size_t i = 0; i < in->nf; i++)
		if (offer_change(c, in->f[i].slot, in->f[i].panel, c->actor,
				 in->f[i].added, e))
			return e->code;
	return GS_OK;
}

/* auction.order {slot, side, price, qty_wh, panel?} | {items:[...]}. */
static int apply_order(gs_ctx *c, json_t *args, gs_err *e)
{
	struct intake in = { .open_slot = -1 };
	size_t n = 1;
	int rc = GS_OK;

	if (params_load(c->store, &in.p, e) ||
	    gs_token_available(c->store, c->actor, &in.available, e) ||
	    gs_query_int(c->store, e, &in.next_id, "SELECT coalesce(max(id), 0) + 1 "
			 "FROM orders", "") < 0)
		return e->code;
	for (size_t i = 0; i < n && !rc; i++)
		if ((rc = one_order(c, &in, gs_args_item(args, i, &n), e)))
			rc = gs_item_fail(args, i, e);
	if (!rc)
		rc = intake_flush(c, &in, e);
	free(in.h);
	free(in.f);
	return rc;
}

/* auction.cancel {order}: the owner withdraws an open order before the
 * gate closes; what it locked is released. */
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
	rc = gs_query_row(c->store, e, &st, "SELECT account, slot, state, escrow, "
			  "collateral, coalesce(panel, 0), qty_wh, EXISTS (SELECT 1 "
			  "FROM clearings WHERE slot = orders.slot) FROM orders WHERE "
			  "id = ?", "i", id);
	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown order %lld", (long long)id);
	snprintf(owner, sizeof owner, "%s", gs_col_text(st, 0));
	slot = gs_col_int(st, 1);
	snprintf(state, sizeof state, "%s", gs_col_int(st, 7) ? "cleared"
		 : gs_col_text(st, 2));
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
	if (change_slot_locks(c, slot, owner, -escrow, -col, e) ||
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

/* The open book of a slot: orders in entry order, each with the index of
 * its account; per account what it must keep locked at the price. */
struct book {
	struct gs_order *o;
	uint32_t *acct;
	size_t n, cap;
	json_t *index;		/* account name -> index */
	struct book_acct {
		const char *name;
		int64_t owe, want;
		int seen;
	} *a;
	size_t na;
};

static void book_free(struct book *b)
{
	free(b->o);
	free(b->acct);
	free(b->a);
	json_decref(b->index);
	memset(b, 0, sizeof *b);
}

/* Index of account name in b (added on first sight); -1 if no memory. */
static long book_account(struct book *b, const char *name)
{
	json_t *v = json_object_get(b->index, name);
	struct book_acct *a;

	if (v)
		return (long)json_integer_value(v);
	if (json_object_set_new(b->index, name, json_integer((json_int_t)b->na)) ||
	    !(a = grow(b->a, &b->na, sizeof *a)))
		return -1;
	b->a = a;
	/* the key is owned by the index object for the book's lifetime */
	a[b->na - 1].name = json_object_iter_key(json_object_iter_at(b->index, name));
	return (long)(b->na - 1);
}

/* Read the open orders of slot in entry order into b. */
static int read_book(gs_store *s, int64_t slot, struct book *b, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT id, side, price, qty_wh, account FROM orders "
			     "WHERE slot = ? AND state = 'open' ORDER BY id", e);
	int rc;

	memset(b, 0, sizeof *b);
	b->index = json_object();
	if (!st || gs_bind(st, e, "i", slot))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		long a;
		if (b->n == b->cap) {
			size_t cap = b->cap ? 2 * b->cap : 1024;
			void *o = realloc(b->o, cap * sizeof *b->o), *x;
			if (o)
				b->o = o;
			x = o ? realloc(b->acct, cap * sizeof *b->acct) : NULL;
			if (!x) {
				gs_stmt_reset(st);
				return gs_fail(e, GS_EINTERNAL, "out of memory");
			}
			b->acct = x;
			b->cap = cap;
		}
		struct gs_order *x = &b->o[b->n];
		x->seq = gs_col_int(st, 0);
		x->side = strcmp(gs_col_text(st, 1), "buy") == 0 ? GS_BUY : GS_SELL;
		x->price = gs_col_int(st, 2);
		x->qty = gs_col_int(st, 3);
		x->fill = 0;
		if ((a = book_account(b, gs_col_text(st, 4))) < 0) {
			gs_stmt_reset(st);
			return gs_fail(e, GS_EINTERNAL, "out of memory");
		}
		b->acct[b->n++] = (uint32_t)a;
	}
	return rc < 0 ? e->code : GS_OK;
}

/* Per account, what it must keep locked at the clearing price: the
 * escrow its fills owe, the collateral of its filled sells at P. */
static int book_owed(struct book *b, const struct auction_params *p,
		     const struct gs_clearing *cl, gs_err *e)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct gs_order *x = &b->o[i];
		struct book_acct *a = &b->a[b->acct[i]];
		int64_t owe;
		if (x->fill == 0)
			continue;
		owe = gs_escrow_tokens(x->side, x->fill, cl->price);
		if (owe < 0 || gs_add(a->owe, owe, &a->owe))
			return gs_fail(e, GS_EINTERNAL, "escrow of order %lld overflows",
				       (long long)x->seq);
		if (x->side == GS_SELL &&
		    gs_add(a->want, gs_collateral(x->fill, cl->price, p->penalty_bps),
			   &a->want))
			a->want = INT64_MAX;
	}
	return GS_OK;
}

/* Set one account's locks of the slot to what it owes at P: escrow down
 * to its debt, collateral to P as far as its free stake allows. */
static int settle_account(gs_ctx *c, int64_t slot, struct book_acct *a,
			  int64_t escrow, int64_t lamount, int64_t col,
			  int64_t camount, gs_err *e)
{
	int64_t target = a->want;
	gs_stake st;

	a->seen = 1;
	if (a->owe > lamount)
		return gs_fail(e, GS_EINTERNAL, "'%s' owes more than its escrow",
			       a->name);
	if (target > camount) {	/* raise, as far as free stake allows */
		if (gs_stake_get(c->store, a->name, &st, e))
			return e->code;
		if (target - camount > st.staked - st.locked - st.unbonding)
			target = camount + st.staked - st.locked - st.unbonding;
	}
	if ((escrow && a->owe != lamount &&
	     gs_token_lock_change(c->store, c->seq, escrow, a->owe - lamount, e)) ||
	    (col && target != camount &&
	     gs_stake_lock_change(c, col, target - camount, e)))
		return e->code;
	if (!col && target > 0)	/* no collateral at entry (limits <= 0) */
		return change_slot_locks(c, slot, a->name, 0, target, e);
	return GS_OK;
}

/* Settle every account's locks of the cleared slot. */
static int settle_book(gs_ctx *c, int64_t slot, struct book *b, gs_err *e)
{
	gs_stmt *st = gs_sql(c->store, "SELECT a.account, coalesce(l.id, 0), "
			     "coalesce(l.amount, 0), coalesce(k.id, 0), "
			     "coalesce(k.amount, 0) FROM auction_locks a LEFT JOIN "
			     "locks l ON l.id = a.escrow_lock AND l.state = 'active' "
			     "LEFT JOIN stake_locks k ON k.id = a.collateral_lock AND "
			     "k.state = 'active' WHERE a.slot = ? ORDER BY a.account", e);
	json_t *rows = json_array(), *r;
	struct book_acct none;
	size_t i;
	int rc;

	/* read first: the updates below change the rows being read */
	if (!st || gs_bind(st, e, "i", slot)) {
		json_decref(rows);
		return e->code;
	}
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(rows, json_pack("[s,I,I,I,I]", gs_col_text(st, 0),
			(json_int_t)gs_col_int(st, 1), (json_int_t)gs_col_int(st, 2),
			(json_int_t)gs_col_int(st, 3), (json_int_t)gs_col_int(st, 4)));
	json_array_foreach(rows, i, r) {
		const char *name = json_string_value(json_array_get(r, 0));
		json_t *v = json_object_get(b->index, name);
		struct book_acct *a = v ? &b->a[json_integer_value(v)] : &none;
		if (rc < 0)
			break;
		none = (struct book_acct){ .name = name };
		if (settle_account(c, slot, a,
				   json_integer_value(json_array_get(r, 1)),
				   json_integer_value(json_array_get(r, 2)),
				   json_integer_value(json_array_get(r, 3)),
				   json_integer_value(json_array_get(r, 4)), e))
			rc = -1;
	}
	json_decref(rows);
	for (i = 0; i < b->na && rc >= 0; i++)	/* sellers with no locks at all */
		if (!b->a[i].seen && settle_account(c, slot, &b->a[i], 0, 0, 0, 0, e))
			rc = -1;
	return rc < 0 ? e->code : GS_OK;
}

/* Write one fill per order of the book, in entry order. */
static int write_fills(gs_store *s, const struct book *b, gs_err *e)
{
	for (size_t i = 0; i < b->n; i++)
		if (gs_exec(s, e, "INSERT INTO fills (order_id, qty_wh) VALUES (?, ?)",
			    "ii", b->o[i].seq, b->o[i].fill))
			return e->code;
	return GS_OK;
}

/* Clear one slot; GS_EALREADY if cleared, GS_EREFUSED before its gate. */
static int clear_slot(gs_ctx *c, const struct auction_params *p, int64_t slot,
		      gs_err *e)
{
	struct gs_clearing cl;
	struct book b;
	int64_t done = 0, gate = gate_time(slot, p);
	char when[32];
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
	if ((rc = read_book(c->store, slot, &b, e)) ||
	    (rc = gs_clear(b.o, b.n, &cl, e)) ||
	    (rc = book_owed(&b, p, &cl, e)) ||
	    (rc = settle_book(c, slot, &b, e)) ||
	    (rc = write_fills(c->store, &b, e)))
		goto out;
	rc = gs_exec(c->store, e, "INSERT INTO clearings (slot, price, volume_wh, lo, "
		     "hi, orders, seq, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		     "iiiiiiii", slot, cl.price, cl.volume, cl.lo, cl.hi, (int64_t)b.n,
		     c->seq, c->time);
	if (rc == GS_OK && !cl.has_price)
		rc = gs_exec(c->store, e, "UPDATE clearings SET price = NULL, lo = NULL, "
			     "hi = NULL WHERE slot = ?", "i", slot);
	if (rc == GS_OK)	/* cleared late, after its oracle data became final */
		rc = gs_oracle_unreported(c, slot, NULL, e);
	if (rc == GS_OK)
		rc = gs_clearing_record(c->store, slot, c->out, e);
out:
	book_free(&b);
	return rc;
}

/* Slots with open orders whose gate has closed and that are not cleared. */
static int due_slots(gs_ctx *c, const struct auction_params *p, json_t *slots,
		     gs_err *e)
{
	/* hop from slot to slot through the index (one seek per slot with
	 * orders, not one step per order); the gate of slot s closed when
	 * s * slot_seconds - gate <= now, i.e. s <= (now + gate) / slot_seconds */
	gs_stmt *st = gs_sql(c->store, "WITH RECURSIVE s (slot) AS (SELECT "
			     "min(slot) FROM orders UNION ALL SELECT (SELECT "
			     "min(o.slot) FROM orders o WHERE o.slot > s.slot) FROM "
			     "s WHERE s.slot < ?) SELECT slot FROM s WHERE slot <= ? "
			     "AND slot NOT IN (SELECT slot FROM clearings) AND "
			     "EXISTS (SELECT 1 FROM orders o WHERE o.slot = s.slot AND "
			     "o.state = 'open') ORDER BY slot", e);
	int rc;

	if (!st || gs_bind(st, e, "ii", (c->time + p->gate) / p->slot_seconds,
			   (c->time + p->gate) / p->slot_seconds))
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
	gs_stmt *st = gs_sql(s, "SELECT o.id, o.account, o.slot, o.side, o.price, "
			     "o.qty_wh, o.panel, o.market, CASE WHEN f.order_id IS NOT "
			     "NULL THEN 'cleared' ELSE o.state END, f.qty_wh, o.time FROM "
			     "orders o LEFT JOIN fills f ON f.order_id = o.id WHERE "
			     "o.id BETWEEN ? AND ? AND (? < 0 OR o.slot = ?) AND "
			     "(? IS NULL OR o.account = ?) ORDER BY o.id", e);
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

int gs_fill_each(gs_store *s, int64_t slot, gs_fill_fn fn, void *arg, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT o.id, f.qty_wh, c.price FROM orders o JOIN "
			     "fills f ON f.order_id = o.id JOIN clearings c ON c.slot = "
			     "o.slot WHERE o.slot = ? ORDER BY o.id", e);
	int rc;

	if (!st || gs_bind(st, e, "i", slot))
		return e->code;
	while ((rc = gs_step(st, e)) == 1)
		fn(gs_col_int(st, 0), gs_col_int(st, 1), gs_col_type(st, 2) == 'i',
		   gs_col_int(st, 2), arg);
	return rc < 0 ? e->code : GS_OK;
}

json_t *gs_fill_record(int64_t order, int64_t qty, int has_price, int64_t price)
{
	return json_pack("{s:s,s:I,s:I,s:o}", "type", "fill", "order",
			 (json_int_t)order, "qty_wh", (json_int_t)qty, "price",
			 has_price ? json_integer(price) : json_null());
}

/* gs_fill_fn appending the record to a json array. */
static void append_fill(int64_t order, int64_t qty, int has_price, int64_t price,
			void *arr)
{
	json_array_append_new(arr, gs_fill_record(order, qty, has_price, price));
}

int gs_fill_records(gs_store *s, int64_t slot, json_t *out, gs_err *e)
{
	return gs_fill_each(s, slot, append_fill, out, e);
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
	struct gs_clearing cl;
	struct book b;
	int64_t done = 0;
	json_t *r;
	int rc;

	if (curve_side(s, slot, 1, out, e) || curve_side(s, slot, 0, out, e) ||
	    gs_query_int(s, e, &done, "SELECT 1 FROM clearings WHERE slot = ?", "i",
			 slot) < 0)
		return e->code;
	if (done)
		return gs_clearing_record(s, slot, out, e);
	/* not cleared yet: where the open book would clear now */
	rc = read_book(s, slot, &b, e);
	if (rc == GS_OK)
		rc = gs_clear(b.o, b.n, &cl, e);
	book_free(&b);
	if (rc)
		return rc;
	r = json_pack("{s:s,s:I,s:o,s:I,s:b}", "type", "clearing", "slot",
		      (json_int_t)slot, "price", cl.has_price ? json_integer(cl.price)
		      : json_null(), "volume_wh", (json_int_t)cl.volume,
		      "provisional", 1);
	json_array_append_new(out, r);
	return GS_OK;
}
