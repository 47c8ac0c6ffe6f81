/**
 * Making sure a profile has a valid session: reuse the cached one, or (under a lock per MFA device,
 * so that many callers cause one prompt and one STS call) get a code, call STS, and keep the result
 * in the cache and in the profile's session profile of the credentials file.
 */
import {type AwsFiles, configSectionName, loadAwsFiles} from '../aws/files.js'
import {type CachedSession, cacheDir, checkCacheFile, ensureCacheDir, expiresAt, hashKey, isUsable, readCache, roleCacheFile, sessionCacheFile, writeCache} from './cache.js'
import {checkSessionProfile, writeSessionProfile} from './session-profile.js'
import {stsContext} from '../aws/call-context.js'
import {DEFAULT_DURATION, formatDuration, ROLE_CHAIN_MAX} from '../aws/duration.js'
import {MfaError} from '../cli/errors.js'
import {type Reporter, stderr} from '../cli/output.js'
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
  /** The AWS files as the command read them for this call (read here when absent): a command reads them once. */
  files?: AwsFiles
  reporter: Reporter
  /**
   * The session profile ([<profile>-mfa]) in the credentials file: `login` keeps the session there
   * and checks before the code that it can; for env and exec it is a service that may fail with a
   * warning; credential-process never writes it (the README's recipe names that very profile in
   * the config file, and static keys in the credentials file would shadow its credential_process).
   */
  sessionProfile?: 'required' | 'service' | 'none'
  /** Whether a cached session of the profile is still good enough; default: more than 5 minutes left. */
  reuse?: (session: CachedSession, resolved: ResolvedProfile) => boolean
  /** From --prompt: how to ask for a code (a prompt driver's name or a command). */
  prompt?: string
  /** false: never ask on the terminal (the exec server: the terminal is the command's). */
  terminal?: boolean
  /** false: ask no one (no terminal, no dialog): only --token-code or mfa_process give a code. */
  ask?: boolean
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
  const files = options.files ?? loadAwsFiles(env)
  const resolved = resolveProfile(files, options.profile, {serialNumber: options.serialNumber, env})
  const req: Request = {resolved, options, env, dir: cacheDir(env), started: Date.now()}
  const sessionProfile = sessionProfileName(options.profile)
  const keep = options.sessionProfile ?? 'required'
  if (keep === 'required') checkSessionProfile(files, sessionProfile, env)

  const result =
    resolved.roles.length === 0 ? await mfaSession(req, {durationSeconds: options.durationSeconds, force: options.force}) : await roleSession(req)

  if (keep !== 'none') await keepInSessionProfile({files, resolved, options, sessionProfile, result, env})
  return {resolved, session: result.session, fresh: result.fresh, sessionProfile}
}

/** Writes the session to its session profile when that is not already there; for 'service' callers a failure is a warning, given once per new session. */
async function keepInSessionProfile(a: {files: AwsFiles; resolved: ResolvedProfile; options: EnsureOptions; sessionProfile: string; result: Result; env: NodeJS.ProcessEnv}): Promise<void> {
  const current = a.files.credentials.sections.get(a.sessionProfile)
  const creds = a.result.session.Credentials
  const regionSet = !a.resolved.region || a.files.config.sections.get(configSectionName(a.sessionProfile))?.region
  if (current?.aws_session_token === creds.SessionToken && current?.aws_access_key_id === creds.AccessKeyId && regionSet) return
  try {
    await writeSessionProfile(a.env, a.sessionProfile, creds, {profile: a.options.profile, region: a.resolved.region})
  } catch (error) {
    if (a.options.sessionProfile !== 'service' || !(error instanceof MfaError)) throw error
    if (a.result.fresh) a.options.reporter.say(`mfa: the session is cached, but not kept in profile "${a.sessionProfile}": ${error.message}`)
  }
}

function warnCorrupt(file: string, problem: string | undefined, reporter: Reporter): void {
  if (problem) reporter.say(`mfa: ignoring the cached session in ${file}: ${problem}; it will be replaced`)
}

/** The cache file that holds (or will hold) a resolved profile's session. */
export function sessionFileFor(resolved: ResolvedProfile, dir: string): string {
  if (resolved.roles.length === 0) return mfaSessionFileFor(resolved, dir)
  return roleCacheFile(dir, resolved.name, ...roleIdentity(resolved))
}

/** The cache file of the MFA session behind a resolved profile (its own, or its role's): one per long-term key and device. */
export function mfaSessionFileFor(resolved: ResolvedProfile, dir: string): string {
  return sessionCacheFile(dir, resolved.keys.accessKeyId, resolved.mfaSerial)
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
  // What can be checked is checked before a code is spent.
  ensureCacheDir(req.dir)
  checkCacheFile(how.file)

  const lock = await locked(how.lock, req.options.reporter, how.purpose)
  try {
    const again = readCache(how.file)
    // Someone else made a session while we waited: that is the one to use, even with --force.
    if (how.usable(again.session) && (!how.force || Date.parse(again.session.IssuedAt) >= req.started)) return {session: again.session, fresh: false}
    warnCorrupt(how.file, again.problem, req.options.reporter)
    const session = await how.fetch()
    checkArrival(session)
    keep(how.file, session)
    return {session, fresh: true}
  } finally {
    lock.release()
  }
}

/** The caller's rule for reusing the requested session (EnsureOptions.reuse), else more than 5 minutes left. */
function reusable(req: Request, session: CachedSession): boolean {
  return req.options.reuse ? req.options.reuse(session, req.resolved) : isUsable(session)
}

