/**
 * The AWS files as bytes: a file that is not valid UTF-8 (a Latin-1 `é` in a comment) must come
 * back byte for byte after mfa edited it. Bytes that are not UTF-8 are held as lone surrogates
 * U+DC80..U+DCFF, as Python's `surrogateescape` does, and written back as the same bytes.
 */
import {isUtf8} from 'node:buffer'

export type TextEncoding = 'utf8' | 'surrogateescape'

export function decodeBytes(bytes: Buffer): {text: string; encoding: TextEncoding} {
  if (isUtf8(bytes)) return {text: bytes.toString('utf8'), encoding: 'utf8'}
  let text = ''
  let run = 0
  const flush = (to: number) => {
    if (to > run) text += bytes.toString('utf8', run, to)
  }
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]
    const size = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0
    if (size > 0 && i + size <= bytes.length && isUtf8(bytes.subarray(i, i + size))) {
      i += size
      continue
    }
    flush(i)
    text += String.fromCharCode(0xdc00 + b)
    run = ++i
  }
  flush(bytes.length)
  return {text, encoding: 'surrogateescape'}
}

export function encodeText(text: string, encoding: TextEncoding = 'utf8'): Buffer {
  if (encoding === 'utf8' || !/[\uDC80-\uDCFF]/.test(text)) return Buffer.from(text, 'utf8')
  const parts: Buffer[] = []
  let run = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const lone = c >= 0xdc80 && c <= 0xdcff && !(i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff)
    if (!lone) continue
    parts.push(Buffer.from(text.slice(run, i), 'utf8'), Buffer.from([c - 0xdc00]))
    run = i + 1
  }
  parts.push(Buffer.from(text.slice(run), 'utf8'))
  return Buffer.concat(parts)
}
