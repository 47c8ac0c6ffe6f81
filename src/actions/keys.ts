/**
 * `mfa keys import|add|list|remove|export`: where a profile's long-term keys live, the OS keyring or
 * ~/.aws/credentials. Each step that can fail comes before the step that would lose something:
 * the keyring answers and gives the secret back before a file is changed, a file is changed under
 * its lock after a re-read, and a failure on the way puts back what was changed.
 */
import {configPath, configSectionName, credentialsPath, displayPath, loadAwsFiles, profileNames} from '../aws/files.js'
import {editIniFile} from '../session/session-profile.js'
import {MfaError} from '../cli/errors.js'
import {removeKeys, setSection} from '../aws/ini.js'
import {profileWords} from '../cli/hint.js'
import {maskKeyId} from '../cli/redact.js'
import {KEYRING_SETTING} from '../aws/profile.js'
import {locateKeys, sharedWith} from '../keys/location.js'
import type {NewKeys} from '../keys/new-keys.js'

export const KEY_SETTINGS = ['aws_access_key_id', 'aws_secret_access_key'] as const

export type Say = (line: string) => void

/** What a keys command works on: the profile, the environment (HOME, AWS_CONFIG_FILE, …), and where its notices go. */
export interface KeysRequest {
  profile: string
  env: NodeJS.ProcessEnv
  say: Say
}

export async function setKeyringSetting({env, profile, accessKeyId}: {env: NodeJS.ProcessEnv; profile: string; accessKeyId: string | undefined}): Promise<void> {
  await editIniFile(env, configPath(env), file => {
    const section = configSectionName(profile)
    if (file.sections.get(section)?.[KEYRING_SETTING] === accessKeyId) return {result: undefined}
    return {
      content: accessKeyId === undefined ? removeKeys(file.doc, section, [KEYRING_SETTING], {dropEmpty: true}) : setSection(file.doc, section, {[KEYRING_SETTING]: accessKeyId}),
      result: undefined,
    }
  })
}

/** Runs undo steps after a failure; a failing undo is told, and the first error is what the user sees. */
async function undoing<T>(work: () => Promise<T>, undo: Array<() => unknown>, say: Say): Promise<T> {
  try {
    return await work()
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        await step()
      } catch (undoError) {
        say(`mfa: could not undo a step: ${(undoError as Error).message}`)
      }
    }
    throw error
  }
}

/** `mfa keys import`: the keys in ~/.aws/credentials move into the keyring; the file keeps every other byte. */
export async function importKeys({profile, env, say}: KeysRequest): Promise<number> {
  const files = loadAwsFiles(env)
  const where = displayPath(credentialsPath(env), env)
  const found = locateKeys(files, profile)
  if (!found.file) {
    if (found.keyring) {
      say(`mfa: the keys of profile "${profile}" are already in the OS keyring (${maskKeyId(found.keyring)})`)
      return 0
    }
    const session = files.credentials.sections.get(profile)?.aws_session_token
    throw new MfaError(
      session ? `[${profile}] in ${where} holds temporary credentials, not long-term keys to import` : `[${profile}] in ${where} has no long-term keys to import`,
      {hint: `Add new keys straight to the keyring: mfa keys add${profileWords(profile)}`},
    )
  }
  const {accessKeyId, secretAccessKey, path, section} = found.file
  const from = displayPath(path, env)
  const keyring = await import('../keys/keyring.js')
  const before = keyring.readSecret(accessKeyId)
  keyring.storeSecret(accessKeyId, secretAccessKey)
  const undo: Array<() => unknown> = [() => (before === undefined ? keyring.deleteSecret(accessKeyId) : keyring.storeSecret(accessKeyId, before))]
  await undoing(
    async () => {
      await setKeyringSetting({env, profile, accessKeyId})
      undo.push(() => setKeyringSetting({env, profile, accessKeyId: found.keyring}))
      await editIniFile(env, path, file => {
        const now = file.sections.get(section)
        if (now?.aws_access_key_id?.trim() !== accessKeyId || now?.aws_secret_access_key?.trim() !== secretAccessKey) {
          throw new MfaError(`[${section}] in ${from} changed while mfa was importing its keys; nothing was changed`, {hint: 'Run the command again.'})
        }
        return {content: removeKeys(file.doc, section, KEY_SETTINGS), result: undefined}
      })
    },
    undo,
    say,
  )
  say(`mfa: moved the keys of profile "${profile}" (${maskKeyId(accessKeyId)}) from ${from} into the OS keyring; ${displayPath(configPath(env), env)} says ${KEYRING_SETTING} = ${accessKeyId}`)
  return 0
}

