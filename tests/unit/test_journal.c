/* test_journal.c - unit tests for journal.c: canonical JSON, signatures,
 * the envelope, applying txs, duplicates, the hash chain and time. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "testhelp.h"

/* A signed transfer tx by k (new reference). */
static json_t *transfer_tx(const gs_key *k, const char *id, const char *to,
			   int64_t amount, int64_t time)
{
	json_t *tx = gs_tx_new(id, "token.transfer", k->name, time,
			       json_pack("{s:s,s:I}", "to", to, "amount", (json_int_t)amount));
	gs_err e;

	ck_assert_ptr_nonnull(tx);
	ck_assert_int_eq(gs_tx_sign(tx, k, &e), GS_OK);
	return tx;
}

/* genesis, alice and bob registered, alice holds 1000. */
static gs_store *setup(gs_key *admin, gs_key *alice, gs_key *bob)
{
	gs_store *s = th_genesis(admin);
	gs_err e;

	th_account(s, "alice", alice);
	th_account(s, "bob", bob);
	ck_assert_int_eq(th_apply(s, admin, "token.mint", json_pack("{s:s,s:i}", "to",
				  "alice", "amount", 1000), TH_T0, NULL, &e), GS_OK);
	return s;
}

static void digest(gs_store *s, unsigned char d[32])
{
	gs_err e;

	ck_assert_int_eq(gs_state_digest(s, d, &e), GS_OK);
}

START_TEST(canonical_sorted_compact)
{
	json_t *v = json_pack("{s:i,s:s,s:{s:i,s:s},s:[i,s,{s:i,s:i}],s:n,s:b}", "z", 1,
			      "a", "x/y\"\n", "m", "b", 2, "a", "é", "arr", 3, "s",
			      "q", 1, "p", 2, "nul", "t", 1);
	char *c = gs_canonical(v);

	ck_assert_str_eq(c, "{\"a\":\"x/y\\\"\\n\",\"arr\":[3,\"s\",{\"p\":2,\"q\":1}],"
			 "\"m\":{\"a\":\"\xc3\xa9\",\"b\":2},\"nul\":null,\"t\":true,\"z\":1}");
	free(c);
	json_decref(v);
}
END_TEST

/* gs_tx_new builds the envelope; its canonical text is fixed. */
START_TEST(tx_new_canonical)
{
	json_t *tx = gs_tx_new("t1", "token.transfer", "alice", 1795600800,
			       json_pack("{s:s,s:i}", "to", "bob", "amount", 12500000));
	char *c = gs_canonical(tx);

	ck_assert_str_eq(c, "{\"actor\":\"alice\",\"args\":{\"amount\":12500000,\"to\":\"bob\"},"
			 "\"cmd\":\"token.transfer\",\"id\":\"t1\",\"time\":1795600800,\"v\":1}");
	free(c);
	json_decref(tx);
}
END_TEST

