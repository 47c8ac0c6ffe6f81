import {Args} from '@oclif/core'
import {BaseCommand, debugFlag} from '../cli/base-command.js'
import {initAction} from '../actions/init.js'
import {bash} from '../shells/bash.js'
import {fish} from '../shells/fish.js'
import {INIT_SHELL_NAMES} from '../shells/index.js'
import {powershell} from '../shells/powershell.js'
import {zsh} from '../shells/zsh.js'
import type {ShellName} from '../shells/types.js'

export default class Init extends BaseCommand {
  static override summary = 'Print the shell integration: mfa_prompt, `mfa use`, `mfa clear`.'
  static override description = `Add one line to your shell's startup file. The integration defines mfa_prompt (the prompt segment, e.g. "aws:default 42m", computed without starting a process in bash and zsh), a shell function mfa in which \`mfa use [PROFILE]\` puts a session into the current shell and \`mfa clear\` removes it, and, with MFA_WARN=1, a warning when the session has less than 10 minutes left.

It also loads completion: profile names after --profile, -p and \`mfa use\`, and in fish every command and flag; in bash and zsh the commands and flags come from oclif's autocomplete plugin, whose cache \`<%= config.bin %> autocomplete --refresh-cache\` builds once (zsh also needs compinit).

It also keeps a copy of what it prints in \${XDG_CACHE_HOME:-~/.cache}/mfa/init.SHELL, for the lines below, which source it without starting a process. The copy loads only while the first mfa on PATH is the one that wrote it, at the same version; otherwise the line runs \`mfa init\` again, which renews the copy. PowerShell's copy checks this at the first call of mfa instead of at start, and then loads the integration of the mfa it finds. It is made when that mfa is a link to mfa's bin/run.cjs (npm, yarn, nvm); behind a wrapper script (volta, asdf), the line runs \`mfa init\` in every shell, as \`eval "$(mfa init bash)"\` alone does.`

  static override examples = [bash, zsh, fish, powershell].map(shell => ({description: `${shell.rcFile}:`, command: shell.rcLine}))

  static override args = {
    shell: Args.string({description: 'Shell to integrate with.', required: true, options: [...INIT_SHELL_NAMES]}),
  }

  static override flags = {...debugFlag}

  async run(): Promise<void> {
    const {args} = await this.parse(Init)
    this.exitWith(initAction(args.shell as ShellName))
  }
}
