import {Flags} from '@oclif/core'
import {BaseCommand, debugFlag, profileFlag} from '../cli/base-command.js'
import {defaultProfile} from '../actions/session-options.js'
import {type DoctorReport, type Finding, runDoctor} from '../doctor/checks.js'
import {detectShell} from '../shells/index.js'

export default class Doctor extends BaseCommand {
  static override summary = 'Check what a working MFA session needs, and say how to fix what is wrong.'
  static override description = `One line per check: ✓ fine, ! worth knowing, ✗ a problem, with what to do about it.

The checks: the config and credentials files (readable, private: chmod 600, well formed); the profile's long-term keys (and whom STS says they belong to); mfa_serial (an mfa/ ARN: a user/ ARN is a common slip); mfa_process (its command can be found; it is not run, it may use up a code); this computer's clock against STS's (more than 2 minutes apart breaks codes and signatures); the cached session (time left, still accepted by STS); AWS_* variables that compete with the session (stale keys, an expiry in the past, AWS_PROFILE elsewhere); the shell integration (mfa init) in this shell.

Nothing is changed and no code is sent. Exit 0 when nothing is a problem (warnings allowed), 1 otherwise.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile work',
    {description: 'The findings as JSON (fields in README):', command: '<%= config.bin %> <%= command.id %> --json'},
  ]

  static override flags = {
    profile: profileFlag('AWS profile to check.', {description: 'Default: $AWS_PROFILE (the profile a session profile such as "mfa" was made from), else "default".'}),
    json: Flags.boolean({summary: 'Print the findings as JSON.'}),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Doctor)
    const env = process.env
    const report = await runDoctor({
      profile: flags.profile ?? defaultProfile(env),
      fromEnvironment: flags.profile === undefined,
      env,
      shell: detectShell({ppid: process.ppid, env}),
    })
    this.log(flags.json ? JSON.stringify(report, null, 2) : human(report, env))
    if (!report.ok) this.exit(1)
  }
}

const SYMBOLS = {ok: '✓', warning: '!', problem: '✗'}
const ASCII = {ok: 'v', warning: '!', problem: 'x'}
const COLOURS = {ok: '\u001B[32m', warning: '\u001B[33m', problem: '\u001B[31m'}

function human(report: DoctorReport, env: NodeJS.ProcessEnv): string {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || ''
  const symbols = /utf-?8/i.test(locale) ? SYMBOLS : ASCII
  const colour = Boolean(process.stdout.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb'
  const line = (f: Finding) => {
    const symbol = colour ? `${COLOURS[f.status]}${symbols[f.status]}\u001B[0m` : symbols[f.status]
    return `${symbol} ${f.check}: ${f.message}${f.fix ? `; ${f.fix}` : ''}`
  }
  return report.checks.map(line).join('\n')
}
