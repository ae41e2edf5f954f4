/* test_curve.c - unit tests for the supply and demand curves of a slot:
 * gs_curve_records (cumulative steps per side, demand by price descending,
 * supply ascending, canceled orders left out, then the clearing record or
 * a provisional one for an open book) and gs_curve_svg (a well-formed SVG
 * document with one polyline per side and the clearing point). */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define C(x) ((int64_t)(x) * 1000000)	/* credits in base units */
#define SS INT64_C(900)
#define S0 (TH_T0 / SS)
#define SL (S0 + 4)
#define GATE(n) ((n) * SS - 300)
#define T1 (TH_T0 + 100)

static gs_key admin, alice, bob, carol, dave, erin;

static void report(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "verify: %s\n", msg);
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

/* Genesis, five accounts with 1000 credits, alice and erin staked with
 * an 80 kW panel each (1 and 2). */
static gs_store *setup(void)
{
	gs_store *s = th_genesis(&admin);

	th_account(s, "alice", &alice);
	th_account(s, "bob", &bob);
	th_account(s, "carol", &carol);
	th_account(s, "dave", &dave);
	th_account(s, "erin", &erin);
	OK(s, &admin, "token.mint", json_pack("{s:[{s:s,s:I},{s:s,s:I},{s:s,s:I},{s:s,s:I},"
		"{s:s,s:I}]}", "items", "to", "alice", "amount", (json_int_t)C(1000), "to",
		"bob", "amount", (json_int_t)C(1000), "to", "carol", "amount",
		(json_int_t)C(1000), "to", "dave", "amount", (json_int_t)C(1000), "to", "erin",
		"amount", (json_int_t)C(1000)), TH_T0);
	OK(s, &admin, "panel.register", json_pack("{s:[{s:s,s:i},{s:s,s:i}]}", "items",
		"owner", "alice", "capacity_w", 80000, "owner", "erin", "capacity_w", 80000),
	   TH_T0);
	OK(s, &alice, "stake.deposit", json_pack("{s:I}", "amount", (json_int_t)C(200)), TH_T0);
	OK(s, &erin, "stake.deposit", json_pack("{s:I}", "amount", (json_int_t)C(200)), TH_T0);
	return s;
}

static void finish(gs_store *s)
{
	gs_err e;

	ck_assert_msg(gs_verify_invariants(s, report, NULL, &e) == GS_OK, "invariants: %s",
		      e.msg);
	ck_assert_msg(gs_verify_replay(s, report, NULL, &e) == GS_OK, "replay: %s", e.msg);
	gs_store_close(s);
}

/* An order that must enter; its id. */
static int64_t order(gs_store *s, const gs_key *k, int64_t slot, const char *side,
		     int64_t price, int64_t qty, int64_t panel)
{
	json_t *a = json_pack("{s:I,s:s,s:I,s:I}", "slot", (json_int_t)slot, "side", side,
			      "price", (json_int_t)price, "qty_wh", (json_int_t)qty);
	int64_t id = -1;
	gs_err e;

	if (panel)
		json_object_set_new(a, "panel", json_integer(panel));
	ck_assert_msg(th_apply(s, k, "auction.order", a, T1, NULL, &e) == GS_OK, "order: %s",
		      e.msg);
	ck_assert_int_eq(gs_query_int(s, &e, &id, "SELECT max(id) FROM orders", ""), 1);
	return id;
}

static void clear_slot(gs_store *s, int64_t slot)
{
	gs_err e;

	ck_assert_msg(th_apply(s, &admin, "auction.clear", json_pack("{s:I}", "slot",
			       (json_int_t)slot), GATE(slot), NULL, &e) == GS_OK, "clear: %s",
		      e.msg);
}

static json_t *curve(gs_store *s, int64_t slot)
{
	json_t *out = json_array();
	gs_err e;

	ck_assert_msg(gs_curve_records(s, slot, out, &e) == GS_OK, "curve: %s", e.msg);
	return out;
}

