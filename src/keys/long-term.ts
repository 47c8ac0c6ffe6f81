/**
 * The long-term keys a profile signs STS and IAM calls with: from ~/.aws/credentials as the
 * profile has them, or from the OS keyring when its config says mfa_keyring. Only the paths that
 * call AWS with those keys get here, so the keyring is opened only when STS must be called.
 */
import {MfaError} from '../cli/errors.js'
import {profileWords} from '../cli/hint.js'
import {maskKeyId, rememberSecret} from '../cli/redact.js'
import {KEYRING_SETTING, type ResolvedProfile} from '../aws/profile.js'

/** The profile with its secret key filled in: read from the keyring when it is kept there. */
export async function withLongTermKeys(resolved: ResolvedProfile): Promise<ResolvedProfile> {
  const {keys} = resolved
  if (!keys.inKeyring) return resolved
  const {readSecret} = await import('./keyring.js')
  const secret = readSecret(keys.accessKeyId)
  if (secret === undefined) {
    throw new MfaError(`the OS keyring has no secret for key ${maskKeyId(keys.accessKeyId)} of profile "${keys.name}" (${KEYRING_SETTING} in its config)`, {
      hint: `Store the key again: mfa keys add${profileWords(keys.name)}`,
    })
  }
  rememberSecret(secret)
  return {...resolved, keys: {...keys, secretAccessKey: secret}}
}
