/* test_clearing.c - unit tests for clearing.c: gs_clear on hand-made books,
 * exactly by DESIGN 9 (volume, price interval, midpoint rounding toward
 * minus infinity, fills with largest-remainder pro rata at the margin and
 * ties to the earlier entry), the three examples of DESIGN 9, market
 * orders as limit orders at the price bounds, quantities near INT64_MAX,
 * and the invariants on thousands of random books checked against an
 * independent reference implementation written here. */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define MAXO 64
#define PMIN INT64_C(-500000)	/* default price_min: -0.5 credits/kWh */
#define PMAX INT64_C(4000000)	/* default price_max: 4 credits/kWh */

/* A book under construction: orders in array order, seq = entry order
 * unless given. */
struct book {
	struct gs_order o[MAXO];
	size_t n;
};

static struct gs_order *add_seq(struct book *b, int side, int64_t price, int64_t qty,
				int64_t seq)
{
	struct gs_order *x;

	ck_assert_uint_lt(b->n, MAXO);
	x = &b->o[b->n++];
	x->side = side;
	x->price = price;
	x->qty = qty;
	x->seq = seq;
	x->fill = -12345;	/* gs_clear must set every fill */
	return x;
}

static struct gs_order *buy(struct book *b, int64_t price, int64_t qty)
{
	return add_seq(b, GS_BUY, price, qty, (int64_t)b->n + 1);
}

static struct gs_order *sell(struct book *b, int64_t price, int64_t qty)
{
	return add_seq(b, GS_SELL, price, qty, (int64_t)b->n + 1);
}

/* ---- reference implementation (independent of clearing.c) -------------- */

/* floor(a / 2) toward minus infinity, any sign. */
static __int128 floor_half(__int128 a)
{
	__int128 q = a / 2;	/* truncates toward zero */

	if (a % 2 != 0 && a < 0)
		q -= 1;
	return q;
}

/* D(p): buys priced >= p; S(p): sells priced <= p. */
static __int128 demand_at(const struct gs_order *o, size_t n, int64_t p)
{
	__int128 d = 0;

	for (size_t i = 0; i < n; i++)
		if (o[i].side == GS_BUY && o[i].price >= p)
			d += o[i].qty;
	return d;
}

static __int128 supply_at(const struct gs_order *o, size_t n, int64_t p)
{
	__int128 s = 0;

	for (size_t i = 0; i < n; i++)
		if (o[i].side == GS_SELL && o[i].price <= p)
			s += o[i].qty;
	return s;
}

/* Maximal volume by brute force over the aggregated curves:
 * V = max over order prices p of min(D(p), S(p)). */
static __int128 ref_volume(const struct gs_order *o, size_t n)
{
	__int128 best = 0;

	for (size_t i = 0; i < n; i++) {
		__int128 d = demand_at(o, n, o[i].price), s = supply_at(o, n, o[i].price);
		__int128 m = d < s ? d : s;
		if (m > best)
			best = m;
	}
	return best;
}

/* Steps 2 and 3 by price level: a buy level is accepted when the buys
 * priced above it leave volume for it, and (partly) unfilled when the buys
 * priced at or above it exceed V; sells alike. Returns 0 when V = 0. */
static int ref_price(const struct gs_order *o, size_t n, __int128 v, int64_t *lo,
		     int64_t *hi, int64_t *p)
{
	int have_lo = 0, have_hi = 0;

	if (v == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int64_t pr = o[i].price;
		__int128 before = 0, incl = 0;
		for (size_t j = 0; j < n; j++) {
			if (o[j].side != o[i].side)
				continue;
			int better = o[i].side == GS_BUY ? o[j].price > pr : o[j].price < pr;
			if (better)
				before += o[j].qty;
			if (better || o[j].price == pr)
				incl += o[j].qty;
		}
		int accepted = before < v, unfilled = incl > v;
		if (o[i].side == GS_BUY) {
			if (accepted && (!have_hi || pr < *hi))
				*hi = pr, have_hi = 1;
			if (unfilled && (!have_lo || pr > *lo))
				*lo = pr, have_lo = 1;
		} else {
			if (accepted && (!have_lo || pr > *lo))
				*lo = pr, have_lo = 1;
			if (unfilled && (!have_hi || pr < *hi))
				*hi = pr, have_hi = 1;
		}
	}
	ck_assert(have_lo && have_hi);
	ck_assert_msg(*lo <= *hi, "reference interval [%lld, %lld]", (long long)*lo,
		      (long long)*hi);
	*p = (int64_t)((__int128)*lo + floor_half((__int128)*hi - *lo));
	return 1;
}

