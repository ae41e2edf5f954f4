/* fuzz_parsers.c - libFuzzer target: the argument parsers on any string.
 *
 * Input: one byte of parameters, then the string (cut at its first NUL, as
 * an argv string would be). The parameter byte picks the decimals (0..12)
 * and the slot length. Every parser runs on the string:
 * gs_decimal_parse (both signs), gs_amount_parse, gs_price_parse,
 * gs_energy_parse, gs_power_parse, gs_time_parse and gs_slot_parse.
 *
 * Checked beyond the sanitizers:
 * - gs_decimal_parse agrees with a reference (grammar -?D+(.D+)?, at most
 *   `decimals` fraction digits, within int64, "-" only when allowed or
 *   when the value is zero) on acceptance and on the value;
 * - formatter round trips: gs_decimal_format then parse gives the value
 *   back, and the formatted text of a canonical input is the input;
 *   gs_energy_format / gs_power_format then parse give the Wh / W back;
 *   gs_time_format then gs_time_parse gives the time back; "#n" of a
 *   parsed slot parses to the same slot, and a slot given as a time is
 *   that time / slot_seconds;
 * - amount/price are decimal_parse without / with negatives;
 * - energy and power: value = number * 10^unit exactly (reference);
 * - errors are GS_EINPUT with a message, valid UTF-8 when the input is
 *   (GS_FUZZ_SKIP=utf8 skips this);
 * - with 24 more bytes: gs_muldiv_floor/ceil, gs_floordiv against 128-bit
 *   reference arithmetic.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridset.h"

static const int64_t slot_lengths[] = { 900, 60, 3600, 86400, 1, 7, 300,
					INT64_C(1) << 40 };

static void die(const char *what, const char *s, const char *msg)
{
	fprintf(stderr, "fuzz_parsers: %s('%s'): %s\n", what, s, msg);
	abort();
}

static int utf8_valid(const char *s)
{
	json_t *j = json_string(s);

	if (!j)
		return 0;
	json_decref(j);
	return 1;
}

/* A parser's error: GS_EINPUT, a message, valid UTF-8 if s is. */
static void check_err(const char *what, const char *s, int rc,
		      const gs_err *e)
{
	if (rc != GS_EINPUT || e->code != GS_EINPUT)
		die(what, s, "error code is not GS_EINPUT");
	if (e->msg[0] == '\0')
		die(what, s, "error without a message");
	if (utf8_valid(s) && !utf8_valid(e->msg) &&
	    !(getenv("GS_FUZZ_SKIP") && strstr(getenv("GS_FUZZ_SKIP"), "utf8")))
		die(what, s, "error message is not valid UTF-8");
}

/* Reference for [-]digits[.digits] scaled by 10^decimals: 1 with *out
 * when it must be accepted. */
static int ref_decimal(const char *s, int decimals, int allow_negative,
		       int64_t *out)
{
	const char *p = s;
	__int128 v = 0, lim = (__int128)INT64_MAX + 1;
	int neg = 0, fd = 0, id = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++, id++)
		if ((v = v * 10 + (*p - '0')) > lim)
			v = lim + 1;	/* saturate: too large in any case */
	if (id == 0)
		return 0;
	for (int k = 0; k < decimals; k++)
		if ((v *= 10) > lim * 10)
			v = lim * 10;
	if (*p == '.') {
		__int128 frac = 0, scale = 1;

		for (p++; *p >= '0' && *p <= '9'; p++, fd++) {
			if (fd >= decimals)
				return 0;
			frac = frac * 10 + (*p - '0');
		}
		if (fd == 0)
			return 0;
		for (int k = fd; k < decimals; k++)
			scale *= 10;
		v += frac * scale;
	}
	if (*p != '\0')
		return 0;
	if (neg && v != 0 && !allow_negative)
		return 0;
	if (v > (neg ? lim : lim - 1))
		return 0;
	*out = (int64_t)(neg ? -v : v);
	return 1;
}

/* 1 if s is the canonical form gs_decimal_format would give: no leading
 * zeros, no trailing fraction zeros, no "-0". */
static int canonical_decimal(const char *s)
{
	const char *p = s + (*s == '-'), *dot = strchr(s, '.');

	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return 0;
	if (dot && s[strlen(s) - 1] == '0')
		return 0;
	if (*s == '-' && strspn(p, "0.") == strlen(p))
		return 0;
	return 1;
}

