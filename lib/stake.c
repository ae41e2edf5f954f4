/* stake.c - the staking vault: deposits, unbonding, locks, penalties, debt. */
#include <string.h>

#include "gridset.h"
#include "internal.h"

int gs_stake_get(gs_store *s, const char *account, gs_stake *st, gs_err *e)
{
	gs_stmt *q;
	int rc = gs_query_row(s, e, &q, "SELECT staked, locked, unbonding, debt "
			      "FROM stakes WHERE account = ?", "t", account);

	memset(st, 0, sizeof *st);
	if (rc < 0)
		return e->code;
	if (rc == 1) {
		st->staked = gs_col_int(q, 0);
		st->locked = gs_col_int(q, 1);
		st->unbonding = gs_col_int(q, 2);
		st->debt = gs_col_int(q, 3);
		gs_stmt_reset(q);
	}
	return GS_OK;
}

/* Apply deltas to account's stake and the total, and checkpoint both at
 * the tx's seq. Amounts never go negative: callers check first. Debt is
 * per account only (it saturates, so no total is kept). */
static int stake_change(gs_ctx *c, const char *account, int64_t staked,
			int64_t locked, int64_t unbonding, int64_t debt,
			gs_err *e)
{
	/* row first, then deltas: CHECKs apply to an upsert's candidate row */
	if (gs_exec(c->store, e, "INSERT INTO stakes (account, staked, locked, "
		    "unbonding, debt) VALUES (?, 0, 0, 0, 0) ON CONFLICT (account) "
		    "DO NOTHING", "t", account) ||
	    gs_exec(c->store, e, "UPDATE stakes SET staked = staked + ?, locked = "
		    "locked + ?, unbonding = unbonding + ?, debt = debt + ? WHERE "
		    "account = ?", "iiiit", staked, locked, unbonding, debt, account) ||
	    gs_exec(c->store, e, "UPDATE stake_total SET staked = staked + ?, "
		    "locked = locked + ?, unbonding = unbonding + ?", "iii", staked,
		    locked, unbonding) ||
	    gs_exec(c->store, e, "INSERT INTO stake_checkpoints (account, seq, time, "
		    "staked, locked, unbonding, debt) SELECT account, ?, ?, staked, "
		    "locked, unbonding, debt FROM stakes WHERE account = ? "
		    "ON CONFLICT (account, seq) DO UPDATE SET time = excluded.time, "
		    "staked = excluded.staked, locked = excluded.locked, "
		    "unbonding = excluded.unbonding, debt = excluded.debt", "iit", c->seq, c->time, account) ||
	    gs_exec(c->store, e, "INSERT INTO stake_checkpoints (account, seq, time, "
		    "staked, locked, unbonding, debt) SELECT '*', ?, ?, staked, "
		    "locked, unbonding, 0 FROM stake_total WHERE id = 1 "
		    "ON CONFLICT (account, seq) DO UPDATE SET time = excluded.time, "
		    "staked = excluded.staked, locked = excluded.locked, "
		    "unbonding = excluded.unbonding, debt = excluded.debt", "ii", c->seq, c->time))
		return e->code;
	return GS_OK;
}

/* Free stake: staked - locked - unbonding. */
static int64_t free_of(const gs_stake *st)
{
	return st->staked - st->locked - st->unbonding;
}

/* Refuse system accounts as stakers. */
static int staker(gs_store *s, const char *account, gs_err *e)
{
	int64_t user;
	int rc = gs_query_int(s, e, &user, "SELECT kind = 'user' FROM accounts "
			      "WHERE name = ?", "t", account);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown account '%s'", account);
	return user ? GS_OK : gs_fail(e, GS_EREFUSED, "system account '%s' cannot "
				      "stake", account);
}

/* stake.deposit {amount}: tokens from the actor's balance into the vault. */
static int apply_deposit(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "amount", NULL };
	int64_t amount;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "amount", 1, INT64_MAX, 0, &amount, e) ||
	    staker(c->store, c->actor, e) ||
	    gs_token_move(c->store, c->actor, "vault", amount, e) ||
	    stake_change(c, c->actor, amount, 0, 0, 0, e))
		return e->code;
	return gs_stake_records(c->store, c->actor, -1, c->out, e);
}

