/**
 * The approval page's HTML: one self-contained document (inline CSS and JS under a nonce, nothing loaded from
 * elsewhere) that shows a request and lets the owner sign the canonical approve or reject message with the wallet in
 * their browser (EIP-1193 `personal_sign` for EVM owners, Phantom-style `signMessage` for Solana owners), then posts
 * the signature back to the same URL. Every value is HTML-escaped; the data the script needs travels as JSON in a
 * non-executable script element, with `<` escaped.
 */
import type { TxRequestView } from '../../lib/contract/index.js'

export interface ApprovalPageInput {
  nonce: string
  request: TxRequestView
  chain: 'evm' | 'solana'
  networkName: string
  owner: string
  actions: string[]
  /** Sign-only requests: what would be signed. */
  signing: string | null
  linkExpiresAt: string
  messages: { approve: string; reject: string }
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** JSON safe inside a <script> element: no `<` (so no `</script>`), and no line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f23; --bg: #fff; --muted: #59636e; --line: #d0d7de; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --ok: #3fb950; --bad: #f85149; --warn: #d29922; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
.sub { color: var(--muted); margin: 0 0 1.5rem; }
table { width: 100%; border-collapse: collapse; margin: 0 0 1.25rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
th { width: 11rem; color: var(--muted); font-weight: 500; }
td, pre, code { overflow-wrap: anywhere; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { white-space: pre-wrap; border: 1px solid var(--line); border-radius: 6px; padding: .75rem; margin: .5rem 0 1rem; }
ul { padding-left: 1.25rem; }
details { margin: 0 0 .5rem; }
.buttons { display: flex; gap: .75rem; flex-wrap: wrap; margin: 1.5rem 0 1rem; }
button { font: inherit; padding: .6rem 1.1rem; border-radius: 6px; border: 1px solid var(--line); cursor: pointer; background: transparent; color: var(--fg); }
button.approve { background: var(--ok); border-color: var(--ok); color: #fff; }
button.reject { border-color: var(--bad); color: var(--bad); }
button:disabled { opacity: .5; cursor: default; }
#status { min-height: 1.5rem; font-weight: 600; }
#status.approved { color: var(--ok); } #status.rejected, #status.error { color: var(--bad); } #status.pending { color: var(--warn); }
`

/** Runs in the owner's browser. Plain ES2019, no dependencies. */
const SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('approval-data').textContent);
  var status = document.getElementById('status');
  var buttons = Array.prototype.slice.call(document.querySelectorAll('button[data-decision]'));
  var spent = false;
  function show(text, kind) { status.textContent = text; status.className = kind; status.setAttribute('data-state', kind); }
  function hex(bytes) { return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join(''); }
  function utf8(s) { return new TextEncoder().encode(s); }
  async function signEvm(message) {
    var eth = window.ethereum;
    if (!eth || typeof eth.request !== 'function') throw new Error('No Ethereum wallet was found in this browser. Open this page where the owner wallet is installed.');
    var accounts = await eth.request({ method: 'eth_requestAccounts' });
    var account = (Array.isArray(accounts) ? accounts : []).find(function (a) { return typeof a === 'string' && a.toLowerCase() === data.owner.toLowerCase(); });
    if (!account) throw new Error('The wallet did not offer the owner account ' + data.owner + '; switch to it in the wallet and try again.');
    return eth.request({ method: 'personal_sign', params: ['0x' + hex(utf8(message)), account] });
  }
  async function signSolana(message) {
    var sol = (window.phantom && window.phantom.solana) || window.solana;
    if (!sol || typeof sol.signMessage !== 'function') throw new Error('No Solana wallet was found in this browser. Open this page where the owner wallet is installed.');
    var connected = await sol.connect();
    var key = (connected && connected.publicKey) || sol.publicKey;
    if (!key || String(key) !== data.owner) throw new Error('The wallet is connected as ' + (key ? String(key) : 'nobody') + ', not the owner ' + data.owner + '.');
    var signed = await sol.signMessage(utf8(message), 'utf8');
    var sig = signed && signed.signature ? signed.signature : signed;
    if (!sig || sig.length !== 64) throw new Error('The wallet did not return a 64-byte signature.');
    return '0x' + hex(sig);
  }
  async function decide(decision) {
    buttons.forEach(function (b) { b.disabled = true; });
    show('Waiting for your wallet…', 'pending');
    try {
      var message = data.messages[decision];
      var signature = data.chain === 'evm' ? await signEvm(message) : await signSolana(message);
      show('Sending the signature…', 'pending');
      var res = await fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: message, signature: signature }), credentials: 'omit', cache: 'no-store' });
      var body = null;
      try { body = await res.json(); } catch (e) { body = null; }
      if (!res.ok || !body || body.ok !== true) {
        var err = body && body.error;
        if (err && /^APPROVAL_LINK_/.test(err.code)) spent = true;
        throw new Error(err ? err.message + '. ' + err.hint : 'The daemon answered HTTP ' + res.status + '.');
      }
      spent = true;
      var r = body.data;
      if (r.decision === 'approve') show('Approved. The request is now ' + r.state + (r.txHash ? ' (transaction ' + r.txHash + ')' : '') + '.', 'approved');
      else show('Rejected. The request is now ' + r.state + '.', 'rejected');
    } catch (e) {
      show((e && e.message) || String(e), 'error');
      if (!spent) buttons.forEach(function (b) { b.disabled = false; });
    }
  }
  buttons.forEach(function (b) { b.addEventListener('click', function () { decide(b.getAttribute('data-decision')); }); });
})();
`

function row(label: string, value: string | null, code = false): string {
  if (value === null || value === '') return ''
  return `<tr><th>${escapeHtml(label)}</th><td>${code ? `<code>${escapeHtml(value)}</code>` : escapeHtml(value)}</td></tr>`
}

function document_(nonce: string, title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
${script}
</body>
</html>
`
}

export function renderApprovalPage(p: ApprovalPageInput): string {
  const r = p.request
  const d = r.decision
  const rule = d?.rule ? `${d.rule.type} ${d.rule.policyId} v${d.rule.version}${d.rule.field === null ? '' : ` (${d.rule.field})`}` : null
  const amount = r.amount === null ? null : `${r.amount}${r.symbol === null ? '' : ` ${r.symbol}`}${r.usd === null ? '' : ` (≈ ${r.usd} USD)`}`
  const body = `
<h1>Approve or reject a request from ${escapeHtml(r.walletName)}</h1>
<p class="sub">An AI agent's request is waiting for the owner of this wallet. Check it, then sign your decision with the owner wallet <code>${escapeHtml(p.owner)}</code>.</p>
<table>
${row('Wallet', r.walletName)}
${row('Wallet address', r.from, true)}
${row('Network', `${p.networkName} (${r.network})`)}
${row('Kind', r.kind)}
${row('To', r.to, true)}
${row('Amount', amount)}
${row('Token', r.token, true)}
${row('Tier', r.tier)}
${row('Why it needs approval', d?.reason ?? null)}
${row('Rule', rule)}
${row('Requested', r.createdAt)}
${row('Approval expires', r.expiresAt)}
${row('This link expires', p.linkExpiresAt)}
${row('Request id', r.id, true)}
${row('Content hash', r.contentHash, true)}
</table>
<h2>What it does</h2>
<ul>${p.actions.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>
${p.signing === null ? '' : `<h2>What would be signed</h2><pre>${escapeHtml(p.signing)}</pre>`}
<details><summary>The message you sign to approve</summary><pre id="message-approve">${escapeHtml(p.messages.approve)}</pre></details>
<details><summary>The message you sign to reject</summary><pre id="message-reject">${escapeHtml(p.messages.reject)}</pre></details>
<div class="buttons">
<button type="button" class="approve" data-decision="approve">Approve with my wallet</button>
<button type="button" class="reject" data-decision="reject">Reject with my wallet</button>
</div>
<p id="status" role="status" aria-live="polite"></p>
<noscript><p>This page needs JavaScript to ask your wallet for a signature. Without it, sign the message above yourself and use <code>waiaas tx approve</code>.</p></noscript>`
  const data = { chain: p.chain, owner: p.owner, messages: p.messages }
  const script = `<script type="application/json" id="approval-data">${scriptJson(data)}</script>\n<script nonce="${p.nonce}">${SCRIPT}</script>`
  return document_(p.nonce, `Approve request ${r.id}`, body, script)
}

/** A page that says only why the link cannot be used: no request details. */
export function renderErrorPage(nonce: string, title: string, text: string): string {
  return document_(nonce, title, `<h1>${escapeHtml(title)}</h1>\n<p id="status" class="error">${escapeHtml(text)}</p>`)
}

/** The headers every approval page response carries. */
export function pageHeaders(nonce: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "img-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
  }
}
