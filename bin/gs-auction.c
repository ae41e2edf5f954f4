/* gs-auction.c - sealed batch auction per slot: orders, clearing, results. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "cli.h"

#define MAX_BOOK_LINE 4096

static int cmd_order(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slot", required_argument, NULL, 's' },
		{ "buy", required_argument, NULL, 'b' },
		{ "sell", required_argument, NULL, 'S' },
		{ "price", required_argument, NULL, 'p' },
		{ "panel", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *slot = NULL, *buy = NULL, *sell = NULL, *price = NULL,
		   *panel = NULL;
	int64_t sl, qty, pr = 0, pn = 0;
	json_t *args;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 's': slot = optarg; break;
		case 'b': buy = optarg; break;
		case 'S': sell = optarg; break;
		case 'p': price = optarg; break;
		case 'P': panel = optarg; break;
		default: return GS_EUSAGE;
		}
	}
	if (!slot && !buy && !sell && !price && !panel && gs_cli_is_batch(argc, argv)) {
		if ((rc = gs_cli_state(c)))
			return rc;
		if (gs_cli_read_items(c, gs_cli_slot_item, &args, &e))
			return gs_cli_error(c, &e);
		return gs_cli_tx(c, "auction.order", args);
	}
	if (!slot || !price || !buy == !sell || optind != argc)
		return gs_cli_usage(c, "need --slot, --buy QTY or --sell QTY, and --price");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_slot(c, slot, &sl)))
		return rc;
	if (gs_energy_parse(buy ? buy : sell, &qty, &e) || qty <= 0)
		return gs_cli_bad(c, "--%s: %s", buy ? "buy" : "sell",
				  qty <= 0 && !e.code ? "must be positive" : e.msg);
	if (strcmp(price, "market") != 0 &&
	    gs_price_parse(price, c->cfg.decimals, &pr, &e))
		return gs_cli_bad(c, "--price: %s", e.msg);
	if (panel && (rc = gs_cli_id(c, "--panel", panel, &pn)))
		return rc;
	args = json_pack("{s:I,s:s,s:I}", "slot", (json_int_t)sl, "side",
			 buy ? "buy" : "sell", "qty_wh", (json_int_t)qty);
	json_object_set_new(args, "price", strcmp(price, "market") == 0
			    ? json_string("market") : json_integer(pr));
	if (pn)
		json_object_set_new(args, "panel", json_integer(pn));
	return gs_cli_tx(c, "auction.order", args);
}

static int cmd_cancel(struct gs_cli *c, int argc, char **argv)
{
	int64_t id;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (gs_cli_is_batch(argc, argv))
		return gs_cli_batch(c, "auction.cancel");
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one ORDER");
	if ((rc = gs_cli_id(c, "ORDER", argv[optind], &id)) || (rc = gs_cli_state(c)))
		return rc;
	return gs_cli_tx(c, "auction.cancel", json_pack("{s:I}", "order",
						       (json_int_t)id));
}

/* gs_fill_fn printing a fill: NDJSON written directly (a million of them
 * through jansson cost more than the clearing), a record for tables. */
static void print_fill(int64_t order, int64_t qty, int has_price, int64_t price,
		       void *cli)
{
	if (gs_cli_table(cli))
		gs_cli_print(cli, gs_fill_record(order, qty, has_price, price));
	else if (has_price)
		printf("{\"type\":\"fill\",\"order\":%lld,\"qty_wh\":%lld,"
		       "\"price\":%lld}\n", (long long)order, (long long)qty,
		       (long long)price);
	else
		printf("{\"type\":\"fill\",\"order\":%lld,\"qty_wh\":%lld,"
		       "\"price\":null}\n", (long long)order, (long long)qty);
}

/* Clear, then print each clearing record followed by its slot's fills,
 * read from the state one by one (a book of a million orders is not held
 * in memory as records). */