/* stake.request_withdraw {amount}: start unbonding free stake. */
static int apply_request_withdraw(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "amount", NULL };
	int64_t amount, period, id;
	char a[32], b[32];
	gs_stake st;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "amount", 1, INT64_MAX, 0, &amount, e) ||
	    gs_stake_get(c->store, c->actor, &st, e) ||
	    gs_param_get(c->store, "unbonding_period_s", &period, e))
		return e->code;
	if (free_of(&st) < amount)
		return gs_fail(e, GS_EREFUSED, "insufficient free stake: '%s' has %s "
			       "free, needs %s", c->actor,
			       gs_credits(c->store, free_of(&st), a, sizeof a),
			       gs_credits(c->store, amount, b, sizeof b));
	if (gs_query_int(c->store, e, &id, "SELECT coalesce(max(id), 0) + 1 "
			 "FROM unbondings", "") < 0 ||
	    gs_exec(c->store, e, "INSERT INTO unbondings (id, account, amount, "
		    "requested, available_at, state) VALUES (?, ?, ?, ?, ?, "
		    "'pending')", "itiii", id, c->actor, amount, c->time,
		    c->time + period) ||
	    stake_change(c, c->actor, 0, 0, amount, 0, e))
		return e->code;
	return gs_unbonding_records(c->store, NULL, id, c->out, e);
}

/* Sum and count of the actor's pending unbondings, matured ones only when
 * mature is set; the earliest maturity in *next. */
static int pending(gs_ctx *c, int mature, int64_t *sum, int64_t *next,
		   gs_err *e)
{
	gs_stmt *q;
	int rc = gs_query_row(c->store, e, &q, "SELECT coalesce(sum(amount), 0), "
			      "min(available_at) FROM unbondings WHERE account = ? "
			      "AND state = 'pending' AND (? = 0 OR available_at <= ?)",
			      "tii", c->actor, (int64_t)mature, c->time);

	if (rc < 0)
		return e->code;
	*sum = gs_col_int(q, 0);
	*next = gs_col_type(q, 1) == 'i' ? gs_col_int(q, 1) : -1;
	gs_stmt_reset(q);
	return GS_OK;
}

/* stake.withdraw {}: pay out every matured unbonding. */
static int apply_withdraw(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { NULL };
	int64_t sum, next;
	char when[32];
	gs_stake st;

	if (gs_json_only(args, fields, e) ||
	    gs_stake_get(c->store, c->actor, &st, e))
		return e->code;
	if (st.debt > 0)
		return gs_fail(e, GS_EREFUSED, "'%s' is in debt: repay it before "
			       "withdrawing (gs-stake repay)", c->actor);
	if (pending(c, 1, &sum, &next, e))
		return e->code;
	if (sum == 0) {
		if (pending(c, 0, &sum, &next, e))
			return e->code;
		if (next < 0)
			return gs_fail(e, GS_EREFUSED, "'%s' has no stake unbonding "
				       "(gs-stake request-withdraw first)", c->actor);
		return gs_fail(e, GS_EREFUSED, "unbonding until %s",
			       gs_time_format(next, when, sizeof when));
	}
	if (gs_exec(c->store, e, "UPDATE unbondings SET state = 'withdrawn', "
		    "closed_seq = ? WHERE account = ? AND state = 'pending' AND "
		    "available_at <= ?", "iti", c->seq, c->actor, c->time) ||
	    stake_change(c, c->actor, -sum, 0, -sum, 0, e) ||
	    gs_token_move(c->store, "vault", c->actor, sum, e))
		return e->code;
	json_array_append_new(c->out, json_pack("{s:s,s:s,s:I}", "type",
						"withdrawal", "account", c->actor,
						"amount", (json_int_t)sum));
	return gs_stake_records(c->store, c->actor, -1, c->out, e);
}

