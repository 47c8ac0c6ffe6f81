import {BaseCommand, debugFlag, sessionFlags} from '../../cli/base-command.js'
import {stderrReporter} from '../../cli/output.js'
import {defaultProfile} from '../../actions/session-options.js'
import {rotateKeys} from '../../actions/keys-rotate.js'

export default class KeysRotate extends BaseCommand {
  static override summary = "Replace a profile's access key with a new one, in IAM and where the old one was kept."
  static override description = `Signs the IAM calls with the profile's MFA session (asking for a code when it has none): creates a new access key (CreateAccessKey), checks that it works (STS GetCallerIdentity), stores it where the old one was (the OS keyring or ~/.aws/credentials), then deletes the old key (DeleteAccessKey). IAM allows two keys per user: with a second key already there, nothing is done. If a step fails, mfa says which key works; there is always one.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --profile work --token-code 123456']

  static override flags = {profile: sessionFlags.profile, 'token-code': sessionFlags['token-code'], ...debugFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(KeysRotate)
    await rotateKeys({profile: flags.profile ?? defaultProfile(), tokenCode: flags['token-code'], env: process.env, reporter: stderrReporter()})
  }
}
