/**
 * The AWS files as bytes (src/aws/bytes.ts): a file that is valid UTF-8 is read and written as
 * UTF-8; any other file comes back byte for byte, its stray bytes held as U+DC80..U+DCFF
 * (Python's surrogateescape, what botocore's own readers would tolerate).
 */
import fc from 'fast-check'
import {decodeBytes, encodeText} from '../../../src/aws/bytes.js'

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map(p => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))))
/** The held form of a stray byte. */
const held = (b: number) => String.fromCharCode(0xdc00 + b)

/** One character of each UTF-8 length, at the edges of each lead-byte range. */
const EDGES = [
  '\u007f', // 7F: the last one-byte character
  '\u0080', // C2 80: the first two-byte character (C2 is the first lead that is not overlong)
  '\u07ff', // DF BF: the last two-byte character
  '\u0800', // E0 A0 80: the first three-byte character
  '\ufffd', // EF BF BD: the last lead of three
  '\u{10000}', // F0 90 80 80: the first four-byte character
  '\u{10ffff}', // F4 8F BF BF: the last character there is
]

describe('decodeBytes', () => {
  test('valid UTF-8 is read as UTF-8, and says so', () => {
    expect(decodeBytes(bytes('[default]\n# café €\n'))).toEqual({text: '[default]\n# café €\n', encoding: 'utf8'})
    expect(decodeBytes(Buffer.alloc(0))).toEqual({text: '', encoding: 'utf8'})
  })

  test('a stray byte is held as U+DC00 + the byte; the valid characters around it stay themselves, of every length', () => {
    const input = bytes([0xe9], ...EDGES.flatMap(c => [c, [0x80]]), [0xff])
    expect(decodeBytes(input)).toEqual({text: held(0xe9) + EDGES.map(c => c + held(0x80)).join('') + held(0xff), encoding: 'surrogateescape'})
  })

  test('each byte of a broken or overlong sequence is held on its own', () => {
    // C0 AF: an overlong "/"; E2 82 (then "x"): a three-byte "€" cut short; F5: no character starts so; ED A0 80: an encoded surrogate
    expect(decodeBytes(bytes([0xc0, 0xaf], 'x', [0xe2, 0x82], 'x', [0xf5], 'x', [0xed, 0xa0, 0x80]))).toEqual({
      text: held(0xc0) + held(0xaf) + 'x' + held(0xe2) + held(0x82) + 'x' + held(0xf5) + 'x' + held(0xed) + held(0xa0) + held(0x80),
      encoding: 'surrogateescape',
    })
  })

  test('a sequence cut short by the end of the file is held byte by byte', () => {
    expect(decodeBytes(bytes([0xe9], 'ok', [0xf0, 0x9f, 0x98]))).toEqual({text: held(0xe9) + 'ok' + held(0xf0) + held(0x9f) + held(0x98), encoding: 'surrogateescape'})
  })
})

describe('encodeText', () => {
  test('as UTF-8 (the default), a lone surrogate cannot be written as itself: it becomes U+FFFD', () => {
    expect(encodeText('a' + held(0xe9))).toEqual(bytes('a\ufffd'))
    expect(encodeText('a' + held(0xe9), 'utf8')).toEqual(bytes('a\ufffd'))
  })

  test('with surrogateescape, a held byte is written back as that byte, from the first (0x80) to the last (0xFF)', () => {
    expect(encodeText(held(0x80) + 'é' + held(0xff), 'surrogateescape')).toEqual(bytes([0x80], 'é', [0xff]))
    expect(encodeText(held(0xe9), 'surrogateescape')).toEqual(Buffer.from([0xe9]))
  })

  test('with surrogateescape, characters above U+DCFF and surrogate pairs whose low half lies in U+DC80..U+DCFF stay characters', () => {
    // U+10080 is D800 DC80, U+1F480 is D83D DC80, U+10FC80 is DBFF DC80: the pair's edges
    const text = '\u{10080}' + held(0xe9) + '\u{1F480}\u{10FC80}\ufb01\ufffd' + held(0xdd)
    expect(encodeText(text, 'surrogateescape')).toEqual(bytes('\u{10080}', [0xe9], '\u{1F480}\u{10FC80}\ufb01\ufffd', [0xdd]))
  })

  test('a pair at the very start stays a character', () => {
    expect(encodeText('\u{1F480}' + held(0xe9), 'surrogateescape')).toEqual(bytes('\u{1F480}', [0xe9]))
  })

  test('with surrogateescape, text with no held byte is plain UTF-8', () => {
    expect(encodeText('[default]\n€\n', 'surrogateescape')).toEqual(bytes('[default]\n€\n'))
  })
})

describe('round trip', () => {
  test('any bytes come back as they were', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 64}), array => {
        const input = Buffer.from(array)
        const {text, encoding} = decodeBytes(input)
        expect(encodeText(text, encoding)).toEqual(input)
      }),
      {numRuns: 300},
    )
  })

  test('any text with a stray byte comes back as it was', () => {
    fc.assert(
      fc.property(fc.string({unit: 'grapheme', maxLength: 20}), fc.integer({min: 0x80, max: 0xff}), (s, b) => {
        const input = bytes(s, [b], s)
        const {text, encoding} = decodeBytes(input)
        expect(encodeText(text, encoding)).toEqual(input)
      }),
      {numRuns: 200},
    )
  })
})
