import {Args, Flags} from '@oclif/core'
import {BaseCommand, debugFlag, profileFlag} from '../cli/base-command.js'
import {devicesAction} from '../actions/devices.js'

export default class Devices extends BaseCommand {
  static override summary = "List your MFA devices; --save writes one as the profile's mfa_serial."
  static override description = `Asks IAM (ListMFADevices) with the profile's long-term keys. Without permission to, mfa derives the usual ARN from your user ARN (STS GetCallerIdentity) and says that it is a guess. --save writes the device as mfa_serial into the profile's section of ~/.aws/config, keeping every other byte of the file; with several devices, name the one to save.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {description: 'Save the only device as mfa_serial of the default profile:', command: '<%= config.bin %> <%= command.id %> --save'},
    {description: 'Choose among several:', command: '<%= config.bin %> <%= command.id %> --profile work --save arn:aws:iam::123456789012:mfa/alice-phone'},
    '<%= config.bin %> <%= command.id %> --json',
  ]

  static override args = {
    serial: Args.string({description: 'With --save: the device to save (needed when there are several).'}),
  }

  static override flags = {
    profile: profileFlag('AWS profile whose user has the devices.'),
    save: Flags.boolean({summary: "Write the device as the profile's mfa_serial in ~/.aws/config."}),
    json: Flags.boolean({summary: 'Print the devices as JSON: [{serialNumber, userName, enableDate, guessed}].'}),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Devices)
    this.exitWith(await devicesAction(flags, args.serial))
  }
}
