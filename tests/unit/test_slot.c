/* test_slot.c - unit tests for slot.c (ISO-8601 UTC times and slots). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define SENTINEL INT64_C(-424242)
#define TIME_MAX INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */
#define BAD_FORMAT " is not a time (expected 2026-11-25T10:00:00Z, " \
	"2026-11-25 or Unix seconds)"

/* Assert gs_time_parse(s) gives want. */
static void time_ok(const char *s, int64_t want)
{
	gs_err e = { 0 };
	int64_t t = SENTINEL;
	int r = gs_time_parse(s, &t, &e);

	ck_assert_msg(r == GS_OK, "parse '%s': %d %s", s, r, e.msg);
	ck_assert_msg(t == want, "parse '%s': got %lld want %lld", s,
		      (long long)t, (long long)want);
}

/* Assert gs_time_parse(s) fails with GS_EINPUT and msg, output untouched. */
static void time_bad(const char *s, const char *msg)
{
	gs_err e = { 0 };
	int64_t t = SENTINEL;
	int r = gs_time_parse(s, &t, &e);

	ck_assert_msg(r == GS_EINPUT, "parse '%s': returned %d", s, r);
	ck_assert_int_eq(e.code, GS_EINPUT);
	ck_assert_str_eq(e.msg, msg);
	ck_assert_msg(t == SENTINEL, "parse '%s' changed the output", s);
}

/* Assert time_bad with the generic format message for s. */
static void time_malformed(const char *s)
{
	char msg[200];

	snprintf(msg, sizeof msg, "'%s'" BAD_FORMAT, s);
	time_bad(s, msg);
}

/* Assert gs_slot_parse(s, ss) gives want. */
static void slot_ok(const char *s, int64_t ss, int64_t want)
{
	gs_err e = { 0 };
	int64_t n = SENTINEL;
	int r = gs_slot_parse(s, ss, &n, &e);

	ck_assert_msg(r == GS_OK, "slot '%s': %d %s", s, r, e.msg);
	ck_assert_msg(n == want, "slot '%s': got %lld want %lld", s,
		      (long long)n, (long long)want);
}

/* Assert gs_slot_parse(s, ss) fails with code and msg. */
static void slot_bad(const char *s, int64_t ss, int code, const char *msg)
{
	gs_err e = { 0 };
	int64_t n = SENTINEL;
	int r = gs_slot_parse(s, ss, &n, &e);

	ck_assert_msg(r == code, "slot '%s': returned %d", s, r);
	ck_assert_int_eq(e.code, code);
	if (msg != NULL)
		ck_assert_str_eq(e.msg, msg);
	ck_assert_msg(n == SENTINEL, "slot '%s' changed the output", s);
}

/* 1 if y is a Gregorian leap year (reference for the sweep). */
static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The three ISO forms give the right Unix seconds. */
START_TEST(parse_forms)
{
	time_ok("2026-11-25T10:00:00Z", INT64_C(1795600800));
	time_ok("2026-11-25T10:00Z", INT64_C(1795600800));
	time_ok("2026-11-25", INT64_C(1795564800));
	time_ok("2026-11-25T10:05Z", INT64_C(1795601100));
	time_ok("2024-02-29T00:00:00Z", INT64_C(1709164800));
	time_ok("2024-02-29", INT64_C(1709164800));
	time_ok("2000-02-29T12:34:56Z", INT64_C(951827696));
	time_ok("1999-12-31T23:59:59Z", INT64_C(946684799));
	time_ok("2038-01-19T03:14:08Z", INT64_C(2147483648));
	time_ok("2400-02-29", INT64_C(13574563200));
	time_ok("9999-12-31T23:59:59Z", TIME_MAX);
	time_ok("9999-12-31T23:59Z", TIME_MAX - 59);
}
END_TEST

/* The epoch in every accepted form is 0. */
START_TEST(parse_epoch)
{
	time_ok("1970-01-01T00:00:00Z", 0);
	time_ok("1970-01-01T00:00Z", 0);
	time_ok("1970-01-01", 0);
	time_ok("1970-01-01T00:00:01Z", 1);
	time_ok("1970-01-02", 86400);
	time_ok("0", 0);
}
END_TEST

