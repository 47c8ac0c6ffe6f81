/**
 * `mfa keys rotate`: a new access key in IAM, in place of the old one. Every IAM call is signed with
 * the profile's MFA session (policies that demand MFA demand it here too). The order keeps one
 * working key at every step: create the new key, check it with STS, store it where the old one
 * was (keyring or file), and only then delete the old key in IAM. When a step fails, the message
 * says which key works.
 */
import {configSectionName, credentialsPath, displayPath, loadAwsFiles} from '../aws/files.js'
import {editIniFile} from '../session/session-profile.js'
import {MfaError} from '../cli/errors.js'
import {setSection} from '../aws/ini.js'
import {KEYRING_SETTING, type ResolvedProfile, resolveProfile} from '../aws/profile.js'
import {maskKeyId, rememberSecret} from '../cli/redact.js'
import {ensureSession} from '../session/ensure.js'
import {partitionRegion, stsRegion} from '../aws/call-context.js'
import type {Reporter} from '../cli/output.js'
import {callAws, type CallContext, getCallerIdentity} from '../session/sts.js'
import {setKeyringSetting} from './keys.js'
import {type KeysLocation, locateKeys, sharedWith} from '../keys/location.js'
import {profileWords} from '../cli/hint.js'

type Iam = typeof import('@aws-sdk/client-iam')