/** `mfa keys add`: new keys for a profile, into the keyring; the key they replace leaves the keyring. */
export async function addKeys({profile, keys, env, say}: KeysRequest & {keys: NewKeys}): Promise<number> {
  const files = loadAwsFiles(env)
  const found = locateKeys(files, profile)
  if (found.file) {
    throw new MfaError(`profile "${profile}" has its keys in ${displayPath(found.file.path, env)}, which would win over the keyring`, {
      hint: `Move them with \`mfa keys import${profileWords(profile)}\`, or remove them with \`mfa keys remove${profileWords(profile)}\` first.`,
    })
  }
  const keyring = await import('../keys/keyring.js')
  const before = keyring.readSecret(keys.accessKeyId)
  keyring.storeSecret(keys.accessKeyId, keys.secretAccessKey)
  await undoing(
    () => setKeyringSetting({env, profile, accessKeyId: keys.accessKeyId}),
    [() => (before === undefined ? keyring.deleteSecret(keys.accessKeyId) : keyring.storeSecret(keys.accessKeyId, before))],
    say,
  )
  const old = found.keyring && found.keyring !== keys.accessKeyId ? found.keyring : undefined
  if (old && sharedWith(files, profile, old).length === 0) {
    try {
      keyring.deleteSecret(old)
    } catch (error) {
      say(`mfa: the replaced key ${maskKeyId(old)} stays in the OS keyring: ${(error as Error).message}`)
    }
  }
  say(`mfa: stored key ${maskKeyId(keys.accessKeyId)} of profile "${profile}" in the OS keyring${old ? ` (it replaces ${maskKeyId(old)})` : ''}`)
  return 0
}

export interface KeysListing {
  profile: string
  accessKeyId: string
  where: 'keyring' | 'file'
  /** For 'file': which one. */
  path?: string
  /** For the keyring: whether the item is there (undefined when the keyring could not be asked). */
  found?: boolean
}

/** `mfa keys list`: every profile with long-term keys, where they are, their masked id. */
export async function listKeys({env, say}: Omit<KeysRequest, 'profile'>): Promise<{rows: KeysListing[]; code: number}> {
  const files = loadAwsFiles(env)
  const rows: KeysListing[] = []
  for (const profile of profileNames(files)) {
    const found = locateKeys(files, profile)
    if (found.file) rows.push({profile, accessKeyId: found.file.accessKeyId, where: 'file', path: found.file.path})
    else if (found.keyring) rows.push({profile, accessKeyId: found.keyring, where: 'keyring'})
  }
  let code = 0
  const inKeyring = rows.filter(r => r.where === 'keyring')
  if (inKeyring.length > 0) {
    try {
      const keyring = await import('../keys/keyring.js')
      for (const row of inKeyring) row.found = keyring.readSecret(row.accessKeyId) !== undefined
      if (inKeyring.some(r => !r.found)) code = 1
    } catch (error) {
      say(`mfa: ${(error as Error).message}`)
      code = 1
    }
  }
  return {rows, code}
}

