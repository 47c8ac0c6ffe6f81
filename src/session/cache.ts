/**
 * The private session cache: one JSON file per session, as STS issued it, in a 0700 directory
 * (~/.aws/mfa, or MFA_CACHE_DIR). Locks and the record of used codes live there too.
 */
import {chmodSync, lstatSync, readdirSync, statSync, unlinkSync} from 'node:fs'
import {join} from 'node:path'
import {displayPath, homeDir} from '../aws/files.js'
import {ensurePrivateDir, notAFile, readPrivateFile, writeFileAtomic} from '../aws/private-files.js'
import {MfaError} from '../cli/errors.js'
import {say} from '../cli/output.js'
import {rememberSecret} from '../cli/redact.js'

export interface StsCredentials {
  AccessKeyId: string
  SecretAccessKey: string
  SessionToken: string
  /** RFC 3339, UTC. */
  Expiration: string
}

export interface CachedSession {
  Version: 1
  Kind: 'session' | 'role'
  /** The profile the session was made for (the source profile for an MFA session). */
  Profile: string
  SerialNumber: string
  /** Long-term key the session was made with: a rotated key makes a new session. */
  SourceAccessKeyId: string
  RoleArn?: string
  /** When mfa received it (RFC 3339). */
  IssuedAt: string
  /** From GetCallerIdentity, when known. */
  Identity?: {Arn: string; Account: string; UserId: string}
  Credentials: StsCredentials
  AssumedRoleUser?: {Arn: string; AssumedRoleId: string}
}

/** A session is reused while it has more than this left. */
export const REUSE_MARGIN_MS = 5 * 60_000

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MFA_CACHE_DIR || join(homeDir(env), '.aws', 'mfa')
}

/**
 * A short, stable name for a key (FNV-1a, 64 bits as two 32-bit lanes). It names files, it guards
 * nothing: node:crypto would cost every start of `mfa env` a few milliseconds to load.
 */
export function hashKey(...parts: string[]): string {
  const text = parts.join('\0')
  let a = 0x811c9dc5
  let b = 0xcbf29ce4
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193) >>> 0
    b = Math.imul(b ^ c ^ (a >>> 7), 0x01000193) >>> 0
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')
}

/** A file name that stays readable for people and safe for any profile name. */
function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 40)
}

/**
 * The MFA session (GetSessionToken) of a long-term key and an MFA device. It is keyed by the two,
 * not by a profile: profiles that share keys and device share one session, so parallel logins of
 * them cost one code and one call. Named after the device (the last part of its ARN) for people.
 */
export function sessionCacheFile(dir: string, accessKeyId: string, serial: string): string {
  return join(dir, `session-${slug(serial.split('/').pop() ?? serial)}-${hashKey('session', accessKeyId, serial)}.json`)
}

export function roleCacheFile(dir: string, profile: string, ...identity: string[]): string {
  return join(dir, `role-${slug(profile)}-${hashKey('role', profile, ...identity)}.json`)
}

export function expiresAt(session: CachedSession): number {
  return Date.parse(session.Credentials.Expiration)
}

export function isUsable(session: CachedSession | undefined, now = Date.now()): session is CachedSession {
  return Boolean(session) && expiresAt(session!) - now > REUSE_MARGIN_MS
}

export type ReadResult = {session?: CachedSession; problem?: string}

/**
 * Reads a cache file. A missing file is no session; a corrupt one, one of the wrong shape, a link,
 * a FIFO or another user's file is reported and treated as none.
 */
export function readCache(file: string): ReadResult {
  const read = readPrivateFile(file, mode => tightened(file, 'the cached session', 'readable by others', mode))
  if (read.content === undefined) return {problem: read.problem}
  let data: unknown
  try {
    data = JSON.parse(read.content)
  } catch {
    return {problem: 'it is not valid JSON (corrupt or truncated)'}
  }
  if (!isCachedSession(data)) return {problem: 'it does not hold a session'}
  rememberSecret(data.Credentials.SecretAccessKey)
  rememberSecret(data.Credentials.SessionToken)
  return {session: data}
}

