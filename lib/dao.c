/* dao.c - governance: stake-weighted proposals, votes, timelock and execution. */
#include <stdlib.h>
#include <string.h>

#include "gridset.h"
#include "internal.h"

/* Governance parameters, read once per tx. */
struct dao_params {
	int64_t threshold, delay, period, quorum_bps, timelock, grace;
};

static int params_load(gs_store *s, struct dao_params *p, gs_err *e)
{
	if (gs_param_get(s, "proposal_threshold", &p->threshold, e) ||
	    gs_param_get(s, "voting_delay_s", &p->delay, e) ||
	    gs_param_get(s, "voting_period_s", &p->period, e) ||
	    gs_param_get(s, "quorum_bps", &p->quorum_bps, e) ||
	    gs_param_get(s, "timelock_s", &p->timelock, e) ||
	    gs_param_get(s, "grace_period_s", &p->grace, e))
		return e->code;
	return GS_OK;
}

/* The actions a proposal may carry and the commands that apply them. */
static const struct action {
	const char *name, *cmd;
} actions[] = {
	{ "params.set", "params.set" },
	{ "role.grant", "admin.grant" },
	{ "role.revoke", "admin.revoke" },
	{ "stake.slash", "stake.slash" },
	{ "treasury.transfer", "treasury.transfer" },
	{ "oracle.amend", "oracle.amend" },
	{ "dispute.resolve", "settle.resolve" },
	{ NULL, NULL },
};

/* Command applying action name; NULL when it is no governance action. */
static const struct gs_cmd *action_cmd(const char *name)
{
	for (const struct action *a = actions; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return gs_cmd_find(a->cmd);
	return NULL;
}

/* Apply action i ({cmd, args}) as the dao account; errors name it. A
 * no-op (GS_EALREADY) counts as done. */
static int run_action(gs_ctx *c, json_t *action, size_t i, gs_err *e)
{
	const char *name = json_string_value(json_object_get(action, "cmd"));
	const struct gs_cmd *cmd = name ? action_cmd(name) : NULL;
	gs_ctx dao = *c;
	int rc;

	if (!cmd)
		return gs_fail(e, GS_EINPUT, "action %zu: unknown command '%s'", i + 1,
			       name ? name : "?");
	dao.actor = "dao";
	rc = cmd->apply(&dao, json_object_get(action, "args"), e);
	if (rc == GS_EALREADY)
		return GS_OK;
	if (rc)
		gs_err_prefix(e, "action %zu (%s): ", i + 1, name);
	return rc;
}

/* Check the actions of a proposal: a non-empty array of {cmd, args} with a
 * known command, each tried against the current state and rolled back;
 * malformed ones (GS_EINPUT) and forbidden ones (GS_EPERM) are refused,
 * ones the state refuses now (GS_EREFUSED) may succeed when executed. */
static int check_actions(gs_ctx *c, json_t *list, gs_err *e)
{
	static const char *const fields[] = { "cmd", "args", NULL };
	json_t *a;
	size_t i;
	int rc = GS_OK;

	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > 64)
		return gs_fail(e, GS_EINPUT, "field \"actions\": 1 to 64 actions");
	json_array_foreach(list, i, a) {
		gs_ctx dry = *c;
		if (!json_is_object(a) || gs_json_only(a, fields, e) ||
		    !json_is_string(json_object_get(a, "cmd")) ||
		    !json_is_object(json_object_get(a, "args")))
			return gs_fail(e, GS_EINPUT, "action %zu: must be {\"cmd\": NAME, "
				       "\"args\": {...}}", i + 1);
		dry.out = NULL;
		if (gs_store_exec(c->store, "SAVEPOINT dao_check", e))
			return e->code;
		rc = run_action(&dry, a, i, e);
		if (gs_store_exec(c->store, "ROLLBACK TO dao_check", e) ||
		    gs_store_exec(c->store, "RELEASE dao_check", e))
			return e->code;
		if (rc == GS_EINPUT || rc == GS_EPERM || rc == GS_EINTERNAL)
			return rc;
	}
	return GS_OK;
}

/* What is known of one proposal. */
struct proposal {
	int64_t id, created, snap_time, snap_seq, vote_end, eta, votes[3], quorum_bps;
	char proposer[33], stored[16];
};

