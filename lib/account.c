/* account.c - accounts, roles, genesis and the admin's hand-over. */
#include <string.h>
#include <sodium.h>

#include "gridset.h"
#include "internal.h"

const char *const gs_roles[] = {
	"admin", "minter", "registrar", "oracle", "operator", "guardian", NULL,
};

const char *const gs_system_accounts[] = { "treasury", "vault", "dao", NULL };

int gs_role_valid(const char *role)
{
	for (int i = 0; gs_roles[i]; i++)
		if (strcmp(gs_roles[i], role) == 0)
			return 1;
	return 0;
}

int gs_has_role(gs_store *s, const char *account, const char *role,
		gs_err *e)
{
	int64_t one;
	int rc = gs_query_int(s, e, &one,
			      "SELECT 1 FROM roles WHERE account = ? AND role = ?",
			      "tt", account, role);
	return rc;
}

int gs_account_exists(gs_store *s, const char *name, gs_err *e)
{
	int64_t one;
	int rc = gs_query_int(s, e, &one, "SELECT 1 FROM accounts WHERE name = ?",
			      "t", name);

	if (rc < 0)
		return e->code;
	if (rc == 0)
		return gs_fail(e, GS_EINPUT, "unknown account '%s'", name);
	return GS_OK;
}

int gs_account_pubkey(gs_store *s, const char *name,
		      unsigned char pk[GS_PK_BYTES], gs_err *e)
{
	gs_stmt *st;
	int found = 0;
	int rc = gs_query_row(s, e, &st, "SELECT pubkey FROM accounts WHERE name = ?",
			      "t", name);

	if (rc < 0)
		return -1;
	if (rc == 1) {
		const char *b64 = gs_col_text(st, 0);
		found = b64 && gs_unb64(b64, pk, GS_PK_BYTES) == 0;
		gs_stmt_reset(st);
	}
	return found;
}

/* Insert an account row and its empty balance. */
static int account_add(gs_store *s, const char *name, const char *pk64,
		       int64_t time, gs_err *e)
{
	if (gs_exec(s, e, "INSERT INTO accounts (name, pubkey, kind, created) "
		    "VALUES (?, ?, ?, ?)", "ttti", name, pk64,
		    pk64 ? "user" : "system", time))
		return e->code;
	return gs_token_open_account(s, name, e);
}

json_t *gs_genesis_args(const gs_key *admin, int decimals,
			const char *symbol, int64_t slot_seconds)
{
	char pk64[64];

	gs_b64(admin->pk, GS_PK_BYTES, pk64, sizeof pk64);
	return json_pack("{s:s,s:s,s:I,s:s,s:I}", "admin", admin->name, "pubkey",
			 pk64, "decimals", (json_int_t)decimals, "symbol", symbol,
			 "slot_seconds", (json_int_t)slot_seconds);
}

/* Valid token symbol: 1-8 uppercase letters or digits. */
static int symbol_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 8)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

/* Write one meta key. */
static int meta_set(gs_store *s, const char *key, const char *value,
		    gs_err *e)
{
	return gs_exec(s, e, "INSERT INTO meta (key, value) VALUES (?, ?)", "tt",
		       key, value);
}

/* genesis {admin, pubkey, decimals, symbol, slot_seconds}: a new state. */
static int apply_genesis(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "admin", "pubkey", "decimals",
					      "symbol", "slot_seconds", NULL };
	const char *admin, *pk64, *symbol;
	int64_t decimals, slot_seconds;
	char buf[32];

	if (gs_json_only(args, fields, e) ||
	    gs_json_str(args, "admin", 32, 0, &admin, e) ||
	    gs_json_str(args, "pubkey", 64, 0, &pk64, e) ||
	    gs_json_int(args, "decimals", 0, GS_MAX_DECIMALS, 0, &decimals, e) ||
	    gs_json_str(args, "symbol", 8, 0, &symbol, e) ||
	    gs_json_int(args, "slot_seconds", 60, 86400, 0, &slot_seconds, e))
		return e->code;
	if (!symbol_valid(symbol))
		return gs_fail(e, GS_EINPUT, "field \"symbol\": must be 1-8 of A-Z, 0-9");
	if (86400 % slot_seconds != 0)
		return gs_fail(e, GS_EINPUT,
			       "field \"slot_seconds\": must divide a day (86400)");
	if (strcmp(admin, c->actor) != 0)
		return gs_fail(e, GS_EPERM, "genesis must be signed by its admin");
	snprintf(buf, sizeof buf, "%lld", (long long)c->time);
	if (meta_set(c->store, "symbol", symbol, e) ||
	    meta_set(c->store, "admin", admin, e) ||
	    meta_set(c->store, "genesis_time", buf, e) ||
	    meta_set(c->store, "renounced", "0", e) ||
	    gs_exec(c->store, e, "INSERT INTO supply (id, minted, burned) "
		    "VALUES (1, 0, 0)", "") ||
	    gs_params_init(c->store, (int)decimals, slot_seconds, e))
		return e->code;
	for (int i = 0; gs_system_accounts[i]; i++)
		if (account_add(c->store, gs_system_accounts[i], NULL, c->time, e))
			return e->code;
	if (account_add(c->store, admin, pk64, c->time, e))
		return e->code;
	for (int i = 0; gs_roles[i]; i++)
		if (gs_exec(c->store, e, "INSERT INTO roles (account, role) "
			    "VALUES (?, ?)", "tt", admin, gs_roles[i]))
			return e->code;
	return GS_OK;
}