static void decimal(const char *s, int decimals, int allow_negative)
{
	int64_t v = 12345, ref = 0, back = 0;
	char buf[64];
	gs_err e;
	int rc = gs_decimal_parse(s, decimals, allow_negative, &v, &e);
	int want = ref_decimal(s, decimals, allow_negative, &ref);

	if (rc != GS_OK) {
		check_err("gs_decimal_parse", s, rc, &e);
		if (want) {
			fprintf(stderr, "decimals %d, negative %d: %s\n", decimals,
				allow_negative, e.msg);
			die("gs_decimal_parse", s, "refused a valid number");
		}
		return;
	}
	if (!want)
		die("gs_decimal_parse", s, "accepted an invalid number");
	if (v != ref)
		die("gs_decimal_parse", s, "value differs from the reference");
	gs_decimal_format(v, decimals, buf, sizeof buf);
	if (gs_decimal_parse(buf, decimals, allow_negative, &back, &e) != GS_OK) {
		fprintf(stderr, "formatted '%s': %s\n", buf, e.msg);
		die("gs_decimal_format", s, "its output does not parse");
	}
	if (back != v)
		die("gs_decimal_format", s, "round trip changed the value");
	if (canonical_decimal(s) && strcmp(buf, s) != 0) {
		fprintf(stderr, "formatted '%s'\n", buf);
		die("gs_decimal_format", s, "canonical input formats otherwise");
	}
}

/* Reference for energy/power: number (no sign, at most exp fraction
 * digits beyond which only zeros) times 10^exp of the unit. */
static int ref_unit(const char *s, const char *const *units, int64_t *out)
{
	static const int exps[] = { 0, 3, 6, 9 };
	size_t nlen = strspn(s, "-0123456789.");
	char num[256];
	int64_t v;

	if (nlen == 0 || nlen >= sizeof num)
		return 0;
	for (int u = 0; u < 4; u++) {
		if (strcmp(s + nlen, units[u]) != 0)
			continue;
		memcpy(num, s, nlen);
		num[nlen] = '\0';
		/* trailing fraction zeros beyond the unit's digits are fine */
		if (strchr(num, '.')) {
			size_t n = nlen, dot = (size_t)(strchr(num, '.') - num);

			while (n > 0 && num[n - 1] == '0' &&
			       n - 1 - dot > (size_t)exps[u])
				num[--n] = '\0';
			if (n == dot + 1 && n < nlen)	/* "1.0" -> "1" */
				num[--n] = '\0';
		}
		if (!ref_decimal(num, exps[u], 0, &v))
			return 0;
		*out = v;
		return 1;
	}
	return 0;
}

static void unit(const char *s, int energy)
{
	static const char *const eu[] = { "Wh", "kWh", "MWh", "GWh" };
	static const char *const pu[] = { "W", "kW", "MW", "GW" };
	const char *what = energy ? "gs_energy_parse" : "gs_power_parse";
	int64_t v = -1, ref = 0, back = -1;
	char buf[64];
	gs_err e;
	int rc = energy ? gs_energy_parse(s, &v, &e) : gs_power_parse(s, &v, &e);
	int want = ref_unit(s, energy ? eu : pu, &ref);

	if (rc != GS_OK) {
		check_err(what, s, rc, &e);
		if (want) {
			fprintf(stderr, "%s\n", e.msg);
			die(what, s, "refused a valid quantity");
		}
		return;
	}
	if (!want)
		die(what, s, "accepted an invalid quantity");
	if (v != ref || v < 0)
		die(what, s, "value differs from the reference");
	if (energy)
		gs_energy_format(v, buf, sizeof buf);
	else
		gs_power_format(v, buf, sizeof buf);
	rc = energy ? gs_energy_parse(buf, &back, &e) : gs_power_parse(buf, &back, &e);
	if (rc != GS_OK || back != v) {
		fprintf(stderr, "formatted '%s': %s\n", buf, rc ? e.msg : "");
		die(what, s, "format/parse round trip failed");
	}
}