static int proposal_get(gs_store *s, int64_t id, struct proposal *p, gs_err *e)
{
	gs_stmt *st;
	int rc = gs_query_row(s, e, &st, "SELECT proposer, state, created, "
			      "snapshot_time, snapshot_seq, vote_end, coalesce(eta, 0), "
			      "for_votes, against_votes, abstain_votes, quorum_bps FROM "
			      "proposals WHERE id = ?", "i", id);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown proposal %lld", (long long)id);
	p->id = id;
	snprintf(p->proposer, sizeof p->proposer, "%s", gs_col_text(st, 0));
	snprintf(p->stored, sizeof p->stored, "%s", gs_col_text(st, 1));
	p->created = gs_col_int(st, 2);
	p->snap_time = gs_col_int(st, 3);
	p->snap_seq = gs_col_int(st, 4);
	p->vote_end = gs_col_int(st, 5);
	p->eta = gs_col_int(st, 6);
	for (int i = 0; i < 3; i++)
		p->votes[i] = gs_col_int(st, 7 + i);
	p->quorum_bps = gs_col_int(st, 10);
	gs_stmt_reset(st);
	return GS_OK;
}

/* Does p reach quorum (for + abstain >= the quorum_bps in force when it
 * was proposed, of the stake at its snapshot) and pass (for > against)?
 * 1 yes, 0 no, -1 error. */
static int passes(gs_store *s, const struct proposal *p, int64_t *total,
		  gs_err *e)
{
	if (gs_stake_at(s, "*", p->snap_time, p->snap_seq, total, e))
		return -1;
	if ((__int128)(p->votes[0] + p->votes[2]) * 10000 <
	    (__int128)p->quorum_bps * *total)
		return 0;
	return p->votes[0] > p->votes[1];
}

/* The state of p at time now (DESIGN §8, Governance). */
static const char *state_of(gs_store *s, const struct proposal *p,
			    const struct dao_params *dp, int64_t now, gs_err *e)
{
	int64_t total;
	int rc;

	if (strcmp(p->stored, "open") != 0) {
		if (strcmp(p->stored, "queued") == 0 && p->eta <= INT64_MAX - dp->grace &&
		    now > p->eta + dp->grace)
			return "expired";
		return p->stored;
	}
	/* with a voting delay the snapshot is the end of its second: votes
	 * open after it, so no vote precedes a change the snapshot counts */
	if (now < p->snap_time || (p->snap_seq == INT64_MAX && now == p->snap_time))
		return "pending";
	if (now < p->vote_end)
		return "active";
	if ((rc = passes(s, p, &total, e)) < 0)
		return NULL;
	return rc ? "succeeded" : "defeated";
}

/* Load proposal id and its state now into *state (a static string). */
static int load(gs_ctx *c, const struct dao_params *dp, int64_t id,
		struct proposal *p, const char **state, gs_err *e)
{
	if (proposal_get(c->store, id, p, e))
		return e->code;
	*state = state_of(c->store, p, dp, c->time, e);
	return *state ? GS_OK : e->code;
}

/* dao.propose {title, description?, actions}: stake >= proposal_threshold. */
static int apply_propose(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "title", "description", "actions", NULL };
	const char *title, *desc = "";
	struct dao_params dp;
	int64_t id, snap, end;
	gs_stake st;
	char *acts;
	char a[32], b[32];

	if (gs_json_only(args, fields, e) ||
	    gs_json_str(args, "title", 200, 0, &title, e) ||
	    gs_json_str(args, "description", 4000, 1, &desc, e) ||
	    params_load(c->store, &dp, e) ||
	    gs_stake_get(c->store, c->actor, &st, e))
		return e->code;
	if (!title[0])
		return gs_fail(e, GS_EINPUT, "field \"title\": must not be empty");
	if (st.staked < dp.threshold)
		return gs_fail(e, GS_EREFUSED, "'%s' has %s staked, a proposal needs "
			       "%s (proposal_threshold)", c->actor,
			       gs_credits(c->store, st.staked, a, sizeof a),
			       gs_credits(c->store, dp.threshold, b, sizeof b));
	if (check_actions(c, json_object_get(args, "actions"), e))
		return e->code;
	snap = c->time + dp.delay;
	end = snap + dp.period;
	acts = gs_canonical(json_object_get(args, "actions"));
	if (!acts)
		return gs_fail(e, GS_EINTERNAL, "out of memory");
	/* with no voting delay the snapshot is the proposal's own tx: stake
	 * deposited later in the same second gives no votes */
	if (gs_query_int(c->store, e, &id, "SELECT coalesce(max(id), 0) + 1 FROM "
			 "proposals", "") < 0 ||
	    gs_exec(c->store, e, "INSERT INTO proposals (id, proposer, title, "
		    "description, actions, state, created, snapshot_time, snapshot_seq, "
		    "vote_end, quorum_bps, for_votes, against_votes, abstain_votes, "
		    "created_seq) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, 0, 0, 0, ?)",
		    "itttt" "iiiiii", id, c->actor, title, desc, acts, c->time, snap,
		    dp.delay ? INT64_MAX : c->seq, end, dp.quorum_bps, c->seq)) {
		free(acts);
		return e->code;
	}
	free(acts);
	return gs_proposal_records(c->store, id, NULL, c->time, c->out, e);
}

