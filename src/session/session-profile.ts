/**
 * The session profiles mfa keeps in the shared credentials file ([mfa], [<profile>-mfa]), so that
 * `aws --profile mfa ...` works. mfa knows what it wrote: a credentials section is its own only
 * when every setting in it is one mfa writes, spelled as mfa spells it, with the expiry mfa stamps
 * it with; a config section only when it holds mfa's source stamp. Anything else of the same name
 * is the user's: mfa never merges into it, overwrites it or deletes it. Every edit holds a lock,
 * re-reads the file under it, changes one section, and replaces the file atomically; every other
 * byte stays as it was.
 */
import {dirname, join} from 'node:path'
import {accessSync, constants, realpathSync, statSync} from 'node:fs'
import {type AwsFiles, configPath, configSectionName, credentialsPath, displayPath, type LoadedFile, loadIniFile, removeIniFile} from '../aws/files.js'
import {profileOfSessionProfile} from '../aws/profile.js'
import {cacheDir, hashKey, type StsCredentials} from './cache.js'
import {MfaError} from '../cli/errors.js'
import {ensurePrivateDir, writeAwsFile} from '../aws/private-files.js'
import {encodeText} from '../aws/bytes.js'
import {assertSectionName, type IniDocument, type IniSection, removeKeysOrSection, setSection, writtenKey} from '../aws/ini.js'
import {withLock} from '../aws/lock.js'

export const EXPIRY_KEY = 'x_security_token_expires'
/** Marks a config section mfa wrote for a session profile (the SDKs ignore keys they do not know). */
export const SOURCE_KEY = 'mfa_source_profile'