/* The signature is Ed25519 over "gridset-tx-v1\0" + canonical(tx - sig). */
START_TEST(sign_and_verify)
{
	gs_key alice, bob;
	json_t *tx, *tx2;
	unsigned char sig[GS_SIG_BYTES], *m;
	char *c;
	const char *sig64;
	size_t cl, tl = strlen(GS_TX_TAG) + 1;
	gs_err e;

	th_key("alice", &alice);
	th_key("bob", &bob);
	tx = transfer_tx(&alice, "t1", "bob", 100, TH_T0);
	sig64 = json_string_value(json_object_get(tx, "sig"));
	ck_assert_ptr_nonnull(sig64);
	ck_assert_uint_eq(strlen(sig64), 88);
	ck_assert_int_eq(gs_tx_verify_sig(tx, alice.pk, &e), GS_OK);

	/* independent check of the signed message */
	ck_assert_int_eq(gs_unb64(sig64, sig, sizeof sig), 0);
	json_object_del((tx2 = json_deep_copy(tx)), "sig");
	c = gs_canonical(tx2);
	cl = strlen(c);
	m = malloc(tl + cl);
	memcpy(m, "gridset-tx-v1", tl);	/* with its NUL */
	memcpy(m + tl, c, cl);
	ck_assert_int_eq(crypto_sign_verify_detached(sig, m, tl + cl, alice.pk), 0);
	/* without the NUL it does not verify */
	ck_assert_int_ne(crypto_sign_verify_detached(sig, m, tl - 1, alice.pk), 0);
	free(m);
	free(c);

	/* signing again replaces the sig (Ed25519 is deterministic) */
	ck_assert_int_eq(gs_tx_sign(tx2, &alice, &e), GS_OK);
	ck_assert_str_eq(json_string_value(json_object_get(tx2, "sig")), sig64);
	ck_assert_int_eq(gs_tx_sign(tx, &alice, &e), GS_OK);
	ck_assert_str_eq(json_string_value(json_object_get(tx, "sig")),
			 json_string_value(json_object_get(tx2, "sig")));

	/* wrong key */
	ck_assert_int_eq(gs_tx_verify_sig(tx, bob.pk, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "bad signature");
	json_decref(tx);
	json_decref(tx2);
}
END_TEST

/* Any change to a signed field breaks the signature. */
START_TEST(altered_fields)
{
	gs_key alice;
	json_t *tx, *x;
	gs_err e;

	th_key("alice", &alice);
	tx = transfer_tx(&alice, "t1", "bob", 100, TH_T0);
	ck_assert_int_eq(gs_tx_verify_sig(tx, alice.pk, &e), GS_OK);

#define ALTER(stmt) do {						\
		x = json_deep_copy(tx);					\
		stmt;							\
		ck_assert_msg(gs_tx_verify_sig(x, alice.pk, &e) == GS_EPERM,	\
			      "accepted: %s", #stmt);			\
		ck_assert_str_eq(e.msg, "bad signature");		\
		json_decref(x);						\
	} while (0)

	ALTER(json_object_set_new(json_object_get(x, "args"), "amount", json_integer(101)));
	ALTER(json_object_set_new(json_object_get(x, "args"), "to", json_string("carol")));
	ALTER(json_object_set_new(json_object_get(x, "args"), "memo", json_string("x")));
	ALTER(json_object_del(json_object_get(x, "args"), "to"));
	ALTER(json_object_set_new(x, "actor", json_string("bob")));
	ALTER(json_object_set_new(x, "time", json_integer(TH_T0 + 1)));
	ALTER(json_object_set_new(x, "id", json_string("t2")));
	ALTER(json_object_set_new(x, "cmd", json_string("token.burn")));
#undef ALTER
	json_decref(tx);
}
END_TEST

/* Expect gs_tx_verify_sig(tx) to fail GS_EINPUT with a message containing
 * needle; decref tx. */
static void bad_envelope(json_t *tx, const unsigned char *pk, const char *needle)
{
	gs_err e = { 0 };
	char *c = gs_canonical(tx);

	ck_assert_msg(gs_tx_verify_sig(tx, pk, &e) == GS_EINPUT, "accepted %s", c);
	ck_assert_int_eq(e.code, GS_EINPUT);
	ck_assert_msg(strstr(e.msg, needle) != NULL, "%s: '%s' lacks '%s'", c, e.msg, needle);
	free(c);
	json_decref(tx);
}

START_TEST(envelope_errors)
{
	gs_key alice;
	json_t *tx, *x;
	char long_id[70];

	th_key("alice", &alice);
	tx = transfer_tx(&alice, "t1", "bob", 100, TH_T0);

	x = json_deep_copy(tx); json_object_del(x, "id");
	bad_envelope(x, alice.pk, "field \"id\": missing");
	x = json_deep_copy(tx);
	json_object_set_new(json_object_get(x, "args"), "amount", json_real(1.5));
	bad_envelope(x, alice.pk, "field \"amount\": must be an integer");
	x = json_deep_copy(tx);
	json_object_set_new(json_object_get(x, "args"), "deep",
			    json_pack("{s:[i,f]}", "list", 1, 2.0));
	bad_envelope(x, alice.pk, "field \"list\": must be an integer");
	x = json_deep_copy(tx); json_object_set_new(x, "extra", json_integer(1));
	bad_envelope(x, alice.pk, "field \"extra\": unknown field");
	x = json_deep_copy(tx); json_object_set_new(x, "id", json_string("a b"));
	bad_envelope(x, alice.pk, "field \"id\"");
	x = json_deep_copy(tx); json_object_set_new(x, "id", json_string("a/b"));
	bad_envelope(x, alice.pk, "field \"id\"");
	memset(long_id, 'a', 65);
	long_id[65] = '\0';
	x = json_deep_copy(tx); json_object_set_new(x, "id", json_string(long_id));
	bad_envelope(x, alice.pk, "field \"id\"");
	x = json_deep_copy(tx); json_object_set_new(x, "id", json_string(""));
	bad_envelope(x, alice.pk, "field \"id\"");
	x = json_deep_copy(tx); json_object_set_new(x, "v", json_integer(2));
	bad_envelope(x, alice.pk, "field \"v\"");
	x = json_deep_copy(tx); json_object_set_new(x, "v", json_string("1"));
	bad_envelope(x, alice.pk, "field \"v\"");
	x = json_deep_copy(tx); json_object_del(x, "v");
	bad_envelope(x, alice.pk, "field \"v\": missing");
	x = json_deep_copy(tx); json_object_del(x, "sig");
	bad_envelope(x, alice.pk, "field \"sig\": missing");
	x = json_deep_copy(tx); json_object_set_new(x, "sig", json_string("AAAA"));
	bad_envelope(x, alice.pk, "field \"sig\"");
	x = json_deep_copy(tx); json_object_set_new(x, "actor", json_string("Alice"));
	bad_envelope(x, alice.pk, "field \"actor\"");
	x = json_deep_copy(tx); json_object_set_new(x, "time", json_integer(-1));
	bad_envelope(x, alice.pk, "field \"time\"");
	x = json_deep_copy(tx); json_object_set_new(x, "time", json_real(1.0));
	bad_envelope(x, alice.pk, "field \"time\"");
	x = json_deep_copy(tx); json_object_set_new(x, "args", json_pack("[i]", 1));
	bad_envelope(x, alice.pk, "field \"args\"");
	x = json_deep_copy(tx); json_object_del(x, "cmd");
	bad_envelope(x, alice.pk, "field \"cmd\": missing");
	bad_envelope(json_pack("[i]", 1), alice.pk, "must be a JSON object");
	/* the good one still passes */
	{
		gs_err e;
		ck_assert_int_eq(gs_tx_verify_sig(tx, alice.pk, &e), GS_OK);
	}
	json_decref(tx);
}
END_TEST

START_TEST(random_id)
{
	char a[33], b[33];

	gs_tx_random_id(a);
	gs_tx_random_id(b);
	ck_assert_uint_eq(strlen(a), 32);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 32);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(cmd_find)
{
	const struct gs_cmd *c = gs_cmd_find("token.transfer");

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->name, "token.transfer");
	ck_assert_ptr_null(c->role);
	ck_assert_str_eq(gs_cmd_find("token.mint")->role, "minter");
	ck_assert_str_eq(gs_cmd_find("params.set")->role, "admin");
	ck_assert_str_eq(gs_cmd_find("admin.grant")->role, "admin");
	ck_assert_ptr_nonnull(gs_cmd_find("genesis"));
	ck_assert_ptr_null(gs_cmd_find("token.steal"));
	ck_assert_ptr_null(gs_cmd_find(""));
}
END_TEST