/* Step 4 for one side: full fills beyond P, the rest pro rata at P by
 * largest remainder, one Wh at a time to the largest remainder left, ties
 * to the lowest seq (quadratic, on purpose different from clearing.c). */
static void ref_side(const struct gs_order *o, size_t n, int side, int64_t p,
		     __int128 v, int64_t *fill)
{
	__int128 full = 0, q = 0, residual, given = 0, rem[MAXO];
	int used[MAXO];

	for (size_t i = 0; i < n; i++) {
		fill[i] = 0;
		used[i] = 0;
		rem[i] = -1;
		if (o[i].side != side)
			continue;
		if (side == GS_BUY ? o[i].price > p : o[i].price < p) {
			fill[i] = o[i].qty;
			full += o[i].qty;
		} else if (o[i].price == p)
			q += o[i].qty;
	}
	residual = v - full;
	ck_assert(residual >= 0 && residual <= q);
	if (residual == 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (o[i].side == side && o[i].price == p) {
			__int128 num = residual * (__int128)o[i].qty;
			fill[i] = (int64_t)(num / q);
			rem[i] = num % q;
			given += fill[i];
		}
	while (given < residual) {
		size_t best = n;
		for (size_t i = 0; i < n; i++) {
			if (rem[i] < 0 || used[i])
				continue;
			if (best == n || rem[i] > rem[best] ||
			    (rem[i] == rem[best] && o[i].seq < o[best].seq))
				best = i;
		}
		ck_assert_uint_lt(best, n);
		used[best] = 1;
		fill[best]++;
		given++;
	}
}

/* ---- checks --------------------------------------------------------------- */

/* Clear b; assert GS_OK. */
static struct gs_clearing clear_ok(struct book *b, int line)
{
	struct gs_clearing cl;
	gs_err e = { 0 };
	int rc;

	memset(&cl, 0x5a, sizeof cl);
	rc = gs_clear(b->o, b->n, &cl, &e);
	ck_assert_msg(rc == GS_OK, "line %d: gs_clear: %d %s", line, rc, e.msg);
	return cl;
}

/* The DESIGN 9 properties of a result, with the reference volume, price
 * and fills. */
static void check_result(const struct book *b, const struct gs_clearing *cl, int line)
{
	const struct gs_order *o = b->o;
	size_t n = b->n;
	__int128 v = ref_volume(o, n), sb = 0, ss = 0;
	int64_t lo = 0, hi = 0, p = 0, fb[MAXO], fs[MAXO];

	ck_assert_msg(cl->volume == (int64_t)v, "line %d: volume %lld, brute force %lld",
		      line, (long long)cl->volume, (long long)v);
	if (v == 0) {
		ck_assert_msg(!cl->has_price, "line %d: a price without a trade", line);
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(o[i].fill == 0, "line %d: order %zu fills %lld without "
				      "a trade", line, i, (long long)o[i].fill);
		return;
	}
	ck_assert_msg(cl->has_price, "line %d: a trade without a price", line);
	ck_assert(ref_price(o, n, v, &lo, &hi, &p));
	ck_assert_msg(cl->lo == lo && cl->hi == hi && cl->price == p,
		      "line %d: [%lld, %lld] P %lld, reference [%lld, %lld] P %lld", line,
		      (long long)cl->lo, (long long)cl->hi, (long long)cl->price,
		      (long long)lo, (long long)hi, (long long)p);
	ref_side(o, n, GS_BUY, p, v, fb);
	ref_side(o, n, GS_SELL, p, v, fs);
	for (size_t i = 0; i < n; i++) {
		const struct gs_order *x = &o[i];
		int64_t want = x->side == GS_BUY ? fb[i] : fs[i];
		ck_assert_msg(x->fill >= 0 && x->fill <= x->qty, "line %d: order %zu fill "
			      "%lld of %lld", line, i, (long long)x->fill, (long long)x->qty);
		if (x->side == GS_BUY) {
			sb += x->fill;
			if (x->price > p)
				ck_assert_msg(x->fill == x->qty, "line %d: buy %zu above P not "
					      "filled in full", line, i);
			if (x->price < p)
				ck_assert_msg(x->fill == 0, "line %d: buy %zu below P filled",
					      line, i);
			if (x->fill > 0)
				ck_assert_msg(x->price >= p, "line %d: buy %zu pays above its "
					      "limit", line, i);
		} else {
			ss += x->fill;
			if (x->price < p)
				ck_assert_msg(x->fill == x->qty, "line %d: sell %zu below P not "
					      "filled in full", line, i);
			if (x->price > p)
				ck_assert_msg(x->fill == 0, "line %d: sell %zu above P filled",
					      line, i);
			if (x->fill > 0)
				ck_assert_msg(x->price <= p, "line %d: sell %zu gets less than "
					      "its limit", line, i);
		}
		ck_assert_msg(x->fill == want, "line %d: order %zu (seq %lld) fill %lld, "
			      "reference %lld", line, i, (long long)x->seq,
			      (long long)x->fill, (long long)want);
	}
	ck_assert_msg(sb == v && ss == v, "line %d: buy fills %lld, sell fills %lld, V "
		      "%lld", line, (long long)sb, (long long)ss, (long long)v);
	/* maximal: no unfilled buy and unfilled sell that could still trade */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (o[i].side == GS_BUY && o[j].side == GS_SELL &&
			    o[i].fill < o[i].qty && o[j].fill < o[j].qty)
				ck_assert_msg(o[i].price < o[j].price, "line %d: buy %zu and "
					      "sell %zu left unfilled but cross", line, i, j);
	ck_assert(lo <= p && p <= hi);
}

#define CLEAR(b) clear_check(b, __LINE__)
static struct gs_clearing clear_check(struct book *b, int line)
{
	struct gs_clearing cl = clear_ok(b, line);

	check_result(b, &cl, line);
	return cl;
}

/* Expected clearing and fills (in array order). */
#define EXPECT(b, cl, v, lo, hi, p, ...) \
	expect(b, cl, v, lo, hi, p, (const int64_t[]){ __VA_ARGS__ }, __LINE__)
static void expect(const struct book *b, const struct gs_clearing *cl, int64_t v,
		   int64_t lo, int64_t hi, int64_t p, const int64_t *fills, int line)
{
	ck_assert_msg(cl->volume == v, "line %d: volume %lld, want %lld", line,
		      (long long)cl->volume, (long long)v);
	ck_assert_msg(cl->has_price, "line %d: no price", line);
	ck_assert_msg(cl->lo == lo && cl->hi == hi && cl->price == p,
		      "line %d: [%lld, %lld] P %lld, want [%lld, %lld] P %lld", line,
		      (long long)cl->lo, (long long)cl->hi, (long long)cl->price,
		      (long long)lo, (long long)hi, (long long)p);
	for (size_t i = 0; i < b->n; i++)
		ck_assert_msg(b->o[i].fill == fills[i], "line %d: order %zu fill %lld, want "
			      "%lld", line, i, (long long)b->o[i].fill, (long long)fills[i]);
}

/* ---- the examples of DESIGN 9 -------------------------------------------- */

START_TEST(design_examples)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	/* the 90000 buy is partly filled and sets the price; 95000 sell idle */
	buy(&b, 120000, 10000);
	buy(&b, 90000, 20000);
	sell(&b, 40000, 15000);
	sell(&b, 95000, 10000);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 15000, 90000, 90000, 90000, 10000, 5000, 15000, 0);

	/* one buy, one sell: the interval is between their limits */
	memset(&b, 0, sizeof b);
	buy(&b, 90000, 20000);
	sell(&b, 50000, 20000);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 20000, 50000, 90000, 70000, 20000, 20000);

	/* two buys at P share 20000 pro rata */
	memset(&b, 0, sizeof b);
	buy(&b, 70000, 10000);
	buy(&b, 70000, 15000);
	sell(&b, 60000, 20000);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 20000, 70000, 70000, 70000, 8000, 12000, 20000);
}
END_TEST

