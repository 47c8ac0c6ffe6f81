/**
 * The long-term keys a profile signs STS and IAM calls with: from ~/.aws/credentials as the
 * profile has them, or from the OS keyring when its config says mfa_keyring. Only the paths that
 * call AWS get here, so the keyring is opened only when STS must be called.
 */
import {MfaError} from '../lib/errors.js'
import type {KeyProfile} from '../lib/profile.js'
import {maskKeyId} from '../lib/redact.js'
import {quoteForHint} from '../lib/quote.js'
import {KEYRING_SETTING} from './setting.js'

export interface LongTermCredentials {
  accessKeyId: string
  secretAccessKey: string
}

export async function longTermCredentials(keys: KeyProfile): Promise<LongTermCredentials> {
  if (!keys.inKeyring) return {accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey}
  const {readSecret} = await import('./keyring.js')
  const secret = readSecret(keys.accessKeyId)
  if (secret === undefined) {
    throw new MfaError(`the OS keyring has no secret for key ${maskKeyId(keys.accessKeyId)} of profile "${keys.name}" (${KEYRING_SETTING} in its config)`, {
      hint: `Store the key again: mfa keys add${keys.name === 'default' ? '' : ` -p ${quoteForHint([keys.name])}`}`,
    })
  }
  return {accessKeyId: keys.accessKeyId, secretAccessKey: secret}
}