/* Record i is a curve step of side at price with cumulative cum. */
#define STEP(recs, i, side, price, cum) step_is(recs, i, side, price, cum, __LINE__)
static void step_is(json_t *recs, size_t i, const char *side, int64_t price, int64_t cum,
		    int line)
{
	json_t *r = json_array_get(recs, i);

	ck_assert_msg(r != NULL, "line %d: no record %zu", line, i);
	ck_assert_msg(strcmp(str(r, "type"), "curve") == 0, "line %d: record %zu is %s",
		      line, i, str(r, "type"));
	ck_assert_msg(strcmp(str(r, "side"), side) == 0 && num(r, "price") == price &&
		      num(r, "cum_wh") == cum, "line %d: record %zu is %s %lld %lld, want "
		      "%s %lld %lld", line, i, str(r, "side"), (long long)num(r, "price"),
		      (long long)num(r, "cum_wh"), side, (long long)price, (long long)cum);
}

/* The first example of DESIGN 9, with a second buy at 90000 (one step
 * with the first) and a canceled buy that must not show. */
static void example_book(gs_store *s)
{
	gs_err e;
	int64_t x;

	order(s, &bob, SL, "buy", 120000, 10000, 0);
	order(s, &carol, SL, "buy", 90000, 15000, 0);
	x = order(s, &dave, SL, "buy", 200000, 999, 0);
	order(s, &dave, SL, "buy", 90000, 5000, 0);
	order(s, &alice, SL, "sell", 40000, 15000, 1);
	order(s, &erin, SL, "sell", 95000, 10000, 2);
	ck_assert_int_eq(th_apply(s, &dave, "auction.cancel", json_pack("{s:I}", "order",
				  (json_int_t)x), T1, NULL, &e), GS_OK);
}

/* ---- gs_curve_records ------------------------------------------------------ */

START_TEST(records_open_book)
{
	gs_store *s = setup();
	json_t *recs, *r;

	example_book(s);
	recs = curve(s, SL);
	ck_assert_uint_eq(json_array_size(recs), 5);
	STEP(recs, 0, "demand", 120000, 10000);
	STEP(recs, 1, "demand", 90000, 30000);
	STEP(recs, 2, "supply", 40000, 15000);
	STEP(recs, 3, "supply", 95000, 25000);
	r = json_array_get(recs, 4);
	ck_assert_str_eq(str(r, "type"), "clearing");
	ck_assert_int_eq(num(r, "slot"), SL);
	ck_assert_int_eq(num(r, "price"), 90000);
	ck_assert_int_eq(num(r, "volume_wh"), 15000);
	ck_assert(json_is_true(json_object_get(r, "provisional")));
	json_decref(recs);
	/* looking changes nothing: the slot is not cleared */
	{
		gs_err e;
		json_t *out = json_array();
		ck_assert_int_eq(gs_clearing_record(s, SL, out, &e), GS_EREFUSED);
		json_decref(out);
	}
	finish(s);
}
END_TEST

START_TEST(records_cleared)
{
	gs_store *s = setup();
	json_t *recs, *r;

	example_book(s);
	clear_slot(s, SL);
	recs = curve(s, SL);
	ck_assert_uint_eq(json_array_size(recs), 5);
	STEP(recs, 0, "demand", 120000, 10000);
	STEP(recs, 1, "demand", 90000, 30000);
	STEP(recs, 2, "supply", 40000, 15000);
	STEP(recs, 3, "supply", 95000, 25000);
	r = json_array_get(recs, 4);
	ck_assert_str_eq(str(r, "type"), "clearing");
	ck_assert_int_eq(num(r, "price"), 90000);
	ck_assert_int_eq(num(r, "volume_wh"), 15000);
	ck_assert(!json_is_true(json_object_get(r, "provisional")));
	json_decref(recs);
	finish(s);
}
END_TEST

START_TEST(records_empty_and_one_sided)
{
	gs_store *s = setup();
	json_t *recs, *r;

	/* nothing: only a provisional clearing without a price */
	recs = curve(s, SL);
	ck_assert_uint_eq(json_array_size(recs), 1);
	r = json_array_get(recs, 0);
	ck_assert_str_eq(str(r, "type"), "clearing");
	ck_assert(json_is_null(json_object_get(r, "price")));
	ck_assert_int_eq(num(r, "volume_wh"), 0);
	json_decref(recs);

	/* demand only, negative prices, equal prices in one step */
	order(s, &bob, SL, "buy", -100000, 300, 0);
	order(s, &carol, SL, "buy", -100000, 200, 0);
	order(s, &bob, SL, "buy", -400000, 1, 0);
	order(s, &dave, SL, "buy", 0, 7, 0);
	recs = curve(s, SL);
	ck_assert_uint_eq(json_array_size(recs), 4);
	STEP(recs, 0, "demand", 0, 7);
	STEP(recs, 1, "demand", -100000, 507);
	STEP(recs, 2, "demand", -400000, 508);
	r = json_array_get(recs, 3);
	ck_assert(json_is_null(json_object_get(r, "price")));
	ck_assert_int_eq(num(r, "volume_wh"), 0);
	json_decref(recs);
	/* another slot's orders do not show */
	order(s, &alice, SL + 1, "sell", 1, 1, 1);
	recs = curve(s, SL);
	ck_assert_uint_eq(json_array_size(recs), 4);
	json_decref(recs);
	recs = curve(s, SL + 1);
	ck_assert_uint_eq(json_array_size(recs), 2);
	STEP(recs, 0, "supply", 1, 1);
	json_decref(recs);
	finish(s);
}
END_TEST