export function formatListing(rows: KeysListing[], env: NodeJS.ProcessEnv): string {
  const width = Math.max(0, ...rows.map(r => r.profile.length))
  return rows
    .map(r => {
      const where = r.where === 'file' ? `${displayPath(r.path ?? credentialsPath(env), env)} (plaintext)` : `OS keyring${r.found === false ? ' (missing: mfa keys add' + profileWords(r.profile) + ')' : r.found === undefined ? ' (not checked)' : ''}`
      return `${r.profile.padEnd(width)}  ${maskKeyId(r.accessKeyId)}  ${where}`
    })
    .map(line => line + '\n')
    .join('')
}

/** `mfa keys remove`: the profile's long-term keys go, from the keyring and the file; sessions stay. */
export async function removeKeysOf({profile, env, say}: KeysRequest): Promise<number> {
  const files = loadAwsFiles(env)
  const found = locateKeys(files, profile)
  if (!found.file && !found.keyring) throw new MfaError(`profile "${profile}" has no long-term keys to remove`)
  const removed: string[] = []
  if (found.keyring) {
    const shared = sharedWith(files, profile, found.keyring)
    if (shared.length === 0) (await import('../keys/keyring.js')).deleteSecret(found.keyring)
    else say(`mfa: key ${maskKeyId(found.keyring)} stays in the OS keyring for profile ${shared.map(p => `"${p}"`).join(', ')}`)
    await setKeyringSetting({env, profile, accessKeyId: undefined})
    removed.push(`${maskKeyId(found.keyring)} from the OS keyring`)
  }
  if (found.file) {
    const {path, section} = found.file
    await editIniFile(env, path, file => ({content: removeKeys(file.doc, section, KEY_SETTINGS), result: undefined}))
    removed.push(`${maskKeyId(found.file.accessKeyId)} from ${displayPath(path, env)}`)
  }
  say(`mfa: removed the long-term keys of profile "${profile}": ${removed.join(', ')}. Its session stays until it expires (mfa logout${profileWords(profile)} forgets it); the key itself still exists in IAM.`)
  return 0
}

/** `mfa keys export`: the way out: the keys go back into ~/.aws/credentials and leave the keyring. */
export async function exportKeys({profile, env, say}: KeysRequest): Promise<number> {
  const files = loadAwsFiles(env)
  const found = locateKeys(files, profile)
  const where = displayPath(credentialsPath(env), env)
  if (found.file) {
    say(`mfa: the keys of profile "${profile}" are already in ${displayPath(found.file.path, env)}${found.keyring ? ` (they win over ${KEYRING_SETTING}; \`mfa keys import${profileWords(profile)}\` moves them back)` : ''}`)
    return 0
  }
  if (!found.keyring) throw new MfaError(`profile "${profile}" has no keys in the OS keyring to export`)
  const keyring = await import('../keys/keyring.js')
  const accessKeyId = found.keyring
  const secretAccessKey = keyring.readSecret(accessKeyId)
  if (secretAccessKey === undefined) {
    throw new MfaError(`the OS keyring has no secret for key ${maskKeyId(accessKeyId)} of profile "${profile}"`, {hint: `Add it again: mfa keys add${profileWords(profile)}`})
  }
  await editIniFile(env, credentialsPath(env), file => ({content: setSection(file.doc, profile, {aws_access_key_id: accessKeyId, aws_secret_access_key: secretAccessKey}), result: undefined}))
  // From here the file's keys win: what follows only tidies up.
  await setKeyringSetting({env, profile, accessKeyId: undefined})
  if (sharedWith(files, profile, accessKeyId).length === 0) {
    try {
      keyring.deleteSecret(accessKeyId)
    } catch (error) {
      say(`mfa: key ${maskKeyId(accessKeyId)} stays in the OS keyring too: ${(error as Error).message}`)
    }
  }
  say(`mfa: wrote the keys of profile "${profile}" (${maskKeyId(accessKeyId)}) into ${where}, in plaintext, and removed them from the OS keyring`)
  return 0
}
