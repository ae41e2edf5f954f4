/* test_account.c - unit tests for account.c: genesis, registration, roles,
 * the admin's renounce, config. */
#include <stdlib.h>
#include <string.h>

#include "testhelp.h"

static json_t *grant_args(const char *role, const char *account)
{
	return json_pack("{s:s,s:s}", "role", role, "account", account);
}

/* The roles of account as "a,b,c" (from its record). */
static void roles_of(gs_store *s, const char *account, char *buf, size_t n)
{
	json_t *out = json_array(), *r;
	size_t i;
	gs_err e;

	ck_assert_int_eq(gs_account_record(s, account, out, &e), GS_OK);
	buf[0] = '\0';
	json_array_foreach(json_object_get(json_array_get(out, 0), "roles"), i, r)
		snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? "," : "",
			 json_string_value(r));
	json_decref(out);
}

/* Genesis: system accounts, the admin with every role, meta, supply. */
START_TEST(genesis_accounts)
{
	gs_key admin;
	gs_store *s = th_genesis(&admin);
	json_t *out = json_array(), *r;
	unsigned char pk[GS_PK_BYTES];
	char pk64[64], roles[256];
	int64_t v = -1;
	gs_err e;

	ck_assert_int_eq(gs_account_list(s, out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 4);
	r = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "account");
	ck_assert_str_eq(json_string_value(json_object_get(r, "name")), "admin");
	ck_assert_str_eq(json_string_value(json_object_get(r, "kind")), "user");
	gs_b64(admin.pk, GS_PK_BYTES, pk64, sizeof pk64);
	ck_assert_str_eq(json_string_value(json_object_get(r, "pubkey")), pk64);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "created")), TH_T0);
	for (int i = 1; i < 4; i++) {
		static const char *const sys[] = { NULL, "dao", "treasury", "vault" };
		r = json_array_get(out, i);
		ck_assert_str_eq(json_string_value(json_object_get(r, "name")), sys[i]);
		ck_assert_str_eq(json_string_value(json_object_get(r, "kind")), "system");
		ck_assert(json_is_null(json_object_get(r, "pubkey")));
		ck_assert_uint_eq(json_array_size(json_object_get(r, "roles")), 0);
		ck_assert_int_eq(gs_account_pubkey(s, sys[i], pk, &e), 0);
		ck_assert_int_eq(gs_account_exists(s, sys[i], &e), GS_OK);
		ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT available + locked FROM balances "
					      "WHERE account = ?", "t", sys[i]), 1);
		ck_assert_int_eq(v, 0);
	}
	json_decref(out);

	roles_of(s, "admin", roles, sizeof roles);
	ck_assert_str_eq(roles, "admin,guardian,minter,operator,oracle,registrar");
	for (int i = 0; gs_roles[i]; i++)
		ck_assert_int_eq(gs_has_role(s, "admin", gs_roles[i], &e), 1);
	ck_assert_int_eq(gs_has_role(s, "treasury", "admin", &e), 0);
	ck_assert_int_eq(gs_account_pubkey(s, "admin", pk, &e), 1);
	ck_assert_int_eq(memcmp(pk, admin.pk, GS_PK_BYTES), 0);
	ck_assert_int_eq(gs_account_pubkey(s, "nobody", pk, &e), 0);
	ck_assert_int_eq(gs_renounced(s, &e), 0);
	ck_assert_int_eq(gs_query_int(s, &e, &v, "SELECT minted + burned FROM supply", ""), 1);
	ck_assert_int_eq(v, 0);
	gs_store_close(s);
}
END_TEST

START_TEST(role_and_system_lists)
{
	static const char *const roles[] = { "admin", "minter", "registrar", "oracle",
					     "operator", "guardian" };
	int n = 0;

	for (; gs_roles[n]; n++)
		ck_assert_str_eq(gs_roles[n], roles[n]);
	ck_assert_int_eq(n, 6);
	ck_assert_str_eq(gs_system_accounts[0], "treasury");
	ck_assert_str_eq(gs_system_accounts[1], "vault");
	ck_assert_str_eq(gs_system_accounts[2], "dao");
	ck_assert_ptr_null(gs_system_accounts[3]);
	ck_assert_int_eq(gs_role_valid("minter"), 1);
	ck_assert_int_eq(gs_role_valid("root"), 0);
	ck_assert_int_eq(gs_role_valid("Admin"), 0);
	ck_assert_int_eq(gs_role_valid(""), 0);
}
END_TEST

