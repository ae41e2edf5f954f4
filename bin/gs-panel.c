/* gs-panel.c - solar panels as non-fungible assets: register, transfer, retire. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "cli.h"

static int cmd_register(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "capacity", required_argument, NULL, 'c' },
		{ "location", required_argument, NULL, 'l' },
		{ "installed", required_argument, NULL, 'i' },
		{ "meta", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *owner = NULL, *cap = NULL, *loc = NULL, *inst = NULL,
		   *meta = NULL;
	json_t *args, *mj = NULL;
	int64_t w, t;
	json_error_t jerr;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o': owner = optarg; break;
		case 'c': cap = optarg; break;
		case 'l': loc = optarg; break;
		case 'i': inst = optarg; break;
		case 'm': meta = optarg; break;
		default: return GS_EUSAGE;
		}
	}
	if (!owner && !cap && !loc && !inst && !meta && gs_cli_is_batch(argc, argv))
		return gs_cli_batch(c, "panel.register");
	if (!owner || !cap || optind != argc)
		return gs_cli_usage(c, "need --owner ACCOUNT and --capacity CAPACITY");
	if (gs_power_parse(cap, &w, &e))
		return gs_cli_bad(c, "--capacity: %s", e.msg);
	args = json_pack("{s:s,s:I}", "owner", owner, "capacity_w", (json_int_t)w);
	if (loc)
		json_object_set_new(args, "location", json_string(loc));
	if (inst && gs_time_parse(inst, &t, &e)) {
		json_decref(args);
		return gs_cli_bad(c, "--installed: %s", e.msg);
	}
	if (inst)
		json_object_set_new(args, "installed", json_integer(t));
	if (meta && !(mj = json_loads(meta, JSON_REJECT_DUPLICATES, &jerr))) {
		json_decref(args);
		return gs_cli_bad(c, "--meta: invalid JSON: %s", jerr.text);
	}
	if (mj)
		json_object_set_new(args, "meta", mj);
	if ((rc = gs_cli_state(c))) {
		json_decref(args);
		return rc;
	}
	return gs_cli_tx(c, "panel.register", args);
}

static int cmd_transfer(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *to = NULL;
	int64_t id;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 't')
			return GS_EUSAGE;
		to = optarg;
	}
	if (!to && gs_cli_is_batch(argc, argv))
		return gs_cli_batch(c, "panel.transfer");
	if (!to || optind != argc - 1)
		return gs_cli_usage(c, "need PANEL and --to ACCOUNT");
	if ((rc = gs_cli_id(c, "PANEL", argv[optind], &id)) || (rc = gs_cli_state(c)))
		return rc;
	return gs_cli_tx(c, "panel.transfer", json_pack("{s:I,s:s}", "panel",
						       (json_int_t)id, "to", to));
}

static int cmd_retire(struct gs_cli *c, int argc, char **argv)
{
	int64_t id;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (gs_cli_is_batch(argc, argv))
		return gs_cli_batch(c, "panel.retire");
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one PANEL");
	if ((rc = gs_cli_id(c, "PANEL", argv[optind], &id)) || (rc = gs_cli_state(c)))
		return rc;
	return gs_cli_tx(c, "panel.retire", json_pack("{s:I}", "panel",
						     (json_int_t)id));
}

static int cmd_show(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs;
	int64_t id;
	gs_err e;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one PANEL");
	if ((rc = gs_cli_id(c, "PANEL", argv[optind], &id)) || (rc = gs_cli_state(c)))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_panel_records(c->store, id, NULL, recs, &e), recs, &e);
}

static int cmd_list(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "status", required_argument, NULL, 's' },
		{ "min-capacity", required_argument, NULL, 'm' },
		{ "max-capacity", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	struct gs_panel_filter f = { NULL, NULL, 0, INT64_MAX };
	json_t *recs;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o': f.owner = optarg; break;
		case 's':
			if (strcmp(optarg, "active") && strcmp(optarg, "retired"))
				return gs_cli_bad(c, "--status is active or retired");
			f.status = optarg;
			break;
		case 'm':
		case 'M':
			if (gs_power_parse(optarg, ch == 'm' ? &f.min_w : &f.max_w, &e))
				return gs_cli_bad(c, "--%s-capacity: %s", ch == 'm' ?
						    "min" : "max", e.msg);
			break;
		default:
			return GS_EUSAGE;
		}
	}
	if (optind != argc)
		return gs_cli_usage(c, "no arguments expected");
	if ((rc = gs_cli_state(c)))
		return rc;
	recs = json_array();
	if (f.owner && gs_account_exists(c->store, f.owner, &e))
		return gs_cli_query(c, e.code, recs, &e);
	return gs_cli_query(c, gs_panel_records(c->store, 0, &f, recs, &e), recs, &e);
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

static const struct gs_cli_cmd cmds[] = {
	{ "register", cmd_register, "register --owner ACCOUNT --capacity 5kW "
	  "[--location L] [--installed DATE] [--meta JSON] --as REGISTRAR",
	  "Mint a panel to ACCOUNT (role registrar); prints it with its id.\n"
	  "NDJSON {\"owner\",\"capacity_w\",\"location\",\"installed\",\"meta\"} "
	  "lines on stdin register many in one tx." },
	{ "transfer", cmd_transfer, "transfer PANEL --to ACCOUNT --as OWNER",
	  "Hand an active panel to another account." },
	{ "retire", cmd_retire, "retire PANEL --as OWNER",
	  "Retire a panel for good (its owner or a registrar)." },
	{ "show", cmd_show, "show PANEL", "One panel." },
	{ "list", cmd_list, "list [--owner A] [--status active|retired] "
	  "[--min-capacity C] [--max-capacity C]", "Panels, filtered." },
	{ "history", cmd_history, "history PANEL",
	  "Finalized production per slot (gs-oracle history)." },
	{ NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	return gs_cli_main("gs-panel", cmds, argc, argv);
}