/* account.register {pubkey}: bind the actor's name to its key. */
static int apply_register(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { "pubkey", NULL };
	const char *pk64;
	int rc;

	if (gs_json_only(args, fields, e) ||
	    gs_json_str(args, "pubkey", 64, 0, &pk64, e))
		return e->code;
	rc = gs_account_exists(c->store, c->actor, e);
	if (rc == GS_OK) {
		unsigned char pk[GS_PK_BYTES], mine[GS_PK_BYTES];
		int same = gs_account_pubkey(c->store, c->actor, pk, e) == 1 &&
			   gs_unb64(pk64, mine, sizeof mine) == 0 &&
			   memcmp(pk, mine, sizeof pk) == 0;
		return gs_fail(e, same ? GS_EALREADY : GS_EREFUSED,
			       "account '%s' is already registered%s", c->actor,
			       same ? "" : " with another key");
	}
	if (rc != GS_EINPUT || account_add(c->store, c->actor, pk64, c->time, e))
		return e->code;
	return gs_account_record(c->store, c->actor, c->out, e);
}

/* Read role and account of a role.grant/role.revoke and check them. */
static int role_args(gs_ctx *c, json_t *args, const char **role,
		     const char **account, gs_err *e)
{
	static const char *const fields[] = { "role", "account", NULL };

	if (gs_json_only(args, fields, e) ||
	    gs_json_str(args, "role", 32, 0, role, e) ||
	    gs_json_str(args, "account", 32, 0, account, e))
		return e->code;
	if (!gs_role_valid(*role))
		return gs_fail(e, GS_EINPUT, "field \"role\": unknown role '%s'", *role);
	if (gs_account_exists(c->store, *account, e))
		return e->code;
	return GS_OK;
}

/* Record {"type":"role",...} of a change. */
static void role_record(gs_ctx *c, const char *role, const char *account,
			int granted)
{
	json_array_append_new(c->out, json_pack("{s:s,s:s,s:s,s:b}", "type",
						"role", "account", account, "role",
						role, "granted", granted));
}

int gs_role_grant(gs_ctx *c, json_t *args, gs_err *e)
{
	const char *role, *account;
	int64_t sys;

	if (role_args(c, args, &role, &account, e))
		return e->code;
	if (gs_query_int(c->store, e, &sys, "SELECT 1 FROM accounts WHERE name = ? "
			 "AND kind = 'system'", "t", account) > 0)
		return gs_fail(e, GS_EREFUSED, "system account '%s' cannot hold roles",
			       account);
	if (gs_has_role(c->store, account, role, e) == 1)
		return gs_fail(e, GS_EALREADY, "'%s' already has role '%s'",
			       account, role);
	if (gs_exec(c->store, e, "INSERT INTO roles (account, role) VALUES (?, ?)",
		    "tt", account, role))
		return e->code;
	role_record(c, role, account, 1);
	return GS_OK;
}

int gs_role_revoke(gs_ctx *c, json_t *args, gs_err *e)
{
	const char *role, *account;

	if (role_args(c, args, &role, &account, e))
		return e->code;
	if (gs_exec(c->store, e, "DELETE FROM roles WHERE account = ? AND role = ?",
		    "tt", account, role))
		return e->code;
	if (gs_store_changes(c->store) == 0)
		return gs_fail(e, GS_EALREADY, "'%s' does not have role '%s'",
			       account, role);
	role_record(c, role, account, 0);
	return GS_OK;
}

/* Refuse role changes that touch the admin role itself. */
static int not_admin_role(json_t *args, const char *why, gs_err *e)
{
	json_t *r = json_object_get(args, "role");

	if (json_is_string(r) && strcmp(json_string_value(r), "admin") == 0)
		return gs_fail(e, GS_EPERM, "the admin role %s", why);
	return GS_OK;
}

/* admin.grant: the admin grants a role (never admin itself). */
static int apply_grant(gs_ctx *c, json_t *args, gs_err *e)
{
	if (not_admin_role(args, "cannot be granted", e))
		return e->code;
	return gs_role_grant(c, args, e);
}