/** A value that can go into a shell statement, an INI line and an SDK call as it is. */
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && !/[\x00-\x1f\x7f]/.test(v)
const isDate = (v: unknown): boolean => isText(v) && !Number.isNaN(Date.parse(v))
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const optional = (v: unknown, check: (o: Record<string, unknown>) => boolean) => v === undefined || (isObject(v) && check(v))

/** The one check of a cache file's shape: every field mfa or a command reads has the type it is read as. */
export function isCachedSession(data: unknown): data is CachedSession {
  if (!isObject(data) || data.Version !== 1 || (data.Kind !== 'session' && data.Kind !== 'role')) return false
  const c = data.Credentials
  return (
    isText(data.Profile) &&
    typeof data.SerialNumber === 'string' &&
    typeof data.SourceAccessKeyId === 'string' &&
    isDate(data.IssuedAt) &&
    (data.RoleArn === undefined || isText(data.RoleArn)) &&
    isObject(c) &&
    isText(c.AccessKeyId) &&
    isText(c.SecretAccessKey) &&
    isText(c.SessionToken) &&
    isDate(c.Expiration) &&
    optional(data.Identity, i => isText(i.Arn) && isText(i.Account) && isText(i.UserId)) &&
    optional(data.AssumedRoleUser, u => isText(u.Arn) && isText(u.AssumedRoleId))
  )
}

export function writeCache(file: string, session: CachedSession): void {
  ensureCacheDir(join(file, '..'))
  writeFileAtomic(file, JSON.stringify(session, null, 2) + '\n', {followLinks: false})
}

function tightened(path: string, what: string, was: string, mode: number): void {
  say(`mfa: ${what} ${displayPath(path)} was ${was} (${mode.toString(8).padStart(4, '0')}); it is now private`)
}

/**
 * Makes sure the cache directory exists and is the user's own and private before anything is kept
 * there. A directory of the user's that is open to others is made 0700 and the user told; one that
 * belongs to someone else, or is shared on purpose (the sticky bit, as /tmp has), is refused: others
 * could plant links or sessions in it, and it must never be closed to the others who share it.
 */
export function ensureCacheDir(dir: string): void {
  ensurePrivateDir(dir)
  let stat
  try {
    stat = statSync(dir)
  } catch (error) {
    throw new MfaError(`could not use the session cache ${displayPath(dir)}: ${(error as Error).message}`)
  }
  const hint = 'Set MFA_CACHE_DIR to a directory of your own that only you can open (mode 0700), or unset it.'
  if (!stat.isDirectory()) throw new MfaError(`the session cache ${displayPath(dir)} is ${notAFile(stat)}, not a directory`, {hint})
  const uid = process.getuid?.()
  if (uid !== undefined && stat.uid !== uid) {
    throw new MfaError(`the session cache ${displayPath(dir)} belongs to another user (uid ${stat.uid}); mfa keeps sessions only in a directory of yours`, {hint})
  }
  const mode = stat.mode & 0o7777
  if (!(mode & 0o077)) return
  if (mode & 0o1000) {
    throw new MfaError(`the session cache ${displayPath(dir)} is a shared directory (${mode.toString(8).padStart(4, '0')}); mfa keeps sessions only in a private one`, {hint})
  }
  chmodSync(dir, mode & 0o700)
  tightened(dir, 'the session cache', 'open to others', mode)
}

/**
 * Checked before a code is spent: the cache file can be replaced by a rename. A link, FIFO or stray
 * file there is replaced (never followed); a directory cannot be.
 */
export function checkCacheFile(file: string): void {
  try {
    if (lstatSync(file).isDirectory()) {
      throw new MfaError(`${displayPath(file)} is a directory, where mfa keeps a session`, {hint: 'Remove it (it is not mfa\'s), then try again.'})
    }
  } catch (error) {
    if (error instanceof MfaError) throw error
  }
}

export function removeCache(file: string): boolean {
  try {
    unlinkSync(file)
    return true
  } catch {
    return false
  }
}

/** Every cached session, for `logout --all`. */
export function listCache(dir: string): Array<{file: string} & ReadResult> {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names
    .filter(n => /^(session|role)-.*\.json$/.test(n))
    .sort()
    .map(n => ({file: join(dir, n), ...readCache(join(dir, n))}))
}
