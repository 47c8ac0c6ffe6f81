/**
 * RFC 4648 base32 and RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30 s step), as AWS virtual MFA devices use.
 */
import {createHmac} from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** Decodes base32 (case-insensitive; spaces, dashes and `=` padding ignored). Throws on other characters. */
export function base32Decode(input: string): Buffer {
  const clean = input.replace(/[\s=-]/g, '').toUpperCase()
  const bytes: number[] = []
  let bits = 0
  let value = 0
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch)
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`)
    value = (value << 5) | idx
    bits += 5
    if (bits >= 8) {
      bits -= 8
      bytes.push((value >>> bits) & 0xff)
    }
  }
  return Buffer.from(bytes)
}

/** Encodes bytes as base32 without padding (how AWS shows virtual MFA seeds). */
export function base32Encode(data: Uint8Array | string): string {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of buf) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += ALPHABET[(value >>> bits) & 31]
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

/** RFC 4226 HOTP value for a counter, truncated to `digits` digits. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', key).update(msg).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const bin =
    ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!
  return String(bin % 10 ** digits).padStart(digits, '0')
}

/** The TOTP counter (time step number) for a time in ms. */
export function totpCounter(atMs: number, step = 30): number {
  return Math.floor(atMs / 1000 / step)
}

/** The 6-digit RFC 6238 code a device with this base32 secret shows at `atMs` (SHA-1, `step` seconds, default 30). */
export function totp(secretBase32: string, atMs: number, step = 30): string {
  return hotp(base32Decode(secretBase32), totpCounter(atMs, step))
}

/**
 * Which counter in [now-window, now+window] the code matches, or undefined. Compared in constant time
 * per candidate.
 */
export function matchTotp(secretBase32: string, code: string, nowMs: number, window = 1, step = 30): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined
  const key = base32Decode(secretBase32)
  const now = totpCounter(nowMs, step)
  let found: number | undefined
  for (let c = now - window; c <= now + window; c++) {
    const expected = hotp(key, c)
    let diff = 0
    for (let i = 0; i < 6; i++) diff |= expected.charCodeAt(i) ^ code.charCodeAt(i)
    if (diff === 0 && found === undefined) found = c
  }
  return found
}