static const char *const supports[] = { "for", "against", "abstain", NULL };

/* dao.vote {proposal, support}: stake at the snapshot, one vote per
 * account, changeable while the vote is active (the last one counts). */
static int apply_vote(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "proposal", "support", NULL };
	struct dao_params dp;
	struct proposal p;
	const char *support, *state, *old = NULL;
	int64_t id, weight, oldw = 0;
	int k, j = -1;
	gs_stmt *st;
	int rc;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "proposal", 1, INT64_MAX, 0, &id, e) ||
	    gs_json_str(args, "support", 16, 0, &support, e) ||
	    params_load(c->store, &dp, e) || load(c, &dp, id, &p, &state, e))
		return e->code;
	for (k = 0; supports[k] && strcmp(supports[k], support) != 0; k++)
		;
	if (!supports[k])
		return gs_fail(e, GS_EINPUT, "field \"support\": must be for, against "
			       "or abstain");
	if (strcmp(state, "active") != 0)
		return gs_fail(e, GS_EREFUSED, "proposal %lld is %s, not open for votes",
			       (long long)id, state);
	if (gs_stake_at(c->store, c->actor, p.snap_time, p.snap_seq, &weight, e))
		return e->code;
	if (weight <= 0)
		return gs_fail(e, GS_EREFUSED, "'%s' had no stake at the snapshot of "
			       "proposal %lld", c->actor, (long long)id);
	rc = gs_query_row(c->store, e, &st, "SELECT support, weight FROM votes WHERE "
			  "proposal = ? AND voter = ?", "it", id, c->actor);
	if (rc < 0)
		return e->code;
	if (rc == 1) {
		for (j = 0; supports[j] && strcmp(supports[j], gs_col_text(st, 0)); j++)
			;
		oldw = gs_col_int(st, 1);
		old = supports[j];
		gs_stmt_reset(st);
	}
	if (old && j == k)
		return gs_fail(e, GS_EALREADY, "'%s' already votes %s on proposal %lld",
			       c->actor, support, (long long)id);
	if (old)
		p.votes[j] -= oldw;
	p.votes[k] += weight;	/* both bounded by the total stake */
	if (gs_exec(c->store, e, "INSERT INTO votes (proposal, voter, support, "
		    "weight, time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (proposal, voter) "
		    "DO UPDATE SET support = excluded.support, weight = excluded.weight, "
		    "time = excluded.time", "ittii", id, c->actor, support, weight,
		    c->time) ||
	    gs_exec(c->store, e, "UPDATE proposals SET for_votes = ?, against_votes = "
		    "?, abstain_votes = ? WHERE id = ?", "iiii", p.votes[0], p.votes[1],
		    p.votes[2], id))
		return e->code;
	return gs_vote_records(c->store, id, c->actor, c->out, e);
}