/* Is unbonding id the actor's? GS_EINPUT unknown, GS_EPERM another's. */
static int unbonding_owned(gs_ctx *c, int64_t id, gs_err *e)
{
	int64_t mine;
	int rc = gs_query_int(c->store, e, &mine, "SELECT account = ? FROM "
			      "unbondings WHERE id = ?", "ti", c->actor, id);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown withdrawal %lld", (long long)id);
	return mine ? GS_OK : gs_fail(e, GS_EPERM, "withdrawal %lld belongs to "
				      "another account", (long long)id);
}

/* stake.cancel_withdraw {id?}: return pending unbondings to free stake. */
static int apply_cancel_withdraw(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "id", NULL };
	int64_t id = 0, sum = 0;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "id", 1, INT64_MAX, 1, &id, e) ||
	    (id && unbonding_owned(c, id, e)) ||
	    gs_query_int(c->store, e, &sum, "SELECT coalesce(sum(amount), 0) FROM "
			 "unbondings WHERE account = ? AND state = 'pending' AND "
			 "(? = 0 OR id = ?)", "tii", c->actor, id, id) < 0)
		return e->code;
	if (sum == 0)
		return gs_fail(e, GS_EALREADY, "no pending withdrawal%s to cancel",
			       id ? " with that id" : "");
	if (gs_exec(c->store, e, "UPDATE unbondings SET state = 'canceled', "
		    "closed_seq = ? WHERE account = ? AND state = 'pending' AND "
		    "(? = 0 OR id = ?)", "itii", c->seq, c->actor, id, id) ||
	    stake_change(c, c->actor, 0, 0, -sum, 0, e))
		return e->code;
	return gs_stake_records(c->store, c->actor, -1, c->out, e);
}

int gs_stake_lock_insert(gs_ctx *c, const char *account, int64_t amount,
			 const char *purpose, const char *ref, int64_t *id,
			 gs_err *e)
{
	if (gs_query_int(c->store, e, id, "SELECT coalesce(max(id), 0) + 1 FROM "
			 "stake_locks", "") < 0 ||
	    gs_exec(c->store, e, "INSERT INTO stake_locks (id, account, amount, "
		    "purpose, ref, manual, state, created_seq) VALUES (?, ?, ?, ?, "
		    "?, 0, 'active', ?)", "ititti", *id, account, amount, purpose, ref,
		    c->seq))
		return e->code;
	return GS_OK;
}

int gs_stake_adjust_locked(gs_ctx *c, const char *account, int64_t delta,
			   gs_err *e)
{
	gs_stake st;

	if (delta == 0)
		return GS_OK;
	if (gs_stake_get(c->store, account, &st, e))
		return e->code;
	if (st.locked + delta < 0 || delta > st.staked - st.locked - st.unbonding)
		return gs_fail(e, GS_EINTERNAL, "stake lock adjustment of '%s' out of "
			       "range", account);
	return stake_change(c, account, 0, delta, 0, 0, e);
}

int gs_stake_lock(gs_ctx *c, const char *account, int64_t amount,
		  const char *purpose, const char *ref, int64_t until,
		  int manual, int64_t *id, gs_err *e)
{
	char a[32], b[32];
	gs_stake st;

	if (amount <= 0)
		return gs_fail(e, GS_EINPUT, "field \"amount\": must be a positive integer");
	if (staker(c->store, account, e) || gs_stake_get(c->store, account, &st, e))
		return e->code;
	if (free_of(&st) < amount)
		return gs_fail(e, GS_EREFUSED, "insufficient free stake: '%s' has %s "
			       "free, needs %s", account,
			       gs_credits(c->store, free_of(&st), a, sizeof a),
			       gs_credits(c->store, amount, b, sizeof b));
	if (gs_stake_lock_row(c, account, amount, purpose, ref, until, manual, id, e) ||
	    stake_change(c, account, 0, amount, 0, 0, e))
		return e->code;
	return GS_OK;
}

