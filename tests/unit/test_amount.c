/* test_amount.c - unit tests for amount.c: checked math, parse, format. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define SENTINEL INT64_C(-424242)

/* Assert gs_decimal_parse(s, dec, neg) succeeds with want. */
static void dec_ok(const char *s, int dec, int neg, int64_t want)
{
	gs_err e = { 0 };
	int64_t v = SENTINEL;
	int r = gs_decimal_parse(s, dec, neg, &v, &e);

	ck_assert_msg(r == GS_OK, "parse '%s' dec %d: %d %s", s, dec, r,
		      e.msg);
	ck_assert_msg(v == want, "parse '%s' dec %d: got %lld want %lld", s,
		      dec, (long long)v, (long long)want);
}

/* Assert gs_decimal_parse(s, dec, neg) fails with GS_EINPUT and msg,
 * leaving the output untouched. */
static void dec_bad(const char *s, int dec, int neg, const char *msg)
{
	gs_err e = { 0 };
	int64_t v = SENTINEL;
	int r = gs_decimal_parse(s, dec, neg, &v, &e);

	ck_assert_msg(r == GS_EINPUT, "parse '%s' dec %d: returned %d", s, dec,
		      r);
	ck_assert_int_eq(e.code, GS_EINPUT);
	ck_assert_str_eq(e.msg, msg);
	ck_assert_msg(v == SENTINEL, "parse '%s' changed the output", s);
}

/* Assert an energy (power if power) parse of s gives want. */
static void unit_ok(int power, const char *s, int64_t want)
{
	gs_err e = { 0 };
	int64_t v = SENTINEL;
	int r = power ? gs_power_parse(s, &v, &e) : gs_energy_parse(s, &v, &e);

	ck_assert_msg(r == GS_OK, "parse '%s': %d %s", s, r, e.msg);
	ck_assert_msg(v == want, "parse '%s': got %lld want %lld", s,
		      (long long)v, (long long)want);
}

/* Assert an energy (power if power) parse of s fails with msg. */
static void unit_bad(int power, const char *s, const char *msg)
{
	gs_err e = { 0 };
	int64_t v = SENTINEL;
	int r = power ? gs_power_parse(s, &v, &e) : gs_energy_parse(s, &v, &e);

	ck_assert_msg(r == GS_EINPUT, "parse '%s': returned %d", s, r);
	ck_assert_str_eq(e.msg, msg);
	ck_assert_msg(v == SENTINEL, "parse '%s' changed the output", s);
}

/* Assert gs_decimal_format(v, dec) is want. */
static void fmt_is(int64_t v, int dec, const char *want)
{
	char buf[64];

	ck_assert_ptr_eq(gs_decimal_format(v, dec, buf, sizeof buf), buf);
	ck_assert_msg(strcmp(buf, want) == 0, "format %lld dec %d: '%s' "
		      "want '%s'", (long long)v, dec, buf, want);
}

/* Deterministic pseudo-random 64-bit values (xorshift64*). */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* Checked add and subtract at the int64 limits. */
START_TEST(add_sub)
{
	int64_t r = 5;

	ck_assert_int_eq(gs_add(2, 3, &r), 0);
	ck_assert_int_eq(r, 5);
	ck_assert_int_eq(gs_add(INT64_MAX - 1, 1, &r), 0);
	ck_assert_int_eq(r, INT64_MAX);
	r = 7;
	ck_assert_int_eq(gs_add(INT64_MAX, 1, &r), -1);
	ck_assert_int_eq(r, 7);
	ck_assert_int_eq(gs_add(INT64_MIN, -1, &r), -1);
	ck_assert_int_eq(gs_add(INT64_MIN, INT64_MAX, &r), 0);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(gs_sub(5, 7, &r), 0);
	ck_assert_int_eq(r, -2);
	ck_assert_int_eq(gs_sub(INT64_MIN + 1, 1, &r), 0);
	ck_assert_int_eq(r, INT64_MIN);
	r = 7;
	ck_assert_int_eq(gs_sub(INT64_MIN, 1, &r), -1);
	ck_assert_int_eq(gs_sub(0, INT64_MIN, &r), -1);
	ck_assert_int_eq(gs_sub(INT64_MAX, -1, &r), -1);
	ck_assert_int_eq(r, 7);
	ck_assert_int_eq(gs_sub(-1, INT64_MIN, &r), 0);
	ck_assert_int_eq(r, INT64_MAX);
}
END_TEST

