/* slot.c - ISO-8601 UTC times and Unix seconds, and time slots. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gridset.h"
#include "internal.h"

/* Longest stretch of user input quoted in a message. */
/* 9999-12-31T23:59:59Z, the last instant gs_time_parse accepts. */
#define TIME_MAX INT64_C(253402300799)
#define DAY 86400

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12,
 * d 1..31); Howard Hinnant's days_from_civil. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Date *y-*m-*d of day z since 1970-01-01 (any sign); Howard Hinnant's
 * civil_from_days. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Number of days in month m (1..12) of year y. */
static int month_days(int64_t y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : len[m - 1];
}

/* Read exactly n ASCII digits at s into *v; 0 on success, -1 if any of
 * them is not a digit (a NUL counts as not a digit). */
static int fixed_digits(const char *s, int n, int *v)
{
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

/* Parse a non-empty string of ASCII digits into *v; 0, or -1 if it is not
 * all digits or exceeds max. */
static int parse_digits(const char *s, int64_t max, int64_t *v)
{
	int64_t x = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (__builtin_mul_overflow(x, 10, &x) ||
		    __builtin_add_overflow(x, *s - '0', &x) || x > max)
			return -2;
	}
	*v = x;
	return 0;
}

/* 1 if s is a non-empty string of ASCII digits. */
static int all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Parse "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DDTHH:MMZ", "YYYY-MM-DD" (UTC
 * midnight) or non-negative Unix seconds into *t; years 1970..9999 only,
 * every field range-checked. GS_EINPUT with a message quoting s. */
int gs_time_parse(const char *s, int64_t *t, gs_err *e)
{
	char q[QUOTE_BUF];
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t p;
	int64_t v;

	if (s == NULL)
		s = "";
	gs_quote(s, q, sizeof q);
	if (all_digits(s)) {
		if (parse_digits(s, TIME_MAX, &v) != 0)
			return gs_fail(e, GS_EINPUT,
				       "'%s' is too large (after "
				       "9999-12-31T23:59:59Z)", q);
		*t = v;
		return GS_OK;
	}
	if (s[0] == '-' && all_digits(s + 1))
		return gs_fail(e, GS_EINPUT, "'%s' must not be negative", q);
	if (fixed_digits(s, 4, &y) || s[4] != '-' ||
	    fixed_digits(s + 5, 2, &mo) || s[7] != '-' ||
	    fixed_digits(s + 8, 2, &d))
		goto malformed;
	p = 10;
	if (s[p] != '\0') {
		if (s[p] != 'T' || fixed_digits(s + 11, 2, &h) ||
		    s[13] != ':' || fixed_digits(s + 14, 2, &mi))
			goto malformed;
		p = 16;
		if (s[p] == ':') {
			if (fixed_digits(s + 17, 2, &sec))
				goto malformed;
			p = 19;
		}
		if (s[p] == '.' || s[p] == ',')
			return gs_fail(e, GS_EINPUT, "'%s': fractional seconds "
				       "are not accepted", q);
		if (s[p] == '\0' || s[p] == '+' || s[p] == '-' ||
		    s[p] == 'z' || (s[p] == 'Z' && s[p + 1] != '\0' &&
				    strchr("+-", s[p + 1]) != NULL))
			return gs_fail(e, GS_EINPUT, "'%s': only UTC times "
				       "ending in Z are accepted", q);
		if (s[p] != 'Z' || s[p + 1] != '\0')
			goto malformed;
	}
	if (y < 1970)
		return gs_fail(e, GS_EINPUT, "'%s' is before 1970", q);
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return gs_fail(e, GS_EINPUT, "'%s' is not a valid date", q);
	if (h > 23 || mi > 59 || sec > 59)
		return gs_fail(e, GS_EINPUT, "'%s' is not a valid time of day",
			       q);
	*t = days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 + sec;
	return GS_OK;
malformed:
	return gs_fail(e, GS_EINPUT, "'%s' is not a time (expected "
		       "2026-11-25T10:00:00Z, 2026-11-25 or Unix seconds)", q);
}

/* Write t (any value) as "YYYY-MM-DDTHH:MM:SSZ" into buf of size n (32
 * suffices); return buf. */
char *gs_time_format(int64_t t, char *buf, size_t n)
{
	int64_t days = t / DAY, secs = t % DAY, y;
	int m, d;

	if (secs < 0) {		/* floor division, without overflow */
		secs += DAY;
		days -= 1;
	}
	civil_from_days(days, &y, &m, &d);
	if (n > 0)
		snprintf(buf, n, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
			 (long long)y, m, d, (int)(secs / 3600),
			 (int)(secs / 60 % 60), (int)(secs % 60));
	return buf;
}

/* Parse a slot as "#n" (n decimal digits, n * slot_seconds must fit) or as
 * the time (gs_time_parse) a slot starts at, a multiple of slot_seconds
 * (> 0); store the slot number in *slot. GS_EINPUT on bad input. */
int gs_slot_parse(const char *s, int64_t slot_seconds, int64_t *slot,
		  gs_err *e)
{
	char q[QUOTE_BUF];
	int64_t t, n;
	int r;

	if (slot_seconds <= 0)
		return gs_fail(e, GS_EINTERNAL, "slot length %lld out of range",
			       (long long)slot_seconds);
	if (s == NULL)
		s = "";
	gs_quote(s, q, sizeof q);
	if (s[0] == '#') {
		r = parse_digits(s + 1, INT64_MAX / slot_seconds, &n);
		if (r == -2)
			return gs_fail(e, GS_EINPUT, "'%s' is too large", q);
		if (r != 0)
			return gs_fail(e, GS_EINPUT, "'%s' is not a slot (use #n "
				       "or the start time of the slot)", q);
		*slot = n;
		return GS_OK;
	}
	r = gs_time_parse(s, &t, e);
	if (r != GS_OK)
		return r;
	if (t % slot_seconds != 0)
		return gs_fail(e, GS_EINPUT, "'%s' is not the start of a slot "
			       "(slots are %lld s)", q,
			       (long long)slot_seconds);
	*slot = t / slot_seconds;
	return GS_OK;
}

/* Slot containing time t: floor(t / slot_seconds), slot_seconds > 0. */
int64_t gs_slot_of(int64_t t, int64_t slot_seconds)
{
	int64_t q = t / slot_seconds;

	if (t % slot_seconds != 0 && (t < 0) != (slot_seconds < 0))
		q -= 1;
	return q;
}
