/**
 * The session profiles mfa keeps in the shared credentials file ([mfa], [<profile>-mfa]), so that
 * `aws --profile mfa ...` works. Every edit holds a lock, re-reads the file under it, changes one
 * section, and replaces the file atomically; every other byte stays as it was.
 */
import {join} from 'node:path'
import {realpathSync} from 'node:fs'
import {type AwsFiles, configPath, configSectionName, credentialsPath, displayPath, loadIniFile} from '../aws/files.js'
import {profileOfSessionProfile} from '../aws/profile.js'
import {cacheDir, hashKey, type StsCredentials} from './cache.js'
import {MfaError} from '../cli/errors.js'
import {ensurePrivateDir, writeFileAtomic} from '../aws/private-files.js'
import {type IniSection, removeSection, setSection} from '../aws/ini.js'
import {withLock} from '../aws/lock.js'

export const EXPIRY_KEY = 'x_security_token_expires'

export function sessionSection(creds: StsCredentials): IniSection {
  return {
    aws_access_key_id: creds.AccessKeyId,
    aws_secret_access_key: creds.SecretAccessKey,
    aws_session_token: creds.SessionToken,
    [EXPIRY_KEY]: creds.Expiration,
  }
}

/** True when a section is one mfa wrote (or could have): it holds a session, not long-term keys. */
export function isSessionSection(section: IniSection | undefined): boolean {
  return !section || Boolean(section.aws_session_token || section[EXPIRY_KEY]) || !section.aws_access_key_id
}

function lockPath(env: NodeJS.ProcessEnv, file: string): string {
  let real = file
  try {
    real = realpathSync(file)
  } catch {}
  const dir = cacheDir(env)
  ensurePrivateDir(dir)
  return join(dir, `credentials-${hashKey('credentials', real)}.lock`)
}

/** Edits one of the AWS files under its lock: read, change, atomic replace (only when it changed). */
export async function editIniFile<T>(env: NodeJS.ProcessEnv, path: string, edit: (file: ReturnType<typeof loadIniFile>) => {content?: string; result: T}): Promise<T> {
  return withLock(
    lockPath(env, path),
    async () => {
      const file = loadIniFile(path, env)
      const {content, result} = edit(file)
      if (content !== undefined && content !== file.content) writeFileAtomic(path, content)
      return result
    },
    {purpose: `that is editing ${displayPath(path, env)}`},
  )
}

/** Marks a config section mfa wrote for a session profile (the SDKs ignore keys they do not know). */
export const SOURCE_KEY = 'mfa_source_profile'

/**
 * Writes (or refreshes) a session profile in the credentials file. Refuses to overwrite a profile
 * with long-term keys. When the source profile has a region, the session profile gets it too, in
 * the config file, so that `aws --profile mfa ...` runs in the same region.
 */
export async function writeSessionProfile(env: NodeJS.ProcessEnv, name: string, creds: StsCredentials, source?: {profile: string; region?: string}): Promise<void> {
  await editIniFile(env, credentialsPath(env), file => {
    const existing = file.sections.get(name)
    if (!isSessionSection(existing)) {
      throw new MfaError(`[${name}] in ${displayPath(file.path, env)} holds long-term keys that mfa did not write; mfa will not overwrite it`, {
        hint: `Rename that profile; mfa keeps the session of a profile in [${name}].`,
      })
    }
    const wanted = sessionSection(creds)
    const same = existing && Object.entries(wanted).every(([k, v]) => existing[k] === v)
    return {content: same ? undefined : setSection(file.doc, name, wanted), result: undefined}
  })
  if (source?.region) await writeSessionRegion(env, name, source.profile, source.region)
}

async function writeSessionRegion(env: NodeJS.ProcessEnv, name: string, source: string, region: string): Promise<void> {
  await editIniFile(env, configPath(env), file => {
    const section = configSectionName(name)
    const existing = file.sections.get(section)
    // A section the user wrote is theirs: mfa only fills in its own.
    if (existing && (existing[SOURCE_KEY] === undefined || (existing.region === region && existing[SOURCE_KEY] === source))) return {result: undefined}
    return {content: setSection(file.doc, section, {region, [SOURCE_KEY]: source}), result: undefined}
  })
}

/** True when mfa wrote this credentials section: a session profile's name, with the expiry mfa writes. */
function wroteCredentials(name: string, section: IniSection | undefined): boolean {
  return profileOfSessionProfile(name) !== undefined && section?.[EXPIRY_KEY] !== undefined
}

/**
 * The session profiles mfa wrote: credentials sections named [mfa] or [<profile>-mfa] with the
 * expiry mfa writes, and config sections with the source mfa records. Completion leaves them out;
 * `logout --all` removes them.
 */
export function writtenSessionProfiles(files: AwsFiles): Set<string> {
  const names = new Set<string>()
  for (const [name, section] of files.credentials.sections) if (wroteCredentials(name, section)) names.add(name)
  for (const [name, section] of files.config.sections) {
    if (section[SOURCE_KEY] !== undefined) names.add(name === 'default' ? name : name.replace(/^profile /, '').trim())
  }
  return names
}

/** The profile a session profile that mfa wrote was made from; undefined when mfa did not write it. */
export function sourceOfSessionProfile(files: AwsFiles, name: string): string | undefined {
  if (!wroteCredentials(name, files.credentials.sections.get(name))) return undefined
  return files.config.sections.get(configSectionName(name))?.[SOURCE_KEY] || profileOfSessionProfile(name)
}

/** Removes a session profile; false when there was none. Never removes a profile with long-term keys or a config section mfa did not write. */
export async function removeSessionProfile(env: NodeJS.ProcessEnv, name: string): Promise<boolean> {
  const config = await editIniFile(env, configPath(env), file => {
    const section = configSectionName(name)
    if (file.sections.get(section)?.[SOURCE_KEY] === undefined) return {result: false}
    return {content: removeSection(file.doc, section), result: true}
  })
  const credentials = await editIniFile(env, credentialsPath(env), file => {
    const existing = file.sections.get(name)
    if (!existing || !isSessionSection(existing)) return {result: false}
    return {content: removeSection(file.doc, name), result: true}
  })
  return config || credentials
}
