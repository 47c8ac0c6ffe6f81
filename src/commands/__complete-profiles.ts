import {BaseCommand} from '../cli/base-command.js'
import {completeProfilesAction} from '../actions/complete-profiles.js'

export default class CompleteProfiles extends BaseCommand {
  static override hidden = true
  static override summary = 'Print the profile names that --profile completes, one a line.'
  static override description =
    "For the shells' completion (fish and PowerShell, and bash and zsh on top of `mfa autocomplete`): the profiles of ~/.aws/config and ~/.aws/credentials (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE), without the session profiles mfa writes. Prints nothing when the files cannot be read."

  static override examples = ['<%= config.bin %> <%= command.id %>']

  async run(): Promise<void> {
    await this.parse(CompleteProfiles)
    this.exitWith(completeProfilesAction())
  }
}