/* Genesis arguments are checked. */
START_TEST(genesis_checks)
{
	gs_key admin, other;
	gs_store *s;
	json_t *args;
	gs_err e;

	th_key("admin", &admin);
	th_key("other", &other);
	ck_assert_int_eq(gs_store_open(NULL, GS_OPEN_TEMP, &s, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &admin, "genesis", gs_genesis_args(&admin, 6, "gst", 900),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"symbol\": must be 1-8 of A-Z, 0-9");
	ck_assert_int_eq(th_apply(s, &admin, "genesis", gs_genesis_args(&admin, 6, "GST", 700),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "slot_seconds"));
	ck_assert_int_eq(th_apply(s, &admin, "genesis", gs_genesis_args(&admin, 6, "GST", 30),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &admin, "genesis", gs_genesis_args(&admin, 13, "GST", 900),
				  TH_T0, NULL, &e), GS_EINPUT);
	/* the admin named in the args must be the signer */
	args = gs_genesis_args(&admin, 6, "GST", 900);
	{
		char pk64[64];
		gs_b64(other.pk, GS_PK_BYTES, pk64, sizeof pk64);
		json_object_set_new(args, "pubkey", json_string(pk64));
	}
	ck_assert_int_eq(th_apply(s, &other, "genesis", args, TH_T0, NULL, &e), GS_EPERM);
	/* signed by a key other than the one in the args */
	ck_assert_int_eq(th_apply(s, &other, "genesis", gs_genesis_args(&admin, 6, "GST", 900),
				  TH_T0, NULL, &e), GS_EPERM);
	ck_assert_int_eq(th_journal_rows(s), 0);
	ck_assert_int_eq(th_apply(s, &admin, "genesis", gs_genesis_args(&admin, 6, "GST", 900),
				  TH_T0, NULL, &e), GS_OK);
	gs_store_close(s);
}
END_TEST

/* account.register: once per name; the record; system names taken. */
START_TEST(register_accounts)
{
	gs_key admin, alice, alice2, tre;
	gs_store *s = th_genesis(&admin);
	json_t *out = NULL, *r;
	char pk64[64];
	int status;
	gs_err e;

	th_key("alice", &alice);
	gs_b64(alice.pk, GS_PK_BYTES, pk64, sizeof pk64);
	ck_assert_int_eq(th_apply(s, &alice, "account.register", json_pack("{s:s}", "pubkey",
				  pk64), TH_T0 + 5, &out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "account");
	ck_assert_str_eq(json_string_value(json_object_get(r, "name")), "alice");
	ck_assert_str_eq(json_string_value(json_object_get(r, "kind")), "user");
	ck_assert_str_eq(json_string_value(json_object_get(r, "pubkey")), pk64);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "created")), TH_T0 + 5);
	ck_assert_uint_eq(json_array_size(json_object_get(r, "roles")), 0);
	json_decref(out);
	ck_assert_int_eq(gs_account_exists(s, "alice", &e), GS_OK);

	/* twice with the same key: already done, nothing changes */
	status = -1;
	ck_assert_int_eq(th_apply_status(s, &alice, "account.register", json_pack("{s:s}",
					 "pubkey", pk64), TH_T0, &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(e.msg, "account 'alice' is already registered");
	ck_assert_int_eq(th_journal_rows(s), 2);
	/* with another key: refused, the first key stays */
	th_key("alice-other", &alice2);
	strcpy(alice2.name, "alice");
	gs_b64(alice2.pk, GS_PK_BYTES, pk64, sizeof pk64);
	ck_assert_int_eq(th_apply(s, &alice2, "account.register", json_pack("{s:s}", "pubkey",
				  pk64), TH_T0, NULL, &e), GS_EREFUSED);
	ck_assert_str_eq(e.msg, "account 'alice' is already registered with another key");
	{
		unsigned char pk[GS_PK_BYTES];
		ck_assert_int_eq(gs_account_pubkey(s, "alice", pk, &e), 1);
		ck_assert_int_eq(memcmp(pk, alice.pk, GS_PK_BYTES), 0);
	}
	/* system accounts cannot be taken */
	th_key("treasury", &tre);
	gs_b64(tre.pk, GS_PK_BYTES, pk64, sizeof pk64);
	ck_assert_int_eq(th_apply(s, &tre, "account.register", json_pack("{s:s}", "pubkey",
				  pk64), TH_T0, NULL, &e), GS_EREFUSED);
	/* shape */
	gs_b64(alice2.pk, GS_PK_BYTES, pk64, sizeof pk64);
	strcpy(alice2.name, "carol");
	ck_assert_int_eq(th_apply(s, &alice2, "account.register", json_pack("{s:s}", "pubkey",
				  "nonsense"), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_apply(s, &alice2, "account.register", json_pack("{s:s,s:i}",
				  "pubkey", pk64, "x", 1), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(th_journal_rows(s), 2);
	gs_store_close(s);
}
END_TEST

/* admin.grant / admin.revoke. */
START_TEST(grant_revoke)
{
	gs_key admin, alice;
	gs_store *s = th_genesis(&admin);
	json_t *out = NULL, *r;
	char roles[256];
	int64_t rows;
	int status;
	gs_err e;

	th_account(s, "alice", &alice);
	ck_assert_int_eq(th_apply(s, &admin, "admin.grant", grant_args("minter", "alice"),
				  TH_T0, &out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	r = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "role");
	ck_assert_str_eq(json_string_value(json_object_get(r, "account")), "alice");
	ck_assert_str_eq(json_string_value(json_object_get(r, "role")), "minter");
	ck_assert(json_is_true(json_object_get(r, "granted")));
	json_decref(out);
	ck_assert_int_eq(gs_has_role(s, "alice", "minter", &e), 1);
	ck_assert_int_eq(th_apply(s, &admin, "admin.grant", grant_args("oracle", "alice"),
				  TH_T0, NULL, &e), GS_OK);
	roles_of(s, "alice", roles, sizeof roles);
	ck_assert_str_eq(roles, "minter,oracle");
	/* granting again: already done, not journaled */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply_status(s, &admin, "admin.grant", grant_args("minter", "alice"),
					 TH_T0, &status, &out, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(e.msg, "'alice' already has role 'minter'");
	ck_assert_int_eq(th_journal_rows(s), rows);
	/* the role works: alice may mint now */
	ck_assert_int_eq(th_apply(s, &alice, "token.mint", json_pack("{s:s,s:i}", "to",
				  "alice", "amount", 5), TH_T0, NULL, &e), GS_OK);

	ck_assert_int_eq(th_apply(s, &admin, "admin.revoke", grant_args("minter", "alice"),
				  TH_T0, &out, &e), GS_OK);
	ck_assert(json_is_false(json_object_get(json_array_get(out, 0), "granted")));
	json_decref(out);
	ck_assert_int_eq(gs_has_role(s, "alice", "minter", &e), 0);
	ck_assert_int_eq(th_apply(s, &alice, "token.mint", json_pack("{s:s,s:i}", "to",
				  "alice", "amount", 5), TH_T0, NULL, &e), GS_EPERM);
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply_status(s, &admin, "admin.revoke", grant_args("minter", "alice"),
					 TH_T0, &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_str_eq(e.msg, "'alice' does not have role 'minter'");
	ck_assert_int_eq(th_journal_rows(s), rows);
	roles_of(s, "alice", roles, sizeof roles);
	ck_assert_str_eq(roles, "oracle");

	/* bad arguments */
	ck_assert_int_eq(th_apply(s, &admin, "admin.grant", grant_args("root", "alice"),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "field \"role\": unknown role 'root'");
	ck_assert_int_eq(th_apply(s, &admin, "admin.grant", grant_args("minter", "nobody"),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "unknown account 'nobody'");
	/* system accounts hold no roles */
	ck_assert_int_eq(th_apply(s, &admin, "admin.grant", grant_args("minter", "treasury"),
				  TH_T0, NULL, &e), GS_EREFUSED);
	ck_assert_str_eq(e.msg, "system account 'treasury' cannot hold roles");
	ck_assert_int_eq(gs_has_role(s, "treasury", "minter", &e), 0);
	/* admin cannot be granted */
	ck_assert_int_eq(th_apply(s, &admin, "admin.grant", grant_args("admin", "alice"),
				  TH_T0, NULL, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "the admin role cannot be granted");
	ck_assert_int_eq(gs_has_role(s, "alice", "admin", &e), 0);
	/* nor revoked: it goes only by renouncing */
	ck_assert_int_eq(th_apply(s, &admin, "admin.revoke", grant_args("admin", "admin"),
				  TH_T0, NULL, &e), GS_EPERM);
	ck_assert_int_eq(gs_has_role(s, "admin", "admin", &e), 1);
	/* only the admin grants */
	ck_assert_int_eq(th_apply(s, &alice, "admin.grant", grant_args("minter", "alice"),
				  TH_T0, NULL, &e), GS_EPERM);
	ck_assert_int_eq(th_apply(s, &alice, "admin.revoke", grant_args("oracle", "alice"),
				  TH_T0, NULL, &e), GS_EPERM);
	ck_assert_int_eq(gs_has_role(s, "alice", "oracle", &e), 1);
	gs_store_close(s);
}
END_TEST

/* admin.renounce: the admin role is gone for good. */
START_TEST(renounce)
{
	gs_key admin, alice;
	gs_store *s = th_genesis(&admin);
	json_t *out = NULL, *r;
	char roles[256];
	int64_t rows;
	int status;
	gs_err e;

	th_account(s, "alice", &alice);
	ck_assert_int_eq(th_apply(s, &alice, "admin.renounce", json_object(), TH_T0, NULL, &e),
			 GS_EPERM);
	ck_assert_int_eq(gs_has_role(s, "admin", "admin", &e), 1);
	ck_assert_int_eq(th_apply(s, &admin, "admin.renounce", json_pack("{s:i}", "x", 1),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(gs_renounced(s, &e), 0);
	ck_assert_int_eq(th_apply(s, &admin, "admin.renounce", json_object(), TH_T0, &out, &e),
			 GS_OK);
	r = json_array_get(out, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "admin");
	ck_assert_str_eq(json_string_value(json_object_get(r, "account")), "admin");
	ck_assert(json_is_true(json_object_get(r, "renounced")));
	json_decref(out);
	ck_assert_int_eq(gs_renounced(s, &e), 1);
	ck_assert_int_eq(gs_has_role(s, "admin", "admin", &e), 0);
	roles_of(s, "admin", roles, sizeof roles);
	ck_assert_str_eq(roles, "guardian,minter,operator,oracle,registrar");

	ck_assert_int_eq(th_apply(s, &admin, "admin.grant", grant_args("minter", "alice"),
				  TH_T0, NULL, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "the admin has renounced: only governance may do admin.grant");
	ck_assert_int_eq(th_apply(s, &admin, "admin.revoke", grant_args("minter", "admin"),
				  TH_T0, NULL, &e), GS_EPERM);
	ck_assert_int_eq(th_apply(s, &admin, "params.set", json_pack("{s:s,s:i}", "name",
				  "quorum_bps", "value", 500), TH_T0, NULL, &e), GS_EPERM);
	/* renouncing again is already done; nothing is journaled */
	rows = th_journal_rows(s);
	ck_assert_int_eq(th_apply_status(s, &admin, "admin.renounce", json_object(), TH_T0,
					 &status, NULL, &e), GS_OK);
	ck_assert_int_eq(status, GS_UNCHANGED);
	ck_assert_str_eq(e.msg, "the admin has already renounced");
	ck_assert_int_eq(th_journal_rows(s), rows);
	ck_assert_int_eq(gs_has_role(s, "alice", "admin", &e), 0);
	/* other roles still work */
	ck_assert_int_eq(th_apply(s, &admin, "token.mint", json_pack("{s:s,s:i}", "to",
				  "alice", "amount", 5), TH_T0, NULL, &e), GS_OK);
	gs_store_close(s);
}
END_TEST

/* gs_config_load reads what genesis wrote. */
START_TEST(config_load)
{
	gs_key admin;
	gs_store *s = th_genesis(&admin);
	gs_config c;
	gs_err e;

	memset(&c, 0x55, sizeof c);
	ck_assert_int_eq(gs_config_load(s, &c, &e), GS_OK);
	ck_assert_int_eq(c.decimals, 6);
	ck_assert_str_eq(c.symbol, "GST");
	ck_assert_int_eq(c.slot_seconds, 900);
	gs_store_close(s);

	s = th_genesis_with(NULL, &admin, 2, "KWH2", 3600);
	ck_assert_int_eq(gs_config_load(s, &c, &e), GS_OK);
	ck_assert_int_eq(c.decimals, 2);
	ck_assert_str_eq(c.symbol, "KWH2");
	ck_assert_int_eq(c.slot_seconds, 3600);
	gs_store_close(s);

	/* no genesis */
	ck_assert_int_eq(gs_store_open(NULL, GS_OPEN_TEMP, &s, &e), GS_OK);
	ck_assert_int_eq(gs_config_load(s, &c, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "state file has no genesis (run gs init)");
	gs_store_close(s);
}
END_TEST

/* gs_account_record / gs_account_exists on unknown names. */
START_TEST(account_record_unknown)
{
	gs_key admin;
	gs_store *s = th_genesis(&admin);
	json_t *out = json_array();
	gs_err e;

	ck_assert_int_eq(gs_account_record(s, "nobody", out, &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "unknown account 'nobody'");
	ck_assert_uint_eq(json_array_size(out), 0);
	ck_assert_int_eq(gs_account_exists(s, "nobody", &e), GS_EINPUT);
	ck_assert_str_eq(e.msg, "unknown account 'nobody'");
	ck_assert_int_eq(gs_account_record(s, "vault", out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 1);
	ck_assert_int_eq(gs_account_record(s, "admin", out, &e), GS_OK);
	ck_assert_uint_eq(json_array_size(out), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(out, 1), "name")),
			 "admin");
	json_decref(out);
	gs_store_close(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("account");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, genesis_accounts);
	tcase_add_test(tc, role_and_system_lists);
	tcase_add_test(tc, genesis_checks);
	tcase_add_test(tc, register_accounts);
	tcase_add_test(tc, grant_revoke);
	tcase_add_test(tc, renounce);
	tcase_add_test(tc, config_load);
	tcase_add_test(tc, account_record_unknown);
	suite_add_tcase(s, tc);
	return th_run(s);
}