/* The same books in any array order give the same result per order. */
START_TEST(design_examples_any_order)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	add_seq(&b, GS_SELL, 95000, 10000, 4);
	add_seq(&b, GS_BUY, 90000, 20000, 2);
	add_seq(&b, GS_SELL, 40000, 15000, 3);
	add_seq(&b, GS_BUY, 120000, 10000, 1);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 15000, 90000, 90000, 90000, 0, 5000, 15000, 10000);

	memset(&b, 0, sizeof b);
	add_seq(&b, GS_SELL, 60000, 20000, 3);
	add_seq(&b, GS_BUY, 70000, 15000, 2);
	add_seq(&b, GS_BUY, 70000, 10000, 1);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 20000, 70000, 70000, 70000, 20000, 12000, 8000);
}
END_TEST

/* ---- simple books --------------------------------------------------------- */

START_TEST(marginal_buyer)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	buy(&b, 100000, 10);
	buy(&b, 80000, 10);
	sell(&b, 50000, 15);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 15, 80000, 80000, 80000, 10, 5, 15);
}
END_TEST

START_TEST(marginal_seller)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	buy(&b, 100000, 15);
	sell(&b, 50000, 10);
	sell(&b, 70000, 10);
	sell(&b, 99000, 10);	/* above P: nothing */
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 15, 70000, 70000, 70000, 15, 10, 5, 0);
}
END_TEST

