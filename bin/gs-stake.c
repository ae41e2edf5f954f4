/* gs-stake.c - the staking vault: deposit, unbond, withdraw, lock, repay. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "cli.h"

/* A command taking exactly one AMOUNT and no options of its own. */
static int amount_cmd(struct gs_cli *c, int argc, char **argv, const char *cmd)
{
	int64_t amount;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one AMOUNT");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_amount(c, argv[optind], &amount)))
		return rc;
	return gs_cli_tx(c, cmd, json_pack("{s:I}", "amount", (json_int_t)amount));
}

static int cmd_deposit(struct gs_cli *c, int argc, char **argv)
{
	return amount_cmd(c, argc, argv, "stake.deposit");
}

static int cmd_request_withdraw(struct gs_cli *c, int argc, char **argv)
{
	return amount_cmd(c, argc, argv, "stake.request_withdraw");
}

static int cmd_repay(struct gs_cli *c, int argc, char **argv)
{
	return amount_cmd(c, argc, argv, "stake.repay");
}

static int cmd_withdraw(struct gs_cli *c, int argc, char **argv)
{
	int rc;

	if ((rc = gs_cli_bare(c, argc, argv, "no arguments expected")))
		return rc;
	return gs_cli_tx(c, "stake.withdraw", json_object());
}

static int cmd_cancel_withdraw(struct gs_cli *c, int argc, char **argv)
{
	json_t *args;
	int64_t id = 0;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (argc - optind > 1)
		return gs_cli_usage(c, "at most one ID");
	if ((optind < argc && (rc = gs_cli_id(c, "ID", argv[optind], &id))) ||
	    (rc = gs_cli_state(c)))
		return rc;
	args = json_object();
	if (id)
		json_object_set_new(args, "id", json_integer(id));
	return gs_cli_tx(c, "stake.cancel_withdraw", args);
}

static int cmd_lock(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "until", required_argument, NULL, 'u' },
		{ "purpose", required_argument, NULL, 'p' },
		{ "ref", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *until = NULL, *purpose = NULL, *ref = NULL;
	int64_t amount, t;
	json_t *args;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'u': until = optarg; break;
		case 'p': purpose = optarg; break;
		case 'r': ref = optarg; break;
		default: return GS_EUSAGE;
		}
	}
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one AMOUNT");
	if (until && gs_time_parse(until, &t, &e))
		return gs_cli_bad(c, "--until: %s", e.msg);
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_amount(c, argv[optind], &amount)))
		return rc;
	args = json_pack("{s:I}", "amount", (json_int_t)amount);
	if (until)
		json_object_set_new(args, "until", json_integer(t));
	if (purpose)
		json_object_set_new(args, "purpose", json_string(purpose));
	if (ref)
		json_object_set_new(args, "ref", json_string(ref));
	return gs_cli_tx(c, "stake.lock", args);
}

static int cmd_unlock(struct gs_cli *c, int argc, char **argv)
{
	int64_t id;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one LOCK id");
	if ((rc = gs_cli_id(c, "LOCK", argv[optind], &id)) || (rc = gs_cli_state(c)))
		return rc;
	return gs_cli_tx(c, "stake.unlock", json_pack("{s:I}", "lock", (json_int_t)id));
}

static int cmd_slash(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bps", required_argument, NULL, 'b' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL;
	int64_t bps = -1, amount;
	json_t *args;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch == 'r')
			reason = optarg;
		else if (ch != 'b')
			return GS_EUSAGE;
		else if (gs_decimal_parse(optarg, 0, 0, &bps, NULL) || bps < 1 ||
			 bps > 10000)
			return gs_cli_bad(c, "--bps takes 1 to 10000");
	}
	if (!reason || argc - optind != (bps < 0 ? 2 : 1))
		return gs_cli_usage(c, "need ACCOUNT, AMOUNT or --bps N, and --reason");
	if ((rc = gs_cli_state(c)))
		return rc;
	args = json_pack("{s:s,s:s}", "account", argv[optind], "reason", reason);
	if (bps > 0) {
		json_object_set_new(args, "bps", json_integer(bps));
	} else if ((rc = gs_cli_amount(c, argv[optind + 1], &amount))) {
		json_decref(args);
		return rc;
	} else {
		json_object_set_new(args, "amount", json_integer(amount));
	}
	return gs_cli_tx(c, "stake.slash", args);
}

