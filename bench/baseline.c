/* baseline.c - raw SQLite + jansson baselines for the benchmarks in bench/.
 *
 * Each mode does the storage work of one benchmarked GRIDSET operation and
 * nothing else: no libgridset, no signature, no journal row, no hash chain.
 * The connection uses WAL and synchronous=NORMAL like lib/store.c.
 *
 * token.transfer (bench/transfers.sh). It reads NDJSON lines
 * {"to":NAME,"amount":INT} from stdin, parses each with jansson, and in
 * ONE transaction runs a prepared
 *     UPDATE balances SET available = available + ? WHERE account = ?
 * per line (checking one row changed), then one aggregated debit of the
 * sender, then commits. The table has the same columns, primary key and
 * CHECK constraints as balances in lib/schema.c (the REFERENCES accounts
 * clause is left out: SQLite does not check it when the key column is not
 * updated).
 *
 * Oracle readings (bench/oracle.sh). Ingest reads NDJSON lines
 * {"panel":INT,"slot":INT,"wh":INT}, parses each with jansson, checks the
 * fields, and runs per line the same upsert gs-oracle report runs,
 *     INSERT INTO oracle_reports (slot, panel, oracle, wh, seq, time)
 *     VALUES (...) ON CONFLICT (slot, panel, oracle) DO UPDATE SET ...
 * committing every --chunk lines (default 1000: one transaction per signed
 * tx of the benchmark), and registers each new slot in oracle_slots.
 * Finalize, in one transaction, reads each open slot's reports in key order
 * (slot, panel, oracle), takes the lower median of every panel's readings
 * (qsort by wh, then oracle), counts and flags the readings further than
 * --tolerance-bps from it, inserts one production row per panel (final, or
 * unverified below --quorum reports) and marks the slot final. The tables
 * oracle_reports, oracle_slots and production, their primary keys,
 * secondary indexes, CHECK and REFERENCES clauses are those of lib/schema.c;
 * the parents (accounts, panels) hold only the columns the benchmark needs;
 * foreign_keys=ON as in lib/store.c, so every insert checks its panel and
 * oracle exist, as gs does.
 *
 * Auction orders (bench/auction.sh). The seed database holds the table
 * orders with the columns, CHECK and REFERENCES clauses and the three
 * secondary indexes (orders_slot, orders_account, orders_panel) of
 * lib/schema.c, the table
 * clearings, and parents accounts (t0..t{T-1}) and panels (panel k+1
 * owned by tk), with foreign_keys=ON as in lib/store.c. Ingest reads NDJSON
 * lines {"slot","side","price","qty_wh","panel"?}, parses each with
 * jansson, checks the fields, and inserts one order row per line (id =
 * line number, state 'open', account t{(line-1)/chunk mod T}: the actor of
 * the signed tx the line belongs to in the benchmark), committing every
 * --chunk lines. Clear, in one transaction, reads the open orders of the
 * slot (SELECT ... WHERE slot = ? AND state = 'open' ORDER BY id, as gs
 * does), clears them by the rule of DESIGN 9 (written out here, nothing is
 * linked from lib/: sort each side by price then entry, greedy match, price
 * interval, P = lo + floor((hi - lo) / 2), the orders at P share the rest
 * pro rata by largest remainder, ties to the earlier entry), runs one
 * UPDATE orders SET state = 'cleared', fill_wh = ? WHERE id = ? per order,
 * inserts the clearings row and commits. It does no escrow or collateral
 * locks, no signature, no journal row.
 *
 * Settlement (bench/settle.sh). It runs on a copy of the very state gs
 * settles (the schema of lib/schema.c with its indexes and rows: a slot
 * cleared and its oracle data final), in ONE transaction: reads the
 * clearing, the slot's filled orders (orders JOIN fills, entry order, the
 * query lib/settle.c runs), each participant's escrow and collateral lock
 * (auction_locks joined with locks and stake_locks) and, in one scan in
 * panel order, the slot's final production rows; computes every position
 * by the rule of DESIGN 8 (written out here, nothing linked from lib/:
 * sellers per panel, delivered = min(sold, production) pro rata to fills,
 * no final row = void; buyers' delivered and missed parts and the
 * compensation by largest remainder, ties to the earlier order; payments
 * rounded up, receipts down; penalty = ceil(shortfall x P x penalty_bps /
 * 10^7) as far as collateral + free + unbonding stake cover it, read from
 * the stake row of each seller with a shortfall; the rest debt); writes one
 * positions row per participant and the settlements row. Without
 * --compute it also, per participant in name order, closes its escrow
 * lock (consumed when it paid, else released) and updates its balance row
 * once (available += escrow - paid + received + compensation, locked -=
 * escrow); per seller with collateral or a penalty, closes its collateral
 * lock (taken = what it gave), takes the rest from free stake, then from
 * pending unbondings, newest first, and updates its stake row once (the
 * rest is debt) and inserts one stake checkpoint; then the stake total and
 * its checkpoint, the vault (- penalties) and the treasury (dust +
 * penalties - compensation). Its end state is the one gs-settle finalize
 * leaves (bench/settle.sh compares them), but with one statement per row
 * instead of gs's several (gs: a lock read and close, a balance update and
 * an adjust, five stake statements per change, the positions written at
 * compute and again at finalize), no signature, no journal row.
 *
 * Build:  cc -O2 bench/baseline.c $(pkg-config --cflags --libs sqlite3 jansson) -o bench/baseline
 * Use:    bench/baseline DB --seed N [--sender NAME]   create DB, seed a0..a{N-1} + sender
 *         bench/baseline DB [--sender NAME] < lines.ndjson   apply the batch
 *         bench/baseline oracle DB --seed PANELS [--oracle NAME]
 *                 create the oracle tables, PANELS panels of 5 kW, the oracle
 *         bench/baseline oracle DB [--chunk 1000] [--oracle NAME] [--time T] < readings.ndjson
 *                 ingest; prints {"items":N,"txs":T,"slots":S,"wh":SUM}
 *         bench/baseline oracle DB --finalize [--quorum 1] [--tolerance-bps 500] [--time T]
 *                 finalize every open slot; prints
 *                 {"slots":S,"panels":P,"final":F,"unverified":U,"flags":X,"wh":SUM of medians}
 *         bench/baseline auction DB --seed TRADERS
 *                 create the auction tables, accounts t0.., one panel each
 *         bench/baseline auction DB [--chunk 1000] [--traders 1000] [--time T] < orders.ndjson
 *                 ingest; prints {"items":N,"txs":T,"buys":B,"sells":S,"buy_wh":..,"sell_wh":..}
 *         bench/baseline auction DB --clear SLOT [--time T]
 *                 clear the slot; prints {"orders":N,"price":P|null,"volume_wh":V,
 *                 "lo":..,"hi":..,"filled":orders with a fill,"fill_sum":sum of fills,
 *                 "fill_check":sum of id x fill}
 *         bench/baseline settle DB --slot SLOT [--time T] [--seq S] [--compute]
 *                 settle the slot (--compute: positions only); seq (closed_seq,
 *                 checkpoints, computed_seq) defaults to the journal head + 1;
 *                 prints {"participants":N,"orders":O,"price":P,"delivered_wh":..,
 *                 "shortfall_wh":..,"void_wh":..,"penalties":..,"dust":..,"debt":..,
 *                 "net_sum":sum of nets,"seq":..}
 * Exit 0 on success; 1 on any error (message on stderr); 2 on usage.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sqlite3.h>

#define SENDER_FUNDS 1000000000000000000LL	/* 10^18 base units */

static sqlite3 *db;

static void die(const char *what)
{
	fprintf(stderr, "baseline: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
	exit(1);
}

static void exec(const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "baseline: %s: %s\n", sql, msg ? msg : "error");
		exit(1);
	}
}

static sqlite3_stmt *prepare(const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(sql);
	return st;
}