int gs_stake_lock_row(gs_ctx *c, const char *account, int64_t amount,
		      const char *purpose, const char *ref, int64_t until,
		      int manual, int64_t *id, gs_err *e)
{
	if (gs_query_int(c->store, e, id, "SELECT coalesce(max(id), 0) + 1 FROM "
			 "stake_locks", "") < 0 ||
	    gs_exec(c->store, e, "INSERT INTO stake_locks (id, account, amount, "
		    "purpose, ref, manual, state, created_seq) VALUES (?, ?, ?, ?, "
		    "?, ?, 'active', ?)", "itittii", *id, account, amount, purpose,
		    ref, (int64_t)manual, c->seq) ||
	    (until >= 0 && gs_exec(c->store, e, "UPDATE stake_locks SET until = ? "
				   "WHERE id = ?", "ii", until, *id)))
		return e->code;
	return GS_OK;
}

/* Close active stake lock id (state, taken); account and amount out. */
static int lock_close(gs_ctx *c, int64_t id, const char *state, int64_t taken,
		      char account[33], int64_t *amount, gs_err *e)
{
	gs_stmt *q;
	int rc = gs_query_row(c->store, e, &q, "SELECT account, amount, state "
			      "FROM stake_locks WHERE id = ?", "i", id);
	int active;

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown stake lock %lld", (long long)id);
	snprintf(account, 33, "%s", gs_col_text(q, 0));
	*amount = gs_col_int(q, 1);
	active = strcmp(gs_col_text(q, 2), "active") == 0;
	gs_stmt_reset(q);
	if (!active)
		return gs_fail(e, GS_EREFUSED, "stake lock %lld is no longer active",
			       (long long)id);
	if (gs_exec(c->store, e, "UPDATE stake_locks SET state = ?, taken = ?, "
		    "closed_seq = ? WHERE id = ?", "tiii", state, taken, c->seq, id))
		return e->code;
	return stake_change(c, account, -taken, -*amount, 0, 0, e);
}

int gs_stake_release(gs_ctx *c, int64_t id, gs_err *e)
{
	char account[33];
	int64_t amount;

	return lock_close(c, id, "released", 0, account, &amount, e);
}

/* Take up to *rest from account's pending unbondings, newest first. */
static int take_unbonding(gs_ctx *c, const char *account, int64_t *rest,
			  int64_t *taken, gs_err *e)
{
	while (*rest > 0) {
		gs_stmt *q;
		int64_t id, amount, x;
		int rc = gs_query_row(c->store, e, &q, "SELECT id, amount FROM "
				      "unbondings WHERE account = ? AND state = "
				      "'pending' ORDER BY id DESC LIMIT 1", "t", account);
		if (rc < 0)
			return e->code;
		if (rc == 0)
			break;
		id = gs_col_int(q, 0);
		amount = gs_col_int(q, 1);
		gs_stmt_reset(q);
		x = amount < *rest ? amount : *rest;
		if (gs_exec(c->store, e, x == amount
			    ? "UPDATE unbondings SET state = 'slashed', closed_seq = ? "
			      "WHERE id = ?"
			    : "UPDATE unbondings SET amount = amount - ? WHERE id = ?",
			    "ii", x == amount ? c->seq : x, id) ||
		    stake_change(c, account, -x, 0, -x, 0, e))
			return e->code;
		*rest -= x;
		*taken += x;
	}
	return GS_OK;
}

/* Take up to *rest from account's active stake locks, oldest first
 * (manual ones only when manual_only); each lock touched is consumed for
 * what was taken and the rest of it freed. */
