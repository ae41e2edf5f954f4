/* error.c - gs_err: exit code plus message, set and prefixed safely. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gridset.h"
#include "internal.h"

/* Set *e (if not NULL) to code and the printf-formatted message, truncated
 * to fit e->msg (the arguments may point into e->msg), and e->item to 0
 * (a new error is about no batch item until gs_item_fail says so); return
 * code. */
int gs_fail(gs_err *e, int code, const char *fmt, ...)
{
	char buf[sizeof e->msg];
	va_list ap;

	if (e == NULL)
		return code;
	va_start(ap, fmt);
	if (vsnprintf(buf, sizeof buf, fmt, ap) < 0)
		buf[0] = '\0';
	va_end(ap);
	memcpy(e->msg, buf, strlen(buf) + 1);
	e->code = code;
	e->item = 0;
	return code;
}

/* Prepend the printf-formatted text to e->msg (truncating the result to
 * fit), keep e->code and e->item and return e->code. The arguments may
 * point into e->msg. With e NULL return GS_EINTERNAL, so that
 * "return gs_err_prefix(...)" never reports success. */
int gs_err_prefix(gs_err *e, const char *fmt, ...)
{
	char pre[sizeof e->msg], old[sizeof e->msg];
	va_list ap;
	size_t n, m;

	if (e == NULL)
		return GS_EINTERNAL;
	memcpy(old, e->msg, sizeof old);
	old[sizeof old - 1] = '\0';
	va_start(ap, fmt);
	if (vsnprintf(pre, sizeof pre, fmt, ap) < 0)
		pre[0] = '\0';	/* formatting failed: keep the message */
	va_end(ap);
	n = strlen(pre);	/* < sizeof e->msg */
	memcpy(e->msg, pre, n);
	m = strlen(old);
	if (m > sizeof e->msg - 1 - n)
		m = sizeof e->msg - 1 - n;
	memcpy(e->msg + n, old, m);
	e->msg[n + m] = '\0';
	return e->code;
}

/* Copy s into buf (size n, QUOTE_BUF) for quoting in a message: cut with
 * "..." after QUOTE_MAX bytes (on a UTF-8 character boundary), control
 * bytes shown as '?'; return buf. */
const char *gs_quote(const char *s, char *buf, size_t n)
{
	size_t i, j = 0;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((i >= QUOTE_MAX && (c & 0xc0) != 0x80) || j + 4 >= n) {
			memcpy(buf + j, "...", 3);
			j += 3;
			break;
		}
		buf[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	buf[j] = '\0';
	return buf;
}
