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

int main(int argc, char **argv)
{
	const char *path = NULL, *sender = "sender";
	long nseed = -1;

	if (argc > 1 && strcmp(argv[1], "oracle") == 0)
		return oracle_main(argc - 1, argv + 1);
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
