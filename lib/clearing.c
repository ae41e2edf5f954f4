/* clearing.c - the uniform-price batch auction rule of DESIGN §9, on its own. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"

/* Sort context: orders by side rank (buys: price high first; sells: price
 * low first), then entry sequence. */
static int cmp_buy(const void *a, const void *b)
{
	const struct gs_order *x = *(const struct gs_order *const *)a;
	const struct gs_order *y = *(const struct gs_order *const *)b;

	if (x->price != y->price)
		return x->price > y->price ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_sell(const void *a, const void *b)
{
	const struct gs_order *x = *(const struct gs_order *const *)a;
	const struct gs_order *y = *(const struct gs_order *const *)b;

	if (x->price != y->price)
		return x->price < y->price ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A share's remainder and tie key, for largest-remainder rounding. */
struct lr {
	__int128 rem;
	int64_t key;
	size_t i;
};

static int cmp_lr(const void *a, const void *b)
{
	const struct lr *x = a, *y = b;

	if (x->rem != y->rem)
		return x->rem > y->rem ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

int gs_split(int64_t total, const int64_t *w, const int64_t *key, size_t n,
	     int64_t *out)
{
	__int128 sum = 0, given = 0;
	struct lr *r;

	for (size_t i = 0; i < n; i++) {
		sum += w[i];
		out[i] = 0;
	}
	if (total <= 0 || sum == 0)
		return 0;
	if (!(r = malloc(n * sizeof *r)))
		return -1;
	for (size_t i = 0; i < n; i++) {
		__int128 num = (__int128)total * w[i];
		out[i] = (int64_t)(num / sum);
		given += out[i];
		r[i] = (struct lr){ num % sum, key[i], i };
	}
	qsort(r, n, sizeof *r, cmp_lr);
	for (size_t i = 0; given < total; i++, given++)
		out[r[i].i]++;
	free(r);
	return 0;
}

/* Split residual among the k orders at the clearing price pro rata to
 * their quantity, whole Wh, largest remainder, ties to the earlier
 * entry. */
static int split(struct gs_order **at, size_t k, int64_t residual, gs_err *e)
{
	int64_t *w = malloc(3 * (k ? k : 1) * sizeof *w), *key, *out;
	int rc = 0;

	if (!w)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	key = w + k;
	out = w + 2 * k;
	for (size_t i = 0; i < k; i++) {
		w[i] = at[i]->qty;
		key[i] = at[i]->seq;
	}
	if (gs_split(residual, w, key, k, out))
		rc = gs_fail(e, GS_EINTERNAL, "out of memory");
	for (size_t i = 0; i < k && !rc; i++)
		at[i]->fill = out[i];
	free(w);
	return rc;
}

/* Greedy matching of the sorted sides: the largest volume among the
 * welfare-maximal outcomes. Marks each order's matched quantity in fill
 * (provisional) and returns the volume. */
static __int128 match(struct gs_order **buy, size_t nb, struct gs_order **sell,
		      size_t ns)
{
	size_t i = 0, j = 0;
	int64_t lb = nb ? buy[0]->qty : 0, ls = ns ? sell[0]->qty : 0;
	__int128 v = 0;

	while (i < nb && j < ns && buy[i]->price >= sell[j]->price) {
		int64_t m = lb < ls ? lb : ls;
		buy[i]->fill += m;
		sell[j]->fill += m;
		v += m;
		lb -= m;
		ls -= m;
		if (lb == 0 && ++i < nb)
			lb = buy[i]->qty;
		if (ls == 0 && ++j < ns)
			ls = sell[j]->qty;
	}
	return v;
}

/* Price interval from the provisional matching (DESIGN §9 step 2). */
static void interval(struct gs_order *o, size_t n, int64_t *lo, int64_t *hi)
{
	*lo = INT64_MIN;
	*hi = INT64_MAX;
	for (size_t i = 0; i < n; i++) {
		int accepted = o[i].fill > 0, unfilled = o[i].fill < o[i].qty;
		if (o[i].side == GS_BUY) {
			if (accepted && o[i].price < *hi)
				*hi = o[i].price;
			if (unfilled && o[i].price > *lo)
				*lo = o[i].price;
		} else {
			if (accepted && o[i].price > *lo)
				*lo = o[i].price;
			if (unfilled && o[i].price < *hi)
				*hi = o[i].price;
		}
	}
}

/* Final fills of one side at price p (DESIGN §9 step 4). */
static int fill_side(struct gs_order **side, size_t n, int64_t p, int buy,
		     __int128 volume, gs_err *e)
{
	struct gs_order **at = malloc((n ? n : 1) * sizeof *at);
	__int128 full = 0;
	size_t k = 0;
	int rc;

	if (!at)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct gs_order *o = side[i];
		int inside = buy ? o->price > p : o->price < p;
		o->fill = inside ? o->qty : 0;
		if (inside)
			full += o->qty;
		else if (o->price == p)
			at[k++] = o;
	}
	rc = split(at, k, (int64_t)(volume - full), e);
	free(at);
	return rc;
}

int gs_clear(struct gs_order *o, size_t n, struct gs_clearing *out, gs_err *e)
{
	struct gs_order **buy = malloc((n ? n : 1) * sizeof *buy);
	struct gs_order **sell = malloc((n ? n : 1) * sizeof *sell);
	size_t nb = 0, ns = 0;
	__int128 v;
	int rc = GS_OK;

	memset(out, 0, sizeof *out);
	if (!buy || !sell) {
		free(buy);
		free(sell);
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		o[i].fill = 0;
		if (o[i].qty <= 0) {
			rc = gs_fail(e, GS_EINPUT, "order %zu: quantity must be positive",
				     i + 1);
			goto done;
		}
		if (o[i].side == GS_BUY)
			buy[nb++] = &o[i];
		else
			sell[ns++] = &o[i];
	}
	qsort(buy, nb, sizeof *buy, cmp_buy);
	qsort(sell, ns, sizeof *sell, cmp_sell);
	v = match(buy, nb, sell, ns);
	if (v > INT64_MAX) {
		rc = gs_fail(e, GS_EINPUT, "cleared volume exceeds %lld Wh",
			     (long long)INT64_MAX);
		goto done;
	}
	out->volume = (int64_t)v;
	if (v == 0) {
		for (size_t i = 0; i < n; i++)
			o[i].fill = 0;
		goto done;
	}
	interval(o, n, &out->lo, &out->hi);
	/* lo + floor((hi - lo) / 2), in 128 bits: hi - lo may pass int64 */
	out->price = (int64_t)((__int128)out->lo +
			       (((__int128)out->hi - out->lo) >> 1));
	out->has_price = 1;
	if ((rc = fill_side(buy, nb, out->price, 1, v, e)) ||
	    (rc = fill_side(sell, ns, out->price, 0, v, e)))
		goto done;
done:
	free(buy);
	free(sell);
	return rc;
}
