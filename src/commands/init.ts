import {Args} from '@oclif/core'
import {BaseCommand, debugFlag} from '../cli/base-command.js'
import {initAction} from '../actions/init.js'
import {INIT_SHELL_NAMES} from '../shells/index.js'
import type {ShellName} from '../shells/types.js'

export default class Init extends BaseCommand {
  static override summary = 'Print the shell integration: mfa_prompt, `mfa use`, `mfa clear`.'
  static override description = `Add one line to your shell's startup file. The integration defines mfa_prompt (the prompt segment, e.g. "aws:default 42m", computed without starting a process in bash and zsh), a shell function mfa in which \`mfa use [PROFILE]\` puts a session into the current shell and \`mfa clear\` removes it, and, with MFA_WARN=1, a warning when the session has less than 10 minutes left.

It also loads completion: profile names after --profile, -p and \`mfa use\`, and in fish every command and flag; in bash and zsh the commands and flags come from oclif's autocomplete plugin, whose cache \`<%= config.bin %> autocomplete --refresh-cache\` builds once (zsh also needs compinit).`

  static override examples = [
    {description: '~/.bashrc:', command: 'eval "$(<%= config.bin %> <%= command.id %> bash)"'},
    {description: '~/.zshrc:', command: 'eval "$(<%= config.bin %> <%= command.id %> zsh)"'},
    {description: '~/.config/fish/config.fish:', command: '<%= config.bin %> <%= command.id %> fish | source'},
    {description: 'PowerShell $PROFILE:', command: '<%= config.bin %> <%= command.id %> powershell | Out-String | Invoke-Expression'},
  ]

  static override args = {
    shell: Args.string({description: 'Shell to integrate with.', required: true, options: [...INIT_SHELL_NAMES]}),
  }

  static override flags = {...debugFlag}

  async run(): Promise<void> {
    const {args} = await this.parse(Init)
    this.exitWith(initAction(args.shell as ShellName))
  }
}