/**
 * A session that has already ended when it arrives is of no use: this computer's clock is ahead
 * (or STS's behind). Said as an error, with both times, instead of "valid until … (expired)".
 */
function checkArrival(session: CachedSession, now = Date.now()): void {
  if (expiresAt(session) > now) return
  throw new MfaError(
    `STS issued a session that ends at ${session.Credentials.Expiration}, but this computer's clock says it is ${new Date(now).toISOString()}: the clock is ahead`,
    {hint: 'Set the clock right (e.g. enable NTP: `timedatectl set-ntp true`) and try again.'},
  )
}

/**
 * Keeps a session STS just issued. If it cannot be kept (a full disk), the code that paid for it is
 * spent: on a terminal the session is printed once to stderr so it is not lost; elsewhere the error
 * says exactly what was lost.
 */
function keep(file: string, session: CachedSession): void {
  try {
    writeCache(file, session)
  } catch (error) {
    const why = error instanceof MfaError ? error.message : String((error as Error)?.message ?? error)
    if (process.stderr.isTTY) {
      stderr.write(JSON.stringify({Version: 1, ...session.Credentials}, null, 2) + '\n')
      throw new MfaError(`the session STS issued (above, until ${session.Credentials.Expiration}) could not be kept: ${why}`, {
        hint: 'Free some space and run the command again with a new code; until then, copy the session above if you need it.',
        cause: error,
      })
    }
    throw new MfaError(`the session STS issued (until ${session.Credentials.Expiration}) was lost: it could not be kept: ${why}`, {
      hint: 'The code was spent. Fix the cause, then run the command again with the next code.',
      cause: error,
    })
  }
}

/**
 * The MFA session (GetSessionToken) of the long-term key and the device, whichever profiles name
 * them: under the device's lock, a second caller (another profile with the same key and device)
 * waits for the first and reuses its session instead of sending the same code again.
 */
function mfaSession(req: Request, wanted: {durationSeconds?: number; force?: boolean}): Promise<Result> {
  const {keys, mfaSerial} = req.resolved
  return cachedOrFetched(req, {
    file: mfaSessionFileFor(req.resolved, req.dir),
    lock: lockFile(req.dir, 'device', mfaSerial),
    purpose: `that is getting a session for ${mfaSerial}`,
    force: wanted.force,
    usable: (s): s is CachedSession =>
      s !== undefined && (req.resolved.roles.length === 0 ? reusable(req, s) : isUsable(s)) && s.SourceAccessKeyId === keys.accessKeyId && s.SerialNumber === mfaSerial,
    fetch: () => newMfaSession(req, wanted.durationSeconds ?? keys.durationSeconds ?? DEFAULT_DURATION),
  })
}

/** A code (flag, mfa_process or terminal), then GetSessionToken, and whose session it is. */
async function newMfaSession(req: Request, durationSeconds: number): Promise<CachedSession> {
  const {resolved, env} = req
  const {keys, mfaSerial} = resolved
  const sts = await import('./sts.js')
  const credentials = await codeAndToken(req, durationSeconds)
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

/** How often a person at the terminal may type a code that STS refuses before mfa gives up. */
const TYPED_CODE_TRIES = 3

/**
 * GetSessionToken with a code. A code typed on the terminal that STS refused is asked for again
 * (a refused code was not used up), up to TYPED_CODE_TRIES times; a code from --token-code or
 * mfa_process is not, since nobody is there to type another.
 */
async function codeAndToken(req: Request, durationSeconds: number): Promise<Awaited<ReturnType<typeof import('./sts.js').getSessionToken>>> {
  const {resolved, options, env, dir} = req
  const {keys, mfaSerial} = resolved
  // The secret first (from the OS keyring when mfa_keyring says so): no code is used up on a locked keyring.
  const signing = await (await import('../keys/long-term.js')).withLongTermKeys(resolved)
  const {obtainCode, markUsed, forgetUsed} = await import('./token.js')
  const typed = options.tokenCode === undefined && !resolved.mfaProcess
  for (let attempt = 1; ; attempt++) {
    const code = await obtainCode({
      profile: keys.name,
      serial: mfaSerial,
      tokenCode: options.tokenCode,
      mfaProcess: resolved.mfaProcess,
      prompt: options.prompt ?? (env.MFA_PROMPT_DRIVER || undefined) ?? resolved.promptDriver,
      ykmanAccount: resolved.ykmanAccount,
      terminal: options.terminal,
      ask: options.ask,
      requestedProfile: resolved.name,
      env,
      cacheDir: dir,
      say: options.reporter.say,
    })
    const sts = await import('./sts.js')
    markUsed(dir, mfaSerial, code)
    try {
      return await withProgress(options.reporter, 'Getting an MFA session from STS', () =>
        sts.getSessionToken(stsContext(signing, env), {serial: mfaSerial, code, durationSeconds}),
      )
    } catch (error) {
      // A request that cannot have reached STS (refused, no DNS) leaves the code unused.
      if (!sts.mayHaveReachedSts(error)) forgetUsed(dir, mfaSerial, code)
      if (!typed || attempt >= TYPED_CODE_TRIES || !codeRefused(error)) throw error
      const left = TYPED_CODE_TRIES - attempt
      options.reporter.say(`mfa: STS refused that code (wrong or expired); type the code your device shows now (${left} ${left === 1 ? 'try' : 'tries'} left)`)
    }
  }
}

/** STS's refusal of the code itself (src/session/sts.ts words it), not of the keys or the network. */
function codeRefused(error: unknown): boolean {
  return error instanceof MfaError && error.message.startsWith('STS refused the MFA code')
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
    usable: (s): s is CachedSession => s !== undefined && reusable(req, s),
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
