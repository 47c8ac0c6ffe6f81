import {configSectionName, configPath, credentialsPath, displayPath, loadAwsFiles} from '../aws/files.js'
import {stderrReporter, writeOut} from '../cli/output.js'
import {defaultProfile} from './session-options.js'
import {editIniFile} from '../session/session-profile.js'
import {MfaError, EXIT} from '../cli/errors.js'
import {setSection} from '../aws/ini.js'
import {resolveProfile, type ResolvedProfile} from '../aws/profile.js'
import {iamContext, stsContext} from '../aws/call-context.js'
import {callAws, getCallerIdentity} from '../session/sts.js'
import {withLongTermKeys} from '../keys/long-term.js'

export interface Device {
  serialNumber: string
  userName?: string
  /** RFC 3339, when IAM said. */
  enableDate?: string
  /** True when IAM could not be asked and the serial was derived from the user's ARN. */
  guessed?: boolean
}

export interface DevicesFlags {
  profile?: string
  save?: boolean
  json?: boolean
}

/** arn:aws:iam::123456789012:user/team/alice → arn:aws:iam::123456789012:mfa/alice (AWS's default name for a virtual device). */
export function guessSerial(userArn: string): string | undefined {
  const m = /^arn:([^:]+):iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(userArn)
  return m ? `arn:${m[1]}:iam::${m[2]}:mfa/${m[3]}` : undefined
}

async function listDevices(resolved: ResolvedProfile, env: NodeJS.ProcessEnv): Promise<Device[]> {
  const out = await callAws<typeof import('@aws-sdk/client-iam'), {MFADevices?: Array<{SerialNumber?: string; UserName?: string; EnableDate?: Date}>}>(
    () => import('@aws-sdk/client-iam'),
    m => m.IAMClient,
    iamContext(resolved, env),
    'ListMFADevices',
    m => new m.ListMFADevicesCommand({}),
  )
  return (out.MFADevices ?? [])
    .filter(d => d.SerialNumber)
    .map(d => ({serialNumber: d.SerialNumber!, userName: d.UserName, enableDate: d.EnableDate?.toISOString().replace(/\.\d{3}Z$/, 'Z')}))
}

/** Without IAM permission: the ARN derived from the caller's identity, said to be a guess. */
async function guessDevice(resolved: ResolvedProfile, env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<Device[]> {
  const id = await getCallerIdentity(stsContext(resolved, env))
  const serial = guessSerial(id.Arn)
  if (!serial) throw new MfaError(`cannot list MFA devices, and ${id.Arn} is not an IAM user to guess one from`, {hint: 'Find the device ARN in the IAM console and run `mfa devices --save ARN`.'})
  say(`mfa: no permission to list MFA devices (iam:ListMFADevices); guessing from your user ARN ${id.Arn} — check it in the IAM console`)
  return [{serialNumber: serial, userName: id.Arn.split('/').pop(), guessed: true}]
}

/** `mfa devices`: the user's MFA devices, and with --save the chosen one as mfa_serial in ~/.aws/config. */
export async function devicesAction(flags: DevicesFlags, chosen: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const {say} = stderrReporter()
  const name = flags.profile ?? defaultProfile(env)
  const resolved = await withLongTermKeys(resolveProfile(loadAwsFiles(env), name, {env, requireSerial: false}))
  let devices: Device[]
  try {
    devices = await listDevices(resolved, env)
  } catch (error) {
    if (!(error instanceof MfaError) || !/^IAM denied ListMFADevices/.test(error.message)) throw error
    devices = await guessDevice(resolved, env, say)
  }

  if (flags.json) writeOut(JSON.stringify(devices, null, 2) + '\n')
  else if (devices.length === 0) say(`mfa: the user of profile "${resolved.keys.name}" has no MFA device; add a virtual one in the IAM console (Security credentials)`)
  else writeOut(devices.map(d => `${d.serialNumber}${d.enableDate ? `  enabled ${d.enableDate.slice(0, 10)}` : ''}${d.guessed ? '  (a guess)' : ''}${d.serialNumber === resolved.mfaSerial ? '  (in use)' : ''}`).join('\n') + '\n')

  if (!flags.save && chosen === undefined) return devices.length ? 0 : 1
  let serial = chosen
  if (serial === undefined) {
    if (devices.length === 0) throw new MfaError('there is no MFA device to save')
    if (devices.length > 1) {
      throw new MfaError(`profile "${resolved.keys.name}" has ${devices.length} MFA devices: say which one to save`, {
        hint: `mfa devices --save ${devices[0].serialNumber}`,
        exitCode: EXIT.usage,
      })
    }
    serial = devices[0].serialNumber
  } else if (devices.length && !devices.some(d => d.serialNumber === serial) && !devices.every(d => d.guessed)) {
    throw new MfaError(`${serial} is not one of the MFA devices of profile "${resolved.keys.name}"`, {hint: `Choose one of: ${devices.map(d => d.serialNumber).join(', ')}`, exitCode: EXIT.usage})
  }
  // The SDKs read a profile's settings from the credentials file first: an mfa_serial there is replaced there.
  const files = loadAwsFiles(env)
  const inCredentials = files.credentials.sections.get(name)?.mfa_serial !== undefined
  const section = inCredentials ? name : configSectionName(name)
  const path = inCredentials ? credentialsPath(env) : configPath(env)
  const previous = await editIniFile(env, path, file => {
    const before = file.sections.get(section)?.mfa_serial
    return {content: before === serial ? undefined : setSection(file.doc, section, {mfa_serial: serial!}), result: before}
  })
  const where = `[${section}] in ${displayPath(path, env)}`
  say(
    previous === serial
      ? `mfa: ${where} already has mfa_serial = ${serial}`
      : `mfa: saved mfa_serial = ${serial} to ${where}${previous ? ` (it was ${previous})` : ''}${devices.find(d => d.serialNumber === serial)?.guessed ? '; it is a guess: check it in the IAM console' : ''}`,
  )
  return 0
}