static void seed(long n, const char *sender)
{
	sqlite3_stmt *ins;
	char name[32];

	exec("CREATE TABLE balances ("
	     "  account TEXT PRIMARY KEY,"
	     "  available BIGINT NOT NULL CHECK (available >= 0),"
	     "  locked BIGINT NOT NULL CHECK (locked >= 0))");
	exec("BEGIN IMMEDIATE");
	ins = prepare("INSERT INTO balances (account, available, locked) "
		      "VALUES (?, ?, 0)");
	for (long i = -1; i < n; i++) {
		if (i < 0)
			snprintf(name, sizeof name, "%s", sender);
		else
			snprintf(name, sizeof name, "a%ld", i);
		sqlite3_bind_text(ins, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 2, i < 0 ? SENDER_FUNDS : 0);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die("seed insert");
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	exec("COMMIT");
}

static void transfer(const char *sender)
{
	sqlite3_stmt *credit, *debit;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0, items = 0;
	int64_t total = 0;

	exec("BEGIN IMMEDIATE");
	credit = prepare("UPDATE balances SET available = available + ? "
			 "WHERE account = ?");
	debit = prepare("UPDATE balances SET available = available - ? "
			"WHERE account = ? AND available >= ?");
	while ((len = getline(&line, &cap, stdin)) != -1) {
		json_error_t jerr;
		json_t *obj, *to, *amount;
		json_int_t a;

		lineno++;
		if (len <= 1)	/* blank line */
			continue;
		obj = json_loadb(line, (size_t)len, 0, &jerr);
		if (!obj) {
			fprintf(stderr, "baseline: line %ld: %s\n", lineno, jerr.text);
			exit(1);
		}
		to = json_object_get(obj, "to");
		amount = json_object_get(obj, "amount");
		if (!json_is_object(obj) || json_object_size(obj) != 2 ||
		    !json_is_string(to) || json_string_length(to) > 32 ||
		    !json_is_integer(amount) || (a = json_integer_value(amount)) < 1) {
			fprintf(stderr, "baseline: line %ld: bad item\n", lineno);
			exit(1);
		}
		sqlite3_bind_int64(credit, 1, a);
		sqlite3_bind_text(credit, 2, json_string_value(to),
				  (int)json_string_length(to), SQLITE_STATIC);
		if (sqlite3_step(credit) != SQLITE_DONE)
			die("credit");
		if (sqlite3_changes(db) != 1) {
			fprintf(stderr, "baseline: line %ld: unknown account '%s'\n",
				lineno, json_string_value(to));
			exit(1);
		}
		sqlite3_reset(credit);
		json_decref(obj);
		if (a > INT64_MAX - total) {
			fprintf(stderr, "baseline: batch total overflows\n");
			exit(1);
		}
		total += a;
		items++;
	}
	free(line);
	if (items == 0) {
		fprintf(stderr, "baseline: no items on standard input\n");
		exit(1);
	}
	sqlite3_bind_int64(debit, 1, total);
	sqlite3_bind_text(debit, 2, sender, -1, SQLITE_STATIC);
	sqlite3_bind_int64(debit, 3, total);
	if (sqlite3_step(debit) != SQLITE_DONE)
		die("debit");
	if (sqlite3_changes(db) != 1) {
		fprintf(stderr, "baseline: insufficient balance\n");
		exit(1);
	}
	sqlite3_finalize(credit);
	sqlite3_finalize(debit);
	exec("COMMIT");
	printf("{\"items\":%ld,\"total\":%" PRId64 "}\n", items, total);
}

/* ---- oracle readings ---- */

#define PANEL_CAPACITY_W 5000

/* Create the oracle tables as in lib/schema.c (migration 3), with parents
 * that hold npanels panels and the oracle account. */
static void oracle_seed(long npanels, const char *oracle)
{
	sqlite3_stmt *ins;

	exec("CREATE TABLE accounts ("
	     "  name TEXT PRIMARY KEY,"
	     "  kind TEXT NOT NULL)");
	exec("CREATE TABLE panels ("
	     "  id INTEGER PRIMARY KEY,"
	     "  owner TEXT NOT NULL REFERENCES accounts (name),"
	     "  capacity_w BIGINT NOT NULL CHECK (capacity_w > 0),"
	     "  status TEXT NOT NULL CHECK (status IN ('active', 'retired')))");
	exec("CREATE TABLE oracle_reports ("
	     "  slot BIGINT NOT NULL,"
	     "  panel BIGINT NOT NULL REFERENCES panels (id),"
	     "  oracle TEXT NOT NULL REFERENCES accounts (name),"
	     "  wh BIGINT NOT NULL CHECK (wh >= 0),"
	     "  seq BIGINT NOT NULL,"
	     "  time BIGINT NOT NULL,"
	     "  flagged INTEGER NOT NULL DEFAULT 0,"
	     "  PRIMARY KEY (slot, panel, oracle))");
	exec("CREATE INDEX oracle_reports_oracle ON oracle_reports (oracle, slot)");
	exec("CREATE TABLE oracle_slots ("
	     "  slot BIGINT PRIMARY KEY,"
	     "  final INTEGER NOT NULL,"
	     "  finalized_seq BIGINT,"
	     "  finalized_at BIGINT)");
	exec("CREATE TABLE production ("
	     "  slot BIGINT NOT NULL,"
	     "  panel BIGINT NOT NULL REFERENCES panels (id),"
	     "  wh BIGINT CHECK (wh >= 0),"
	     "  reports BIGINT NOT NULL,"
	     "  status TEXT NOT NULL CHECK (status IN ('final', 'unverified')),"
	     "  PRIMARY KEY (slot, panel))");
	exec("CREATE INDEX production_panel ON production (panel, slot)");
	exec("BEGIN IMMEDIATE");
	ins = prepare("INSERT INTO accounts (name, kind) VALUES (?, 'user')");
	sqlite3_bind_text(ins, 1, oracle, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE)
		die("seed account");
	sqlite3_finalize(ins);
	exec("INSERT INTO accounts (name, kind) VALUES ('owner', 'user')");
	ins = prepare("INSERT INTO panels (id, owner, capacity_w, status) "
		      "VALUES (?, 'owner', ?, 'active')");
	for (long i = 1; i <= npanels; i++) {
		sqlite3_bind_int64(ins, 1, i);
		sqlite3_bind_int64(ins, 2, PANEL_CAPACITY_W);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die("seed panel");
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	exec("COMMIT");
}

/* Integer field name of obj in [lo, hi], or exit naming the line. */
static int64_t int_field(json_t *obj, const char *name, int64_t lo,
			 long lineno)
{
	json_t *v = json_object_get(obj, name);
	json_int_t x;

	if (!json_is_integer(v) || (x = json_integer_value(v)) < lo) {
		fprintf(stderr, "baseline: line %ld: field \"%s\": bad value\n",
			lineno, name);
		exit(1);
	}
	return x;
}

/* Ingest readings, one transaction per chunk lines. */
static void oracle_ingest(const char *oracle, long chunk, int64_t now)
{
	sqlite3_stmt *ins, *slot_ins;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0, items = 0, txs = 0, slots = 0, in_tx = 0;
	int64_t total = 0, last_slot = -1;

	ins = prepare("INSERT INTO oracle_reports (slot, panel, oracle, wh, seq, "
		      "time) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (slot, panel, "
		      "oracle) DO UPDATE SET wh = excluded.wh, seq = excluded.seq, "
		      "time = excluded.time");
	slot_ins = prepare("INSERT INTO oracle_slots (slot, final) VALUES (?, 0) "
			   "ON CONFLICT (slot) DO NOTHING");
	while ((len = getline(&line, &cap, stdin)) != -1) {
		json_error_t jerr;
		json_t *obj;
		int64_t panel, slot, wh;

		lineno++;
		if (len <= 1)	/* blank line */
			continue;
		obj = json_loadb(line, (size_t)len, 0, &jerr);
		if (!obj) {
			fprintf(stderr, "baseline: line %ld: %s\n", lineno, jerr.text);
			exit(1);
		}
		if (!json_is_object(obj) || json_object_size(obj) != 3) {
			fprintf(stderr, "baseline: line %ld: bad item\n", lineno);
			exit(1);
		}
		panel = int_field(obj, "panel", 1, lineno);
		slot = int_field(obj, "slot", 0, lineno);
		wh = int_field(obj, "wh", 0, lineno);
		json_decref(obj);
		if (in_tx == 0) {
			exec("BEGIN IMMEDIATE");
			txs++;
		}
		sqlite3_bind_int64(ins, 1, slot);
		sqlite3_bind_int64(ins, 2, panel);
		sqlite3_bind_text(ins, 3, oracle, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 4, wh);
		sqlite3_bind_int64(ins, 5, txs);
		sqlite3_bind_int64(ins, 6, now);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die("insert report");
		sqlite3_reset(ins);
		if (slot != last_slot) {
			sqlite3_bind_int64(slot_ins, 1, slot);
			if (sqlite3_step(slot_ins) != SQLITE_DONE)
				die("insert slot");
			slots += sqlite3_changes(db);
			sqlite3_reset(slot_ins);
			last_slot = slot;
		}
		total += wh;
		items++;
		if (++in_tx == chunk) {
			exec("COMMIT");
			in_tx = 0;
		}
	}
	if (in_tx)
		exec("COMMIT");
	free(line);
	if (items == 0) {
		fprintf(stderr, "baseline: no items on standard input\n");
		exit(1);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(slot_ins);
	printf("{\"items\":%ld,\"txs\":%ld,\"slots\":%ld,\"wh\":%" PRId64 "}\n",
	       items, txs, slots, total);
}

struct reading {
	int64_t wh;
	char oracle[33];
};

static int cmp_reading(const void *a, const void *b)
{
	const struct reading *x = a, *y = b;

	if (x->wh != y->wh)
		return x->wh < y->wh ? -1 : 1;
	return strcmp(x->oracle, y->oracle);
}

struct fin {
	sqlite3_stmt *prod, *flag;
	struct reading *r;
	size_t nr, cap;
	long panels, final, flags;
	int64_t quorum, tolerance_bps, total;
};

/* Close one panel-slot: lower median, flags, production row. */
static void close_panel(struct fin *f, int64_t slot, int64_t panel)
{
	int64_t n = (int64_t)f->nr, median;

	f->panels++;
	sqlite3_bind_int64(f->prod, 1, slot);
	sqlite3_bind_int64(f->prod, 2, panel);
	sqlite3_bind_int64(f->prod, 4, n);
	if (n < f->quorum) {
		sqlite3_bind_null(f->prod, 3);
		sqlite3_bind_text(f->prod, 5, "unverified", -1, SQLITE_STATIC);
	} else {
		qsort(f->r, f->nr, sizeof *f->r, cmp_reading);
		median = f->r[(n - 1) / 2].wh;
		for (size_t i = 0; i < f->nr; i++) {
			__int128 d = (__int128)f->r[i].wh - median;
			if (d < 0)
				d = -d;
			if (d * 10000 <= (__int128)f->tolerance_bps * median)
				continue;
			sqlite3_bind_int64(f->flag, 1, slot);
			sqlite3_bind_int64(f->flag, 2, panel);
			sqlite3_bind_text(f->flag, 3, f->r[i].oracle, -1, SQLITE_STATIC);
			if (sqlite3_step(f->flag) != SQLITE_DONE)
				die("flag");
			sqlite3_reset(f->flag);
			f->flags++;
		}
		sqlite3_bind_int64(f->prod, 3, median);
		sqlite3_bind_text(f->prod, 5, "final", -1, SQLITE_STATIC);
		f->final++;
		f->total += median;
	}
	if (sqlite3_step(f->prod) != SQLITE_DONE)
		die("insert production");
	sqlite3_reset(f->prod);
}

/* Finalize every open slot in one transaction. */
static void oracle_finalize(int64_t quorum, int64_t tolerance_bps, int64_t now)
{
	sqlite3_stmt *slots, *scan, *done;
	struct fin f = { 0 };
	long nslots = 0;
	int rc;

	f.quorum = quorum;
	f.tolerance_bps = tolerance_bps;
	exec("BEGIN IMMEDIATE");
	slots = prepare("SELECT slot FROM oracle_slots WHERE final = 0 ORDER BY slot");
	scan = prepare("SELECT panel, oracle, wh FROM oracle_reports WHERE slot = ? "
		       "ORDER BY panel, oracle");
	done = prepare("UPDATE oracle_slots SET final = 1, finalized_seq = 1, "
		       "finalized_at = ? WHERE slot = ?");
	f.prod = prepare("INSERT INTO production (slot, panel, wh, reports, status) "
			 "VALUES (?, ?, ?, ?, ?)");
	f.flag = prepare("UPDATE oracle_reports SET flagged = 1 WHERE slot = ? AND "
			 "panel = ? AND oracle = ?");
	while ((rc = sqlite3_step(slots)) == SQLITE_ROW) {
		int64_t slot = sqlite3_column_int64(slots, 0), cur = 0;

		nslots++;
		f.nr = 0;
		sqlite3_bind_int64(scan, 1, slot);
		while ((rc = sqlite3_step(scan)) == SQLITE_ROW) {
			int64_t panel = sqlite3_column_int64(scan, 0);
			if (panel != cur && f.nr > 0) {
				close_panel(&f, slot, cur);
				f.nr = 0;
			}
			cur = panel;
			if (f.nr == f.cap) {
				f.cap = f.cap ? 2 * f.cap : 16;
				f.r = realloc(f.r, f.cap * sizeof *f.r);
				if (!f.r) {
					fprintf(stderr, "baseline: out of memory\n");
					exit(1);
				}
			}
			f.r[f.nr].wh = sqlite3_column_int64(scan, 2);
			snprintf(f.r[f.nr++].oracle, 33, "%s",
				 (const char *)sqlite3_column_text(scan, 1));
		}
		if (rc != SQLITE_DONE)
			die("scan");
		sqlite3_reset(scan);
		if (f.nr > 0)
			close_panel(&f, slot, cur);
		sqlite3_bind_int64(done, 1, now);
		sqlite3_bind_int64(done, 2, slot);
		if (sqlite3_step(done) != SQLITE_DONE)
			die("mark final");
		sqlite3_reset(done);
	}
	if (rc != SQLITE_DONE)
		die("slots");
	sqlite3_finalize(slots);
	sqlite3_finalize(scan);
	sqlite3_finalize(done);
	sqlite3_finalize(f.prod);
	sqlite3_finalize(f.flag);
	free(f.r);
	exec("COMMIT");
	if (nslots == 0) {
		fprintf(stderr, "baseline: no open slot\n");
		exit(1);
	}
	printf("{\"slots\":%ld,\"panels\":%ld,\"final\":%ld,\"unverified\":%ld,"
	       "\"flags\":%ld,\"wh\":%" PRId64 "}\n", nslots, f.panels, f.final,
	       f.panels - f.final, f.flags, f.total);
}

static void open_db(const char *path)
{
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		die("open");
	exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
}

static int oracle_usage(void)
{
	fprintf(stderr, "usage: baseline oracle DB --seed PANELS [--oracle NAME]\n"
		"       baseline oracle DB [--chunk N] [--oracle NAME] [--time T] < readings\n"
		"       baseline oracle DB --finalize [--quorum Q] [--tolerance-bps B] [--time T]\n");
	return 2;
}

static int oracle_main(int argc, char **argv)
{
	const char *path = NULL, *oracle = "oracle1";
	long npanels = -1, chunk = 1000;
	int64_t quorum = 1, tolerance = 500, now = 0;
	int finalize = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			npanels = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--oracle") == 0 && i + 1 < argc)
			oracle = argv[++i];
		else if (strcmp(argv[i], "--chunk") == 0 && i + 1 < argc)
			chunk = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
			now = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--quorum") == 0 && i + 1 < argc)
			quorum = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--tolerance-bps") == 0 && i + 1 < argc)
			tolerance = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--finalize") == 0)
			finalize = 1;
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			return oracle_usage();
	}
	if (!path || chunk < 1 || quorum < 1 || tolerance < 0)
		return oracle_usage();
	open_db(path);
	exec("PRAGMA foreign_keys=ON;");
	if (npanels >= 0)
		oracle_seed(npanels, oracle);
	else if (finalize)
		oracle_finalize(quorum, tolerance, now);
	else
		oracle_ingest(oracle, chunk, now);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close");
	return 0;
}

/* ---- auction orders ---- */

#define TRADER_PANEL_W 8000000	/* 8 MW: 2 MWh in a 900 s slot */

/* Create the auction tables as in lib/schema.c (migration 4), with parents:
 * accounts t0..t{ntraders-1} and panel k+1 owned by tk. */
static void auction_seed(long ntraders)
{
	sqlite3_stmt *acc, *pan;
	char name[32];

	exec("CREATE TABLE accounts ("
	     "  name TEXT PRIMARY KEY,"
	     "  kind TEXT NOT NULL)");
	exec("CREATE TABLE panels ("
	     "  id INTEGER PRIMARY KEY,"
	     "  owner TEXT NOT NULL REFERENCES accounts (name),"
	     "  capacity_w BIGINT NOT NULL CHECK (capacity_w > 0),"
	     "  status TEXT NOT NULL CHECK (status IN ('active', 'retired')))");
	exec("CREATE TABLE orders ("
	     "  id INTEGER PRIMARY KEY,"
	     "  account TEXT NOT NULL REFERENCES accounts (name),"
	     "  slot BIGINT NOT NULL,"
	     "  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),"
	     "  price BIGINT NOT NULL,"
	     "  qty_wh BIGINT NOT NULL CHECK (qty_wh > 0),"
	     "  panel BIGINT REFERENCES panels (id),"
	     "  market INTEGER NOT NULL,"
	     "  escrow_lock BIGINT,"
	     "  collateral_lock BIGINT,"
	     "  state TEXT NOT NULL CHECK (state IN ('open', 'canceled', 'cleared')),"
	     "  fill_wh BIGINT,"
	     "  created_seq BIGINT NOT NULL,"
	     "  time BIGINT NOT NULL)");
	exec("CREATE INDEX orders_slot ON orders (slot, state)");
	exec("CREATE INDEX orders_account ON orders (account, slot)");
	exec("CREATE INDEX orders_panel ON orders (panel, slot, state)");
	exec("CREATE TABLE clearings ("
	     "  slot BIGINT PRIMARY KEY,"
	     "  price BIGINT,"
	     "  volume_wh BIGINT NOT NULL,"
	     "  lo BIGINT,"
	     "  hi BIGINT,"
	     "  orders BIGINT NOT NULL,"
	     "  seq BIGINT NOT NULL,"
	     "  time BIGINT NOT NULL)");
	exec("BEGIN IMMEDIATE");
	acc = prepare("INSERT INTO accounts (name, kind) VALUES (?, 'user')");
	pan = prepare("INSERT INTO panels (id, owner, capacity_w, status) "
		      "VALUES (?, ?, ?, 'active')");
	for (long i = 0; i < ntraders; i++) {
		snprintf(name, sizeof name, "t%ld", i);
		sqlite3_bind_text(acc, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(acc) != SQLITE_DONE)
			die("seed account");
		sqlite3_reset(acc);
		sqlite3_bind_int64(pan, 1, i + 1);
		sqlite3_bind_text(pan, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(pan, 3, TRADER_PANEL_W);
		if (sqlite3_step(pan) != SQLITE_DONE)
			die("seed panel");
		sqlite3_reset(pan);
	}
	sqlite3_finalize(acc);
	sqlite3_finalize(pan);
	exec("COMMIT");
}

/* Ingest orders, one transaction per chunk lines; line k (from 0) is an
 * order of trader (k / chunk) mod ntraders, as in the benchmark's txs. */
static void auction_ingest(long chunk, long ntraders, int64_t now)
{
	sqlite3_stmt *ins;
	char *line = NULL, account[32];
	size_t cap = 0;
	ssize_t len;
	long lineno = 0, items = 0, txs = 0, in_tx = 0, buys = 0, sells = 0;
	int64_t buy_wh = 0, sell_wh = 0;

	ins = prepare("INSERT INTO orders (id, account, slot, side, price, qty_wh, "
		      "panel, market, state, created_seq, time) VALUES (?, ?, ?, ?, "
		      "?, ?, ?, 0, 'open', ?, ?)");
	while ((len = getline(&line, &cap, stdin)) != -1) {
		json_error_t jerr;
		json_t *obj, *side, *pj;
		int64_t slot, price, qty, panel = 0;
		int sell;

		lineno++;
		if (len <= 1)	/* blank line */
			continue;
		obj = json_loadb(line, (size_t)len, 0, &jerr);
		if (!obj) {
			fprintf(stderr, "baseline: line %ld: %s\n", lineno, jerr.text);
			exit(1);
		}
		side = json_object_get(obj, "side");
		pj = json_object_get(obj, "panel");
		if (!json_is_object(obj) || !json_is_string(side) ||
		    (strcmp(json_string_value(side), "buy") != 0 &&
		     strcmp(json_string_value(side), "sell") != 0)) {
			fprintf(stderr, "baseline: line %ld: bad item\n", lineno);
			exit(1);
		}
		sell = json_string_value(side)[0] == 's';
		if (json_object_size(obj) != (size_t)(4 + sell) || sell != (pj != NULL)) {
			fprintf(stderr, "baseline: line %ld: bad fields\n", lineno);
			exit(1);
		}
		slot = int_field(obj, "slot", 0, lineno);
		price = int_field(obj, "price", INT64_MIN, lineno);
		qty = int_field(obj, "qty_wh", 1, lineno);
		if (sell)
			panel = int_field(obj, "panel", 1, lineno);
		if (in_tx == 0) {
			exec("BEGIN IMMEDIATE");
			txs++;
		}
		snprintf(account, sizeof account, "t%ld",
			 ((lineno - 1) / chunk) % ntraders);
		sqlite3_bind_int64(ins, 1, lineno);
		sqlite3_bind_text(ins, 2, account, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, slot);
		sqlite3_bind_text(ins, 4, sell ? "sell" : "buy", -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 5, price);
		sqlite3_bind_int64(ins, 6, qty);
		if (sell)
			sqlite3_bind_int64(ins, 7, panel);
		else
			sqlite3_bind_null(ins, 7);
		sqlite3_bind_int64(ins, 8, txs);
		sqlite3_bind_int64(ins, 9, now);
		json_decref(obj);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die("insert order");
		sqlite3_reset(ins);
		if (sell) {
			sells++;
			sell_wh += qty;
		} else {
			buys++;
			buy_wh += qty;
		}
		items++;
		if (++in_tx == chunk) {
			exec("COMMIT");
			in_tx = 0;
		}
	}
	if (in_tx)
		exec("COMMIT");
	free(line);
	if (items == 0) {
		fprintf(stderr, "baseline: no items on standard input\n");
		exit(1);
	}
	sqlite3_finalize(ins);
	printf("{\"items\":%ld,\"txs\":%ld,\"buys\":%ld,\"sells\":%ld,\"buy_wh\":%"
	       PRId64 ",\"sell_wh\":%" PRId64 "}\n", items, txs, buys, sells,
	       buy_wh, sell_wh);
}

struct order {
	int64_t id, price, qty, fill;
	int sell;
};

static int cmp_buy(const void *a, const void *b)
{
	const struct order *x = *(struct order *const *)a, *y = *(struct order *const *)b;

	if (x->price != y->price)
		return x->price > y->price ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_sell(const void *a, const void *b)
{
	const struct order *x = *(struct order *const *)a, *y = *(struct order *const *)b;

	if (x->price != y->price)
		return x->price < y->price ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

struct rem {
	struct order *o;
	__int128 r;
};

static int cmp_rem(const void *a, const void *b)
{
	const struct rem *x = a, *y = b;

	if (x->r != y->r)
		return x->r > y->r ? -1 : 1;
	return x->o->id < y->o->id ? -1 : x->o->id > y->o->id;
}

/* Fills of one side sorted best first at price p: orders strictly inside
 * fill in full; those at p share the rest of volume pro rata to quantity,
 * whole Wh by largest remainder, ties to the earlier entry. */
static void fill_at(struct order **s, size_t n, int64_t p, int buy,
		    __int128 volume)
{
	size_t first = n, k = 0;
	__int128 full = 0, q = 0, rest, given = 0;
	struct rem *r;

	for (size_t i = 0; i < n; i++) {
		int inside = buy ? s[i]->price > p : s[i]->price < p;
		s[i]->fill = inside ? s[i]->qty : 0;
		if (inside)
			full += s[i]->qty;
		else if (s[i]->price == p) {
			if (first == n)
				first = i;
			k++;
			q += s[i]->qty;
		}
	}
	rest = volume - full;
	if (k == 0 || rest == 0)
		return;
	r = malloc(k * sizeof *r);
	if (!r) {
		fprintf(stderr, "baseline: out of memory\n");
		exit(1);
	}
	/* the orders at p are contiguous in the sorted side */
	for (size_t i = 0; i < k; i++) {
		struct order *o = s[first + i];
		__int128 num = rest * o->qty;
		o->fill = (int64_t)(num / q);
		given += o->fill;
		r[i].o = o;
		r[i].r = num % q;
	}
	qsort(r, k, sizeof *r, cmp_rem);
	for (size_t i = 0; given < rest; i++, given++)
		r[i].o->fill++;
	free(r);
}

/* Clear slot in one transaction: read the book, clear, write the fills. */
static void auction_clear(int64_t slot, int64_t now)
{
	sqlite3_stmt *book, *upd, *ins;
	struct order *o = NULL, **buy, **sell;
	size_t n = 0, cap = 0, nb = 0, ns = 0, i, j;
	int64_t lb, ls, lo = INT64_MIN, hi = INT64_MAX, price = 0;
	__int128 v = 0, fill_sum = 0, check = 0;
	long filled = 0;
	int rc;

	exec("BEGIN IMMEDIATE");
	book = prepare("SELECT id, side, price, qty_wh FROM orders WHERE slot = ? "
		       "AND state = 'open' ORDER BY id");
	sqlite3_bind_int64(book, 1, slot);
	while ((rc = sqlite3_step(book)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			o = realloc(o, cap * sizeof *o);
			if (!o) {
				fprintf(stderr, "baseline: out of memory\n");
				exit(1);
			}
		}
		o[n].id = sqlite3_column_int64(book, 0);
		o[n].sell = ((const char *)sqlite3_column_text(book, 1))[0] == 's';
		o[n].price = sqlite3_column_int64(book, 2);
		o[n].qty = sqlite3_column_int64(book, 3);
		o[n].fill = 0;
		n++;
	}
	if (rc != SQLITE_DONE)
		die("book");
	sqlite3_finalize(book);
	if (n == 0) {
		fprintf(stderr, "baseline: no open order in slot %" PRId64 "\n", slot);
		exit(1);
	}
	buy = malloc(n * sizeof *buy);
	sell = malloc(n * sizeof *sell);
	if (!buy || !sell) {
		fprintf(stderr, "baseline: out of memory\n");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		if (o[i].sell)
			sell[ns++] = &o[i];
		else
			buy[nb++] = &o[i];
	}
	qsort(buy, nb, sizeof *buy, cmp_buy);
	qsort(sell, ns, sizeof *sell, cmp_sell);
	/* greedy match while the buy price >= the sell price */
	i = j = 0;
	lb = nb ? buy[0]->qty : 0;
	ls = ns ? sell[0]->qty : 0;
	while (i < nb && j < ns && buy[i]->price >= sell[j]->price) {
		int64_t m = lb < ls ? lb : ls;
		buy[i]->fill += m;
		sell[j]->fill += m;
		v += m;
		lb -= m;
		ls -= m;
		if (lb == 0 && ++i < nb)
			lb = buy[i]->qty;
		if (ls == 0 && ++j < ns)
			ls = sell[j]->qty;
	}
	if (v > 0) {
		/* the price interval of the provisional matching */
		for (i = 0; i < n; i++) {
			int accepted = o[i].fill > 0, unfilled = o[i].fill < o[i].qty;
			if (!o[i].sell) {
				if (accepted && o[i].price < hi)
					hi = o[i].price;
				if (unfilled && o[i].price > lo)
					lo = o[i].price;
			} else {
				if (accepted && o[i].price > lo)
					lo = o[i].price;
				if (unfilled && o[i].price < hi)
					hi = o[i].price;
			}
		}
		price = (int64_t)((__int128)lo + (((__int128)hi - lo) >> 1));
		fill_at(buy, nb, price, 1, v);
		fill_at(sell, ns, price, 0, v);
	} else {
		for (i = 0; i < n; i++)
			o[i].fill = 0;
	}
	upd = prepare("UPDATE orders SET state = 'cleared', fill_wh = ? WHERE id = ?");
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(upd, 1, o[i].fill);
		sqlite3_bind_int64(upd, 2, o[i].id);
		if (sqlite3_step(upd) != SQLITE_DONE)
			die("update order");
		sqlite3_reset(upd);
		filled += o[i].fill > 0;
		fill_sum += o[i].fill;
		check += (__int128)o[i].id * o[i].fill;
	}
	sqlite3_finalize(upd);
	ins = prepare("INSERT INTO clearings (slot, price, volume_wh, lo, hi, orders, "
		      "seq, time) VALUES (?, ?, ?, ?, ?, ?, 1, ?)");
	sqlite3_bind_int64(ins, 1, slot);
	if (v > 0) {
		sqlite3_bind_int64(ins, 2, price);
		sqlite3_bind_int64(ins, 4, lo);
		sqlite3_bind_int64(ins, 5, hi);
	}
	sqlite3_bind_int64(ins, 3, (int64_t)v);
	sqlite3_bind_int64(ins, 6, (int64_t)n);
	sqlite3_bind_int64(ins, 7, now);
	if (sqlite3_step(ins) != SQLITE_DONE)
		die("insert clearing");
	sqlite3_finalize(ins);
	exec("COMMIT");
	if (v > 0)
		printf("{\"orders\":%zu,\"price\":%" PRId64 ",\"volume_wh\":%" PRId64
		       ",\"lo\":%" PRId64 ",\"hi\":%" PRId64, n, price, (int64_t)v, lo, hi);
	else
		printf("{\"orders\":%zu,\"price\":null,\"volume_wh\":0,\"lo\":null,"
		       "\"hi\":null", n);
	printf(",\"filled\":%ld,\"fill_sum\":%" PRId64 ",\"fill_check\":%" PRId64 "}\n",
	       filled, (int64_t)fill_sum, (int64_t)check);
	free(buy);
	free(sell);
	free(o);
}

static int auction_usage(void)
{
	fprintf(stderr, "usage: baseline auction DB --seed TRADERS\n"
		"       baseline auction DB [--chunk N] [--traders T] [--time T] < orders\n"
		"       baseline auction DB --clear SLOT [--time T]\n");
	return 2;
}

static int auction_main(int argc, char **argv)
{
	const char *path = NULL;
	long ntraders = 1000, chunk = 1000, seedn = -1;
	int64_t now = 0, slot = -1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seedn = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--traders") == 0 && i + 1 < argc)
			ntraders = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--chunk") == 0 && i + 1 < argc)
			chunk = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
			now = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--clear") == 0 && i + 1 < argc)
			slot = strtoll(argv[++i], NULL, 10);
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			return auction_usage();
	}
	if (!path || chunk < 1 || ntraders < 1)
		return auction_usage();
	open_db(path);
	exec("PRAGMA foreign_keys=ON;");
	if (seedn >= 1)
		auction_seed(seedn);
	else if (seedn >= 0)
		return auction_usage();
	else if (slot >= 0)
		auction_clear(slot, now);
	else
		auction_ingest(chunk, ntraders, now);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close");
	return 0;
}

/* ---- settlement (bench/settle.sh) ---- */

/* One filled order of the slot (as lib/settle.c). */
struct sord {
	int64_t id, panel, fill;
	int64_t delivered, missed;
	int sell;
	size_t acct;
	char account[33];
};

/* One participant. */
struct sacc {
	const char *name;
	int64_t bought, sold, bdel, sdel, shortfall, missed, voided;
	int64_t paid, received, due, penalty, compensation, debt, net;
	int64_t escrow_lock, escrow, col_lock, collateral;	/* its slot locks */
	int64_t free_, unbonding;
};

struct settle {
	int64_t slot, price, volume, delivered, shortfall, voided, penalties, dust;
	int has_price;
	struct sord *o;
	size_t n;
	struct sacc *a;
	size_t na;
};

/* Step a statement that returns no row, then reset it. */
static void rc_step(sqlite3_stmt *st, const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die(what);
	sqlite3_reset(st);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "baseline: out of memory\n");
		exit(1);
	}
	return p;
}

/* Largest remainder: out[i] = share of total pro rata to w[i], whole
 * units adding up to total, equal remainders to the lower key. */
struct lrem {
	__int128 rem;
	int64_t key;
	size_t i;
};

static int cmp_lrem(const void *a, const void *b)
{
	const struct lrem *x = a, *y = b;

	if (x->rem != y->rem)
		return x->rem > y->rem ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

static void lr_split(int64_t total, const int64_t *w, const int64_t *key,
		     size_t n, int64_t *out)
{
	__int128 sum = 0, given = 0;
	struct lrem *r;

	for (size_t i = 0; i < n; i++) {
		sum += w[i];
		out[i] = 0;
	}
	if (total <= 0 || sum == 0)
		return;
	r = xmalloc(n * sizeof *r);
	for (size_t i = 0; i < n; i++) {
		__int128 num = (__int128)total * w[i];
		out[i] = (int64_t)(num / sum);
		given += out[i];
		r[i] = (struct lrem){ num % sum, key[i], i };
	}
	qsort(r, n, sizeof *r, cmp_lrem);
	for (size_t i = 0; given < total; i++, given++)
		out[r[i].i]++;
	free(r);
}

/* floor or ceil of q * p / 1000 for q, p >= 0. */
static int64_t value_at(int64_t q, int64_t p, int up)
{
	__int128 v = (__int128)q * p;

	return (int64_t)(up ? (v + 999) / 1000 : v / 1000);
}

/* ceil(q * p * bps / 10^7), saturating, 0 unless p > 0 and bps > 0 (the
 * collateral rule lib/auction.c applies to penalties). */
static int64_t penalty_of(int64_t q, int64_t p, int64_t bps)
{
	__int128 num, cap = (__int128)INT64_MAX * 10000000;

	if (p <= 0 || bps <= 0)
		return 0;
	num = (__int128)q * p;
	if (num > cap / bps)
		return INT64_MAX;
	return (int64_t)((num * bps + 9999999) / 10000000);
}

static int cmp_sord_account(const void *a, const void *b)
{
	const struct sord *const *x = a, *const *y = b;
	int c = strcmp((*x)->account, (*y)->account);

	return c ? c : (*x)->id < (*y)->id ? -1 : (*x)->id > (*y)->id;
}

static int cmp_sord_panel(const void *a, const void *b)
{
	const struct sord *const *x = a, *const *y = b;

	if ((*x)->panel != (*y)->panel)
		return (*x)->panel < (*y)->panel ? -1 : 1;
	return (*x)->id < (*y)->id ? -1 : (*x)->id > (*y)->id;
}

static int64_t param_of(const char *name)
{
	sqlite3_stmt *st = prepare("SELECT value FROM params WHERE name = ?");
	int64_t v;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		fprintf(stderr, "baseline: no parameter %s\n", name);
		exit(1);
	}
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Read the clearing and the filled orders of the slot (entry order). */
static void settle_read(struct settle *x)
{
	sqlite3_stmt *st = prepare("SELECT price, volume_wh FROM clearings WHERE slot = ?");
	size_t cap = 0;
	int rc;

	sqlite3_bind_int64(st, 1, x->slot);
	if (sqlite3_step(st) != SQLITE_ROW) {
		fprintf(stderr, "baseline: slot %" PRId64 " is not cleared\n", x->slot);
		exit(1);
	}
	x->has_price = sqlite3_column_type(st, 0) == SQLITE_INTEGER;
	x->price = sqlite3_column_int64(st, 0);
	x->volume = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	st = prepare("SELECT o.id, o.account, o.side, coalesce(o.panel, 0), f.qty_wh "
		     "FROM orders o JOIN fills f ON f.order_id = o.id WHERE o.slot = ? "
		     "AND f.qty_wh > 0 ORDER BY o.id");
	sqlite3_bind_int64(st, 1, x->slot);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sord *o;
		if (x->n == cap) {
			cap = cap ? 2 * cap : 1024;
			x->o = realloc(x->o, cap * sizeof *x->o);
			if (!x->o) {
				fprintf(stderr, "baseline: out of memory\n");
				exit(1);
			}
		}
		o = &x->o[x->n++];
		memset(o, 0, sizeof *o);
		o->id = sqlite3_column_int64(st, 0);
		snprintf(o->account, sizeof o->account, "%s",
			 (const char *)sqlite3_column_text(st, 1));
		o->sell = ((const char *)sqlite3_column_text(st, 2))[0] == 's';
		o->panel = sqlite3_column_int64(st, 3);
		o->fill = sqlite3_column_int64(st, 4);
	}
	if (rc != SQLITE_DONE)
		die("read fills");
	sqlite3_finalize(st);
}

/* Participants sorted by name, with their fills, escrow and collateral. */
static void settle_group(struct settle *x)
{
	struct sord **by = xmalloc(x->n * sizeof *by);

	x->a = calloc(x->n ? x->n : 1, sizeof *x->a);
	if (!x->a) {
		fprintf(stderr, "baseline: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < x->n; i++)
		by[i] = &x->o[i];
	qsort(by, x->n, sizeof *by, cmp_sord_account);
	for (size_t i = 0; i < x->n; i++) {
		struct sord *o = by[i];
		struct sacc *a;
		if (i == 0 || strcmp(by[i - 1]->account, o->account) != 0)
			x->a[x->na++].name = o->account;
		a = &x->a[x->na - 1];
		o->acct = x->na - 1;
		if (o->sell)
			a->sold += o->fill;
		else
			a->bought += o->fill;
	}
	free(by);
}

static int cmp_sacc_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sacc *)elem)->name);
}

