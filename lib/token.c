/* token.c - the settlement currency: balances, supply, allowances, locks. */
#include <string.h>

#include "gridset.h"
#include "internal.h"

int gs_token_open_account(gs_store *s, const char *account, gs_err *e)
{
	return gs_exec(s, e, "INSERT INTO balances (account, available, locked) "
		       "VALUES (?, 0, 0) ON CONFLICT (account) DO NOTHING", "t",
		       account);
}

/* Available balance of account into *avail; GS_EINPUT if unknown. */
static int available_of(gs_store *s, const char *account, int64_t *avail,
			gs_err *e)
{
	int rc = gs_query_int(s, e, avail, "SELECT available FROM balances "
			      "WHERE account = ?", "t", account);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown account '%s'", account);
	return GS_OK;
}

/* Take amount from account's available balance; GS_EREFUSED if short. */
static int debit(gs_store *s, const char *account, int64_t amount,
		 gs_err *e)
{
	int64_t avail;
	char a[32], b[32];

	if (gs_exec(s, e, "UPDATE balances SET available = available - ? "
		    "WHERE account = ? AND available >= ?", "iti", amount,
		    account, amount))
		return e->code;
	if (gs_store_changes(s) == 1)
		return GS_OK;
	if (available_of(s, account, &avail, e))
		return e->code;
	return gs_fail(e, GS_EREFUSED, "insufficient balance: '%s' has %s "
		       "available, needs %s", account, gs_credits(s, avail, a, sizeof a),
		       gs_credits(s, amount, b, sizeof b));
}

/* Add amount to account's available balance; GS_EINPUT if unknown.
 * No overflow: every balance is bounded by the checked supply. */
static int credit(gs_store *s, const char *account, int64_t amount,
		  gs_err *e)
{
	if (gs_exec(s, e, "UPDATE balances SET available = available + ? "
		    "WHERE account = ?", "it", amount, account))
		return e->code;
	if (gs_store_changes(s) != 1)
		return gs_fail(e, GS_EINPUT, "unknown account '%s'", account);
	return GS_OK;
}

int gs_token_move(gs_store *s, const char *from, const char *to,
		  int64_t amount, gs_err *e)
{
	if (amount < 0)
		return gs_fail(e, GS_EINTERNAL, "negative token move");
	if (amount == 0)
		return gs_account_exists(s, to, e);
	if (debit(s, from, amount, e) || credit(s, to, amount, e))
		return e->code;
	return GS_OK;
}

int gs_token_adjust(gs_store *s, const char *account, int64_t available,
		    int64_t locked, gs_err *e)
{
	if (gs_exec(s, e, "UPDATE balances SET available = available + ?, locked = "
		    "locked + ? WHERE account = ?", "iit", available, locked, account))
		return e->code;
	if (gs_store_changes(s) != 1)
		return gs_fail(e, GS_EINPUT, "unknown account '%s'", account);
	return GS_OK;
}

/* Refuse plain transfers into the vault: only stake moves value there. */
static int check_destination(const char *to, gs_err *e)
{
	if (strcmp(to, "vault") == 0)
		return gs_fail(e, GS_EREFUSED,
			       "the vault takes tokens only as stake (gs-stake deposit)");
	return GS_OK;
}

/* Parse one {to, amount} item. */
static int to_amount(json_t *item, const char **to, int64_t *amount,
		     gs_err *e)
{
	static const char *const fields[] = { "to", "amount", NULL };

	if (gs_json_only(item, fields, e) ||
	    gs_json_str(item, "to", 32, 0, to, e) ||
	    gs_json_int(item, "amount", 1, INT64_MAX, 0, amount, e))
		return e->code;
	return GS_OK;
}

/* treasury.transfer {to, amount}: pay out of the treasury (the admin
 * before it renounces, then executed DAO proposals). */
static int apply_treasury_transfer(gs_ctx *c, json_t *args, gs_err *e)
{
	const char *to;
	int64_t amount, sys = 0;


	if (to_amount(args, &to, &amount, e) || gs_account_exists(c->store, to, e) ||
	    gs_query_int(c->store, e, &sys, "SELECT kind = 'system' FROM accounts "
			 "WHERE name = ?", "t", to) < 0)
		return e->code;
	if (sys)
		return gs_fail(e, GS_EINPUT, "field \"to\": the treasury pays no "
			       "system account ('%s')", to);
	if (gs_token_move(c->store, "treasury", to, amount, e))
		return e->code;
	return c->out ? gs_balance_records(c->store, to, c->out, e) : GS_OK;
}