static int take_locks(gs_ctx *c, const char *account, int manual_only,
		      int64_t *rest, int64_t *taken, gs_err *e)
{
	while (*rest > 0) {
		int64_t id, lamount, x;
		char owner[33];
		gs_stmt *q;
		int rc = gs_query_row(c->store, e, &q, "SELECT id, amount FROM "
				      "stake_locks WHERE account = ? AND state = "
				      "'active' AND (? = 0 OR manual = 1) ORDER BY id "
				      "LIMIT 1", "ti", account, (int64_t)manual_only);
		if (rc < 0)
			return e->code;
		if (rc == 0)
			break;
		id = gs_col_int(q, 0);
		lamount = gs_col_int(q, 1);
		gs_stmt_reset(q);
		x = lamount < *rest ? lamount : *rest;
		if (lock_close(c, id, "consumed", x, owner, &lamount, e))
			return e->code;
		*rest -= x;
		*taken += x;
	}
	return GS_OK;
}

/* Take amount from account's stake: from active stake lock `lock` (0:
 * none; it is closed: consumed for what it gave, else released), then
 * free stake, then unbonding stake, then (manual) its own manual stake
 * locks; the rest becomes debt, saturating at INT64_MAX. *taken stays
 * in the vault. */
static int take_stake(gs_ctx *c, const char *account, int64_t lock,
		      int64_t amount, int manual, int64_t *taken, gs_err *e)
{
	int64_t rest = amount > 0 ? amount : 0, lamount = 0, x;
	char owner[33];
	gs_stake st;
	int rc;

	*taken = 0;
	if (lock > 0) {
		rc = gs_query_int(c->store, e, &lamount, "SELECT amount FROM "
				  "stake_locks WHERE id = ? AND state = 'active' AND "
				  "account = ?", "it", lock, account);
		if (rc < 0)
			return e->code;
		x = lamount < rest ? lamount : rest;
		if (rc == 1 && lock_close(c, lock, x > 0 ? "consumed" : "released", x,
					  owner, &lamount, e))
			return e->code;
		rest -= rc == 1 ? x : 0;
		*taken += rc == 1 ? x : 0;
	}
	if (gs_stake_get(c->store, account, &st, e))
		return e->code;
	x = free_of(&st) < rest ? free_of(&st) : rest;
	if (x > 0 && stake_change(c, account, -x, 0, 0, 0, e))
		return e->code;
	rest -= x;
	*taken += x;
	if (take_unbonding(c, account, &rest, taken, e) ||
	    (manual && take_locks(c, account, 1, &rest, taken, e)) ||
	    gs_stake_get(c->store, account, &st, e))
		return e->code;
	if (rest > INT64_MAX - st.debt)
		rest = INT64_MAX - st.debt;	/* debt saturates: never a real */
	if (rest > 0 && stake_change(c, account, 0, 0, 0, rest, e))
		return e->code;
	return GS_OK;
}

int gs_stake_penalize(gs_ctx *c, const char *account, int64_t amount,
		      int64_t collateral, int64_t *taken, gs_err *e)
{
	*taken = 0;
	if (staker(c->store, account, e))
		return e->code;
	if (amount <= 0)
		return GS_OK;
	if (take_stake(c, account, collateral, amount, 1, taken, e) ||
	    gs_token_move(c->store, "vault", "treasury", *taken, e))
		return e->code;
	return GS_OK;
}

int gs_stake_take(gs_ctx *c, const char *account, int64_t lock, int64_t amount,
		  int64_t *taken, gs_err *e)
{
	return take_stake(c, account, lock, amount, 0, taken, e);
}

int gs_stake_lock_change(gs_ctx *c, int64_t id, int64_t delta, gs_err *e)
{
	char account[33];
	int64_t amount = 0;
	gs_stmt *q;
	int rc = gs_query_row(c->store, e, &q, "SELECT account, amount FROM "
			      "stake_locks WHERE id = ? AND state = 'active'", "i", id);

	if (rc <= 0)
		return rc < 0 ? e->code : gs_fail(e, GS_EREFUSED, "stake lock %lld is "
						  "not active", (long long)id);
	snprintf(account, sizeof account, "%s", gs_col_text(q, 0));
	amount = gs_col_int(q, 1);
	gs_stmt_reset(q);
	if (delta < -amount)
		return gs_fail(e, GS_EINTERNAL, "stake lock %lld would go negative",
			       (long long)id);
	if (delta == -amount)
		return gs_stake_release(c, id, e);
	if (delta == 0)
		return GS_OK;
	if (gs_stake_adjust_locked(c, account, delta, e) ||
	    gs_exec(c->store, e, "UPDATE stake_locks SET amount = amount + ? WHERE "
		    "id = ?", "ii", delta, id))
		return e->code;
	return GS_OK;
}