/* The slot's escrow and collateral lock of each participant (one of each
 * per account and slot, in auction_locks). */
static void settle_locks(struct settle *x)
{
	sqlite3_stmt *st = prepare("SELECT a.account, coalesce(l.id, 0), "
				   "coalesce(l.amount, 0), coalesce(k.id, 0), "
				   "coalesce(k.amount, 0) FROM auction_locks a LEFT JOIN "
				   "locks l ON l.id = a.escrow_lock AND l.state = 'active' "
				   "LEFT JOIN stake_locks k ON k.id = a.collateral_lock AND "
				   "k.state = 'active' WHERE a.slot = ?");
	int rc;

	sqlite3_bind_int64(st, 1, x->slot);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sacc *a = bsearch(sqlite3_column_text(st, 0), x->a, x->na,
					 sizeof *a, cmp_sacc_name);
		if (!a)
			continue;	/* no fill: its locks went at clearing */
		a->escrow_lock = sqlite3_column_int64(st, 1);
		a->escrow = sqlite3_column_int64(st, 2);
		a->col_lock = sqlite3_column_int64(st, 3);
		a->collateral = sqlite3_column_int64(st, 4);
	}
	if (rc != SQLITE_DONE)
		die("read locks");
	sqlite3_finalize(st);
}

/* Sellers, panel by panel against the slot's final production rows (one
 * scan in panel order, merged): delivered = min(sold, production) shared
 * pro rata to fills; no final row: the sales are void. */
