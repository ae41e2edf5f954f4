/* schema.c - the state schema as numbered migrations, and the state tables. */
#include "gridset.h"

/* Migration i+1. SQL kept to the subset SQLite and PostgreSQL share;
 * INTEGER PRIMARY KEY (a 64-bit rowid here) maps to BIGINT there. */
const char *const gs_migrations[] = {
	/* 1: accounts, roles, parameters, tokens, journal */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	"CREATE TABLE accounts ("
	"  name TEXT PRIMARY KEY,"
	"  pubkey TEXT,"
	"  kind TEXT NOT NULL CHECK (kind IN ('user', 'system')),"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE roles ("
	"  account TEXT NOT NULL REFERENCES accounts (name),"
	"  role TEXT NOT NULL,"
	"  PRIMARY KEY (account, role));"
	"CREATE TABLE params ("
	"  name TEXT PRIMARY KEY,"
	"  value BIGINT NOT NULL);"
	"CREATE TABLE balances ("
	"  account TEXT PRIMARY KEY REFERENCES accounts (name),"
	"  available BIGINT NOT NULL CHECK (available >= 0),"
	"  locked BIGINT NOT NULL CHECK (locked >= 0));"
	"CREATE TABLE supply ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  minted BIGINT NOT NULL CHECK (minted >= 0),"
	"  burned BIGINT NOT NULL CHECK (burned >= 0));"
	"CREATE TABLE allowances ("
	"  owner TEXT NOT NULL REFERENCES accounts (name),"
	"  spender TEXT NOT NULL REFERENCES accounts (name),"
	"  amount BIGINT NOT NULL CHECK (amount >= 0),"
	"  PRIMARY KEY (owner, spender));"
	"CREATE TABLE locks ("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT NOT NULL REFERENCES accounts (name),"
	"  amount BIGINT NOT NULL CHECK (amount > 0),"
	"  purpose TEXT NOT NULL,"
	"  ref TEXT,"
	"  manual INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('active', 'released', 'consumed')),"
	"  created_seq BIGINT NOT NULL,"
	"  closed_seq BIGINT);"
	"CREATE INDEX locks_account ON locks (account, state);"
	"CREATE TABLE journal ("
	"  seq INTEGER PRIMARY KEY,"
	"  txid TEXT NOT NULL UNIQUE,"
	"  time BIGINT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  cmd TEXT NOT NULL,"
	"  tx TEXT NOT NULL,"
	"  sig TEXT NOT NULL,"
	"  prev TEXT NOT NULL,"
	"  hash TEXT NOT NULL);"
	"CREATE INDEX journal_actor ON journal (actor, seq);"
	"CREATE INDEX journal_cmd ON journal (cmd, seq);",
	/* 2: panels and staking */
	"CREATE TABLE panels ("
	"  id INTEGER PRIMARY KEY,"
	"  owner TEXT NOT NULL REFERENCES accounts (name),"
	"  capacity_w BIGINT NOT NULL CHECK (capacity_w > 0),"
	"  location TEXT,"
	"  lat_e6 BIGINT,"
	"  lon_e6 BIGINT,"
	"  installed BIGINT,"
	"  meta TEXT,"
	"  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),"
	"  registered BIGINT NOT NULL,"
	"  retired_at BIGINT);"
	"CREATE INDEX panels_owner ON panels (owner, id);"
	"CREATE TABLE stakes ("
	"  account TEXT PRIMARY KEY REFERENCES accounts (name),"
	"  staked BIGINT NOT NULL CHECK (staked >= 0),"
	"  locked BIGINT NOT NULL CHECK (locked >= 0),"
	"  unbonding BIGINT NOT NULL CHECK (unbonding >= 0),"
	"  debt BIGINT NOT NULL CHECK (debt >= 0),"
	"  CHECK (locked + unbonding <= staked));"
	"CREATE TABLE stake_locks ("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT NOT NULL REFERENCES accounts (name),"
	"  amount BIGINT NOT NULL CHECK (amount > 0),"
	"  purpose TEXT NOT NULL,"
	"  ref TEXT,"
	"  until BIGINT,"
	"  manual INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('active', 'released', 'consumed')),"
	"  taken BIGINT NOT NULL DEFAULT 0 CHECK (taken >= 0 AND taken <= amount),"
	"  created_seq BIGINT NOT NULL,"
	"  closed_seq BIGINT);"
	"CREATE INDEX stake_locks_account ON stake_locks (account, state);"
	"CREATE TABLE unbondings ("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT NOT NULL REFERENCES accounts (name),"
	"  amount BIGINT NOT NULL CHECK (amount > 0),"
	"  requested BIGINT NOT NULL,"
	"  available_at BIGINT NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('pending', 'withdrawn', 'canceled', 'slashed')),"
	"  closed_seq BIGINT);"
	"CREATE INDEX unbondings_account ON unbondings (account, state);"
	"CREATE TABLE stake_checkpoints ("
	"  account TEXT NOT NULL,"
	"  seq BIGINT NOT NULL,"
	"  time BIGINT NOT NULL,"
	"  staked BIGINT NOT NULL,"
	"  locked BIGINT NOT NULL,"
	"  unbonding BIGINT NOT NULL,"
	"  debt BIGINT NOT NULL,"
	"  PRIMARY KEY (account, seq));"
	"CREATE TABLE stake_total ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  staked BIGINT NOT NULL CHECK (staked >= 0),"
	"  locked BIGINT NOT NULL CHECK (locked >= 0),"
	"  unbonding BIGINT NOT NULL CHECK (unbonding >= 0));"
	"INSERT INTO stake_total (id, staked, locked, unbonding) "
	"VALUES (1, 0, 0, 0);",
	/* 3: oracle reports and finalized production */
	"CREATE TABLE oracle_reports ("
	"  slot BIGINT NOT NULL,"
	"  panel BIGINT NOT NULL REFERENCES panels (id),"
	"  oracle TEXT NOT NULL REFERENCES accounts (name),"
	"  wh BIGINT NOT NULL CHECK (wh >= 0),"
	"  seq BIGINT NOT NULL,"
	"  time BIGINT NOT NULL,"
	"  flagged INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (slot, panel, oracle));"
	"CREATE INDEX oracle_reports_oracle ON oracle_reports (oracle, slot);"
	"CREATE TABLE oracle_slots ("
	"  slot BIGINT PRIMARY KEY,"
	"  final INTEGER NOT NULL,"
	"  finalized_seq BIGINT,"
	"  finalized_at BIGINT);"
	"CREATE TABLE production ("
	"  slot BIGINT NOT NULL,"
	"  panel BIGINT NOT NULL REFERENCES panels (id),"
	"  wh BIGINT CHECK (wh >= 0),"
	"  reports BIGINT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('final', 'unverified')),"
	"  PRIMARY KEY (slot, panel));"
	"CREATE INDEX production_panel ON production (panel, slot);",
	/* 4: the batch auction. An order stores what it locked at entry;
	 * the locks themselves are one token (escrow) and one stake
	 * (collateral) lock per account and slot, in auction_locks. A
	 * cleared order has a fills row; state changes only on cancel. */
	"CREATE TABLE orders ("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT NOT NULL REFERENCES accounts (name),"
	"  slot BIGINT NOT NULL,"
	"  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),"
	"  price BIGINT NOT NULL,"
	"  qty_wh BIGINT NOT NULL CHECK (qty_wh > 0),"
	"  panel BIGINT REFERENCES panels (id),"
	"  market INTEGER NOT NULL,"
	"  escrow BIGINT NOT NULL CHECK (escrow >= 0),"
	"  collateral BIGINT NOT NULL CHECK (collateral >= 0),"
	"  state TEXT NOT NULL CHECK (state IN ('open', 'canceled')),"
	"  created_seq BIGINT NOT NULL,"
	"  time BIGINT NOT NULL);"
	"CREATE INDEX orders_slot ON orders (slot, state);"
	"CREATE INDEX orders_account ON orders (account, slot);"
	"CREATE TABLE auction_locks ("
	"  slot BIGINT NOT NULL,"
	"  account TEXT NOT NULL REFERENCES accounts (name),"
	"  escrow_lock BIGINT,"
	"  collateral_lock BIGINT,"
	"  PRIMARY KEY (slot, account));"
	"CREATE TABLE fills ("
	"  order_id INTEGER PRIMARY KEY,"
	"  qty_wh BIGINT NOT NULL CHECK (qty_wh >= 0));"
	"CREATE TABLE panel_offers ("
	"  slot BIGINT NOT NULL,"
	"  panel BIGINT NOT NULL REFERENCES panels (id),"
	"  account TEXT NOT NULL REFERENCES accounts (name),"
	"  qty_wh BIGINT NOT NULL CHECK (qty_wh >= 0),"
	"  PRIMARY KEY (slot, panel, account));"
	"CREATE TABLE clearings ("
	"  slot BIGINT PRIMARY KEY,"
	"  price BIGINT,"
	"  volume_wh BIGINT NOT NULL,"
	"  lo BIGINT,"
	"  hi BIGINT,"
	"  orders BIGINT NOT NULL,"
	"  seq BIGINT NOT NULL,"
	"  time BIGINT NOT NULL);",
	/* 5: settlement */
	"CREATE TABLE settlements ("
	"  slot BIGINT PRIMARY KEY,"
	"  state TEXT NOT NULL CHECK (state IN ('computed', 'disputed', 'reopened', "
	"'final')),"
	"  price BIGINT,"
	"  volume_wh BIGINT NOT NULL,"
	"  delivered_wh BIGINT NOT NULL,"
	"  shortfall_wh BIGINT NOT NULL,"
	"  void_wh BIGINT NOT NULL,"
	"  penalties BIGINT NOT NULL,"
	"  dust BIGINT NOT NULL CHECK (dust >= 0),"
	"  participants BIGINT NOT NULL,"
	"  computed_seq BIGINT NOT NULL,"
	"  computed_at BIGINT NOT NULL,"
	"  finalized_seq BIGINT,"
	"  finalized_at BIGINT);"
	"CREATE TABLE positions ("
	"  slot BIGINT NOT NULL,"
	"  account TEXT NOT NULL REFERENCES accounts (name),"
	"  bought_wh BIGINT NOT NULL,"
	"  sold_wh BIGINT NOT NULL,"
	"  delivered_wh BIGINT NOT NULL,"
	"  shortfall_wh BIGINT NOT NULL,"
	"  missed_wh BIGINT NOT NULL,"
	"  void_wh BIGINT NOT NULL,"
	"  paid BIGINT NOT NULL,"
	"  received BIGINT NOT NULL,"
	"  penalty BIGINT NOT NULL,"
	"  compensation BIGINT NOT NULL,"
	"  debt BIGINT NOT NULL,"
	"  net BIGINT NOT NULL,"
	"  PRIMARY KEY (slot, account));"
	"CREATE TABLE disputes ("
	"  id INTEGER PRIMARY KEY,"
	"  slot BIGINT NOT NULL,"
	"  account TEXT NOT NULL REFERENCES accounts (name),"
	"  reason TEXT NOT NULL,"
	"  bond BIGINT NOT NULL,"
	"  bond_lock BIGINT,"
	"  state TEXT NOT NULL CHECK (state IN ('open', 'upheld', 'rejected')),"
	"  opened_seq BIGINT NOT NULL,"
	"  time BIGINT NOT NULL,"
	"  resolved_seq BIGINT,"
	"  resolved_at BIGINT);"
	"CREATE INDEX disputes_slot ON disputes (slot, state);",
	/* 6: governance. The state column holds what transactions decide
	 * (open, queued, executed, canceled); pending, active, succeeded,
	 * defeated and expired follow from the time and the votes. */
	"CREATE TABLE proposals ("
	"  id INTEGER PRIMARY KEY,"
	"  proposer TEXT NOT NULL REFERENCES accounts (name),"
	"  title TEXT NOT NULL,"
	"  description TEXT NOT NULL,"
	"  actions TEXT NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('open', 'queued', 'executed', "
	"'canceled')),"
	"  created BIGINT NOT NULL,"
	"  created_seq BIGINT NOT NULL,"
	"  snapshot_time BIGINT NOT NULL,"
	"  snapshot_seq BIGINT NOT NULL,"
	"  vote_end BIGINT NOT NULL,"
	"  quorum_bps BIGINT NOT NULL,"
	"  for_votes BIGINT NOT NULL CHECK (for_votes >= 0),"
	"  against_votes BIGINT NOT NULL CHECK (against_votes >= 0),"
	"  abstain_votes BIGINT NOT NULL CHECK (abstain_votes >= 0),"
	"  queued_at BIGINT,"
	"  eta BIGINT,"
	"  executed_at BIGINT,"
	"  canceled_at BIGINT,"
	"  error TEXT);"
	"CREATE TABLE votes ("
	"  proposal BIGINT NOT NULL REFERENCES proposals (id),"
	"  voter TEXT NOT NULL REFERENCES accounts (name),"
	"  support TEXT NOT NULL CHECK (support IN ('for', 'against', 'abstain')),"
	"  weight BIGINT NOT NULL CHECK (weight > 0),"
	"  time BIGINT NOT NULL,"
	"  PRIMARY KEY (proposal, voter));"
	/* a state made before this migration lacks the new parameter */
	"INSERT INTO params (name, value) SELECT 'grace_period_s', 1209600 "
	"WHERE EXISTS (SELECT 1 FROM params) AND NOT EXISTS (SELECT 1 FROM "
	"params WHERE name = 'grace_period_s');",
	/* 7: a slot's penalty rate is fixed when it is first computed, so a
	 * later parameter change does not alter its provisional figures */
	"ALTER TABLE settlements ADD COLUMN penalty_bps BIGINT;"
	"UPDATE settlements SET penalty_bps = (SELECT value FROM params WHERE "
	"name = 'penalty_bps');",
};

const int gs_migration_count =
	(int)(sizeof gs_migrations / sizeof gs_migrations[0]);

/* Every table that holds state (the journal is compared by its head). */
const struct gs_state_table gs_state_tables[] = {
	{ "meta", "key" },
	{ "accounts", "name" },
	{ "roles", "account, role" },
	{ "params", "name" },
	{ "balances", "account" },
	{ "supply", "id" },
	{ "allowances", "owner, spender" },
	{ "locks", "id" },
	{ "panels", "id" },
	{ "stakes", "account" },
	{ "stake_locks", "id" },
	{ "unbondings", "id" },
	{ "stake_checkpoints", "account, seq" },
	{ "stake_total", "id" },
	{ "oracle_reports", "slot, panel, oracle" },
	{ "oracle_slots", "slot" },
	{ "production", "slot, panel" },
	{ "orders", "id" },
	{ "auction_locks", "slot, account" },
	{ "fills", "order_id" },
	{ "panel_offers", "slot, panel, account" },
	{ "clearings", "slot" },
	{ "settlements", "slot" },
	{ "positions", "slot, account" },
	{ "disputes", "id" },
	{ "proposals", "id" },
	{ "votes", "proposal, voter" },
	{ NULL, NULL },
};
