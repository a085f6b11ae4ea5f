/**
 * The token of a session just created, shown once: in a modal that keeps it only in its own state (never web
 * storage, never the URL), with a copy button and the `mcpServers` entry that runs `waiaas mcp` as this session.
 * Closing the dialog or leaving the page drops it; the daemon keeps only its hash.
 */
import { useEffect, useRef } from 'preact/hooks'
import { CopyButton } from '../../components/bits.js'

/**
 * The MCP client entry (Claude Desktop, Cursor…), as `waiaas quickset` and `mcp setup` write one: `waiaas mcp` on
 * this daemon's data directory, reading the token from WAIAAS_SESSION_TOKEN (the page cannot write a token file).
 */
export function mcpSnippet(token: string, dataDir: string | undefined): string {
  const env = { ...(dataDir !== undefined ? { WAIAAS_DATA_DIR: dataDir } : {}), WAIAAS_SESSION_TOKEN: token }
  return JSON.stringify({ mcpServers: { waiaas: { command: 'waiaas', args: ['mcp'], env } } }, null, 2)
}

export function TokenDialog(props: { name: string; token: string; dataDir: string | undefined; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (d !== null && !d.open) d.showModal()
    return () => d?.close()
  }, [])
  const snippet = mcpSnippet(props.token, props.dataDir)
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="token-title" onCancel={(e) => (e.preventDefault(), props.onClose())}>
      <h2 id="token-title">Session “{props.name}” created</h2>
      <div class="secret">
        <p>
          <strong>Copy the token now: it is shown only once.</strong> The daemon keeps only its hash; a lost token means a new session.
        </p>
        <label class="field">
          <span>Token</span>
          <input class="token" readOnly value={props.token} spellcheck={false} autocomplete="off" onFocus={(e) => e.currentTarget.select()} />
        </label>
        <CopyButton text={props.token} label="token" />
      </div>
      <h3>Use it with an MCP client</h3>
      <p>
        Add this to the client's configuration (Claude Desktop: <code>claude_desktop_config.json</code>). Or save the token in a file readable only by you and run{' '}
        <code>waiaas mcp --token-file FILE</code>; <code>waiaas mcp setup</code> does all of this for the clients it knows.
      </p>
      <pre aria-label="MCP configuration">
        <code>{snippet}</code>
      </pre>
      <CopyButton text={snippet} label="MCP configuration" />
      <div class="actions">
        <button type="button" class="primary" onClick={props.onClose}>
          Done: I have copied it
        </button>
      </div>
    </dialog>
  )
}
