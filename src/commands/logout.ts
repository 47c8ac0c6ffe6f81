import {Flags} from '@oclif/core'
import {BaseCommand, debugFlag, profileFlag} from '../cli/base-command.js'
import {logoutAction} from '../actions/logout.js'

export default class Logout extends BaseCommand {
  static override summary = "Forget a profile's MFA session: its cache entry and its session profile."
  static override description =
    'The long-term keys and every other profile stay as they are. Sessions already exported into a shell stay there until they expire: clear them with `mfa clear` (shell integration) or `eval "$(mfa env --unset)"`.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --profile work', '<%= config.bin %> <%= command.id %> --all']

  static override flags = {
    profile: profileFlag('AWS profile whose session to forget.', {exclusive: ['all']}),
    all: Flags.boolean({summary: 'Forget every session mfa keeps.'}),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Logout)
    this.exitWith(await logoutAction(flags))
  }
}
