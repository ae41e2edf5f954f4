/* ndjson.c - streaming NDJSON reader and strict JSON field accessors. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridset.h"

/* Longest field name quoted in a message. */
#define NAME_MAX_QUOTE 40
#define QNAME_BUF (2 * NAME_MAX_QUOTE + 16)

/* The reader: one line buffer of at most max_line + 1 bytes. */
struct gs_ndjson {
	FILE *f;
	size_t max_line;
	char *buf;
	size_t cap;
	long line;		/* physical lines read so far */
};

/* Allocate a reader on f (not owned) refusing lines longer than max_line
 * bytes; NULL only when out of memory. */
gs_ndjson *gs_ndjson_open(FILE *f, size_t max_line)
{
	gs_ndjson *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	if (max_line > SIZE_MAX / 4)
		max_line = SIZE_MAX / 4;
	r->f = f;
	r->max_line = max_line;
	return r;
}

/* Free the reader (not its FILE); NULL is fine. */
void gs_ndjson_close(gs_ndjson *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

int gs_ndjson_ready(gs_ndjson *r)
{
#ifdef __GLIBC__
	struct pollfd p = { .events = POLLIN };

	if (r->f->_IO_read_ptr < r->f->_IO_read_end)
		return 1;		/* bytes left in the FILE's buffer */
	if ((p.fd = fileno(r->f)) < 0)
		return 1;		/* a memory stream never blocks */
	return poll(&p, 1, 0) > 0;
#else
	(void)r;
	return 0;
#endif
}

/* Outcomes of read_line. */
enum { L_OK, L_EOF, L_LONG, L_NUL, L_NOMEM, L_IOERR };

/* Read one physical line without its "\n" into r->buf (NUL-terminated,
 * length *len), storing at most max_line + 1 bytes: the rest of a longer
 * line is read and discarded so the next call starts on the next line.
 * One trailing "\r" is stripped. Returns L_EOF when no byte was left. */
static int read_line(gs_ndjson *r, size_t *len)
{
	size_t n = 0, limit = r->max_line + 1;
	int c, got = 0, nul = 0, lng = 0, nomem = 0, res;

	flockfile(r->f);
	while ((c = getc_unlocked(r->f)) != EOF) {
		got = 1;
		if (c == '\n')
			break;
		if (c == '\0')
			nul = 1;
		if (lng || nomem)
			continue;
		if (n >= limit) {
			lng = 1;
			continue;
		}
		if (n + 2 > r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 256;
			char *b;

			if (cap > limit + 1)
				cap = limit + 1;
			if (cap < n + 2)
				cap = n + 2;
			b = realloc(r->buf, cap);
			if (b == NULL) {
				nomem = 1;
				continue;
			}
			r->buf = b;
			r->cap = cap;
		}
		r->buf[n++] = (char)c;
	}
	res = ferror(r->f) ? L_IOERR : L_OK;
	funlockfile(r->f);
	if (res == L_IOERR)
		return L_IOERR;
	if (!got)
		return L_EOF;
	r->line++;
	if (nomem)
		return L_NOMEM;
	if (nul)
		return L_NUL;
	if (n > 0 && r->buf[n - 1] == '\r')
		n--;
	if (lng || n > r->max_line)
		return L_LONG;
	if (r->buf == NULL) {	/* an empty first line: nothing allocated */
		r->buf = malloc(1);
		if (r->buf == NULL)
			return L_NOMEM;
		r->cap = 1;
	}
	r->buf[n] = '\0';
	*len = n;
	return L_OK;
}

/* 1 if the n bytes at s are all space, tab or "\r". */
static int blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static const char *qname(const char *name, char *buf, size_t n);

/* The member name whose value holds byte pos of the JSON text buf[0..n),
 * as `field "name": ` into out (size QNAME_BUF + 10); "" when pos is not
 * inside the value of an object member (a name, or an array element at
 * top level). A minimal scan of strings, escapes and nesting, enough for
 * text the parser read without error up to pos. */
static const char *field_at(const char *buf, size_t n, size_t pos, char *out)
{
	char key[NAME_MAX_QUOTE * 4 + 1] = "", q[QNAME_BUF];
	size_t i, k = 0, last = 0;
	int in_str = 0, esc = 0, in_obj = 1, after_colon = 0;

	out[0] = '\0';
	if (n == 0 || buf[0] != '{')
		return out;
	for (i = 1; i < n && i < pos; i++) {
		char c = buf[i];
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			else if (!after_colon && k < sizeof key - 1)
				key[k++] = c;
			continue;
		}
		if (c == '"') {
			in_str = 1;
			if (!after_colon)
				k = 0;
		} else if (c == ':') {
			key[k] = '\0';
			after_colon = 1;
			last = i;
		} else if (c == ',' && in_obj) {
			after_colon = 0;
		} else if (c == '{' || c == '[') {
			in_obj = c == '{';
			after_colon = 0;
			k = 0;
		} else if (c == '}' || c == ']') {
			in_obj = 1;	/* as a rule, back in an object */
			after_colon = 0;
		}
	}
	/* a nested value resets the scan; report the innermost member */
	if (!after_colon || !last || !key[0])
		return out;
	snprintf(out, QNAME_BUF + 10, "field \"%s\": ", qname(key, q, sizeof q));
	return out;
}

