/* gs-dao.c - governance: proposals, stake-weighted votes, timelock, execution. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "cli.h"

#define MAX_ACTIONS 64

static int cmd_propose(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "description", required_argument, NULL, 'd' },
		{ "action", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *title = NULL, *desc = NULL;
	json_t *acts = json_array(), *a, *args;
	json_error_t jerr;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 't': title = optarg; break;
		case 'd': desc = optarg; break;
		case 'a':
			a = json_loads(optarg, JSON_REJECT_DUPLICATES, &jerr);
			if (!a || !json_is_object(a)) {
				size_t k = json_array_size(acts) + 1;
				int parsed = a != NULL;
				json_decref(a);
				json_decref(acts);
				return gs_cli_bad(c, "--action %zu: not a JSON object%s%s", k,
						  parsed ? "" : ": ", parsed ? "" : jerr.text);
			}
			json_array_append_new(acts, a);
			break;
		default:
			json_decref(acts);
			return GS_EUSAGE;
		}
	}
	if (!title || json_array_size(acts) == 0 || optind != argc) {
		json_decref(acts);
		return gs_cli_usage(c, "need --title and at least one --action JSON");
	}
	if (json_array_size(acts) > MAX_ACTIONS) {
		json_decref(acts);
		return gs_cli_bad(c, "--action: at most %d actions", MAX_ACTIONS);
	}
	if ((rc = gs_cli_state(c))) {
		json_decref(acts);
		return rc;
	}
	args = json_pack("{s:s,s:o}", "title", title, "actions", acts);
	if (desc)
		json_object_set_new(args, "description", json_string(desc));
	return gs_cli_tx(c, "dao.propose", args);
}

static int cmd_vote(struct gs_cli *c, int argc, char **argv)
{
	int64_t id;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 2)
		return gs_cli_usage(c, "need PROPOSAL and for|against|abstain");
	if (strcmp(argv[optind + 1], "for") != 0 &&
	    strcmp(argv[optind + 1], "against") != 0 &&
	    strcmp(argv[optind + 1], "abstain") != 0)
		return gs_cli_usage(c, "the vote is for, against or abstain");
	if ((rc = gs_cli_id(c, "PROPOSAL", argv[optind], &id)) || (rc = gs_cli_state(c)))
		return rc;
	return gs_cli_tx(c, "dao.vote", json_pack("{s:I,s:s}", "proposal",
						  (json_int_t)id, "support",
						  argv[optind + 1]));
}

/* queue / execute PROPOSAL | --due; cancel PROPOSAL. */
static int proposal_tx(struct gs_cli *c, const char *cmd, int due_ok, int argc,
		       char **argv)
{
	static const struct option opts[] = {
		{ "due", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t id;
	int ch, rc, due = 0;

	while ((ch = gs_cli_opt(c, argc, argv, due_ok ? opts : NULL)) != -1) {
		if (ch != 'D')
			return GS_EUSAGE;
		due = 1;
	}
	if (argc - optind != !due)
		return gs_cli_usage(c, due_ok ? "need PROPOSAL or --due" : "need PROPOSAL");
	if (due)
		return (rc = gs_cli_state(c)) ? rc
		       : gs_cli_tx(c, cmd, json_pack("{s:i}", "due", 1));
	if ((rc = gs_cli_id(c, "PROPOSAL", argv[optind], &id)) || (rc = gs_cli_state(c)))
		return rc;
	return gs_cli_tx(c, cmd, json_pack("{s:I}", "proposal", (json_int_t)id));
}

static int cmd_queue(struct gs_cli *c, int argc, char **argv)
{
	return proposal_tx(c, "dao.queue", 1, argc, argv);
}

static int cmd_execute(struct gs_cli *c, int argc, char **argv)
{
	return proposal_tx(c, "dao.execute", 1, argc, argv);
}

static int cmd_cancel(struct gs_cli *c, int argc, char **argv)
{
	return proposal_tx(c, "dao.cancel", 0, argc, argv);
}

/* Parse a query's one PROPOSAL and read its record into recs (exit 65 for
 * an unknown one). */
static int proposal_query(struct gs_cli *c, int argc, char **argv, int64_t *id,
			  json_t *recs, gs_err *e)
{
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one PROPOSAL");
	if ((rc = gs_cli_id(c, "PROPOSAL", argv[optind], id)) || (rc = gs_cli_state(c)))
		return rc;
	rc = gs_proposal_records(c->store, *id, NULL, c->now, recs, e);
	if (rc == GS_OK && json_array_size(recs) == 0)
		rc = gs_fail(e, GS_EINPUT, "unknown proposal %lld", (long long)*id);
	return rc ? gs_cli_error(c, e) : GS_OK;
}

static int cmd_show(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs = json_array();
	int64_t id;
	gs_err e;
	int rc = proposal_query(c, argc, argv, &id, recs, &e);

	if (rc) {
		json_decref(recs);
		return rc;
	}
	gs_cli_print_all(c, recs);
	return GS_OK;
}

static int cmd_list(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const states[] = { "pending", "active", "defeated",
		"succeeded", "queued", "executed", "canceled", "expired", NULL };
	const char *state = NULL;
	json_t *recs;
	gs_err e;
	int ch, rc, k;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 's')
			return GS_EUSAGE;
		state = optarg;
	}
	if (optind != argc)
		return gs_cli_usage(c, "no arguments expected");
	for (k = 0; state && states[k] && strcmp(states[k], state) != 0; k++)
		;
	if (state && !states[k])
		return gs_cli_bad(c, "--state: unknown state '%s'", state);
	if ((rc = gs_cli_state(c)))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_proposal_records(c->store, 0, state, c->now, recs, &e),
			    recs, &e);
}

static int cmd_votes(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs = json_array();
	int64_t id;
	gs_err e;
	int rc = proposal_query(c, argc, argv, &id, recs, &e);

	if (rc) {
		json_decref(recs);
		return rc;
	}
	json_array_clear(recs);
	return gs_cli_query(c, gs_vote_records(c->store, id, NULL, recs, &e), recs, &e);
}

static const struct gs_cli_cmd cmds[] = {
	{ "propose", cmd_propose, "propose --title T [--description D] --action JSON "
	  "[--action JSON ...] --as A",
	  "Propose actions (stake >= proposal_threshold): params.set, role.grant,\n"
	  "role.revoke, stake.slash, treasury.transfer, oracle.amend, dispute.resolve,\n"
	  "each {\"cmd\":..,\"args\":{..}} with amounts in base units." },
	{ "vote", cmd_vote, "vote PROPOSAL for|against|abstain --as A",
	  "Vote with the stake held at the proposal's snapshot; the last vote counts." },
	{ "queue", cmd_queue, "queue PROPOSAL|--due --as A",
	  "Queue a succeeded proposal: executable after timelock_s." },
	{ "execute", cmd_execute, "execute PROPOSAL|--due --as A",
	  "Apply a queued proposal's actions as the dao account, all in one tx." },
	{ "cancel", cmd_cancel, "cancel PROPOSAL --as A",
	  "Cancel: the proposer while pending or active, a guardian until executed." },
	{ "show", cmd_show, "show PROPOSAL", "One proposal and its state now." },
	{ "list", cmd_list, "list [--state S]", "Proposals, optionally in one state." },
	{ "votes", cmd_votes, "votes PROPOSAL", "The votes on a proposal." },
	{ NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	return gs_cli_main("gs-dao", cmds, argc, argv);
}
