/** `mfa doctor`'s session line: the cached session of the profile, its time left, and whether STS still takes it. */
import {stsContext} from '../aws/call-context.js'
import type {ResolvedProfile} from '../aws/profile.js'
import {MfaError} from '../cli/errors.js'
import {loginCommand} from '../cli/hint.js'
import {localTime} from '../cli/time.js'
import {type CachedSession, cacheDir, readCache} from '../session/cache.js'
import {secondsLeft, sessionFileFor} from '../session/ensure.js'
import {formatTimeLeft} from '../shells/segment.js'
import type {Finding} from './finding.js'
import type {Identity} from './sts.js'

/** A session with less than this left is worth a warning. */
const LOW_SECONDS = 600

export interface SessionCheck {
  finding: Finding
  session?: CachedSession
}

export interface SessionCheckOptions {
  resolved: ResolvedProfile
  profile: string
  env: NodeJS.ProcessEnv
  identity: Identity
  /** STS answered the clock check: the session is shown to it. */
  reachable: boolean
  now: number
}

export async function checkSession(options: SessionCheckOptions): Promise<SessionCheck> {
  const {resolved, profile, env, now} = options
  const check = 'session'
  const login = loginCommand(profile)
  const {session, problem} = readCache(sessionFileFor(resolved, cacheDir(env)))
  if (!session) {
    return problem
      ? {finding: {check, status: 'warning', message: `the cached session is unreadable (${problem}); the next login replaces it`, fix: `run: ${login}`}}
      : {finding: {check, status: 'warning', message: `no session for profile "${profile}" yet`, fix: `run: ${login}`}}
  }
  const left = secondsLeft(session, now)
  const expiration = session.Credentials.Expiration
  const until = localTime(new Date(expiration), new Date(now))
  if (left <= 0) {
    return {session, finding: {check, status: 'warning', message: `the session of profile "${profile}" expired at ${until}`, fix: `run: ${login}`, expiration, secondsLeft: 0}}
  }
  const rejected = options.reachable ? await rejection(options, session) : undefined
  if (rejected) return {session, finding: {check, status: 'problem', message: rejected, fix: `run: ${login} --force`, expiration, secondsLeft: left}}
  const who = session.Identity?.Arn ? ` for ${session.Identity.Arn}` : ''
  const message = `the session of profile "${profile}"${who} has ${formatTimeLeft(left)} left (until ${until})`
  if (left < LOW_SECONDS) return {session, finding: {check, status: 'warning', message, fix: `run: ${login} --force`, expiration, secondsLeft: left}}
  return {session, finding: {check, status: 'ok', message, expiration, secondsLeft: left}}
}

/** Why STS rejects the cached session, or undefined when it takes it. */
async function rejection({resolved, profile, env, identity}: SessionCheckOptions, session: CachedSession): Promise<string | undefined> {
  try {
    await identity(stsContext(resolved, env, {credentials: session.Credentials, profile}))
    return undefined
  } catch (error) {
    if (!(error instanceof MfaError)) throw error
    return `STS rejects the cached session of profile "${profile}": ${error.message}`
  }
}
