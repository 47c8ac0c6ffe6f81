import {BaseCommand, debugFlag, sessionFlags} from '../cli/base-command.js'
import {loginAction} from '../actions/login.js'

export default class Login extends BaseCommand {
  static override summary = 'Make sure a profile has a valid MFA session.'
  static override description = `Reuses the cached session while it has more than 5 minutes left; otherwise asks for a code (--token-code, the profile's mfa_process, or the terminal), calls STS, and keeps the session in a private cache and in the credentials file as the profile "mfa" (for default) or "<profile>-mfa", so that \`aws --profile mfa ...\` works.`

  static override examples = [
    {description: 'Log in with the default profile; mfa asks for the code.', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Log in with a code, for 8 hours.', command: '<%= config.bin %> <%= command.id %> --profile work --token-code 123456 --duration 8h'},
    {description: 'Then use the session profile.', command: 'aws s3 ls --profile mfa'},
  ]

  static override flags = {...sessionFlags, ...debugFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(Login)
    this.exitWith(await loginAction(flags))
  }
}