/* Applying the same tx twice: the second is a duplicate at the same seq,
 * changing nothing. The same id with other content is refused. */
START_TEST(apply_duplicate)
{
	gs_key admin, alice, bob;
	gs_store *s = setup(&admin, &alice, &bob);
	json_t *tx = transfer_tx(&alice, "pay-1", "bob", 100, TH_T0), *out = NULL, *tx2;
	unsigned char d1[32], d2[32];
	int64_t seq = 0, seq2 = 0, a, l, rows;
	int status = -1;
	gs_err e;

	ck_assert_int_eq(gs_tx_apply(s, tx, &status, &out, &seq, &e), GS_OK);
	ck_assert_int_eq(status, GS_APPLIED);
	ck_assert_int_eq(seq, 5);	/* genesis, 2 registers, mint */
	ck_assert(json_is_array(out));
	json_decref(out);
	th_balance(s, "bob", &a, &l);
	ck_assert_int_eq(a, 100);
	rows = th_journal_rows(s);
	digest(s, d1);

	out = (json_t *)1;
	status = -1;
	ck_assert_int_eq(gs_tx_apply(s, tx, &status, &out, &seq2, &e), GS_OK);
	ck_assert_int_eq(status, GS_DUPLICATE);
	ck_assert_int_eq(seq2, 5);
	ck_assert_ptr_null(out);
	th_balance(s, "bob", &a, &l);
	ck_assert_int_eq(a, 100);
	ck_assert_int_eq(th_journal_rows(s), rows);
	digest(s, d2);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);

	/* a retry of the same request under the same id, signed again at
	 * another time, is the same duplicate */
	tx2 = transfer_tx(&alice, "pay-1", "bob", 100, TH_T0 + 3600);
	status = -1;
	ck_assert_int_eq(gs_tx_apply(s, tx2, &status, NULL, &seq2, &e), GS_OK);
	ck_assert_int_eq(status, GS_DUPLICATE);
	ck_assert_int_eq(seq2, 5);
	json_decref(tx2);
	ck_assert_int_eq(th_journal_rows(s), rows);
	/* same id, other content */
	tx2 = transfer_tx(&alice, "pay-1", "bob", 200, TH_T0);
	ck_assert_int_eq(gs_tx_apply(s, tx2, &status, NULL, &seq2, &e), GS_EREFUSED);
	ck_assert_ptr_nonnull(strstr(e.msg, "already used"));
	json_decref(tx2);
	/* same id, same content, signed by someone else */
	tx2 = transfer_tx(&alice, "pay-1", "bob", 100, TH_T0);
	json_object_set_new(tx2, "actor", json_string("bob"));
	ck_assert_int_eq(gs_tx_sign(tx2, &bob, &e), GS_OK);
	ck_assert_int_eq(gs_tx_apply(s, tx2, &status, NULL, &seq2, &e), GS_EREFUSED);
	json_decref(tx2);
	ck_assert_int_eq(th_journal_rows(s), rows);
	digest(s, d2);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);
	json_decref(tx);
	gs_store_close(s);
}
END_TEST