/** What mfa writes in each file, and the key that says mfa wrote it. */
const CREDENTIALS = {keys: new Set(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', EXPIRY_KEY]), stamp: EXPIRY_KEY, othersAllowed: false}
/** Keys the user adds to [profile mfa] (`aws configure set output json --profile mfa`) are theirs and stay. */
const CONFIG = {keys: new Set(['region', SOURCE_KEY]), stamp: SOURCE_KEY, othersAllowed: true}
type Kind = typeof CREDENTIALS

export function sessionSection(creds: StsCredentials): IniSection {
  return {
    aws_access_key_id: creds.AccessKeyId,
    aws_secret_access_key: creds.SecretAccessKey,
    aws_session_token: creds.SessionToken,
    [EXPIRY_KEY]: creds.Expiration,
  }
}

/**
 * Every section of a file that mfa wrote, in one pass: its settings are mfa's keys, each once,
 * spelled exactly as mfa writes them (botocore lower-cases names, so `AWS_SESSION_TOKEN` would be
 * a second copy of mfa's key), on one line each, with the stamp. Any other setting (unless the
 * kind allows the user's own keys) makes the section the user's.
 */
function ownSections(doc: IniDocument, kind: Kind): Set<string> {
  const state = new Map<string, {seen: Set<string>; foreign: boolean}>()
  let current: {seen: Set<string>; foreign: boolean} | undefined
  let lastMine = false
  for (const line of doc.lines) {
    if (line.kind === 'section') {
      current = state.get(line.section!) ?? {seen: new Set(), foreign: false}
      state.set(line.section!, current)
    } else if (line.kind === 'key' && current) {
      lastMine = kind.keys.has(line.key!)
      if (lastMine && (writtenKey(line) !== line.key || current.seen.has(line.key!))) current.foreign = true
      else if (!lastMine && !kind.othersAllowed) current.foreign = true
      current.seen.add(line.key!)
    } else if (line.kind === 'continuation' && current && (lastMine || !kind.othersAllowed)) current.foreign = true
  }
  const out = new Set<string>()
  for (const [name, s] of state) if (!s.foreign && s.seen.has(kind.stamp)) out.add(name)
  return out
}

/** The section names of a session profile, and whether each is absent, mfa's, or the user's. */
function owners(files: {config: LoadedFile; credentials: LoadedFile}, name: string): {credentials: Owner; config: Owner} {
  const section = configSectionName(name)
  const owner = (file: LoadedFile, key: string, kind: Kind): Owner =>
    !file.sections.has(key) ? 'none' : ownSections(file.doc, kind).has(key) ? 'mfa' : 'user'
  return {credentials: owner(files.credentials, name, CREDENTIALS), config: owner(files.config, section, CONFIG)}
}
type Owner = 'none' | 'mfa' | 'user'

function takenError(file: LoadedFile, section: string, name: string, env: NodeJS.ProcessEnv): MfaError {
  const of = profileOfSessionProfile(name) ?? name
  return new MfaError(`[${section}] in ${displayPath(file.path, env)} is not a section mfa wrote; mfa would keep the session of profile "${of}" there, and will not take it over`, {
    hint: `Rename your profile "${name}" (or remove that section), then try again.`,
  })
}

/** Fails when a session profile's sections belong to the user; nothing is changed. */
function assertOurs(files: {config: LoadedFile; credentials: LoadedFile}, name: string, env: NodeJS.ProcessEnv): void {
  const who = owners(files, name)
  if (who.credentials === 'user') throw takenError(files.credentials, name, name, env)
  if (who.config === 'user') throw takenError(files.config, configSectionName(name), name, env)
}

/**
 * A file mfa is about to change can be: checked before a one-time code is spent on a session it
 * could not keep. mfa replaces the file by a rename, so what counts is its directory; a file of mode
 * 0400 is fine. The file itself counts when it is on a read-only mount, or has hard links (then it
 * is written in place).
 */
function assertWritable(path: string, env: NodeJS.ProcessEnv): void {
  let target = path
  try {
    target = realpathSync(path)
    accessSync(target, constants.W_OK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EROFS' || (code === 'EACCES' && statSync(target).nlink > 1)) throw notWritable(path, env, code)
  }
  try {
    accessSync(dirname(target), constants.W_OK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ENOENT') throw notWritable(dirname(target), env, code)
  }
}

function notWritable(path: string, env: NodeJS.ProcessEnv, code?: string): MfaError {
  const where = displayPath(path, env)
  return new MfaError(`cannot write ${where}: ${code === 'EROFS' ? 'the file system is read-only' : 'permission denied'}; no code was used`, {
    hint: code === 'EROFS' ? 'Use a writable HOME, or point AWS_SHARED_CREDENTIALS_FILE to a writable place.' : `Make it writable (chmod u+w ${where}), or point AWS_SHARED_CREDENTIALS_FILE elsewhere.`,
  })
}

/**
 * What can be checked before a code is spent on a session that `login` then could not keep in its
 * session profile: a name that can be a section, sections that are not the user's, files that can
 * be written.
 */
export function checkSessionProfile(files: AwsFiles, name: string, env: NodeJS.ProcessEnv): void {
  // Every line of both files, as the edits after the code will read them: a line botocore refuses is found now.
  void files.config.doc
  void files.credentials.doc
  assertSectionName(name)
  assertOurs(files, name, env)
  assertWritable(files.credentials.path, env)
}

function lockPath(env: NodeJS.ProcessEnv, file: string): string {
  let real = file
  try {
    real = realpathSync(file)
  } catch {}
  const dir = cacheDir(env)
  ensurePrivateDir(dir)
  return join(dir, `credentials-${hashKey('credentials', real)}.lock`)
}

/**
 * Edits one of the AWS files under its lock: read, change, atomic replace (only when it changed).
 * An edit that leaves a file empty removes it: a file mfa created goes again on logout.
 */
export async function editIniFile<T>(env: NodeJS.ProcessEnv, path: string, edit: (file: LoadedFile) => {content?: string; result: T}): Promise<T> {
  return withLock(
    lockPath(env, path),
    async () => {
      const file = loadIniFile(path, env)
      const {content, result} = edit(file)
      if (content === undefined || content === file.content) return result
      if (content === '' && file.exists) removeIniFile(path, env)
      else writeAwsFile(path, encodeText(content, file.encoding))
      return result
    },
    {purpose: `that is editing ${displayPath(path, env)}`},
  )
}

/**
 * Writes (or refreshes) a session profile in the credentials file. Refuses a section of that name
 * that mfa did not write. When the source profile has a region, the session profile gets it too, in
 * the config file, so that `aws --profile mfa ...` runs in the same region.
 */
export async function writeSessionProfile(env: NodeJS.ProcessEnv, name: string, creds: StsCredentials, source?: {profile: string; region?: string}): Promise<void> {
  const config = loadIniFile(configPath(env), env)
  await editIniFile(env, credentialsPath(env), file => {
    assertOurs({config, credentials: file}, name, env)
    const existing = file.sections.get(name)
    const wanted = sessionSection(creds)
    const same = existing && Object.entries(wanted).every(([k, v]) => existing[k] === v)
    return {content: same ? undefined : setSection(file.doc, name, wanted), result: undefined}
  })
  if (source?.region) await writeSessionRegion(env, name, source.profile, source.region)
}

async function writeSessionRegion(env: NodeJS.ProcessEnv, name: string, source: string, region: string): Promise<void> {
  await editIniFile(env, configPath(env), file => {
    const section = configSectionName(name)
    const existing = file.sections.get(section)
    if (existing && !ownSections(file.doc, CONFIG).has(section)) return {result: undefined}
    if (existing && existing.region === region && existing[SOURCE_KEY] === source) return {result: undefined}
    return {content: setSection(file.doc, section, {region, [SOURCE_KEY]: source}), result: undefined}
  })
}

/**
 * The session profiles mfa wrote: credentials sections named [mfa] or [<profile>-mfa] that are
 * mfa's own, and config sections with the source mfa records. Completion leaves them out;
 * `logout --all` removes them.
 */
export function writtenSessionProfiles(files: AwsFiles): Set<string> {
  const names = new Set<string>()
  for (const name of ownSections(files.credentials.doc, CREDENTIALS)) if (profileOfSessionProfile(name) !== undefined) names.add(name)
  for (const name of ownSections(files.config.doc, CONFIG)) names.add(name === 'default' ? name : name.replace(/^profile /, '').trim())
  return names
}

/** The profile a session profile that mfa wrote was made from; undefined when mfa did not write it. */
export function sourceOfSessionProfile(files: AwsFiles, name: string): string | undefined {
  if (profileOfSessionProfile(name) === undefined || owners(files, name).credentials !== 'mfa') return undefined
  return files.config.sections.get(configSectionName(name))?.[SOURCE_KEY] || profileOfSessionProfile(name)
}

/**
 * Removes what mfa wrote of a session profile, the inverse of writeSessionProfile; false when there
 * was nothing of mfa's. The user's sections, and keys the user added to mfa's, stay.
 */
export async function removeSessionProfile(env: NodeJS.ProcessEnv, name: string): Promise<boolean> {
  const config = await editIniFile(env, configPath(env), file => {
    const section = configSectionName(name)
    if (!ownSections(file.doc, CONFIG).has(section)) return {result: false}
    return {content: removeKeysOrSection(file.doc, section, CONFIG.keys), result: true}
  })
  const credentials = await editIniFile(env, credentialsPath(env), file => {
    if (!ownSections(file.doc, CREDENTIALS).has(name)) return {result: false}
    return {content: removeKeysOrSection(file.doc, name, CREDENTIALS.keys), result: true}
  })
  return config || credentials
}