/* token.mint {to, amount} | {items:[...]}: create tokens (minter). */
static int apply_mint(gs_ctx *c, json_t *args, gs_err *e)
{
	int64_t minted, total = 0, amount;
	size_t n = 1;
	const char *to;

	if (gs_query_int(c->store, e, &minted, "SELECT minted FROM supply", "") != 1)
		return gs_fail(e, GS_EINTERNAL, "supply row missing");
	for (size_t i = 0; i < n; i++) {
		json_t *item = gs_args_item(args, i, &n);
		if (to_amount(item, &to, &amount, e) || check_destination(to, e))
			return gs_item_fail(args, i, e);
		/* checked before the credit: no balance may overflow either */
		if (gs_add(total, amount, &total) || gs_add(minted, total, &(int64_t){0})) {
			gs_fail(e, GS_EREFUSED, "field \"amount\": mint would overflow "
				"the supply");
			return gs_item_fail(args, i, e);
		}
		if (credit(c->store, to, amount, e))
			return gs_item_fail(args, i, e);
	}
	return gs_exec(c->store, e, "UPDATE supply SET minted = minted + ?", "i",
		       total);
}

/* token.burn {amount}: destroy some of the actor's available tokens. */
static int one_burn(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "amount", NULL };
	int64_t amount;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "amount", 1, INT64_MAX, 0, &amount, e) ||
	    debit(c->store, c->actor, amount, e))
		return e->code;
	return gs_exec(c->store, e, "UPDATE supply SET burned = burned + ?", "i",
		       amount);
}

/* Credit the n items of args, one update per recipient (their sums, in
 * the order of first appearance; a database keeps one row version per
 * update in a transaction). An unknown recipient fails at its first item. */
static int credit_each(gs_store *s, json_t *args, size_t n, gs_err *e)
{
	json_t *sum = json_object(), *first = json_object(), *v;
	const char *to;
	int64_t amount;
	int rc = GS_OK;

	if (!sum || !first)
		rc = gs_fail(e, GS_EINTERNAL, "out of memory");
	for (size_t i = 0; rc == GS_OK && i < n; i++) {
		json_t *item = gs_args_item(args, i, &n);
		if ((rc = to_amount(item, &to, &amount, e)) != GS_OK)
			rc = gs_item_fail(args, i, e);
		else if ((v = json_object_get(sum, to)) != NULL)
			json_integer_set(v, json_integer_value(v) + amount);
		else if (json_object_set_new(sum, to, json_integer(amount)) ||
			 json_object_set_new(first, to, json_integer((json_int_t)i)))
			rc = gs_fail(e, GS_EINTERNAL, "out of memory");
	}
	json_object_foreach(sum, to, v) {
		if (rc != GS_OK)
			break;
		if (credit(s, to, json_integer_value(v), e))
			rc = gs_item_fail(args, (size_t)json_integer_value(
						  json_object_get(first, to)), e);
	}
	json_decref(sum);
	json_decref(first);
	return rc;
}

/* token.transfer {to, amount} | {items:[...]}: the items are checked,
 * the sender's total debited once (one short balance refuses the whole
 * batch), then each recipient credited. */
static int apply_transfer(gs_ctx *c, json_t *args, gs_err *e)
{
	int64_t total = 0, amount;
	size_t n = 1;
	const char *to;

	for (size_t i = 0; i < n; i++) {
		json_t *item = gs_args_item(args, i, &n);
		if (to_amount(item, &to, &amount, e) || check_destination(to, e))
			return gs_item_fail(args, i, e);
		if (gs_add(total, amount, &total)) {
			gs_fail(e, GS_EINPUT, "field \"amount\": the batch total "
				"overflows");
			return gs_item_fail(args, i, e);
		}
	}
	if (debit(c->store, c->actor, total, e))
		return e->code;
	return credit_each(c->store, args, n, e);
}

/* token.approve {spender, amount}: set the spender's allowance. */
static int one_approve(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "spender", "amount", NULL };
	const char *spender;
	int64_t amount;

	if (gs_json_only(args, fields, e) ||
	    gs_json_str(args, "spender", 32, 0, &spender, e) ||
	    gs_json_int(args, "amount", 0, INT64_MAX, 0, &amount, e) ||
	    gs_account_exists(c->store, spender, e))
		return e->code;
	if (strcmp(spender, c->actor) == 0)
		return gs_fail(e, GS_EINPUT, "field \"spender\": cannot approve yourself");
	if (gs_exec(c->store, e, "INSERT INTO allowances (owner, spender, amount) "
		    "VALUES (?, ?, ?) ON CONFLICT (owner, spender) DO UPDATE "
		    "SET amount = excluded.amount", "tti", c->actor, spender, amount))
		return e->code;
	return gs_allowance_record(c->store, c->actor, spender, c->out, e);
}