/* stake.repay {amount}: pay debt from the available balance to treasury. */
static int apply_repay(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "amount", NULL };
	int64_t amount;
	char a[32];
	gs_stake st;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "amount", 1, INT64_MAX, 0, &amount, e) ||
	    gs_stake_get(c->store, c->actor, &st, e))
		return e->code;
	if (st.debt == 0)
		return gs_fail(e, GS_EALREADY, "'%s' has no debt", c->actor);
	if (amount > st.debt)
		return gs_fail(e, GS_EINPUT, "field \"amount\": more than the debt of %s",
			       gs_credits(c->store, st.debt, a, sizeof a));
	if (gs_token_move(c->store, c->actor, "treasury", amount, e) ||
	    stake_change(c, c->actor, 0, 0, 0, -amount, e))
		return e->code;
	return gs_stake_records(c->store, c->actor, -1, c->out, e);
}

/* stake.lock {amount, until?, purpose?, ref?}: lock own free stake. */
static int apply_lock(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "amount", "until", "purpose", "ref",
					      NULL };
	const char *purpose = "hold", *ref = NULL;
	int64_t amount, until = -1, id;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "amount", 1, INT64_MAX, 0, &amount, e) ||
	    gs_json_int(args, "until", 0, INT64_MAX / 2, 1, &until, e) ||
	    gs_json_str(args, "purpose", 64, 1, &purpose, e) ||
	    gs_json_str(args, "ref", 128, 1, &ref, e) ||
	    gs_stake_lock(c, c->actor, amount, purpose, ref, until, 1, &id, e))
		return e->code;
	return gs_stake_lock_records(c->store, NULL, id, c->out, e);
}

/* stake.unlock {lock}: release one's own manual lock once its time came. */
static int apply_unlock(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "lock", NULL };
	int64_t id, manual, until;
	char owner[33], when[32], state[16];
	gs_stmt *q;
	int rc;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "lock", 1, INT64_MAX, 0, &id, e))
		return e->code;
	rc = gs_query_row(c->store, e, &q, "SELECT account, manual, "
			  "coalesce(until, -1), state FROM stake_locks WHERE id = ?",
			  "i", id);
	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown stake lock %lld", (long long)id);
	snprintf(owner, sizeof owner, "%s", gs_col_text(q, 0));
	manual = gs_col_int(q, 1);
	until = gs_col_int(q, 2);
	snprintf(state, sizeof state, "%s", gs_col_text(q, 3));
	gs_stmt_reset(q);
	if (strcmp(owner, c->actor) != 0)
		return gs_fail(e, GS_EPERM, "stake lock %lld belongs to '%s'",
			       (long long)id, owner);
	if (!manual)
		return gs_fail(e, GS_EPERM, "stake lock %lld is collateral held by the "
			       "protocol", (long long)id);
	if (strcmp(state, "released") == 0)
		return gs_fail(e, GS_EALREADY, "stake lock %lld is already released",
			       (long long)id);
	if (until > c->time)
		return gs_fail(e, GS_EREFUSED, "stake lock %lld holds until %s",
			       (long long)id, gs_time_format(until, when, sizeof when));
	if (gs_stake_release(c, id, e))
		return e->code;
	return gs_stake_lock_records(c->store, NULL, id, c->out, e);
}

/* stake.slash {account, amount | bps, reason}: take stake for misconduct
 * (admin until governance; free, then unbonding, then locked stake; never
 * more than the account has). */
