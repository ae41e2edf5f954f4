/* settle.c - settlement of cleared slots: positions, disputes, finalization. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "internal.h"

/* Parameters settlement reads once per tx. */
struct settle_params {
	int64_t penalty_bps, window, bond;
};

static int params_load(gs_store *s, struct settle_params *p, gs_err *e)
{
	if (gs_param_get(s, "penalty_bps", &p->penalty_bps, e) ||
	    gs_param_get(s, "dispute_window_s", &p->window, e) ||
	    gs_param_get(s, "dispute_bond", &p->bond, e))
		return e->code;
	return GS_OK;
}

/* One filled order of the slot. */
struct sorder {
	int64_t id, panel, fill;
	int64_t delivered, missed;	/* buys: parts of the fill */
	int side;
	size_t acct;
	char account[33];
};

/* One participant of the slot. */
struct spos {
	const char *name;
	int64_t bought, sold, bdel, sdel, shortfall, missed, voided;
	int64_t paid, received, due, penalty, compensation, debt, net;
	int64_t escrow_lock, escrow, col_lock, collateral;	/* its slot locks */
};

struct settlement {
	int64_t slot, price, volume, delivered, shortfall, voided, penalties, dust;
	int64_t penalty_bps;		/* the slot's rate, fixed at its first compute */
	int has_price;
	struct sorder *o;
	size_t n;
	struct spos *a;
	size_t na;
};

static void settlement_free(struct settlement *s)
{
	free(s->o);
	free(s->a);
	memset(s, 0, sizeof *s);
}

/* floor(q * p / 1000) and ceil(q * p / 1000) in 128 bits; -1 when the
 * result does not fit. */
static int value_of(int64_t q, int64_t p, int up, int64_t *v)
{
	return up ? gs_muldiv_ceil(q, p, 1000, v) : gs_muldiv_floor(q, p, 1000, v);
}

/* Read the slot's clearing and its filled orders (entry order). */
static int read_fills(gs_store *s, struct settlement *x, gs_err *e)
{
	gs_stmt *st;
	size_t cap = 0;
	int rc = gs_query_row(s, e, &st, "SELECT price, volume_wh FROM clearings "
			      "WHERE slot = ?", "i", x->slot);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EREFUSED, "slot %lld is not cleared",
			       (long long)x->slot);
	x->has_price = gs_col_type(st, 0) == 'i';
	x->price = x->has_price ? gs_col_int(st, 0) : 0;
	x->volume = gs_col_int(st, 1);
	gs_stmt_reset(st);
	st = gs_sql(s, "SELECT o.id, o.account, o.side, coalesce(o.panel, 0), "
		    "f.qty_wh FROM orders o JOIN fills f ON f.order_id = o.id WHERE "
		    "o.slot = ? AND f.qty_wh > 0 ORDER BY o.id", e);
	if (!st || gs_bind(st, e, "i", x->slot))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		struct sorder *o;
		if (x->n == cap) {
			void *p = realloc(x->o, (cap = cap ? 2 * cap : 256) * sizeof *x->o);
			if (!p) {
				gs_stmt_reset(st);
				return gs_fail(e, GS_EINTERNAL, "out of memory");
			}
			x->o = p;
		}
		o = &x->o[x->n++];
		memset(o, 0, sizeof *o);
		o->id = gs_col_int(st, 0);
		snprintf(o->account, sizeof o->account, "%s", gs_col_text(st, 1));
		o->side = strcmp(gs_col_text(st, 2), "buy") == 0 ? GS_BUY : GS_SELL;
		o->panel = gs_col_int(st, 3);
		o->fill = gs_col_int(st, 4);
	}
	return rc < 0 ? e->code : GS_OK;
}

static int cmp_name(const void *a, const void *b)
{
	const struct sorder *const *x = a, *const *y = b;
	int c = strcmp((*x)->account, (*y)->account);

	return c ? c : (*x)->id < (*y)->id ? -1 : (*x)->id > (*y)->id;
}

/* Group the orders by account: x->a sorted by name, o[i].acct set, and
 * the per-account sums of fills, escrow and collateral. */
static int group_accounts(struct settlement *x, gs_err *e)
{
	struct sorder **by = malloc((x->n ? x->n : 1) * sizeof *by);

	x->a = calloc(x->n ? x->n : 1, sizeof *x->a);
	if (!by || !x->a) {
		free(by);
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	}
	for (size_t i = 0; i < x->n; i++)
		by[i] = &x->o[i];
	qsort(by, x->n, sizeof *by, cmp_name);
	for (size_t i = 0; i < x->n; i++) {
		struct sorder *o = by[i];
		struct spos *a;
		if (i == 0 || strcmp(by[i - 1]->account, o->account) != 0)
			x->a[x->na++].name = o->account;
		a = &x->a[x->na - 1];
		o->acct = x->na - 1;
		if (o->side == GS_BUY)
			a->bought += o->fill;
		else
			a->sold += o->fill;
	}
	free(by);
	return GS_OK;
}