static void times(const char *s, int64_t slot_seconds)
{
	int64_t t = -1, back = -1, slot = -1, slot2 = -1;
	char buf[64];
	gs_err e;
	int rc = gs_time_parse(s, &t, &e);

	if (rc != GS_OK) {
		check_err("gs_time_parse", s, rc, &e);
	} else {
		if (t < 0 || t > INT64_C(253402300799))
			die("gs_time_parse", s, "time out of range");
		gs_time_format(t, buf, sizeof buf);
		if (gs_time_parse(buf, &back, &e) != GS_OK || back != t) {
			fprintf(stderr, "formatted '%s'\n", buf);
			die("gs_time_format", s, "round trip failed");
		}
	}
	rc = gs_slot_parse(s, slot_seconds, &slot, &e);
	if (rc != GS_OK) {
		check_err("gs_slot_parse", s, rc, &e);
		return;
	}
	if (slot < 0)
		die("gs_slot_parse", s, "negative slot");
	if (s[0] != '#') {
		if (t < 0 || t % slot_seconds != 0 || slot != t / slot_seconds)
			die("gs_slot_parse", s, "slot is not time / slot_seconds");
	} else {
		int64_t start;

		if (__builtin_mul_overflow(slot, slot_seconds, &start))
			die("gs_slot_parse", s, "slot start overflows");
		if (gs_slot_of(start, slot_seconds) != slot)
			die("gs_slot_of", s, "slot of its start differs");
	}
	snprintf(buf, sizeof buf, "#%lld", (long long)slot);
	if (gs_slot_parse(buf, slot_seconds, &slot2, &e) != GS_OK ||
	    slot2 != slot)
		die("gs_slot_parse", s, "'#n' round trip failed");
}

static int64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

static void arith(const uint8_t *p)
{
	int64_t a = rd64(p), b = rd64(p + 8), d = rd64(p + 16), r;
	__int128 prod = (__int128)a * b, q, rem;

	if (d <= 0) {
		if (gs_muldiv_floor(a, b, d, &r) != -1 ||
		    gs_muldiv_ceil(a, b, d, &r) != -1)
			die("gs_muldiv", "", "accepted d <= 0");
		return;
	}
	q = prod / d;
	rem = prod % d;
	if (rem != 0 && prod < 0)
		q -= 1;		/* floor */
	if (q < INT64_MIN || q > INT64_MAX) {
		if (gs_muldiv_floor(a, b, d, &r) != -1)
			die("gs_muldiv_floor", "", "missed an overflow");
	} else if (gs_muldiv_floor(a, b, d, &r) != 0 || r != (int64_t)q) {
		die("gs_muldiv_floor", "", "wrong result");
	}
	if (rem != 0)
		q += 1;		/* ceil = floor + 1 when inexact */
	if (q < INT64_MIN || q > INT64_MAX) {
		if (gs_muldiv_ceil(a, b, d, &r) != -1)
			die("gs_muldiv_ceil", "", "missed an overflow");
	} else if (gs_muldiv_ceil(a, b, d, &r) != 0 || r != (int64_t)q) {
		die("gs_muldiv_ceil", "", "wrong result");
	}
	q = (__int128)a / d;
	if ((__int128)a % d != 0 && a < 0)
		q -= 1;
	if (gs_floordiv(a, d) != (int64_t)q)
		die("gs_floordiv", "", "wrong result");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int decimals;
	int64_t slot_seconds, v1, v2;
	char *s;
	gs_err e1, e2;

	if (size < 1)
		return 0;
	decimals = data[0] % (GS_MAX_DECIMALS + 1);
	slot_seconds = slot_lengths[(data[0] >> 4) % 8];
	if (size >= 26 && data[1] == 'M') {	/* arithmetic mode */
		arith(data + 2);
		return 0;
	}
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	decimal(s, decimals, 0);
	decimal(s, decimals, 1);
	{
		int r1 = gs_amount_parse(s, decimals, &v1, &e1);
		int r2 = gs_decimal_parse(s, decimals, 0, &v2, &e2);

		if (r1 != r2 || (r1 == GS_OK && v1 != v2))
			die("gs_amount_parse", s, "differs from decimal_parse");
		r1 = gs_price_parse(s, decimals, &v1, &e1);
		r2 = gs_decimal_parse(s, decimals, 1, &v2, &e2);
		if (r1 != r2 || (r1 == GS_OK && v1 != v2))
			die("gs_price_parse", s, "differs from decimal_parse");
	}
	unit(s, 1);
	unit(s, 0);
	times(s, slot_seconds);
	free(s);
	return 0;
}
