import {Flags} from '@oclif/core'
import {BaseCommand, debugFlag} from '../base.js'
import {defaultProfile} from '../lib/cli.js'
import {loadAwsFiles} from '../lib/aws-files.js'
import {cacheDir, readCache} from '../lib/cache.js'
import {resolveProfile, sessionProfileName} from '../lib/profile.js'
import {secondsLeft, sessionFileFor, stsRegion} from '../lib/session.js'
import {localTime} from '../lib/time.js'
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

export default class Status extends BaseCommand {
  static override summary = "Show a profile's MFA session: who, until when, how long is left."
  static override description =
    'Asks STS who the session belongs to (GetCallerIdentity with the session), unless --offline. Exit 0 when the session is valid, 1 when there is none, it has expired, or STS rejects it.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile work --json',
    {description: 'No network: what the cache says.', command: '<%= config.bin %> <%= command.id %> --offline'},
  ]

  static override flags = {
    profile: Flags.string({char: 'p', summary: 'AWS profile to show.', description: 'Default: $AWS_PROFILE, else "default".', helpValue: 'NAME'}),
    json: Flags.boolean({summary: 'Print the status as JSON (fields in README).'}),
    offline: Flags.boolean({summary: 'Do not call STS; the identity comes from the cache.'}),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Status)
    const env = process.env
    const name = flags.profile ?? defaultProfile(env)
    const resolved = resolveProfile(loadAwsFiles(env), name, {env})
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
        const sts = await import('../lib/sts.js')
        const c = session.Credentials
        try {
          const id = await sts.getCallerIdentity({
            region: stsRegion(resolved, env),
            endpoint: resolved.stsEndpoint,
            credentials: {accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken},
            profile: name,
            env,
          })
          report.identity = {arn: id.Arn, account: id.Account, userId: id.UserId, source: 'sts'}
        } catch (error) {
          report.state = 'invalid'
          report.error = (error as Error).message
        }
      }
    }
    if (flags.json) this.log(JSON.stringify(report, null, 2))
    else this.log(human(report))
    if (report.state !== 'valid') this.exit(1)
  }
}

function human(r: StatusReport): string {
  const rows: Array<[string, string]> = [['profile', r.profile]]
  if (r.state === 'none') rows.push(['session', `none: run \`mfa login${r.profile === 'default' ? '' : ` -p ${r.profile}`}\``])
  else {
    const until = r.expiration ? localTime(new Date(r.expiration)) : '?'
    const state =
      r.state === 'valid'
        ? `valid, ${timeLeft(r.secondsLeft ?? 0)} left (until ${until})`
        : r.state === 'expired'
          ? `expired at ${until}: run \`mfa login${r.profile === 'default' ? '' : ` -p ${r.profile}`}\``
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