static int cmp_spos(const void *key, const void *elem)
{
	return strcmp(key, ((const struct spos *)elem)->name);
}

/* The slot's escrow and collateral locks of each participant. */
static int read_locks(gs_store *s, struct settlement *x, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT a.account, coalesce(l.id, 0), "
			     "coalesce(l.amount, 0), coalesce(k.id, 0), "
			     "coalesce(k.amount, 0) FROM auction_locks a LEFT JOIN "
			     "locks l ON l.id = a.escrow_lock AND l.state = 'active' "
			     "LEFT JOIN stake_locks k ON k.id = a.collateral_lock AND "
			     "k.state = 'active' WHERE a.slot = ?", e);
	int rc;

	if (!st || gs_bind(st, e, "i", x->slot))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		struct spos *a = bsearch(gs_col_text(st, 0), x->a, x->na, sizeof *a,
					 cmp_spos);
		if (!a)
			continue;	/* no fill: its locks went at clearing */
		a->escrow_lock = gs_col_int(st, 1);
		a->escrow = gs_col_int(st, 2);
		a->col_lock = gs_col_int(st, 3);
		a->collateral = gs_col_int(st, 4);
	}
	return rc < 0 ? e->code : GS_OK;
}

/* Finalized production of a panel in the slot: 1 and *wh when final,
 * 0 when unverified or never reported. */
static int production_of(gs_store *s, int64_t slot, int64_t panel, int64_t *wh,
			 gs_err *e)
{
	gs_stmt *st;
	int rc = gs_query_row(s, e, &st, "SELECT wh FROM production WHERE slot = ? "
			      "AND panel = ? AND status = 'final'", "ii", slot, panel);

	if (rc == 1) {
		*wh = gs_col_int(st, 0);
		gs_stmt_reset(st);
	}
	return rc;
}

static int cmp_panel(const void *a, const void *b)
{
	const struct sorder *const *x = a, *const *y = b;

	if ((*x)->panel != (*y)->panel)
		return (*x)->panel < (*y)->panel ? -1 : 1;
	return (*x)->id < (*y)->id ? -1 : (*x)->id > (*y)->id;
}

/* One panel's sells s[0..k): delivered = min(sold, production), shared
 * among its sell orders pro rata to their fills (one seller in practice:
 * a panel has one owner), credited to their accounts. */
static int settle_panel(gs_store *gst, struct settlement *x, struct sorder **s,
			size_t k, gs_err *e)
{
	int64_t sold = 0, wh = 0, *w, *key, *out;
	int rc;

	for (size_t i = 0; i < k; i++)
		sold += s[i]->fill;	/* <= volume: no overflow */
	if ((rc = production_of(gst, x->slot, s[0]->panel, &wh, e)) < 0)
		return e->code;
	if (rc == 0) {		/* unverified: the sales are void */
		for (size_t i = 0; i < k; i++)
			x->a[s[i]->acct].voided += s[i]->fill;
		x->voided += sold;
		return GS_OK;
	}
	w = malloc(3 * k * sizeof *w);
	if (!w)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	key = w + k;
	out = w + 2 * k;
	for (size_t i = 0; i < k; i++) {
		w[i] = s[i]->fill;
		key[i] = s[i]->id;
	}
	if (gs_split(wh < sold ? wh : sold, w, key, k, out)) {
		free(w);
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	}
	for (size_t i = 0; i < k; i++) {
		struct spos *a = &x->a[s[i]->acct];
		a->sdel += out[i];
		a->shortfall += s[i]->fill - out[i];
		x->delivered += out[i];
		x->shortfall += s[i]->fill - out[i];
	}
	free(w);
	return GS_OK;
}

/* Sellers: delivered, shortfall and void per account, panel by panel. */
static int settle_sellers(gs_store *st, struct settlement *x, gs_err *e)
{
	struct sorder **s = malloc((x->n ? x->n : 1) * sizeof *s);
	size_t k = 0, i, j;
	int rc = GS_OK;

	if (!s)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	for (i = 0; i < x->n; i++)
		if (x->o[i].side == GS_SELL)
			s[k++] = &x->o[i];
	qsort(s, k, sizeof *s, cmp_panel);
	for (i = 0; i < k && !rc; i = j) {
		for (j = i + 1; j < k && s[j]->panel == s[i]->panel; j++)
			;
		rc = settle_panel(st, x, s + i, j - i, e);
	}
	free(s);
	return rc;
}