static void settle_sellers(struct settle *x)
{
	sqlite3_stmt *prod = prepare("SELECT panel, wh FROM production WHERE slot = ? "
				     "AND status = 'final' ORDER BY panel");
	struct sord **s = xmalloc(x->n * sizeof *s);
	int64_t *w = xmalloc(3 * x->n * sizeof *w), *key = w + x->n, *out = w + 2 * x->n;
	int64_t ppanel = 0, pwh = 0;
	size_t k = 0, i, j;
	int rc = SQLITE_ROW;

	for (i = 0; i < x->n; i++)
		if (x->o[i].sell)
			s[k++] = &x->o[i];
	qsort(s, k, sizeof *s, cmp_sord_panel);
	sqlite3_bind_int64(prod, 1, x->slot);
	for (i = 0; i < k; i = j) {
		int64_t sold = 0, panel = s[i]->panel;
		for (j = i; j < k && s[j]->panel == panel; j++)
			sold += s[j]->fill;
		while (rc == SQLITE_ROW && ppanel < panel) {
			rc = sqlite3_step(prod);
			if (rc == SQLITE_ROW) {
				ppanel = sqlite3_column_int64(prod, 0);
				pwh = sqlite3_column_int64(prod, 1);
			}
		}
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			die("production");
		if (rc != SQLITE_ROW || ppanel != panel) {	/* void */
			for (size_t m = i; m < j; m++)
				x->a[s[m]->acct].voided += s[m]->fill;
			x->voided += sold;
			continue;
		}
		for (size_t m = i; m < j; m++) {
			w[m - i] = s[m]->fill;
			key[m - i] = s[m]->id;
		}
		lr_split(pwh < sold ? pwh : sold, w, key, j - i, out);
		for (size_t m = i; m < j; m++) {
			struct sacc *a = &x->a[s[m]->acct];
			int64_t d = out[m - i];
			a->sdel += d;
			a->shortfall += s[m]->fill - d;
			x->delivered += d;
			x->shortfall += s[m]->fill - d;
		}
	}
	sqlite3_finalize(prod);
	free(s);
	free(w);
}