/* The head after N txs equals the chain recomputed from the journal rows. */
START_TEST(chain_hash)
{
	gs_key admin, alice, bob;
	gs_store *s = setup(&admin, &alice, &bob);
	unsigned char prev[32] = { 0 }, h[32], sig[GS_SIG_BYTES];
	char hex[65];
	gs_head head;
	gs_stmt *st;
	int64_t n = 0;
	gs_err e;

	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i}",
					  "to", "bob", "amount", i + 1), TH_T0 + i, NULL, &e),
				 GS_OK);
	ck_assert_int_eq(gs_journal_head(s, &head, &e), GS_OK);
	ck_assert_int_eq(head.seq, 9);
	ck_assert_int_eq(head.time, TH_T0 + 4);

	st = gs_sql(s, "SELECT seq, tx, sig, prev, hash, txid, actor, cmd FROM journal "
		    "ORDER BY seq", &e);
	ck_assert_ptr_nonnull(st);
	while (gs_step(st, &e) == 1) {
		json_t *tx = json_loads(gs_col_text(st, 1), 0, NULL);
		char *c;

		n++;
		ck_assert_int_eq(gs_col_int(st, 0), n);
		ck_assert_str_eq(gs_col_text(st, 3), gs_hex(prev, 32, hex));
		/* the stored tx is canonical and without its sig */
		ck_assert_ptr_nonnull(tx);
		ck_assert_ptr_null(json_object_get(tx, "sig"));
		c = gs_canonical(tx);
		ck_assert_str_eq(c, gs_col_text(st, 1));
		free(c);
		ck_assert_str_eq(json_string_value(json_object_get(tx, "id")), gs_col_text(st, 5));
		ck_assert_str_eq(json_string_value(json_object_get(tx, "actor")),
				 gs_col_text(st, 6));
		ck_assert_str_eq(json_string_value(json_object_get(tx, "cmd")), gs_col_text(st, 7));
		json_decref(tx);
		ck_assert_int_eq(gs_unb64(gs_col_text(st, 2), sig, sizeof sig), 0);
		gs_chain_hash(prev, gs_col_text(st, 1), sig, h);
		ck_assert_str_eq(gs_col_text(st, 4), gs_hex(h, 32, hex));
		memcpy(prev, h, 32);
	}
	ck_assert_int_eq(n, 9);
	ck_assert_int_eq(memcmp(head.hash, prev, 32), 0);

	/* gs_chain_hash is BLAKE2b-256 of tag\0 || prev || text || sig */
	{
		crypto_generichash_state hs;
		unsigned char z[32] = { 0 }, s64[GS_SIG_BYTES], want[32], got[32];

		memset(s64, 7, sizeof s64);
		crypto_generichash_init(&hs, NULL, 0, 32);
		crypto_generichash_update(&hs, (const unsigned char *)"gridset-chain-v1", 17);
		crypto_generichash_update(&hs, z, 32);
		crypto_generichash_update(&hs, (const unsigned char *)"{}", 2);
		crypto_generichash_update(&hs, s64, sizeof s64);
		crypto_generichash_final(&hs, want, 32);
		gs_chain_hash(z, "{}", s64, got);
		ck_assert_int_eq(memcmp(want, got, 32), 0);
	}
	gs_store_close(s);
}
END_TEST