/* Split total among the buy orders b[0..k) pro rata to w (entry order
 * breaks ties) into out. */
static int split_buys(int64_t total, struct sorder **b, size_t k,
		      const int64_t *w, int64_t *out, gs_err *e)
{
	int64_t *key = malloc((k ? k : 1) * sizeof *key);

	if (!key)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	for (size_t i = 0; i < k; i++)
		key[i] = b[i]->id;
	if (gs_split(total, w, key, k, out)) {
		free(key);
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	}
	free(key);
	return GS_OK;
}

/* Buyers: each fill's delivered part (share of D pro rata to fills),
 * missed part (share of S pro rata to fill - delivered part), the rest
 * void; later the compensation pro rata to missed parts. */
static int settle_buyers(struct settlement *x, int compensate, gs_err *e)
{
	size_t k = 0, n = x->n ? x->n : 1;
	struct sorder **b = malloc(n * sizeof *b);
	int64_t *w = calloc(2 * n, sizeof *w), *out = w ? w + n : NULL;
	int rc = GS_OK;

	if (!b || !w) {
		rc = gs_fail(e, GS_EINTERNAL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < x->n; i++)
		if (x->o[i].side == GS_BUY)
			b[k++] = &x->o[i];
	if (compensate) {
		for (size_t i = 0; i < k; i++)
			w[i] = b[i]->missed;
		if (!(rc = split_buys(x->penalties, b, k, w, out, e)))
			for (size_t i = 0; i < k; i++)
				x->a[b[i]->acct].compensation += out[i];
		goto out;
	}
	for (size_t i = 0; i < k; i++)
		w[i] = b[i]->fill;
	if ((rc = split_buys(x->delivered, b, k, w, out, e)))
		goto out;
	for (size_t i = 0; i < k; i++) {
		b[i]->delivered = out[i];
		w[i] = b[i]->fill - out[i];
	}
	if ((rc = split_buys(x->shortfall, b, k, w, out, e)))
		goto out;
	for (size_t i = 0; i < k; i++) {
		struct spos *a = &x->a[b[i]->acct];
		b[i]->missed = out[i];
		a->bdel += b[i]->delivered;
		a->missed += out[i];
		a->voided += b[i]->fill - b[i]->delivered - out[i];
	}
out:
	free(b);
	free(w);
	return rc;
}

/* Money of each participant at P: payments (ceil) and receipts (floor),
 * signs reversed below zero; penalties as far as stake covers them. */
static int settle_money(gs_store *s, struct settlement *x, gs_err *e)
{
	int64_t P = x->price, paid = 0, recv = 0, v;

	for (size_t i = 0; i < x->na; i++) {
		struct spos *a = &x->a[i];
		gs_stake st;
		if (P >= 0 ? value_of(a->bdel, P, 1, &a->paid) ||
			     value_of(a->sdel, P, 0, &a->received)
			   : value_of(a->sdel, -P, 1, &a->paid) ||
			     value_of(a->bdel, -P, 0, &a->received))
			return gs_fail(e, GS_EINTERNAL, "value of '%s' overflows", a->name);
		if (a->paid > a->escrow)
			return gs_fail(e, GS_EINTERNAL, "'%s' owes more than its escrow",
				       a->name);
		paid += a->paid;	/* bounded by the locked escrow */
		recv += a->received;
		if (a->shortfall == 0 || P <= 0)
			continue;
		a->due = gs_collateral(a->shortfall, P, x->penalty_bps);
		if (gs_stake_get(s, a->name, &st, e))
			return e->code;
		v = a->collateral + st.staked - st.locked;	/* all it can lose */
		a->penalty = a->due < v ? a->due : v;
		a->debt = a->due - a->penalty;
		x->penalties += a->penalty;
	}
	x->dust = paid - recv;
	return GS_OK;
}

/* Compute the settlement of slot from the current state into *x, with
 * the penalty rate the slot was first computed with (the parameter in
 * force when it was never computed). */
static int settle_compute(gs_store *s, const struct settle_params *p,
			  int64_t slot, struct settlement *x, gs_err *e)
{
	memset(x, 0, sizeof *x);
	x->slot = slot;
	x->penalty_bps = p->penalty_bps;
	if (gs_query_int(s, e, &x->penalty_bps, "SELECT penalty_bps FROM "
			 "settlements WHERE slot = ? AND penalty_bps IS NOT NULL",
			 "i", slot) < 0 ||
	    read_fills(s, x, e) || group_accounts(x, e) || read_locks(s, x, e) ||
	    settle_sellers(s, x, e) || settle_buyers(x, 0, e) ||
	    settle_money(s, x, e) || settle_buyers(x, 1, e))
		return e->code;
	for (size_t i = 0; i < x->na; i++) {
		struct spos *a = &x->a[i];
		a->net = a->received + a->compensation - a->paid - a->penalty;
	}
	return GS_OK;
}

/* Store the positions and the settlement row of x with state. */
static int store_settlement(gs_ctx *c, const struct settlement *x,
			    const char *state, gs_err *e)
{
	if (gs_exec(c->store, e, "DELETE FROM positions WHERE slot = ?", "i", x->slot))
		return e->code;
	for (size_t i = 0; i < x->na; i++) {
		const struct spos *a = &x->a[i];
		if (gs_exec(c->store, e, "INSERT INTO positions (slot, account, "
			    "bought_wh, sold_wh, delivered_wh, shortfall_wh, missed_wh, "
			    "void_wh, paid, received, penalty, compensation, debt, net) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    "it" "iiiiiiiiiiii", x->slot, a->name, a->bought, a->sold,
			    a->bdel + a->sdel, a->shortfall, a->missed, a->voided, a->paid,
			    a->received, a->penalty, a->compensation, a->debt, a->net))
			return e->code;
	}
	if (gs_exec(c->store, e, "INSERT INTO settlements (slot, state, price, "
		    "volume_wh, delivered_wh, shortfall_wh, void_wh, penalties, dust, "
		    "participants, computed_seq, computed_at, penalty_bps) VALUES (?, "
		    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slot) DO UPDATE "
		    "SET state = "
		    "excluded.state, price = excluded.price, delivered_wh = "
		    "excluded.delivered_wh, shortfall_wh = excluded.shortfall_wh, "
		    "void_wh = excluded.void_wh, penalties = excluded.penalties, "
		    "dust = excluded.dust, participants = excluded.participants",
		    "itiiiiiiiiiii", x->slot, state, x->price, x->volume, x->delivered,
		    x->shortfall, x->voided, x->penalties, x->dust, (int64_t)x->na,
		    c->seq, c->time, x->penalty_bps) ||
	    (!x->has_price && gs_exec(c->store, e, "UPDATE settlements SET price = "
				      "NULL WHERE slot = ?", "i", x->slot)))
		return e->code;
	if (strcmp(state, "computed") == 0 &&
	    gs_exec(c->store, e, "UPDATE settlements SET computed_seq = ?, "
		    "computed_at = ? WHERE slot = ?", "iii", c->seq, c->time, x->slot))
		return e->code;
	return GS_OK;
}