/* Plain Unix seconds: digits only, bounded by year 9999. */
START_TEST(parse_unix_seconds)
{
	time_ok("1795600800", INT64_C(1795600800));
	time_ok("007", 7);
	time_ok("253402300799", TIME_MAX);
	time_bad("253402300800", "'253402300800' is too large (after "
		 "9999-12-31T23:59:59Z)");
	time_bad("99999999999999999999", "'99999999999999999999' is too "
		 "large (after 9999-12-31T23:59:59Z)");
	time_bad("9223372036854775808", "'9223372036854775808' is too large "
		 "(after 9999-12-31T23:59:59Z)");
	time_bad("-5", "'-5' must not be negative");
	time_bad("-0", "'-0' must not be negative");
	time_malformed("+5");
	time_malformed("5 ");
	time_malformed(" 5");
	time_malformed("1.5");
	time_malformed("0x10");
	time_malformed("");
	time_bad(NULL, "''" BAD_FORMAT);
}
END_TEST

/* Malformed times get the generic message. */
START_TEST(parse_malformed)
{
	time_malformed("2026-11-25T10:00:00Zjunk");
	time_malformed("2026-11-25T10:00:00ZZ");
	time_malformed("2026-11-25 10:00:00Z");
	time_malformed("2026-11-25t10:00:00Z");
	time_malformed("2026-11-25T");
	time_malformed("2026-11-25T10Z");
	time_malformed("2026-11-25T10");
	time_malformed("2026-11-25T1:00Z");
	time_malformed("2026-11-25T10:0Z");
	time_malformed("2026-11-25T10:00:0Z");
	time_malformed("2026-11-25T10:00:");
	time_malformed("2026-11-25T10:00:00:00Z");
	time_malformed("2026-1-25");
	time_malformed("2026-11-5");
	time_malformed("26-11-25");
	time_malformed("02026-11-25");
	time_malformed("2026/11/25");
	time_ok("20261125", 20261125);	/* digits only: Unix seconds */
	time_malformed("2026-11-25x");
	time_malformed("2026-11-25 ");
	time_malformed(" 2026-11-25");
	time_malformed("2026-11-25TXX:00Z");
	time_malformed("2026-11-2");
	time_malformed("2026-");
	time_malformed("abc");
	time_malformed("-2026-11-25");
}
END_TEST

/* Offsets, missing or lowercase Z and fractions are refused. */
START_TEST(parse_only_utc)
{
	const char *m = "': only UTC times ending in Z are accepted";
	const char *bad[] = { "2026-11-25T10:00:00+01:00",
			      "2026-11-25T10:00+01:00",
			      "2026-11-25T10:00:00-05:00",
			      "2026-11-25T10:00:00+0000",
			      "2026-11-25T10:00:00z", "2026-11-25T10:00z",
			      "2026-11-25T10:00:00", "2026-11-25T10:00",
			      "2026-11-25T10:00:00Z+01:00", NULL };
	char msg[200];
	int i;

	for (i = 0; bad[i] != NULL; i++) {
		snprintf(msg, sizeof msg, "'%s%s", bad[i], m);
		time_bad(bad[i], msg);
	}
	time_bad("2026-11-25T10:00:00.5Z", "'2026-11-25T10:00:00.5Z': "
		 "fractional seconds are not accepted");
	time_bad("2026-11-25T10:00:00.000Z", "'2026-11-25T10:00:00.000Z': "
		 "fractional seconds are not accepted");
	time_bad("2026-11-25T10:00:00,5Z", "'2026-11-25T10:00:00,5Z': "
		 "fractional seconds are not accepted");
}
END_TEST