/* An empty journal has head seq 0, time 0 and a zero hash. */
START_TEST(empty_head)
{
	gs_store *s;
	gs_head h;
	gs_err e;

	memset(&h, 0xff, sizeof h);
	ck_assert_int_eq(gs_store_open(NULL, GS_OPEN_TEMP, &s, &e), GS_OK);
	ck_assert_int_eq(gs_journal_head(s, &h, &e), GS_OK);
	ck_assert_int_eq(h.seq, 0);
	ck_assert_int_eq(h.time, 0);
	for (int i = 0; i < 32; i++)
		ck_assert_int_eq(h.hash[i], 0);
	gs_store_close(s);
}
END_TEST

/* Effective time = max(tx time, head time): journal time never goes back,
 * and the command sees the effective time. */
START_TEST(effective_time)
{
	gs_key admin, alice, bob, carol;
	gs_store *s = setup(&admin, &alice, &bob);
	json_t *out = NULL;
	int64_t t = 0, seq;
	gs_head h;
	gs_err e;

	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "bob", "amount", 1), TH_T0 + 100, NULL, &e), GS_OK);
	ck_assert_int_eq(gs_journal_head(s, &h, &e), GS_OK);
	ck_assert_int_eq(h.time, TH_T0 + 100);
	seq = h.seq;

	/* an older tx time: the journal keeps the head time */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "bob", "amount", 1), TH_T0 - 500, NULL, &e), GS_OK);
	ck_assert_int_eq(gs_query_int(s, &e, &t, "SELECT time FROM journal WHERE seq = ?",
				      "i", seq + 1), 1);
	ck_assert_int_eq(t, TH_T0 + 100);
	/* the tx text keeps its own time */
	ck_assert_int_eq(gs_query_int(s, &e, &t, "SELECT count(*) FROM journal WHERE seq = ? "
				      "AND tx LIKE '%\"time\":1795600300%'", "i", seq + 1), 1);
	ck_assert_int_eq(t, 1);

	/* the command sees the effective time: a late register is created then */
	{
		char pk64[64];
		th_key("carol", &carol);
		gs_b64(carol.pk, GS_PK_BYTES, pk64, sizeof pk64);
		ck_assert_int_eq(th_apply(s, &carol, "account.register", json_pack("{s:s}",
					  "pubkey", pk64), TH_T0 - 1000, &out, &e), GS_OK);
		ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(out, 0),
								    "created")), TH_T0 + 100);
		json_decref(out);
	}
	/* a newer time moves the head forward */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "bob", "amount", 1), TH_T0 + 200, NULL, &e), GS_OK);
	ck_assert_int_eq(gs_journal_head(s, &h, &e), GS_OK);
	ck_assert_int_eq(h.time, TH_T0 + 200);
	gs_store_close(s);
}
END_TEST

/* Rejections: unknown command, missing role, unregistered actor, bad
 * signature, genesis twice, no genesis; none leaves a trace. */