/* State of slot's settlement into state[16] ("" when none), and when
 * computed_at is not NULL, when it was computed. */
static int settlement_state(gs_store *s, int64_t slot, char state[16],
			    int64_t *computed_at, gs_err *e)
{
	gs_stmt *st;
	int rc = gs_query_row(s, e, &st, "SELECT state, computed_at FROM "
			      "settlements WHERE slot = ?", "i", slot);

	state[0] = '\0';
	if (rc < 0)
		return e->code;
	if (rc == 1) {
		snprintf(state, 16, "%s", gs_col_text(st, 0));
		if (computed_at)
			*computed_at = gs_col_int(st, 1);
		gs_stmt_reset(st);
	}
	return GS_OK;
}

/* Append the settlement record of slot to out. */
static int settlement_record(gs_store *s, int64_t slot, json_t *out, gs_err *e)
{
	gs_stmt *st;
	int rc = gs_query_row(s, e, &st, "SELECT state, price, volume_wh, "
			      "delivered_wh, shortfall_wh, void_wh, penalties, dust, "
			      "participants, computed_at, finalized_at FROM settlements "
			      "WHERE slot = ?", "i", slot);
	json_t *r;

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EREFUSED, "slot %lld is not computed",
			       (long long)slot);
	r = json_pack("{s:s,s:I,s:s}", "type", "settlement", "slot", (json_int_t)slot,
		      "state", gs_col_text(st, 0));
	json_object_set_new(r, "price", gs_col_type(st, 1) == 'i'
			    ? json_integer(gs_col_int(st, 1)) : json_null());
	static const char *const f[] = { "volume_wh", "delivered_wh", "shortfall_wh",
					 "void_wh", "penalties", "dust", "participants",
					 "computed_at" };
	for (int i = 0; i < 8; i++)
		json_object_set_new(r, f[i], json_integer(gs_col_int(st, i + 2)));
	json_object_set_new(r, "finalized_at", gs_col_type(st, 10) == 'i'
			    ? json_integer(gs_col_int(st, 10)) : json_null());
	gs_stmt_reset(st);
	json_array_append_new(out, r);
	return GS_OK;
}

