/* gs-settle.c - settlement of cleared slots: compute, dispute, finalize. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "cli.h"

static int cmd_compute(struct gs_cli *c, int argc, char **argv)
{
	return gs_cli_slot_tx(c, "settle.compute", argc, argv);
}

static int cmd_finalize(struct gs_cli *c, int argc, char **argv)
{
	return gs_cli_slot_tx(c, "settle.finalize", argc, argv);
}

static int cmd_dispute(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL;
	int64_t slot;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 'r')
			return GS_EUSAGE;
		reason = optarg;
	}
	if (!reason || optind != argc - 1)
		return gs_cli_usage(c, "need one SLOT and --reason TEXT");
	if (!reason[0])
		return gs_cli_bad(c, "--reason: must not be empty");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_slot(c, argv[optind], &slot)))
		return rc;
	return gs_cli_tx(c, "settle.dispute", json_pack("{s:I,s:s}", "slot",
						       (json_int_t)slot, "reason", reason));
}

static int cmd_resolve(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uphold", no_argument, NULL, 'u' },
		{ "reject", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t id;
	int ch, rc, uphold = 0, reject = 0;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 'u' && ch != 'r')
			return GS_EUSAGE;
		*(ch == 'u' ? &uphold : &reject) = 1;
	}
	if (uphold == reject || optind != argc - 1)
		return gs_cli_usage(c, "need one DISPUTE and one of --uphold, --reject");
	if ((rc = gs_cli_id(c, "DISPUTE", argv[optind], &id)) || (rc = gs_cli_state(c)))
		return rc;
	return gs_cli_tx(c, "settle.resolve", json_pack("{s:I,s:b}", "dispute",
						       (json_int_t)id, "uphold", uphold));
}

static int cmd_positions(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *account = NULL;
	json_t *recs;
	int64_t slot;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 'a')
			return GS_EUSAGE;
		account = optarg;
	}
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one SLOT");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_slot(c, argv[optind], &slot)))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_position_records(c->store, slot, account, recs, &e),
			    recs, &e);
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
	rc = gs_settlement_record(c->store, slot, recs, &e);
	if (rc == GS_OK)
		rc = gs_dispute_records(c->store, 0, slot, recs, &e);
	return gs_cli_query(c, rc, recs, &e);
}

static int cmd_disputes(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs;
	int64_t slot = -1;
	gs_err e;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind < argc - 1)
		return gs_cli_usage(c, "at most one SLOT");
	if ((rc = gs_cli_state(c)) ||
	    (optind == argc - 1 && (rc = gs_cli_slot(c, argv[optind], &slot))))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_dispute_records(c->store, 0, slot, recs, &e), recs,
			    &e);
}

/* A --from/--to TIME as the slot holding it. */
static int time_slot(struct gs_cli *c, const char *opt, const char *s,
		     int64_t *slot)
{
	int64_t t;
	gs_err e;

	if (gs_time_parse(s, &t, &e))
		return gs_cli_bad(c, "--%s: %s", opt, e.msg);
	*slot = gs_slot_of(t, c->cfg.slot_seconds);
	return GS_OK;
}

static int cmd_summary(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *account = NULL, *from = NULL, *to = NULL;
	int64_t lo = 0, hi = INT64_MAX;
	json_t *recs;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'a': account = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		default: return GS_EUSAGE;
		}
	}
	if (optind != argc)
		return gs_cli_usage(c, "no arguments expected");
	if ((rc = gs_cli_state(c)) ||
	    (from && (rc = time_slot(c, "from", from, &lo))) ||
	    (to && (rc = time_slot(c, "to", to, &hi))))
		return rc;
	if (to && hi-- <= lo)	/* --to is exclusive: the slots before it */
		return gs_cli_bad(c, "--to: must be after --from");
	recs = json_array();
	return gs_cli_query(c, gs_position_summary(c->store, account, lo, hi, recs, &e),
			    recs, &e);
}

static const struct gs_cli_cmd cmds[] = {
	{ "compute", cmd_compute, "compute SLOT|--due --as OPERATOR",
	  "Compute the provisional positions of a cleared slot whose oracle data is\n"
	  "final (--due: every such slot not computed yet). No money moves." },
	{ "finalize", cmd_finalize, "finalize SLOT|--due --as OPERATOR",
	  "Apply every transfer of a computed slot in one tx, once its dispute\n"
	  "window is over and no dispute is open. Final slots never change." },
	{ "dispute", cmd_dispute, "dispute SLOT --reason TEXT --as A",
	  "Contest a slot's provisional positions (participants, within\n"
	  "dispute_window_s of compute); locks dispute_bond." },
	{ "resolve", cmd_resolve, "resolve DISPUTE --uphold|--reject --as OPERATOR",
	  "Uphold (bond returned, slot reopened for recompute) or reject (bond to\n"
	  "treasury) a dispute." },
	{ "positions", cmd_positions, "positions SLOT [--account A]",
	  "Net position of each participant of a computed slot." },
	{ "show", cmd_show, "show SLOT", "The settlement record of a slot and its disputes." },
	{ "disputes", cmd_disputes, "disputes [SLOT]", "Disputes, all or of one slot." },
	{ "summary", cmd_summary, "summary [--account A] [--from TIME] [--to TIME]",
	  "Per-account sums of final positions over the slots from..to." },
	{ NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	return gs_cli_main("gs-settle", cmds, argc, argv);
}
