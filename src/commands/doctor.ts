import {Flags} from '@oclif/core'
import {BaseCommand, debugFlag, profileFlag} from '../cli/base-command.js'
import {doctorAction} from '../actions/doctor.js'

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
    this.exitWith(await doctorAction(flags))
  }
}