/* admin.revoke: the admin revokes a role (the admin role only goes by
 * renouncing). */
static int apply_revoke(gs_ctx *c, json_t *args, gs_err *e)
{
	if (not_admin_role(args, "is given up with 'gs admin renounce'", e))
		return e->code;
	return gs_role_revoke(c, args, e);
}

/* admin.renounce {}: hand governance over to the DAO for good. */
static int apply_renounce(gs_ctx *c, json_t *args, gs_err *e)
{
	static const char *const fields[] = { NULL };

	int rc;

	if (gs_json_only(args, fields, e))
		return e->code;
	if ((rc = gs_renounced(c->store, e)) != 0)
		return rc < 0 ? e->code : gs_fail(e, GS_EALREADY,
						  "the admin has already renounced");
	if ((rc = gs_has_role(c->store, c->actor, "admin", e)) != 1)
		return rc < 0 ? e->code : gs_fail(e, GS_EPERM,
						  "'%s' lacks role 'admin'", c->actor);
	if (gs_exec(c->store, e, "DELETE FROM roles WHERE role = 'admin'", "") ||
	    gs_exec(c->store, e, "UPDATE meta SET value = '1' WHERE key = 'renounced'",
		    ""))
		return e->code;
	json_array_append_new(c->out, json_pack("{s:s,s:s,s:b}", "type", "admin",
						"account", c->actor, "renounced", 1));
	return GS_OK;
}

const struct gs_cmd gs_account_cmds[] = {
	{ "genesis", NULL, apply_genesis },
	{ "account.register", NULL, apply_register },
	{ "admin.grant", "admin", apply_grant },
	{ "admin.revoke", "admin", apply_revoke },
	{ "admin.renounce", NULL, apply_renounce },
	{ NULL, NULL, NULL },
};

int gs_config_load(gs_store *s, gs_config *cfg, gs_err *e)
{
	gs_stmt *st;
	int64_t v;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	if (gs_param_get(s, "decimals", &v, e))
		return gs_fail(e, GS_EINPUT, "state file has no genesis (run gs init)");
	cfg->decimals = (int)v;
	if (gs_param_get(s, "slot_seconds", &cfg->slot_seconds, e))
		return e->code;
	rc = gs_query_row(s, e, &st, "SELECT value FROM meta WHERE key = 'symbol'", "");
	if (rc < 0)
		return e->code;
	if (rc == 1) {
		snprintf(cfg->symbol, sizeof cfg->symbol, "%s", gs_col_text(st, 0));
		gs_stmt_reset(st);
	}
	return GS_OK;
}

/* Append the account record(s) of name (NULL: all) to out, each with its
 * roles in order (one row per account and role). */
static int account_records(gs_store *s, const char *name, json_t *out,
			   gs_err *e)
{
	gs_stmt *st = gs_sql(s, "SELECT a.name, a.kind, a.pubkey, a.created, "
			     "r.role FROM accounts a LEFT JOIN roles r ON "
			     "r.account = a.name WHERE a.name BETWEEN ? AND ? "
			     "ORDER BY a.name, r.role", e);
	json_t *rec = NULL;
	int rc;

	/* one account is a primary-key lookup, all of them the whole range
	 * (names are printable ASCII, below 0x7f) */
	if (!st || gs_bind(st, e, "tt", name ? name : "", name ? name : "\x7f"))
		return e->code;
	while ((rc = gs_step(st, e)) == 1) {
		const char *role = gs_col_text(st, 4);
		if (!rec || strcmp(json_string_value(json_object_get(rec, "name")),
				   gs_col_text(st, 0))) {
			rec = json_pack("{s:s,s:s,s:s,s:s?,s:I,s:[]}", "type", "account",
					"name", gs_col_text(st, 0), "kind",
					gs_col_text(st, 1), "pubkey", gs_col_text(st, 2),
					"created", (json_int_t)gs_col_int(st, 3), "roles");
			json_array_append_new(out, rec);
		}
		if (role)
			json_array_append_new(json_object_get(rec, "roles"),
					      json_string(role));
	}
	return rc < 0 ? e->code : GS_OK;
}

int gs_account_record(gs_store *s, const char *name, json_t *out, gs_err *e)
{
	size_t before = json_array_size(out);

	if (account_records(s, name, out, e))
		return e->code;
	if (json_array_size(out) == before)
		return gs_fail(e, GS_EINPUT, "unknown account '%s'", name);
	return GS_OK;
}

int gs_account_list(gs_store *s, json_t *out, gs_err *e)
{
	return account_records(s, NULL, out, e);
}

int gs_renounced(gs_store *s, gs_err *e)
{
	int64_t one;

	return gs_query_int(s, e, &one, "SELECT 1 FROM meta WHERE key = 'renounced' "
			    "AND value = '1'", "");
}