/* Is the slot's oracle data final? */
static int oracle_final(gs_store *s, int64_t slot, gs_err *e)
{
	int64_t fin = 0;

	if (gs_query_int(s, e, &fin, "SELECT final FROM oracle_slots WHERE slot = ?",
			 "i", slot) < 0)
		return -1;
	return fin == 1;
}

/* Compute one slot; GS_EALREADY when computed and not reopened. */
static int compute_slot(gs_ctx *c, const struct settle_params *p, int64_t slot,
			gs_err *e)
{
	struct settlement x;
	char state[16];
	int rc;

	if (settlement_state(c->store, slot, state, NULL, e))
		return e->code;
	if (state[0] && strcmp(state, "reopened") != 0)
		return gs_fail(e, GS_EALREADY, "slot %lld is already %s", (long long)slot,
			       state);
	if ((rc = oracle_final(c->store, slot, e)) <= 0)
		return rc < 0 ? e->code : gs_fail(e, GS_EREFUSED, "the oracle data of "
						  "slot %lld is not final yet",
						  (long long)slot);
	rc = settle_compute(c->store, p, slot, &x, e);
	if (rc == GS_OK)
		rc = store_settlement(c, &x, "computed", e);
	settlement_free(&x);
	return rc ? rc : settlement_record(c->store, slot, c->out, e);
}

/* Apply a computed settlement: every token and stake movement of the
 * slot, in this tx. */
static int apply_settlement(gs_ctx *c, const struct settlement *x, gs_err *e)
{
	int64_t comp = 0;

	for (size_t i = 0; i < x->na; i++) {
		const struct spos *a = &x->a[i];
		int64_t taken = 0, gain = a->received + a->compensation;
		comp += a->compensation;
		if ((a->escrow_lock && gs_token_spend_lock(c->store, c->seq,
							   a->escrow_lock, a->paid, e)) ||
		    (gain && gs_token_adjust(c->store, a->name, gain, 0, e)) ||
		    ((a->col_lock || a->due) &&
		     gs_stake_take(c, a->name, a->col_lock, a->due, &taken, e)))
			return e->code;
		if (taken != a->penalty)
			return gs_fail(e, GS_EINTERNAL, "penalty of '%s' changed", a->name);
	}
	if ((x->penalties && gs_token_adjust(c->store, "vault", -x->penalties, 0, e)) ||
	    (x->dust + x->penalties - comp &&
	     gs_token_adjust(c->store, "treasury", x->dust + x->penalties - comp, 0, e)))
		return e->code;
	return GS_OK;
}

/* Finalize one slot; GS_EALREADY when final. */
static int finalize_slot(gs_ctx *c, const struct settle_params *p, int64_t slot,
			 gs_err *e)
{
	struct settlement x;
	int64_t at = 0, open = 0;
	char state[16], when[32];
	int rc;

	if (settlement_state(c->store, slot, state, &at, e))
		return e->code;
	if (strcmp(state, "final") == 0)
		return gs_fail(e, GS_EALREADY, "slot %lld is already settled",
			       (long long)slot);
	if (!state[0] || strcmp(state, "reopened") == 0)
		return gs_fail(e, GS_EREFUSED, "slot %lld is not computed%s",
			       (long long)slot, state[0] ? " since its dispute was "
			       "upheld (compute it again)" : "");
	if (gs_query_int(c->store, e, &open, "SELECT min(id) FROM disputes WHERE "
			 "slot = ? AND state = 'open'", "i", slot) < 0)
		return e->code;
	if (open > 0)
		return gs_fail(e, GS_EREFUSED, "slot %lld has an open dispute (%lld)",
			       (long long)slot, (long long)open);
	if (at > INT64_MAX - p->window || c->time < at + p->window)
		return gs_fail(e, GS_EREFUSED, "slot %lld can be finalized from %s "
			       "(dispute_window_s after compute)", (long long)slot,
			       gs_time_format(at > INT64_MAX - p->window ? INT64_MAX
					      : at + p->window, when, sizeof when));
	rc = settle_compute(c->store, p, slot, &x, e);
	if (rc == GS_OK)
		rc = apply_settlement(c, &x, e);
	if (rc == GS_OK)
		rc = store_settlement(c, &x, "final", e);
	settlement_free(&x);
	if (rc == GS_OK)
		rc = gs_exec(c->store, e, "UPDATE settlements SET finalized_seq = ?, "
			     "finalized_at = ? WHERE slot = ?", "iii", c->seq, c->time,
			     slot);
	return rc ? rc : settlement_record(c->store, slot, c->out, e);
}

/* Slots due for compute (cleared, oracle data final, never computed) or
 * for finalize (computed, dispute window over). */
