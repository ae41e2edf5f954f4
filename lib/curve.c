/* curve.c - draw supply and demand step curves as SVG, integers only. */
#include <string.h>

#include "gridset.h"

#define W 640
#define H 400
#define M 60	/* margin */

/* Map v in [lo, hi] onto [a, b] with integer arithmetic. */
static int64_t scale(int64_t v, int64_t lo, int64_t hi, int64_t a, int64_t b)
{
	if (hi <= lo)
		return a;
	return a + (int64_t)((__int128)(v - lo) * (b - a) / ((__int128)hi - lo));
}

/* Extent of the curve records: price range and largest cumulative Wh. */
static void extent(json_t *recs, int64_t *pmin, int64_t *pmax, int64_t *qmax)
{
	size_t i;
	json_t *r;

	*pmin = INT64_MAX;
	*pmax = INT64_MIN;
	*qmax = 1;
	json_array_foreach(recs, i, r) {
		json_t *p = json_object_get(r, "price"), *q = json_object_get(r, "cum_wh");
		if (json_is_integer(p)) {
			if (json_integer_value(p) < *pmin)
				*pmin = json_integer_value(p);
			if (json_integer_value(p) > *pmax)
				*pmax = json_integer_value(p);
		}
		if (json_is_integer(q) && json_integer_value(q) > *qmax)
			*qmax = json_integer_value(q);
	}
	if (*pmin > *pmax)
		*pmin = *pmax = 0;
	if (*pmin == *pmax) {
		*pmin -= 1000;
		*pmax += 1000;
	}
}

/* One side's step polyline. */
static void steps(FILE *f, json_t *recs, const char *side, const char *color,
		  int64_t pmin, int64_t pmax, int64_t qmax)
{
	int64_t x = M, prev = 0;
	size_t i;
	json_t *r;

	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
		color);
	json_array_foreach(recs, i, r) {
		const char *sd = json_string_value(json_object_get(r, "side"));
		if (!sd || strcmp(sd, side) != 0)
			continue;
		int64_t y = scale(json_integer_value(json_object_get(r, "price")), pmin,
				  pmax, H - M, M);
		int64_t q = json_integer_value(json_object_get(r, "cum_wh"));
		x = scale(prev, 0, qmax, M, W - M);
		fprintf(f, "%lld,%lld ", (long long)x, (long long)y);
		x = scale(q, 0, qmax, M, W - M);
		fprintf(f, "%lld,%lld ", (long long)x, (long long)y);
		prev = q;
	}
	fprintf(f, "\"/>\n");
}

void gs_curve_svg(FILE *f, json_t *recs, int decimals)
{
	int64_t pmin, pmax, qmax;
	char a[32], b[32], e1[32];
	size_t i;
	json_t *r, *pt = NULL;

	extent(recs, &pmin, &pmax, &qmax);
	json_array_foreach(recs, i, r)
		if (strcmp(json_string_value(json_object_get(r, "type")), "clearing") == 0)
			pt = r;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
		M, H - M, W - M, H - M);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
		M, M, M, H - M);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">energy (kWh), "
		"0 to %s</text>\n", W / 2, H - M / 3, gs_energy_format(qmax, e1, sizeof e1));
	fprintf(f, "<text x=\"%d\" y=\"%d\" transform=\"rotate(-90 %d %d)\" "
		"text-anchor=\"middle\">price (credits/kWh), %s to %s</text>\n",
		M / 3, H / 2, M / 3, H / 2, gs_decimal_format(pmin, decimals, a, sizeof a),
		gs_decimal_format(pmax, decimals, b, sizeof b));
	steps(f, recs, "demand", "#1f77b4", pmin, pmax, qmax);
	steps(f, recs, "supply", "#d62728", pmin, pmax, qmax);
	if (pt && json_is_integer(json_object_get(pt, "price"))) {
		int64_t p = json_integer_value(json_object_get(pt, "price"));
		int64_t v = json_integer_value(json_object_get(pt, "volume_wh"));
		int64_t x = scale(v, 0, qmax, M, W - M), y = scale(p, pmin, pmax, H - M, M);
		fprintf(f, "<line x1=\"%d\" y1=\"%lld\" x2=\"%lld\" y2=\"%lld\" "
			"stroke=\"gray\" stroke-dasharray=\"4 3\"/>\n", M, (long long)y,
			(long long)x, (long long)y);
		fprintf(f, "<line x1=\"%lld\" y1=\"%lld\" x2=\"%lld\" y2=\"%d\" "
			"stroke=\"gray\" stroke-dasharray=\"4 3\"/>\n", (long long)x,
			(long long)y, (long long)x, H - M);
		fprintf(f, "<circle cx=\"%lld\" cy=\"%lld\" r=\"5\" fill=\"black\"/>\n",
			(long long)x, (long long)y);
		fprintf(f, "<text x=\"%lld\" y=\"%lld\">P %s, V %s</text>\n",
			(long long)x + 8, (long long)y - 8,
			gs_decimal_format(p, decimals, a, sizeof a),
			gs_energy_format(v, b, sizeof b));
	}
	fprintf(f, "</svg>\n");
}