/* The interval is bounded by orders left out on both sides: buys 100x10,
 * 60x5; sells 40x10, 90x5 trade 10; lo = max(40 accepted sell, 60 unfilled
 * buy), hi = min(100 accepted buy, 90 unfilled sell) -> P 75. */
START_TEST(interval_from_unfilled)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	buy(&b, 100, 10);
	buy(&b, 60, 5);
	sell(&b, 40, 10);
	sell(&b, 90, 5);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 10, 60, 90, 75, 10, 0, 10, 0);
}
END_TEST

START_TEST(no_crossing)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	buy(&b, 50000, 10);
	buy(&b, 59999, 10);
	sell(&b, 60000, 10);
	sell(&b, 70000, 10);
	cl = CLEAR(&b);
	ck_assert_int_eq(cl.volume, 0);
	ck_assert_int_eq(cl.has_price, 0);
	for (size_t i = 0; i < b.n; i++)
		ck_assert_int_eq(b.o[i].fill, 0);
}
END_TEST

START_TEST(one_side_empty)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	buy(&b, PMAX, 10);
	buy(&b, 1, 5);
	cl = CLEAR(&b);
	ck_assert_int_eq(cl.volume, 0);
	ck_assert_int_eq(cl.has_price, 0);
	ck_assert_int_eq(b.o[0].fill, 0);
	ck_assert_int_eq(b.o[1].fill, 0);

	memset(&b, 0, sizeof b);
	sell(&b, PMIN, 10);
	cl = CLEAR(&b);
	ck_assert_int_eq(cl.volume, 0);
	ck_assert_int_eq(cl.has_price, 0);
	ck_assert_int_eq(b.o[0].fill, 0);
}
END_TEST

START_TEST(empty_book)
{
	struct gs_order dummy = { .price = 1, .qty = 1, .seq = 1, .fill = 7, .side = GS_BUY };
	struct gs_clearing cl;
	gs_err e = { 0 };

	memset(&cl, 0x5a, sizeof cl);
	ck_assert_int_eq(gs_clear(&dummy, 0, &cl, &e), GS_OK);
	ck_assert_int_eq(cl.volume, 0);
	ck_assert_int_eq(cl.has_price, 0);
	ck_assert_int_eq(dummy.fill, 7);	/* not part of the book */
}
END_TEST

START_TEST(bad_quantity)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;
	gs_err e = { 0 };

	buy(&b, 100, 10);
	sell(&b, 50, 0);
	ck_assert_int_eq(gs_clear(b.o, b.n, &cl, &e), GS_EINPUT);
	ck_assert_int_eq(e.code, GS_EINPUT);
	b.o[1].qty = -5;
	ck_assert_int_eq(gs_clear(b.o, b.n, &cl, &e), GS_EINPUT);
}
END_TEST

/* ---- the price ------------------------------------------------------------- */

/* One buy at hi and one sell at lo: P = lo + floor((hi - lo) / 2). */
static void midpoint(int64_t lo, int64_t hi, int64_t p, int line)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	buy(&b, hi, 1000);
	sell(&b, lo, 1000);
	cl = clear_check(&b, line);
	ck_assert_msg(cl.has_price && cl.lo == lo && cl.hi == hi && cl.price == p,
		      "line %d: [%lld, %lld] -> P %lld, want [%lld, %lld] -> %lld", line,
		      (long long)cl.lo, (long long)cl.hi, (long long)cl.price, (long long)lo,
		      (long long)hi, (long long)p);
	ck_assert_int_eq(cl.volume, 1000);
}
#define MIDPOINT(lo, hi, p) midpoint(lo, hi, p, __LINE__)

