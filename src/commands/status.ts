import {Flags} from '@oclif/core'
import {BaseCommand, debugFlag, profileFlag} from '../cli/base-command.js'
import {statusAction} from '../actions/status.js'

export default class Status extends BaseCommand {
  static override summary = "Show a profile's MFA session: who, until when, how long is left."
  static override description =
    'Asks STS who the session belongs to (GetCallerIdentity with the session), unless --offline. Exit 0 when the session is valid, 1 when there is none, it has expired, or STS rejects it.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile work --json',
    {description: 'No network: what the cache says.', command: '<%= config.bin %> <%= command.id %> --offline'},
  ]

  static override flags = {
    profile: profileFlag('AWS profile to show.'),
    json: Flags.boolean({summary: 'Print the status as JSON (fields in README).'}),
    offline: Flags.boolean({summary: 'Do not call STS; the identity comes from the cache.'}),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Status)
    this.exitWith(await statusAction(flags))
  }
}
