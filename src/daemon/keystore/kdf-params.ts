/** The scrypt parameters a vault records, as stored (plain data; the derivation is in kdf.ts). */
export interface KdfParams {
  name: 'scrypt'
  N: number
  r: number
  p: number
  keyLen: 32
  /** base64 of 16 random bytes */
  salt: string
}