static int due_slots(gs_ctx *c, const struct settle_params *p, int finalize,
		     json_t *slots, gs_err *e)
{
	gs_stmt *st = gs_sql(c->store, finalize
		? "SELECT slot FROM settlements WHERE state = 'computed' AND "
		  "computed_at <= ? - ? ORDER BY slot"
		: "SELECT c.slot FROM clearings c JOIN oracle_slots o ON o.slot = "
		  "c.slot AND o.final = 1 WHERE c.slot NOT IN (SELECT slot FROM "
		  "settlements) AND ? >= ? ORDER BY c.slot", e);
	int rc;

	if (!st || gs_bind(st, e, "ii", c->time, finalize ? p->window : 0))
		return e->code;
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(slots, json_integer(gs_col_int(st, 0)));
	return rc < 0 ? e->code : GS_OK;
}

/* settle.compute / settle.finalize {slot} | {due: 1} (role operator). */
static int apply_slots(gs_ctx *c, json_t *args, int finalize, gs_err *e)
{
	struct settle_params p;
	int64_t slot;
	json_t *slots = json_array(), *v;
	size_t i;

	e->code = GS_OK;
	if (gs_slot_or_due(args, &slot, e) || params_load(c->store, &p, e))
		goto out;
	if (slot >= 0)
		json_array_append_new(slots, json_integer(slot));
	else if (due_slots(c, &p, finalize, slots, e))
		goto out;
	if (json_array_size(slots) == 0) {
		gs_fail(e, GS_EALREADY, "no slot is due for settlement %s",
			finalize ? "finalization" : "compute");
		goto out;
	}
	json_array_foreach(slots, i, v)
		if ((finalize ? finalize_slot : compute_slot)(c, &p, json_integer_value(v), e))
			goto out;
	e->code = GS_OK;
out:
	json_decref(slots);
	return e->code;
}

static int apply_compute(gs_ctx *c, json_t *args, gs_err *e)
{
	return apply_slots(c, args, 0, e);
}

static int apply_finalize(gs_ctx *c, json_t *args, gs_err *e)
{
	return apply_slots(c, args, 1, e);
}

/* settle.dispute {slot, reason}: a participant contests the computed
 * positions within dispute_window_s, locking dispute_bond. */
static int apply_dispute(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "slot", "reason", NULL };
	struct settle_params p;
	const char *reason;
	int64_t slot, at = 0, part = 0, id, lock = 0;
	char state[16], ref[32], when[32];

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "slot", 0, INT64_MAX, 0, &slot, e) ||
	    gs_json_str(args, "reason", 1024, 0, &reason, e) ||
	    params_load(c->store, &p, e) ||
	    settlement_state(c->store, slot, state, &at, e))
		return e->code;
	if (!reason[0])
		return gs_fail(e, GS_EINPUT, "field \"reason\": must not be empty");
	if (strcmp(state, "computed") != 0 && strcmp(state, "disputed") != 0)
		return gs_fail(e, GS_EREFUSED, "slot %lld has no provisional settlement "
			       "to dispute%s%s", (long long)slot, state[0] ? ": it is " : "",
			       state);
	if (gs_query_int(c->store, e, &part, "SELECT 1 FROM positions WHERE slot = ? "
			 "AND account = ?", "it", slot, c->actor) < 0)
		return e->code;
	if (!part)
		return gs_fail(e, GS_EPERM, "'%s' is not a participant of slot %lld",
			       c->actor, (long long)slot);
	if (at > INT64_MAX - p.window || c->time >= at + p.window)
		return gs_fail(e, GS_EREFUSED, "the dispute window of slot %lld closed "
			       "at %s", (long long)slot, gs_time_format(at > INT64_MAX -
			       p.window ? INT64_MAX : at + p.window, when, sizeof when));
	if (gs_query_int(c->store, e, &id, "SELECT id FROM disputes WHERE slot = ? "
			 "AND account = ? AND state = 'open'", "it", slot, c->actor) != 0)
		return e->code == GS_EINTERNAL ? e->code : gs_fail(e, GS_EALREADY,
			"'%s' already has dispute %lld open on slot %lld", c->actor,
			(long long)id, (long long)slot);
	if (gs_query_int(c->store, e, &id, "SELECT coalesce(max(id), 0) + 1 FROM "
			 "disputes", "") < 0)
		return e->code;
	snprintf(ref, sizeof ref, "dispute:%lld", (long long)id);
	if ((p.bond > 0 && gs_token_lock(c->store, c->seq, c->actor, p.bond,
					 "dispute", ref, 0, &lock, e)) ||
	    gs_exec(c->store, e, "INSERT INTO disputes (id, slot, account, reason, "
		    "bond, bond_lock, state, opened_seq, time) VALUES (?, ?, ?, ?, ?, "
		    "nullif(?, 0), 'open', ?, ?)", "iitt" "iiii", id, slot, c->actor,
		    reason, p.bond, lock, c->seq, c->time) ||
	    gs_exec(c->store, e, "UPDATE settlements SET state = 'disputed' WHERE "
		    "slot = ?", "i", slot))
		return e->code;
	return gs_dispute_records(c->store, id, -1, c->out, e);
}

