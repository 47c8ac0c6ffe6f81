/**
 * Where the AWS files are and what they say about a profile. Paths honour AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE as the SDKs and the AWS CLI do.
 */
import {closeSync, fstatSync, openSync, readFileSync, readSync, statSync, unlinkSync} from 'node:fs'
import {join, sep} from 'node:path'
import {MfaError} from '../cli/errors.js'
import {keepName} from '../cli/redact.js'
import {os} from '../startup/builtins.js'
import {decodeBytes, type TextEncoding} from './bytes.js'
import {type BlockSource, blockSource, bufferSource, type ByteSource, type IniDocument, type IniSection, firstHeaderInBytes, lineNumberAtByte, parseIni, readSections, sectionSpansInBytes} from './ini.js'

/**
 * The home directory. HOME set but empty is refused: Node would answer '' and every path would be
 * relative to the current directory (./.aws), and the AWS CLI would read /.aws; neither is the user's.
 */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || env.USERPROFILE || (env.HOME === '' ? '' : os().homedir())
  if (!home) {
    throw new MfaError('HOME is empty, so there is no ~/.aws to use', {
      hint: 'Set HOME to your home directory (or AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and MFA_CACHE_DIR to absolute paths).',
    })
  }
  return home
}

/**
 * A path from AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE, expanded as botocore does
 * (os.path.expandvars(os.path.expanduser(path))): a leading ~, then $NAME and ${NAME} of variables
 * that are set; others stay as written.
 */
export function expandPath(path: string, env: NodeJS.ProcessEnv): string {
  // ~\ too where \ is the separator (Windows), as the AWS CLI expands it there.
  const home = path === '~' || path.startsWith('~/') || path.startsWith(`~${sep}`) ? join(homeDir(env), path.slice(1)) : path
  return home.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const value = env[name.startsWith('{') ? name.slice(1, -1) : name]
    return value === undefined ? whole : value
  })
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return expandPath(env.AWS_CONFIG_FILE || join(homeDir(env), '.aws', 'config'), env)
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return expandPath(env.AWS_SHARED_CREDENTIALS_FILE || join(homeDir(env), '.aws', 'credentials'), env)
}

/** A path as users know it: ~ for the home directory. */
export function displayPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || env.USERPROFILE || (env.HOME === undefined ? os().homedir() : '')
  return home && path.startsWith(home + sep) ? '~' + path.slice(home.length) : path
}

export interface LoadedFile {
  path: string
  /** The text, '' when the file does not exist; bytes that are not UTF-8 as lone surrogates (see bytes.ts). */
  readonly content: string
  readonly encoding: TextEncoding
  exists: boolean
  /** Every line, parsed on first use. */
  readonly doc: IniDocument
  /**
   * Sections by name, as the SDKs see them. get() and has() parse only the lines of that section
   * when the file allows it (see indexSections); iterating parses the whole file, once.
   */
  readonly sections: ReadonlyMap<string, IniSection>
  /**
   * Sections the command will read: a large file finds them in the same pass as the next one it
   * searches for (a pass reads the whole file).
   */
  expect(names: readonly string[]): void
}

/**
 * Above this size a file is searched a block at a time for the sections a command asks for, and
 * read whole only when something asks for all of it: reading 1 MB into fresh memory costs ~1 ms,
 * searching it through one block that stays in the CPU's cache ~0.2 ms.
 */
const WHOLE_MAX = 256 * 1024

const closeQuietly = (fd: number) => {
  try {
    closeSync(fd)
  } catch {}
}
/** Closes the file of a large LoadedFile that is no longer used (a long-lived process loads many). */
const openFiles = new FinalizationRegistry<number>(closeQuietly)

export function loadIniFile(path: string, env: NodeJS.ProcessEnv = process.env): LoadedFile {
  // Empty when the file does not exist; undefined when it is large (open).
  let bytes: Buffer | undefined = Buffer.alloc(0)
  let open: {fd: number; size: number} | undefined
  let exists = true
  try {
    const size = regularFileSize(path, env)
    if (size !== undefined && size > WHOLE_MAX) {
      // One open file for every read that follows: the same file even if it is replaced meanwhile.
      const fd = openSync(path, 'r')
      open = {fd, size: fstatSync(fd).size}
      bytes = undefined
    } else bytes = readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (error instanceof MfaError) throw error
    if (code === 'ENOENT') exists = false
    else if (code === 'EISDIR') throw new MfaError(`${displayPath(path, env)} is a directory, not a file`)
    else if (code === 'EACCES') {
      throw new MfaError(`cannot read ${displayPath(path, env)}: permission denied`, {
        hint: `Make it readable by you: chmod 600 ${displayPath(path, env)}`,
      })
    } else throw error
  }
  const file = lazyFile({path, bytes, open, exists}, displayPath(path, env))
  if (open) openFiles.register(file, open.fd, open)
  return file
}

/**
 * A file whose bytes are decoded and parsed only as far as a command needs them: a command that
 * reads three sections of a file with 100,000 profiles finds their headers in the bytes, and
 * decodes and parses those sections and the lines before the first header. Every part is parsed
 * at most once; the whole text is decoded only when something asks for it (doc, content, a list).
 * A large file (open) is not even read whole until then: its sections are found a block at a time.
 */
