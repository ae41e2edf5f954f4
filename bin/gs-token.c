/* gs-token.c - the settlement currency: mint, transfer, locks, balances. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "cli.h"

/* One option taking an account name: --NAME ACCOUNT. */
static int account_opt(struct gs_cli *c, int argc, char **argv,
		       const char *name, const char **val)
{
	const struct option opts[] = {
		{ name, required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1)
		if (ch != 'a')
			return GS_EUSAGE;
		else
			*val = optarg;
	return GS_OK;
}

/* mint/transfer: --to ACCOUNT AMOUNT, or NDJSON {"to","amount"} items. */
static int to_amount_cmd(struct gs_cli *c, int argc, char **argv,
			 const char *cmd)
{
	const char *to = NULL;
	int64_t amount;
	int rc;

	if (account_opt(c, argc, argv, "to", &to))
		return GS_EUSAGE;
	if (!to && gs_cli_is_batch(argc, argv))
		return gs_cli_batch(c, cmd);
	if (!to || optind != argc - 1)
		return gs_cli_usage(c, "need --to ACCOUNT and one AMOUNT");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_amount(c, argv[optind], &amount)))
		return rc;
	return gs_cli_tx(c, cmd, json_pack("{s:s,s:I}", "to", to, "amount",
					   (json_int_t)amount));
}

static int cmd_mint(struct gs_cli *c, int argc, char **argv)
{
	return to_amount_cmd(c, argc, argv, "token.mint");
}

static int cmd_transfer(struct gs_cli *c, int argc, char **argv)
{
	return to_amount_cmd(c, argc, argv, "token.transfer");
}

static int cmd_burn(struct gs_cli *c, int argc, char **argv)
{
	int64_t amount;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (gs_cli_is_batch(argc, argv))
		return gs_cli_batch(c, "token.burn");
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one AMOUNT");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_amount(c, argv[optind], &amount)))
		return rc;
	return gs_cli_tx(c, "token.burn", json_pack("{s:I}", "amount",
						    (json_int_t)amount));
}

static int cmd_approve(struct gs_cli *c, int argc, char **argv)
{
	const char *spender = NULL;
	int64_t amount = 0;
	gs_err e;
	int rc;

	if (account_opt(c, argc, argv, "spender", &spender))
		return GS_EUSAGE;
	if (!spender && gs_cli_is_batch(argc, argv))
		return gs_cli_batch(c, "token.approve");
	if (!spender || optind != argc - 1)
		return gs_cli_usage(c, "need --spender ACCOUNT and one AMOUNT");
	if ((rc = gs_cli_state(c)))
		return rc;
	if (gs_amount_parse(argv[optind], c->cfg.decimals, &amount, &e)) {
		gs_err_prefix(&e, "AMOUNT: ");
		return gs_cli_error(c, &e);
	}
	return gs_cli_tx(c, "token.approve", json_pack("{s:s,s:I}", "spender",
				spender, "amount", (json_int_t)amount));
}

static int cmd_transfer_from(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL;
	int64_t amount;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch == 'f')
			from = optarg;
		else if (ch == 't')
			to = optarg;
		else
			return GS_EUSAGE;
	}
	if (!from && !to && gs_cli_is_batch(argc, argv))
		return gs_cli_batch(c, "token.transfer_from");
	if (!from || !to || optind != argc - 1)
		return gs_cli_usage(c, "need --from OWNER, --to ACCOUNT and one AMOUNT");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_amount(c, argv[optind], &amount)))
		return rc;
	return gs_cli_tx(c, "token.transfer_from", json_pack("{s:s,s:s,s:I}",
				"from", from, "to", to, "amount", (json_int_t)amount));
}

static int cmd_lock(struct gs_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "purpose", required_argument, NULL, 'p' },
		{ "ref", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *purpose = NULL, *ref = NULL;
	json_t *args;
	int64_t amount;
	int ch, rc;

	while ((ch = gs_cli_opt(c, argc, argv, opts)) != -1) {
		if (ch == 'p')
			purpose = optarg;
		else if (ch == 'r')
			ref = optarg;
		else
			return GS_EUSAGE;
	}
	if (!purpose && !ref && gs_cli_is_batch(argc, argv))
		return gs_cli_batch(c, "token.lock");
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one AMOUNT");
	if ((rc = gs_cli_state(c)) || (rc = gs_cli_amount(c, argv[optind], &amount)))
		return rc;
	args = json_pack("{s:I}", "amount", (json_int_t)amount);
	if (purpose)
		json_object_set_new(args, "purpose", json_string(purpose));
	if (ref)
		json_object_set_new(args, "ref", json_string(ref));
	return gs_cli_tx(c, "token.lock", args);
}