/* Close dispute id as upheld (bond back) or rejected (bond to treasury). */
static int close_dispute(gs_ctx *c, int64_t id, int64_t lock, int uphold,
			 gs_err *e)
{
	if (lock && (uphold ? gs_token_release(c->store, c->seq, lock, e)
			    : gs_token_consume(c->store, c->seq, lock, "treasury", e)))
		return e->code;
	return gs_exec(c->store, e, "UPDATE disputes SET state = ?, resolved_seq = ?, "
		       "resolved_at = ? WHERE id = ?", "tiii", uphold ? "upheld"
		       : "rejected", c->seq, c->time, id);
}

int gs_settle_reopen(gs_ctx *c, int64_t slot, gs_err *e)
{
	gs_stmt *st;
	int64_t id, lock;
	int rc;

	while ((rc = gs_query_row(c->store, e, &st, "SELECT id, coalesce(bond_lock, "
				  "0) FROM disputes WHERE slot = ? AND state = 'open' "
				  "ORDER BY id LIMIT 1", "i", slot)) == 1) {
		id = gs_col_int(st, 0);
		lock = gs_col_int(st, 1);
		gs_stmt_reset(st);
		if (close_dispute(c, id, lock, 1, e))
			return e->code;
	}
	if (rc < 0 ||
	    gs_exec(c->store, e, "DELETE FROM positions WHERE slot = ?", "i", slot) ||
	    gs_exec(c->store, e, "UPDATE settlements SET state = 'reopened', "
		    "delivered_wh = 0, shortfall_wh = 0, void_wh = 0, penalties = 0, "
		    "dust = 0, participants = 0 WHERE slot = ? AND state <> 'final'",
		    "i", slot))
		return e->code;
	return GS_OK;
}

/* settle.resolve {dispute, uphold} (role operator). Upholding reopens the
 * slot for a new compute and upholds its other open disputes with it;
 * rejecting returns the slot to computed once no dispute is open. */
static int apply_resolve(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "dispute", "uphold", NULL };
	json_t *up = json_object_get(args, "uphold");
	int64_t id, slot, lock, others = 0;
	char state[16];
	gs_stmt *st;
	int rc;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "dispute", 1, INT64_MAX, 0, &id, e))
		return e->code;
	if (!json_is_boolean(up))
		return gs_fail(e, GS_EINPUT, "field \"uphold\": must be true or false");
	rc = gs_query_row(c->store, e, &st, "SELECT slot, coalesce(bond_lock, 0), "
			  "state FROM disputes WHERE id = ?", "i", id);
	if (rc <= 0)
		return rc < 0 ? e->code : gs_fail(e, GS_EINPUT, "unknown dispute %lld",
						  (long long)id);
	slot = gs_col_int(st, 0);
	lock = gs_col_int(st, 1);
	snprintf(state, sizeof state, "%s", gs_col_text(st, 2));
	gs_stmt_reset(st);
	if (strcmp(state, "open") != 0)
		return gs_fail(e, GS_EALREADY, "dispute %lld is already %s", (long long)id,
			       state);
	if (close_dispute(c, id, lock, json_is_true(up), e))
		return e->code;
	if (json_is_true(up)) {
		if (gs_settle_reopen(c, slot, e))
			return e->code;
	} else if (gs_query_int(c->store, e, &others, "SELECT count(*) FROM disputes "
				"WHERE slot = ? AND state = 'open'", "i", slot) < 0 ||
		   (!others && gs_exec(c->store, e, "UPDATE settlements SET state = "
				       "'computed' WHERE slot = ?", "i", slot))) {
		return e->code;
	}
	return gs_dispute_records(c->store, 0, slot, c->out, e);
}

const struct gs_cmd gs_settle_cmds[] = {
	{ "settle.compute", "operator", apply_compute },
	{ "settle.finalize", "operator", apply_finalize },
	{ "settle.dispute", NULL, apply_dispute },
	{ "settle.resolve", "operator", apply_resolve },
	{ NULL, NULL, NULL },
};

/* ---- queries ---- */

int gs_settlement_record(gs_store *s, int64_t slot, json_t *out, gs_err *e)
{
	return settlement_record(s, slot, out, e);
}

