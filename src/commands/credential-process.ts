import {BaseCommand, debugFlag, sessionFlags} from '../cli/base-command.js'
import {credentialProcessAction} from '../actions/credential-process.js'

export default class CredentialProcess extends BaseCommand {
  static override summary = 'Print the session as the JSON that credential_process in ~/.aws/config expects.'
  static override description = `Lets the AWS CLI, boto3, Terraform and every SDK use MFA sessions with no wrapper. Add a profile to ~/.aws/config:

  [profile work-mfa]
  credential_process = mfa credential-process --profile work

The cached session is reused; when a code is needed, mfa runs the profile's mfa_process or asks on the terminal (/dev/tty), never on stdout.`

  static override examples = ['<%= config.bin %> <%= command.id %> --profile work', 'aws sts get-caller-identity --profile work-mfa']

  static override flags = {...sessionFlags, ...debugFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(CredentialProcess)
    this.exitWith(await credentialProcessAction(flags))
  }
}