/* Queue one succeeded proposal: executable from now + timelock_s. */
static int queue_one(gs_ctx *c, const struct dao_params *dp, int64_t id,
		     gs_err *e)
{
	struct proposal p;
	const char *state;

	if (load(c, dp, id, &p, &state, e))
		return e->code;
	if (strcmp(state, "queued") == 0)
		return gs_fail(e, GS_EALREADY, "proposal %lld is already queued",
			       (long long)id);
	if (strcmp(state, "succeeded") != 0)
		return gs_fail(e, GS_EREFUSED, "proposal %lld is %s: only a succeeded "
			       "proposal is queued", (long long)id, state);
	if (gs_exec(c->store, e, "UPDATE proposals SET state = 'queued', queued_at = ?, "
		    "eta = ? WHERE id = ?", "iii", c->time,
		    c->time > INT64_MAX - dp->timelock ? INT64_MAX : c->time + dp->timelock,
		    id))
		return e->code;
	return gs_proposal_records(c->store, id, NULL, c->time, c->out, e);
}

/* Execute one queued proposal whose timelock is over: every action in
 * this tx, as the dao account. */
static int execute_one(gs_ctx *c, const struct dao_params *dp, int64_t id,
		       gs_err *e)
{
	struct proposal p;
	const char *state;
	char when[32];
	json_t *acts, *a;
	gs_stmt *st;
	size_t i;
	int rc;

	if (load(c, dp, id, &p, &state, e))
		return e->code;
	if (strcmp(state, "executed") == 0)
		return gs_fail(e, GS_EALREADY, "proposal %lld is already executed",
			       (long long)id);
	if (strcmp(state, "queued") != 0)
		return gs_fail(e, GS_EREFUSED, "proposal %lld is %s: only a queued "
			       "proposal is executed", (long long)id, state);
	if (c->time < p.eta)
		return gs_fail(e, GS_EREFUSED, "proposal %lld is timelocked until %s",
			       (long long)id, gs_time_format(p.eta, when, sizeof when));
	rc = gs_query_row(c->store, e, &st, "SELECT actions FROM proposals WHERE id = ?",
			  "i", id);
	if (rc <= 0)
		return rc < 0 ? e->code : gs_fail(e, GS_EINTERNAL, "proposal vanished");
	acts = json_loads(gs_col_text(st, 0), 0, NULL);
	gs_stmt_reset(st);
	if (!acts)
		return gs_fail(e, GS_EINTERNAL, "proposal %lld: unreadable actions",
			       (long long)id);
	rc = GS_OK;
	json_array_foreach(acts, i, a)
		if ((rc = run_action(c, a, i, e)))
			break;
	json_decref(acts);
	if (rc) {
		gs_err_prefix(e, "proposal %lld: ", (long long)id);
		return rc;
	}
	if (gs_exec(c->store, e, "UPDATE proposals SET state = 'executed', "
		    "executed_at = ?, error = NULL WHERE id = ?", "ii", c->time, id))
		return e->code;
	return gs_proposal_records(c->store, id, NULL, c->time, c->out, e);
}

/* Proposals due: open ones whose vote has ended (to queue if they
 * succeeded), or queued ones past their timelock (to execute). */
static int due_ids(gs_ctx *c, const struct dao_params *dp, int execute,
		   json_t *ids, gs_err *e)
{
	gs_stmt *st = gs_sql(c->store, execute
		? "SELECT id FROM proposals WHERE state = 'queued' AND eta <= ?1 AND "
		  "eta >= ?1 - ?2 ORDER BY id"
		: "SELECT id FROM proposals WHERE state = 'open' AND vote_end <= ? "
		  "ORDER BY id", e);
	int rc;

	if (!st || (execute ? gs_bind(st, e, "ii", c->time, dp->grace)
			    : gs_bind(st, e, "i", c->time)))
		return e->code;
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(ids, json_integer(gs_col_int(st, 0)));
	return rc < 0 ? e->code : GS_OK;
}

/* Run queue or execute on every due proposal; each in a savepoint: one
 * that fails is rolled back (an execution error is kept on the proposal
 * and reported as a proposal_error record, once: the same error again is
 * no news) and the others go on. Expired proposals are not due.
 * GS_EALREADY when nothing was done or recorded. */