static uint64_t rng_state;

static uint64_t rnd(void)	/* splitmix64 */
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Random books: steps strictly ordered by price per side, cumulative Wh
 * strictly growing and ending at the side's total; each step's increase
 * is the quantity at its price; the provisional clearing is gs_clear's. */
START_TEST(records_random)
{
	gs_store *s = setup();
	const gs_key *buyers[] = { &bob, &carol, &dave };
	struct gs_order o[60];
	struct gs_clearing cl;
	int64_t tot[3] = { 0, 0, 0 }, prev_price = 0, prev_cum = 0;
	const char *prev_side = "";
	size_t n = 0, nrec;
	json_t *recs, *r;
	gs_err e;

	rng_state = 5;
	for (int i = 0; i < 60; i++) {
		int buy = rnd() % 2, seller = rnd() % 2;
		int64_t price = 10000 * ((int64_t)(rnd() % 9) - 4);
		int64_t qty = 1 + (int64_t)(rnd() % 500);
		const gs_key *k = buy ? buyers[rnd() % 3] : seller ? &alice : &erin;
		int64_t id = order(s, k, SL, buy ? "buy" : "sell", price, qty,
				   buy ? 0 : seller ? 1 : 2);
		if (rnd() % 8 == 0) {	/* canceled: not in the curves */
			ck_assert_int_eq(th_apply(s, k, "auction.cancel", json_pack("{s:I}",
						  "order", (json_int_t)id), T1, NULL, &e), GS_OK);
			continue;
		}
		o[n++] = (struct gs_order){ .price = price, .qty = qty, .seq = id, .fill = 0,
					    .side = buy ? GS_BUY : GS_SELL };
		tot[buy ? GS_BUY : GS_SELL] += qty;
	}
	recs = curve(s, SL);
	nrec = json_array_size(recs);
	ck_assert_uint_ge(nrec, 3);
	for (size_t i = 0; i + 1 < nrec; i++) {
		int64_t p, cum, at = 0;
		const char *side;
		r = json_array_get(recs, i);
		ck_assert_str_eq(str(r, "type"), "curve");
		side = str(r, "side");
		p = num(r, "price");
		cum = num(r, "cum_wh");
		if (strcmp(side, prev_side) != 0) {
			/* demand first, then supply */
			ck_assert_str_eq(side, *prev_side ? "supply" : "demand");
			prev_cum = 0;
		} else if (strcmp(side, "demand") == 0)
			ck_assert_int_lt(p, prev_price);
		else
			ck_assert_int_gt(p, prev_price);
		for (size_t j = 0; j < n; j++)
			if (o[j].price == p &&
			    o[j].side == (strcmp(side, "demand") == 0 ? GS_BUY : GS_SELL))
				at += o[j].qty;
		ck_assert_int_gt(at, 0);
		ck_assert_int_eq(cum - prev_cum, at);
		prev_side = side;
		prev_price = p;
		prev_cum = cum;
		if (i + 2 == nrec || strcmp(str(json_array_get(recs, i + 1), "type"), "curve") != 0 ||
		    strcmp(str(json_array_get(recs, i + 1), "side"), side) != 0)
			ck_assert_int_eq(cum, tot[strcmp(side, "demand") == 0 ? GS_BUY : GS_SELL]);
	}
	ck_assert_str_eq(prev_side, "supply");
	r = json_array_get(recs, nrec - 1);
	ck_assert_str_eq(str(r, "type"), "clearing");
	ck_assert_int_eq(gs_clear(o, n, &cl, &e), GS_OK);
	ck_assert_int_gt(cl.volume, 0);
	ck_assert_int_eq(num(r, "volume_wh"), cl.volume);
	ck_assert_int_eq(num(r, "price"), cl.price);
	ck_assert(json_is_true(json_object_get(r, "provisional")));
	json_decref(recs);
	finish(s);
}
END_TEST

