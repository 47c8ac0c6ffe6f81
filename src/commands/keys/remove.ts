import {BaseCommand, debugFlag, profileFlag} from '../../cli/base-command.js'
import {stderrReporter} from '../../cli/output.js'
import {defaultProfile} from '../../actions/session-options.js'
import {removeKeysOf} from '../../actions/keys.js'

export default class KeysRemove extends BaseCommand {
  static override summary = "Delete a profile's long-term keys from the OS keyring (and from ~/.aws/credentials)."
  static override description = "Removes the keyring item and mfa_keyring from ~/.aws/config, or the two key lines from ~/.aws/credentials; every other byte stays. Sessions stay as they are, this profile's too, until they expire (`mfa logout` forgets one). The key itself still exists in IAM: deactivate or delete it there if it leaked."

  static override examples = ['<%= config.bin %> <%= command.id %> --profile old']

  static override flags = {profile: profileFlag('AWS profile whose keys to delete.'), ...debugFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(KeysRemove)
    await removeKeysOf({profile: flags.profile ?? defaultProfile(), env: process.env, say: stderrReporter().say})
  }
}