static int run_due(gs_ctx *c, const struct dao_params *dp, int execute,
		   gs_err *e)
{
	json_t *ids = json_array(), *v;
	size_t i, done = 0;
	int rc = GS_OK;

	if (due_ids(c, dp, execute, ids, e)) {
		json_decref(ids);
		return e->code;
	}
	json_array_foreach(ids, i, v) {
		int64_t id = json_integer_value(v), same = 0;
		size_t nout = json_array_size(c->out);
		gs_err why;
		if (gs_store_exec(c->store, "SAVEPOINT dao_due", e)) {
			rc = e->code;
			break;
		}
		rc = execute ? execute_one(c, dp, id, &why) : queue_one(c, dp, id, &why);
		if (rc) {	/* undone: its records go too, its error stays */
			while (json_array_size(c->out) > nout)
				json_array_remove(c->out, json_array_size(c->out) - 1);
			if (gs_store_exec(c->store, "ROLLBACK TO dao_due", e) ||
			    gs_query_int(c->store, e, &same, "SELECT CASE WHEN error "
					 "= ? THEN 1 ELSE 0 END FROM proposals WHERE id = ?", "ti",
					 why.msg, id) < 0) {
				rc = e->code;
				break;
			}
			if (execute && rc != GS_EALREADY && !same) {	/* new error */
				if (gs_exec(c->store, e, "UPDATE proposals SET error = ? "
					    "WHERE id = ?", "ti", why.msg, id)) {
					rc = e->code;
					break;
				}
				json_array_append_new(c->out, json_pack("{s:s,s:I,s:s}",
					"type", "proposal_error", "proposal", (json_int_t)id,
					"error", why.msg));
			} else {
				rc = GS_EALREADY;	/* nothing new to keep */
			}
		}
		if (gs_store_exec(c->store, "RELEASE dao_due", e)) {
			rc = e->code;
			break;
		}
		done += rc != GS_EALREADY;
		rc = GS_OK;
	}
	json_decref(ids);
	if (rc)
		return rc;
	return done ? GS_OK : gs_fail(e, GS_EALREADY, "no proposal is due to %s",
				      execute ? "execute" : "queue");
}

/* dao.queue / dao.execute {proposal} | {due: 1} (anyone). */
static int apply_step(gs_ctx *c, json_t *args, int execute, gs_err *e)
{
	struct dao_params dp;
	int64_t id;

	if (gs_one_or_due(args, "proposal", 1, &id, e) || params_load(c->store, &dp, e))
		return e->code;
	if (id < 0)
		return run_due(c, &dp, execute, e);
	return execute ? execute_one(c, &dp, id, e) : queue_one(c, &dp, id, e);
}

static int apply_queue(gs_ctx *c, json_t *args, gs_err *e)
{
	return apply_step(c, args, 0, e);
}

static int apply_execute(gs_ctx *c, json_t *args, gs_err *e)
{
	return apply_step(c, args, 1, e);
}

/* dao.cancel {proposal}: the proposer while pending or active, a guardian
 * until it is executed. */
static int apply_cancel(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "proposal", NULL };
	struct dao_params dp;
	struct proposal p;
	const char *state;
	int64_t id;
	int guardian, early;

	if (gs_json_only(args, fields, e) ||
	    gs_json_int(args, "proposal", 1, INT64_MAX, 0, &id, e) ||
	    params_load(c->store, &dp, e) || load(c, &dp, id, &p, &state, e))
		return e->code;
	if (strcmp(state, "canceled") == 0)
		return gs_fail(e, GS_EALREADY, "proposal %lld is already canceled",
			       (long long)id);
	if ((guardian = gs_has_role(c->store, c->actor, "guardian", e)) < 0)
		return e->code;
	early = strcmp(state, "pending") == 0 || strcmp(state, "active") == 0;
	if (!guardian && strcmp(p.proposer, c->actor) != 0)
		return gs_fail(e, GS_EPERM, "only the proposer '%s' or a guardian may "
			       "cancel proposal %lld", p.proposer, (long long)id);
	if (strcmp(state, "executed") == 0 || (!guardian && !early))
		return gs_fail(e, GS_EREFUSED, "proposal %lld is %s and can no longer be "
			       "canceled%s", (long long)id, state, guardian ? ""
			       : " by its proposer (a guardian can, until executed)");
	if (gs_exec(c->store, e, "UPDATE proposals SET state = 'canceled', "
		    "canceled_at = ? WHERE id = ?", "ii", c->time, id))
		return e->code;
	return gs_proposal_records(c->store, id, NULL, c->time, c->out, e);
}

