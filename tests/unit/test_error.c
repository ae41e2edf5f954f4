/* test_error.c - unit tests for error.c (gs_fail, gs_err_prefix). */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

/* gs_fail sets code and message and returns the code. */
START_TEST(fail_sets_code_and_message)
{
	gs_err e = { .code = 0, .item = 5, .msg = "old" };

	ck_assert_int_eq(gs_fail(&e, GS_EINPUT, "field \"%s\": missing", "to"),
			 GS_EINPUT);
	ck_assert_int_eq(e.item, 0);
	ck_assert_int_eq(e.code, GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"to\": missing");
	ck_assert_int_eq(gs_fail(&e, GS_EBUSY, "busy %d", 7), 75);
	ck_assert_int_eq(e.code, GS_EBUSY);
	ck_assert_str_eq(e.msg, "busy 7");
}
END_TEST

/* gs_fail with no gs_err just returns the code. */
START_TEST(fail_null)
{
	ck_assert_int_eq(gs_fail(NULL, GS_EPERM, "x %s", "y"), GS_EPERM);
	ck_assert_int_eq(gs_fail(NULL, GS_OK, "fine"), GS_OK);
}
END_TEST

/* A message longer than the buffer is cut, still NUL-terminated. */
START_TEST(fail_truncates)
{
	gs_err e;
	char big[2000];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memset(&e, 'z', sizeof e);
	ck_assert_int_eq(gs_fail(&e, GS_EINTERNAL, "%s", big), GS_EINTERNAL);
	ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
	ck_assert_int_eq(e.msg[0], 'a');
	ck_assert_int_eq(e.msg[sizeof e.msg - 2], 'a');
}
END_TEST

/* gs_fail may use its own previous message as an argument. */
START_TEST(fail_self_reference)
{
	gs_err e;

	gs_fail(&e, GS_EINPUT, "inner");
	gs_fail(&e, GS_EREFUSED, "outer: %s (%s)", e.msg, e.msg);
	ck_assert_str_eq(e.msg, "outer: inner (inner)");
	ck_assert_int_eq(e.code, GS_EREFUSED);
}
END_TEST

/* gs_err_prefix prepends and keeps the code. */
START_TEST(prefix_basic)
{
	gs_err e;

	gs_fail(&e, GS_EINPUT, "field \"qty_wh\": must be a positive integer");
	e.item = 3;
	ck_assert_int_eq(gs_err_prefix(&e, "line %d: ", 17), GS_EINPUT);
	ck_assert_int_eq(e.code, GS_EINPUT);
	ck_assert_int_eq(e.item, 3);
	ck_assert_str_eq(e.msg,
			 "line 17: field \"qty_wh\": must be a positive integer");
	ck_assert_int_eq(gs_err_prefix(&e, "%s: ", "gs-auction"), GS_EINPUT);
	ck_assert_str_eq(e.msg, "gs-auction: line 17: field \"qty_wh\": "
			 "must be a positive integer");
}
END_TEST

/* Prefixing an empty message and with an empty prefix. */
START_TEST(prefix_empty)
{
	gs_err e;

	gs_fail(&e, GS_EUSAGE, "%s", "");
	ck_assert_int_eq(gs_err_prefix(&e, "item %d: ", 2), GS_EUSAGE);
	ck_assert_str_eq(e.msg, "item 2: ");
	ck_assert_int_eq(gs_err_prefix(&e, "%s", ""), GS_EUSAGE);
	ck_assert_str_eq(e.msg, "item 2: ");
}
END_TEST

/* The combined message is cut to fit; a huge prefix wins over the rest. */
START_TEST(prefix_truncates)
{
	gs_err e;
	char big[600];

	memset(big, 'm', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	gs_fail(&e, GS_EINPUT, "%s", big);
	ck_assert_int_eq(gs_err_prefix(&e, "line 1: "), GS_EINPUT);
	ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
	ck_assert(strncmp(e.msg, "line 1: mmm", 11) == 0);

	gs_fail(&e, GS_EINPUT, "tail");
	memset(big, 'p', sizeof big - 1);
	ck_assert_int_eq(gs_err_prefix(&e, "%s", big), GS_EINPUT);
	ck_assert_uint_eq(strlen(e.msg), sizeof e.msg - 1);
	ck_assert_int_eq(e.msg[sizeof e.msg - 2], 'p');
	ck_assert_ptr_null(strstr(e.msg, "tail"));
}
END_TEST

/* The prefix arguments may point into the message itself. */
START_TEST(prefix_self_reference)
{
	gs_err e;

	gs_fail(&e, GS_EINPUT, "abc");
	gs_err_prefix(&e, "[%s] ", e.msg);
	ck_assert_str_eq(e.msg, "[abc] abc");
}
END_TEST

/* Without a gs_err the prefix cannot carry a code: internal error. */
START_TEST(prefix_null)
{
	ck_assert_int_eq(gs_err_prefix(NULL, "line %d: ", 1), GS_EINTERNAL);
}
END_TEST

/* The exit codes are the documented values. */
START_TEST(codes)
{
	ck_assert_int_eq(GS_OK, 0);
	ck_assert_int_eq(GS_EREFUSED, 1);
	ck_assert_int_eq(GS_EUSAGE, 64);
	ck_assert_int_eq(GS_EINPUT, 65);
	ck_assert_int_eq(GS_ENOFILE, 66);
	ck_assert_int_eq(GS_EINTERNAL, 70);
	ck_assert_int_eq(GS_EBUSY, 75);
	ck_assert_int_eq(GS_EPERM, 77);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, fail_sets_code_and_message);
	tcase_add_test(tc, fail_null);
	tcase_add_test(tc, fail_truncates);
	tcase_add_test(tc, fail_self_reference);
	tcase_add_test(tc, prefix_basic);
	tcase_add_test(tc, prefix_empty);
	tcase_add_test(tc, prefix_truncates);
	tcase_add_test(tc, prefix_self_reference);
	tcase_add_test(tc, prefix_null);
	tcase_add_test(tc, codes);
	suite_add_tcase(s, tc);
	return th_run(s);
}
