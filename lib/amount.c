/* amount.c - fixed-point amounts, energy, power: checked math, parse, format. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gridset.h"
#include "internal.h"

/* Longest stretch of user input quoted in a message. */

/* Store a + b in *r and return 0, or return -1 if it overflows. */
int gs_add(int64_t a, int64_t b, int64_t *r)
{
	int64_t v;

	if (__builtin_add_overflow(a, b, &v))
		return -1;
	*r = v;
	return 0;
}

/* Store a - b in *r and return 0, or return -1 if it overflows. */
int gs_sub(int64_t a, int64_t b, int64_t *r)
{
	int64_t v;

	if (__builtin_sub_overflow(a, b, &v))
		return -1;
	*r = v;
	return 0;
}

/* Divide the 128-bit product a*b by d > 0 rounding toward minus infinity
 * (up == 0) or plus infinity (up != 0); store in *r, 0 or -1 on overflow
 * or d <= 0. */
static int muldiv(int64_t a, int64_t b, int64_t d, int up, int64_t *r)
{
	__int128 p, q, rem;

	if (d <= 0)
		return -1;
	p = (__int128)a * b;	/* |a*b| <= 2^126: never overflows */
	q = p / d;		/* truncates toward zero */
	rem = p % d;
	if (rem != 0) {
		if (!up && p < 0)
			q -= 1;
		else if (up && p > 0)
			q += 1;
	}
	if (q < INT64_MIN || q > INT64_MAX)
		return -1;
	*r = (int64_t)q;
	return 0;
}

/* floor(a*b/d) for d > 0 into *r; 0, or -1 on overflow. */
int gs_muldiv_floor(int64_t a, int64_t b, int64_t d, int64_t *r)
{
	return muldiv(a, b, d, 0, r);
}

/* ceil(a*b/d) for d > 0 into *r; 0, or -1 on overflow. */
int gs_muldiv_ceil(int64_t a, int64_t b, int64_t d, int64_t *r)
{
	return muldiv(a, b, d, 1, r);
}

/* floor(a/d) rounding toward minus infinity; d > 0 (never overflows). */
int64_t gs_floordiv(int64_t a, int64_t d)
{
	int64_t q = a / d;

	if (a % d != 0 && (a < 0) != (d < 0))
		q -= 1;
	return q;
}

/* Outcomes of parse_number. */
enum { P_OK, P_NOTNUM, P_NEGATIVE, P_DECIMALS, P_RANGE };

/* Parse the len bytes at s as [-]digits[.digits] scaled by 10^decimals
 * into *out. More than `decimals` fraction digits are P_DECIMALS unless
 * zeros_ok and every extra digit is 0. */
static int parse_number(const char *s, size_t len, int decimals,
			int allow_negative, int zeros_ok, int64_t *out)
{
	const unsigned __int128 lim_pos = (unsigned __int128)INT64_MAX;
	const unsigned __int128 lim_neg = lim_pos + 1;
	unsigned __int128 ipart = 0, fpart = 0, v;
	size_t i = 0, idigits = 0, fdigits = 0;
	int neg = 0, big = 0, extra = 0, k;

	if (len > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, idigits++) {
		if (ipart <= lim_neg)	/* beyond that it is too large anyway */
			ipart = ipart * 10 + (unsigned)(s[i] - '0');
		else
			big = 1;
	}
	if (idigits == 0)
		return P_NOTNUM;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (fdigits < (size_t)decimals)
				fpart = fpart * 10 + (unsigned)(s[i] - '0');
			else if (s[i] != '0' || !zeros_ok)
				extra = 1;
			fdigits++;
		}
		if (fdigits == 0)
			return P_NOTNUM;
	}
	if (i != len)
		return P_NOTNUM;
	if (extra)
		return P_DECIMALS;
	if (big || ipart > lim_neg)
		return neg && !allow_negative ? P_NEGATIVE : P_RANGE;
	/* ipart <= 2^63 and 10^decimals <= 10^12: no 128-bit overflow */
	v = ipart;
	for (k = 0; k < decimals; k++)
		v *= 10;
	for (k = (int)(fdigits < (size_t)decimals ? fdigits : (size_t)decimals);
	     k < decimals; k++)
		fpart *= 10;
	v += fpart;
	if (neg && v != 0 && !allow_negative)
		return P_NEGATIVE;
	if (v > (neg ? lim_neg : lim_pos))
		return P_RANGE;
	if (neg)
		*out = v == lim_neg ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return P_OK;
}