/* Read the next non-blank line as a JSON object: 1 with *obj (new
 * reference) and *line (1-based physical line number), 0 at end of input,
 * or GS_EINPUT / GS_EINTERNAL with e->msg "line N: ..." (*obj NULL). */
int gs_ndjson_next(gs_ndjson *r, json_t **obj, long *line, gs_err *e)
{
	json_error_t jerr;
	json_t *v;
	size_t n = 0;

	*obj = NULL;
	for (;;) {
		int res = read_line(r, &n);

		*line = r->line;
		switch (res) {
		case L_EOF:
			return 0;
		case L_IOERR:
			return gs_fail(e, GS_EINPUT, "line %ld: cannot read "
				       "input: %s", r->line + 1,
				       strerror(errno));
		case L_NOMEM:
			return gs_fail(e, GS_EINTERNAL, "line %ld: out of "
				       "memory", r->line);
		case L_NUL:
			return gs_fail(e, GS_EINPUT, "line %ld: NUL byte in "
				       "input", r->line);
		case L_LONG:
			return gs_fail(e, GS_EINPUT, "line %ld: line longer "
				       "than %zu bytes", r->line, r->max_line);
		}
		if (!blank(r->buf, n))
			break;
	}
	v = json_loadb(r->buf, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
		       &jerr);
	if (v == NULL) {
		/* jansson quotes the input near the error, possibly cut inside
		 * a UTF-8 sequence: keep the message ASCII */
		for (char *p = jerr.text; *p; p++)
			if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
				*p = '?';
		char f[QNAME_BUF + 10], *flag = strstr(jerr.text, " without JSON_ALLOW_NUL");

		if (flag)	/* jansson names its own flag: not ours to show */
			memmove(flag, flag + 23, strlen(flag + 23) + 1);
		field_at(r->buf, n, (size_t)jerr.position, f);
		return gs_fail(e, GS_EINPUT, "line %ld: invalid JSON: %s%s at "
			       "column %d", r->line, f, jerr.text, jerr.column);
	}
	if (!json_is_object(v)) {
		json_decref(v);
		return gs_fail(e, GS_EINPUT, "line %ld: expected a JSON object",
			       r->line);
	}
	*obj = v;
	return 1;
}

/* Copy name into buf (size n, QNAME_BUF) for `field "name"`: '"' and '\'
 * escaped, control bytes as '?', cut with "..." after NAME_MAX_QUOTE bytes
 * (on a UTF-8 character boundary); return buf. */