/* floor(a*b/d) for all signs, 128-bit products, overflow. */
START_TEST(muldiv_floor)
{
	int64_t r = 0;

	ck_assert_int_eq(gs_muldiv_floor(1500, 1, 1000, &r), 0);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(gs_muldiv_floor(-1500, 1, 1000, &r), 0);
	ck_assert_int_eq(r, -2);
	ck_assert_int_eq(gs_muldiv_floor(-1, 1, 1000, &r), 0);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(gs_muldiv_floor(1, -1, 1000, &r), 0);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(gs_muldiv_floor(-1, -1, 1000, &r), 0);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(gs_muldiv_floor(-2000, 1, 1000, &r), 0);
	ck_assert_int_eq(r, -2);
	ck_assert_int_eq(gs_muldiv_floor(0, -7, 3, &r), 0);
	ck_assert_int_eq(r, 0);
	/* DESIGN §6: 1500 Wh at -5 per kWh: receive floor(-7.5) = -8 */
	ck_assert_int_eq(gs_muldiv_floor(1500, -5, 1000, &r), 0);
	ck_assert_int_eq(r, -8);
	ck_assert_int_eq(gs_muldiv_floor(1500, 210000, 1000, &r), 0);
	ck_assert_int_eq(r, 315000);
	ck_assert_int_eq(gs_muldiv_floor(1, 1, 3, &r), 0);
	ck_assert_int_eq(r, 0);
	/* the product needs 128 bits */
	ck_assert_int_eq(gs_muldiv_floor(INT64_MAX, INT64_MAX, INT64_MAX,
					 &r), 0);
	ck_assert_int_eq(r, INT64_MAX);
	ck_assert_int_eq(gs_muldiv_floor(INT64_MIN, INT64_MAX, INT64_MAX,
					 &r), 0);
	ck_assert_int_eq(r, INT64_MIN);
	ck_assert_int_eq(gs_muldiv_floor(INT64_MIN, INT64_MIN, INT64_MAX,
					 &r), -1);
	ck_assert_int_eq(gs_muldiv_floor(INT64_MAX, 3, 2, &r), -1);
	ck_assert_int_eq(gs_muldiv_floor(INT64_MIN, -1, 1, &r), -1);
	ck_assert_int_eq(gs_muldiv_floor(INT64_MIN, 1, 1, &r), 0);
	ck_assert_int_eq(r, INT64_MIN);
	/* (2^32-1)(2^32+1) = 2^64-1; /2 floors to INT64_MAX */
	ck_assert_int_eq(gs_muldiv_floor(INT64_C(4294967295),
					 INT64_C(4294967297), 2, &r), 0);
	ck_assert_int_eq(r, INT64_MAX);
	/* -(2^64+1)/2 floors to -2^63-1: overflow */
	r = 9;
	ck_assert_int_eq(gs_muldiv_floor(INT64_C(-274177),
					 INT64_C(67280421310721), 2, &r), -1);
	ck_assert_int_eq(r, 9);
	/* d must be positive */
	ck_assert_int_eq(gs_muldiv_floor(1, 1, 0, &r), -1);
	ck_assert_int_eq(gs_muldiv_floor(1, 1, -1, &r), -1);
}
END_TEST

