/**
 * Where a profile's long-term keys are, as the files say: in plaintext in ~/.aws/credentials (or
 * the profile's config section), and/or in the OS keyring as mfa_keyring names it.
 */
import {type AwsFiles, configSectionName, profileNames} from '../aws/files.js'
import {KEYRING_SETTING} from '../aws/profile.js'

/** Where a profile's long-term keys are, as the files say. */
export interface KeysLocation {
  profile: string
  /** In plaintext: in ~/.aws/credentials, or (less often) in the profile's section of ~/.aws/config. */
  file?: {accessKeyId: string; secretAccessKey: string; path: string; section: string}
  /** mfa_keyring in the profile's config section: the access key id of the keyring item. */
  keyring?: string
}

export function locateKeys(files: AwsFiles, profile: string): KeysLocation {
  const inCredentials = files.credentials.sections.get(profile)
  const inConfig = files.config.sections.get(configSectionName(profile))
  // As in the SDKs: the credentials file's keys win over the config file's.
  const plain = (file: AwsFiles['config'], section: string) => {
    const s = file.sections.get(section)
    const id = s?.aws_access_key_id?.trim()
    const secret = s?.aws_secret_access_key?.trim()
    return id && secret && !s?.aws_session_token ? {accessKeyId: id, secretAccessKey: secret, path: file.path, section} : undefined
  }
  const file = plain(files.credentials, profile) ?? plain(files.config, configSectionName(profile))
  const keyring = inConfig?.[KEYRING_SETTING]?.trim() || inCredentials?.[KEYRING_SETTING]?.trim()
  return {profile, ...(file ? {file} : {}), ...(keyring ? {keyring} : {})}
}

/** Other profiles whose mfa_keyring names the same item: it stays while one of them uses it. */
export function sharedWith(files: AwsFiles, profile: string, accessKeyId: string): string[] {
  return profileNames(files).filter(p => p !== profile && locateKeys(files, p).keyring === accessKeyId)
}
