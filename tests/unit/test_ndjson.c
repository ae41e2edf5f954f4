/* test_ndjson.c - unit tests for ndjson.c: NDJSON reader, JSON fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

#define SENTINEL INT64_C(-424242)

/* A reader over the n bytes at data (kept open in *f for closing). */
static gs_ndjson *reader(const char *data, size_t n, size_t max_line,
			 FILE **f)
{
	gs_ndjson *r;

	*f = fmemopen((void *)data, n, "r");
	ck_assert_ptr_nonnull(*f);
	r = gs_ndjson_open(*f, max_line);
	ck_assert_ptr_nonnull(r);
	return r;
}

/* Expect the next record at line with member key == integer value. */
static void expect_obj(gs_ndjson *r, long line, const char *key, int64_t v)
{
	json_t *o = NULL;
	long ln = -1;
	gs_err e = { 0 };
	int rc = gs_ndjson_next(r, &o, &ln, &e);

	ck_assert_msg(rc == 1, "expected a record at line %ld, got %d (%s)",
		      line, rc, e.msg);
	ck_assert_int_eq(ln, line);
	ck_assert(json_is_object(o));
	ck_assert_int_eq(json_integer_value(json_object_get(o, key)), v);
	json_decref(o);
}

/* Expect the end of input. */
static void expect_end(gs_ndjson *r)
{
	json_t *o = (json_t *)1;
	long ln = -1;
	gs_err e = { 0 };

	ck_assert_int_eq(gs_ndjson_next(r, &o, &ln, &e), 0);
	ck_assert_ptr_null(o);
}

/* Expect an error GS_EINPUT whose message is msg. */
static void expect_err(gs_ndjson *r, long line, const char *msg)
{
	json_t *o = (json_t *)1;
	long ln = -1;
	gs_err e = { 0 };

	ck_assert_int_eq(gs_ndjson_next(r, &o, &ln, &e), GS_EINPUT);
	ck_assert_int_eq(e.code, GS_EINPUT);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(ln, line);
	ck_assert_str_eq(e.msg, msg);
}

/* Expect an "invalid JSON" error at line whose jansson text contains
 * needle, with the column given. */
static void expect_invalid(gs_ndjson *r, long line, const char *needle,
			   int column)
{
	json_t *o = (json_t *)1;
	long ln = -1;
	gs_err e = { 0 };
	char prefix[64], suffix[64];

	ck_assert_int_eq(gs_ndjson_next(r, &o, &ln, &e), GS_EINPUT);
	ck_assert_ptr_null(o);
	ck_assert_int_eq(ln, line);
	snprintf(prefix, sizeof prefix, "line %ld: invalid JSON: ", line);
	ck_assert_msg(strncmp(e.msg, prefix, strlen(prefix)) == 0, "%s",
		      e.msg);
	ck_assert_msg(strstr(e.msg, needle) != NULL, "%s lacks %s", e.msg,
		      needle);
	if (column >= 0) {
		snprintf(suffix, sizeof suffix, " at column %d", column);
		ck_assert_msg(strlen(e.msg) > strlen(suffix) &&
			      strcmp(e.msg + strlen(e.msg) - strlen(suffix),
				     suffix) == 0, "%s: want%s", e.msg,
			      suffix);
	}
}

/* Parse a JSON object literal for the field tests. */
static json_t *obj(const char *text)
{
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr);

	ck_assert_msg(o != NULL, "bad test JSON %s: %s", text, jerr.text);
	return o;
}

#define LIT(s) s, sizeof(s) - 1