/* Buyers in entry order: delivered part of D pro rata to fills, missed
 * part of S pro rata to the rest, the rest void; or (compensate) the
 * penalties collected pro rata to missed parts. */
static void settle_buyers(struct settle *x, int compensate)
{
	struct sord **b = xmalloc(x->n * sizeof *b);
	int64_t *w = xmalloc(3 * x->n * sizeof *w), *key = w + x->n, *out = w + 2 * x->n;
	size_t k = 0;

	for (size_t i = 0; i < x->n; i++)
		if (!x->o[i].sell)
			b[k++] = &x->o[i];
	for (size_t i = 0; i < k; i++) {
		key[i] = b[i]->id;
		w[i] = compensate ? b[i]->missed : b[i]->fill;
	}
	if (compensate) {
		lr_split(x->penalties, w, key, k, out);
		for (size_t i = 0; i < k; i++)
			x->a[b[i]->acct].compensation += out[i];
	} else {
		lr_split(x->delivered, w, key, k, out);
		for (size_t i = 0; i < k; i++) {
			b[i]->delivered = out[i];
			w[i] = b[i]->fill - out[i];
		}
		lr_split(x->shortfall, w, key, k, out);
		for (size_t i = 0; i < k; i++) {
			struct sacc *a = &x->a[b[i]->acct];
			b[i]->missed = out[i];
			a->bdel += b[i]->delivered;
			a->missed += out[i];
			a->voided += b[i]->fill - b[i]->delivered - out[i];
		}
	}
	free(b);
	free(w);
}