static const char *qname(const char *name, char *buf, size_t n)
{
	size_t i, j = 0;

	for (i = 0; name[i] != '\0'; i++) {
		unsigned char c = (unsigned char)name[i];

		if ((i >= NAME_MAX_QUOTE && (c & 0xc0) != 0x80) ||
		    j + 6 >= n) {
			memcpy(buf + j, "...", 3);
			j += 3;
			break;
		}
		if (c == '"' || c == '\\')
			buf[j++] = '\\';
		buf[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	buf[j] = '\0';
	return buf;
}

/* Refuse the first member of object o whose name is not in the
 * NULL-terminated list allowed: GS_EINPUT `field "x": unknown field`. */
int gs_json_only(json_t *o, const char *const *allowed, gs_err *e)
{
	char q[QNAME_BUF];
	const char *key;
	json_t *v;

	if (!json_is_object(o))
		return gs_fail(e, GS_EINPUT, "expected a JSON object");
	json_object_foreach(o, key, v) {
		const char *const *a;

		for (a = allowed; a != NULL && *a != NULL; a++)
			if (strcmp(*a, key) == 0)
				break;
		if (a == NULL || *a == NULL)
			return gs_fail(e, GS_EINPUT, "field \"%s\": unknown "
				       "field", qname(key, q, sizeof q));
	}
	return GS_OK;
}

/* Read integer member field of o in [min, max] into *out. Missing: error
 * unless dflt_ok (then *out is untouched). GS_EINPUT with messages
 * `field "f": missing`, `... must be a positive integer` (min >= 1),
 * `... must be a non-negative integer` (min 0), `... must be an integer`,
 * and out of range `... must be between MIN and MAX` (or "at least MIN" /
 * "at most MAX" when the other bound is the int64 limit). */
int gs_json_int(json_t *o, const char *field, int64_t min, int64_t max,
		int dflt_ok, int64_t *out, gs_err *e)
{
	char q[QNAME_BUF];
	const char *what;
	json_t *v = json_object_get(o, field);
	int64_t x;

	qname(field, q, sizeof q);
	what = min >= 1 ? "a positive integer" :
	       min == 0 ? "a non-negative integer" : "an integer";
	if (v == NULL) {
		if (dflt_ok)
			return GS_OK;
		return gs_fail(e, GS_EINPUT, "field \"%s\": missing", q);
	}
	if (!json_is_integer(v))
		return gs_fail(e, GS_EINPUT, "field \"%s\": must be %s", q,
			       what);
	x = (int64_t)json_integer_value(v);
	if (x < min || x > max) {
		if (max == INT64_MAX && min >= 0 && min <= 1)
			return gs_fail(e, GS_EINPUT, "field \"%s\": must be %s",
				       q, what);
		if (max == INT64_MAX)
			return gs_fail(e, GS_EINPUT, "field \"%s\": must be at "
				       "least %lld", q, (long long)min);
		if (min == INT64_MIN)
			return gs_fail(e, GS_EINPUT, "field \"%s\": must be at "
				       "most %lld", q, (long long)max);
		return gs_fail(e, GS_EINPUT, "field \"%s\": must be between "
			       "%lld and %lld", q, (long long)min,
			       (long long)max);
	}
	*out = x;
	return GS_OK;
}

/* Read string member field of o, 1..maxlen bytes without NUL, into *out
 * (borrowed from o). Missing: error unless dflt_ok (*out untouched).
 * GS_EINPUT `field "f": missing` / `must be a string` / `contains a NUL
 * byte` / `must not be empty` / `longer than N bytes`. */
int gs_json_str(json_t *o, const char *field, size_t maxlen, int dflt_ok,
		const char **out, gs_err *e)
{
	char q[QNAME_BUF];
	json_t *v = json_object_get(o, field);
	const char *s;
	size_t n;

	qname(field, q, sizeof q);
	if (v == NULL) {
		if (dflt_ok)
			return GS_OK;
		return gs_fail(e, GS_EINPUT, "field \"%s\": missing", q);
	}
	if (!json_is_string(v))
		return gs_fail(e, GS_EINPUT, "field \"%s\": must be a string", q);
	s = json_string_value(v);
	n = json_string_length(v);
	if (strlen(s) != n)
		return gs_fail(e, GS_EINPUT, "field \"%s\": contains a NUL byte",
			       q);
	if (n == 0)
		return gs_fail(e, GS_EINPUT, "field \"%s\": must not be empty",
			       q);
	if (n > maxlen)
		return gs_fail(e, GS_EINPUT, "field \"%s\": longer than %zu "
			       "bytes", q, maxlen);
	*out = s;
	return GS_OK;
}

/* Find the first real inside v (depth first, member order): return 1 and
 * set *where to the innermost enclosing object key (name at the top), or
 * return 0. */
static int find_real(json_t *v, const char *name, const char **where)
{
	const char *key;
	json_t *x;
	size_t i;

	if (json_is_real(v)) {
		*where = name;
		return 1;
	}
	if (json_is_object(v)) {
		json_object_foreach(v, key, x)
			if (find_real(x, key, where))
				return 1;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (find_real(x, name, where))
				return 1;
	}
	return 0;
}

/* Refuse any real number anywhere inside v: GS_EINPUT `field "k": must be
 * an integer` with k the enclosing object key, or "value" at the top. */
int gs_json_no_reals(json_t *v, gs_err *e)
{
	char q[QNAME_BUF];
	const char *where = NULL;

	if (!find_real(v, "value", &where))
		return GS_OK;
	return gs_fail(e, GS_EINPUT, "field \"%s\": must be an integer",
		       qname(where, q, sizeof q));
}

/* Print v compactly in insertion order followed by "\n" to f; 0 or -1. */
int gs_json_print(FILE *f, json_t *v)
{
	const size_t flags = JSON_COMPACT | JSON_ENCODE_ANY;
	char buf[1024];
	size_t n = json_dumpb(v, buf, sizeof buf - 1, flags);

	if (n > 0 && n < sizeof buf) {	/* the common short record: one write */
		buf[n] = '\n';
		return fwrite(buf, 1, n + 1, f) == n + 1 ? 0 : -1;
	}
	if (json_dumpf(v, f, flags) != 0)
		return -1;
	if (fputc('\n', f) == EOF)
		return -1;
	return 0;
}
