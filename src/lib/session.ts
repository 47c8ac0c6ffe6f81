/**
 * Making sure a profile has a valid session: reuse the cached one, or (under a lock per MFA device,
 * so that many callers cause one prompt and one STS call) get a code, call STS, and keep the result
 * in the cache and in the profile's session profile of the credentials file.
 */
import {configSectionName, loadAwsFiles} from './aws-files.js'
import {type CachedSession, cacheDir, expiresAt, hashKey, isUsable, readCache, roleCacheFile, sessionCacheFile, writeCache} from './cache.js'
import {writeSessionProfile} from './credentials-file.js'
import {DEFAULT_DURATION, formatDuration, ROLE_CHAIN_MAX} from './duration.js'
import {MfaError} from './errors.js'
import {acquireLock, type Lock} from './lock.js'
import {type ResolvedProfile, resolveProfile, type RoleStep, sessionProfileName} from './profile.js'
import {join} from 'node:path'

export interface Reporter {
  /** A notice for the user, on stderr. */
  say(line: string): void
  /** Around a network call: a spinner on a terminal, nothing otherwise. */
  progress?<T>(text: string, work: () => Promise<T>): Promise<T>
}

export interface EnsureOptions {
  profile: string
  tokenCode?: string
  serialNumber?: string
  /** From --duration. */
  durationSeconds?: number
  force?: boolean
  env?: NodeJS.ProcessEnv
  reporter: Reporter
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

/**
 * The main region of the profile's partition (aws, aws-cn, aws-us-gov): read from a role or device
 * ARN, else from the profile's region. STS's default when no region is set; where IAM lives.
 */
export function partitionRegion(resolved: ResolvedProfile): string {
  const partition = /^arn:([^:]+):/.exec(resolved.roles[0]?.roleArn ?? resolved.mfaSerial)?.[1]
  const region = resolved.region ?? ''
  if (partition === 'aws-cn' || (!partition && region.startsWith('cn-'))) return 'cn-north-1'
  if (partition === 'aws-us-gov' || (!partition && region.startsWith('us-gov-'))) return 'us-gov-west-1'
  return 'us-east-1'
}

/** Region for the STS calls: the environment, then the profile, then the partition's main region. */
export function stsRegion(resolved: ResolvedProfile, env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || resolved.region || partitionRegion(resolved)
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
  const dir = cacheDir(env)
  const started = Date.now()
  const sessionProfile = sessionProfileName(options.profile)

  const result =
    resolved.roles.length === 0
      ? await mfaSession(resolved, options, dir, started, options.durationSeconds)
      : await roleSession(resolved, options, dir, started)

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

/** The MFA session (GetSessionToken) of the profile with the long-term keys, one per key profile and device. */
async function mfaSession(
  resolved: ResolvedProfile,
  options: EnsureOptions,
  dir: string,
  started: number,
  durationSeconds: number | undefined,
  force = options.force,
): Promise<{session: CachedSession; fresh: boolean}> {
  const env = options.env ?? process.env
  const {keys, mfaSerial} = resolved
  const file = sessionCacheFile(dir, keys.name, mfaSerial)
  const reuse = options.reuse
  const usable = resolved.roles.length === 0 && reuse ? (s: CachedSession) => reuse(s, resolved) : isUsable
  const matches = (s: CachedSession | undefined): s is CachedSession =>
    s !== undefined && usable(s) && s.SourceAccessKeyId === keys.accessKeyId && s.SerialNumber === mfaSerial
  const first = readCache(file)
  if (!force && matches(first.session)) return {session: first.session, fresh: false}

  const lock = await locked(lockFile(dir, 'device', mfaSerial), options.reporter, `that is getting a session for ${mfaSerial}`)
  try {
    const again = readCache(file)
    // Someone else made a session while we waited: that is the one to use, even with --force.
    if (matches(again.session) && (!force || Date.parse(again.session.IssuedAt) >= started)) return {session: again.session, fresh: false}
    warnCorrupt(file, again.problem, options.reporter)

    const {obtainCode, markUsed} = await import('./token.js')
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
    const ctx = {
      region: stsRegion(resolved, env),
      endpoint: resolved.stsEndpoint,
      credentials: {accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey},
      profile: keys.name,
      env,
    }
    const duration = durationSeconds ?? keys.durationSeconds ?? DEFAULT_DURATION
    markUsed(dir, mfaSerial, code)
    const credentials = await withProgress(options.reporter, 'Getting an MFA session from STS', () =>
      sts.getSessionToken(ctx, {serial: mfaSerial, code, durationSeconds: duration}),
    )
    const identity = await sts
      .getCallerIdentity({...ctx, credentials: {accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken}})
      .catch(() => undefined)
    const session: CachedSession = {
      Version: 1,
      Kind: 'session',
      Profile: keys.name,
      SerialNumber: mfaSerial,
      SourceAccessKeyId: keys.accessKeyId,
      IssuedAt: new Date().toISOString(),
      ...(identity ? {Identity: identity} : {}),
      Credentials: credentials,
    }
    writeCache(file, session)
    return {session, fresh: true}
  } finally {
    lock.release()
  }
}

/** A name for the role session: role_session_name, else the user's name, as the AWS CLI does with botocore-session-<time>. */
function sessionNameFor(step: RoleStep, mfa: CachedSession): string {
  if (step.sessionName) return step.sessionName
  const user = mfa.Identity?.Arn.split('/').pop() ?? mfa.SerialNumber.split('/').pop() ?? 'user'
  return `mfa-${user}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64)
}

/** A role reached through its source_profile chain, on top of the source's MFA session. */
async function roleSession(resolved: ResolvedProfile, options: EnsureOptions, dir: string, started: number): Promise<{session: CachedSession; fresh: boolean}> {
  const env = options.env ?? process.env
  const last = resolved.roles.at(-1)!
  const file = sessionFileFor(resolved, dir)
  const usable = (s: CachedSession | undefined): s is CachedSession => s !== undefined && (options.reuse ? options.reuse(s, resolved) : isUsable(s))
  const first = readCache(file)
  if (!options.force && usable(first.session)) return {session: first.session, fresh: false}

  const lock = await locked(lockFile(dir, 'role', file), options.reporter, `that is assuming ${last.roleArn}`)
  try {
    const again = readCache(file)
    if (usable(again.session) && (!options.force || Date.parse(again.session.IssuedAt) >= started)) return {session: again.session, fresh: false}
    warnCorrupt(file, again.problem, options.reporter)

    const wanted = options.durationSeconds ?? last.durationSeconds ?? ROLE_CHAIN_MAX
    if (wanted > ROLE_CHAIN_MAX) {
      options.reporter.say(
        `mfa: a role assumed with an MFA session lasts at most 1h; asking for 1h instead of ${formatDuration(wanted)}`,
      )
    }
    const sts = await import('./sts.js')
    const region = stsRegion(resolved, env)
    let retried = false
    for (;;) {
      // The MFA session behind the role lasts as long as the source profile's own sessions (12h by default).
      const mfa = await mfaSession(resolved, options, dir, started, undefined, false)
      try {
        let creds = mfa.session.Credentials
        let assumed: Awaited<ReturnType<typeof sts.assumeRole>> | undefined
        for (const step of resolved.roles) {
          const isLast = step === last
          const duration = Math.min(isLast ? wanted : step.durationSeconds ?? ROLE_CHAIN_MAX, ROLE_CHAIN_MAX)
          assumed = await withProgress(options.reporter, `Assuming ${step.roleArn}`, () =>
            sts.assumeRole(
              {
                region,
                endpoint: resolved.stsEndpoint,
                credentials: {accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken},
                profile: step.profile,
                env,
              },
              {roleArn: step.roleArn, sessionName: sessionNameFor(step, mfa.session), durationSeconds: duration, externalId: step.externalId},
            ),
          )
          creds = assumed.Credentials
        }
        const session: CachedSession = {
          Version: 1,
          Kind: 'role',
          Profile: resolved.name,
          SerialNumber: resolved.mfaSerial,
          SourceAccessKeyId: resolved.keys.accessKeyId,
          RoleArn: last.roleArn,
          IssuedAt: new Date().toISOString(),
          ...(assumed?.AssumedRoleUser
            ? {Identity: {Arn: assumed.AssumedRoleUser.Arn, Account: assumed.AssumedRoleUser.Arn.split(':')[4], UserId: assumed.AssumedRoleUser.AssumedRoleId}}
            : {}),
          Credentials: creds,
          ...(assumed?.AssumedRoleUser ? {AssumedRoleUser: assumed.AssumedRoleUser} : {}),
        }
        writeCache(file, session)
        return {session, fresh: true}
      } catch (error) {
        // The cached MFA session was revoked or expired early: get a new one, once.
        if (!retried && !mfa.fresh && error instanceof MfaError && /has expired or was revoked/.test(error.message)) {
          retried = true
          await mfaSession(resolved, options, dir, Date.now(), undefined, true)
          continue
        }
        throw error
      }
    }
  } finally {
    lock.release()
  }
}

/** Seconds left of a session. */
export function secondsLeft(session: CachedSession, now = Date.now()): number {
  return Math.floor((expiresAt(session) - now) / 1000)
}
