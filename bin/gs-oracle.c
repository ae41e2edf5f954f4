/* gs-oracle.c - production reports by staked oracles, and slot finalization. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "cli.h"

/* Energy given as whole Wh ("1500") or with a unit ("1.5kWh"). */
static int wh_arg(struct gs_cli *c, const char *s, int64_t *wh)
{
	gs_err e;

	if (gs_decimal_parse(s, 0, 0, wh, NULL) == GS_OK ||
	    gs_energy_parse(s, wh, &e) == GS_OK)
		return GS_OK;
	return gs_cli_bad(c, "--wh: %s", e.msg);
}

static int cmd_report(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "panel", required_argument, NULL, 'p' },
		{ "slot", required_argument, NULL, 's' },
		{ "wh", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char *panel = NULL, *slot = NULL, *wh = NULL;
	int64_t p, sl, w;
	json_t *args;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'p': panel = optarg; break;
		case 's': slot = optarg; break;
		case 'w': wh = optarg; break;
		default: return GS_EUSAGE;
		}
	}
	if (!panel && !slot && !wh && gs_cli_is_batch(argc, argv)) {
		if ((rc = gs_cli_state(c)))
			return rc;
		if (gs_cli_read_items(c, gs_cli_slot_item, &args, &e))
			return gs_cli_error(c, &e);
		return gs_cli_tx(c, "oracle.report", args);
	}
	if (!panel || !slot || !wh || optind != argc)
		return gs_cli_usage(c, "need --panel, --slot and --wh");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_id(c, "PANEL", panel, &p)) ||
	    (rc = gs_cli_slot(c, slot, &sl)) || (rc = wh_arg(c, wh, &w)))
		return rc;
	return gs_cli_tx(c, "oracle.report", json_pack("{s:I,s:I,s:I}", "panel",
				(json_int_t)p, "slot", (json_int_t)sl, "wh", (json_int_t)w));
}

static int cmd_finalize(struct gs_cli *c, int argc, char **argv)
{
	return gs_cli_slot_tx(c, "oracle.finalize", argc, argv);
}

static int cmd_show(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs;
	int64_t slot;
	gs_err e;
	int rc;

	if ((rc = gs_cli_slot_query(c, argc, argv, &slot)))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_production_records(c->store, slot, 0, 0, recs, &e),
			    recs, &e);
}

static int cmd_history(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs;
	int64_t panel;
	gs_err e;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one PANEL");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_id(c, "PANEL", argv[optind], &panel)))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_panel_history(c->store, panel, recs, &e), recs, &e);
}

static int cmd_reports(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "panel", required_argument, NULL, 'p' },
		{ "oracle", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *panel = NULL, *oracle = NULL;
	int64_t slot = -1, p = 0;
	json_t *recs;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch == 'p')
			panel = optarg;
		else if (ch == 'o')
			oracle = optarg;
		else
			return GS_EUSAGE;
	}
	if (argc - optind > 1)
		return gs_cli_usage(c, "at most one SLOT");
	if ((rc = gs_cli_state(c)) ||
	    (optind < argc && (rc = gs_cli_slot(c, argv[optind], &slot))) ||
	    (panel && (rc = gs_cli_id(c, "PANEL", panel, &p))))
		return rc;
	recs = json_array();
	if (oracle && gs_account_exists(c->store, oracle, &e))
		return gs_cli_query(c, e.code, recs, &e);
	return gs_cli_query(c, gs_report_records(c->store, slot, p, oracle, recs, &e),
			    recs, &e);
}

static int cmd_slots(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs;
	gs_err e;
	int rc;

	if ((rc = gs_cli_bare(c, argc, argv, "no arguments expected")))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_oracle_slot_records(c->store, c->now, recs, &e),
			    recs, &e);
}

static int cmd_list(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs;
	gs_err e;
	int rc;

	if ((rc = gs_cli_bare(c, argc, argv, "no arguments expected")))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_oracle_records(c->store, recs, &e), recs, &e);
}

static const struct gs_cli_cmd cmds[] = {
	{ "report", cmd_report, "report --panel PANEL --slot SLOT --wh N --as ORACLE",
	  "Report a panel's production for an ended slot (role oracle, staked).\n"
	  "NDJSON {\"panel\",\"slot\",\"wh\"} lines on stdin report many in one tx;\n"
	  "a later report of the same oracle for a panel-slot replaces its earlier one." },
	{ "finalize", cmd_finalize, "finalize SLOT|--due --as OPERATOR",
	  "Close a slot once verification_period_s has passed since its end:\n"
	  "medians where oracle_quorum is met, unverified otherwise, misreports\n"
	  "flagged and penalized." },
	{ "show", cmd_show, "show SLOT", "Per-panel value, report count and status." },
	{ "history", cmd_history, "history PANEL", "Finalized production of a panel." },
	{ "reports", cmd_reports, "reports [SLOT] [--panel P] [--oracle O]",
	  "Raw reports with their oracle." },
	{ "slots", cmd_slots, "slots", "Slots with reports: open, reporting, finalized." },
	{ "list", cmd_list, "list", "Oracles with their stake and accuracy." },
	{ NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	return gs_cli_main("gs-oracle", cmds, argc, argv);
}
