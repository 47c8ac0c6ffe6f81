/**
 * The AWS shared config and credentials files: read them as the AWS SDKs do, and edit one section
 * while keeping every other byte (comments, order, blank lines, line endings, other sections).
 */
import {MfaError} from '../cli/errors.js'

export type IniLineKind = 'blank' | 'comment' | 'section' | 'key' | 'continuation'

export interface IniLine {
  /** The line without its line ending. */
  readonly text: string
  /** '\n', '\r\n', '\r' or '' for a last line without one. */
  readonly eol: string
  readonly kind: IniLineKind
  /** 1-based line number in the file. */
  readonly number: number
  /** For 'section': the name between the brackets, trimmed. */
  readonly section?: string
  /** For 'key': the name lower-cased, as botocore reads it. */
  readonly key?: string
  /** For 'key' and 'continuation': the value (of this line only), trimmed. */
  readonly value?: string
}

export interface IniDocument {
  readonly lines: readonly IniLine[]
  /** The line ending new lines get: the file's own, '\n' for a new file. */
  readonly eol: string
}

export type IniSection = Record<string, string>

/** As configparser reads a header: `[` then the longest run up to the last `]`; the rest of the line is ignored. */
const SECTION = /^\[(.+)\]/
/** As configparser reads a setting: the first `=` or `:` ends the name. */
const KEY = /^(.*?)\s*[=:]\s*(.*)$/
const LINE = /([^\r\n]*)(\r\n|\r|\n|$)/y

/**
 * Parses a config or credentials file in the dialect botocore reads (Python's configparser as
 * botocore sets it up): `=` or `:`, lower-cased key names, indented continuation lines, whole-line
 * comments, and \n, \r\n or \r line endings. One linear pass. What botocore refuses (a setting
 * outside of a section, a line that is neither) fails with the file's name and the line number.
 */
export function parseIni(content: string, fileLabel: string, firstLine = 1): IniDocument {
  const lines: IniLine[] = []
  const ends = {'\r\n': 0, '\n': 0, '\r': 0} as Record<string, number>
  let inSection = false
  // The indent of the setting that continuation lines would continue; -1 when there is none.
  let keyIndent = -1
  LINE.lastIndex = 0
  for (let number = firstLine; LINE.lastIndex < content.length; number++) {
    const m = LINE.exec(content)!
    const [, text, eol] = m
    if (eol) ends[eol]++
    const trimmed = text.trim()
    if (trimmed === '') {
      lines.push({text, eol, kind: 'blank', number})
      continue
    }
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) {
      lines.push({text, eol, kind: 'comment', number})
      continue
    }
    const indent = text.length - text.trimStart().length
    if (keyIndent >= 0 && indent > keyIndent) {
      lines.push({text, eol, kind: 'continuation', number, value: trimmed})
      continue
    }
    const header = SECTION.exec(trimmed)
    if (header && header[1].trim() !== '') {
      inSection = true
      keyIndent = -1
      lines.push({text, eol, kind: 'section', number, section: header[1].trim()})
      continue
    }
    const fail = (what: string): never => {
      throw new MfaError(`${fileLabel} line ${number}: ${what}`, {
        hint: 'Fix that line (its content is not shown: it may hold a secret), then try again.',
      })
    }
    const setting = KEY.exec(trimmed)
    if (!setting || setting[1] === '') fail(trimmed.startsWith('[') ? 'malformed section header' : 'expected "key = value", "[section]" or a comment')
    if (!inSection) fail('a setting outside of any [section]')
    keyIndent = indent
    lines.push({text, eol, kind: 'key', number, key: setting![1].toLowerCase(), value: setting![2]})
  }
  const eol = ends['\r\n'] > ends['\n'] && ends['\r\n'] >= ends['\r'] ? '\r\n' : ends['\r'] > ends['\n'] ? '\r' : '\n'
  return {lines, eol}
}

/**
 * Sections by name, as the SDKs see them: a section that appears twice is merged, the later value
 * of a key wins. A value continued on indented lines is joined with '\n'; a key with an empty value
 * and indented `sub = value` lines (a nested section, as in [services]) also gives `key.sub`.
 */