const struct gs_cmd gs_dao_cmds[] = {
	{ "dao.propose", NULL, apply_propose },
	{ "dao.vote", NULL, apply_vote },
	{ "dao.queue", NULL, apply_queue },
	{ "dao.execute", NULL, apply_execute },
	{ "dao.cancel", NULL, apply_cancel },
	{ NULL, NULL, NULL },
};

/* ---- queries ---- */

int gs_proposal_records(gs_store *s, int64_t id, const char *state, int64_t now,
			json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT id, proposer, title, description, actions, "
			     "created, snapshot_time, vote_end, for_votes, "
			     "against_votes, abstain_votes, queued_at, eta, "
			     "executed_at, canceled_at, error FROM proposals WHERE "
			     "(? = 0 OR id = ?) ORDER BY id", e);
	struct dao_params dp;
	json_t *rows = json_array(), *r;
	size_t i;
	int rc;

	if (!st || params_load(s, &dp, e) || gs_bind(st, e, "ii", id, id)) {
		json_decref(rows);
		return e->code;
	}
	while ((rc = gs_step(st, e)) == 1) {
		static const char *const opt[] = { "queued_at", "eta", "executed_at",
						   "canceled_at" };
		r = json_pack("{s:s,s:I,s:s,s:s,s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:I}",
			"type", "proposal", "id", (json_int_t)gs_col_int(st, 0),
			"proposer", gs_col_text(st, 1), "title", gs_col_text(st, 2),
			"description", gs_col_text(st, 3), "actions",
			json_loads(gs_col_text(st, 4), 0, NULL), "created",
			(json_int_t)gs_col_int(st, 5), "snapshot",
			(json_int_t)gs_col_int(st, 6), "vote_end",
			(json_int_t)gs_col_int(st, 7), "for", (json_int_t)gs_col_int(st, 8),
			"against", (json_int_t)gs_col_int(st, 9), "abstain",
			(json_int_t)gs_col_int(st, 10));
		for (int k = 0; k < 4; k++)
			json_object_set_new(r, opt[k], gs_col_type(st, 11 + k) == 'i'
					    ? json_integer(gs_col_int(st, 11 + k))
					    : json_null());
		json_object_set_new(r, "error", gs_col_type(st, 15) == 't'
				    ? json_string(gs_col_text(st, 15)) : json_null());
		json_array_append_new(rows, r);
	}
	json_array_foreach(rows, i, r) {	/* states need other queries */
		struct proposal p;
		const char *now_state;
		int64_t total = 0, need;
		if (rc < 0 ||
		    proposal_get(s, json_integer_value(json_object_get(r, "id")), &p, e) ||
		    !(now_state = state_of(s, &p, &dp, now, e)) ||
		    gs_stake_at(s, "*", p.snap_time, p.snap_seq, &total, e)) {
			rc = -1;
			break;
		}
		need = (int64_t)(((__int128)total * p.quorum_bps + 9999) / 10000);
		json_object_set_new(r, "state", json_string(now_state));
		json_object_set_new(r, "total_stake", json_integer(total));
		json_object_set_new(r, "quorum", json_integer(need));
		if (!state || strcmp(state, now_state) == 0)
			json_array_append(out, r);
	}
	json_decref(rows);
	return rc < 0 ? e->code : GS_OK;
}

int gs_vote_records(gs_store *s, int64_t proposal, const char *voter,
		    json_t *out, gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT voter, support, weight, time FROM votes WHERE "
			     "proposal = ? AND (? IS NULL OR voter = ?) ORDER BY voter", e);
	int rc;

	if (!st || gs_bind(st, e, "itt", proposal, voter, voter))
		return e->code;
	while ((rc = gs_step(st, e)) == 1)
		json_array_append_new(out, json_pack("{s:s,s:I,s:s,s:s,s:I,s:I}", "type",
			"vote", "proposal", (json_int_t)proposal, "voter",
			gs_col_text(st, 0), "support", gs_col_text(st, 1), "weight",
			(json_int_t)gs_col_int(st, 2), "time",
			(json_int_t)gs_col_int(st, 3)));
	return rc < 0 ? e->code : GS_OK;
}