/* Field ranges: years from 1970, months, days, leap years, times. */
START_TEST(parse_ranges)
{
	time_bad("1969-12-31T23:59:59Z", "'1969-12-31T23:59:59Z' is before "
		 "1970");
	time_bad("1969-12-31", "'1969-12-31' is before 1970");
	time_bad("0000-01-01", "'0000-01-01' is before 1970");
	time_bad("2026-00-10", "'2026-00-10' is not a valid date");
	time_bad("2026-13-01", "'2026-13-01' is not a valid date");
	time_bad("2026-01-00", "'2026-01-00' is not a valid date");
	time_bad("2026-01-32", "'2026-01-32' is not a valid date");
	time_bad("2026-04-31", "'2026-04-31' is not a valid date");
	time_bad("2026-06-31", "'2026-06-31' is not a valid date");
	time_bad("2026-09-31", "'2026-09-31' is not a valid date");
	time_bad("2026-11-31", "'2026-11-31' is not a valid date");
	time_bad("2026-02-29", "'2026-02-29' is not a valid date");
	time_bad("2100-02-29", "'2100-02-29' is not a valid date");
	time_bad("1900-02-29", "'1900-02-29' is before 1970");
	time_bad("2024-02-30", "'2024-02-30' is not a valid date");
	time_bad("2026-11-25T24:00:00Z", "'2026-11-25T24:00:00Z' is not a "
		 "valid time of day");
	time_bad("2026-11-25T23:60Z", "'2026-11-25T23:60Z' is not a valid "
		 "time of day");
	time_bad("2026-12-31T23:59:60Z", "'2026-12-31T23:59:60Z' is not a "
		 "valid time of day");
	time_bad("2026-11-25T99:99:99Z", "'2026-11-25T99:99:99Z' is not a "
		 "valid time of day");
	time_ok("2026-01-31", INT64_C(1769817600));
	time_ok("2026-12-31T23:59:59Z", INT64_C(1798761599));
	time_ok("2026-03-31", INT64_C(1774915200));
}
END_TEST

/* A long bad input is quoted cut to 40 bytes. */
START_TEST(parse_long_input)
{
	time_bad("2026-11-25T10:00:00Zxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		 "'2026-11-25T10:00:00Zxxxxxxxxxxxxxxxxxxxx...'" BAD_FORMAT);
}
END_TEST

/* Formatting known instants, negative and extreme values. */
START_TEST(format_values)
{
	char buf[32];

	ck_assert_ptr_eq(gs_time_format(0, buf, sizeof buf), buf);
	ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
	ck_assert_str_eq(gs_time_format(INT64_C(1795600800), buf, sizeof buf),
			 "2026-11-25T10:00:00Z");
	ck_assert_str_eq(gs_time_format(INT64_C(951827696), buf, sizeof buf),
			 "2000-02-29T12:34:56Z");
	ck_assert_str_eq(gs_time_format(INT64_C(1709164800), buf, sizeof buf),
			 "2024-02-29T00:00:00Z");
	ck_assert_str_eq(gs_time_format(TIME_MAX, buf, sizeof buf),
			 "9999-12-31T23:59:59Z");
	ck_assert_str_eq(gs_time_format(-1, buf, sizeof buf),
			 "1969-12-31T23:59:59Z");
	ck_assert_str_eq(gs_time_format(-86400, buf, sizeof buf),
			 "1969-12-31T00:00:00Z");
	ck_assert_str_eq(gs_time_format(INT64_C(-62135596800), buf,
					sizeof buf), "0001-01-01T00:00:00Z");
	/* extreme values do not crash and stay in the buffer */
	gs_time_format(INT64_MAX, buf, sizeof buf);
	ck_assert_uint_lt(strlen(buf), sizeof buf);
	ck_assert_int_eq(buf[strlen(buf) - 1], 'Z');
	gs_time_format(INT64_MIN, buf, sizeof buf);
	ck_assert_uint_lt(strlen(buf), sizeof buf);
	ck_assert_int_eq(buf[strlen(buf) - 1], 'Z');
	/* short buffer: cut and terminated */
	memset(buf, 'x', sizeof buf);
	gs_time_format(0, buf, 5);
	ck_assert_str_eq(buf, "1970");
	ck_assert_int_eq(buf[5], 'x');
}
END_TEST

/* format(parse(x)) == x for canonical strings. */
START_TEST(round_trip_strings)
{
	static const char *const iso[] = {
		"1970-01-01T00:00:00Z", "1970-01-01T00:00:01Z",
		"1970-12-31T23:59:59Z", "1972-02-29T00:00:00Z",
		"1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z",
		"2000-02-28T23:59:59Z", "2000-02-29T00:00:00Z",
		"2000-02-29T23:59:59Z", "2000-03-01T00:00:00Z",
		"2023-12-31T23:59:59Z", "2024-01-01T00:00:00Z",
		"2024-02-29T12:00:00Z", "2024-03-01T00:00:00Z",
		"2026-11-25T10:00:00Z", "2026-11-25T10:15:00Z",
		"2038-01-19T03:14:07Z", "2038-01-19T03:14:08Z",
		"2100-02-28T00:00:00Z", "2100-03-01T00:00:00Z",
		"2400-02-29T00:00:00Z", "9999-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z", NULL };
	char buf[32];
	int i;

	for (i = 0; iso[i] != NULL; i++) {
		gs_err e = { 0 };
		int64_t t = SENTINEL;

		ck_assert_msg(gs_time_parse(iso[i], &t, &e) == GS_OK, "%s: %s",
			      iso[i], e.msg);
		ck_assert_str_eq(gs_time_format(t, buf, sizeof buf), iso[i]);
	}
}
END_TEST

/* Every day from 1970 to 9999 against a naive calendar walk, and
 * parse(format(t)) == t along the way. */
START_TEST(sweep_days)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	int y, m, d;
	int64_t day = 0;
	char buf[32], want[32];

	for (y = 1970; y <= 9999; y++)
		for (m = 1; m <= 12; m++) {
			int n = mdays[m - 1] + (m == 2 && leap(y));

			for (d = 1; d <= n; d++, day++) {
				int64_t t, back = SENTINEL;
				gs_err e = { 0 };

				if (day % 7 != 0 && d != 1 && d != n)
					continue;
				t = day * 86400 + (day * 7919) % 86400;
				gs_time_format(t, buf, sizeof buf);
				snprintf(want, sizeof want, "%04d-%02d-%02dT",
					 y, m, d);
				ck_assert_msg(strncmp(buf, want, 11) == 0,
					      "day %lld: %s, want %s",
					      (long long)day, buf, want);
				ck_assert_msg(gs_time_parse(buf, &back, &e)
					      == GS_OK, "%s: %s", buf, e.msg);
				ck_assert_int_eq(back, t);
				buf[10] = '\0';	/* date only: midnight */
				ck_assert_int_eq(gs_time_parse(buf, &back,
							       &e), GS_OK);
				ck_assert_int_eq(back, day * 86400);
			}
		}
	ck_assert_int_eq(day * 86400, TIME_MAX + 1);
}
END_TEST