/* ceil(a*b/d) for all signs, 128-bit products, overflow. */
START_TEST(muldiv_ceil)
{
	int64_t r = 0;

	ck_assert_int_eq(gs_muldiv_ceil(-1, 1, 1000, &r), 0);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(gs_muldiv_ceil(1, 1, 1000, &r), 0);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(gs_muldiv_ceil(1500, 1, 1000, &r), 0);
	ck_assert_int_eq(r, 2);
	ck_assert_int_eq(gs_muldiv_ceil(-1500, 1, 1000, &r), 0);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(gs_muldiv_ceil(2000, 1, 1000, &r), 0);
	ck_assert_int_eq(r, 2);
	ck_assert_int_eq(gs_muldiv_ceil(-2000, 1, 1000, &r), 0);
	ck_assert_int_eq(r, -2);
	ck_assert_int_eq(gs_muldiv_ceil(-1, -1, 1000, &r), 0);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(gs_muldiv_ceil(0, 5, 7, &r), 0);
	ck_assert_int_eq(r, 0);
	/* DESIGN §6: 1500 Wh at -5 per kWh: pay ceil(-7.5) = -7 */
	ck_assert_int_eq(gs_muldiv_ceil(1500, -5, 1000, &r), 0);
	ck_assert_int_eq(r, -7);
	ck_assert_int_eq(gs_muldiv_ceil(INT64_MAX, INT64_MAX, INT64_MAX, &r),
			 0);
	ck_assert_int_eq(r, INT64_MAX);
	/* 2^64-1 over 2: ceil is 2^63, overflow (floor fits, above) */
	r = 9;
	ck_assert_int_eq(gs_muldiv_ceil(INT64_C(4294967295),
					INT64_C(4294967297), 2, &r), -1);
	ck_assert_int_eq(r, 9);
	/* -(2^64+1) over 2: ceil is -2^63, fits (floor overflows, above) */
	ck_assert_int_eq(gs_muldiv_ceil(INT64_C(-274177),
					INT64_C(67280421310721), 2, &r), 0);
	ck_assert_int_eq(r, INT64_MIN);
	ck_assert_int_eq(gs_muldiv_ceil(INT64_MIN, -1, 1, &r), -1);
	ck_assert_int_eq(gs_muldiv_ceil(1, 1, 0, &r), -1);
}
END_TEST

/* floor and ceil agree with each other and with exact division. */
START_TEST(muldiv_sweep)
{
	static const int64_t vals[] = { -3001, -3000, -2999, -1001, -1000,
					-999, -1, 0, 1, 999, 1000, 1001, 2999,
					3000, 3001 };
	size_t i, j;

	for (i = 0; i < sizeof vals / sizeof vals[0]; i++)
		for (j = 0; j < sizeof vals / sizeof vals[0]; j++) {
			int64_t a = vals[i], b = vals[j], f = 0, c = 0;
			int64_t p = a * b;

			ck_assert_int_eq(gs_muldiv_floor(a, b, 1000, &f), 0);
			ck_assert_int_eq(gs_muldiv_ceil(a, b, 1000, &c), 0);
			ck_assert(f * 1000 <= p && p < (f + 1) * 1000);
			ck_assert(c * 1000 >= p && p > (c - 1) * 1000);
			ck_assert_int_eq(c - f, p % 1000 != 0);
		}
}
END_TEST

