/**
 * Numbered schema migrations. Each runs in one transaction together with its `user_version` bump (see db.ts).
 *
 * NEVER edit a migration once it has been released: databases in the field have already run it, and an edit would
 * leave them with a different schema from a fresh install. Change the schema by appending a new migration.
 */

/** Marks a SQLite file as a waiaas database (`PRAGMA application_id`, "WAIA"), so a foreign database is refused. */
export const APPLICATION_ID = 0x57414941

export interface Migration {
  version: number
  name: string
  up: string
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'initial schema: meta, wallets, audit',
    up: `
      PRAGMA application_id = ${APPLICATION_ID};

      -- Small named settings and state; values are JSON text.
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- name is stored as given; name_key is what makes names unique and what lookups by name use. It is the
      -- Unicode lower-case of the NFC form of the name (computed in wallets.ts), so "Trading", "trading" and
      -- "TRADİNG"-style variants, or the same name typed in NFC and NFD, can never be two wallets. SQLite's own
      -- NOCASE collation only folds ASCII, which is why the key is computed in code.
      --
      -- address is stored as given (EVM: EIP-55 checksummed). address_key is lower-case for EVM (whose addresses are
      -- case-insensitive hex) and verbatim for Solana (base58 is case-sensitive); uniqueness is on (chain, address_key)
      -- so the same key imported twice, in any letter case, is one wallet.
      --
      -- sealed_key is JSON of {iv, tag, ct}: the private key sealed with the data key. Never log it.
      CREATE TABLE wallets (
        id              TEXT PRIMARY KEY,
        name            TEXT NOT NULL,
        name_key        TEXT NOT NULL UNIQUE,
        chain           TEXT NOT NULL CHECK (chain IN ('evm', 'solana')),
        address         TEXT NOT NULL,
        address_key     TEXT NOT NULL,
        public_key      TEXT NOT NULL,
        source          TEXT NOT NULL,
        derivation_path TEXT,
        sealed_key      TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        UNIQUE (chain, address_key)
      );

      -- Append-only, hash-chained audit log (see audit.ts for what the chain does and does not detect).
      CREATE TABLE audit (
        seq       INTEGER PRIMARY KEY,
        ts        TEXT NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        target    TEXT,
        outcome   TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
        details   TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
      );
      CREATE INDEX audit_action_seq ON audit (action, seq);

      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
      BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only');
      END;

      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
      BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only');
      END;
    `,
  },
  {
    version: 2,
    name: 'network settings and EVM nonces',
    up: `
      -- Operator overrides of the built-in network table. rpc_url may hold credentials: it is never printed.
      CREATE TABLE network_settings (
        network       TEXT PRIMARY KEY,  -- CAIP-2 id
        rpc_url       TEXT,
        confirmations INTEGER CHECK (confirmations IS NULL OR (confirmations BETWEEN 0 AND 1000)),
        updated_at    TEXT NOT NULL
      );

      -- The next nonce the daemon will hand out per EVM account, so a restart never reuses or skips one.
      CREATE TABLE evm_nonces (
        chain_id   INTEGER NOT NULL,
        address    TEXT NOT NULL CHECK (address = lower(address)),
        next_nonce INTEGER NOT NULL CHECK (next_nonce >= 0),
        PRIMARY KEY (chain_id, address)
      );
    `,
  },
]