/* Money at P; penalties as far as collateral and stake cover them (the
 * stake row read for each seller with a shortfall). */
static void settle_money(struct settle *x, int64_t bps)
{
	sqlite3_stmt *st = prepare("SELECT staked, locked, unbonding FROM stakes "
				   "WHERE account = ?");
	int64_t P = x->price, paid = 0, recv = 0;

	for (size_t i = 0; i < x->na; i++) {
		struct sacc *a = &x->a[i];
		int64_t staked = 0, locked = 0, v;
		if (P >= 0) {
			a->paid = value_at(a->bdel, P, 1);
			a->received = value_at(a->sdel, P, 0);
		} else {
			a->paid = value_at(a->sdel, -P, 1);
			a->received = value_at(a->bdel, -P, 0);
		}
		if (a->paid > a->escrow) {
			fprintf(stderr, "baseline: '%s' owes more than its escrow\n", a->name);
			exit(1);
		}
		paid += a->paid;
		recv += a->received;
		if (a->shortfall == 0 || P <= 0)
			continue;
		a->due = penalty_of(a->shortfall, P, bps);
		sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			staked = sqlite3_column_int64(st, 0);
			locked = sqlite3_column_int64(st, 1);
			a->unbonding = sqlite3_column_int64(st, 2);
		}
		sqlite3_reset(st);
		a->free_ = staked - locked - a->unbonding;
		v = a->collateral + staked - locked;
		a->penalty = a->due < v ? a->due : v;
		a->debt = a->due - a->penalty;
		x->penalties += a->penalty;
	}
	sqlite3_finalize(st);
	x->dust = paid - recv;
}