START_TEST(price_midpoint)
{
	MIDPOINT(50000, 90000, 70000);
	MIDPOINT(50000, 90001, 70000);		/* odd width: floor */
	MIDPOINT(50001, 90000, 70000);
	MIDPOINT(0, 1, 0);
	MIDPOINT(7, 7, 7);
	MIDPOINT(-7, -4, -6);			/* floor(3/2) = 1 */
	MIDPOINT(-5, 0, -3);			/* floor(5/2) = 2 */
	MIDPOINT(-8, -4, -6);
	MIDPOINT(-7, -6, -7);
	MIDPOINT(-1, 0, -1);
	MIDPOINT(-5, 2, -2);
	MIDPOINT(-2, 5, 1);
	MIDPOINT(-300001, -100000, -200001);
	MIDPOINT(PMIN, PMAX, 1750000);
	/* the widest interval: hi - lo does not fit int64 */
	MIDPOINT(INT64_MIN, INT64_MAX, -1);
	MIDPOINT(INT64_MIN, INT64_MIN + 3, INT64_MIN + 1);
	MIDPOINT(INT64_MAX - 3, INT64_MAX, INT64_MAX - 2);
	MIDPOINT(INT64_MIN, 0, INT64_MIN / 2);
	MIDPOINT(INT64_MIN + 1, 0, INT64_MIN / 2);	/* -(2^63-1)/2 floors */
}
END_TEST

/* Equality counts: a buy and a sell at the same price trade. */
START_TEST(equality_counts)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	buy(&b, 100, 100);
	sell(&b, 100, 100);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 100, 100, 100, 100, 100, 100);

	/* the largest volume among welfare-maximal outcomes: 10, not 5 */
	memset(&b, 0, sizeof b);
	buy(&b, 100, 10);
	sell(&b, 90, 5);
	sell(&b, 100, 5);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 10, 100, 100, 100, 10, 5, 5);

	/* negative prices alike */
	memset(&b, 0, sizeof b);
	buy(&b, -3, 7);
	sell(&b, -3, 9);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 7, -3, -3, -3, 7, 7);
}
END_TEST

/* ---- pro rata at the margin -------------------------------------------- */

START_TEST(prorata_buy_ties)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	/* three buys of 1 Wh at P share 2 Wh: remainders equal, the two
	 * earliest entries (seq 1 and 2) get them, whatever the array order */
	add_seq(&b, GS_BUY, 100, 1, 3);
	add_seq(&b, GS_BUY, 100, 1, 1);
	add_seq(&b, GS_BUY, 100, 1, 2);
	add_seq(&b, GS_SELL, 50, 2, 4);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 2, 100, 100, 100, 0, 1, 1, 2);

	/* three buys of 10 share 20: 6 each (remainder 20/30 each) and 2 left
	 * for the two earliest */
	memset(&b, 0, sizeof b);
	add_seq(&b, GS_BUY, 100, 10, 30);
	add_seq(&b, GS_BUY, 100, 10, 10);
	add_seq(&b, GS_BUY, 100, 10, 20);
	add_seq(&b, GS_SELL, 50, 20, 1);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 20, 100, 100, 100, 6, 7, 7, 20);
}
END_TEST

START_TEST(prorata_buy_remainders)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	/* q 5, 7, 9 share 10: 50/21 = 2 r8, 70/21 = 3 r7, 90/21 = 4 r6; one Wh
	 * left goes to the largest remainder (the latest entry) */
	add_seq(&b, GS_BUY, 100, 7, 1);
	add_seq(&b, GS_BUY, 100, 9, 2);
	add_seq(&b, GS_BUY, 100, 5, 3);
	add_seq(&b, GS_SELL, 60, 10, 4);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 10, 100, 100, 100, 3, 4, 3, 10);

	/* q 1, 2, 4 share 3: 3/7 r3, 6/7 r6, 12/7 = 1 r5; two Wh left go to
	 * remainders 6 and 5 */
	memset(&b, 0, sizeof b);
	buy(&b, 100, 1);
	buy(&b, 100, 2);
	buy(&b, 100, 4);
	sell(&b, 60, 3);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 3, 100, 100, 100, 0, 1, 2, 3);

	/* buys above P fill in full first; the rest is shared at P even
	 * though entry order alone would give it to the first one:
	 * 120x4 full, then 6 over 100x6 and 100x9: 2.4 and 3.6 -> 2 and 4 */
	memset(&b, 0, sizeof b);
	buy(&b, 120, 4);
	buy(&b, 100, 6);
	buy(&b, 100, 9);
	sell(&b, 80, 10);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 10, 100, 100, 100, 4, 2, 4, 10);
}
END_TEST