export function readSections(doc: IniDocument): Map<string, IniSection> {
  const out = new Map<string, IniSection>()
  let current: IniSection | undefined
  let parent = ''
  let nested = false
  for (const line of doc.lines) {
    if (line.kind === 'section') {
      current = out.get(line.section!) ?? {}
      out.set(line.section!, current)
    } else if (line.kind === 'key' && current) {
      current[line.key!] = line.value!
      parent = line.key!
      nested = line.value === ''
    } else if (line.kind === 'continuation' && current) {
      const sub = nested ? /^(.*?)\s*=\s*(.*)$/.exec(line.value!) : null
      if (sub) current[`${parent}.${sub[1].toLowerCase()}`] = sub[2]
      else current[parent] = current[parent] === '' ? line.value! : `${current[parent]}\n${line.value}`
    }
  }
  return out
}

/**
 * [start, end) of every occurrence of a section, found by searching for its header instead of
 * parsing every line: a command that needs three sections of a file with 100,000 profiles parses
 * only those. A span runs from its header to the next line that starts with `[`. undefined when
 * that is not plain enough to be sure (an indented header, which may continue a value; a `[` line
 * that is not plainly a header, which may be a setting named `[x`): then the caller parses the
 * whole file. The caller also gives up when a span turns out to hold another (indented) header.
 */
export function sectionSpans(content: string, name: string): Array<[number, number]> | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  // As configparser reads a header: from `[` to the line's last `]`, trimmed; anything else after it.
  const line = `([^\\S\\r\\n]*)(\\[[^\\S\\r\\n]*${esc}[^\\S\\r\\n]*\\][^\\]\\r\\n]*)(?=[\\r\\n]|$)`
  const header = new RegExp(`[\\r\\n]${line}`, 'g')
  const next = /[\r\n]\[/g
  const rest = /[^\r\n]*/y
  const spans: Array<[number, number]> = []
  let m = new RegExp(`^${line}`).exec(content) ?? header.exec(content)
  for (; m; m = header.exec(content)) {
    if (m[1] !== '') return undefined
    const start = m.index + m[0].length - m[2].length
    next.lastIndex = start + m[2].length
    const after = next.exec(content)
    if (after) {
      rest.lastIndex = after.index + 1
      if (!SECTION.exec(rest.exec(content)![0].trim())?.[1].trim()) return undefined
    }
    spans.push([start, after ? after.index + 1 : content.length])
    header.lastIndex = start + m[2].length
  }
  return spans
}