static int cmd_unlock(struct gs_cli *c, int argc, char **argv)
{
	char *end;
	long long id;
	int rc;

	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (gs_cli_is_batch(argc, argv))
		return gs_cli_batch(c, "token.unlock");
	if (optind != argc - 1)
		return gs_cli_usage(c, "need one LOCK id");
	id = strtoll(argv[optind], &end, 10);
	if (*end || end == argv[optind] || id <= 0)
		return gs_cli_usage(c, "LOCK '%s' is not a lock id", argv[optind]);
	if ((rc = gs_cli_state(c)))
		return rc;
	return gs_cli_tx(c, "token.unlock", json_pack("{s:I}", "lock",
						      (json_int_t)id));
}

/* Parse options of a query with at most max positional arguments. */
static int query_args(struct gs_cli *c, int argc, char **argv, int min,
		      int max)
{
	if (gs_cli_noopts(c, argc, argv))
		return GS_EUSAGE;
	if (argc - optind < min || argc - optind > max)
		return gs_cli_usage(c, "wrong number of arguments");
	return gs_cli_state(c);
}

static int cmd_balance(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs = json_array();
	gs_err e;
	int rc;

	if ((rc = query_args(c, argc, argv, 0, 1))) {
		json_decref(recs);
		return rc;
	}
	const char *who = optind < argc ? argv[optind] : c->as;
	if (!who) {
		json_decref(recs);
		return gs_cli_usage(c, "need ACCOUNT (or --as NAME)");
	}
	return gs_cli_query(c, gs_balance_records(c->store, who, recs, &e), recs, &e);
}

static int cmd_list(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs = json_array();
	gs_err e;
	int rc;

	if ((rc = query_args(c, argc, argv, 0, 0))) {
		json_decref(recs);
		return rc;
	}
	return gs_cli_query(c, gs_balance_records(c->store, NULL, recs, &e), recs, &e);
}

static int cmd_supply(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs = json_array();
	gs_err e;
	int rc;

	if ((rc = query_args(c, argc, argv, 0, 0))) {
		json_decref(recs);
		return rc;
	}
	return gs_cli_query(c, gs_supply_record(c->store, recs, &e), recs, &e);
}

static int cmd_locks(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs = json_array();
	const char *who;
	gs_err e;
	int rc;

	if ((rc = query_args(c, argc, argv, 0, 1))) {
		json_decref(recs);
		return rc;
	}
	who = optind < argc ? argv[optind] : c->as;
	if (who && gs_account_exists(c->store, who, &e))
		return gs_cli_query(c, e.code, recs, &e);
	return gs_cli_query(c, gs_lock_records(c->store, who, 0, recs, &e), recs, &e);
}

static int cmd_allowance(struct gs_cli *c, int argc, char **argv)
{
	json_t *recs = json_array();
	gs_err e;
	int rc;

	if ((rc = query_args(c, argc, argv, 2, 2))) {
		json_decref(recs);
		return rc;
	}
	return gs_cli_query(c, gs_allowance_record(c->store, argv[optind],
						  argv[optind + 1], recs, &e), recs, &e);
}

static const struct gs_cli_cmd cmds[] = {
	{ "mint", cmd_mint, "mint --to ACCOUNT AMOUNT --as MINTER",
	  "Create AMOUNT credits in ACCOUNT (role minter)." },
	{ "burn", cmd_burn, "burn AMOUNT --as HOLDER",
	  "Destroy AMOUNT of the holder's available credits." },
	{ "transfer", cmd_transfer, "transfer --to ACCOUNT AMOUNT --as FROM",
	  "Move credits; NDJSON {\"to\",\"amount\"} lines on stdin for a batch." },
	{ "approve", cmd_approve, "approve --spender ACCOUNT AMOUNT --as OWNER",
	  "Let SPENDER move up to AMOUNT of the owner's credits (0 revokes)." },
	{ "transfer-from", cmd_transfer_from,
	  "transfer-from --from OWNER --to ACCOUNT AMOUNT --as SPENDER",
	  "Spend an allowance." },
	{ "lock", cmd_lock, "lock AMOUNT [--purpose P] [--ref R] --as HOLDER",
	  "Set credits aside in a lock; prints the lock with its id." },
	{ "unlock", cmd_unlock, "unlock LOCK --as HOLDER",
	  "Release one of the holder's own locks." },
	{ "balance", cmd_balance, "balance [ACCOUNT]",
	  "Available and locked balance of ACCOUNT (default: --as)." },
	{ "supply", cmd_supply, "supply", "Minted, burned and outstanding credits." },
	{ "list", cmd_list, "list", "Balances of every account." },
	{ "locks", cmd_locks, "locks [ACCOUNT]", "Active locks (of ACCOUNT)." },
	{ "allowance", cmd_allowance, "allowance OWNER SPENDER",
	  "What SPENDER may still move of OWNER's credits." },
	{ NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	return gs_cli_main("gs-token", cmds, argc, argv);
}
