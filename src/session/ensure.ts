/**
 * Making sure a profile has a valid session: reuse the cached one, or (under a lock per MFA device,
 * so that many callers cause one prompt and one STS call) get a code, call STS, and keep the result
 * in the cache and in the profile's session profile of the credentials file.
 */
import {configSectionName, loadAwsFiles} from '../aws/files.js'
import {type CachedSession, cacheDir, expiresAt, hashKey, isUsable, readCache, roleCacheFile, sessionCacheFile, writeCache} from './cache.js'
import {writeSessionProfile} from './session-profile.js'
import {stsContext} from '../aws/call-context.js'
import {DEFAULT_DURATION, formatDuration, ROLE_CHAIN_MAX} from '../aws/duration.js'
import {MfaError} from '../cli/errors.js'
import type {Reporter} from '../cli/output.js'
import {acquireLock, type Lock} from '../aws/lock.js'
import {type ResolvedProfile, resolveProfile, type RoleStep, sessionProfileName} from '../aws/profile.js'
import {join} from 'node:path'

export interface EnsureOptions {
  profile: string
  tokenCode?: string
  serialNumber?: string
  /** From --duration. */
  durationSeconds?: number
  force?: boolean
  env?: NodeJS.ProcessEnv
  reporter: Reporter
}

export interface SessionResult {
  resolved: ResolvedProfile
  session: CachedSession
  /** True when STS was called for it now. */
  fresh: boolean
  /** The credentials-file profile that holds it. */
  sessionProfile: string
}

function lockFile(dir: string, ...key: string[]): string {
  return join(dir, `${key[0]}-${hashKey(...key)}.lock`)
}

/** The reporter's spinner around a network call, or just the call. */
function withProgress<T>(reporter: Reporter, text: string, work: () => Promise<T>): Promise<T> {
  return reporter.progress ? reporter.progress(text, work) : work()
}

async function locked(path: string, reporter: Reporter, what: string): Promise<Lock> {
  return acquireLock(path, {
    purpose: what,
    onWait: pid => reporter.say(`mfa: waiting for another mfa process${pid ? ` (pid ${pid})` : ''} ${what}…`),
  })
}

export async function ensureSession(options: EnsureOptions): Promise<SessionResult> {
  const env = options.env ?? process.env
  const files = loadAwsFiles(env)
  const resolved = resolveProfile(files, options.profile, {serialNumber: options.serialNumber, env})
  const req: Request = {resolved, options, env, dir: cacheDir(env), started: Date.now()}
  const sessionProfile = sessionProfileName(options.profile)

  const result =
    resolved.roles.length === 0 ? await mfaSession(req, {durationSeconds: options.durationSeconds, force: options.force}) : await roleSession(req)

  const current = files.credentials.sections.get(sessionProfile)
  const creds = result.session.Credentials
  const regionSet = !resolved.region || files.config.sections.get(configSectionName(sessionProfile))?.region
  if (current?.aws_session_token !== creds.SessionToken || current?.aws_access_key_id !== creds.AccessKeyId || !regionSet) {
    await writeSessionProfile(env, sessionProfile, creds, {profile: options.profile, region: resolved.region})
  }
  return {resolved, session: result.session, fresh: result.fresh, sessionProfile}
}

function warnCorrupt(file: string, problem: string | undefined, reporter: Reporter): void {
  if (problem) reporter.say(`mfa: ignoring the cached session in ${file}: ${problem}; it will be replaced`)
}

/** The cache file that holds (or will hold) a resolved profile's session. */
export function sessionFileFor(resolved: ResolvedProfile, dir: string): string {
  if (resolved.roles.length === 0) return sessionCacheFile(dir, resolved.keys.name, resolved.mfaSerial)
  return roleCacheFile(dir, resolved.name, ...roleIdentity(resolved))
}

function roleIdentity(resolved: ResolvedProfile): string[] {
  return [resolved.mfaSerial, resolved.keys.accessKeyId, ...resolved.roles.flatMap(r => [r.roleArn, r.sessionName ?? '', r.externalId ?? ''])]
}

type Result = {session: CachedSession; fresh: boolean}

/** What one ensureSession call hands to the steps below it. */
interface Request {
  resolved: ResolvedProfile
  options: EnsureOptions
  env: NodeJS.ProcessEnv
  dir: string
  /** When ensureSession started: a session another process made since then counts as new. */
  started: number
}

/**
 * Cache, lock, fetch, store, written once for both kinds of session: a usable cached session is
 * reused; otherwise, under the lock, the cache is read again (another process may have just made
 * one) before fetch() is called and its session kept.
 */
async function cachedOrFetched(req: Request, how: {file: string; lock: string; purpose: string; force?: boolean; usable: (s: CachedSession | undefined) => s is CachedSession; fetch: () => Promise<CachedSession>}): Promise<Result> {
  const first = readCache(how.file)
  if (!how.force && how.usable(first.session)) return {session: first.session, fresh: false}

  const lock = await locked(how.lock, req.options.reporter, how.purpose)
  try {
    const again = readCache(how.file)
    // Someone else made a session while we waited: that is the one to use, even with --force.
    if (how.usable(again.session) && (!how.force || Date.parse(again.session.IssuedAt) >= req.started)) return {session: again.session, fresh: false}
    warnCorrupt(how.file, again.problem, req.options.reporter)
    const session = await how.fetch()
    writeCache(how.file, session)
    return {session, fresh: true}
  } finally {
    lock.release()
  }
}