/* Apply the settlement, participant by participant: its escrow lock
 * closed (consumed when it paid, else released) and its balance row set
 * (available += escrow - paid + received + compensation, locked -=
 * escrow); for a seller with collateral or a penalty, its collateral lock
 * closed (consumed for what it gave, else released), then free stake,
 * then pending unbondings (newest first), the rest debt: one stake row
 * and one checkpoint. Then the stake total and its checkpoint, vault and
 * treasury. */
static void settle_apply(struct settle *x, int64_t seq, int64_t now)
{
	sqlite3_stmt *lock = prepare("UPDATE locks SET state = ?, closed_seq = ? WHERE id = ?");
	sqlite3_stmt *klock = prepare("UPDATE stake_locks SET state = ?, taken = ?, "
				      "closed_seq = ? WHERE id = ?");
	sqlite3_stmt *bal = prepare("UPDATE balances SET available = available + ?, "
				    "locked = locked + ? WHERE account = ?");
	sqlite3_stmt *stk = prepare("UPDATE stakes SET staked = staked - ?, locked = "
				    "locked - ?, unbonding = unbonding - ?, debt = "
				    "debt + ? WHERE account = ?");
	sqlite3_stmt *ckp = prepare("INSERT INTO stake_checkpoints (account, seq, time, "
				    "staked, locked, unbonding, debt) SELECT account, ?, "
				    "?, staked, locked, unbonding, debt FROM stakes WHERE "
				    "account = ?");
	sqlite3_stmt *unb = prepare("SELECT id, amount FROM unbondings WHERE account = ? "
				    "AND state = 'pending' ORDER BY id DESC LIMIT 1");
	sqlite3_stmt *unb_all = prepare("UPDATE unbondings SET state = 'slashed', "
					"closed_seq = ? WHERE id = ?");
	sqlite3_stmt *unb_part = prepare("UPDATE unbondings SET amount = amount - ? "
					 "WHERE id = ?");
	int64_t comp = 0, dstaked = 0, dlocked = 0, dunb = 0;

	for (size_t i = 0; i < x->na; i++) {
		const struct sacc *a = &x->a[i];
		int64_t gain = a->escrow - a->paid + a->received + a->compensation;
		int64_t c, y, rest, u = 0;
		comp += a->compensation;
		if (a->escrow_lock) {
			sqlite3_bind_text(lock, 1, a->paid > 0 ? "consumed" : "released",
					  -1, SQLITE_STATIC);
			sqlite3_bind_int64(lock, 2, seq);
			sqlite3_bind_int64(lock, 3, a->escrow_lock);
			rc_step(lock, "close lock");
		}
		if (gain || a->escrow) {
			sqlite3_bind_int64(bal, 1, gain);
			sqlite3_bind_int64(bal, 2, -a->escrow);
			sqlite3_bind_text(bal, 3, a->name, -1, SQLITE_STATIC);
			if (sqlite3_step(bal) != SQLITE_DONE || sqlite3_changes(db) != 1)
				die("balance");
			sqlite3_reset(bal);
		}
		if (!a->col_lock && !a->due)
			continue;
		c = a->collateral < a->due ? a->collateral : a->due;
		rest = a->due - c;
		if (a->col_lock) {
			sqlite3_bind_text(klock, 1, c > 0 ? "consumed" : "released", -1,
					  SQLITE_STATIC);
			sqlite3_bind_int64(klock, 2, c);
			sqlite3_bind_int64(klock, 3, seq);
			sqlite3_bind_int64(klock, 4, a->col_lock);
			rc_step(klock, "close stake lock");
		}
		y = rest > 0 ? (a->free_ < rest ? a->free_ : rest) : 0;
		rest -= y;
		while (rest > 0) {
			int64_t id, amount, z;
			sqlite3_bind_text(unb, 1, a->name, -1, SQLITE_STATIC);
			if (sqlite3_step(unb) != SQLITE_ROW) {
				sqlite3_reset(unb);
				break;
			}
			id = sqlite3_column_int64(unb, 0);
			amount = sqlite3_column_int64(unb, 1);
			sqlite3_reset(unb);
			z = amount < rest ? amount : rest;
			if (z == amount) {
				sqlite3_bind_int64(unb_all, 1, seq);
				sqlite3_bind_int64(unb_all, 2, id);
				rc_step(unb_all, "unbonding");
			} else {
				sqlite3_bind_int64(unb_part, 1, z);
				sqlite3_bind_int64(unb_part, 2, id);
				rc_step(unb_part, "unbonding");
			}
			u += z;
			rest -= z;
		}
		if (c + y + u != a->penalty) {
			fprintf(stderr, "baseline: penalty of '%s' changed\n", a->name);
			exit(1);
		}
		sqlite3_bind_int64(stk, 1, c + y + u);
		sqlite3_bind_int64(stk, 2, a->collateral);
		sqlite3_bind_int64(stk, 3, u);
		sqlite3_bind_int64(stk, 4, rest);
		sqlite3_bind_text(stk, 5, a->name, -1, SQLITE_STATIC);
		if (sqlite3_step(stk) != SQLITE_DONE || sqlite3_changes(db) != 1)
			die("stake");
		sqlite3_reset(stk);
		sqlite3_bind_int64(ckp, 1, seq);
		sqlite3_bind_int64(ckp, 2, now);
		sqlite3_bind_text(ckp, 3, a->name, -1, SQLITE_STATIC);
		rc_step(ckp, "checkpoint");
		dstaked += c + y + u;
		dlocked += a->collateral;
		dunb += u;
	}
	if (dstaked || dlocked || dunb) {
		sqlite3_stmt *tot = prepare("UPDATE stake_total SET staked = staked - ?, "
					    "locked = locked - ?, unbonding = unbonding - ?");
		sqlite3_bind_int64(tot, 1, dstaked);
		sqlite3_bind_int64(tot, 2, dlocked);
		sqlite3_bind_int64(tot, 3, dunb);
		rc_step(tot, "stake total");
		sqlite3_finalize(tot);
		tot = prepare("INSERT INTO stake_checkpoints (account, seq, time, staked, "
			      "locked, unbonding, debt) SELECT '*', ?, ?, staked, locked, "
			      "unbonding, 0 FROM stake_total WHERE id = 1");
		sqlite3_bind_int64(tot, 1, seq);
		sqlite3_bind_int64(tot, 2, now);
		rc_step(tot, "total checkpoint");
		sqlite3_finalize(tot);
	}
	if (x->penalties) {
		sqlite3_bind_int64(bal, 1, -x->penalties);
		sqlite3_bind_int64(bal, 2, 0);
		sqlite3_bind_text(bal, 3, "vault", -1, SQLITE_STATIC);
		rc_step(bal, "vault");
	}
	if (x->dust + x->penalties - comp) {
		sqlite3_bind_int64(bal, 1, x->dust + x->penalties - comp);
		sqlite3_bind_int64(bal, 2, 0);
		sqlite3_bind_text(bal, 3, "treasury", -1, SQLITE_STATIC);
		rc_step(bal, "treasury");
	}
	sqlite3_finalize(lock);
	sqlite3_finalize(klock);
	sqlite3_finalize(bal);
	sqlite3_finalize(stk);
	sqlite3_finalize(ckp);
	sqlite3_finalize(unb);
	sqlite3_finalize(unb_all);
	sqlite3_finalize(unb_part);
}

