import {BaseCommand, debugFlag, profileFlag} from '../../cli/base-command.js'
import {stderrReporter} from '../../cli/output.js'
import {defaultProfile} from '../../actions/session-options.js'
import {importKeys} from '../../actions/keys.js'

export default class KeysImport extends BaseCommand {
  static override summary = "Move a profile's long-term keys from ~/.aws/credentials into the OS keyring."
  static override description = `Stores aws_access_key_id and aws_secret_access_key in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows), reads the secret back, records mfa_keyring = <access key id> in the profile's section of ~/.aws/config, and only then removes the two lines from ~/.aws/credentials; every other byte of both files stays. A failure on the way leaves the keys where they were. From then on login, env, exec, credential-process, devices and doctor read the secret from the keyring, only when they must call AWS.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --profile work']

  static override flags = {profile: profileFlag('AWS profile whose keys to move.'), ...debugFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(KeysImport)
    await importKeys({profile: flags.profile ?? defaultProfile(), env: process.env, say: stderrReporter().say})
  }
}