/** Blanks that may stand around a header's name and that are one byte: tab, vertical tab, form feed, space. */
const isBlankByte = (b: number) => b === 0x09 || b === 0x0b || b === 0x0c || b === 0x20
const isEolByte = (b: number) => b === 0x0a || b === 0x0d
const OPEN = 0x5b
const CLOSE = 0x5d
/** A byte after a name where a header of that name can stand: a blank, `]`, or a byte that is not ASCII. */
const HIT_END = '(?=[\t\v\f \\]\x80-\xff])'
const regexOf = (needle: Buffer) => needle.toString('latin1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The bytes of a file as sectionSpansInBytes reads them: all in memory (bufferSource), or read a block
 * at a time (blockSource), so that a large file is searched without holding it whole.
 */
export interface ByteSource {
  readonly length: number
  /** The byte at an offset; -1 outside the bytes. */
  byte(at: number): number
  /** Offsets where the name's bytes stand; every one followed by a blank, `]` or a byte that is not ASCII is among them. */
  nameHits(needle: Buffer): number[]
  /** Where the next line that starts with `[` starts, from `from` on; -1 when there is none. */
  nextBracketLine(from: number): number
  slice(from: number, to: number): Buffer
}

/** A ByteSource that reads the file in passes (blockSource). */
export interface BlockSource extends ByteSource {
  /** Names asked for later: found in the pass of the next nameHits. */
  expect(needles: readonly Buffer[]): void
}

/** Where the next line that starts with `[` starts, from `from` on; -1 when there is none. */
function nextBracketLine(bytes: Buffer, from: number, to = bytes.length): number {
  const lf = bytes.indexOf('\n[', from)
  const cr = bytes.indexOf('\r[', from)
  const at = Math.min(lf === -1 || lf + 1 >= to ? Infinity : lf, cr === -1 || cr + 1 >= to ? Infinity : cr)
  return at === Infinity ? -1 : at + 1
}

/**
 * Where the name's bytes stand before `limit`, each plus `offset`, added to hits. A native search
 * of the bytes while the hits are few; a name that is part of many keys (`mfa` in every
 * `mfa_serial`) goes on with one regex over the bytes as Latin-1 text, which skips the other hits
 * inside the regex engine. A plain loop: it runs on every block of a large file.
 */
function addNameHits(hits: number[], bytes: Buffer, needle: Buffer, latin1: () => string, limit = bytes.length, offset = 0): number[] {
  let at = bytes.indexOf(needle)
  for (let seen = 0; at !== -1 && at < limit && seen < 64; seen++, at = bytes.indexOf(needle, at + 1)) hits.push(offset + at)
  if (at === -1 || at >= limit) return hits
  const text = latin1()
  const more = new RegExp(regexOf(needle) + HIT_END, 'g')
  more.lastIndex = at
  for (let m = more.exec(text); m && m.index < limit; m = more.exec(text)) hits.push(offset + m.index)
  return hits
}

/** A Buffer as a ByteSource; latin1 gives the bytes as Latin-1 text (one character a byte), made once by the caller if asked. */
export function bufferSource(bytes: Buffer, latin1: () => string = () => bytes.toString('latin1')): ByteSource {
  return {
    length: bytes.length,
    byte: at => (at >= 0 && at < bytes.length ? bytes[at] : -1),
    nameHits: needle => addNameHits([], bytes, needle, latin1),
    nextBracketLine: from => nextBracketLine(bytes, from),
    slice: (from, to) => bytes.subarray(from, to),
  }
}

/** 64 KiB: a block stays in the CPU's cache while it is searched (a file read whole lands in fresh memory, ~1 ms a MB). */
const BLOCK = 64 * 1024
/** 4 KiB: what looking around a hit reads at a time (a header line and the start of what follows it). */
const NEAR = 4 * 1024

/**
 * A file of `length` bytes as a ByteSource, read a block at a time with read(buffer, position)
 * (which returns how many bytes it read). A search reads the file once from the start into one
 * block-sized buffer, for the name asked and the names expected (so a command that reads a profile
 * and its session profile reads the file once); looking around a hit reads the 4 KiB around it.
 * Bytes the file no longer has (it shrank meanwhile) read as its end. blockSize: tests try small
 * ones (looking around then reads that much at a time too).
 */
export function blockSource(length: number, read: (buffer: Buffer, position: number) => number, blockSize = BLOCK): BlockSource {
  const fill = (buffer: Buffer, position: number, want: number): number => {
    let n = 0
    for (let got = -1; n < want && position + n < length && got !== 0; n += got) got = read(buffer.subarray(n, Math.min(want, length - position)), position + n)
    return n
  }
  // Looking around: the bytes [start, start + nearSize) and the byte after them, size bytes in all.
  const nearSize = Math.min(blockSize, NEAR)
  const near = Buffer.allocUnsafe(nearSize + 1)
  let start = 0
  let size = 0
  const at = (offset: number) => {
    if (offset < start || offset >= start + Math.min(size, nearSize)) {
      start = offset - (offset % nearSize)
      size = fill(near, start, nearSize + 1)
    }
    return offset - start
  }
  // Where names stand: the file read once from the start, a block at a time into one buffer, for
  // the name asked and those expected (each found once, by its bytes as Latin-1).
  const found = new Map<string, number[]>()
  let expected: Buffer[] = []
  const search = (needle: Buffer): number[] => {
    const key = needle.toString('latin1')
    const known = found.get(key)
    if (known) return known
    // The name asked first, then each expected one not searched for yet, by key.
    const byKey = new Map([[key, needle]])
    for (const n of expected) {
      const k = n.toString('latin1')
      if (!found.has(k)) byKey.set(k, n)
    }
    expected = []
    const needles = [...byKey.values()]
    const hits = needles.map((): number[] => [])
    // Each block with the bytes a hit that starts in it needs: the longest name and the byte after it.
    let longest = 0
    for (const n of needles) longest = Math.max(longest, n.length)
    const buffer = Buffer.allocUnsafe(blockSize + longest + 1)
    for (let from = 0; from < length; from += blockSize) {
      const n = fill(buffer, from, buffer.length)
      const block = buffer.subarray(0, n)
      let latin1: string | undefined
      for (let i = 0; i < needles.length; i++) addNameHits(hits[i], block, needles[i], () => (latin1 ??= block.toString('latin1')), blockSize, from)
      if (n < buffer.length) break
    }
    let i = 0
    for (const k of byKey.keys()) found.set(k, hits[i++])
    return hits[0]
  }
  return {
    length,
    byte(offset) {
      if (offset < 0 || offset >= length) return -1
      const i = at(offset)
      return i < size ? near[i] : -1
    },
    nameHits: search,
    nextBracketLine(from) {
      for (let block = from; block < length; block = start + nearSize) {
        const i = at(block)
        if (i >= size) return -1
        const found = nextBracketLine(near.subarray(0, size), i, nearSize + 1)
        if (found !== -1) return start + found
        if (size < nearSize + 1) return -1
      }
      return -1
    },
    slice(from, to) {
      const buffer = Buffer.allocUnsafe(Math.max(0, to - from))
      return buffer.subarray(0, fill(buffer, from, buffer.length))
    },
    expect(needles) {
      expected = [...expected, ...needles]
    },
  }
}

/**
 * sectionSpans on the file's bytes, undecoded: the name's bytes are searched for and only the
 * lines where they stand are looked at, so a file with 100,000 profiles costs a search per section
 * asked for, and no decoding of the rest. The spans are byte offsets, at ASCII bytes. undefined in
 * every case where sectionSpans is, and also where a byte that is not ASCII stands next to the
 * name in a `[` line (Unicode blanks are trimmed too): the caller then reads the text.
 */
export function sectionSpansInBytes(bytes: Buffer | ByteSource, name: string, latin1?: () => string): Array<[number, number]> | undefined {
  if (name === '' || name !== name.trim() || /[\r\n\uD800-\uDFFF]/.test(name)) return undefined
  const source = Buffer.isBuffer(bytes) ? bufferSource(bytes, latin1) : bytes
  const {length} = source
  const byte = (offset: number) => source.byte(offset)
  const needle = Buffer.from(name, 'utf8')
  const spans: Array<[number, number]> = []
  for (const hit of source.nameHits(needle)) {
    let open = hit - 1
    while (open >= 0 && isBlankByte(byte(open))) open--
    let close = hit + needle.length
    while (close < length && isBlankByte(byte(close))) close++
    if (open < 0 || byte(open) !== OPEN || close >= length || byte(close) !== CLOSE) {
      // A byte that is not ASCII beside the name may be a Unicode blank in a header.
      if ((open >= 0 && byte(open) >= 0x80) || (close < length && byte(close) >= 0x80)) return undefined
      continue
    }
    // The header must start its line: an indented one may continue a value (the text decides).
    let lineStart = open
    while (lineStart > 0 && !isEolByte(byte(lineStart - 1))) lineStart--
    if (lineStart !== open) {
      // Blanks before it (a byte order mark or a Unicode blank among them) make it indented.
      let indented = true
      for (let i = lineStart; i < open && indented; i++) indented = isBlankByte(byte(i)) || byte(i) >= 0x80
      if (indented) return undefined
      continue
    }
    // As configparser reads a header, the name runs to the line's last `]`: another `]` makes it another name.
    let end = close + 1
    while (end < length && !isEolByte(byte(end)) && byte(end) !== CLOSE) end++
    if (end < length && byte(end) === CLOSE) continue
    const after = source.nextBracketLine(end)
    if (after !== -1) {
      let lineEnd = after
      while (lineEnd < length && !isEolByte(byte(lineEnd))) lineEnd++
      if (!SECTION.exec(source.slice(after, lineEnd).toString('utf8').trim())?.[1].trim()) return undefined
    }
    spans.push([open, after === -1 ? length : after])
  }
  return spans
}

/** firstHeader on the file's bytes. */
export function firstHeaderInBytes(bytes: Buffer | ByteSource): number {
  const source = Buffer.isBuffer(bytes) ? bufferSource(bytes) : bytes
  if (source.byte(0) === OPEN) return 0
  const at = source.nextBracketLine(0)
  return at === -1 ? source.length : at
}

/** lineNumberAt on the file's bytes (line endings are ASCII). */
export function lineNumberAtByte(bytes: Buffer, offset: number): number {
  return lineNumberAt(bytes.toString('latin1', 0, offset), offset)
}

/** Where the first header starts (the end of what precedes every section). */
export function firstHeader(content: string): number {
  if (content.startsWith('[')) return 0
  const m = /[\r\n]\[/.exec(content)
  return m ? m.index + 1 : content.length
}

/** The 1-based line number of an offset: only for an error's message. */
export function lineNumberAt(content: string, offset: number): number {
  return (content.slice(0, offset).match(/\r\n|\r|\n/g)?.length ?? 0) + 1
}

/** The name of a key as written in the file, before botocore lower-cases it. */
export function writtenKey(line: IniLine): string {
  return line.text.trim().split(/\s*[=:]/, 1)[0]
}

/** The lines of every occurrence of a section, each as index ranges [start, end) over doc.lines. */
export function sectionRanges(doc: IniDocument, name: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = []
  const {lines} = doc
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].kind !== 'section' || lines[i].section !== name) continue
    ranges.push([i, sectionEnd(lines, i)])
  }
  return ranges
}