/* Parse [-]digits[.digits] scaled by 10^decimals (0..GS_MAX_DECIMALS) into
 * *out; negative only if allow_negative ("-0" is 0). GS_EINPUT with a
 * message quoting s on any malformed, negative or overflowing input. */
int gs_decimal_parse(const char *s, int decimals, int allow_negative,
		     int64_t *out, gs_err *e)
{
	char q[QUOTE_BUF];
	int64_t v = 0;
	int r;

	if (decimals < 0 || decimals > GS_MAX_DECIMALS)
		return gs_fail(e, GS_EINTERNAL, "decimals %d out of range",
			       decimals);
	if (s == NULL || s[0] == '\0')
		return gs_fail(e, GS_EINPUT, "'' is not a number");
	r = parse_number(s, strlen(s), decimals, allow_negative, 0, &v);
	gs_quote(s, q, sizeof q);
	switch (r) {
	case P_OK:
		*out = v;
		return GS_OK;
	case P_NEGATIVE:
		return gs_fail(e, GS_EINPUT, "'%s' must not be negative", q);
	case P_DECIMALS:
		if (decimals == 0)
			return gs_fail(e, GS_EINPUT,
				       "'%s' must be a whole number", q);
		return gs_fail(e, GS_EINPUT, "'%s' has more than %d decimals",
			       q, decimals);
	case P_RANGE:
		return gs_fail(e, GS_EINPUT, "'%s' is too large", q);
	default:
		return gs_fail(e, GS_EINPUT, "'%s' is not a number", q);
	}
}

/* Parse a non-negative amount of credits into base units (10^decimals). */
int gs_amount_parse(const char *s, int decimals, int64_t *out, gs_err *e)
{
	return gs_decimal_parse(s, decimals, 0, out, e);
}

/* Parse a price in credits per kWh (may be negative) into base units. */
int gs_price_parse(const char *s, int decimals, int64_t *out, gs_err *e)
{
	return gs_decimal_parse(s, decimals, 1, out, e);
}

/* A unit suffix and its power of ten relative to the base unit. */
struct unit {
	const char *name;
	int exp;
};