/* One position row per participant, and the settlement row. */
static void settle_store(struct settle *x, const char *state, int64_t seq,
			 int64_t now)
{
	sqlite3_stmt *st = prepare("DELETE FROM positions WHERE slot = ?");

	sqlite3_bind_int64(st, 1, x->slot);
	rc_step(st, "delete positions");
	sqlite3_finalize(st);
	st = prepare("INSERT INTO positions (slot, account, bought_wh, sold_wh, "
		     "delivered_wh, shortfall_wh, missed_wh, void_wh, paid, received, "
		     "penalty, compensation, debt, net) VALUES (?, ?, ?, ?, ?, ?, ?, "
		     "?, ?, ?, ?, ?, ?, ?)");
	for (size_t i = 0; i < x->na; i++) {
		const struct sacc *a = &x->a[i];
		const int64_t v[] = { a->bought, a->sold, a->bdel + a->sdel, a->shortfall,
				      a->missed, a->voided, a->paid, a->received,
				      a->penalty, a->compensation, a->debt, a->net };
		sqlite3_bind_int64(st, 1, x->slot);
		sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
		for (int k = 0; k < 12; k++)
			sqlite3_bind_int64(st, k + 3, v[k]);
		rc_step(st, "insert position");
	}
	sqlite3_finalize(st);
	st = prepare("INSERT INTO settlements (slot, state, price, volume_wh, "
		     "delivered_wh, shortfall_wh, void_wh, penalties, dust, participants, "
		     "computed_seq, computed_at, finalized_seq, finalized_at) VALUES (?, "
		     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, x->slot);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	if (x->has_price)
		sqlite3_bind_int64(st, 3, x->price);
	sqlite3_bind_int64(st, 4, x->volume);
	sqlite3_bind_int64(st, 5, x->delivered);
	sqlite3_bind_int64(st, 6, x->shortfall);
	sqlite3_bind_int64(st, 7, x->voided);
	sqlite3_bind_int64(st, 8, x->penalties);
	sqlite3_bind_int64(st, 9, x->dust);
	sqlite3_bind_int64(st, 10, (int64_t)x->na);
	sqlite3_bind_int64(st, 11, seq);
	sqlite3_bind_int64(st, 12, now);
	if (strcmp(state, "final") == 0) {
		sqlite3_bind_int64(st, 13, seq);
		sqlite3_bind_int64(st, 14, now);
	}
	rc_step(st, "insert settlement");
	sqlite3_finalize(st);
}

/* Settle slot in one transaction: compute only (positions, settlement row
 * 'computed') or the whole settlement ('final', every transfer). */
static void settle_main_tx(int64_t slot, int64_t seq, int64_t now, int compute_only)
{
	struct settle x = { .slot = slot };
	int64_t bps, net = 0, debt = 0;

	exec("BEGIN IMMEDIATE");
	bps = param_of("penalty_bps");
	if (seq <= 0) {
		sqlite3_stmt *st = prepare("SELECT coalesce(max(seq), 0) + 1 FROM journal");
		if (sqlite3_step(st) != SQLITE_ROW)
			die("journal head");
		seq = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	settle_read(&x);
	settle_group(&x);
	settle_locks(&x);
	settle_sellers(&x);
	settle_buyers(&x, 0);
	settle_money(&x, bps);
	settle_buyers(&x, 1);
	for (size_t i = 0; i < x.na; i++) {
		struct sacc *a = &x.a[i];
		a->net = a->received + a->compensation - a->paid - a->penalty;
		net += a->net;
		debt += a->debt;
	}
	if (!compute_only)
		settle_apply(&x, seq, now);
	settle_store(&x, compute_only ? "computed" : "final", seq, now);
	exec("COMMIT");
	printf("{\"participants\":%zu,\"orders\":%zu,\"price\":%" PRId64 ",\"delivered_wh\":%"
	       PRId64 ",\"shortfall_wh\":%" PRId64 ",\"void_wh\":%" PRId64
	       ",\"penalties\":%" PRId64 ",\"dust\":%" PRId64 ",\"debt\":%" PRId64
	       ",\"net_sum\":%" PRId64 ",\"seq\":%" PRId64 "}\n", x.na, x.n, x.price,
	       x.delivered, x.shortfall, x.voided, x.penalties, x.dust, debt, net, seq);
	free(x.o);
	free(x.a);
}

static int settle_usage(void)
{
	fprintf(stderr, "usage: baseline settle DB --slot SLOT [--time T] [--seq S] [--compute]\n");
	return 2;
}

static int settle_main(int argc, char **argv)
{
	const char *path = NULL;
	int64_t slot = -1, now = 0, seq = 0;
	int compute_only = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--slot") == 0 && i + 1 < argc)
			slot = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
			now = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seq") == 0 && i + 1 < argc)
			seq = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--compute") == 0)
			compute_only = 1;
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			return settle_usage();
	}
	if (!path || slot < 0)
		return settle_usage();
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		die("open");
	exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
	settle_main_tx(slot, seq, now, compute_only);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close");
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = NULL, *sender = "sender";
	long nseed = -1;

	if (argc > 1 && strcmp(argv[1], "oracle") == 0)
		return oracle_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "auction") == 0)
		return auction_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "settle") == 0)
		return settle_main(argc - 1, argv + 1);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			nseed = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--sender") == 0 && i + 1 < argc)
			sender = argv[++i];
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else {
			fprintf(stderr, "usage: baseline DB [--seed N] [--sender NAME]\n");
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "usage: baseline DB [--seed N] [--sender NAME]\n");
		return 2;
	}
	open_db(path);
	if (nseed >= 0)
		seed(nseed, sender);
	else
		transfer(sender);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close");
	return 0;
}