/* ---- gs_curve_svg ------------------------------------------------------------ */

/* The SVG of recs as a string (malloc'd). */
static char *svg_of(json_t *recs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	gs_curve_svg(f, recs, 6);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(strlen(buf), len);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* A small XML well-formedness check: tags nest and match, attribute
 * values are quoted, text has no raw '<' or unknown '&' entities, one
 * root element <svg> and nothing after it but the final newline. */
static void well_formed(const char *x)
{
	char stack[32][32];
	int depth = 0, roots = 0;
	const char *p = x;

	ck_assert_msg(strncmp(x, "<svg", 4) == 0, "does not start with <svg");
	ck_assert_msg(strlen(x) >= 7 && strcmp(x + strlen(x) - 7, "</svg>\n") == 0,
		      "does not end with </svg> and a newline");
	while (*p) {
		if (*p != '<') {
			if (*p == '&')
				ck_assert_msg(strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0
					      || strncmp(p, "&gt;", 4) == 0 ||
					      strncmp(p, "&quot;", 6) == 0 ||
					      strncmp(p, "&apos;", 6) == 0, "bad entity at %.20s", p);
			if (depth == 0)
				ck_assert_msg(*p == '\n' || *p == ' ', "text outside the root: "
					      "%.20s", p);
			p++;
			continue;
		}
		p++;
		if (*p == '/') {	/* closing tag */
			char name[32];
			size_t n = 0;
			p++;
			while (*p && *p != '>' && n < sizeof name - 1)
				name[n++] = *p++;
			name[n] = 0;
			ck_assert_msg(*p == '>', "unterminated closing tag");
			ck_assert_msg(depth > 0 && strcmp(stack[depth - 1], name) == 0,
				      "</%s> does not close <%s>", name,
				      depth ? stack[depth - 1] : "");
			depth--;
			p++;
			continue;
		}
		{
			char name[32];
			size_t n = 0;
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
				ck_assert_uint_lt(n, sizeof name - 1);
				name[n++] = *p++;
			}
			name[n] = 0;
			ck_assert_msg(n > 0, "a tag without a name at %.20s", p - 1);
			if (depth == 0) {
				roots++;
				ck_assert_str_eq(name, "svg");
			}
			/* attributes: name="value" */
			for (;;) {
				while (*p == ' ' || *p == '\n')
					p++;
				if (*p == '>' || (p[0] == '/' && p[1] == '>'))
					break;
				ck_assert_msg((*p >= 'a' && *p <= 'z') || *p == '-' || *p == ':',
					      "bad attribute at %.20s", p);
				while ((*p >= 'a' && *p <= 'z') || *p == '-' || *p == ':' ||
				       (*p >= '0' && *p <= '9'))
					p++;
				ck_assert_msg(p[0] == '=' && p[1] == '"', "unquoted attribute at "
					      "%.20s", p);
				p += 2;
				while (*p && *p != '"') {
					ck_assert_msg(*p != '<', "'<' in an attribute");
					p++;
				}
				ck_assert_msg(*p == '"', "unterminated attribute");
				p++;
			}
			if (*p == '/') {
				p += 2;		/* empty element */
			} else {
				ck_assert_int_lt(depth, 32);
				snprintf(stack[depth++], 32, "%s", name);
				p++;
			}
		}
	}
	ck_assert_msg(depth == 0, "%d element(s) left open", depth);
	ck_assert_int_eq(roots, 1);
}

/* Attribute value of the n-th element <tag ...> (0-based) as a long; -1e9
 * when missing. */
static long attr(const char *x, const char *tag, int nth, const char *name)
{
	char open[32], key[32];
	const char *p = x, *a;

	snprintf(open, sizeof open, "<%s ", tag);
	snprintf(key, sizeof key, " %s=\"", name);
	for (int i = 0; p && i <= nth; i++) {
		p = strstr(p, open);
		if (p && i < nth)
			p++;
	}
	if (!p)
		return -1000000000L;
	a = strstr(p, key);
	if (!a || a > strchr(p, '>'))
		return -1000000000L;
	return strtol(a + strlen(key), NULL, 10);
}