static const char *const position_fields[] = {
	"bought_wh", "sold_wh", "delivered_wh", "shortfall_wh", "missed_wh",
	"void_wh", "paid", "received", "penalty", "compensation", "debt", "net",
	NULL,
};

int gs_position_records(gs_store *s, int64_t slot, const char *account,
			json_t *out, gs_err *e)
{
	char state[16];
	gs_stmt *st;
	int rc;

	if (settlement_state(s, slot, state, NULL, e))
		return e->code;
	if (!state[0] || strcmp(state, "reopened") == 0)
		return gs_fail(e, GS_EREFUSED, "slot %lld is not computed%s",
			       (long long)slot, state[0] ? " (reopened by a dispute)" : "");
	st = gs_sql(s, "SELECT account, bought_wh, sold_wh, delivered_wh, "
		    "shortfall_wh, missed_wh, void_wh, paid, received, penalty, "
		    "compensation, debt, net FROM positions WHERE slot = ? AND "
		    "(? IS NULL OR account = ?) ORDER BY account", e);
	if (!st || gs_bind(st, e, "itt", slot, account, account))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		json_t *r = json_pack("{s:s,s:I,s:s}", "type", "position", "slot",
				      (json_int_t)slot, "account", gs_col_text(st, 0));
		for (int i = 0; position_fields[i]; i++)
			json_object_set_new(r, position_fields[i],
					    json_integer(gs_col_int(st, i + 1)));
		json_object_set_new(r, "state", json_string(strcmp(state, "final") == 0
							     ? "final" : "provisional"));
		json_array_append_new(out, r);
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_position_summary(gs_store *s, const char *account, int64_t from,
			int64_t to, json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT p.account, count(*), sum(bought_wh), "
			     "sum(sold_wh), sum(p.delivered_wh), sum(p.shortfall_wh), "
			     "sum(missed_wh), sum(p.void_wh), sum(paid), sum(received), "
			     "sum(penalty), sum(compensation), sum(debt), sum(net) FROM "
			     "positions p JOIN settlements t ON t.slot = p.slot AND "
			     "t.state = 'final' WHERE p.slot BETWEEN ? AND ? AND (? IS "
			     "NULL OR p.account = ?) GROUP BY p.account ORDER BY "
			     "p.account", e);
	int rc;

	if (!st || gs_bind(st, e, "iitt", from, to, account, account))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		json_t *r = json_pack("{s:s,s:s,s:I,s:I,s:I}", "type", "summary",
				      "account", gs_col_text(st, 0), "from", (json_int_t)from,
				      "to", (json_int_t)to, "slots",
				      (json_int_t)gs_col_int(st, 1));
		for (int i = 0; position_fields[i]; i++)
			json_object_set_new(r, position_fields[i],
					    json_integer(gs_col_int(st, i + 2)));
		json_array_append_new(out, r);
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_dispute_records(gs_store *s, int64_t id, int64_t slot, json_t *out,
		       gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT id, slot, account, reason, bond, state, "
			     "time, resolved_at FROM disputes WHERE (? = 0 OR id = ?) "
			     "AND (? < 0 OR slot = ?) ORDER BY id", e);
	int rc;

	if (!st || gs_bind(st, e, "iiii", id, id, slot, slot))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		json_t *r = json_pack("{s:s,s:I,s:I,s:s,s:s,s:I,s:s,s:I}", "type",
				      "dispute", "id", (json_int_t)gs_col_int(st, 0),
				      "slot", (json_int_t)gs_col_int(st, 1), "account",
				      gs_col_text(st, 2), "reason", gs_col_text(st, 3),
				      "bond", (json_int_t)gs_col_int(st, 4), "state",
				      gs_col_text(st, 5), "time",
				      (json_int_t)gs_col_int(st, 6));
		json_object_set_new(r, "resolved_at", gs_col_type(st, 7) == 'i'
				    ? json_integer(gs_col_int(st, 7)) : json_null());
		json_array_append_new(out, r);
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_settlement_slot_records(gs_store *s, int64_t since, json_t *out,
			       gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT slot FROM settlements WHERE slot >= ? "
			     "ORDER BY slot", e);
	json_t *slots = json_array(), *v;
	size_t i;
	int rc;

	if (!st || gs_bind(st, e, "i", since)) {
		json_decref(slots);
		return e->code;
	}
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(slots, json_integer(gs_col_int(st, 0)));
	json_array_foreach(slots, i, v)
		if (rc == 0 && settlement_record(s, json_integer_value(v), out, e))
			rc = -1;
	json_decref(slots);
	return rc < 0 ? e->code : GS_OK;
}
