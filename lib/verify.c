/* verify.c - chain and signature checks, invariants, replay and digests. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "gridset.h"
#include "internal.h"

/* Format a problem and hand it to report. */
static void problem(gs_report_fn report, void *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(gs_report_fn report, void *arg, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (report)
		report(msg, arg);
}

/* The journal row as the signed tx object (canonical + sig); NULL if the
 * stored text is not JSON. */
static json_t *row_tx(gs_stmt *st, int tx_col, int sig_col)
{
	return gs_signed_tx(gs_col_text(st, tx_col), gs_col_text(st, sig_col));
}

/* Public key that must have signed tx: from its args for genesis and
 * account.register, else the account's registered key. 1 ok, 0 none. */
static int row_signer(gs_store *s, json_t *tx, unsigned char pk[GS_PK_BYTES])
{
	const char *cmd = json_string_value(json_object_get(tx, "cmd"));
	const char *actor = json_string_value(json_object_get(tx, "actor"));

	if (!cmd || !actor)
		return 0;
	if (strcmp(cmd, "genesis") == 0 || strcmp(cmd, "account.register") == 0) {
		const char *pk64 = json_string_value(json_object_get(
			json_object_get(tx, "args"), "pubkey"));
		return pk64 && gs_unb64(pk64, pk, GS_PK_BYTES) == 0;
	}
	return gs_account_pubkey(s, actor, pk, NULL) == 1;
}

/* Check one journal row against its predecessor; count problems. */
static int check_row(gs_store *s, gs_stmt *st, gs_head *prev,
		     gs_report_fn report, void *arg)
{
	int64_t seq = gs_col_int(st, 0), time = gs_col_int(st, 2), txtime;
	unsigned char pk[GS_PK_BYTES], sig[GS_SIG_BYTES], hash[32];
	char hex[65];
	int bad = 0;
	json_t *tx = row_tx(st, 3, 4);
	gs_err e;

	if (seq != prev->seq + 1)
		bad++, problem(report, arg, "journal: seq %lld follows %lld",
			       (long long)seq, (long long)prev->seq);
	if (strcmp(gs_col_text(st, 5), gs_hex(prev->hash, 32, hex)) != 0)
		bad++, problem(report, arg, "journal #%lld: prev hash does not match",
			       (long long)seq);
	if (!tx || gs_unb64(gs_col_text(st, 4), sig, GS_SIG_BYTES) != 0) {
		problem(report, arg, "journal #%lld: tx is not readable", (long long)seq);
		json_decref(tx);
		return bad + 1;
	}
	gs_chain_hash(prev->hash, gs_col_text(st, 3), sig, hash);
	if (strcmp(gs_col_text(st, 6), gs_hex(hash, 32, hex)) != 0)
		bad++, problem(report, arg, "journal #%lld: hash does not match its "
			       "contents", (long long)seq);
	if (!row_signer(s, tx, pk) || gs_tx_verify_sig(tx, pk, &e) != GS_OK)
		bad++, problem(report, arg, "journal #%lld: signature does not verify",
			       (long long)seq);
	txtime = json_integer_value(json_object_get(tx, "time"));
	if (time != (txtime > prev->time ? txtime : prev->time))
		bad++, problem(report, arg, "journal #%lld: time %lld is not "
			       "max(tx time, previous time)", (long long)seq,
			       (long long)time);
	if (strcmp(gs_col_text(st, 1), json_string_value(json_object_get(tx, "id")) ?: ""))
		bad++, problem(report, arg, "journal #%lld: txid differs from the tx",
			       (long long)seq);
	json_decref(tx);
	prev->seq = seq;
	prev->time = time;
	/* chain on the stored hash, so one altered row is reported once */
	if (sodium_hex2bin(prev->hash, 32, gs_col_text(st, 6), 64, NULL, NULL, NULL))
		memcpy(prev->hash, hash, 32);
	return bad;
}

int gs_verify_chain(gs_store *s, gs_report_fn report, void *arg, gs_err *e)
{
	gs_stmt *st = gs_sql_once(s, "SELECT seq, txid, time, tx, sig, prev, hash "
				  "FROM journal ORDER BY seq", e);
	gs_head prev;
	int rc, bad = 0;

	if (!st)
		return e->code;
	memset(&prev, 0, sizeof prev);
	while ((rc = gs_step(st, e)) == 1)
		bad += check_row(s, st, &prev, report, arg);
	gs_stmt_free(st);
	if (rc < 0)
		return e->code;
	return bad ? gs_fail(e, GS_EREFUSED, "journal chain: %d problem%s", bad,
			     bad == 1 ? "" : "s") : GS_OK;
}

/* Invariants as queries that count violations. */
static const struct invariant {
	const char *what;
	const char *sql;
} invariants[] = {
	{ "supply: balances do not add up to minted - burned",
	  "SELECT count(*) FROM supply WHERE minted - burned <> "
	  "(SELECT coalesce(sum(available + locked), 0) FROM balances)" },
	{ "balances: negative available or locked amount",
	  "SELECT count(*) FROM balances WHERE available < 0 OR locked < 0" },
	{ "balances: locked differs from the sum of active locks",
	  "SELECT count(*) FROM balances b WHERE b.locked <> (SELECT "
	  "coalesce(sum(amount), 0) FROM locks l WHERE l.account = b.account "
	  "AND l.state = 'active')" },
	{ "locks: non-positive amount or inconsistent closing",
	  "SELECT count(*) FROM locks WHERE amount <= 0 OR "
	  "(state = 'active') <> (closed_seq IS NULL)" },
	{ "allowances: negative amount",
	  "SELECT count(*) FROM allowances WHERE amount < 0" },
	{ "vault: balance differs from the sum of all stake",
	  "SELECT count(*) FROM balances WHERE account = 'vault' AND "
	  "available + locked <> (SELECT coalesce(sum(staked), 0) FROM stakes)" },
	{ "stakes: locked differs from the sum of active stake locks",
	  "SELECT count(*) FROM stakes s WHERE s.locked <> (SELECT "
	  "coalesce(sum(amount), 0) FROM stake_locks l WHERE l.account = "
	  "s.account AND l.state = 'active')" },
	{ "stakes: unbonding differs from the sum of pending withdrawals",
	  "SELECT count(*) FROM stakes s WHERE s.unbonding <> (SELECT "
	  "coalesce(sum(amount), 0) FROM unbondings u WHERE u.account = "
	  "s.account AND u.state = 'pending')" },
	{ "stakes: negative amounts or locked + unbonding above staked",
	  "SELECT count(*) FROM stakes WHERE staked < 0 OR locked < 0 OR "
	  "unbonding < 0 OR debt < 0 OR locked + unbonding > staked" },
	{ "stake total: differs from the sum of all stakes",
	  "SELECT count(*) FROM stake_total t WHERE t.staked <> (SELECT "
	  "coalesce(sum(staked), 0) FROM stakes) OR t.locked <> (SELECT "
	  "coalesce(sum(locked), 0) FROM stakes) OR t.unbonding <> (SELECT "
	  "coalesce(sum(unbonding), 0) FROM stakes)" },
	{ "auction: a slot's buy or sell fills do not add up to its volume",
	  "SELECT count(*) FROM clearings c WHERE c.volume_wh <> (SELECT "
	  "coalesce(sum(f.qty_wh), 0) FROM orders o JOIN fills f ON f.order_id = "
	  "o.id WHERE o.slot = c.slot AND o.side = 'buy') OR c.volume_wh <> "
	  "(SELECT coalesce(sum(f.qty_wh), 0) FROM orders o JOIN fills f ON "
	  "f.order_id = o.id WHERE o.slot = c.slot AND o.side = 'sell')" },
	{ "auction: a fill beyond its order, outside its limit, or of an "
	  "order not in a cleared book",
	  "SELECT count(*) FROM fills f JOIN orders o ON o.id = f.order_id LEFT "
	  "JOIN clearings c ON c.slot = o.slot WHERE c.slot IS NULL OR o.state <> "
	  "'open' OR f.qty_wh > o.qty_wh OR (f.qty_wh > 0 AND ((o.side = 'buy' AND "
	  "o.price < c.price) OR (o.side = 'sell' AND o.price > c.price)))" },
	{ "auction: an open order of a cleared slot has no fill",
	  "SELECT count(*) FROM orders o JOIN clearings c ON c.slot = o.slot "
	  "WHERE o.state = 'open' AND NOT EXISTS (SELECT 1 FROM fills f WHERE "
	  "f.order_id = o.id)" },
	{ "auction: an escrow lock of an uncleared slot differs from its open "
	  "orders' escrow",
	  "SELECT count(*) FROM auction_locks a LEFT JOIN locks l ON l.id = "
	  "a.escrow_lock AND l.state = 'active' WHERE a.slot NOT IN (SELECT slot "
	  "FROM clearings) AND coalesce(l.amount, 0) <> (SELECT coalesce(sum("
	  "escrow), 0) FROM orders o WHERE o.slot = a.slot AND o.account = "
	  "a.account AND o.state = 'open')" },
	{ "auction: a collateral lock of an uncleared slot differs from its "
	  "open sells' collateral",
	  "SELECT count(*) FROM auction_locks a LEFT JOIN stake_locks k ON k.id "
	  "= a.collateral_lock AND k.state = 'active' WHERE a.slot NOT IN (SELECT "
	  "slot FROM clearings) AND coalesce(k.amount, 0) <> (SELECT coalesce(sum("
	  "collateral), 0) FROM orders o WHERE o.slot = a.slot AND o.account = "
	  "a.account AND o.state = 'open')" },
	{ "auction: an account with no fill in a cleared slot still holds its "
	  "locks",
	  "SELECT count(*) FROM auction_locks a JOIN clearings c ON c.slot = "
	  "a.slot WHERE (EXISTS (SELECT 1 FROM locks l WHERE l.id = a.escrow_lock "
	  "AND l.state = 'active') OR EXISTS (SELECT 1 FROM stake_locks k WHERE "
	  "k.id = a.collateral_lock AND k.state = 'active')) AND NOT EXISTS "
	  "(SELECT 1 FROM orders o JOIN fills f ON f.order_id = o.id WHERE o.slot "
	  "= a.slot AND o.account = a.account AND f.qty_wh > 0)" },
	{ "auction: a panel's offered quantity differs from its open sells",
	  "SELECT count(*) FROM panel_offers f LEFT JOIN (SELECT slot, panel, "
	  "account, sum(qty_wh) AS q FROM orders WHERE side = 'sell' AND state = "
	  "'open' GROUP BY slot, panel, account) o ON o.slot = f.slot AND o.panel "
	  "= f.panel AND o.account = f.account WHERE f.qty_wh <> coalesce(o.q, 0)" },
	{ "settlement: a slot's nets plus its dust do not sum to zero",
	  "SELECT count(*) FROM settlements t WHERE t.dust + (SELECT "
	  "coalesce(sum(net), 0) FROM positions p WHERE p.slot = t.slot) <> 0" },
	{ "settlement: an account of a settled slot still holds its locks",
	  "SELECT count(*) FROM auction_locks a JOIN settlements t ON t.slot = "
	  "a.slot AND t.state = 'final' WHERE EXISTS (SELECT 1 FROM locks l WHERE "
	  "l.id = a.escrow_lock AND l.state = 'active') OR EXISTS (SELECT 1 FROM "
	  "stake_locks k WHERE k.id = a.collateral_lock AND k.state = 'active')" },
	{ "settlement: a dispute's bond lock is open iff the dispute is",
	  "SELECT count(*) FROM disputes d JOIN locks l ON l.id = d.bond_lock "
	  "WHERE (d.state = 'open') <> (l.state = 'active')" },
	{ "governance: a proposal's tallies differ from its votes",
	  "SELECT count(*) FROM proposals p WHERE p.for_votes <> (SELECT "
	  "coalesce(sum(weight), 0) FROM votes v WHERE v.proposal = p.id AND "
	  "v.support = 'for') OR p.against_votes <> (SELECT coalesce(sum(weight), "
	  "0) FROM votes v WHERE v.proposal = p.id AND v.support = 'against') OR "
	  "p.abstain_votes <> (SELECT coalesce(sum(weight), 0) FROM votes v WHERE "
	  "v.proposal = p.id AND v.support = 'abstain')" },
	{ "stake locks: non-positive amount or inconsistent closing",
	  "SELECT count(*) FROM stake_locks WHERE amount <= 0 OR taken < 0 OR "
	  "taken > amount OR (state = 'active') <> (closed_seq IS NULL)" },
};

int gs_verify_invariants(gs_store *s, gs_report_fn report, void *arg,
			 gs_err *e)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof invariants / sizeof invariants[0]; i++) {
		int64_t n = 0;
		if (gs_query_int(s, e, &n, invariants[i].sql, "") < 0)
			return e->code;
		if (n > 0) {
			bad++;
			problem(report, arg, "invariant violated: %s (%lld row%s)",
				invariants[i].what, (long long)n, n == 1 ? "" : "s");
		}
	}
	return bad ? gs_fail(e, GS_EREFUSED, "%d invariant%s violated", bad,
			     bad == 1 ? "" : "s") : GS_OK;
}

