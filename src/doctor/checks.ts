/**
 * `mfa doctor`: what stands between a profile and a working MFA session, one finding per check,
 * each with what is wrong and how to fix it; the list of checks, in the order they are shown.
 * Nothing is changed, no code is sent and mfa_process is not run (it may use up a code): the only
 * calls are to STS, an unsigned request for its clock and GetCallerIdentity, which needs no code.
 */
import type {AwsFiles} from '../aws/files.js'
import {stsEndpoint} from '../aws/call-context.js'
import type {ResolvedProfile} from '../aws/profile.js'
import {sourceOfSessionProfile} from '../session/session-profile.js'
import {checkEnvironment} from './environment.js'
import {checkExecServer} from './exec-server.js'
import {checkFiles} from './files.js'
import type {Finding} from './finding.js'
import {chain, checkProfile, promptSetting} from './profile.js'
import {checkSession, type SessionCheck} from './session.js'
import {checkShell} from './shell.js'
import {checkClock, checkKeys, CLOCK_SKIPPED, type ClockCheck} from './sts.js'

export type {CheckName, Finding, Status} from './finding.js'

export interface DoctorReport {
  profile: string
  /** True when no check found a problem (warnings allowed). */
  ok: boolean
  checks: Finding[]
}

export interface DoctorOptions {
  profile: string
  /** The profile came from AWS_PROFILE: when that is a session profile mfa wrote, check its source. */
  fromEnvironment?: boolean
  env: NodeJS.ProcessEnv
  /** The shell mfa runs in, for the install line of the integration. */
  shell?: string
  now?: number
}

/** Runs every check; never throws an MfaError (each becomes a finding). */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const {env} = options
  const now = options.now ?? Date.now()
  const {findings: fileChecks, files} = checkFiles(env)
  const profile = files && options.fromEnvironment ? (sourceOfSessionProfile(files, options.profile) ?? options.profile) : options.profile
  const {findings: profileChecks, resolved, keysResolved} = files ? checkProfile({files, profile, env}) : {findings: []}
  const {clock, session} = keysResolved ? await stsChecks({files, profile, env, now, resolved, keysResolved, profileChecks}) : {clock: CLOCK_SKIPPED}
  const checks = [
    ...fileChecks,
    ...profileChecks,
    clock.finding,
    ...(session ? [session.finding] : []),
    ...checkEnvironment({files, profile, session: session?.session, env, now}),
    checkShell(env, options.shell),
    await checkExecServer({
      env,
      profile,
      serial: resolved?.mfaSerial,
      promptSetting: files ? promptSetting(chain(files, profile), env) : env.MFA_PROMPT_DRIVER || undefined,
      mfaProcess: resolved?.mfaProcess,
    }),
  ]
  return {profile, ok: checks.every(c => c.status !== 'problem'), checks}
}

interface StsChecks {
  files?: AwsFiles
  profile: string
  env: NodeJS.ProcessEnv
  now: number
  resolved?: ResolvedProfile
  keysResolved: ResolvedProfile
  /** The keyring and keys lines go in front of the profile's lines. */
  profileChecks: Finding[]
}

/** STS: the clock first; the keys and the session only when it answers. */
async function stsChecks(options: StsChecks): Promise<{clock: ClockCheck; session?: SessionCheck}> {
  const {files, profile, env, now, resolved, keysResolved, profileChecks} = options
  const {callTimeoutMs, getCallerIdentity: identity} = await import('../session/sts.js')
  const clock = await checkClock({endpoint: stsEndpoint(resolved ?? keysResolved, env), timeoutMs: Math.min(callTimeoutMs(env), 10_000)})
  const {reachable} = clock
  // The keyring before the keys: when it cannot give the secret, STS is not asked about the keys.
  const keyring = files ? await (await import('./keyring.js')).checkKeyring(files, keysResolved.keys, env) : undefined
  if (keyring?.status !== 'problem') profileChecks.unshift(await checkKeys({resolved: keysResolved, env, identity, reachable}))
  if (keyring) profileChecks.unshift(keyring)
  const session = resolved ? await checkSession({resolved, profile, env, identity, reachable, now}) : undefined
  return {clock, session}
}