/* token.transfer_from {from, to, amount}: spend an allowance. */
static int one_transfer_from(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "from", "to", "amount", NULL };
	const char *from, *to;
	int64_t amount, allowed = 0;

	if (gs_json_only(args, fields, e) ||
	    gs_json_str(args, "from", 32, 0, &from, e) ||
	    gs_json_str(args, "to", 32, 0, &to, e) ||
	    gs_json_int(args, "amount", 1, INT64_MAX, 0, &amount, e) ||
	    gs_account_exists(c->store, from, e) || check_destination(to, e))
		return e->code;
	if (gs_query_int(c->store, e, &allowed, "SELECT amount FROM allowances "
			 "WHERE owner = ? AND spender = ?", "tt", from, c->actor) < 0)
		return e->code;
	if (allowed < amount)
		return gs_fail(e, GS_EREFUSED, "allowance of '%s' from '%s' is %lld, "
			       "needs %lld (base units)", c->actor, from,
			       (long long)allowed, (long long)amount);
	if (gs_exec(c->store, e, "UPDATE allowances SET amount = amount - ? "
		    "WHERE owner = ? AND spender = ?", "itt", amount, from, c->actor) ||
	    gs_token_move(c->store, from, to, amount, e))
		return e->code;
	return GS_OK;
}

int gs_token_lock(gs_store *s, int64_t seq, const char *account,
		  int64_t amount, const char *purpose, const char *ref,
		  int manual, int64_t *id, gs_err *e)
{
	if (amount <= 0)
		return gs_fail(e, GS_EINPUT, "field \"amount\": must be a positive integer");
	if (debit(s, account, amount, e) ||
	    gs_exec(s, e, "UPDATE balances SET locked = locked + ? WHERE account = ?",
		    "it", amount, account))
		return e->code;
	return gs_token_lock_row(s, seq, account, amount, purpose, ref, manual, id, e);
}

int gs_token_lock_row(gs_store *s, int64_t seq, const char *account,
		      int64_t amount, const char *purpose, const char *ref,
		      int manual, int64_t *id, gs_err *e)
{
	if (gs_query_int(s, e, id, "SELECT coalesce(max(id), 0) + 1 FROM locks", "") < 0 ||
	    gs_exec(s, e, "INSERT INTO locks (id, account, amount, purpose, ref, manual, "
		    "state, created_seq) VALUES (?, ?, ?, ?, ?, ?, 'active', ?)",
		    "itittii", *id, account, amount, purpose, ref, (int64_t)manual, seq))
		return e->code;
	return GS_OK;
}

/* Close active lock id with state; its account and amount out. */
static int lock_close(gs_store *s, int64_t seq, int64_t id, const char *state,
		      char account[33], int64_t *amount, gs_err *e)
{
	gs_stmt *st;
	int rc = gs_query_row(s, e, &st, "SELECT account, amount, state FROM locks "
			      "WHERE id = ?", "i", id);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown lock %lld", (long long)id);
	snprintf(account, 33, "%s", gs_col_text(st, 0));
	*amount = gs_col_int(st, 1);
	rc = strcmp(gs_col_text(st, 2), "active") != 0;
	gs_stmt_reset(st);
	if (rc)
		return gs_fail(e, GS_EREFUSED, "lock %lld is no longer active",
			       (long long)id);
	if (gs_exec(s, e, "UPDATE locks SET state = ?, closed_seq = ? WHERE id = ?",
		    "tii", state, seq, id) ||
	    gs_exec(s, e, "UPDATE balances SET locked = locked - ? WHERE account = ?",
		    "it", *amount, account))
		return e->code;
	return GS_OK;
}

int gs_token_release(gs_store *s, int64_t seq, int64_t id, gs_err *e)
{
	char account[33];
	int64_t amount;

	if (lock_close(s, seq, id, "released", account, &amount, e))
		return e->code;
	return credit(s, account, amount, e);
}

int gs_token_available(gs_store *s, const char *account, int64_t *avail,
			gs_err *e)
{
	return available_of(s, account, avail, e);
}

