import {stderrReporter, writeHuman, writeJson} from '../cli/output.js'
import {profileToUse, readableAwsFiles} from './session-options.js'
import {loadAwsFiles} from '../aws/files.js'
import {cacheDir, readCache} from '../session/cache.js'
import {resolveProfile, sessionProfileName} from '../aws/profile.js'
import {stsContext} from '../aws/call-context.js'
import {secondsLeft, sessionFileFor} from '../session/ensure.js'
import {loginCommand} from '../cli/hint.js'
import {localTime} from '../cli/time.js'
import {formatTimeLeft as timeLeft} from '../shells/segment.js'

export interface StatusReport {
  profile: string
  sessionProfile: string
  state: 'valid' | 'expired' | 'none' | 'invalid'
  kind?: 'session' | 'role'
  roleArn?: string
  mfaSerial: string
  expiration?: string
  secondsLeft?: number
  identity?: {arn: string; account: string; userId: string; source: 'sts' | 'cache'}
  error?: string
}

export interface StatusFlags {
  profile?: string
  json?: boolean
  offline?: boolean
}

/**
 * `mfa status`: the session of a profile, asking STS who it belongs to unless --offline.
 * Returns the exit code: 0 for a valid session, 1 otherwise.
 */
export async function statusAction(flags: StatusFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const files = readableAwsFiles(env)
  const name = profileToUse({flags, env, reporter: stderrReporter(), files})
  const resolved = resolveProfile(files ?? loadAwsFiles(env), name, {env})
  const file = sessionFileFor(resolved, cacheDir(env))
  const {session, problem} = readCache(file)
  const report: StatusReport = {profile: name, sessionProfile: sessionProfileName(name), state: 'none', mfaSerial: resolved.mfaSerial}
  if (problem) report.error = `the cached session is unreadable: ${problem}`
  if (session) {
    const left = secondsLeft(session)
    Object.assign(report, {
      kind: session.Kind,
      roleArn: session.RoleArn,
      expiration: session.Credentials.Expiration,
      secondsLeft: Math.max(0, left),
      state: left > 0 ? 'valid' : 'expired',
    })
    if (session.Identity) report.identity = {arn: session.Identity.Arn, account: session.Identity.Account, userId: session.Identity.UserId, source: 'cache'}
    if (left > 0 && !flags.offline) {
      const sts = await import('../session/sts.js')
      try {
        const id = await sts.getCallerIdentity(stsContext(resolved, env, {credentials: session.Credentials, profile: name}))
        report.identity = {arn: id.Arn, account: id.Account, userId: id.UserId, source: 'sts'}
      } catch (error) {
        report.state = 'invalid'
        report.error = (error as Error).message
      }
    }
  }
  if (flags.json) writeJson(report)
  else writeHuman(human(report) + '\n')
  return report.state === 'valid' ? 0 : 1
}

function human(r: StatusReport): string {
  const rows: Array<[string, string]> = [['profile', r.profile]]
  if (r.state === 'none') rows.push(['session', `none: run \`${loginCommand(r.profile)}\``])
  else {
    const until = r.expiration ? localTime(new Date(r.expiration)) : '?'
    const state =
      r.state === 'valid'
        ? `valid, ${timeLeft(r.secondsLeft ?? 0)} left (until ${until})`
        : r.state === 'expired'
          ? `expired at ${until}: run \`${loginCommand(r.profile)}\``
          : `rejected by STS: ${r.error}`
    rows.push(['session', state])
    if (r.identity) rows.push(['identity', r.identity.arn], ['account', r.identity.account])
    if (r.roleArn) rows.push(['role', r.roleArn])
    rows.push(['mfa device', r.mfaSerial], ['use it with', `aws --profile ${r.sessionProfile}`])
  }
  if (r.error && r.state !== 'invalid') rows.push(['note', r.error])
  const width = Math.max(...rows.map(([k]) => k.length)) + 2
  return rows.map(([k, v]) => `${(k + ':').padEnd(width)}${v}`).join('\n')
}