static int cmd_clear(struct gs_cli *c, int argc, char **argv)
{
	json_t *r;
	size_t i;
	gs_err e;
	int rc;

	c->keep = 1;
	rc = gs_cli_slot_tx(c, "auction.clear", argc, argv);
	json_array_foreach(c->kept, i, r) {	/* each clearing, then its fills */
		const char *type = json_string_value(json_object_get(r, "type"));
		int64_t slot = json_integer_value(json_object_get(r, "slot"));
		gs_cli_print(c, json_incref(r));
		if (rc == GS_OK && type && strcmp(type, "clearing") == 0 &&
		    gs_fill_each(c->store, slot, print_fill, c, &e))
			rc = gs_cli_error(c, &e);
	}
	json_decref(c->kept);
	c->kept = NULL;
	return rc;
}

static int cmd_book(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs;
	int64_t slot;
	gs_err e;
	int rc;

	if ((rc = gs_cli_slot_query(c, argc, argv, &slot)))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_order_records(c->store, slot, 0, NULL, recs, &e),
			    recs, &e);
}

static int cmd_result(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs;
	int64_t slot;
	gs_err e;
	int rc;

	if ((rc = gs_cli_slot_query(c, argc, argv, &slot)))
		return rc;
	recs = json_array();
	rc = gs_clearing_record(c->store, slot, recs, &e);
	if (rc)
		return gs_cli_query(c, rc, recs, &e);
	gs_cli_print_all(c, recs);
	if (gs_fill_each(c->store, slot, print_fill, c, &e))
		return gs_cli_error(c, &e);
	return GS_OK;
}

static int cmd_curve(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "svg", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *svg = NULL;
	json_t *recs;
	int64_t slot;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 'v')
			return GS_EUSAGE;
		svg = optarg;
	}
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one SLOT");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_slot(c, argv[optind], &slot)))
		return rc;
	recs = json_array();
	rc = gs_curve_records(c->store, slot, recs, &e);
	if (rc == GS_OK && svg) {
		FILE *f = fopen(svg, "w");
		if (!f) {
			json_decref(recs);
			return gs_cli_bad(c, "--svg: cannot write '%s'", svg);
		}
		gs_curve_svg(f, recs, c->cfg.decimals);
		if (fclose(f) != 0) {
			json_decref(recs);
			return gs_cli_bad(c, "--svg: cannot write '%s'", svg);
		}
	}
	return gs_cli_query(c, rc, recs, &e);
}

/* One simulate input line: {"id","side","price","qty_wh"}. */
static int book_line(json_t *in, int64_t pmin, int64_t pmax, struct gs_order *o,
		     gs_err *e)
{
	static const char *const fields[] = { "id", "side", "price", "qty_wh", NULL };
	json_t *pj = json_object_get(in, "price");
	const char *side;

	if (gs_json_only(in, fields, e) ||
	    gs_json_str(in, "side", 8, 0, &side, e) ||
	    gs_json_int(in, "qty_wh", 1, INT64_MAX, 0, &o->qty, e))
		return e->code;
	if (!json_object_get(in, "id"))
		return gs_fail(e, GS_EINPUT, "field \"id\": missing");
	o->side = strcmp(side, "buy") == 0 ? GS_BUY : strcmp(side, "sell") == 0
		  ? GS_SELL : 0;
	if (!o->side)
		return gs_fail(e, GS_EINPUT, "field \"side\": must be \"buy\" or \"sell\"");
	if (json_is_string(pj) && strcmp(json_string_value(pj), "market") == 0)
		o->price = o->side == GS_BUY ? pmax : pmin;
	else if (gs_json_int(in, "price", INT64_MIN, INT64_MAX, 0, &o->price, e))
		return e->code;
	return GS_OK;
}