/** Where a section that starts at `start` ends: after its last setting and the blank lines after it. Comments after the last setting belong to what follows. */
function sectionEnd(lines: readonly IniLine[], start: number): number {
  let end = start + 1
  for (let j = start + 1; j < lines.length && lines[j].kind !== 'section'; j++) {
    if (lines[j].kind === 'key' || lines[j].kind === 'continuation') end = j + 1
  }
  while (end < lines.length && lines[end].kind === 'blank') end++
  return end
}

function serialize(lines: readonly IniLine[]): string {
  return lines.map(l => l.text + l.eol).join('')
}

/** Checks that a section name can be written as a header and read back (by botocore too) as the same name. */
export function assertSectionName(name: string): void {
  if (name === '' || name !== name.trim() || /[\r\n]/.test(name)) {
    throw new MfaError(`cannot write a section named "${name.replace(/[\r\n]/g, ' ')}" (line breaks and outer spaces do not survive a [header])`, {
      hint: 'Rename the profile so that it has none of those.',
    })
  }
}

/** Checks that a value can be written on one line and read back the same. */
export function assertValue(key: string, value: string): void {
  if (/[\r\n]/.test(value) || value !== value.trim()) {
    throw new MfaError(`cannot write ${key}: a value with line breaks or outer spaces does not survive the file format`)
  }
}