/* parse(format(t)) == t for seconds all over the range. */
START_TEST(sweep_seconds)
{
	uint64_t x = 88172645463325252ULL;
	char buf[32];
	int i;

	for (i = 0; i < 200000; i++) {
		int64_t t, back = SENTINEL;
		gs_err e = { 0 };

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = (int64_t)(x % (uint64_t)(TIME_MAX + 1));
		if (i < 100000)
			t = i;	/* the first day and a bit, every second */
		gs_time_format(t, buf, sizeof buf);
		ck_assert_msg(gs_time_parse(buf, &back, &e) == GS_OK, "%s: %s",
			      buf, e.msg);
		ck_assert_int_eq(back, t);
	}
}
END_TEST

/* Slots given as #n. */
START_TEST(slot_numbers)
{
	slot_ok("#0", 900, 0);
	slot_ok("#123", 900, 123);
	slot_ok("#007", 900, 7);
	slot_ok("#10248320", 900, 10248320);
	slot_ok("#10248191152060862", 900, INT64_MAX / 900);
	slot_bad("#10248191152060863", 900, GS_EINPUT,
		 "'#10248191152060863' is too large");
	slot_bad("#99999999999999999999", 900, GS_EINPUT,
		 "'#99999999999999999999' is too large");
	slot_bad("#", 900, GS_EINPUT,
		 "'#' is not a slot (use #n or the start time of the slot)");
	slot_bad("#-1", 900, GS_EINPUT,
		 "'#-1' is not a slot (use #n or the start time of the slot)");
	slot_bad("#+1", 900, GS_EINPUT,
		 "'#+1' is not a slot (use #n or the start time of the slot)");
	slot_bad("# 1", 900, GS_EINPUT,
		 "'# 1' is not a slot (use #n or the start time of the slot)");
	slot_bad("#1 ", 900, GS_EINPUT,
		 "'#1 ' is not a slot (use #n or the start time of the slot)");
	slot_bad("#1x", 900, GS_EINPUT,
		 "'#1x' is not a slot (use #n or the start time of the slot)");
	slot_bad("##1", 900, GS_EINPUT,
		 "'##1' is not a slot (use #n or the start time of the slot)");
}
END_TEST