/* Hash one column value, tagged with its type. */
static void hash_col(crypto_generichash_state *h, gs_stmt *st, int i)
{
	unsigned char t = (unsigned char)gs_col_type(st, i), le[8];
	const void *p = NULL;
	size_t n = 0;

	crypto_generichash_update(h, &t, 1);
	if (t == 'i') {
		uint64_t v = (uint64_t)gs_col_int(st, i);
		for (int k = 0; k < 8; k++)
			le[k] = (unsigned char)(v >> (8 * k));
		crypto_generichash_update(h, le, 8);
		return;
	}
	if (t == 't') {
		p = gs_col_text(st, i);
		n = strlen(p);
	} else if (t == 'b' || t == 'r') {
		p = gs_col_blob(st, i, &n);
	}
	for (int k = 0; k < 8; k++)
		le[k] = (unsigned char)((uint64_t)n >> (8 * k));
	crypto_generichash_update(h, le, 8);
	if (n)
		crypto_generichash_update(h, p, n);
}

/* SELECT * FROM t ORDER BY its key, uncached. */
static gs_stmt *table_scan(gs_store *s, const struct gs_state_table *t,
			   gs_err *e)
{
	char sql[256];

	snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", t->name,
		 t->order_by);
	return gs_sql_once(s, sql, e);
}

