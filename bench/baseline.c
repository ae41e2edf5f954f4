/* baseline.c - raw SQLite + jansson baseline for the token.transfer benchmark.
 *
 * Does the storage work of one batched token.transfer and nothing else: no
 * libgridset, no signature, no journal row, no hash chain. It reads NDJSON
 * lines {"to":NAME,"amount":INT} from stdin, parses each with jansson, and in
 * ONE transaction runs a prepared
 *     UPDATE balances SET available = available + ? WHERE account = ?
 * per line (checking one row changed), then one aggregated debit of the
 * sender, then commits. The table has the same columns, primary key and
 * CHECK constraints as balances in lib/schema.c (the REFERENCES accounts
 * clause is left out: SQLite does not check it when the key column is not
 * updated); the connection uses WAL and synchronous=NORMAL like lib/store.c.
 *
 * Build:  cc -O2 bench/baseline.c $(pkg-config --cflags --libs sqlite3 jansson) -o bench/baseline
 * Use:    bench/baseline DB --seed N [--sender NAME]   create DB, seed a0..a{N-1} + sender
 *         bench/baseline DB [--sender NAME] < lines.ndjson   apply the batch
 * Exit 0 on success; 1 on any error (message on stderr).
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

int main(int argc, char **argv)
{
	const char *path = NULL, *sender = "sender";
	long nseed = -1;

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
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		die("open");
	exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
	if (nseed >= 0)
		seed(nseed, sender);
	else
		transfer(sender);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close");
	return 0;
}