static int apply_slash(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "account", "amount", "bps", "reason",
					      NULL };
	const char *account, *reason;
	int64_t amount = -1, bps = -1, rest, taken = 0, x;
	gs_stake st;

	if (gs_json_only(args, fields, e) ||
	    gs_json_str(args, "account", 32, 0, &account, e) ||
	    gs_json_int(args, "amount", 1, INT64_MAX, 1, &amount, e) ||
	    gs_json_int(args, "bps", 1, 10000, 1, &bps, e) ||
	    gs_json_str(args, "reason", 256, 0, &reason, e) ||
	    staker(c->store, account, e) || gs_stake_get(c->store, account, &st, e))
		return e->code;
	if ((amount < 0) == (bps < 0))
		return gs_fail(e, GS_EINPUT, "give exactly one of \"amount\" and \"bps\"");
	if (bps > 0 && gs_muldiv_floor(st.staked, bps, 10000, &amount))
		return gs_fail(e, GS_EINTERNAL, "slash amount overflows");
	rest = amount < st.staked ? amount : st.staked;
	x = free_of(&st) < rest ? free_of(&st) : rest;
	if (x > 0 && stake_change(c, account, -x, 0, 0, 0, e))
		return e->code;
	rest -= x;
	taken += x;
	/* auction collateral is not slashable: it backs open sells and the
	 * penalties of unsettled slots (settlement takes it) */
	if (take_unbonding(c, account, &rest, &taken, e) ||
	    take_locks(c, account, 1, &rest, &taken, e))
		return e->code;
	if (taken == 0)
		return gs_fail(e, GS_EREFUSED, "'%s' has no stake to slash", account);
	if (gs_token_move(c->store, "vault", "treasury", taken, e))
		return e->code;
	json_array_append_new(c->out, json_pack("{s:s,s:s,s:I,s:s}", "type", "slash",
						"account", account, "amount",
						(json_int_t)taken, "reason", reason));
	return gs_stake_records(c->store, account, -1, c->out, e);
}

const struct gs_cmd gs_stake_cmds[] = {
	{ "stake.deposit", NULL, apply_deposit },
	{ "stake.request_withdraw", NULL, apply_request_withdraw },
	{ "stake.withdraw", NULL, apply_withdraw },
	{ "stake.cancel_withdraw", NULL, apply_cancel_withdraw },
	{ "stake.repay", NULL, apply_repay },
	{ "stake.lock", NULL, apply_lock },
	{ "stake.unlock", NULL, apply_unlock },
	{ "stake.slash", "admin", apply_slash },
	{ NULL, NULL, NULL },
};

/* ---- queries ---- */

/* A stake record from a row (account, staked, locked, unbonding, debt). */
static json_t *stake_record(gs_stmt *q)
{
	int64_t staked = gs_col_int(q, 1), locked = gs_col_int(q, 2),
		unbonding = gs_col_int(q, 3);

	return json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I}", "type", "stake",
			 "account", gs_col_text(q, 0), "staked", (json_int_t)staked,
			 "locked", (json_int_t)locked, "unbonding",
			 (json_int_t)unbonding, "debt", (json_int_t)gs_col_int(q, 4),
			 "free", (json_int_t)(staked - locked - unbonding));
}