export interface RotateOptions {
  profile: string
  tokenCode?: string
  env: NodeJS.ProcessEnv
  reporter: Reporter
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** What every step of a rotation works with. */
interface Rotation {
  env: NodeJS.ProcessEnv
  reporter: Reporter
  resolved: ResolvedProfile
  /** The profile with the keys. */
  profile: string
  found: KeysLocation
  /** The access key id being replaced. */
  old: string
  inKeyring: boolean
  /** An IAM call signed with the profile's MFA session. */
  iam: <T>(action: string, command: (m: Iam) => unknown) => Promise<T>
}

interface NewKey {
  accessKeyId: string
  secretAccessKey: string
}

export async function rotateKeys(options: RotateOptions): Promise<number> {
  const rotation = await startRotation(options)
  await checkRoomForNewKey(rotation)
  const fresh = await createKey(rotation)
  await untilKeyWorks(rotation, fresh)
  await storeKey(rotation, fresh)
  const where = rotation.inKeyring ? `the OS keyring (${KEYRING_SETTING} in [${configSectionName(rotation.profile)}])` : displayPath(rotation.found.file!.path, rotation.env)
  await retireOldKey(rotation, {newKey: maskKeyId(fresh.accessKeyId), where})
  const {reporter, profile, old} = rotation
  reporter.say(`mfa: rotated the key of profile "${profile}": ${maskKeyId(fresh.accessKeyId)} is in ${where} and works; ${maskKeyId(old)} is deleted in IAM`)
  reporter.say(`mfa: the next command that needs a session asks for a code (sessions are made per key): mfa login${profileWords(profile)}`)
  return 0
}

/** The profile's keys and where they are, and an MFA session to sign the IAM calls with. */
async function startRotation(options: RotateOptions): Promise<Rotation> {
  const {env, reporter} = options
  const files = loadAwsFiles(env)
  const resolved = resolveProfile(files, options.profile, {env})
  const profile = resolved.keys.name
  const found = locateKeys(files, profile)
  const old = found.file?.accessKeyId ?? found.keyring
  if (!old) {
    throw new MfaError(`profile "${profile}" has its keys neither in ${displayPath(credentialsPath(env), env)} (or ~/.aws/config) nor in the OS keyring`, {
      hint: 'mfa rotates keys kept in the credentials file or in the keyring.',
    })
  }
  const {session} = await ensureSession({profile, tokenCode: options.tokenCode, serialNumber: resolved.mfaSerial, env, reporter})
  const c = session.Credentials
  const iamCtx: CallContext = {
    service: 'IAM',
    region: partitionRegion(resolved),
    endpoint: resolved.iamEndpoint,
    credentials: {accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken},
    profile,
    env,
  }
  const iam = <T>(action: string, command: (m: Iam) => unknown) => callAws<Iam, T>(() => import('@aws-sdk/client-iam'), m => m.IAMClient, iamCtx, action, command)
  return {env, reporter, resolved, profile, found, old, inKeyring: !found.file, iam}
}

/** The old key must be the user's, and the user must have no second key: IAM allows two. */
async function checkRoomForNewKey({iam, old, profile}: Rotation): Promise<void> {
  const listed = await iam<{AccessKeyMetadata?: Array<{AccessKeyId?: string}>}>('ListAccessKeys', m => new m.ListAccessKeysCommand({}))
  const others = (listed.AccessKeyMetadata ?? []).map(k => k.AccessKeyId ?? '').filter(id => id && id !== old)
  if (!(listed.AccessKeyMetadata ?? []).some(k => k.AccessKeyId === old)) {
    throw new MfaError(`key ${maskKeyId(old)} of profile "${profile}" is not one of its user's access keys in IAM; nothing was changed`, {
      hint: 'Check the key with `mfa doctor`; `mfa keys add` stores a key made in the IAM console.',
    })
  }
  if (others.length > 0) {
    throw new MfaError(`the user of profile "${profile}" already has a second access key (${others.map(maskKeyId).join(', ')}); IAM allows two, so there is no room for a new one; nothing was changed`, {
      hint: `Delete the key that is not in use (not ${maskKeyId(old)}) in the IAM console, then rotate again.`,
    })
  }
}

async function createKey({iam, reporter}: Rotation): Promise<NewKey> {
  const created = await reporterProgress(reporter, 'Creating a new access key in IAM', () =>
    iam<{AccessKey?: {AccessKeyId?: string; SecretAccessKey?: string}}>('CreateAccessKey', m => new m.CreateAccessKeyCommand({})),
  )
  const fresh = {accessKeyId: created.AccessKey?.AccessKeyId ?? '', secretAccessKey: created.AccessKey?.SecretAccessKey ?? ''}
  if (!fresh.accessKeyId || !fresh.secretAccessKey) throw new MfaError('IAM answered CreateAccessKey without a key; nothing was changed')
  rememberSecret(fresh.secretAccessKey)
  return fresh
}

/** Takes the new key back, so that the old one stays the only one, and fails with why. */
async function abandon(rotation: Rotation, fresh: NewKey, {why, error}: {why: string; error: unknown}): Promise<never> {
  const newKey = maskKeyId(fresh.accessKeyId)
  let undone = true
  try {
    await rotation.iam('DeleteAccessKey', m => new m.DeleteAccessKeyCommand({AccessKeyId: fresh.accessKeyId}))
  } catch {
    undone = false
  }
  throw new MfaError(`${why}: ${(error as Error).message}`, {
    hint: undone
      ? `The new key ${newKey} was deleted again; the old key ${maskKeyId(rotation.old)} is still the one in use, and works.`
      : `The old key ${maskKeyId(rotation.old)} is still the one in use, and works. The new key ${newKey} could not be deleted: delete it in the IAM console.`,
  })
}

/** A new key takes a few seconds to work everywhere in AWS: STS is asked until it takes it. */
async function untilKeyWorks(rotation: Rotation, fresh: NewKey): Promise<void> {
  const {resolved, profile, env} = rotation
  const stsCtx = {region: stsRegion(resolved, env), endpoint: resolved.stsEndpoint, credentials: fresh, profile, env}
  for (let attempt = 1; ; attempt++) {
    try {
      await getCallerIdentity(stsCtx)
      return
    } catch (error) {
      if (attempt >= 6) await abandon(rotation, fresh, {why: `the new key ${maskKeyId(fresh.accessKeyId)} does not work with STS`, error})
      await sleep(2000)
    }
  }
}

/** The new key where the old one was: the keyring and mfa_keyring, or the file's section, re-read under its lock. */
async function storeKey(rotation: Rotation, fresh: NewKey): Promise<void> {
  const {env, profile, found, old} = rotation
  try {
    if (rotation.inKeyring) {
      const keyring = await import('../keys/keyring.js')
      keyring.storeSecret(fresh.accessKeyId, fresh.secretAccessKey)
      await setKeyringSetting({env, profile, accessKeyId: fresh.accessKeyId})
    } else {
      const {path, section} = found.file!
      await editIniFile(env, path, file => {
        if (file.sections.get(section)?.aws_access_key_id?.trim() !== old) throw new MfaError(`[${section}] in ${displayPath(file.path, env)} changed during the rotation`)
        return {content: setSection(file.doc, section, {aws_access_key_id: fresh.accessKeyId, aws_secret_access_key: fresh.secretAccessKey}), result: undefined}
      })
    }
  } catch (error) {
    await abandon(rotation, fresh, {why: `the new key ${maskKeyId(fresh.accessKeyId)} could not be stored`, error})
  }
}

/** The old key deleted in IAM, and its keyring item when no other profile uses it. */
async function retireOldKey({iam, env, reporter, profile, old, inKeyring}: Rotation, {newKey, where}: {newKey: string; where: string}): Promise<void> {
  try {
    await iam('DeleteAccessKey', m => new m.DeleteAccessKeyCommand({AccessKeyId: old}))
  } catch (error) {
    throw new MfaError(`the new key ${newKey} is stored in ${where} and works, but the old key ${maskKeyId(old)} could not be deleted in IAM: ${(error as Error).message}`, {
      hint: `Delete the old key ${maskKeyId(old)} in the IAM console: it still works for anyone who has it.`,
    })
  }
  if (inKeyring && sharedWith(loadAwsFiles(env), profile, old).length === 0) {
    try {
      ;(await import('../keys/keyring.js')).deleteSecret(old)
    } catch (error) {
      reporter.say(`mfa: the old key's item stays in the OS keyring (the key itself is deleted in IAM): ${(error as Error).message}`)
    }
  }
}

function reporterProgress<T>(reporter: Reporter, text: string, work: () => Promise<T>): Promise<T> {
  return reporter.progress ? reporter.progress(text, work) : work()
}
