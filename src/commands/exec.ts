import {Flags} from '@oclif/core'
import {BaseCommand, debugFlag, sessionFlags} from '../cli/base-command.js'
import {execAction} from '../actions/exec.js'
import {splitCommandLine, unreadableFlags} from '../cli/argv.js'

export default class Exec extends BaseCommand {
  static override summary = 'Run a command with the MFA session in its environment.'
  static override description = `Makes sure of a session as \`mfa login\` does, then runs the command without a shell, with the terminal inherited and the session's variables in its environment (the same ones \`mfa env\` sets; AWS_PROFILE and older credentials removed). Everything after -- reaches the command as it is; bytes that are not UTF-8 cannot (Node passes only UTF-8), so on Linux such an argument or variable is refused before any code is asked for: use \`eval "$(mfa env)"\` then. Signals are passed on; mfa exits with the command's exit code (128+n when it dies of signal n, 127 when it is not found, 126 when it cannot run). Without a command, mfa starts $SHELL.

With --server (or MFA_EXEC_SERVER=1, or mfa_exec_server = true in the profile) the command gets no keys: its SDKs and the AWS CLI fetch them from an endpoint of mfa's on 127.0.0.1 (AWS_CONTAINER_CREDENTIALS_FULL_URI with a random token), which renews the session before it ends, with no prompt while the MFA session lasts. A role then outlives its one hour.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> -- aws s3 ls',
    '<%= config.bin %> <%= command.id %> --profile work -- terraform plan',
    {description: 'A command that runs longer than its role session:', command: '<%= config.bin %> <%= command.id %> --server --profile admin -- terraform apply'},
    {description: 'A shell with the session:', command: '<%= config.bin %> <%= command.id %> --profile work'},
  ]

  static override strict = false
  static override flags = {
    ...sessionFlags,
    server: Flags.boolean({
      summary: 'Serve credentials to the command from an endpoint that renews them.',
      description: 'Default: MFA_EXEC_SERVER, else mfa_exec_server in the profile, else off.',
      allowNo: true,
    }),
    ...debugFlag,
  }

  async run(): Promise<void> {
    // oclif's parser must not see the command line: with strict false it reorders argv, and it
    // reads the command's own options (`mfa exec ls --bogus`) as mfa's. The words are split first,
    // and oclif parses only mfa's own flags.
    const split = splitCommandLine(this.argv, Exec.flags)
    if (!split) {
      // Let oclif say what is wrong (unknown flag, missing value) in its words.
      await this.parse(Exec)
      throw unreadableFlags()
    }
    const {flags} = await this.parse(Exec, split.own)
    this.exitWith(await execAction(flags, split.command))
  }
}