START_TEST(prorata_sell)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	/* three sells of 10 at P share 20 */
	add_seq(&b, GS_SELL, 50, 10, 3);
	add_seq(&b, GS_SELL, 50, 10, 2);
	add_seq(&b, GS_SELL, 50, 10, 1);
	add_seq(&b, GS_BUY, 100, 20, 4);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 20, 50, 50, 50, 6, 7, 7, 20);

	/* a sell below P in full, q 3, 3, 5 at P share 8: 24/11 = 2 r2,
	 * 2 r2, 40/11 = 3 r7: one Wh left to the 5 */
	memset(&b, 0, sizeof b);
	sell(&b, -10, 2);
	sell(&b, 40, 3);
	sell(&b, 40, 3);
	sell(&b, 40, 5);
	buy(&b, 90, 10);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 10, 40, 40, 40, 2, 2, 2, 4, 10);

	/* sells of 1 Wh each, 5 of them, share 3 by entry order */
	memset(&b, 0, sizeof b);
	add_seq(&b, GS_SELL, -7, 1, 50);
	add_seq(&b, GS_SELL, -7, 1, 40);
	add_seq(&b, GS_SELL, -7, 1, 30);
	add_seq(&b, GS_SELL, -7, 1, 20);
	add_seq(&b, GS_SELL, -7, 1, 10);
	add_seq(&b, GS_BUY, 0, 3, 60);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 3, -7, -7, -7, 0, 0, 1, 1, 1, 3);
}
END_TEST

/* Both sides at P with more than V: each side is shared on its own. */
START_TEST(prorata_both_sides)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	buy(&b, 100, 10);
	buy(&b, 100, 10);
	sell(&b, 100, 5);
	sell(&b, 100, 5);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 10, 100, 100, 100, 5, 5, 5, 5);
}
END_TEST

/* ---- market orders --------------------------------------------------------- */

/* Market orders enter as a buy at price_max / a sell at price_min: they
 * are ordinary limit orders at the bounds. */
START_TEST(market_orders)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;

	/* two market orders only: the whole [price_min, price_max] */
	buy(&b, PMAX, 10);
	sell(&b, PMIN, 10);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 10, PMIN, PMAX, 1750000, 10, 10);

	/* a market buy meets a limit sell: priced between the sell's limit
	 * and price_max, not at the limit */
	memset(&b, 0, sizeof b);
	buy(&b, PMAX, 10);
	sell(&b, 210000, 10);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 10, 210000, PMAX, 2105000, 10, 10);

	/* market buys exceed supply: the market buys share at price_max */
	memset(&b, 0, sizeof b);
	buy(&b, PMAX, 30);
	buy(&b, PMAX, 10);
	sell(&b, PMIN, 20);
	sell(&b, 210000, 10);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 30, PMAX, PMAX, PMAX, 23, 7, 20, 10);

	/* market sells exceed demand: they share at price_min */
	memset(&b, 0, sizeof b);
	buy(&b, 250000, 10);
	sell(&b, PMIN, 15);
	sell(&b, PMIN, 5);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, 10, PMIN, PMIN, PMIN, 10, 8, 2);	/* 7.5 r, 2.5 r: tie -> earlier */
}
END_TEST

/* ---- big quantities --------------------------------------------------------- */