/* floor(a/d) rounds toward minus infinity. */
START_TEST(floordiv)
{
	ck_assert_int_eq(gs_floordiv(-1500, 1000), -2);
	ck_assert_int_eq(gs_floordiv(1500, 1000), 1);
	ck_assert_int_eq(gs_floordiv(-1000, 1000), -1);
	ck_assert_int_eq(gs_floordiv(-1, 900), -1);
	ck_assert_int_eq(gs_floordiv(-900, 900), -1);
	ck_assert_int_eq(gs_floordiv(-901, 900), -2);
	ck_assert_int_eq(gs_floordiv(0, 5), 0);
	ck_assert_int_eq(gs_floordiv(899, 900), 0);
	ck_assert_int_eq(gs_floordiv(INT64_MIN, 1), INT64_MIN);
	ck_assert_int_eq(gs_floordiv(INT64_MIN, 2), INT64_MIN / 2);
	ck_assert_int_eq(gs_floordiv(INT64_MIN, INT64_MAX), -2);
	ck_assert_int_eq(gs_floordiv(INT64_MIN + 1, INT64_MAX), -1);
	ck_assert_int_eq(gs_floordiv(INT64_MAX, INT64_MAX), 1);
	ck_assert_int_eq(gs_floordiv(INT64_MAX, 2), INT64_MAX / 2);
	ck_assert_int_eq(gs_floordiv(-INT64_MAX, 2), -(INT64_MAX / 2) - 1);
}
END_TEST

/* Accepted decimal numbers and their scaled values. */
START_TEST(decimal_parse_ok)
{
	dec_ok("12", 6, 0, 12000000);
	dec_ok("12.5", 6, 0, 12500000);
	dec_ok("-0.5", 6, 1, -500000);
	dec_ok("-0", 6, 0, 0);
	dec_ok("-0", 6, 1, 0);
	dec_ok("-0.000", 6, 0, 0);
	dec_ok("0", 0, 0, 0);
	dec_ok("007", 6, 0, 7000000);
	dec_ok("0.000001", 6, 0, 1);
	dec_ok("1.123456", 6, 0, 1123456);
	dec_ok("1.10", 2, 0, 110);
	dec_ok("1.1", 2, 0, 110);
	dec_ok("0.21", 6, 1, 210000);
	dec_ok("-0.05", 6, 1, -50000);
	dec_ok("42", 0, 0, 42);
	dec_ok("0.000000000001", 12, 0, 1);
	dec_ok("9223372.036854775807", 12, 0, INT64_MAX);
	dec_ok("-9223372.036854775808", 12, 1, INT64_MIN);
	dec_ok("9223372036854775807", 0, 0, INT64_MAX);
	dec_ok("-9223372036854775808", 0, 1, INT64_MIN);
	dec_ok("9223372036854.775807", 6, 0, INT64_MAX);
	dec_ok("-9223372036854.775808", 6, 1, INT64_MIN);
	dec_ok("000000000000000000000000000000000001", 0, 0, 1);
	dec_ok("0000000000000000000000009223372036854775807", 0, 0,
	       INT64_MAX);
}
END_TEST