/* Slots given as their start time; misaligned times are refused. */
START_TEST(slot_times)
{
	slot_ok("2026-11-25T10:00Z", 900, INT64_C(1795600800) / 900);
	slot_ok("2026-11-25T10:15:00Z", 900, INT64_C(1795600800) / 900 + 1);
	slot_ok("2026-11-25", 900, INT64_C(1795564800) / 900);
	slot_ok("1970-01-01T00:00Z", 900, 0);
	slot_ok("1970-01-01T00:15Z", 900, 1);
	slot_ok("900", 900, 1);
	slot_ok("0", 900, 0);
	slot_ok("2026-11-25T10:00Z", 3600, INT64_C(1795600800) / 3600);
	slot_ok("2026-11-25T10:05Z", 60, INT64_C(1795601100) / 60);
	slot_ok("2026-11-25T10:05:07Z", 1, INT64_C(1795601107));
	slot_bad("2026-11-25T10:05Z", 900, GS_EINPUT,
		 "'2026-11-25T10:05Z' is not the start of a slot (slots are "
		 "900 s)");
	slot_bad("2026-11-25T10:15:01Z", 900, GS_EINPUT,
		 "'2026-11-25T10:15:01Z' is not the start of a slot (slots "
		 "are 900 s)");
	slot_bad("2026-11-25T10:15Z", 3600, GS_EINPUT,
		 "'2026-11-25T10:15Z' is not the start of a slot (slots are "
		 "3600 s)");
	slot_bad("901", 900, GS_EINPUT,
		 "'901' is not the start of a slot (slots are 900 s)");
	/* time errors come through unchanged */
	slot_bad("2026-11-25T10:00+01:00", 900, GS_EINPUT,
		 "'2026-11-25T10:00+01:00': only UTC times ending in Z are "
		 "accepted");
	slot_bad("2026-02-29", 900, GS_EINPUT,
		 "'2026-02-29' is not a valid date");
	slot_bad("", 900, GS_EINPUT, "''" BAD_FORMAT);
	slot_bad("next", 900, GS_EINPUT, "'next'" BAD_FORMAT);
	/* a slot length must be positive */
	slot_bad("#1", 0, GS_EINTERNAL, NULL);
	slot_bad("2026-11-25", -900, GS_EINTERNAL, NULL);
}
END_TEST

/* The slot of a time is floor(t / slot_seconds). */
START_TEST(slot_of)
{
	ck_assert_int_eq(gs_slot_of(0, 900), 0);
	ck_assert_int_eq(gs_slot_of(899, 900), 0);
	ck_assert_int_eq(gs_slot_of(900, 900), 1);
	ck_assert_int_eq(gs_slot_of(1799, 900), 1);
	ck_assert_int_eq(gs_slot_of(-1, 900), -1);
	ck_assert_int_eq(gs_slot_of(-900, 900), -1);
	ck_assert_int_eq(gs_slot_of(-901, 900), -2);
	ck_assert_int_eq(gs_slot_of(INT64_C(1795601100), 900),
			 INT64_C(1795600800) / 900);
	ck_assert_int_eq(gs_slot_of(INT64_MAX, 900), INT64_MAX / 900);
	ck_assert_int_eq(gs_slot_of(INT64_MIN, 900), INT64_MIN / 900 - 1);
	ck_assert_int_eq(gs_slot_of(INT64_MIN, 1), INT64_MIN);
	ck_assert_int_eq(gs_slot_of(7, 1), 7);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("slot");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, parse_forms);
	tcase_add_test(tc, parse_epoch);
	tcase_add_test(tc, parse_unix_seconds);
	tcase_add_test(tc, parse_malformed);
	tcase_add_test(tc, parse_only_utc);
	tcase_add_test(tc, parse_ranges);
	tcase_add_test(tc, parse_long_input);
	tcase_add_test(tc, format_values);
	tcase_add_test(tc, round_trip_strings);
	tcase_add_test(tc, sweep_days);
	tcase_add_test(tc, sweep_seconds);
	tcase_add_test(tc, slot_numbers);
	tcase_add_test(tc, slot_times);
	tcase_add_test(tc, slot_of);
	suite_add_tcase(s, tc);
	return th_run(s);
}
