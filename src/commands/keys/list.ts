import {Flags} from '@oclif/core'
import {BaseCommand, debugFlag} from '../../cli/base-command.js'
import {stderrReporter, writeOut} from '../../cli/output.js'
import {formatListing, listKeys} from '../../actions/keys.js'
import {maskKeyId} from '../../cli/redact.js'

export default class KeysList extends BaseCommand {
  static override summary = 'List the profiles with long-term keys: masked key id, and where the keys are.'
  static override description = 'Each profile with keys in ~/.aws/credentials (plaintext) or in the OS keyring (mfa_keyring in ~/.aws/config). For the keyring, checks that the item is there; exits 1 when one is missing or the keyring cannot be asked.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override flags = {
    json: Flags.boolean({summary: 'Print JSON: [{profile, accessKeyId (masked), where, found}].'}),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(KeysList)
    const {rows, code} = await listKeys({env: process.env, say: stderrReporter().say})
    if (flags.json) writeOut(JSON.stringify(rows.map(r => ({...r, accessKeyId: maskKeyId(r.accessKeyId)})), null, 2) + '\n')
    else if (rows.length === 0) this.logToStderr('mfa: no profile has long-term keys')
    else writeOut(formatListing(rows, process.env))
    if (code !== 0) this.exit(code)
  }
}
