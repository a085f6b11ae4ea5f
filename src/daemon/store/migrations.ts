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
  {
    version: 3,
    name: 'policies, transaction requests, approval nonces, wallet owners',
    up: `
      -- The address whose signature may approve or reject this wallet's requests.
      ALTER TABLE wallets ADD COLUMN owner TEXT;

      -- Current policies. wallet_id NULL: global; network only together with a wallet. rules is canonical JSON,
      -- validated and normalised on write (rules.ts). version bumps on every update.
      CREATE TABLE policies (
        id         TEXT PRIMARY KEY,
        wallet_id  TEXT,
        network    TEXT,
        type       TEXT NOT NULL,
        rules      TEXT NOT NULL,
        version    INTEGER NOT NULL CHECK (version >= 1),
        enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (network IS NULL OR wallet_id IS NOT NULL)
      );
      CREATE INDEX policies_wallet ON policies (wallet_id);

      -- Every version of every policy, kept after removal, so the revision a decision names can always be read.
      -- revision is the global policy revision (meta policy_revision) that this write produced.
      CREATE TABLE policy_versions (
        policy_id TEXT NOT NULL,
        version   INTEGER NOT NULL,
        revision  INTEGER NOT NULL,
        wallet_id TEXT,
        network   TEXT,
        type      TEXT NOT NULL,
        rules     TEXT NOT NULL,
        enabled   INTEGER NOT NULL,
        removed   INTEGER NOT NULL DEFAULT 0,
        actor     TEXT NOT NULL,
        at        TEXT NOT NULL,
        PRIMARY KEY (policy_id, version)
      );

      -- One row per request from the moment it is validated; every stage after that is an update of this row.
      -- Times are ms since the epoch. counted = 1 while the request's amounts count against cumulative limits
      -- (reserved from acceptance, spent once confirmed; 0 when denied, failed, cancelled, rejected or expired).
      -- payload is what was asked (canonical JSON, bigints as decimal strings); prepared/raw are what was signed:
      -- raw is stored BEFORE broadcast, so a restart re-broadcasts the same bytes instead of signing again.
      CREATE TABLE requests (
        id              TEXT PRIMARY KEY,
        wallet_id       TEXT NOT NULL,
        network         TEXT NOT NULL,
        kind            TEXT NOT NULL,
        state           TEXT NOT NULL,
        tier            TEXT,
        idempotency_key TEXT,
        content_hash    TEXT NOT NULL,
        payload         TEXT NOT NULL,
        summary         TEXT NOT NULL,
        actions         TEXT NOT NULL,
        amounts         TEXT NOT NULL,
        recipient       TEXT,
        usd_micros      INTEGER,
        counted         INTEGER NOT NULL DEFAULT 0 CHECK (counted IN (0, 1)),
        decision        TEXT,
        policy_revision INTEGER,
        delay_until     INTEGER,
        expires_at      INTEGER,
        prepared        TEXT,
        raw             TEXT,
        tx_hash         TEXT,
        hashes          TEXT,
        signature       TEXT,
        error           TEXT,
        actor           TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        accepted_at     INTEGER,
        updated_at      INTEGER NOT NULL,
        UNIQUE (wallet_id, idempotency_key)
      );
      CREATE INDEX requests_state ON requests (state, delay_until);
      CREATE INDEX requests_state_kind ON requests (state, kind);
      CREATE INDEX requests_wallet_time ON requests (wallet_id, accepted_at);
      CREATE INDEX requests_wallet_state ON requests (wallet_id, state, kind);
      CREATE INDEX requests_recipient ON requests (wallet_id, recipient) WHERE counted = 1;

      -- Nonces of owner approval messages: each is issued for one request and decision, and used at most once.
      CREATE TABLE approval_nonces (
        nonce      TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        decision   TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
        message    TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at    INTEGER
      );
      CREATE INDEX approval_nonces_request ON approval_nonces (request_id);
    `,
  },
  {
    version: 4,
    name: 'agent sessions',
    up: `
      -- Agent sessions. Only the SHA-256 of the bearer token is kept (the token is shown once, at creation).
      -- wallets: JSON array of wallet ids; permissions: JSON array of read / send / sign. Times are ms since the
      -- epoch. limit_usd_per_day: micro-dollars a rolling 24 h, on top of the wallets' policies (NULL: none).
      CREATE TABLE sessions (
        id                TEXT PRIMARY KEY,
        name              TEXT NOT NULL,
        token_hash        TEXT NOT NULL UNIQUE,
        wallets           TEXT NOT NULL,
        permissions       TEXT NOT NULL,
        ttl_seconds       INTEGER NOT NULL,
        expires_at        INTEGER NOT NULL,
        max_renewals      INTEGER NOT NULL,
        renewals          INTEGER NOT NULL DEFAULT 0,
        limit_usd_per_day INTEGER,
        created_at        INTEGER NOT NULL,
        revoked_at        INTEGER,
        last_used_at      INTEGER
      );

      -- A session's own spend over a rolling day (its cap): counted requests by actor and acceptance time.
      CREATE INDEX requests_actor_time ON requests (actor, accepted_at) WHERE counted = 1;
    `,
  },
  {
    version: 5,
    name: 'incoming transfers, scan cursors, watched networks, low-balance thresholds',
    up: `
      -- Transfers to our wallets found by the monitor. idx tells transfers of one transaction apart: EVM the log index
      -- (-1 for the transaction's own native value), Solana the account index in the transaction. asset is 'native'
      -- or the token contract / mint; amount is an integer in minor units (decimal text). Times are ms since the epoch
      -- (block_time NULL when the node did not say). The UNIQUE key is what makes a transfer recorded at most once.
      CREATE TABLE incoming (
        id           TEXT PRIMARY KEY,
        wallet_id    TEXT NOT NULL,
        network      TEXT NOT NULL,
        tx_hash      TEXT NOT NULL,
        idx          INTEGER NOT NULL,
        asset        TEXT NOT NULL,
        amount       TEXT NOT NULL,
        decimals     INTEGER,
        symbol       TEXT,
        from_address TEXT,
        block        INTEGER NOT NULL,
        block_time   INTEGER,
        detected_at  INTEGER NOT NULL,
        UNIQUE (network, tx_hash, idx, wallet_id)
      );
      CREATE INDEX incoming_wallet_time ON incoming (wallet_id, detected_at);
      CREATE INDEX incoming_time ON incoming (detected_at);

      -- How far the monitor has scanned, per wallet and network; advanced in the same transaction as the transfers
      -- it covers. EVM: one row with account '' and position = the last fully scanned block. Solana: a row with
      -- account '' whose position is the slot monitoring began at, and one per scanned address (the wallet and each
      -- of its token accounts) whose position is the newest signature already looked at.
      CREATE TABLE incoming_cursors (
        wallet_id  TEXT NOT NULL,
        network    TEXT NOT NULL,
        account    TEXT NOT NULL,
        position   TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (wallet_id, network, account)
      );

      -- Networks the operator asked the monitor to watch (the devnet's local networks are watched while it runs).
      CREATE TABLE incoming_watch (
        network  TEXT PRIMARY KEY,
        actor    TEXT NOT NULL,
        added_at INTEGER NOT NULL
      );

      -- Low-balance alerts: threshold in minor units of the native coin; low = 1 once an alert was raised, until
      -- the balance is back at or above the threshold (so one crossing raises one alert).
      CREATE TABLE low_balance (
        wallet_id  TEXT NOT NULL,
        network    TEXT NOT NULL,
        threshold  TEXT NOT NULL,
        low        INTEGER NOT NULL DEFAULT 0 CHECK (low IN (0, 1)),
        balance    TEXT,
        checked_at INTEGER,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (wallet_id, network)
      );
    `,
  },
  {
    version: 6,
    name: 'notification channels, their delivery log, Telegram approval tokens',
    up: `
      -- Where notifications go. config: JSON of the non-secret settings (chat id, ntfy server and topic, a display
      -- form of a URL). secret: JSON {iv, tag, ct}, the channel's secrets (webhook URL and signing secret, bot token,
      -- Slack/Discord webhook URL, ntfy token) sealed with the data key, the channel id bound as associated data.
      -- events: JSON array of event names, NULL for all. after_seq: the audit head when the channel was added; it
      -- receives only later events. failures / backoff_until: consecutive failed attempts of the channel as a whole,
      -- and when it may be tried again (a failing channel waits; it is not retried per event).
      CREATE TABLE notify_channels (
        id            TEXT PRIMARY KEY,
        kind          TEXT NOT NULL CHECK (kind IN ('webhook', 'telegram', 'slack', 'discord', 'ntfy')),
        name          TEXT NOT NULL,
        events        TEXT,
        config        TEXT NOT NULL,
        secret        TEXT NOT NULL,
        enabled       INTEGER NOT NULL DEFAULT 1,
        after_seq     INTEGER NOT NULL,
        failures      INTEGER NOT NULL DEFAULT 0,
        backoff_until INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL
      );

      -- The outbox and delivery log: one row per (channel, event), written in the same transaction as the notifier's
      -- audit cursor, so no event is lost or queued twice. payload: the secret-free JSON body {id, event, at, data}.
      -- last_error never holds a secret (it is scrubbed of the channel's secrets before it is stored).
      CREATE TABLE notify_deliveries (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        channel_id      TEXT NOT NULL,
        event_id        TEXT NOT NULL,
        event           TEXT NOT NULL,
        payload         TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_status     INTEGER,
        last_error      TEXT,
        created_at      INTEGER NOT NULL,
        delivered_at    INTEGER,
        UNIQUE (channel_id, event_id)
      );
      CREATE INDEX notify_deliveries_queue ON notify_deliveries (channel_id, state, id);

      -- Approve / Reject buttons of Telegram approval messages: callback_data is the token; each is bound to one
      -- request and its content hash, expires with the request and is used at most once (its sibling with it).
      CREATE TABLE telegram_approvals (
        token        TEXT PRIMARY KEY,
        channel_id   TEXT NOT NULL,
        delivery_id  INTEGER NOT NULL,
        request_id   TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        decision     TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
        expires_at   INTEGER NOT NULL,
        used_at      INTEGER,
        created_at   INTEGER NOT NULL
      );
      CREATE INDEX telegram_approvals_delivery ON telegram_approvals (delivery_id);
    `,
  },
  {
    version: 7,
    name: 'one-time approval links',
    up: `
      -- Links to the approval page (approval/link.ts). Only the SHA-256 (hex) of the link's random token is kept.
      -- content_hash is the request's when the link was made; times are ms since the epoch; used_at and decision
      -- are set in the same transaction as the owner's decision, so a link decides at most once.
      CREATE TABLE approval_links (
        token_hash   TEXT PRIMARY KEY,
        request_id   TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        used_at      INTEGER,
        decision     TEXT CHECK (decision IS NULL OR decision IN ('approve', 'reject'))
      );
      CREATE INDEX approval_links_request ON approval_links (request_id);
    `,
  },
  {
    version: 8,
    name: 'fewer index pages per request; hourly spend totals',
    up: `
      -- Every request writes one entry in every index of requests, and each entry is a page the commit writes and
      -- syncs. Three indexes on state served the same queries: one (state, kind, wallet_id) serves the sweep
      -- (state, then kind), due delays and expiries (one state, few rows) and a wallet's open count (state, kind,
      -- wallet_id). The recipient index holds only requests that have a recipient (hasPaid asks for one), so
      -- sign-only requests no longer write it. Query plans: test/unit/store-query-plans.test.ts.
      DROP INDEX requests_state;
      DROP INDEX requests_state_kind;
      DROP INDEX requests_wallet_state;
      DROP INDEX requests_recipient;
      CREATE INDEX requests_state_kind_wallet ON requests (state, kind, wallet_id);
      CREATE INDEX requests_recipient ON requests (wallet_id, recipient) WHERE counted = 1 AND recipient IS NOT NULL;

      -- What counted requests add up to per wallet and hour of acceptance (the spend ledger's buckets), kept by
      -- requests.ts in the transaction that changes a request's counted amounts, so the daemon starts without
      -- reading every request of the last month. sums: JSON object of key -> decimal string, keys as in ledger.ts
      -- (usd in micro-dollars; <network>|<asset> in minor units). Filled from requests once (meta spend_hours).
      CREATE TABLE spend_hours (
        wallet_id TEXT NOT NULL,
        hour      INTEGER NOT NULL,
        sums      TEXT NOT NULL,
        PRIMARY KEY (wallet_id, hour)
      ) WITHOUT ROWID;
      -- The daemon never deletes requests; when something else does, the totals are rebuilt at their next read.
      CREATE TRIGGER requests_delete_spend AFTER DELETE ON requests WHEN OLD.counted = 1
      BEGIN
        DELETE FROM meta WHERE key = 'spend_hours';
      END;
    `,
  },
  {
    version: 9,
    name: 'operator-registered tokens',
    up: `
      -- Tokens the operator registered for a network (token.add), beside the built-in list of src/lib/tokens.ts, so
      -- --token SYMBOL resolves them. address is as the chain adapter normalises it (EVM: checksummed; Solana:
      -- base58); one row per (network, address), several rows may share a symbol (resolving it is then ambiguous).
      CREATE TABLE tokens (
        network    TEXT NOT NULL,
        address    TEXT NOT NULL,
        symbol     TEXT NOT NULL,
        decimals   INTEGER NOT NULL CHECK (decimals BETWEEN 0 AND 36),
        name       TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (network, address)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 10,
    name: 'network batch contract',
    up: `
      -- The batching contract the operator allowlists for an EVM network (tx.sendBatch), checksummed 0x address;
      -- NULL: none, so EVM batches are refused there. batch_code_hash: a runtime code hash (0x + 64 lower-case hex) the
      -- operator trusts for it besides waiaas's own batcher build (e.g. the Disperse deployment's); NULL: only ours.
      ALTER TABLE network_settings ADD COLUMN batch_contract TEXT;
      ALTER TABLE network_settings ADD COLUMN batch_code_hash TEXT;
    `,
  },
]