/* Every rejected decimal form with its exact message. */
START_TEST(decimal_parse_bad)
{
	dec_bad("", 6, 1, "'' is not a number");
	dec_bad(NULL, 6, 1, "'' is not a number");
	dec_bad("+1", 6, 1, "'+1' is not a number");
	dec_bad(" 1", 6, 1, "' 1' is not a number");
	dec_bad("1 ", 6, 1, "'1 ' is not a number");
	dec_bad(".5", 6, 1, "'.5' is not a number");
	dec_bad("5.", 6, 1, "'5.' is not a number");
	dec_bad("-.5", 6, 1, "'-.5' is not a number");
	dec_bad("1e3", 6, 1, "'1e3' is not a number");
	dec_bad("1,5", 6, 1, "'1,5' is not a number");
	dec_bad("0x10", 6, 1, "'0x10' is not a number");
	dec_bad("--1", 6, 1, "'--1' is not a number");
	dec_bad("-", 6, 1, "'-' is not a number");
	dec_bad("abc", 6, 1, "'abc' is not a number");
	dec_bad("1.2.3", 6, 1, "'1.2.3' is not a number");
	dec_bad("1..2", 6, 1, "'1..2' is not a number");
	dec_bad("12kWh", 6, 1, "'12kWh' is not a number");
	dec_bad("1\n", 6, 1, "'1?' is not a number");
	dec_bad("-5", 6, 0, "'-5' must not be negative");
	dec_bad("-0.000001", 6, 0, "'-0.000001' must not be negative");
	dec_bad("-99999999999999999999", 6, 0,
		"'-99999999999999999999' must not be negative");
	dec_bad("1.2345678", 6, 0, "'1.2345678' has more than 6 decimals");
	dec_bad("1.5000000", 6, 0, "'1.5000000' has more than 6 decimals");
	dec_bad("0.0000000000001", 12, 0,
		"'0.0000000000001' has more than 12 decimals");
	dec_bad("1.5", 0, 0, "'1.5' must be a whole number");
	dec_bad("1.0", 0, 0, "'1.0' must be a whole number");
	dec_bad("9223372036854775808", 0, 0,
		"'9223372036854775808' is too large");
	dec_bad("-9223372036854775809", 0, 1,
		"'-9223372036854775809' is too large");
	dec_bad("9223372036854.775808", 6, 1,
		"'9223372036854.775808' is too large");
	dec_bad("-9223372036854.775809", 6, 1,
		"'-9223372036854.775809' is too large");
	dec_bad("9223372036855", 6, 0, "'9223372036855' is too large");
	dec_bad("99999999999999999999", 6, 0,
		"'99999999999999999999' is too large");
	dec_bad("99999999999999999999999999999999999999999999999999", 0, 0,
		"'9999999999999999999999999999999999999999...' is too large");
	dec_bad("1111111111222222222233333333334444444444x", 6, 0,
		"'1111111111222222222233333333334444444444...' is not a "
		"number");
	dec_bad("111111111122222222223333333333444444444x", 6, 0,
		"'111111111122222222223333333333444444444x' is not a number");
}
END_TEST

/* decimals outside 0..GS_MAX_DECIMALS is an internal error. */
START_TEST(decimal_parse_decimals_range)
{
	gs_err e = { 0 };
	int64_t v = SENTINEL;

	ck_assert_int_eq(gs_decimal_parse("1", 13, 0, &v, &e), GS_EINTERNAL);
	ck_assert_int_eq(gs_decimal_parse("1", -1, 0, &v, &e), GS_EINTERNAL);
	ck_assert_int_eq(v, SENTINEL);
	ck_assert_int_eq(gs_decimal_parse("1", GS_MAX_DECIMALS, 0, &v, &e),
			 GS_OK);
	ck_assert_int_eq(v, INT64_C(1000000000000));
	/* errors without a gs_err still return the code */
	ck_assert_int_eq(gs_decimal_parse("x", 6, 0, &v, NULL), GS_EINPUT);
}
END_TEST