/** The MFA session (GetSessionToken) of the profile with the long-term keys, one per key profile and device. */
function mfaSession(req: Request, wanted: {durationSeconds?: number; force?: boolean}): Promise<Result> {
  const {keys, mfaSerial} = req.resolved
  return cachedOrFetched(req, {
    file: sessionCacheFile(req.dir, keys.name, mfaSerial),
    lock: lockFile(req.dir, 'device', mfaSerial),
    purpose: `that is getting a session for ${mfaSerial}`,
    force: wanted.force,
    usable: (s): s is CachedSession => isUsable(s) && s.SourceAccessKeyId === keys.accessKeyId && s.SerialNumber === mfaSerial,
    fetch: () => newMfaSession(req, wanted.durationSeconds ?? keys.durationSeconds ?? DEFAULT_DURATION),
  })
}

/** A code (flag, mfa_process or terminal), then GetSessionToken, and whose session it is. */
async function newMfaSession(req: Request, durationSeconds: number): Promise<CachedSession> {
  const {resolved, options, env, dir} = req
  const {keys, mfaSerial} = resolved
  // The secret first (from the OS keyring when mfa_keyring says so): no code is used up on a locked keyring.
  const signing = await (await import('../keys/long-term.js')).withLongTermKeys(resolved)
  const {obtainCode, markUsed} = await import('./token.js')
  const code = await obtainCode({
    profile: keys.name,
    serial: mfaSerial,
    tokenCode: options.tokenCode,
    mfaProcess: resolved.mfaProcess,
    cacheDir: dir,
    say: options.reporter.say,
  })
  const sts = await import('./sts.js')
  markUsed(dir, mfaSerial, code)
  const credentials = await withProgress(options.reporter, 'Getting an MFA session from STS', () =>
    sts.getSessionToken(stsContext(signing, env), {serial: mfaSerial, code, durationSeconds}),
  )
  const identity = await sts.getCallerIdentity(stsContext(resolved, env, {credentials, profile: keys.name})).catch(() => undefined)
  return {
    Version: 1,
    Kind: 'session',
    Profile: keys.name,
    SerialNumber: mfaSerial,
    SourceAccessKeyId: keys.accessKeyId,
    IssuedAt: new Date().toISOString(),
    ...(identity ? {Identity: identity} : {}),
    Credentials: credentials,
  }
}

/** A name for the role session: role_session_name, else the user's name, as the AWS CLI does with botocore-session-<time>. */
function sessionNameFor(step: RoleStep, mfa: CachedSession): string {
  if (step.sessionName) return step.sessionName
  const user = mfa.Identity?.Arn.split('/').pop() ?? mfa.SerialNumber.split('/').pop() ?? 'user'
  return `mfa-${user}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64)
}

/** A role reached through its source_profile chain, on top of the source's MFA session. */
function roleSession(req: Request): Promise<Result> {
  const last = req.resolved.roles.at(-1)!
  const file = sessionFileFor(req.resolved, req.dir)
  return cachedOrFetched(req, {
    file,
    lock: lockFile(req.dir, 'role', file),
    purpose: `that is assuming ${last.roleArn}`,
    force: req.options.force,
    usable: isUsable,
    fetch: () => newRoleSession(req),
  })
}

async function newRoleSession(req: Request): Promise<CachedSession> {
  const last = req.resolved.roles.at(-1)!
  const wanted = req.options.durationSeconds ?? last.durationSeconds ?? ROLE_CHAIN_MAX
  if (wanted > ROLE_CHAIN_MAX) {
    req.options.reporter.say(`mfa: a role assumed with an MFA session lasts at most 1h; asking for 1h instead of ${formatDuration(wanted)}`)
  }
  // The MFA session behind the role lasts as long as the source profile's own sessions (12h by default).
  const mfa = await mfaSession(req, {force: false})
  try {
    return await assumeChain(req, mfa.session, wanted)
  } catch (error) {
    // The cached MFA session was revoked or expired early: get a new one, once.
    if (mfa.fresh || !(error instanceof MfaError) || !/has expired or was revoked/.test(error.message)) throw error
    const renewed = await mfaSession({...req, started: Date.now()}, {force: true})
    return assumeChain(req, renewed.session, wanted)
  }
}

/** AssumeRole along the chain, each step signed with the one before; the last step lasts `wanted` (at most 1h). */
async function assumeChain(req: Request, mfa: CachedSession, wanted: number): Promise<CachedSession> {
  const {resolved, options, env} = req
  const sts = await import('./sts.js')
  const last = resolved.roles.at(-1)!
  let creds = mfa.Credentials
  let assumed: Awaited<ReturnType<typeof sts.assumeRole>> | undefined
  for (const step of resolved.roles) {
    const duration = Math.min(step === last ? wanted : step.durationSeconds ?? ROLE_CHAIN_MAX, ROLE_CHAIN_MAX)
    assumed = await withProgress(options.reporter, `Assuming ${step.roleArn}`, () =>
      sts.assumeRole(stsContext(resolved, env, {credentials: creds, profile: step.profile}), {
        roleArn: step.roleArn,
        sessionName: sessionNameFor(step, mfa),
        durationSeconds: duration,
        externalId: step.externalId,
      }),
    )
    creds = assumed.Credentials
  }
  const user = assumed?.AssumedRoleUser
  return {
    Version: 1,
    Kind: 'role',
    Profile: resolved.name,
    SerialNumber: resolved.mfaSerial,
    SourceAccessKeyId: resolved.keys.accessKeyId,
    RoleArn: last.roleArn,
    IssuedAt: new Date().toISOString(),
    ...(user ? {Identity: {Arn: user.Arn, Account: user.Arn.split(':')[4], UserId: user.AssumedRoleId}} : {}),
    Credentials: creds,
    ...(user ? {AssumedRoleUser: user} : {}),
  }
}

/** Seconds left of a session. */
export function secondsLeft(session: CachedSession, now = Date.now()): number {
  return Math.floor((expiresAt(session) - now) / 1000)
}