/**
 * Sets keys in a section, creating the section at the end if it is missing. Keys already there are
 * rewritten in place; new keys go after the section's last setting. When the section appears more
 * than once, the later copies are removed, because the AWS CLI refuses a file with a duplicate section.
 * Every other byte of the file is kept. A new section is set off by one blank line and ends the way
 * the file ended (with or without a line ending), so that removeSection can give back the same bytes.
 */
export function setSection(doc: IniDocument, name: string, values: IniSection): string {
  assertSectionName(name)
  for (const [key, value] of Object.entries(values)) assertValue(key, value)
  const ranges = sectionRanges(doc, name)
  const {eol} = doc
  const lines = [...doc.lines]
  const newLine = (text: string): IniLine => ({text, eol, kind: 'key', number: 0})
  if (ranges.length === 0) {
    const out = [...lines]
    const last = out.at(-1)
    if (last) {
      if (last.eol === '') out[out.length - 1] = {...last, eol}
      out.push({text: '', eol, kind: 'blank', number: 0})
    }
    out.push({text: `[${name}]`, eol, kind: 'section', number: 0, section: name})
    for (const [key, value] of Object.entries(values)) out.push(newLine(`${key} = ${value}`))
    if (last?.eol === '') out[out.length - 1] = {...out.at(-1)!, eol: ''}
    return serialize(out)
  }
  // Drop later duplicates, from the end so earlier indexes stay valid.
  for (const [start, end] of ranges.slice(1).reverse()) lines.splice(start, end - start)
  const [start, end] = ranges[0]
  const pending = new Map(Object.entries(values))
  let lastSetting = start
  for (let i = start + 1; i < end; i++) {
    const line = lines[i]
    if (line.kind === 'key' || line.kind === 'continuation') lastSetting = i
    if (line.kind !== 'key' || !pending.has(line.key!)) continue
    const indent = /^\s*/.exec(line.text)![0]
    lines[i] = {...line, text: `${indent}${line.key} = ${pending.get(line.key!)}`, value: pending.get(line.key!)}
    pending.delete(line.key!)
  }
  if (pending.size > 0) {
    const anchor = lines[lastSetting]
    if (anchor.eol === '') lines[lastSetting] = {...anchor, eol}
    const added = [...pending].map(([key, value]) => newLine(`${key} = ${value}`))
    // A file that ended without a line ending keeps ending without one.
    if (anchor.eol === '') added[added.length - 1] = {...added[added.length - 1], eol: ''}
    lines.splice(lastSetting + 1, 0, ...added)
  }
  return serialize(lines)
}

