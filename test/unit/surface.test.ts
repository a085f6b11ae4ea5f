/**
 * Pins the public surface: the contract's methods and roles, the error-code table, and the command/flag manifest.
 * A change here must be deliberate: codes are append-only, and scripts depend on commands, flags and exit codes.
 */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { contract, exposes, TX_STATES } from '../../src/lib/contract/index.js'
import { ERROR_CODES, EXIT } from '../../src/lib/errors.js'
import { TX_STATE_OPTIONS } from '../../src/cli/tx-render.js'

describe('public surface', () => {
  it('lists every contract method with its role, MCP exposure, session access and whether it is read-only', () => {
    const surface = Object.entries(contract).map(
      ([name, d]) =>
        `${name} ${d.role}${exposes(d, 'mcp') ? ' mcp' : ''}${'session' in d && d.session !== undefined ? ` session:${d.session.permission}/${d.session.wallet}` : ''}${'readOnly' in d && d.readOnly === true ? ' read-only' : ''}`,
    )
    expect(surface).toEqual([
      'system.hello public',
      'system.status public mcp session:read/none read-only',
      'system.shutdown public',
      'system.doctor public read-only',
      'vault.init public',
      'vault.unlock public',
      'vault.lock public',
      'vault.changePassword operator',
      'wallet.create operator',
      'wallet.import operator',
      'wallet.export operator',
      'wallet.list public mcp session:read/filter read-only',
      'wallet.show public mcp session:read/param read-only',
      'wallet.rename operator',
      'wallet.delete operator',
      'wallet.setOwner operator',
      'balance.get public mcp session:read/param read-only',
      'tx.simulate public mcp session:read/param read-only',
      'tx.send agent mcp session:send/param',
      'tx.call agent mcp session:send/param',
      'tx.sendBatch agent mcp session:send/param',
      'tx.tokenApprove agent mcp session:send/param',
      'tx.list public mcp session:read/filter read-only',
      'tx.show public mcp session:read/request read-only',
      'tx.wait public mcp session:read/request read-only',
      'tx.approve operator',
      'tx.reject operator',
      'tx.approvalMessage public',
      'tx.ownerDecide public',
      'tx.approvalLink operator',
      'tx.cancel agent mcp session:send/request',
      'tx.speedUp operator',
      'sign.message agent mcp session:sign/param',
      'sign.typedData agent mcp session:sign/param',
      'sign.tx agent mcp session:sign/param',
      'calldata.encode public mcp session:read/none read-only',
      'policy.add agent mcp session:read/param',
      'policy.list public mcp session:read/filter read-only',
      'policy.show public mcp session:read/policy read-only',
      'policy.update operator',
      'policy.remove operator',
      'policy.test public mcp session:read/param read-only',
      'killswitch.on public session:read/none',
      'killswitch.off operator',
      'killswitch.status public mcp session:read/none read-only',
      'network.list public mcp session:read/none read-only',
      'network.set operator',
      'network.status public read-only',
      'devnet.start operator',
      'devnet.stop operator',
      'devnet.status public read-only',
      'devnet.fund operator',
      'audit.list public read-only',
      'audit.verify public read-only',
      'event.wait public session:read/none read-only',
      'session.create operator',
      'session.list operator read-only',
      'session.revoke operator',
      'session.renew agent mcp session:read/none',
      'session.whoami agent mcp session:read/none read-only',
      'session.info agent mcp session:read/none read-only',
      'plugin.list public read-only',
      'plugin.enable operator',
      'plugin.disable operator',
      'incoming.list public mcp session:read/filter read-only',
      'incoming.summary public mcp session:read/filter read-only',
      'incoming.status public read-only',
      'incoming.watch operator',
      'incoming.unwatch operator',
      'incoming.setLowBalance operator',
      'notify.add operator',
      'notify.list operator read-only',
      'notify.remove operator',
      'notify.test operator',
      'notify.deliveries operator read-only',
      'backup.create operator',
      'backup.list operator read-only',
      'token.list public mcp session:read/none read-only',
      'token.resolve public mcp session:read/none read-only',
      'token.add operator',
      'token.remove operator',
    ])
  })

  it('never exposes a method that handles secrets to MCP', () => {
    for (const [name, d] of Object.entries(contract)) {
      if (d.role === 'operator' || name.startsWith('vault.') || name === 'wallet.export') expect(exposes(d, 'mcp'), name).toBe(false)
    }
  })

  it('gives session access to every agent method and every MCP tool, and to no operator method', () => {
    for (const [name, d] of Object.entries(contract)) {
      const access = 'session' in d ? d.session : undefined
      if (d.role === 'agent' || exposes(d, 'mcp')) expect(access, name).toBeDefined()
      if (d.role === 'operator') expect(access, name).toBeUndefined()
    }
  })

  it('keeps the exit-code table', () => {
    expect(EXIT).toEqual({ ok: 0, error: 1, usage: 2, daemonUnavailable: 3, denied: 4, waiting: 5, auth: 6, notFound: 7, conflict: 8, chainUnavailable: 9 })
  })

  it('keeps every error code with its exit code (append-only)', () => {
    const table = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, info]) => [code, info.exit]))
    expect(table).toEqual({
      INTERNAL: 1,
      USAGE: 2,
      CONFIRMATION_REQUIRED: 2,
      RPC_PARSE_ERROR: 1,
      RPC_INVALID_REQUEST: 1,
      RPC_METHOD_NOT_FOUND: 1,
      RPC_FRAME_TOO_LARGE: 1,
      HANDSHAKE_REQUIRED: 1,
      INPUT_INVALID: 2,
      INPUT_INVALID_NAME: 2,
      INPUT_INVALID_KEY_FILE: 2,
      INPUT_WEAK_PASSWORD: 2,
      INPUT_FILE_UNREADABLE: 2,
      INPUT_FILE_EXISTS: 8,
      DAEMON_UNREACHABLE: 3,
      DAEMON_NOT_RUNNING: 3,
      DAEMON_START_FAILED: 3,
      DAEMON_VERSION_MISMATCH: 3,
      DAEMON_ALREADY_RUNNING: 8,
      DAEMON_PROTOCOL_ERROR: 3,
      DATA_DIR_INSECURE: 1,
      DATA_DIR_FOREIGN_OWNER: 1,
      DATA_DIR_UNUSABLE: 1,
      SOCKET_PATH_TOO_LONG: 1,
      NOT_INITIALIZED: 1,
      ALREADY_INITIALIZED: 8,
      DB_SCHEMA_TOO_NEW: 1,
      DB_CORRUPT: 1,
      AUTH_REQUIRED: 6,
      AUTH_BAD_PASSWORD: 6,
      AUTH_THROTTLED: 6,
      AUTH_FORBIDDEN: 6,
      KEYSTORE_LOCKED: 6,
      WALLET_NOT_FOUND: 7,
      WALLET_NAME_TAKEN: 8,
      WALLET_DUPLICATE: 8,
      AUDIT_CHAIN_BROKEN: 1,
      AUDIT_WRITE_FAILED: 1,
      POLICY_DENIED: 4,
      PENDING_APPROVAL: 5,
      POLICY_INVALID: 2,
      POLICY_NOT_FOUND: 7,
      TX_STATE_CONFLICT: 8,
      IDEMPOTENCY_CONFLICT: 8,
      KILL_SWITCH_ON: 4,
      APPROVAL_INVALID: 6,
      OWNER_NOT_SET: 2,
      TX_NOT_COMPLETED: 1,
      INPUT_INVALID_AMOUNT: 2,
      INPUT_INVALID_ADDRESS: 2,
      NETWORK_UNKNOWN: 7,
      NETWORK_MISMATCH: 2,
      CHAIN_INSUFFICIENT_FUNDS: 1,
      CHAIN_NONCE_TOO_LOW: 1,
      CHAIN_REVERTED: 1,
      CHAIN_BLOCKHASH_EXPIRED: 1,
      CHAIN_ACCOUNT_NOT_FOUND: 7,
      CHAIN_RPC_UNREACHABLE: 9,
      CHAIN_RATE_LIMITED: 9,
      CHAIN_FEE_TOO_HIGH: 4,
      CHAIN_ERROR: 1,
      TX_NOT_FOUND: 7,
      SESSION_INVALID: 6,
      SESSION_EXPIRED: 6,
      SESSION_REVOKED: 6,
      SESSION_SCOPE: 6,
      SESSION_NOT_FOUND: 7,
      SESSION_RENEWAL_LIMIT: 8,
      POLICY_NOT_STRICTER: 6,
      PLUGIN_UNKNOWN: 7,
      PLUGIN_BIND_REFUSED: 2,
      PLUGIN_START_FAILED: 1,
      HTTP_ROUTE_NOT_FOUND: 7,
      HTTP_METHOD_NOT_ALLOWED: 2,
      HTTP_ORIGIN_REFUSED: 6,
      POLICY_EFFECT_CHANGED: 4,
      HTTP_BODY_TOO_LARGE: 2,
      HTTP_UNSUPPORTED_MEDIA_TYPE: 2,
      HTTP_INVALID_JSON: 2,
      APPROVAL_LINK_UNAVAILABLE: 1,
      APPROVAL_LINK_NOT_FOUND: 7,
      APPROVAL_LINK_USED: 8,
      APPROVAL_LINK_EXPIRED: 8,
      APPROVAL_LINK_STALE: 8,
      NOTIFY_INVALID: 2,
      NOTIFY_URL_REFUSED: 2,
      NOTIFY_CHANNEL_NOT_FOUND: 7,
      NOTIFY_TEST_FAILED: 1,
      CONFIG_INVALID: 2,
      CONFIG_KEY_UNKNOWN: 2,
      DOCTOR_CHECKS_FAILED: 1,
      BACKUP_INVALID: 1,
      BACKUP_BAD_PASSWORD: 6,
      BACKUP_SCHEMA_TOO_NEW: 1,
      BACKUP_DAEMON_RUNNING: 8,
      SIGN_MESSAGE_IS_TRANSACTION: 4,
      SIGN_MESSAGE_IS_APPROVAL: 4,
      OWNER_HELD_BY_DAEMON: 8,
      INPUT_FILE_SYMLINK: 8,
      FEATURE_UNAVAILABLE: 1,
      ADMIN_SESSION_INVALID: 6,
      ADMIN_CSRF_INVALID: 6,
      AUTH_PASSWORD_REQUIRED: 6,
      ADMIN_CLI_ONLY: 6,
      ADMIN_UI_NOT_BUILT: 1,
      EVENTS_TOO_MANY_STREAMS: 1,
      TOKEN_UNKNOWN: 7,
      TOKEN_AMBIGUOUS: 2,
      TOKEN_EXISTS: 8,
      TOKEN_BUILT_IN: 8,
      BATCH_UNSUPPORTED: 2,
      BATCH_CONTRACT_UNTRUSTED: 1,
      BATCH_MIXED_ASSETS: 2,
      BATCH_ALLOWANCE_SHORT: 4,
    })
  })

  it('gives every error code a hint and a distinct JSON-RPC code per domain error', () => {
    const seen = new Map<number, string>()
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(info.hint.length, code).toBeGreaterThan(10)
      if (info.rpc >= -32099 && info.rpc <= -32000) {
        expect(seen.get(info.rpc), `${code} reuses ${info.rpc}`).toBeUndefined()
        seen.set(info.rpc, code)
      }
    }
  })

  it("keeps the CLI's copy of the request states in step with the contract", () => {
    expect([...TX_STATE_OPTIONS]).toEqual([...TX_STATES])
  })

  it('pins the commands and their flags (from the generated oclif manifest)', () => {
    const manifest = JSON.parse(fs.readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
      commands: Record<string, { flags: Record<string, { hidden?: boolean }>; args: Record<string, unknown>; description?: string; summary?: string; examples?: unknown[] }>
    }
    const lines = Object.entries(manifest.commands)
      .map(([id, c]) => {
        const flags = Object.entries(c.flags)
          .filter(([f, v]) => !['json', 'data-dir'].includes(f) && v.hidden !== true)
          .map(([f]) => f)
          .sort()
        const args = Object.keys(c.args)
        return `${id.replaceAll(':', ' ')}${args.map((a) => ` <${a}>`).join('')}${flags.length ? ` --${flags.join(' --')}` : ''}`
      })
      .sort()
    expect(lines).toEqual([
      'approve --amount --idempotency-key --network --password-file --session-token-file --spender --timeout --token --wait --wallet',
      'audit list --action --before --columns --csv --limit --no-truncate',
      'audit verify',
      'autocomplete fish',
      'autocomplete script fish',
      'backup create --encrypt --out --password-file',
      'backup inspect <file> --password-file',
      'backup list --columns --csv --no-truncate',
      'backup restore <file> --password-file --yes',
      'balance --network --token --wallet',
      'call --amount --args --data --function --idempotency-key --network --password-file --session-token-file --timeout --to --wait --wallet',
      'calldata encode <signature> <args>',
      'config get <key>',
      'config list --columns --csv --no-truncate',
      'config set <key> <value>',
      'config unset <key>',
      'daemon install --launchd --password-file --systemd --yes',
      'daemon logs --follow --lines',
      'daemon start --foreground --password-file',
      'daemon status',
      'daemon stop',
      'daemon uninstall --launchd --systemd',
      'devnet fund <wallet> --amount --password-file --token-amount',
      'devnet start --password-file',
      'devnet status',
      'devnet stop --password-file',
      'doctor',
      'incoming list --columns --csv --limit --network --no-truncate --since --wallet',
      'incoming low-balance <wallet> --below --clear --network --password-file',
      'incoming status',
      'incoming unwatch <network> --password-file',
      'incoming watch <network> --password-file',
      'init --auto-provision --password-file',
      'killswitch off --password-file',
      'killswitch on --reason',
      'killswitch status',
      'lock',
      'mcp --token-file',
      'mcp setup --all --client --config --http --max-renewals --name --password-file --print --project-dir --scope --ttl --wallet',
      'network list --columns --csv --family --no-truncate',
      'network set <network> --batch-code-hash --batch-contract --confirmations --password-file --reset-batch-contract --reset-rpc-url --rpc-url --rpc-url-file',
      'notification setup --approver-user-id --bot-token-file --chat-id --events --name --password-file --secret-file --server --test --token-file --topic --url --url-file',
      'notify add <kind> --approver-user-id --bot-token-file --chat-id --events --name --password-file --secret-file --server --token-file --topic --url --url-file',
      'notify deliveries --channel --columns --csv --limit --no-truncate --password-file',
      'notify list --columns --csv --no-truncate --password-file',
      'notify remove <id> --password-file --yes',
      'notify test <id> --password-file',
      'password change --new-password-file --password-file',
      'plugin disable <name> --password-file',
      'plugin enable <name> --allow-non-loopback --host --password-file --port',
      'plugin list --columns --csv --no-truncate',
      'policy add --file --global --network --password-file --rules --session-token-file --type --wallet',
      'policy create <type> --allow-personal-sign --allow-unlimited --approval-timeout-seconds --contracts --daily-limit --days --delay-max --delay-seconds --end --global --instant-max --limits --max --max-fee --max-requests --methods --monthly-limit --native --network --networks --notify-max --on-exceed --outside --password-file --per-seconds --price-unavailable --recipients --session-token-file --spenders --start --tier --timezone --token --tokens --typed-data-domains --wallet --weekly-limit',
      'policy list --columns --csv --no-truncate --type --wallet',
      'policy remove <id> --password-file --yes',
      'policy show <id>',
      'policy test --amount --args --data --function --message --network --spender --to --token --typed-data --wallet',
      'policy update <id> --disable --enable --file --password-file --rules',
      'push-relay',
      'quickset --local --mainnet --mode --password-file --prefix --testnet',
      'restore <file> --from --password-file --yes',
      'send --amount --idempotency-key --network --password-file --session-token-file --timeout --to --token --wait --wallet',
      'send-batch --amount --file --idempotency-key --network --password-file --session-token-file --timeout --to --token --wait --wallet',
      'session create --limit-usd-per-day --max-renewals --methods --name --out --password-file --ttl --wallet',
      'session list --columns --csv --no-truncate --password-file',
      'session prompt --include-token --limit-usd-per-day --max-renewals --methods --name --out --password-file --ttl --wallet',
      'session renew <id> --password-file --session-token-file',
      'session revoke <id> --password-file',
      'sign message --format --hex --message --message-file --network --password-file --session-token-file --wallet',
      'sign tx --file --idempotency-key --network --password-file --session-token-file --transaction --wallet',
      'sign typed-data --file --network --password-file --session-token-file --typed-data --wallet',
      'skills install --client --project',
      'status',
      'token add --address --decimals --name --network --password-file --symbol',
      'token list --columns --csv --network --no-truncate',
      'token remove --address --network --password-file',
      'tx approval-link <id> --password-file',
      'tx approval-message <id> --out --reject --yes',
      'tx approve <id> --message-file --password-file --signature',
      'tx cancel <id> --password-file --session-token-file',
      'tx list --before --columns --csv --limit --no-truncate --state --wallet',
      'tx reject <id> --message-file --password-file --reason --signature',
      'tx show <id>',
      'tx simulate --amount --args --data --function --network --spender --to --token --wallet',
      'tx speed-up <id> --bump-percent --password-file',
      'unlock --password-file',
      'update --check',
      'use <wallet> --clear --network --output --reset',
      'version',
      'wallet create --chain --name --password-file',
      'wallet delete <wallet> --password-file --yes',
      'wallet export <wallet> --export-password-file --out --password-file --yes',
      'wallet import --chain --derivation-path --index --keypair-file --keystore-file --keystore-password-file --mnemonic-file --name --passphrase-file --password-file --private-key-file',
      'wallet info <wallet> --wallet',
      'wallet list --chain --columns --csv --no-truncate',
      'wallet owner <wallet> <address> --clear --password-file',
      'wallet rename <wallet> --name --password-file',
      'wallet show <wallet>',
    ])
    for (const [id, c] of Object.entries(manifest.commands)) {
      expect(Object.keys(c.flags)).toContain('json')
      expect(Object.keys(c.flags)).toContain('data-dir')
      expect(c.description ?? c.summary, `${id} has a description`).toBeTruthy()
      expect(c.examples?.length ?? 0, `${id} has an example`).toBeGreaterThan(0)
    }
  })
})