START_TEST(big_quantities)
{
	struct book b = { .n = 0 };
	struct gs_clearing cl;
	gs_err e = { 0 };

	buy(&b, 100, INT64_MAX - 1);
	sell(&b, 50, INT64_MAX - 1);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, INT64_MAX - 1, 50, 100, 75, INT64_MAX - 1, INT64_MAX - 1);

	/* volume exactly INT64_MAX */
	memset(&b, 0, sizeof b);
	buy(&b, 100, INT64_MAX);
	sell(&b, 50, INT64_MAX - 1);
	sell(&b, 60, 1);
	cl = CLEAR(&b);
	EXPECT(&b, &cl, INT64_MAX, 60, 100, 80, INT64_MAX, INT64_MAX - 1, 1);

	/* pro rata where residual x quantity needs 128 bits: two buys at P of
	 * INT64_MAX - 1 and INT64_MAX - 2 share INT64_MAX - 3 */
	memset(&b, 0, sizeof b);
	buy(&b, 100, INT64_MAX - 1);
	buy(&b, 100, INT64_MAX - 2);
	sell(&b, 50, INT64_MAX - 3);
	cl = CLEAR(&b);
	ck_assert_int_eq(cl.volume, INT64_MAX - 3);
	ck_assert_int_eq(cl.price, 100);
	ck_assert_int_eq(b.o[0].fill + b.o[1].fill, INT64_MAX - 3);
	/* (2^63-4)(2^63-2)/(2^64-5) and (2^63-4)(2^63-3)/(2^64-5) */
	{
		__int128 r = INT64_MAX - 3, q = (__int128)(INT64_MAX - 1) + (INT64_MAX - 2);
		int64_t f0 = (int64_t)(r * (INT64_MAX - 1) / q), f1 = (int64_t)(r * (INT64_MAX - 2) / q);
		ck_assert(b.o[0].fill - f0 >= 0 && b.o[0].fill - f0 <= 1);
		ck_assert(b.o[1].fill - f1 >= 0 && b.o[1].fill - f1 <= 1);
	}
	check_result(&b, &cl, __LINE__);

	/* the same on the sell side with three sellers */
	memset(&b, 0, sizeof b);
	sell(&b, -100, INT64_MAX / 3);
	sell(&b, -100, INT64_MAX / 2);
	sell(&b, -100, INT64_MAX - 7);
	buy(&b, 0, INT64_MAX - 11);
	CLEAR(&b);

	/* cleared volume beyond int64: refused, not wrapped */
	memset(&b, 0, sizeof b);
	buy(&b, 100, INT64_MAX - 1);
	buy(&b, 100, INT64_MAX - 1);
	sell(&b, 50, INT64_MAX - 1);
	sell(&b, 50, INT64_MAX - 1);
	ck_assert_int_eq(gs_clear(b.o, b.n, &cl, &e), GS_EINPUT);
	ck_assert_int_eq(e.code, GS_EINPUT);

	/* one more Wh than INT64_MAX */
	memset(&b, 0, sizeof b);
	buy(&b, 100, INT64_MAX);
	buy(&b, 100, 1);
	sell(&b, 50, INT64_MAX);
	sell(&b, 50, 1);
	ck_assert_int_eq(gs_clear(b.o, b.n, &cl, &e), GS_EINPUT);

	/* huge books on one side only are fine: nothing trades */
	memset(&b, 0, sizeof b);
	buy(&b, 100, INT64_MAX);
	buy(&b, 100, INT64_MAX);
	sell(&b, 200, INT64_MAX);
	sell(&b, 200, INT64_MAX);
	cl = CLEAR(&b);
	ck_assert_int_eq(cl.volume, 0);
}
END_TEST

/* ---- random books ----------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)	/* splitmix64 */
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A random book of up to maxn orders, prices in a small range around base
 * (ties), seqs a random permutation of 1..n. */
static void random_book(struct book *b, size_t maxn, int64_t base, int64_t step,
			int64_t maxq)
{
	int64_t seqs[MAXO];

	memset(b, 0, sizeof *b);
	b->n = (size_t)(rnd() % (maxn + 1));
	for (size_t i = 0; i < b->n; i++)
		seqs[i] = (int64_t)i + 1;
	for (size_t i = b->n; i > 1; i--) {
		size_t j = (size_t)(rnd() % i);
		int64_t t = seqs[i - 1];
		seqs[i - 1] = seqs[j];
		seqs[j] = t;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct gs_order *x = &b->o[i];
		x->side = rnd() % 2 ? GS_BUY : GS_SELL;
		x->price = base + step * (int64_t)(rnd() % 7) - 3 * step;
		x->qty = 1 + (int64_t)(rnd() % (uint64_t)maxq);
		x->seq = seqs[i];
		x->fill = -1;
	}
}