START_TEST(rejections)
{
	gs_key admin, alice, bob, mallory;
	gs_store *s = setup(&admin, &alice, &bob);
	unsigned char d1[32], d2[32];
	int64_t rows = th_journal_rows(s);
	json_t *tx;
	int status;
	gs_err e;

	digest(s, d1);
	ck_assert_int_eq(th_apply(s, &alice, "token.steal", json_pack("{s:i}", "amount", 1),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "field \"cmd\": unknown command 'token.steal'"));
	ck_assert_int_eq(th_apply(s, &alice, "token.mint", json_pack("{s:s,s:i}", "to", "alice",
				  "amount", 1), TH_T0, NULL, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "'alice' lacks role 'minter' for token.mint");
	th_key("mallory", &mallory);
	ck_assert_int_eq(th_apply(s, &mallory, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "bob", "amount", 1), TH_T0, NULL, &e), GS_EPERM);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a registered signing account"));
	/* system accounts cannot sign */
	{
		gs_key tre;
		th_key("treasury", &tre);
		ck_assert_int_eq(th_apply(s, &tre, "token.transfer", json_pack("{s:s,s:i}", "to",
					  "bob", "amount", 0), TH_T0, NULL, &e), GS_EPERM);
	}
	/* mallory signs as alice */
	tx = gs_tx_new("m1", "token.transfer", "alice", TH_T0,
		       json_pack("{s:s,s:i}", "to", "mallory", "amount", 500));
	ck_assert_int_eq(gs_tx_sign(tx, &mallory, &e), GS_OK);
	ck_assert_int_eq(gs_tx_apply(s, tx, &status, NULL, NULL, &e), GS_EPERM);
	ck_assert_str_eq(e.msg, "bad signature");
	json_decref(tx);
	/* the failing command itself: nothing applied, no row */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "bob", "amount", 1001), TH_T0, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "nobody", "amount", 1), TH_T0, NULL, &e), GS_EINPUT);
	/* a second genesis */
	ck_assert_int_eq(th_apply(s, &admin, "genesis", gs_genesis_args(&admin, 6, "GST", 900),
				  TH_T0, NULL, &e), GS_EREFUSED);
	ck_assert_int_eq(th_journal_rows(s), rows);
	digest(s, d2);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);
	gs_store_close(s);

	/* no genesis yet */
	ck_assert_int_eq(gs_store_open(NULL, GS_OPEN_TEMP, &s, &e), GS_OK);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "bob", "amount", 1), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, "no genesis"));
	ck_assert_int_eq(th_journal_rows(s), 0);
	gs_store_close(s);
}
END_TEST

/* A failing item of a batch is named by e.item (1-based); a single-item
 * error has item 0; nothing of the batch is applied. */
START_TEST(batch_item_error)
{
	gs_key admin, alice, bob;
	gs_store *s = setup(&admin, &alice, &bob);
	unsigned char d1[32], d2[32];
	int64_t rows = th_journal_rows(s);
	gs_err e;

	digest(s, d1);
	e.item = 99;
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[{s:s,s:i},"
				  "{s:s,s:i},{s:s,s:i}]}", "items", "to", "bob", "amount", 1,
				  "to", "nobody", "amount", 1, "to", "bob", "amount", 1),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 2);
	ck_assert_str_eq(e.msg, "unknown account 'nobody'");
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[{s:s,s:i},"
				  "{s:s,s:i},{s:s,s:i}]}", "items", "to", "bob", "amount", 1,
				  "to", "bob", "amount", 1, "to", "bob", "amount", 0),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 3);
	ck_assert_str_eq(e.msg, "field \"amount\": must be a positive integer");
	/* a non-object item */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[{s:s,s:i},i]}",
				  "items", "to", "bob", "amount", 1, 7), TH_T0, NULL, &e),
			 GS_EINPUT);
	ck_assert_int_eq(e.item, 2);
	/* items beside other fields, an empty list */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[{s:s,s:i}],s:i}",
				  "items", "to", "bob", "amount", 1, "amount", 1), TH_T0, NULL,
				  &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 0);
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[]}", "items"),
				  TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 0);
	/* single form */
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "nobody", "amount", 1), TH_T0, NULL, &e), GS_EINPUT);
	ck_assert_int_eq(e.item, 0);
	ck_assert_int_eq(th_journal_rows(s), rows);
	digest(s, d2);
	ck_assert_int_eq(memcmp(d1, d2, 32), 0);
	/* success clears the item */
	e.item = 5;
	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:[{s:s,s:i},"
				  "{s:s,s:i}]}", "items", "to", "bob", "amount", 1, "to", "bob",
				  "amount", 2), TH_T0, NULL, &e), GS_OK);
	ck_assert_int_eq(e.item, 0);
	ck_assert_int_eq(th_journal_rows(s), rows + 1);
	gs_store_close(s);
}
END_TEST