/* Amounts refuse negatives, prices allow them. */
START_TEST(amount_and_price)
{
	gs_err e = { 0 };
	int64_t v = SENTINEL;

	ck_assert_int_eq(gs_amount_parse("12.5", 6, &v, &e), GS_OK);
	ck_assert_int_eq(v, 12500000);
	ck_assert_int_eq(gs_amount_parse("3", 2, &v, &e), GS_OK);
	ck_assert_int_eq(v, 300);
	v = SENTINEL;
	ck_assert_int_eq(gs_amount_parse("-1", 6, &v, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "'-1' must not be negative");
	ck_assert_int_eq(v, SENTINEL);
	ck_assert_int_eq(gs_amount_parse("1.1234567", 6, &v, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "'1.1234567' has more than 6 decimals");
	ck_assert_int_eq(gs_price_parse("0.21", 6, &v, &e), GS_OK);
	ck_assert_int_eq(v, 210000);
	ck_assert_int_eq(gs_price_parse("-0.05", 6, &v, &e), GS_OK);
	ck_assert_int_eq(v, -50000);
	ck_assert_int_eq(gs_price_parse("+0.05", 6, &v, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "'+0.05' is not a number");
}
END_TEST

/* Accepted energies in Wh, kWh, MWh and GWh. */
START_TEST(energy_parse_ok)
{
	unit_ok(0, "1.5kWh", 1500);
	unit_ok(0, "1500Wh", 1500);
	unit_ok(0, "2MWh", 2000000);
	unit_ok(0, "0.001kWh", 1);
	unit_ok(0, "1.0Wh", 1);
	unit_ok(0, "1.5000kWh", 1500);
	unit_ok(0, "1.500000000000000000000kWh", 1500);
	unit_ok(0, "0Wh", 0);
	unit_ok(0, "-0kWh", 0);
	unit_ok(0, "007kWh", 7000);
	unit_ok(0, "0.000001MWh", 1);
	unit_ok(0, "1.234567MWh", 1234567);
	unit_ok(0, "1GWh", 1000000000);
	unit_ok(0, "0.000000001GWh", 1);
	unit_ok(0, "9223372036854775807Wh", INT64_MAX);
	unit_ok(0, "9223372036854775.807kWh", INT64_MAX);
	unit_ok(0, "9223372036.854775807GWh", INT64_MAX);
}
END_TEST

/* Rejected energies with their exact messages. */
START_TEST(energy_parse_bad)
{
	unit_bad(0, "12", "'12' needs a unit (Wh, kWh or MWh)");
	unit_bad(0, "1.5", "'1.5' needs a unit (Wh, kWh or MWh)");
	unit_bad(0, "1.5Wh", "'1.5Wh' is not a whole number of Wh");
	unit_bad(0, "0.0001kWh", "'0.0001kWh' is not a whole number of Wh");
	unit_bad(0, "0.0000001MWh",
		 "'0.0000001MWh' is not a whole number of Wh");
	unit_bad(0, "12kwh", "'12kwh' has an unknown unit (use Wh, kWh or MWh)");
	unit_bad(0, "12KWH", "'12KWH' has an unknown unit (use Wh, kWh or MWh)");
	unit_bad(0, "12wh", "'12wh' has an unknown unit (use Wh, kWh or MWh)");
	unit_bad(0, "1W", "'1W' has an unknown unit (use Wh, kWh or MWh)");
	unit_bad(0, "1kWhh", "'1kWhh' has an unknown unit (use Wh, kWh or MWh)");
	unit_bad(0, "12 kWh", "'12 kWh' is not an energy such as 1.5kWh");
	unit_bad(0, " 12kWh", "' 12kWh' is not an energy such as 1.5kWh");
	unit_bad(0, "12kWh ", "'12kWh ' is not an energy such as 1.5kWh");
	unit_bad(0, "kWh", "'kWh' is not an energy such as 1.5kWh");
	unit_bad(0, "", "'' is not an energy such as 1.5kWh");
	unit_bad(0, NULL, "'' is not an energy such as 1.5kWh");
	unit_bad(0, "+1kWh", "'+1kWh' is not an energy such as 1.5kWh");
	unit_bad(0, "1e3Wh", "'1e3Wh' is not an energy such as 1.5kWh");
	unit_bad(0, ".5kWh", "'.5kWh' is not an energy such as 1.5kWh");
	unit_bad(0, "5.kWh", "'5.kWh' is not an energy such as 1.5kWh");
	unit_bad(0, "1,5kWh", "'1,5kWh' is not an energy such as 1.5kWh");
	unit_bad(0, "-1kWh", "'-1kWh' must not be negative");
	unit_bad(0, "-0.001kWh", "'-0.001kWh' must not be negative");
	unit_bad(0, "9223372036854775808Wh",
		 "'9223372036854775808Wh' is too large");
	unit_bad(0, "9223372036854775.808kWh",
		 "'9223372036854775.808kWh' is too large");
	unit_bad(0, "9223372036854776kWh",
		 "'9223372036854776kWh' is too large");
	unit_bad(0, "99999999999999999999MWh",
		 "'99999999999999999999MWh' is too large");
}
END_TEST

/* Power in W, kW, MW, GW: accepted and rejected forms. */
START_TEST(power_parse)
{
	unit_ok(1, "5kW", 5000);
	unit_ok(1, "5000W", 5000);
	unit_ok(1, "1.5MW", 1500000);
	unit_ok(1, "0.25kW", 250);
	unit_ok(1, "1GW", 1000000000);
	unit_ok(1, "0W", 0);
	unit_ok(1, "9223372036854775807W", INT64_MAX);
	unit_bad(1, "5", "'5' needs a unit (W, kW or MW)");
	unit_bad(1, "1.5W", "'1.5W' is not a whole number of W");
	unit_bad(1, "0.0005kW", "'0.0005kW' is not a whole number of W");
	unit_bad(1, "5kWh", "'5kWh' has an unknown unit (use W, kW or MW)");
	unit_bad(1, "5kw", "'5kw' has an unknown unit (use W, kW or MW)");
	unit_bad(1, "5 kW", "'5 kW' is not a power such as 5kW");
	unit_bad(1, "kW", "'kW' is not a power such as 5kW");
	unit_bad(1, "-5kW", "'-5kW' must not be negative");
	unit_bad(1, "9223372036854776kW", "'9223372036854776kW' is too large");
}
END_TEST

/* Shortest exact decimal output, including the int64 limits. */
START_TEST(decimal_format)
{
	fmt_is(12500000, 6, "12.5");
	fmt_is(12000000, 6, "12");
	fmt_is(0, 6, "0");
	fmt_is(0, 0, "0");
	fmt_is(-500000, 6, "-0.5");
	fmt_is(1, 6, "0.000001");
	fmt_is(-1, 6, "-0.000001");
	fmt_is(1234567, 6, "1.234567");
	fmt_is(-1234567, 6, "-1.234567");
	fmt_is(1000000, 6, "1");
	fmt_is(10, 6, "0.00001");
	fmt_is(123, 0, "123");
	fmt_is(-123, 0, "-123");
	fmt_is(120, 2, "1.2");
	fmt_is(INT64_MAX, 6, "9223372036854.775807");
	fmt_is(INT64_MIN, 6, "-9223372036854.775808");
	fmt_is(INT64_MAX, 0, "9223372036854775807");
	fmt_is(INT64_MIN, 0, "-9223372036854775808");
	fmt_is(1, 12, "0.000000000001");
	fmt_is(INT64_MIN, 12, "-9223372.036854775808");
	fmt_is(INT64_C(-9000000000000), 12, "-9");
}
END_TEST

/* A short buffer gets a cut, NUL-terminated string; n == 0 is left alone. */
START_TEST(format_short_buffer)
{
	char buf[8];

	memset(buf, 'x', sizeof buf);
	ck_assert_ptr_eq(gs_decimal_format(12500000, 6, buf, 4), buf);
	ck_assert_str_eq(buf, "12.");
	ck_assert_int_eq(buf[4], 'x');
	memset(buf, 'x', sizeof buf);
	gs_decimal_format(12500000, 6, buf, 0);
	ck_assert_int_eq(buf[0], 'x');
	gs_energy_format(1500, buf, 5);
	ck_assert_str_eq(buf, "1.5k");
	gs_power_format(5000, buf, 3);
	ck_assert_str_eq(buf, "5k");
}
END_TEST

/* Energy shown in kWh and power in kW. */
START_TEST(energy_power_format)
{
	char buf[40];

	ck_assert_str_eq(gs_energy_format(1500, buf, sizeof buf), "1.5kWh");
	ck_assert_str_eq(gs_energy_format(1, buf, sizeof buf), "0.001kWh");
	ck_assert_str_eq(gs_energy_format(0, buf, sizeof buf), "0kWh");
	ck_assert_str_eq(gs_energy_format(-1500, buf, sizeof buf), "-1.5kWh");
	ck_assert_str_eq(gs_energy_format(1000000, buf, sizeof buf),
			 "1000kWh");
	ck_assert_str_eq(gs_energy_format(INT64_MAX, buf, sizeof buf),
			 "9223372036854775.807kWh");
	ck_assert_str_eq(gs_energy_format(INT64_MIN, buf, sizeof buf),
			 "-9223372036854775.808kWh");
	ck_assert_str_eq(gs_power_format(5000, buf, sizeof buf), "5kW");
	ck_assert_str_eq(gs_power_format(250, buf, sizeof buf), "0.25kW");
	ck_assert_str_eq(gs_power_format(-250, buf, sizeof buf), "-0.25kW");
	ck_assert_str_eq(gs_power_format(0, buf, sizeof buf), "0kW");
	ck_assert_str_eq(gs_power_format(1, buf, sizeof buf), "0.001kW");
}
END_TEST

/* parse(format(v)) == v for many values and every number of decimals. */
START_TEST(decimal_round_trip)
{
	static const int64_t edge[] = { 0, 1, -1, 9, 10, -10, 999999,
					1000000, -1000000, INT64_MAX,
					INT64_MIN, INT64_MAX - 1,
					INT64_MIN + 1 };
	uint64_t seed = UINT64_C(0x9e3779b97f4a7c15);
	int dec, i;

	for (dec = 0; dec <= GS_MAX_DECIMALS; dec++) {
		for (i = 0; i < 2000; i++) {
			char buf[40];
			int64_t v, back = SENTINEL;
			gs_err e = { 0 };

			if (i < (int)(sizeof edge / sizeof edge[0]))
				v = edge[i];
			else
				v = (int64_t)(rnd(&seed) >> (i % 64));
			if (i % 2 && v != INT64_MIN)
				v = -v;
			gs_decimal_format(v, dec, buf, sizeof buf);
			ck_assert_msg(gs_decimal_parse(buf, dec, 1, &back, &e)
				      == GS_OK, "'%s': %s", buf, e.msg);
			ck_assert_msg(back == v, "'%s' dec %d: %lld != %lld",
				      buf, dec, (long long)back, (long long)v);
			/* shortest: no trailing zero after a point */
			ck_assert(strchr(buf, '.') == NULL ||
				  buf[strlen(buf) - 1] != '0');
		}
	}
}
END_TEST

/* Energy and power formats parse back to the same value. */
START_TEST(energy_round_trip)
{
	uint64_t seed = 12345;
	int i;

	for (i = 0; i < 5000; i++) {
		char buf[40];
		int64_t v = (int64_t)(rnd(&seed) >> (1 + i % 63)), back = -1;
		gs_err e = { 0 };

		if (i == 0)
			v = INT64_MAX;
		gs_energy_format(v, buf, sizeof buf);
		ck_assert_msg(gs_energy_parse(buf, &back, &e) == GS_OK, "%s",
			      e.msg);
		ck_assert_int_eq(back, v);
		gs_power_format(v, buf, sizeof buf);
		ck_assert_msg(gs_power_parse(buf, &back, &e) == GS_OK, "%s",
			      e.msg);
		ck_assert_int_eq(back, v);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("amount");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, add_sub);
	tcase_add_test(tc, muldiv_floor);
	tcase_add_test(tc, muldiv_ceil);
	tcase_add_test(tc, muldiv_sweep);
	tcase_add_test(tc, floordiv);
	tcase_add_test(tc, decimal_parse_ok);
	tcase_add_test(tc, decimal_parse_bad);
	tcase_add_test(tc, decimal_parse_decimals_range);
	tcase_add_test(tc, amount_and_price);
	tcase_add_test(tc, energy_parse_ok);
	tcase_add_test(tc, energy_parse_bad);
	tcase_add_test(tc, power_parse);
	tcase_add_test(tc, decimal_format);
	tcase_add_test(tc, format_short_buffer);
	tcase_add_test(tc, energy_power_format);
	tcase_add_test(tc, decimal_round_trip);
	tcase_add_test(tc, energy_round_trip);
	suite_add_tcase(s, tc);
	return th_run(s);
}