START_TEST(random_invariants)
{
	static const int64_t bases[] = { 0, 90000, -200000, 3 };
	static const int64_t steps[] = { 1, 1000, 7, 2 };
	static const int64_t maxqs[] = { 3, 20, 1000, 1000000 };
	struct book b;
	size_t trades = 0, ties = 0;

	rng_state = 20261125;
	for (int k = 0; k < 2000; k++) {
		struct gs_clearing cl;
		random_book(&b, 50, bases[k % 4], steps[(k / 4) % 4], maxqs[(k / 16) % 4]);
		cl = clear_ok(&b, __LINE__);
		check_result(&b, &cl, k);
		if (cl.volume > 0)
			trades++;
		if (cl.has_price && cl.lo == cl.hi)
			ties++;
	}
	/* the generator exercises both outcomes and the marginal rule */
	ck_assert_uint_gt(trades, 1000);
	ck_assert_uint_gt(ties, 300);
}
END_TEST

/* Random books with quantities near 2^62: sums pass int64; the volume
 * either fits (checked like any book) or the book is refused. */
START_TEST(random_big)
{
	struct book b;
	size_t refused = 0, ok = 0;

	rng_state = 42;
	for (int k = 0; k < 500; k++) {
		struct gs_clearing cl;
		gs_err e = { 0 };
		int rc;
		random_book(&b, 8, 0, 5, INT64_MAX / 2);
		for (size_t i = 0; i < b.n; i++)
			if (rnd() % 4 == 0)
				b.o[i].qty = INT64_MAX - (int64_t)(rnd() % 3);
		rc = gs_clear(b.o, b.n, &cl, &e);
		if (ref_volume(b.o, b.n) > INT64_MAX) {
			ck_assert_msg(rc == GS_EINPUT, "book %d: volume beyond int64 gave %d",
				      k, rc);
			refused++;
		} else {
			ck_assert_msg(rc == GS_OK, "book %d: %s", k, e.msg);
			check_result(&b, &cl, k);
			ok++;
		}
	}
	ck_assert_uint_gt(refused, 20);
	ck_assert_uint_gt(ok, 200);
}
END_TEST

/* The result of an order does not depend on where it sits in the array,
 * only on its seq. */
START_TEST(random_permutation)
{
	struct book a, b;

	rng_state = 7;
	for (int k = 0; k < 300; k++) {
		struct gs_clearing ca, cb;
		random_book(&a, 40, 100, 1, 10);
		b = a;
		for (size_t i = b.n; i > 1; i--) {
			size_t j = (size_t)(rnd() % i);
			struct gs_order t = b.o[i - 1];
			b.o[i - 1] = b.o[j];
			b.o[j] = t;
		}
		ca = clear_ok(&a, __LINE__);
		cb = clear_ok(&b, __LINE__);
		ck_assert_int_eq(ca.volume, cb.volume);
		ck_assert_int_eq(ca.has_price, cb.has_price);
		if (ca.has_price)
			ck_assert_int_eq(ca.price, cb.price);
		for (size_t i = 0; i < a.n; i++)
			for (size_t j = 0; j < b.n; j++)
				if (a.o[i].seq == b.o[j].seq)
					ck_assert_int_eq(a.o[i].fill, b.o[j].fill);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clearing");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, design_examples);
	tcase_add_test(tc, design_examples_any_order);
	tcase_add_test(tc, marginal_buyer);
	tcase_add_test(tc, marginal_seller);
	tcase_add_test(tc, interval_from_unfilled);
	tcase_add_test(tc, no_crossing);
	tcase_add_test(tc, one_side_empty);
	tcase_add_test(tc, empty_book);
	tcase_add_test(tc, bad_quantity);
	tcase_add_test(tc, price_midpoint);
	tcase_add_test(tc, equality_counts);
	tcase_add_test(tc, prorata_buy_ties);
	tcase_add_test(tc, prorata_buy_remainders);
	tcase_add_test(tc, prorata_sell);
	tcase_add_test(tc, prorata_both_sides);
	tcase_add_test(tc, market_orders);
	tcase_add_test(tc, big_quantities);
	tcase_add_test(tc, random_invariants);
	tcase_add_test(tc, random_big);
	tcase_add_test(tc, random_permutation);
	suite_add_tcase(s, tc);
	return th_run(s);
}