int gs_table_digest(gs_store *s, const struct gs_state_table *t,
		    unsigned char out[32], gs_err *e)
{
	crypto_generichash_state h;
	gs_stmt *st = table_scan(s, t, e);
	int rc;

	if (!st)
		return e->code;
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, (const unsigned char *)t->name,
				  strlen(t->name) + 1);
	while ((rc = gs_step(st, e)) == 1)
		for (int i = 0; i < gs_col_count(st); i++)
			hash_col(&h, st, i);
	gs_stmt_free(st);
	if (rc < 0)
		return e->code;
	crypto_generichash_final(&h, out, 32);
	return GS_OK;
}

/* Describe the current row as "col=value, ..." into buf. */
static void row_text(gs_stmt *st, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < gs_col_count(st) && used < n; i++) {
		int t = gs_col_type(st, i);
		int w;
		if (t == 'i')
			w = snprintf(buf + used, n - used, "%s%s=%lld", i ? " " : "",
				     gs_col_name(st, i), (long long)gs_col_int(st, i));
		else if (t == 't')
			w = snprintf(buf + used, n - used, "%s%s='%.60s'", i ? " " : "",
				     gs_col_name(st, i), gs_col_text(st, i));
		else
			w = snprintf(buf + used, n - used, "%s%s=%s", i ? " " : "",
				     gs_col_name(st, i), t == 'n' ? "null" : "?");
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* Report the first row where table t differs between a and b. */
static int first_difference(gs_store *a, gs_store *b,
			    const struct gs_state_table *t,
			    gs_report_fn report, void *arg, gs_err *e)
{
	gs_stmt *sa = table_scan(a, t, e), *sb = sa ? table_scan(b, t, e) : NULL;
	char ta[400], tb[400];
	int ra, rb;

	for (;;) {
		if (!sa || !sb)
			break;
		ra = gs_step(sa, e);
		rb = gs_step(sb, e);
		if (ra < 0 || rb < 0)
			break;
		ta[0] = tb[0] = '\0';
		if (ra == 1)
			row_text(sa, ta, sizeof ta);
		if (rb == 1)
			row_text(sb, tb, sizeof tb);
		if (ra == 0 && rb == 0)
			break;
		if (strcmp(ta, tb) != 0) {
			problem(report, arg, "table %s differs: file has %s%s%s, replay "
				"has %s%s%s", t->name, ra ? "{" : "no row", ta,
				ra ? "}" : "", rb ? "{" : "no row", tb, rb ? "}" : "");
			break;
		}
	}
	gs_stmt_free(sa);
	gs_stmt_free(sb);
	return GS_OK;
}

/* Apply every journal row of src to dst in order. */
static int replay_into(gs_store *src, gs_store *dst, gs_report_fn report,
		       void *arg, gs_err *e)
{
	gs_stmt *st = gs_sql_once(src, "SELECT seq, tx, sig FROM journal ORDER BY seq", e);
	int rc, status, bad = 0;

	if (!st)
		return e->code;
	while (!bad && (rc = gs_step(st, e)) == 1) {
		json_t *tx = row_tx(st, 1, 2);
		gs_err ae;
		if (!tx || gs_tx_apply(dst, tx, &status, NULL, NULL, &ae) ||
		    status != GS_APPLIED) {
			bad++;
			problem(report, arg, "replay: journal #%lld does not apply: %s",
				(long long)gs_col_int(st, 0), tx ? ae.msg : "unreadable");
		}
		json_decref(tx);
	}
	gs_stmt_free(st);
	if (!bad && rc < 0)
		return e->code;
	return bad ? gs_fail(e, GS_EREFUSED, "replay failed") : GS_OK;
}

int gs_verify_replay(gs_store *s, gs_report_fn report, void *arg, gs_err *e)
{
	gs_store *r;
	gs_head ha, hb;
	int bad = 0;

	if (gs_store_open(NULL, GS_OPEN_TEMP, &r, e))
		return e->code;
	if (replay_into(s, r, report, arg, e)) {
		gs_store_close(r);
		return e->code;
	}
	if (gs_journal_head(s, &ha, e) || gs_journal_head(r, &hb, e))
		goto fail;
	if (memcmp(ha.hash, hb.hash, 32) != 0)
		bad++, problem(report, arg, "replay: journal head differs");
	for (const struct gs_state_table *t = gs_state_tables; t->name; t++) {
		unsigned char da[32], db[32];
		if (gs_table_digest(s, t, da, e) || gs_table_digest(r, t, db, e))
			goto fail;
		if (memcmp(da, db, 32) != 0) {
			bad++;
			if (first_difference(s, r, t, report, arg, e))
				goto fail;
		}
	}
	gs_store_close(r);
	return bad ? gs_fail(e, GS_EREFUSED, "replay differs from the state file "
			     "in %d place%s", bad, bad == 1 ? "" : "s") : GS_OK;
fail:
	gs_store_close(r);
	return e->code;
}

int gs_state_digest(gs_store *s, unsigned char out[32], gs_err *e)
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, 32);
	for (const struct gs_state_table *t = gs_state_tables; t->name; t++) {
		unsigned char d[32];
		if (gs_table_digest(s, t, d, e))
			return e->code;
		crypto_generichash_update(&h, d, 32);
	}
	crypto_generichash_final(&h, out, 32);
	return GS_OK;
}