int gs_stake_records(gs_store *s, const char *account, int64_t at,
		     json_t *out, gs_err *e)
{
	gs_stmt *q;
	int rc;

	if (account && gs_account_exists(s, account, e))
		return e->code;
	if (at < 0)
		q = gs_sql(s, "SELECT a.name, coalesce(s.staked, 0), coalesce(s.locked, 0), "
			   "coalesce(s.unbonding, 0), coalesce(s.debt, 0) FROM accounts a "
			   "LEFT JOIN stakes s ON s.account = a.name WHERE a.name BETWEEN "
			   "? AND ? AND (? IS NOT NULL OR s.account IS NOT NULL) ORDER "
			   "BY a.name", e);
	else
		q = gs_sql(s, "SELECT a.name, coalesce(c.staked, 0), coalesce(c.locked, 0), "
			   "coalesce(c.unbonding, 0), coalesce(c.debt, 0) FROM accounts a "
			   "LEFT JOIN stake_checkpoints c ON c.account = a.name AND c.seq = "
			   "(SELECT max(seq) FROM stake_checkpoints x WHERE x.account = "
			   "a.name AND x.time <= ?) WHERE a.name BETWEEN ? AND ? AND (? "
			   "IS NOT NULL OR c.account IS NOT NULL) ORDER BY a.name", e);
	/* one account is a primary-key lookup, all of them the whole range */
	if (!q || (at < 0 ? gs_bind(q, e, "ttt", account ? account : "",
				    account ? account : "\x7f", account)
			  : gs_bind(q, e, "ittt", at, account ? account : "",
				    account ? account : "\x7f", account)))
		return e->code;
	while ((rc = gs_step(q, e)) == 1) {
		json_t *r = stake_record(q);
		if (at >= 0)
			json_object_set_new(r, "at", json_integer(at));
		json_array_append_new(out, r);
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_stake_at(gs_store *s, const char *account, int64_t at, int64_t seq,
		int64_t *staked, gs_err *e)
{
	int rc = gs_query_int(s, e, staked, "SELECT staked FROM stake_checkpoints "
			      "WHERE account = ? AND seq <= ? AND time <= ? ORDER BY "
			      "seq DESC LIMIT 1", "tii", account, seq, at);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		*staked = 0;
	return GS_OK;
}

int gs_stake_total_at(gs_store *s, int64_t at, int64_t *total, gs_err *e)
{
	return gs_stake_at(s, "*", at, INT64_MAX, total, e);
}

int gs_stake_lock_records(gs_store *s, const char *account, int64_t id,
			  json_t *out, gs_err *e)
{
	gs_stmt *q = gs_sql(s, "SELECT id, account, amount, purpose, ref, until, "
			    "state, taken FROM stake_locks WHERE (? IS NULL OR "
			    "account = ?) AND id BETWEEN ? AND ? AND (? > 0 OR "
			    "state = 'active') ORDER BY id", e);
	int rc;

	if (!q || gs_bind(q, e, "ttiii", account, account, id ? id : (int64_t)1,
			  id ? id : INT64_MAX, id))
		return e->code;
	while ((rc = gs_step(q, e)) == 1) {
		json_t *r = json_pack("{s:s,s:I,s:s,s:I,s:s,s:s?,s:s,s:I}", "type",
			"stake_lock", "id", (json_int_t)gs_col_int(q, 0), "account",
			gs_col_text(q, 1), "amount", (json_int_t)gs_col_int(q, 2),
			"purpose", gs_col_text(q, 3), "ref", gs_col_text(q, 4),
			"state", gs_col_text(q, 6), "taken", (json_int_t)gs_col_int(q, 7));
		json_object_set_new(r, "until", gs_col_type(q, 5) == 'i'
				    ? json_integer(gs_col_int(q, 5)) : json_null());
		json_array_append_new(out, r);
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_unbonding_records(gs_store *s, const char *account, int64_t id,
			 json_t *out, gs_err *e)
{
	gs_stmt *q = gs_sql(s, "SELECT id, account, amount, requested, available_at, "
			    "state FROM unbondings WHERE (? IS NULL OR account = ?) "
			    "AND id BETWEEN ? AND ? AND (? > 0 OR state = 'pending') "
			    "ORDER BY id", e);
	int rc;

	if (!q || gs_bind(q, e, "ttiii", account, account, id ? id : (int64_t)1,
			  id ? id : INT64_MAX, id))
		return e->code;
	while ((rc = gs_step(q, e)) == 1)
		json_array_append_new(out, json_pack("{s:s,s:I,s:s,s:I,s:I,s:I,s:s}",
			"type", "unbonding", "id", (json_int_t)gs_col_int(q, 0),
			"account", gs_col_text(q, 1), "amount",
			(json_int_t)gs_col_int(q, 2), "requested",
			(json_int_t)gs_col_int(q, 3), "available_at",
			(json_int_t)gs_col_int(q, 4), "state", gs_col_text(q, 5)));
	return rc < 0 ? e->code : GS_OK;
}
