import {BaseCommand, debugFlag, profileFlag} from '../../cli/base-command.js'
import {stderrReporter} from '../../cli/output.js'
import {defaultProfile} from '../../actions/session-options.js'
import {addKeys} from '../../actions/keys.js'
import {readNewKeys} from '../../keys/new-keys.js'

export default class KeysAdd extends BaseCommand {
  static override summary = 'Store new long-term keys for a profile in the OS keyring, typed on the terminal.'
  static override description = `Asks for the access key id and the secret access key on the terminal (the secret is not shown), or reads them as two lines from stdin when it is a pipe; never from the command line, where ps and shell history would see them. Records mfa_keyring = <access key id> in the profile's section of ~/.aws/config. A key it replaces is removed from the keyring (it still exists in IAM: \`mfa keys rotate\` replaces a key in IAM too).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --profile work',
    {description: 'From a password manager:', command: "pass show aws/work | <%= config.bin %> <%= command.id %> --profile work"},
  ]

  static override flags = {profile: profileFlag('AWS profile the keys are for.'), ...debugFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(KeysAdd)
    const profile = flags.profile ?? defaultProfile()
    await addKeys({profile, keys: await readNewKeys(profile), env: process.env, say: stderrReporter().say})
  }
}
