/* test_output.c - unit tests for output.c: display units of fields, NDJSON
 * lines and aligned tables. */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"
#include "cli.h"

/* An output sink writing to memory. */
struct sink {
	FILE *f;
	char *buf;
	size_t len;
};

static gs_out *sink_open(struct sink *k, int table, int decimals)
{
	gs_out *o;

	k->buf = NULL;
	k->len = 0;
	k->f = open_memstream(&k->buf, &k->len);
	ck_assert_ptr_nonnull(k->f);
	o = gs_out_new(k->f, table, decimals);
	ck_assert_ptr_nonnull(o);
	return o;
}

/* Free o, close the stream; the text is in k->buf (caller frees). */
static void sink_close(struct sink *k, gs_out *o)
{
	gs_out_free(o);
	ck_assert_int_eq(fclose(k->f), 0);
}

/* Copy of text with trailing blanks removed from every line. */
static char *rstrip_lines(const char *text)
{
	char *out = malloc(strlen(text) + 1), *w = out;

	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			while (w > out && w[-1] == ' ')
				w--;
		*w++ = *p;
	}
	*w = '\0';
	return out;
}

static void field(const char *name, int64_t v, int decimals, const char *want)
{
	char buf[64];

	ck_assert_str_eq(gs_out_field(name, v, decimals, buf, sizeof buf), want);
	ck_assert_str_eq(buf, want);
}

START_TEST(field_formats)
{
	field("amount", 12500000, 6, "12.5");
	field("amount", 0, 6, "0");
	field("available", 1, 6, "0.000001");
	field("locked", 3000000, 6, "3");
	field("net", -82500, 6, "-0.0825");
	field("supply", 12500000, 2, "125000");
	field("amount", 1250, 2, "12.5");
	field("qty_wh", 1500, 6, "1.5kWh");
	field("volume_wh", 0, 6, "0kWh");
	field("delivered_wh", 2000000, 6, "2000kWh");
	field("price", -500000, 6, "-0.5");
	field("price", 110000, 6, "0.11");
	field("price", 21, 2, "0.21");
	field("capacity_w", 5000, 6, "5kW");
	field("capacity_w", 250, 6, "0.25kW");
	field("time", 1795600800, 6, "2026-11-25T10:00:00Z");
	field("created", 0, 6, "1970-01-01T00:00:00Z");
	field("expires_at", 1795600815, 6, "2026-11-25T10:00:15Z");
	/* everything else as a plain integer */
	field("id", 12, 6, "12");
	field("slot", 1995112, 6, "1995112");
	field("seq", -3, 6, "-3");
	field("panel", 1500, 6, "1500");
}
END_TEST

/* NDJSON: one compact line per record, fields in their order, at once. */
START_TEST(ndjson_lines)
{
	struct sink k;
	gs_out *o = sink_open(&k, 0, 6);

	gs_out_rec(o, json_pack("{s:s,s:s,s:i,s:i}", "type", "balance", "account", "alice",
				"available", 12500000, "locked", 0));
	gs_out_rec(o, json_pack("{s:s,s:s,s:n,s:b}", "type", "lock", "purpose", "esc \"x\" é",
				"ref", "ok", 1));
	gs_out_rec(o, json_pack("{s:s,s:i,s:i,s:i}", "type", "supply", "minted", 2, "burned",
				1, "supply", 1));
	sink_close(&k, o);
	ck_assert_str_eq(k.buf,
		"{\"type\":\"balance\",\"account\":\"alice\",\"available\":12500000,\"locked\":0}\n"
		"{\"type\":\"lock\",\"purpose\":\"esc \\\"x\\\" \xc3\xa9\",\"ref\":null,\"ok\":true}\n"
		"{\"type\":\"supply\",\"minted\":2,\"burned\":1,\"supply\":1}\n");
	free(k.buf);

	/* nothing printed for no records */
	o = sink_open(&k, 0, 6);
	sink_close(&k, o);
	ck_assert_uint_eq(k.len, 0);
	free(k.buf);
}
END_TEST

/* A table: header of field names (type left out), display units, numbers
 * right-aligned, text left-aligned; a new type starts a new table after a
 * blank line. */
START_TEST(table_exact)
{
	struct sink k;
	gs_out *o = sink_open(&k, 1, 6);

	gs_out_rec(o, json_pack("{s:s,s:s,s:i,s:i}", "type", "balance", "account", "alice",
				"available", 12500000, "locked", 0));
	gs_out_rec(o, json_pack("{s:s,s:s,s:i,s:i}", "type", "balance", "account", "bob",
				"available", 1000000, "locked", 500000));
	gs_out_rec(o, json_pack("{s:s,s:i,s:i,s:i}", "type", "supply", "minted", 13500000,
				"burned", 0, "supply", 13500000));
	sink_close(&k, o);
	ck_assert_str_eq(k.buf,
		"account  available  locked\n"
		"alice         12.5       0\n"
		"bob              1     0.5\n"
		"\n"
		"minted  burned  supply\n"
		"  13.5       0    13.5\n");
	free(k.buf);
}
END_TEST

/* Missing fields and nulls show "-", booleans yes/no, energy and time in
 * display units; columns are the union of the records' fields. */
START_TEST(table_mixed)
{
	struct sink k;
	gs_out *o = sink_open(&k, 1, 6);
	char *t;

	gs_out_rec(o, json_pack("{s:s,s:i,s:n,s:b}", "type", "fill", "order", 1, "ref",
				"final", 1));
	gs_out_rec(o, json_pack("{s:s,s:i,s:s,s:i,s:i}", "type", "fill", "order", 22, "ref",
				"r1", "qty_wh", 1500, "time", 1795600800));
	gs_out_flush(o);
	ck_assert_int_eq(fflush(k.f), 0);
	t = rstrip_lines(k.buf);
	ck_assert_str_eq(t,
		"order  ref  final  qty_wh  time\n"
		"    1  -    yes    -       -\n"
		"   22  r1   -      1.5kWh  2026-11-25T10:00:00Z\n");
	free(t);
	/* after a flush the next table is separated by a blank line */
	gs_out_rec(o, json_pack("{s:s,s:i}", "type", "fill", "order", 3));
	sink_close(&k, o);
	t = rstrip_lines(k.buf);
	ck_assert_str_eq(t,
		"order  ref  final  qty_wh  time\n"
		"    1  -    yes    -       -\n"
		"   22  r1   -      1.5kWh  2026-11-25T10:00:00Z\n"
		"\n"
		"order\n"
		"    3\n");
	free(t);
	free(k.buf);
}
END_TEST

/* Decimals of the sink apply to money columns. */
START_TEST(table_decimals)
{
	struct sink k;
	gs_out *o = sink_open(&k, 1, 2);

	gs_out_rec(o, json_pack("{s:s,s:s,s:i}", "type", "param", "name", "x", "amount", 1250));
	sink_close(&k, o);
	ck_assert_str_eq(k.buf,
		"name  amount\n"
		"x       12.5\n");
	free(k.buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, field_formats);
	tcase_add_test(tc, ndjson_lines);
	tcase_add_test(tc, table_exact);
	tcase_add_test(tc, table_mixed);
	tcase_add_test(tc, table_decimals);
	suite_add_tcase(s, tc);
	return th_run(s);
}
