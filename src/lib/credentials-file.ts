/**
 * The session profiles mfa keeps in the shared credentials file ([mfa], [<profile>-mfa]), so that
 * `aws --profile mfa ...` works. Every edit holds a lock, re-reads the file under it, changes one
 * section, and replaces the file atomically; every other byte stays as it was.
 */
import {join} from 'node:path'
import {realpathSync} from 'node:fs'
import {credentialsPath, displayPath, loadIniFile} from './aws-files.js'
import {cacheDir, hashKey, type StsCredentials} from './cache.js'
import {MfaError} from './errors.js'
import {ensurePrivateDir, writeFileAtomic} from './fsutil.js'
import {type IniSection, removeSection, setSection} from './ini.js'
import {withLock} from './lock.js'

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

export async function editCredentials<T>(env: NodeJS.ProcessEnv, edit: (file: ReturnType<typeof loadIniFile>) => {content?: string; result: T}): Promise<T> {
  const path = credentialsPath(env)
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

/** Writes (or refreshes) a session profile. Refuses to overwrite a profile with long-term keys. */
export async function writeSessionProfile(env: NodeJS.ProcessEnv, name: string, creds: StsCredentials): Promise<void> {
  await editCredentials(env, file => {
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
}

/** Removes a session profile; false when there was none. Never removes a profile with long-term keys. */
export async function removeSessionProfile(env: NodeJS.ProcessEnv, name: string): Promise<boolean> {
  return editCredentials(env, file => {
    const existing = file.sections.get(name)
    if (!existing || !isSessionSection(existing)) return {result: false}
    return {content: removeSection(file.doc, name), result: true}
  })
}