/* Amount of active lock id into *amount; GS_EREFUSED when closed. */
static int active_amount(gs_store *s, int64_t id, int64_t *amount, gs_err *e)
{
	int rc = gs_query_int(s, e, amount, "SELECT amount FROM locks WHERE id = ? "
			      "AND state = 'active'", "i", id);

	if (rc < 0)
		return e->code;
	return rc ? GS_OK : gs_fail(e, GS_EREFUSED, "lock %lld is not active",
				    (long long)id);
}

int gs_token_lock_change(gs_store *s, int64_t seq, int64_t id, int64_t delta,
			 gs_err *e)
{
	char account[33];
	int64_t amount;
	gs_stmt *st;
	int rc;

	if (active_amount(s, id, &amount, e))
		return e->code;
	if (delta < -amount)
		return gs_fail(e, GS_EINTERNAL, "lock %lld would go negative",
			       (long long)id);
	if (delta == -amount)
		return gs_token_release(s, seq, id, e);
	rc = gs_query_row(s, e, &st, "SELECT account FROM locks WHERE id = ?", "i", id);
	if (rc <= 0)
		return rc < 0 ? e->code : gs_fail(e, GS_EINTERNAL, "lock vanished");
	snprintf(account, sizeof account, "%s", gs_col_text(st, 0));
	gs_stmt_reset(st);
	if ((delta > 0 && debit(s, account, delta, e)) ||
	    (delta < 0 && credit(s, account, -delta, e)) ||
	    gs_exec(s, e, "UPDATE locks SET amount = amount + ? WHERE id = ?", "ii",
		    delta, id) ||
	    gs_token_adjust(s, account, 0, delta, e))
		return e->code;
	return GS_OK;
}

int gs_token_spend_lock(gs_store *s, int64_t seq, int64_t id, int64_t spend,
			gs_err *e)
{
	char account[33];
	int64_t amount;

	if (spend == 0)
		return gs_token_release(s, seq, id, e);
	if (lock_close(s, seq, id, "consumed", account, &amount, e))
		return e->code;
	if (spend < 0 || spend > amount)
		return gs_fail(e, GS_EINTERNAL, "lock %lld cannot pay %lld",
			       (long long)id, (long long)spend);
	return credit(s, account, amount - spend, e);
}

int gs_token_consume(gs_store *s, int64_t seq, int64_t id, const char *to,
		     gs_err *e)
{
	char account[33];
	int64_t amount;

	if (lock_close(s, seq, id, "consumed", account, &amount, e))
		return e->code;
	return credit(s, to, amount, e);
}

/* token.lock {amount, purpose, ref}: the holder sets tokens aside. */
static int one_lock(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "amount", "purpose", "ref", NULL };
	const char *purpose = "hold", *ref = NULL;
	int64_t amount, id;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "amount", 1, INT64_MAX, 0, &amount, e) ||
	    gs_json_str(args, "purpose", 64, 1, &purpose, e) ||
	    gs_json_str(args, "ref", 128, 1, &ref, e) ||
	    gs_token_lock(c->store, c->seq, c->actor, amount, purpose, ref, 1, &id, e))
		return e->code;
	return gs_lock_records(c->store, NULL, id, c->out, e);
}

/* token.unlock {lock}: release one of the holder's own manual locks. */
static int one_unlock(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "lock", NULL };
	int64_t id, manual;
	char owner[33] = "";
	gs_stmt *st;
	int rc, released;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "lock", 1, INT64_MAX, 0, &id, e))
		return e->code;
	rc = gs_query_row(c->store, e, &st, "SELECT account, manual, state "
			  "FROM locks WHERE id = ?", "i", id);
	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown lock %lld", (long long)id);
	snprintf(owner, sizeof owner, "%s", gs_col_text(st, 0));
	manual = gs_col_int(st, 1);
	released = strcmp(gs_col_text(st, 2), "released") == 0;
	gs_stmt_reset(st);
	if (strcmp(owner, c->actor) != 0)
		return gs_fail(e, GS_EPERM, "lock %lld belongs to '%s'", (long long)id,
			       owner);
	if (!manual)
		return gs_fail(e, GS_EPERM, "lock %lld is held by the protocol and is "
			       "released by it", (long long)id);
	if (released)
		return gs_fail(e, GS_EALREADY, "lock %lld is already released",
			       (long long)id);
	if (gs_token_release(c->store, c->seq, id, e))
		return e->code;
	return gs_lock_records(c->store, NULL, id, c->out, e);
}

