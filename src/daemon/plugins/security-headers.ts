/**
 * The headers every response of the HTTP server carries (JSON routes, errors, the admin UI and its assets): a strict
 * Content-Security-Policy (only this server's own scripts, styles, fonts and connections, no inline script or style,
 * never framed), no referrer, no MIME sniffing, no cross-origin opener or embedding, and no camera, microphone,
 * location or payment. A page that needs another policy (the approval page's nonces) sets its own over these.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
}

/** Sets them on a response before anything is written; headers given to writeHead later take precedence. */
export function setSecurityHeaders(res: { setHeader(name: string, value: string): unknown }): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
}