/**
 * Removes every occurrence of a section (header and body), the inverse of setSection's append: the
 * blank line that set a last section off goes too, and a file that ended without a line ending
 * does so again.
 */
export function removeSection(doc: IniDocument, name: string): string {
  return removeKeysOrSection(doc, name)
}

/**
 * Removes keys from every occurrence of a section (every key when `keys` is not given). A section
 * left with no setting goes whole, as in removeSection; one that still holds other settings (keys
 * the user added) keeps them and its header.
 */
export function removeKeysOrSection(doc: IniDocument, name: string, keys?: ReadonlySet<string>): string {
  const lines = [...doc.lines]
  for (const [start, end] of sectionRanges(doc, name).reverse()) {
    const drop = new Set<number>()
    let dropping = false
    for (let i = start + 1; i < end; i++) {
      const line = lines[i]
      if (line.kind === 'key') dropping = !keys || keys.has(line.key!)
      if (dropping && (line.kind === 'key' || line.kind === 'continuation')) drop.add(i)
    }
    const kept = lines.slice(start + 1, end).some((l, k) => (l.kind === 'key' || l.kind === 'continuation') && !drop.has(start + 1 + k))
    if (kept) {
      for (const i of [...drop].reverse()) lines.splice(i, 1)
      continue
    }
    const atEnd = end === lines.length
    const from = atEnd && start > 0 && lines[start - 1].kind === 'blank' ? start - 1 : start
    const endedBare = atEnd && lines[end - 1].eol === ''
    lines.splice(from, end - from)
    if (endedBare && from > 0) lines[from - 1] = {...lines[from - 1], eol: ''}
  }
  return serialize(lines)
}

export function hasSection(doc: IniDocument, name: string): boolean {
  return doc.lines.some(l => l.kind === 'section' && l.section === name)
}

/**
 * Removes settings from every occurrence of a section; the header, comments, blank lines and every
 * other byte stay. With dropEmpty, a section left without any setting goes too (as removeSection
 * removes it), so that setting a key and removing it again gives back the original bytes.
 */
export function removeKeys(doc: IniDocument, name: string, keys: readonly string[], options: {dropEmpty?: boolean} = {}): string {
  const drop = new Set<number>()
  let left = 0
  const ranges = sectionRanges(doc, name)
  for (const [start, end] of ranges) {
    // A key's continuation lines go with it.
    let dropping = false
    for (let i = start + 1; i < end; i++) {
      const line = doc.lines[i]
      if (line.kind === 'key') {
        dropping = keys.includes(line.key!)
        if (!dropping) left++
      }
      if (dropping && (line.kind === 'key' || line.kind === 'continuation')) drop.add(i)
    }
  }
  const emptied = ranges.length > 0 && left === 0
  const kept: IniDocument = {lines: doc.lines.filter((_, i) => !drop.has(i)), eol: doc.eol}
  return options.dropEmpty && emptied ? removeSection(kept, name) : serialize(kept.lines)
}