/* Batch forms: each item applied in order, all or nothing. */
static int apply_burn(gs_ctx *c, json_t *args, gs_err *e)
{
	return gs_each_item(c, args, one_burn, e);
}

static int apply_approve(gs_ctx *c, json_t *args, gs_err *e)
{
	return gs_each_item(c, args, one_approve, e);
}

static int apply_transfer_from(gs_ctx *c, json_t *args, gs_err *e)
{
	return gs_each_item(c, args, one_transfer_from, e);
}

static int apply_lock(gs_ctx *c, json_t *args, gs_err *e)
{
	return gs_each_item(c, args, one_lock, e);
}

static int apply_unlock(gs_ctx *c, json_t *args, gs_err *e)
{
	return gs_each_item(c, args, one_unlock, e);
}

const struct gs_cmd gs_token_cmds[] = {
	{ "token.mint", "minter", apply_mint },
	{ "token.burn", NULL, apply_burn },
	{ "token.transfer", NULL, apply_transfer },
	{ "token.approve", NULL, apply_approve },
	{ "token.transfer_from", NULL, apply_transfer_from },
	{ "token.lock", NULL, apply_lock },
	{ "token.unlock", NULL, apply_unlock },
	{ "treasury.transfer", "admin", apply_treasury_transfer },
	{ NULL, NULL, NULL },
};

/* ---- queries ---- */

int gs_balance_records(gs_store *s, const char *account, json_t *out,
		       gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT account, available, locked FROM balances "
			     "WHERE ? IS NULL OR account = ? ORDER BY account", e);
	size_t before = json_array_size(out);
	int rc;

	if (!st || gs_bind(st, e, "tt", account, account))
		return e->code;
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(out, json_pack("{s:s,s:s,s:I,s:I}", "type",
			"balance", "account", gs_col_text(st, 0), "available",
			(json_int_t)gs_col_int(st, 1), "locked",
			(json_int_t)gs_col_int(st, 2)));
	if (rc < 0)
		return e->code;
	if (account && json_array_size(out) == before)
		return gs_fail(e, GS_EINPUT, "unknown account '%s'", account);
	return GS_OK;
}

int gs_supply_record(gs_store *s, json_t *out, gs_err *e)
{
	gs_stmt *st;
	int rc = gs_query_row(s, e, &st, "SELECT minted, burned FROM supply", "");

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "state file has no genesis (run gs init)");
	json_array_append_new(out, json_pack("{s:s,s:I,s:I,s:I}", "type", "supply",
		"minted", (json_int_t)gs_col_int(st, 0), "burned",
		(json_int_t)gs_col_int(st, 1), "supply",
		(json_int_t)(gs_col_int(st, 0) - gs_col_int(st, 1))));
	gs_stmt_reset(st);
	return GS_OK;
}

int gs_allowance_record(gs_store *s, const char *owner, const char *spender,
			json_t *out, gs_err *e)
{
	int64_t amount = 0;

	if (gs_account_exists(s, owner, e) || gs_account_exists(s, spender, e) ||
	    gs_query_int(s, e, &amount, "SELECT amount FROM allowances "
			 "WHERE owner = ? AND spender = ?", "tt", owner, spender) < 0)
		return e->code;
	json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:I}", "type",
		"allowance", "owner", owner, "spender", spender, "amount",
		(json_int_t)amount));
	return GS_OK;
}

int gs_lock_records(gs_store *s, const char *account, int64_t id,
		    json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT id, account, amount, purpose, ref, state "
			     "FROM locks WHERE (? IS NULL OR account = ?) AND "
			     "id BETWEEN ? AND ? AND (? > 0 OR state = 'active') "
			     "ORDER BY id", e);
	int rc;

	if (!st || gs_bind(st, e, "ttiii", account, account, id ? id : (int64_t)1,
			   id ? id : INT64_MAX, id))
		return e->code;
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(out, json_pack("{s:s,s:I,s:s,s:I,s:s,s:s?,s:s}",
			"type", "lock", "id", (json_int_t)gs_col_int(st, 0), "account",
			gs_col_text(st, 1), "amount", (json_int_t)gs_col_int(st, 2),
			"purpose", gs_col_text(st, 3), "ref", gs_col_text(st, 4),
			"state", gs_col_text(st, 5)));
	return rc < 0 ? e->code : GS_OK;
}
