import {Flags} from '@oclif/core'
import {BaseCommand, debugFlag, sessionFlags} from '../cli/base-command.js'
import {envAction} from '../actions/env.js'
import {SHELL_NAMES} from '../shells/types.js'

export default class Env extends BaseCommand {
  static override summary = 'Print shell statements that put the MFA session into the current shell.'
  static override description = `Makes sure of a session exactly as \`mfa login\` does, then prints, on stdout and nothing else, the statements that set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_SESSION_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION (when the profile has a region), MFA_PROFILE and MFA_EXPIRY (epoch seconds, for the prompt), and unset AWS_PROFILE, AWS_DEFAULT_PROFILE and AWS_SECURITY_TOKEN. The shell is the one running mfa (its parent process), else $SHELL.`

  static override examples = [
    {description: 'bash, zsh, dash:', command: 'eval "$(<%= config.bin %> <%= command.id %>)"'},
    {description: 'fish:', command: '<%= config.bin %> <%= command.id %> --shell fish | source'},
    {description: 'PowerShell:', command: '<%= config.bin %> <%= command.id %> --shell powershell | Invoke-Expression'},
    {description: 'Remove the session from the shell:', command: 'eval "$(<%= config.bin %> <%= command.id %> --unset)"'},
    {description: 'The variables as JSON:', command: '<%= config.bin %> <%= command.id %> --shell json --profile work'},
  ]

  static override flags = {
    ...sessionFlags,
    shell: Flags.string({
      char: 's',
      summary: 'Shell to print statements for.',
      description: 'Default: the shell that runs mfa, else $SHELL.',
      options: [...SHELL_NAMES],
    }),
    unset: Flags.boolean({char: 'u', summary: 'Print the statements that remove the session from the shell.'}),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Env)
    this.exitWith(await envAction(flags))
  }
}
