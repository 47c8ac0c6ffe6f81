import {BaseCommand, debugFlag, profileFlag} from '../../cli/base-command.js'
import {stderrReporter} from '../../cli/output.js'
import {defaultProfile} from '../../actions/session-options.js'
import {exportKeys} from '../../actions/keys.js'

export default class KeysExport extends BaseCommand {
  static override summary = "Move a profile's keys from the OS keyring back into ~/.aws/credentials, in plaintext."
  static override description = 'The way out of the keyring: writes aws_access_key_id and aws_secret_access_key into the profile\'s section of ~/.aws/credentials, then removes mfa_keyring from ~/.aws/config and the item from the keyring.'

  static override examples = ['<%= config.bin %> <%= command.id %> --profile work']

  static override flags = {profile: profileFlag('AWS profile whose keys to write back.'), ...debugFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(KeysExport)
    await exportKeys({profile: flags.profile ?? defaultProfile(), env: process.env, say: stderrReporter().say})
  }
}
