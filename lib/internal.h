/* internal.h - declarations shared between libgridset modules only */
#ifndef GS_INTERNAL_H
#define GS_INTERNAL_H
#include "gridset.h"

#define QUOTE_MAX 40
#define QUOTE_BUF (QUOTE_MAX + 8)
/* Copy s into buf (size n >= QUOTE_BUF) for quoting in a message, cut
 * with "..." after QUOTE_MAX bytes, control bytes as '?'; return buf. */
const char *gs_quote(const char *s, char *buf, size_t n);

/* Command tables of the modules (NULL-name terminated). */
extern const struct gs_cmd gs_account_cmds[];
extern const struct gs_cmd gs_token_cmds[];
extern const struct gs_cmd gs_params_cmds[];
extern const struct gs_cmd gs_panel_cmds[];
extern const struct gs_cmd gs_stake_cmds[];
extern const struct gs_cmd gs_oracle_cmds[];
extern const struct gs_cmd gs_auction_cmds[];
extern const struct gs_cmd gs_settle_cmds[];
extern const struct gs_cmd gs_dao_cmds[];

/* Check the "items" form of args: a non-empty array of objects. */
int gs_items_check(json_t *args, gs_err *e);
/* Write the default parameters at genesis. */
int gs_params_init(gs_store *s, int decimals, int64_t slot_seconds,
		   gs_err *e);
/* Grant / revoke a role ({role, account}); used by admin and DAO. */
int gs_role_grant(gs_ctx *c, json_t *args, gs_err *e);
int gs_role_revoke(gs_ctx *c, json_t *args, gs_err *e);

/* Items of a command's args: args["items"] when present (an array), else
 * args itself as the single item. Sets *n. */
json_t *gs_args_item(json_t *args, size_t i, size_t *n);
/* Run fn on every item of args in order; the first failure is marked
 * with its item and returned. Items already done (GS_EALREADY) are
 * skipped; when all are, GS_EALREADY is returned. */
int gs_each_item(gs_ctx *c, json_t *args, gs_apply_fn fn, gs_err *e);
/* Args {slot: N} | {due: 1} of a finalize or clear: *slot = N, or -1 for
 * "everything due"; GS_EINPUT unless exactly one is given. */
int gs_slot_or_due(json_t *args, int64_t *slot, gs_err *e);
/* The same for any field: {field: N >= min} | {due: 1}; *v = -1 for due. */
int gs_one_or_due(json_t *args, const char *field, int64_t min, int64_t *v,
		  gs_err *e);
/* Mark e as about item i when args hold several items; return e->code. */
int gs_item_fail(json_t *args, size_t i, gs_err *e);

/* Create the balance row of account if missing. */
int gs_token_open_account(gs_store *s, const char *account, gs_err *e);
#endif
