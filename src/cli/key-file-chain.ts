/**
 * Which chain a private key file is for, from its shape alone: 64 hex digits (with or without 0x) are an EVM key;
 * a JSON array or base58 text is a Solana secret key (solana-keygen, Phantom). Anything else is taken as EVM, so a
 * damaged hex key gets the EVM format's error. The file's content is never echoed.
 */
export function chainOfPrivateKey(text: string): 'evm' | 'solana' {
  const t = text.trim()
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(t)) return 'evm'
  if (t.startsWith('[') || /^[1-9A-HJ-NP-Za-km-z]{40,}$/.test(t)) return 'solana'
  return 'evm'
}