static int cmd_show(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "at", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *who;
	int64_t at = -1;
	json_t *recs;
	gs_err e;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch != 'a')
			return GS_EUSAGE;
		if (gs_time_parse(optarg, &at, &e))
			return gs_cli_bad(c, "--at: %s", e.msg);
	}
	if (argc - optind > 1)
		return gs_cli_usage(c, "at most one ACCOUNT");
	who = optind < argc ? argv[optind] : c->as;
	if (!who)
		return gs_cli_usage(c, "need ACCOUNT (or --as NAME)");
	if ((rc = gs_cli_state(c)))
		return rc;
	recs = json_array();
	return gs_cli_query(c, gs_stake_records(c->store, who, at, recs, &e), recs, &e);
}

/* list / locks / unbondings: records of everyone or of one ACCOUNT. */
static int listing(struct gs_cli *c, int argc, char **argv, int what)
{
	const char *who;
	json_t *recs;
	gs_err e;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (argc - optind > (what ? 1 : 0))
		return gs_cli_usage(c, "too many arguments");
	if ((rc = gs_cli_state(c)))
		return rc;
	who = optind < argc ? argv[optind] : NULL;
	recs = json_array();
	if (who && gs_account_exists(c->store, who, &e))
		return gs_cli_query(c, e.code, recs, &e);
	rc = what == 0 ? gs_stake_records(c->store, NULL, -1, recs, &e)
	     : what == 1 ? gs_stake_lock_records(c->store, who, 0, recs, &e)
			 : gs_unbonding_records(c->store, who, 0, recs, &e);
	return gs_cli_query(c, rc, recs, &e);
}

static int cmd_list(struct gs_cli *c, int argc, char **argv)
{
	return listing(c, argc, argv, 0);
}

static int cmd_locks(struct gs_cli *c, int argc, char **argv)
{
	return listing(c, argc, argv, 1);
}

static int cmd_unbondings(struct gs_cli *c, int argc, char **argv)
{
	return listing(c, argc, argv, 2);
}

static const struct gs_cli_cmd cmds[] = {
	{ "deposit", cmd_deposit, "deposit AMOUNT --as A",
	  "Move credits from the available balance into the vault as stake." },
	{ "request-withdraw", cmd_request_withdraw, "request-withdraw AMOUNT --as A",
	  "Start unbonding free stake (unbonding_period_s); it stays slashable." },
	{ "withdraw", cmd_withdraw, "withdraw --as A",
	  "Pay out every unbonding whose period has ended." },
	{ "cancel-withdraw", cmd_cancel_withdraw, "cancel-withdraw [ID] --as A",
	  "Return pending unbondings (or the one with ID) to free stake." },
	{ "repay", cmd_repay, "repay AMOUNT --as A",
	  "Pay debt left by penalties from the available balance to treasury." },
	{ "lock", cmd_lock, "lock AMOUNT [--until TIME] [--purpose P] [--ref R] --as A",
	  "Lock free stake, until a time or for a reference." },
	{ "unlock", cmd_unlock, "unlock LOCK --as A",
	  "Release one's own stake lock (once its time has come)." },
	{ "slash", cmd_slash, "slash ACCOUNT AMOUNT|--bps N --reason T --as ADMIN",
	  "Take stake for misconduct (admin until governance takes over)." },
	{ "show", cmd_show, "show [ACCOUNT] [--at TIME]",
	  "Stake of ACCOUNT (default: --as), now or as it was at TIME." },
	{ "list", cmd_list, "list", "Every account with stake." },
	{ "locks", cmd_locks, "locks [ACCOUNT]", "Active stake locks." },
	{ "unbondings", cmd_unbondings, "unbondings [ACCOUNT]",
	  "Pending withdrawals." },
	{ NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	return gs_cli_main("gs-stake", cmds, argc, argv);
}
