/**
 * The private session cache: one JSON file per session, as STS issued it, in a 0700 directory
 * (~/.aws/mfa, or MFA_CACHE_DIR). Locks and the record of used codes live there too.
 */
import {chmodSync, readdirSync, readFileSync, statSync, unlinkSync} from 'node:fs'
import {join} from 'node:path'
import {displayPath, homeDir} from '../aws/files.js'
import {ensurePrivateDir, writeFileAtomic} from '../aws/private-files.js'

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

export function sessionCacheFile(dir: string, profile: string, serial: string): string {
  return join(dir, `session-${slug(profile)}-${hashKey('session', profile, serial)}.json`)
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

/** Reads a cache file. A missing file is no session; a corrupt one is reported and treated as none. */
export function readCache(file: string): ReadResult {
  let raw: string
  try {
    raw = readFileSync(file, 'utf8')
  } catch {
    return {}
  }
  tightenFile(file)
  try {
    const data = JSON.parse(raw) as CachedSession
    const c = data?.Credentials
    if (data?.Version !== 1 || !c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || Number.isNaN(Date.parse(c.Expiration))) {
      return {problem: 'it does not hold a session'}
    }
    return {session: data}
  } catch {
    return {problem: 'it is not valid JSON (corrupt or truncated)'}
  }
}

export function writeCache(file: string, session: CachedSession): void {
  const dir = join(file, '..')
  ensurePrivateDir(dir)
  tightenDir(dir)
  writeFileAtomic(file, JSON.stringify(session, null, 2) + '\n')
}

/**
 * Makes a cache file (0600) or the cache directory (0700) private when group or others have any
 * access to it, and tells the user; a narrower mode is kept.
 */
function tighten(path: string, keep: number, what: string, was: string): void {
  try {
    const mode = statSync(path).mode & 0o777
    if (mode & 0o077) {
      chmodSync(path, mode & keep)
      process.stderr.write(`mfa: ${what} ${displayPath(path)} was ${was} (${mode.toString(8).padStart(4, '0')}); it is now private\n`)
    }
  } catch {}
}

const tightenFile = (file: string) => tighten(file, 0o600, 'the cached session', 'readable by others')
const tightenDir = (dir: string) => tighten(dir, 0o700, 'the session cache', 'open to others')

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