function lazyFile(base: {path: string; bytes?: Buffer; open?: {fd: number; size: number}; exists: boolean}, label: string): LoadedFile {
  const {open} = base
  let whole = base.bytes
  let blocks: BlockSource | undefined
  const inBlocks = () => (blocks ??= blockSource(open!.size, (buffer, position) => readSync(open!.fd, buffer, 0, buffer.length, position)))
  const bytes = (): Buffer => {
    if (whole) return whole
    whole = inBlocks().slice(0, open!.size)
    // Read whole, the file is not needed any more.
    openFiles.unregister(open!)
    closeQuietly(open!.fd)
    return whole
  }
  let decoded: {text: string; encoding: TextEncoding} | undefined
  const text = () => (decoded ??= decodeBytes(bytes()))
  let latin1: string | undefined
  const asLatin1 = () => (latin1 ??= bytes().toString('latin1'))
  const source = (): ByteSource => (whole ? bufferSource(whole, asLatin1) : inBlocks())
  let doc: IniDocument | undefined
  let all: Map<string, IniSection> | undefined
  let preambleChecked = false
  const one = new Map<string, IniSection | undefined>()
  const parse = () => (doc ??= parseIni(text().text, label))
  const full = () => (all ??= readSections(parse()))
  const part = (from: number, to: number): IniDocument => {
    const partText = decodeBytes(source().slice(from, to)).text
    try {
      return parseIni(partText, label)
    } catch {
      return parseIni(partText, label, lineNumberAtByte(bytes(), from))
    }
  }
  const section = (name: string): IniSection | undefined => {
    if (all) return all.get(name)
    if (one.has(name)) return one.get(name)
    const spans = sectionSpansInBytes(source(), name)
    if (!spans) return full().get(name)
    // What precedes the first header is checked as the whole file would be: a setting there is refused.
    if (!preambleChecked) parseIni(decodeBytes(source().slice(0, firstHeaderInBytes(source()))).text, label)
    preambleChecked = true
    let merged: IniSection | undefined
    for (const [from, to] of spans) {
      const lines = part(from, to).lines
      if (lines.filter(l => l.kind === 'section').length > 1) return full().get(name)
      merged = Object.assign(merged ?? {}, readSections({lines, eol: '\n'}).get(name))
    }
    one.set(name, merged)
    return merged
  }
  const sections: ReadonlyMap<string, IniSection> = {
    get: section,
    has: name => section(name) !== undefined,
    get size() {
      return full().size
    },
    keys: () => full().keys(),
    values: () => full().values(),
    entries: () => full().entries(),
    forEach: (fn, self) => full().forEach(fn, self),
    [Symbol.iterator]: () => full()[Symbol.iterator](),
  }
  return {
    path: base.path,
    exists: base.exists,
    get content() {
      return text().text
    },
    get encoding() {
      return text().encoding
    },
    get doc() {
      return parse()
    },
    sections,
    expect(names) {
      // A file in memory is searched where it lies; only one read in blocks reads in passes.
      if (!whole) inBlocks().expect(names.map(n => Buffer.from(n, 'utf8')))
    },
  }
}

/**
 * The AWS files are regular files or links to one (a dangling link counts as a file to come: a
 * dotfile manager's link is written through). A device, FIFO or socket is refused: reading one may
 * block, and replacing one with a file would break the system. The size of the file; undefined when
 * there is none (yet).
 */
function regularFileSize(path: string, env: NodeJS.ProcessEnv): number | undefined {
  let stat
  try {
    stat = statSync(path)
  } catch {
    return undefined
  }
  if (stat.isDirectory()) throw new MfaError(`${displayPath(path, env)} is a directory, not a file`)
  if (!stat.isFile()) {
    throw new MfaError(`${displayPath(path, env)} is not a regular file (a device, FIFO or socket); mfa reads and writes the AWS files only as files`, {
      hint: 'Point AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE at a regular file.',
    })
  }
  return stat.size
}

/** Removes a file that an edit left empty (the inverse of creating it). */
export function removeIniFile(path: string, env: NodeJS.ProcessEnv = process.env): void {
  try {
    unlinkSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new MfaError(`could not remove the empty file ${displayPath(path, env)}: ${(error as Error).message}`)
  }
}

export interface AwsFiles {
  config: LoadedFile
  credentials: LoadedFile
}

export function loadAwsFiles(env: NodeJS.ProcessEnv = process.env): AwsFiles {
  return {config: loadIniFile(configPath(env), env), credentials: loadIniFile(credentialsPath(env), env)}
}

/** Profiles a command will read: a large file is then read once for all of them (LoadedFile.expect). */
export function expectProfiles(files: AwsFiles, profiles: readonly string[]): void {
  files.config.expect(profiles.map(configSectionName))
  files.credentials.expect(profiles)
}

/** The config file's section for a profile: [default] or [profile NAME]. */
export function configSectionName(profile: string): string {
  return profile === 'default' ? 'default' : `profile ${profile}`
}

/**
 * A profile's settings: the config file's [profile NAME] (or [default]) merged with the
 * credentials file's [NAME], where the credentials file wins, as in the SDKs.
 * undefined when neither file has the profile.
 */
export function profileSettings(files: AwsFiles, profile: string): IniSection | undefined {
  const fromConfig =
    files.config.sections.get(configSectionName(profile)) ??
    (profile === 'default' ? files.config.sections.get('profile default') : undefined)
  const fromCredentials = files.credentials.sections.get(profile)
  if (!fromConfig && !fromCredentials) return undefined
  return {...fromConfig, ...fromCredentials}
}

/** Every profile name either file knows. */
export function profileNames(files: AwsFiles): string[] {
  const names = new Set<string>()
  for (const section of files.config.sections.keys()) {
    if (section === 'default') names.add('default')
    else if (section.startsWith('profile ')) names.add(section.slice('profile '.length).trim())
  }
  for (const section of files.credentials.sections.keys()) names.add(section)
  // These names go into hints ("Known profiles: ..."): shown as written, however long.
  for (const name of names) keepName(name)
  return [...names].sort()
}