/* The points of the n-th polyline: up to max (x, y) pairs; the count. */
static int points(const char *x, int nth, long (*pt)[2], int max)
{
	const char *p = x, *a;
	char *end;
	int n = 0;

	for (int i = 0; p && i <= nth; i++) {
		p = strstr(p, "<polyline ");
		if (p && i < nth)
			p++;
	}
	ck_assert_ptr_nonnull(p);
	a = strstr(p, " points=\"");
	ck_assert_ptr_nonnull(a);
	a += 9;
	while (*a && *a != '"') {
		while (*a == ' ')
			a++;
		if (*a == '"')
			break;
		ck_assert_int_lt(n, max);
		pt[n][0] = strtol(a, &end, 10);
		ck_assert_msg(*end == ',', "bad point at %.20s", a);
		pt[n][1] = strtol(end + 1, &end, 10);
		a = end;
		n++;
	}
	return n;
}

/* Does (x, y) lie on the polyline? (Segments are axis-parallel steps.) */
static int on_polyline(long (*pt)[2], int n, long x, long y)
{
	for (int i = 0; i + 1 < n; i++) {
		long x0 = pt[i][0], y0 = pt[i][1], x1 = pt[i + 1][0], y1 = pt[i + 1][1];
		long lx = x0 < x1 ? x0 : x1, hx = x0 < x1 ? x1 : x0;
		long ly = y0 < y1 ? y0 : y1, hy = y0 < y1 ? y1 : y0;
		if ((x1 - x0) * (y - y0) == (y1 - y0) * (x - x0) && x >= lx && x <= hx &&
		    y >= ly && y <= hy)
			return 1;
	}
	return 0;
}

/* Two polylines, every point inside the picture. */
static void check_lines(const char *x, long (*d)[2], int *nd, long (*su)[2], int *ns)
{
	long w = attr(x, "svg", 0, "width"), h = attr(x, "svg", 0, "height");

	ck_assert_uint_eq(count(x, "<polyline "), 2);
	ck_assert_int_gt(w, 0);
	ck_assert_int_gt(h, 0);
	*nd = points(x, 0, d, 64);
	*ns = points(x, 1, su, 64);
	for (int i = 0; i < *nd; i++)
		ck_assert(d[i][0] >= 0 && d[i][0] <= w && d[i][1] >= 0 && d[i][1] <= h);
	for (int i = 0; i < *ns; i++)
		ck_assert(su[i][0] >= 0 && su[i][0] <= w && su[i][1] >= 0 && su[i][1] <= h);
}

START_TEST(svg_trade)
{
	gs_store *s = setup();
	long d[64][2], su[64][2], cx, cy;
	int nd, ns;
	json_t *recs;
	char *x;

	example_book(s);
	recs = curve(s, SL);
	x = svg_of(recs);
	well_formed(x);
	check_lines(x, d, &nd, su, &ns);
	/* two points per step */
	ck_assert_int_eq(nd, 4);
	ck_assert_int_eq(ns, 4);
	/* demand falls (y grows downwards) and moves right; supply rises */
	ck_assert_int_lt(d[0][1], d[2][1]);
	ck_assert_int_gt(su[0][1], su[2][1]);
	for (int i = 0; i + 1 < nd; i++)
		ck_assert_int_le(d[i][0], d[i + 1][0]);
	for (int i = 0; i + 1 < ns; i++)
		ck_assert_int_le(su[i][0], su[i + 1][0]);
	/* both start at no energy, on the same x axis */
	ck_assert_int_eq(d[0][0], su[0][0]);
	/* the clearing point: one circle, on both curves (the demand step at
	 * 90000 and the supply riser at 15000 Wh) */
	ck_assert_uint_eq(count(x, "<circle "), 1);
	cx = attr(x, "circle", 0, "cx");
	cy = attr(x, "circle", 0, "cy");
	ck_assert_msg(on_polyline(d, nd, cx, cy), "(%ld, %ld) is not on the demand curve",
		      cx, cy);
	ck_assert_msg(on_polyline(su, ns, cx, cy), "(%ld, %ld) is not on the supply curve",
		      cx, cy);
	ck_assert_int_eq(cy, d[2][1]);		/* at the 90000 step */
	ck_assert_int_eq(cx, su[1][0]);		/* at 15000 Wh */
	ck_assert_ptr_nonnull(strstr(x, "0.09"));	/* the price, in credits */
	ck_assert_ptr_nonnull(strstr(x, "15kWh"));	/* the volume */
	free(x);
	json_decref(recs);

	/* the same once cleared */
	clear_slot(s, SL);
	recs = curve(s, SL);
	x = svg_of(recs);
	well_formed(x);
	ck_assert_uint_eq(count(x, "<polyline "), 2);
	ck_assert_uint_eq(count(x, "<circle "), 1);
	ck_assert_int_eq(attr(x, "circle", 0, "cx"), cx);
	ck_assert_int_eq(attr(x, "circle", 0, "cy"), cy);
	free(x);
	json_decref(recs);
	finish(s);
}
END_TEST