struct collected {
	int n;
	int64_t seqs[16];
	char cmds[16][32];
	int stop_after;
};

static int collect(json_t *rec, void *arg)
{
	struct collected *c = arg;

	if (c->n < 16) {
		c->seqs[c->n] = json_integer_value(json_object_get(rec, "seq"));
		snprintf(c->cmds[c->n], sizeof c->cmds[0], "%s",
			 json_string_value(json_object_get(rec, "cmd")));
		ck_assert_str_eq(json_string_value(json_object_get(rec, "type")), "tx");
		ck_assert_ptr_nonnull(json_object_get(json_object_get(rec, "tx"), "sig"));
	}
	c->n++;
	json_decref(rec);
	return c->stop_after && c->n >= c->stop_after;
}

/* gs_journal_each filters by actor, cmd, time and seq, oldest first. */
START_TEST(journal_each)
{
	gs_key admin, alice, bob;
	gs_store *s = setup(&admin, &alice, &bob);
	struct gs_log_filter all = { NULL, NULL, 0, INT64_MAX, 0 }, f;
	struct collected c;
	gs_err e;

	ck_assert_int_eq(th_apply(s, &alice, "token.transfer", json_pack("{s:s,s:i}", "to",
				  "bob", "amount", 1), TH_T0 + 60, NULL, &e), GS_OK);
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(gs_journal_each(s, &all, collect, &c, &e), GS_OK);
	ck_assert_int_eq(c.n, 5);
	ck_assert_str_eq(c.cmds[0], "genesis");
	ck_assert_str_eq(c.cmds[4], "token.transfer");
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(c.seqs[i], i + 1);

	f = all;
	f.actor = "alice";
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(gs_journal_each(s, &f, collect, &c, &e), GS_OK);
	ck_assert_int_eq(c.n, 2);
	ck_assert_int_eq(c.seqs[0], 2);
	ck_assert_int_eq(c.seqs[1], 5);

	f = all;
	f.cmd = "token.mint";
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(gs_journal_each(s, &f, collect, &c, &e), GS_OK);
	ck_assert_int_eq(c.n, 1);
	ck_assert_int_eq(c.seqs[0], 4);

	f = all;
	f.since = TH_T0 + 1;
	memset(&c, 0, sizeof c);
	ck_assert_int_eq(gs_journal_each(s, &f, collect, &c, &e), GS_OK);
	ck_assert_int_eq(c.n, 1);
	ck_assert_int_eq(c.seqs[0], 5);

	f = all;
	f.after = 3;
	memset(&c, 0, sizeof c);
	c.stop_after = 1;
	ck_assert_int_eq(gs_journal_each(s, &f, collect, &c, &e), GS_OK);
	ck_assert_int_eq(c.n, 1);
	ck_assert_int_eq(c.seqs[0], 4);
	gs_store_close(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, canonical_sorted_compact);
	tcase_add_test(tc, tx_new_canonical);
	tcase_add_test(tc, sign_and_verify);
	tcase_add_test(tc, altered_fields);
	tcase_add_test(tc, envelope_errors);
	tcase_add_test(tc, random_id);
	tcase_add_test(tc, cmd_find);
	tcase_add_test(tc, apply_duplicate);
	tcase_add_test(tc, chain_hash);
	tcase_add_test(tc, empty_head);
	tcase_add_test(tc, effective_time);
	tcase_add_test(tc, rejections);
	tcase_add_test(tc, batch_item_error);
	tcase_add_test(tc, journal_each);
	suite_add_tcase(s, tc);
	return th_run(s);
}