/* Records come back in order with their line numbers, then end. */
START_TEST(reads_lines)
{
	FILE *f;
	gs_ndjson *r = reader(LIT("{\"a\":1}\n{\"a\":2,\"b\":[1]}\n"), 1024,
			      &f);

	expect_obj(r, 1, "a", 1);
	expect_obj(r, 2, "a", 2);
	expect_end(r);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* Blank lines are skipped but counted. */
START_TEST(blank_lines_and_numbers)
{
	FILE *f;
	gs_ndjson *r = reader(LIT("\n  \n{\"a\":1}\n\t\r\n\r\n\n{\"a\":2}\n"
				  "   {\"a\":3}  \t\n\n"), 1024, &f);

	expect_obj(r, 3, "a", 1);
	expect_obj(r, 7, "a", 2);
	expect_obj(r, 8, "a", 3);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* CRLF line ends are accepted. */
START_TEST(crlf)
{
	FILE *f;
	gs_ndjson *r = reader(LIT("{\"a\":1}\r\n\r\n{\"a\":2}\r\n{\"a\":3}\r"),
			      1024, &f);

	expect_obj(r, 1, "a", 1);
	expect_obj(r, 3, "a", 2);
	expect_obj(r, 4, "a", 3);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* A last line without a newline is still read. */
START_TEST(no_final_newline)
{
	FILE *f;
	gs_ndjson *r = reader(LIT("{\"a\":1}\n{\"a\":2}"), 1024, &f);

	expect_obj(r, 1, "a", 1);
	expect_obj(r, 2, "a", 2);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* Empty and all-blank inputs are at end at once. */
START_TEST(empty_inputs)
{
	FILE *f;
	gs_ndjson *r = reader(LIT(""), 1024, &f);

	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
	r = reader(LIT("\n\n \t\n\r\n   "), 1024, &f);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
	gs_ndjson_close(NULL);
}
END_TEST

/* A NUL byte refuses its line; reading resumes after it. */
START_TEST(nul_byte)
{
	static const char in[] = "{}\n{\"a\":1}\n{\"a\":\0}\n{\"a\":4}\n\0\n";
	FILE *f;
	gs_ndjson *r = reader(in, sizeof in - 1, 1024, &f);
	json_t *o;
	long ln;
	gs_err e;

	ck_assert_int_eq(gs_ndjson_next(r, &o, &ln, &e), 1);
	ck_assert_int_eq(ln, 1);
	ck_assert_int_eq(json_object_size(o), 0);
	json_decref(o);
	expect_obj(r, 2, "a", 1);
	expect_err(r, 3, "line 3: NUL byte in input");
	/* the reader resumes on the next line */
	expect_obj(r, 4, "a", 4);
	expect_err(r, 5, "line 5: NUL byte in input");
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* Invalid UTF-8 is invalid JSON; valid UTF-8 passes. */
START_TEST(invalid_utf8)
{
	FILE *f;
	gs_ndjson *r = reader(LIT("{\"a\":1}\n{\"to\":\"x\xff\"}\n"
				  "{\"\xc3\":1}\n{\"to\":\"\xc3\xa9\"}\n"),
			      1024, &f);
	json_t *o;
	long ln;
	gs_err e;

	expect_obj(r, 1, "a", 1);
	expect_invalid(r, 2, "0xff", -1);
	expect_invalid(r, 3, "decode", -1);
	ck_assert_int_eq(gs_ndjson_next(r, &o, &ln, &e), 1);
	ck_assert_int_eq(ln, 4);
	ck_assert_str_eq(json_string_value(json_object_get(o, "to")),
			 "\xc3\xa9");
	json_decref(o);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* Duplicate keys are refused at any depth; case matters. */
START_TEST(duplicate_keys)
{
	FILE *f;
	gs_ndjson *r = reader(LIT("\n{\"a\":1,\"a\":2}\n{\"b\":{\"c\":1,"
				  "\"c\":1}}\n{\"a\":1,\"A\":2}\n"), 1024, &f);
	json_t *o;
	long ln;
	gs_err e;

	expect_invalid(r, 2, "duplicate object key", 10);
	expect_invalid(r, 3, "duplicate object key", -1);
	ck_assert_int_eq(gs_ndjson_next(r, &o, &ln, &e), 1);
	ck_assert_int_eq(json_object_size(o), 2);
	json_decref(o);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* Syntax errors, trailing data, \u0000 and huge integers. */
START_TEST(invalid_json)
{
	FILE *f;
	gs_ndjson *r = reader(LIT("{\n{\"a\":1} x\n{'a':1}\n{\"a\":1}{\"a\":2}"
				  "\n{\"a\":01}\n{\"a\":1,}\n{\"a\":\"\\u0000\"}"
				  "\n{\"a\":99999999999999999999}\n{\"a\":1}\n"),
			      1024, &f);

	expect_invalid(r, 1, "", -1);
	expect_invalid(r, 2, "", 9);
	expect_invalid(r, 3, "", -1);
	expect_invalid(r, 4, "", -1);
	expect_invalid(r, 5, "", -1);
	expect_invalid(r, 6, "", -1);
	expect_invalid(r, 7, "\\u0000", -1);
	expect_invalid(r, 8, "too big", -1);
	expect_obj(r, 9, "a", 1);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* A parser error names the member whose value it stopped in, the
 * innermost one in nested objects and arrays of objects; none when it
 * stopped in a member name, a bare array element or the top level; the
 * library's flag name never shows. */
START_TEST(invalid_json_names_field)
{
	FILE *f;
	gs_ndjson *r = reader(LIT("{\"to\":\"bob\",\"amount\":1e400}\n"
				  "{\"items\":[{\"to\":\"a,b:c\",\"amount\":1},{\"to\":\"x\","
				  "\"amount\":99999999999999999999}],\"k\":1}\n"
				  "{\"m\":{\"a\":1},\"to\":\"b\\u0000\"}\n"
				  "{\"a\":1,\"b\\x\":2}\n"
				  "{\"a\":[1,1e400]}\n"
				  "{\"a\":{\"b\":1},\"c\":1e400}\n"),
			      1024, &f);

	expect_invalid(r, 1, "invalid JSON: field \"amount\": real number overflow", -1);
	expect_invalid(r, 2, "invalid JSON: field \"amount\": too big integer", -1);
	expect_invalid(r, 3, "invalid JSON: field \"to\": \\u0000 is not allowed near", -1);
	expect_invalid(r, 4, "invalid JSON: invalid escape", -1);
	expect_invalid(r, 5, "invalid JSON: real number overflow", -1);
	expect_invalid(r, 6, "invalid JSON: field \"c\": real number overflow", -1);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* Top-level values other than objects are refused. */
START_TEST(not_an_object)
{
	FILE *f;
	gs_ndjson *r = reader(LIT("[1,2]\n5\n\"x\"\nnull\ntrue\n[]\n{}\n"),
			      1024, &f);
	json_t *o;
	long ln;
	gs_err e;

	expect_err(r, 1, "line 1: expected a JSON object");
	expect_err(r, 2, "line 2: expected a JSON object");
	expect_err(r, 3, "line 3: expected a JSON object");
	expect_err(r, 4, "line 4: expected a JSON object");
	expect_err(r, 5, "line 5: expected a JSON object");
	expect_err(r, 6, "line 6: expected a JSON object");
	ck_assert_int_eq(gs_ndjson_next(r, &o, &ln, &e), 1);
	ck_assert_int_eq(ln, 7);
	json_decref(o);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* Lines longer than max_line bytes (without "\r") are refused. */
START_TEST(overlong_lines)
{
	FILE *f;
	/* {"a":1234} is exactly 10 bytes */
	gs_ndjson *r = reader(LIT("{\"a\":1234}\n{\"a\":12345}\n{\"a\":1}\n"
				  "{\"a\":1234}\r\n{\"a\":12345}\r\n"
				  "           \n{\"a\":2}"), 10, &f);

	expect_obj(r, 1, "a", 1234);
	expect_err(r, 2, "line 2: line longer than 10 bytes");
	expect_obj(r, 3, "a", 1);
	expect_obj(r, 4, "a", 1234);	/* the \r does not count */
	expect_err(r, 5, "line 5: line longer than 10 bytes");
	expect_err(r, 6, "line 6: line longer than 10 bytes");
	expect_obj(r, 7, "a", 2);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
}
END_TEST

/* A very long line within the limit, then one far beyond it. */
START_TEST(long_lines)
{
	size_t big = 300000, n = 0;
	char *in = malloc(3 * big + 100);
	FILE *f;
	gs_ndjson *r;
	json_t *o;
	long ln;
	gs_err e;

	ck_assert_ptr_nonnull(in);
	n += (size_t)sprintf(in + n, "{\"s\":\"");
	memset(in + n, 'x', big);
	n += big;
	n += (size_t)sprintf(in + n, "\"}\n{\"s\":\"");
	memset(in + n, 'y', 2 * big);
	n += 2 * big;
	n += (size_t)sprintf(in + n, "\"}\n{\"a\":7}\n");
	r = reader(in, n, big + 8, &f);
	ck_assert_int_eq(gs_ndjson_next(r, &o, &ln, &e), 1);
	ck_assert_int_eq(ln, 1);
	ck_assert_uint_eq(json_string_length(json_object_get(o, "s")), big);
	json_decref(o);
	expect_err(r, 2, "line 2: line longer than 300008 bytes");
	expect_obj(r, 3, "a", 7);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
	free(in);
}
END_TEST

/* Many records in a row keep their line numbers. */
START_TEST(many_lines)
{
	size_t cap = 1 << 20, n = 0;
	char *in = malloc(cap);
	FILE *f;
	gs_ndjson *r;
	int i;

	ck_assert_ptr_nonnull(in);
	for (i = 1; i <= 20000; i++) {
		n += (size_t)snprintf(in + n, cap - n, "{\"a\":%d}\n", i);
		if (i % 100 == 0)
			n += (size_t)snprintf(in + n, cap - n, "\n");
	}
	r = reader(in, n, 64, &f);
	for (i = 1; i <= 20000; i++)
		expect_obj(r, i + (i - 1) / 100, "a", i);
	expect_end(r);
	gs_ndjson_close(r);
	fclose(f);
	free(in);
}
END_TEST

/* gs_json_only names the first unknown member. */
START_TEST(only_fields)
{
	static const char *const allowed[] = { "to", "amount", NULL };
	static const char *const none[] = { NULL };
	json_t *o = obj("{\"to\":\"bob\",\"amount\":5}");
	gs_err e = { 0 };

	ck_assert_int_eq(gs_json_only(o, allowed, &e), GS_OK);
	ck_assert_int_eq(gs_json_only(o, none, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"to\": unknown field");
	json_decref(o);

	o = obj("{\"to\":\"bob\",\"xyz\":1,\"abc\":2}");
	ck_assert_int_eq(gs_json_only(o, allowed, &e), GS_EINPUT);
	ck_assert_int_eq(e.code, GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"xyz\": unknown field");
	json_decref(o);

	o = obj("{}");
	ck_assert_int_eq(gs_json_only(o, none, &e), GS_OK);
	json_decref(o);

	o = obj("{\"Amount\":1}");
	ck_assert_int_eq(gs_json_only(o, allowed, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"Amount\": unknown field");
	json_decref(o);

	/* quotes are escaped, control bytes masked, long names cut */
	o = obj("{\"a\\\"b\\n\":1}");
	ck_assert_int_eq(gs_json_only(o, allowed, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"a\\\"b?\": unknown field");
	json_decref(o);
	o = obj("{\"aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeee\":1}");
	ck_assert_int_eq(gs_json_only(o, allowed, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"aaaaaaaaaabbbbbbbbbbcccccccccc"
			 "dddddddddd...\": unknown field");
	json_decref(o);

	o = json_array();
	ck_assert_int_eq(gs_json_only(o, allowed, &e), GS_EINPUT);
	json_decref(o);
}
END_TEST

/* Assert gs_json_int on {"amount": <json>} fails with msg. */
static void int_bad(const char *json, int64_t min, int64_t max,
		    const char *msg)
{
	json_t *o = obj(json);
	gs_err e = { 0 };
	int64_t v = SENTINEL;

	ck_assert_int_eq(gs_json_int(o, "amount", min, max, 1, &v, &e),
			 GS_EINPUT);
	ck_assert_int_eq(e.code, GS_EINPUT);
	ck_assert_str_eq(e.msg, msg);
	ck_assert_int_eq(v, SENTINEL);
	json_decref(o);
}

/* gs_json_int accepts values in range, including the limits. */
START_TEST(int_fields)
{
	json_t *o = obj("{\"amount\":42,\"neg\":-7,\"max\":9223372036854775807,"
			"\"min\":-9223372036854775808,\"zero\":0}");
	gs_err e = { 0 };
	int64_t v = SENTINEL;

	ck_assert_int_eq(gs_json_int(o, "amount", 1, INT64_MAX, 0, &v, &e),
			 GS_OK);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(gs_json_int(o, "neg", INT64_MIN, 0, 0, &v, &e),
			 GS_OK);
	ck_assert_int_eq(v, -7);
	ck_assert_int_eq(gs_json_int(o, "max", 1, INT64_MAX, 0, &v, &e),
			 GS_OK);
	ck_assert_int_eq(v, INT64_MAX);
	ck_assert_int_eq(gs_json_int(o, "min", INT64_MIN, INT64_MAX, 0, &v,
				     &e), GS_OK);
	ck_assert_int_eq(v, INT64_MIN);
	ck_assert_int_eq(gs_json_int(o, "zero", 0, 0, 0, &v, &e), GS_OK);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(gs_json_int(o, "amount", 42, 42, 0, &v, &e), GS_OK);
	/* missing */
	v = SENTINEL;
	ck_assert_int_eq(gs_json_int(o, "fee", 0, 10, 1, &v, &e), GS_OK);
	ck_assert_int_eq(v, SENTINEL);
	ck_assert_int_eq(gs_json_int(o, "fee", 0, 10, 0, &v, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"fee\": missing");
	ck_assert_int_eq(v, SENTINEL);
	json_decref(o);
}
END_TEST

/* gs_json_int messages for wrong types and out of range values. */
START_TEST(int_field_errors)
{
	/* wrong types */
	int_bad("{\"amount\":\"12\"}", 1, INT64_MAX,
		"field \"amount\": must be a positive integer");
	int_bad("{\"amount\":1.5}", 1, 100,
		"field \"amount\": must be a positive integer");
	int_bad("{\"amount\":2.0}", 1, INT64_MAX,
		"field \"amount\": must be a positive integer");
	int_bad("{\"amount\":null}", 1, INT64_MAX,
		"field \"amount\": must be a positive integer");
	int_bad("{\"amount\":true}", 0, INT64_MAX,
		"field \"amount\": must be a non-negative integer");
	int_bad("{\"amount\":[1]}", 0, 10,
		"field \"amount\": must be a non-negative integer");
	int_bad("{\"amount\":{}}", -5, 5,
		"field \"amount\": must be an integer");
	int_bad("{\"amount\":1e3}", INT64_MIN, INT64_MAX,
		"field \"amount\": must be an integer");
	/* out of range */
	int_bad("{\"amount\":0}", 1, INT64_MAX,
		"field \"amount\": must be a positive integer");
	int_bad("{\"amount\":-1}", 1, INT64_MAX,
		"field \"amount\": must be a positive integer");
	int_bad("{\"amount\":-3}", 0, INT64_MAX,
		"field \"amount\": must be a non-negative integer");
	int_bad("{\"amount\":101}", 1, 100,
		"field \"amount\": must be between 1 and 100");
	int_bad("{\"amount\":0}", 1, 100,
		"field \"amount\": must be between 1 and 100");
	int_bad("{\"amount\":-1}", 0, 10000,
		"field \"amount\": must be between 0 and 10000");
	int_bad("{\"amount\":-11}", -10, 10,
		"field \"amount\": must be between -10 and 10");
	int_bad("{\"amount\":1}", 2, INT64_MAX,
		"field \"amount\": must be at least 2");
	int_bad("{\"amount\":11}", INT64_MIN, 10,
		"field \"amount\": must be at most 10");
	int_bad("{\"amount\":9223372036854775807}", 0, 9223372036854775806,
		"field \"amount\": must be between 0 and 9223372036854775806");
}
END_TEST

/* gs_json_str: borrowed value, every error message. */
START_TEST(str_fields)
{
	json_t *o = obj("{\"to\":\"bob\",\"n\":5,\"empty\":\"\",\"e\":"
			"\"\xc3\xa9\xc3\xa9\",\"arr\":[\"x\"]}");
	const char *s = "untouched";
	gs_err e = { 0 };

	ck_assert_int_eq(gs_json_str(o, "to", 32, 0, &s, &e), GS_OK);
	ck_assert_str_eq(s, "bob");
	ck_assert_ptr_eq(s, json_string_value(json_object_get(o, "to")));
	ck_assert_int_eq(gs_json_str(o, "to", 3, 0, &s, &e), GS_OK);
	ck_assert_int_eq(gs_json_str(o, "e", 4, 0, &s, &e), GS_OK);
	s = "untouched";
	ck_assert_int_eq(gs_json_str(o, "to", 2, 0, &s, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"to\": longer than 2 bytes");
	ck_assert_int_eq(gs_json_str(o, "e", 3, 0, &s, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"e\": longer than 3 bytes");
	ck_assert_int_eq(gs_json_str(o, "from", 32, 0, &s, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"from\": missing");
	ck_assert_int_eq(gs_json_str(o, "from", 32, 1, &s, &e), GS_OK);
	ck_assert_str_eq(s, "untouched");
	ck_assert_int_eq(gs_json_str(o, "n", 32, 1, &s, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"n\": must be a string");
	ck_assert_int_eq(gs_json_str(o, "arr", 32, 0, &s, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"arr\": must be a string");
	ck_assert_int_eq(gs_json_str(o, "empty", 32, 0, &s, &e), GS_EINPUT);
	ck_assert_int_eq(e.code, GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"empty\": must not be empty");
	ck_assert_str_eq(s, "untouched");
	/* a NUL inside (only possible for values built in memory) */
	json_object_set_new(o, "nul", json_stringn("a\0b", 3));
	ck_assert_int_eq(gs_json_str(o, "nul", 32, 0, &s, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"nul\": contains a NUL byte");
	json_object_set_new(o, "nul", json_stringn("\0", 1));
	ck_assert_int_eq(gs_json_str(o, "nul", 32, 0, &s, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"nul\": contains a NUL byte");
	ck_assert_str_eq(s, "untouched");
	json_decref(o);
}
END_TEST

/* Assert gs_json_no_reals on json gives msg (NULL: accepted). */
static void reals(const char *json, const char *msg)
{
	json_error_t jerr;
	json_t *v = json_loads(json, JSON_DECODE_ANY, &jerr);
	gs_err e = { 0 };

	ck_assert_msg(v != NULL, "bad test JSON %s", json);
	if (msg == NULL) {
		ck_assert_int_eq(gs_json_no_reals(v, &e), GS_OK);
	} else {
		ck_assert_int_eq(gs_json_no_reals(v, &e), GS_EINPUT);
		ck_assert_int_eq(e.code, GS_EINPUT);
		ck_assert_str_eq(e.msg, msg);
	}
	json_decref(v);
}

/* gs_json_no_reals finds the first real and names its key. */
START_TEST(no_reals)
{
	reals("{\"a\":1,\"b\":{\"c\":[1,\"x\",null,true,{\"d\":-5}]}}", NULL);
	reals("{}", NULL);
	reals("[]", NULL);
	reals("7", NULL);
	reals("\"1.5\"", NULL);
	reals("{\"a\":1,\"b\":{\"c\":[1,2.5]}}",
	      "field \"c\": must be an integer");
	reals("{\"x\":1e3}", "field \"x\": must be an integer");
	reals("{\"x\":1.0}", "field \"x\": must be an integer");
	reals("{\"p\":1.5,\"q\":2.5}", "field \"p\": must be an integer");
	reals("{\"q\":1,\"p\":{\"r\":0.5},\"s\":2.5}",
	      "field \"r\": must be an integer");
	reals("{\"items\":[{\"qty\":1},{\"qty\":2.5}]}",
	      "field \"qty\": must be an integer");
	reals("{\"items\":[{\"qty\":1},[3.5]]}",
	      "field \"items\": must be an integer");
	reals("1.5", "field \"value\": must be an integer");
	reals("[1,[2,-0.0]]", "field \"value\": must be an integer");
}
END_TEST

/* gs_json_print: compact, insertion order, newline; -1 on a bad stream. */
START_TEST(print)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *o = json_object();
	json_t *s = json_string("h\xc3\xa9");
	char ro[8] = "";
	FILE *rf;

	ck_assert_ptr_nonnull(f);
	json_object_set_new(o, "type", json_string("balance"));
	json_object_set_new(o, "b", json_integer(-1));
	json_object_set_new(o, "a", json_pack("[i,i]", 1, 2));
	json_object_set_new(o, "big", json_integer(INT64_MAX));
	ck_assert_int_eq(gs_json_print(f, o), 0);
	ck_assert_int_eq(gs_json_print(f, s), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(buf, "{\"type\":\"balance\",\"b\":-1,\"a\":[1,2],"
			 "\"big\":9223372036854775807}\n\"h\xc3\xa9\"\n");
	free(buf);
	/* a stream that cannot be written */
	rf = fmemopen(ro, sizeof ro, "r");
	ck_assert_ptr_nonnull(rf);
	ck_assert_int_eq(gs_json_print(rf, o), -1);
	fclose(rf);
	json_decref(o);
	json_decref(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ndjson");
	TCase *tc = tcase_create("reader");
	TCase *tf = tcase_create("fields");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, reads_lines);
	tcase_add_test(tc, blank_lines_and_numbers);
	tcase_add_test(tc, crlf);
	tcase_add_test(tc, no_final_newline);
	tcase_add_test(tc, empty_inputs);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, invalid_utf8);
	tcase_add_test(tc, duplicate_keys);
	tcase_add_test(tc, invalid_json);
	tcase_add_test(tc, invalid_json_names_field);
	tcase_add_test(tc, not_an_object);
	tcase_add_test(tc, overlong_lines);
	tcase_add_test(tc, long_lines);
	tcase_add_test(tc, many_lines);
	tcase_add_test(tf, only_fields);
	tcase_add_test(tf, int_fields);
	tcase_add_test(tf, int_field_errors);
	tcase_add_test(tf, str_fields);
	tcase_add_test(tf, no_reals);
	tcase_add_test(tf, print);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tf);
	return th_run(s);
}