/* 1 if s consists of ASCII letters only (or is empty). */
static int letters_only(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

/* Parse a non-negative number directly followed by one of units (NULL-name
 * terminated; base is the base unit, e.g. "Wh") into a whole count of base
 * units. kind ("an energy"), example ("1.5kWh") and hint (the units) are
 * used in messages. */
static int parse_unit(const char *s, const struct unit *units,
		      const char *base, const char *kind, const char *example,
		      const char *hint, int64_t *out, gs_err *e)
{
	char q[QUOTE_BUF];
	const struct unit *u;
	size_t len, nlen;
	int64_t v = 0;
	int r;

	if (s == NULL)
		s = "";
	gs_quote(s, q, sizeof q);
	len = strlen(s);
	/* the unit starts at the first letter */
	for (nlen = 0; nlen < len; nlen++) {
		char c = s[nlen];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			break;
	}
	if (nlen == 0 || parse_number(s, nlen, 0, 1, 1, &v) == P_NOTNUM ||
	    !letters_only(s + nlen))
		return gs_fail(e, GS_EINPUT, "'%s' is not %s such as %s", q,
			       kind, example);
	if (nlen == len)
		return gs_fail(e, GS_EINPUT, "'%s' needs a unit (%s)", q, hint);
	for (u = units; u->name != NULL; u++)
		if (strcmp(s + nlen, u->name) == 0)
			break;
	if (u->name == NULL)
		return gs_fail(e, GS_EINPUT,
			       "'%s' has an unknown unit (use %s)", q, hint);
	r = parse_number(s, nlen, u->exp, 0, 1, &v);
	switch (r) {
	case P_OK:
		*out = v;
		return GS_OK;
	case P_NEGATIVE:
		return gs_fail(e, GS_EINPUT, "'%s' must not be negative", q);
	case P_DECIMALS:
		return gs_fail(e, GS_EINPUT, "'%s' is not a whole number of %s",
			       q, base);
	default:
		return gs_fail(e, GS_EINPUT, "'%s' is too large", q);
	}
}

static const struct unit energy_units[] = {
	{ "Wh", 0 }, { "kWh", 3 }, { "MWh", 6 }, { "GWh", 9 }, { NULL, 0 }
};
static const struct unit power_units[] = {
	{ "W", 0 }, { "kW", 3 }, { "MW", 6 }, { "GW", 9 }, { NULL, 0 }
};

/* Parse energy "1.5kWh", "1500Wh", "2MWh", "0.001GWh" into whole Wh >= 0. */
int gs_energy_parse(const char *s, int64_t *wh, gs_err *e)
{
	return parse_unit(s, energy_units, "Wh", "an energy", "1.5kWh",
			  "Wh, kWh or MWh", wh, e);
}

/* Parse power "5kW", "5000W", "1.5MW", "1GW" into whole W >= 0. */
int gs_power_parse(const char *s, int64_t *w, gs_err *e)
{
	return parse_unit(s, power_units, "W", "a power", "5kW",
			  "W, kW or MW", w, e);
}

/* Write v / 10^decimals (decimals 0..40; negative taken as 0) as the
 * shortest exact decimal into buf (size n, truncated if short; needs 32
 * for GS_MAX_DECIMALS); return buf. */
char *gs_decimal_format(int64_t v, int decimals, char *buf, size_t n)
{
	char digits[64], out[64];
	uint64_t m;
	size_t nd = 0, j = 0, ip, i, end;

	if (decimals < 0)
		decimals = 0;
	if (decimals > 40)
		decimals = 40;
	/* magnitude without overflow, also for INT64_MIN */
	m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		digits[nd++] = (char)('0' + m % 10);
		m /= 10;
	} while (m != 0);
	while (nd < (size_t)decimals + 1)	/* at least one integer digit */
		digits[nd++] = '0';
	/* digits[] is little-endian; ip = number of integer digits */
	ip = nd - (size_t)decimals;
	if (v < 0)
		out[j++] = '-';
	for (i = 0; i < ip; i++)
		out[j++] = digits[nd - 1 - i];
	/* fraction digits are digits[decimals-1 .. 0]; trim trailing zeros */
	end = 0;
	while (end < (size_t)decimals && digits[end] == '0')
		end++;
	if (end < (size_t)decimals) {
		out[j++] = '.';
		for (i = (size_t)decimals; i > end; i--)
			out[j++] = digits[i - 1];
	}
	out[j] = '\0';
	if (n > 0)
		snprintf(buf, n, "%s", out);
	return buf;
}

/* Write energy in Wh as kWh, e.g. "1.5kWh", "0.001kWh", "0kWh"; return buf. */
char *gs_energy_format(int64_t wh, char *buf, size_t n)
{
	char num[64];

	gs_decimal_format(wh, 3, num, sizeof num);
	if (n > 0)
		snprintf(buf, n, "%skWh", num);
	return buf;
}

/* Write power in W as kW, e.g. "5kW", "0.25kW"; return buf. */
char *gs_power_format(int64_t w, char *buf, size_t n)
{
	char num[64];

	gs_decimal_format(w, 3, num, sizeof num);
	if (n > 0)
		snprintf(buf, n, "%skW", num);
	return buf;
}
