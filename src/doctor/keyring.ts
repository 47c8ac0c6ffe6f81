/**
 * `mfa doctor`'s keyring check: long-term keys in plaintext (a warning that points at `mfa keys
 * import`), or, for a profile with mfa_keyring, whether the keyring answers and holds the key.
 */
import {type AwsFiles, credentialsPath, displayPath} from '../aws/files.js'
import type {Finding} from './finding.js'
import {MfaError} from '../cli/errors.js'
import {KEYRING_SETTING, type KeyProfile} from '../aws/profile.js'
import {maskKeyId} from '../cli/redact.js'
import {locateKeys} from '../keys/location.js'
import {profileWords} from '../cli/hint.js'

export async function checkKeyring(files: AwsFiles, keys: KeyProfile, env: NodeJS.ProcessEnv): Promise<Finding> {
  const check = 'keyring'
  const found = locateKeys(files, keys.name)
  const file = displayPath(found.file?.path ?? credentialsPath(env), env)
  const which = `the long-term key of profile "${keys.name}" (${maskKeyId(keys.accessKeyId)})`
  if (found.file && found.keyring) {
    return {check, status: 'warning', message: `${which} is in plaintext in ${file}, and wins over ${KEYRING_SETTING} = ${found.keyring}`, fix: `run: mfa keys import${profileWords(keys.name)}`}
  }
  if (!keys.inKeyring) {
    return found.file
      ? {check, status: 'warning', message: `${which} is in plaintext in ${file}`, fix: `run: mfa keys import${profileWords(keys.name)}`}
      : {check, status: 'ok', message: `${which} is not in ${file} (it is set elsewhere)`}
  }
  try {
    const {readSecret} = await import('../keys/keyring.js')
    if (readSecret(keys.accessKeyId) === undefined) {
      return {check, status: 'problem', message: `the OS keyring answers but has no secret for ${which}`, fix: `store it again: mfa keys add${profileWords(keys.name)}`}
    }
    return {check, status: 'ok', message: `${which} is in the OS keyring, which answers`}
  } catch (error) {
    if (!(error instanceof MfaError)) throw error
    return {check, status: 'problem', message: error.message, fix: error.hint}
  }
}
