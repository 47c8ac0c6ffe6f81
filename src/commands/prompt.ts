import {Flags} from '@oclif/core'
import {BaseCommand, debugFlag, profileNameParse} from '../cli/base-command.js'
import {promptAction} from '../actions/prompt.js'

export default class Prompt extends BaseCommand {
  static override summary = 'Print the prompt segment: profile and time left, e.g. "aws:default 42m".'
  static override description = `For places that cannot source the shell integration: a tmux status line, a starship custom module. Shows the session in the environment (MFA_PROFILE, MFA_EXPIRY), else the cached session of the profile; prints nothing when there is none. In a shell, the integration's mfa_prompt function gives the same text without starting a process.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {description: 'In ~/.tmux.conf:', command: `set -g status-right '#(<%= config.bin %> <%= command.id %> --profile work --no-color)'`},
    {description: 'Your own format (%p profile, %t time left):', command: `<%= config.bin %> <%= command.id %> --format '☁ %p (%t)'`},
  ]

  static override flags = {
    profile: Flags.string({char: 'p', summary: "Show this profile's cached session instead of the environment's.", helpValue: 'NAME', parse: profileNameParse}),
    format: Flags.string({
      summary: 'Text with %p (profile), %t (time left), %% (percent).',
      description: "Default: $MFA_PROMPT_FORMAT, else 'aws:%p %t'.",
      default: undefined,
      helpValue: "'aws:%p %t'",
    }),
    color: Flags.boolean({
      summary: 'Colour the time left (yellow under 10 minutes, red when expired).',
      description: 'Default: on when stdout is a terminal, unless MFA_PROMPT_COLOR=0 or NO_COLOR is set.',
      allowNo: true,
    }),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Prompt)
    this.exitWith(await promptAction(flags))
  }
}
