/* fuzz_ndjson.c - libFuzzer target: the gs_ndjson reader over any bytes.
 *
 * The first byte of the input picks the line limit (so that overlong lines
 * are reached with small inputs too); the rest is the stream, NUL bytes,
 * "\r", invalid UTF-8 and all. The reader is driven to the end of input,
 * going on after errors as a lenient caller would, and each object it
 * returns goes through the field accessors and gs_json_print.
 *
 * Checked beyond the sanitizers: gs_ndjson_next returns 1 (an object, no
 * error), 0 (end, and again 0 after it) or GS_EINPUT/GS_EINTERNAL with no
 * object and a message "line N: ..." for the line it reports; line numbers
 * only grow and never pass the number of "\n" + 1; every message is valid
 * UTF-8 (messages go into JSON receipts); a returned object printed with
 * gs_json_print and read back is equal to it; the accessors' errors are
 * GS_EINPUT with valid UTF-8 messages. GS_FUZZ_SKIP=utf8 skips the UTF-8
 * checks of messages (a known defect).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridset.h"

static const size_t limits[] = { 1, 2, 7, 16, 64, 255, 256, 4096, 1 << 16 };

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_ndjson: %s: %s\n", what, msg);
	abort();
}

static void check_msg(const char *what, const gs_err *e)
{
	json_t *s;

	if (e->msg[0] == '\0')
		die(what, "error without a message");
	s = json_string(e->msg);	/* as gs_receipt puts it in a receipt */
	if (!s && !(getenv("GS_FUZZ_SKIP") && strstr(getenv("GS_FUZZ_SKIP"), "utf8")))
		die(what, "error message is not valid UTF-8");
	json_decref(s);
}

/* An accessor's result: GS_OK, or GS_EINPUT with a good message. */
static void check_acc(const char *what, int rc, const gs_err *e)
{
	if (rc == GS_OK)
		return;
	if (rc != GS_EINPUT || e->code != GS_EINPUT)
		die(what, "error code is not GS_EINPUT");
	check_msg(what, e);
}

/* Run the accessors over obj with its own member names and a few others. */
static void accessors(json_t *obj)
{
	static const char *const allowed[] = { "v", "id", "cmd", "actor", "time",
					       "args", "sig", "amount", "to",
					       NULL };
	const char *key, *str;
	json_t *val;
	int64_t x;
	gs_err e;
	int n = 0;

	check_acc("gs_json_only", gs_json_only(obj, allowed, &e), &e);
	check_acc("gs_json_no_reals", gs_json_no_reals(obj, &e), &e);
	json_object_foreach(obj, key, val) {
		if (n++ == 16)
			break;
		x = 7;
		check_acc("gs_json_int", gs_json_int(obj, key, INT64_MIN,
						     INT64_MAX, 0, &x, &e), &e);
		check_acc("gs_json_int", gs_json_int(obj, key, 1, 1000, 1, &x,
						     &e), &e);
		check_acc("gs_json_int", gs_json_int(obj, key, 0, INT64_MAX, 0,
						     &x, &e), &e);
		check_acc("gs_json_int", gs_json_int(obj, key, -5, INT64_MAX, 0,
						     &x, &e), &e);
		check_acc("gs_json_int", gs_json_int(obj, key, INT64_MIN, 5, 0,
						     &x, &e), &e);
		str = NULL;
		if (gs_json_str(obj, key, 32, 0, &str, &e) == GS_OK) {
			if (!str || strlen(str) == 0 || strlen(str) > 32)
				die("gs_json_str", "returned a bad string");
		} else {
			check_acc("gs_json_str", e.code, &e);
		}
		if (json_is_object(val))
			check_acc("gs_json_no_reals", gs_json_no_reals(val, &e),
				  &e);
	}
	check_acc("gs_json_int", gs_json_int(obj, "missing", 0, 1, 0, &x, &e), &e);
}

/* Print obj with gs_json_print and read it back: equal, one line. */
static void round_trip(json_t *obj)
{
	char *buf = NULL;
	size_t len = 0;
	json_error_t jerr;
	json_t *back;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	if (gs_json_print(f, obj) != 0)
		die("gs_json_print", "failed");
	fclose(f);
	if (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\n', len - 1))
		die("gs_json_print", "output is not one line");
	back = json_loadb(buf, len - 1, JSON_REJECT_DUPLICATES, &jerr);
	if (!back)
		die("gs_json_print", jerr.text);
	if (!json_equal(obj, back))
		die("gs_json_print", "printed object reads back different");
	json_decref(back);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t limit, nl = 0;
	long line, last = 0;
	gs_ndjson *r;
	json_t *obj;
	gs_err e;
	FILE *f;
	int rc;

	if (size < 1)
		return 0;
	limit = limits[data[0] % (sizeof limits / sizeof limits[0])];
	data++;
	size--;
	for (size_t i = 0; i < size; i++)
		nl += data[i] == '\n';
	/* fmemopen refuses size 0: an empty stream is /dev/null-like */
	f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	if (!f)
		return 0;
	r = gs_ndjson_open(f, limit);
	if (!r)
		die("gs_ndjson_open", "NULL");
	for (;;) {
		char prefix[32];

		obj = (json_t *)1;
		line = -1;
		memset(&e, 0, sizeof e);
		rc = gs_ndjson_next(r, &obj, &line, &e);
		if (line < last || line > (long)nl + 1)
			die("gs_ndjson_next", "bad line number");
		last = line;
		if (rc == 0) {
			if (obj != NULL)
				die("gs_ndjson_next", "object at end of input");
			if (gs_ndjson_next(r, &obj, &line, &e) != 0 || obj)
				die("gs_ndjson_next", "input after its end");
			break;
		}
		if (rc == 1) {
			if (!json_is_object(obj))
				die("gs_ndjson_next", "returned a non-object");
			accessors(obj);
			round_trip(obj);
			json_decref(obj);
			continue;
		}
		if (obj != NULL)
			die("gs_ndjson_next", "object with an error");
		if (rc != GS_EINPUT && rc != GS_EINTERNAL)
			die("gs_ndjson_next", "unexpected return code");
		if (e.code != rc)
			die("gs_ndjson_next", "return code differs from e.code");
		check_msg("gs_ndjson_next", &e);
		snprintf(prefix, sizeof prefix, "line %ld: ", line);
		if (strncmp(e.msg, prefix, strlen(prefix)) != 0) {
			fprintf(stderr, "message '%s', line %ld\n", e.msg, line);
			die("gs_ndjson_next", "message does not name its line");
		}
		if (rc == GS_EINTERNAL)	/* out of memory: a caller stops */
			break;
	}
	gs_ndjson_close(r);
	fclose(f);
	return 0;
}
