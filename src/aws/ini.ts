/**
 * The AWS shared config and credentials files: read them as the AWS SDKs do, and edit one section
 * while keeping every other byte (comments, order, blank lines, line endings, other sections).
 */
import {MfaError} from '../cli/errors.js'

export type IniLineKind = 'blank' | 'comment' | 'section' | 'key' | 'subkey'

export interface IniLine {
  /** The line without its line ending. */
  readonly text: string
  /** '\n', '\r\n' or '' for a last line without one. */
  readonly eol: string
  readonly kind: IniLineKind
  /** 1-based line number in the file. */
  readonly number: number
  /** For 'section': the name between the brackets, trimmed. */
  readonly section?: string
  /** For 'key' and 'subkey'. */
  readonly key?: string
  readonly value?: string
}

export interface IniDocument {
  readonly lines: readonly IniLine[]
  /** The line ending new lines get: the file's own, '\n' for a new file. */
  readonly eol: string
}

export type IniSection = Record<string, string>

const SECTION = /^\s*\[([^\]]*(?:\][^\]]*)*)\]\s*(?:[#;].*)?$/
const KEY = /^([^=]*?)\s*=\s*(.*?)\s*$/

/** Parses a config or credentials file. Malformed lines fail with the file's name and line number. */
export function parseIni(content: string, fileLabel: string): IniDocument {
  const lines: IniLine[] = []
  const parts = content.split(/(\r?\n)/)
  let crlf = 0
  let lf = 0
  let inSection = false
  let subsection = false
  for (let i = 0, number = 1; i < parts.length; i += 2, number++) {
    const text = parts[i]
    const eol = parts[i + 1] ?? ''
    if (i === parts.length - 1 && text === '') break
    if (eol === '\r\n') crlf++
    else if (eol === '\n') lf++
    const trimmed = text.trim()
    const fail = (what: string): never => {
      throw new MfaError(`${fileLabel} line ${number}: ${what}`, {
        hint: 'Fix that line (its content is not shown: it may hold a secret), then try again.',
      })
    }
    if (trimmed === '') {
      lines.push({text, eol, kind: 'blank', number})
      continue
    }
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) {
      lines.push({text, eol, kind: 'comment', number})
      continue
    }
    if (trimmed.startsWith('[')) {
      const m = SECTION.exec(text)
      if (!m || m[1].trim() === '') fail('malformed section header')
      inSection = true
      subsection = false
      lines.push({text, eol, kind: 'section', number, section: m![1].trim()})
      continue
    }
    const m = KEY.exec(trimmed)
    if (!m || m[1] === '') fail('expected "key = value", "[section]" or a comment')
    if (!inSection) fail('a setting outside of any [section]')
    const indented = /^\s/.test(text)
    if (indented && subsection) {
      lines.push({text, eol, kind: 'subkey', number, key: m![1], value: m![2]})
      continue
    }
    subsection = m![2] === ''
    lines.push({text, eol, kind: 'key', number, key: m![1], value: m![2]})
  }
  return {lines, eol: crlf > lf ? '\r\n' : '\n'}
}

/**
 * Sections by name, as the SDKs see them: a section that appears twice is merged, the later value
 * of a key wins. Sub-settings (indented under a key with an empty value) are kept as `key.sub`.
 */
export function readSections(doc: IniDocument): Map<string, IniSection> {
  const out = new Map<string, IniSection>()
  let current: IniSection | undefined
  let parent = ''
  for (const line of doc.lines) {
    if (line.kind === 'section') {
      current = out.get(line.section!) ?? {}
      out.set(line.section!, current)
    } else if (line.kind === 'key' && current) {
      current[line.key!] = line.value!
      parent = line.key!
    } else if (line.kind === 'subkey' && current) {
      current[`${parent}.${line.key!}`] = line.value!
    }
  }
  return out
}

/**
 * Index ranges [start, end) of every occurrence of a section: its header, its settings, and the
 * blank lines after them. Comments after the last setting belong to what follows and stay.
 */
function sectionRanges(doc: IniDocument, name: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = []
  const {lines} = doc
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].kind !== 'section' || lines[i].section !== name) continue
    let end = i + 1
    for (let j = i + 1; j < lines.length && lines[j].kind !== 'section'; j++) {
      if (lines[j].kind === 'key' || lines[j].kind === 'subkey') end = j + 1
    }
    while (end < lines.length && lines[end].kind === 'blank') end++
    ranges.push([i, end])
  }
  return ranges
}

function serialize(lines: readonly IniLine[]): string {
  return lines.map(l => l.text + l.eol).join('')
}

/** Checks that a section name can be written as a header and read back as the same name. */
export function assertSectionName(name: string): void {
  if (name === '' || name !== name.trim() || /[\]\r\n[]/.test(name)) {
    throw new MfaError(`cannot write a section named "${name}" (brackets, line breaks and outer spaces do not survive a [header])`, {
      hint: 'Rename the profile so that it has none of those.',
    })
  }
}

function assertValue(key: string, value: string): void {
  if (/[\r\n]/.test(value) || value !== value.trim()) {
    throw new MfaError(`cannot write ${key}: a value with line breaks or outer spaces does not survive the file format`)
  }
}

/**
 * Sets keys in a section, creating the section at the end if it is missing. Keys already there are
 * rewritten in place; new keys go after the section's last setting. When the section appears more
 * than once, the later copies are removed, because the AWS CLI refuses a file with a duplicate section.
 * Every other byte of the file is kept.
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
    if (last && last.eol === '') out[out.length - 1] = {...last, eol}
    if (last && last.kind !== 'blank') out.push({text: '', eol, kind: 'blank', number: 0})
    out.push({text: `[${name}]`, eol, kind: 'section', number: 0, section: name})
    for (const [key, value] of Object.entries(values)) out.push(newLine(`${key} = ${value}`))
    return serialize(out)
  }
  // Drop later duplicates, from the end so earlier indexes stay valid.
  for (const [start, end] of ranges.slice(1).reverse()) lines.splice(start, end - start)
  const [start, end] = ranges[0]
  const pending = new Map(Object.entries(values))
  let lastSetting = start
  for (let i = start + 1; i < end; i++) {
    const line = lines[i]
    if (line.kind === 'key' || line.kind === 'subkey') lastSetting = i
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
 * Removes every occurrence of a section (header and body). A blank line that only separated the
 * section from the one before it goes too, so that adding and then removing a section gives back
 * the original bytes.
 */
export function removeSection(doc: IniDocument, name: string): string {
  const lines = [...doc.lines]
  for (const [start, end] of sectionRanges(doc, name).reverse()) {
    const from = end === lines.length && start > 0 && lines[start - 1].kind === 'blank' ? start - 1 : start
    lines.splice(from, end - from)
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
    for (let i = start + 1; i < end; i++) {
      const line = doc.lines[i]
      if (line.kind === 'key' && keys.includes(line.key!)) drop.add(i)
      else if (line.kind === 'key' || line.kind === 'subkey') left++
    }
  }
  const emptied = ranges.length > 0 && left === 0
  const kept: IniDocument = {lines: doc.lines.filter((_, i) => !drop.has(i)), eol: doc.eol}
  return options.dropEmpty && emptied ? removeSection(kept, name) : serialize(kept.lines)
}
