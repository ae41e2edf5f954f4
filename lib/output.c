/* output.c - records out: NDJSON lines, or aligned tables for a terminal. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "cli.h"

#define MAX_COLS 24

struct gs_out {
	FILE *f;
	int table;
	int decimals;
	json_t *rows;		/* buffered records of one type (table mode) */
	int printed;		/* tables printed so far */
};

gs_out *gs_out_new(FILE *f, int table, int decimals)
{
	gs_out *o = calloc(1, sizeof *o);

	if (!o)
		return NULL;
	o->f = f;
	o->table = table;
	o->decimals = decimals;
	o->rows = json_array();
	return o;
}

/* Does name end with suffix? */
static int ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), m = strlen(suffix);

	return n >= m && strcmp(name + n - m, suffix) == 0;
}

/* Fields shown as credits. */
static int is_money(const char *name)
{
	static const char *const money[] = {
		"amount", "available", "locked", "minted", "burned", "supply",
		"staked", "unbonding", "debt", "paid", "received", "penalty",
		"compensation", "net", "weight", "for", "against", "abstain",
		"bond", "escrow", "collateral", "free", "taken", "penalties", "dust",
		"total_stake", "quorum",
		NULL,
	};

	for (int i = 0; money[i]; i++)
		if (strcmp(name, money[i]) == 0)
			return 1;
	return 0;
}

/* Fields shown as ISO-8601 times. */
static int is_time(const char *name)
{
	static const char *const times[] = {
		"time", "created", "installed", "registered", "until",
		"requested", "at", "start", "snapshot", "vote_end", "eta",
		NULL,
	};

	for (int i = 0; times[i]; i++)
		if (strcmp(name, times[i]) == 0)
			return 1;
	return ends_with(name, "_at");
}

char *gs_out_field(const char *name, int64_t v, int decimals, char *buf,
		   size_t n)
{
	if (is_money(name) || strcmp(name, "price") == 0 ||
	    strcmp(name, "lo") == 0 || strcmp(name, "hi") == 0)
		return gs_decimal_format(v, decimals, buf, n);
	if (ends_with(name, "_wh"))
		return gs_energy_format(v, buf, n);
	if (ends_with(name, "_w"))
		return gs_power_format(v, buf, n);
	if (is_time(name))
		return gs_time_format(v, buf, n);
	snprintf(buf, n, "%lld", (long long)v);
	return buf;
}

/* Cell text of value v in column name; malloc'd. */
static char *cell(const char *name, json_t *v, int decimals)
{
	char buf[64];

	if (!v || json_is_null(v))
		return strdup("-");
	if (json_is_integer(v))
		return strdup(gs_out_field(name, json_integer_value(v), decimals, buf,
					   sizeof buf));
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_boolean(v))
		return strdup(json_is_true(v) ? "yes" : "no");
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Print the buffered rows as one aligned table. */
static void print_table(gs_out *o)
{
	const char *cols[MAX_COLS];
	size_t ncol = 0, width[MAX_COLS], nrow = json_array_size(o->rows);
	const char *key;
	json_t *row, *v;
	size_t r;

	if (nrow == 0)
		return;
	json_array_foreach(o->rows, r, row)
		json_object_foreach(row, key, v) {
			size_t k;
			if (strcmp(key, "type") == 0)
				continue;
			for (k = 0; k < ncol && strcmp(cols[k], key) != 0; k++)
				;
			if (k == ncol && ncol < MAX_COLS)
				cols[ncol++] = key;
		}
	char **cells = calloc(nrow * ncol + 1, sizeof *cells);
	for (size_t k = 0; k < ncol; k++)
		width[k] = strlen(cols[k]);
	json_array_foreach(o->rows, r, row)
		for (size_t k = 0; k < ncol; k++) {
			char *t = cell(cols[k], json_object_get(row, cols[k]), o->decimals);
			cells[r * ncol + k] = t;
			if (t && strlen(t) > width[k])
				width[k] = strlen(t);
		}
	if (o->printed++)
		fputc('\n', o->f);
	for (size_t k = 0; k < ncol; k++)
		fprintf(o->f, "%s%-*s", k ? "  " : "",
			k + 1 < ncol ? (int)width[k] : 0, cols[k]);
	fputc('\n', o->f);
	for (r = 0; r < nrow; r++) {
		for (size_t k = 0; k < ncol; k++) {
			json_t *raw = json_object_get(json_array_get(o->rows, r), cols[k]);
			int right = json_is_integer(raw);
			int w = right ? (int)width[k] : k + 1 < ncol ? -(int)width[k] : 0;
			fprintf(o->f, "%s%*s", k ? "  " : "", w,
				cells[r * ncol + k] ? cells[r * ncol + k] : "");
		}
		fputc('\n', o->f);
	}
	for (size_t i = 0; i < nrow * ncol; i++)
		free(cells[i]);
	free(cells);
	json_array_clear(o->rows);
}

void gs_out_rec(gs_out *o, json_t *rec)
{
	json_t *last;

	if (!o->table) {
		gs_json_print(o->f, rec);
		json_decref(rec);
		return;
	}
	last = json_array_get(o->rows, json_array_size(o->rows) - 1);
	if (last && !json_equal(json_object_get(last, "type"),
				json_object_get(rec, "type")))
		print_table(o);
	json_array_append_new(o->rows, rec);
}

void gs_out_flush(gs_out *o)
{
	if (o->table)
		print_table(o);
	fflush(o->f);
}

void gs_out_free(gs_out *o)
{
	if (!o)
		return;
	gs_out_flush(o);
	json_decref(o->rows);
	free(o);
}