START_TEST(svg_no_trade)
{
	gs_store *s = setup();
	long d[64][2], su[64][2];
	int nd, ns;
	json_t *recs;
	char *x;

	/* an empty slot */
	recs = curve(s, SL);
	x = svg_of(recs);
	well_formed(x);
	check_lines(x, d, &nd, su, &ns);
	ck_assert_int_eq(nd, 0);
	ck_assert_int_eq(ns, 0);
	ck_assert_uint_eq(count(x, "<circle"), 0);
	free(x);
	json_decref(recs);

	/* books that do not cross, negative prices */
	order(s, &bob, SL, "buy", -200000, 1000, 0);
	order(s, &alice, SL, "sell", -100000, 500, 1);
	order(s, &erin, SL, "sell", 300000, 800, 2);
	recs = curve(s, SL);
	x = svg_of(recs);
	well_formed(x);
	check_lines(x, d, &nd, su, &ns);
	ck_assert_int_eq(nd, 2);
	ck_assert_int_eq(ns, 4);
	ck_assert_uint_eq(count(x, "<circle"), 0);
	ck_assert_ptr_nonnull(strstr(x, "-0.2"));	/* the lowest price shown */
	free(x);
	json_decref(recs);

	/* cleared without a trade: still no point */
	clear_slot(s, SL);
	recs = curve(s, SL);
	x = svg_of(recs);
	well_formed(x);
	ck_assert_uint_eq(count(x, "<polyline "), 2);
	ck_assert_uint_eq(count(x, "<circle"), 0);
	free(x);
	json_decref(recs);
	finish(s);
}
END_TEST

/* Records made by hand: no records at all, one price level only. */
START_TEST(svg_by_hand)
{
	long d[64][2], su[64][2];
	int nd, ns;
	json_t *recs = json_array();
	char *x = svg_of(recs);

	well_formed(x);
	check_lines(x, d, &nd, su, &ns);
	ck_assert_uint_eq(count(x, "<circle"), 0);
	free(x);
	json_array_append_new(recs, json_pack("{s:s,s:s,s:I,s:I}", "type", "curve", "side",
					      "demand", "price", (json_int_t)100000, "cum_wh",
					      (json_int_t)1000));
	json_array_append_new(recs, json_pack("{s:s,s:s,s:I,s:I}", "type", "curve", "side",
					      "supply", "price", (json_int_t)100000, "cum_wh",
					      (json_int_t)1000));
	json_array_append_new(recs, json_pack("{s:s,s:I,s:I,s:I}", "type", "clearing",
					      "slot", (json_int_t)1, "price",
					      (json_int_t)100000, "volume_wh", (json_int_t)1000));
	x = svg_of(recs);
	well_formed(x);
	check_lines(x, d, &nd, su, &ns);
	ck_assert_int_eq(nd, 2);
	ck_assert_int_eq(ns, 2);
	ck_assert_uint_eq(count(x, "<circle "), 1);
	ck_assert(on_polyline(d, nd, attr(x, "circle", 0, "cx"), attr(x, "circle", 0, "cy")));
	free(x);
	json_decref(recs);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("curve");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, records_open_book);
	tcase_add_test(tc, records_cleared);
	tcase_add_test(tc, records_empty_and_one_sided);
	tcase_add_test(tc, records_random);
	tcase_add_test(tc, svg_trade);
	tcase_add_test(tc, svg_no_trade);
	tcase_add_test(tc, svg_by_hand);
	suite_add_tcase(s, tc);
	return th_run(s);
}