static int cmd_simulate(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "price-min", required_argument, NULL, 'm' },
		{ "price-max", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t pmin = -500000, pmax = 4000000;
	struct gs_order *o = NULL;
	json_t *ids = json_array(), *in;
	struct gs_clearing cl;
	size_t n = 0, cap = 0;
	gs_ndjson *r;
	long line;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		int64_t *v = ch == 'm' ? &pmin : &pmax;
		if (ch != 'm' && ch != 'M') {
			json_decref(ids);
			return GS_EUSAGE;
		}
		if (gs_decimal_parse(optarg, 0, 1, v, &e)) {
			json_decref(ids);
			return gs_cli_bad(c, "--price-%s: %s", ch == 'm' ? "min" : "max",
					  e.msg);
		}
	}
	if (optind != argc) {
		json_decref(ids);
		return gs_cli_usage(c, "the book is read from standard input");
	}
	r = gs_ndjson_open(stdin, MAX_BOOK_LINE);
	while ((rc = gs_ndjson_next(r, &in, &line, &e)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			o = realloc(o, cap * sizeof *o);
		}
		o[n].seq = (int64_t)n;
		rc = book_line(in, pmin, pmax, &o[n], &e);
		json_array_append(ids, json_object_get(in, "id"));
		json_decref(in);
		if (rc) {
			gs_err_prefix(&e, "line %ld: ", line);
			break;
		}
		n++;
	}
	gs_ndjson_close(r);
	if (rc == 0 && (rc = gs_clear(o, n, &cl, &e)) == GS_OK) {
		json_t *rec = json_pack("{s:s,s:o,s:I,s:o,s:o,s:I}", "type", "clearing",
			"price", cl.has_price ? json_integer(cl.price) : json_null(),
			"volume_wh", (json_int_t)cl.volume,
			"lo", cl.has_price ? json_integer(cl.lo) : json_null(),
			"hi", cl.has_price ? json_integer(cl.hi) : json_null(),
			"orders", (json_int_t)n);
		gs_cli_print(c, rec);
		for (size_t i = 0; i < n; i++)
			gs_cli_print(c, json_pack("{s:s,s:O,s:I,s:o}", "type", "fill", "order",
				json_array_get(ids, i), "qty_wh", (json_int_t)o[i].fill,
				"price", cl.has_price ? json_integer(cl.price) : json_null()));
	}
	free(o);
	json_decref(ids);
	return rc ? gs_cli_error(c, &e) : GS_OK;
}

static const struct gs_cli_cmd cmds[] = {
	{ "order", cmd_order, "order --slot SLOT --buy QTY|--sell QTY --price PRICE "
	  "[--panel PANEL] --as A",
	  "Place a sealed order for a slot before its gate closes. PRICE in credits\n"
	  "per kWh or 'market'; sells name a panel of the seller. Buys lock escrow,\n"
	  "sells lock stake collateral (and escrow at negative prices). NDJSON\n"
	  "{\"slot\",\"side\",\"price\",\"qty_wh\",\"panel\"} lines on stdin place many "
	  "in one tx." },
	{ "cancel", cmd_cancel, "cancel ORDER --as A",
	  "Withdraw one's open order before the gate closes; its locks are released." },
	{ "clear", cmd_clear, "clear SLOT|--due --as OPERATOR",
	  "Clear a slot after its gate closed: one uniform price (DESIGN 9), one fill\n"
	  "per order; escrow beyond what each order owes is released." },
	{ "book", cmd_book, "book SLOT", "The orders of a slot." },
	{ "result", cmd_result, "result SLOT", "The clearing record and fills of a slot." },
	{ "curve", cmd_curve, "curve SLOT [--svg FILE]",
	  "Supply and demand step curves and the clearing point." },
	{ "simulate", cmd_simulate, "simulate [--price-min P] [--price-max P] < book.ndjson",
	  "Clear a book read from stdin ({\"id\",\"side\",\"price\",\"qty_wh\"} per line,\n"
	  "entry order = line order) with the same code as clear, touching no state." },
	{ NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	return gs_cli_main("gs-auction", cmds, argc, argv);
}
