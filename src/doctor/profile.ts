/**
 * `mfa doctor`'s profile lines: its keys apart from its device (a placeholder device), then with
 * its own; its mfa_process and prompt driver. What does not resolve is checked along its chain.
 */
import {type AwsFiles, profileSettings} from '../aws/files.js'
import type {IniSection} from '../aws/ini.js'
import {checkSerial, noMfaDevice, type ResolvedProfile, resolveProfile} from '../aws/profile.js'
import {type Finding, fromError} from './finding.js'
import {checkMfaProcess} from './mfa-process.js'
import {checkPromptDriver} from './prompt-driver.js'

/** A serial that checkSerial accepts, to check the keys apart from the device. */
const ANY_SERIAL = 'arn:aws:iam::000000000000:mfa/doctor'

export interface ProfileChecks {
  findings: Finding[]
  /** The profile with its own device, when it resolves. */
  resolved?: ResolvedProfile
  /** The profile with a placeholder device, when its keys resolve. */
  keysResolved?: ResolvedProfile
}

export function checkProfile({files, profile, env}: {files: AwsFiles; profile: string; env: NodeJS.ProcessEnv}): ProfileChecks {
  const findings: Finding[] = []
  let keysResolved: ResolvedProfile | undefined
  try {
    keysResolved = resolveProfile(files, profile, {env, serialNumber: ANY_SERIAL})
  } catch (error) {
    findings.push(fromError('keys', error))
  }
  const settings = chain(files, profile)
  const resolved = keysResolved ? checkDevice({files, profile, env, findings}) : undefined
  if (!keysResolved && settings.length > 0) findings.push(checkSerialSetting({settings, profile, files, env}))
  if (settings.length > 0) findings.push(...codeSources({settings, resolved, profile, env}))
  return {findings, resolved, keysResolved}
}

/** The profile with its own device; its mfa_serial line goes to findings. */
function checkDevice({files, profile, env, findings}: {files: AwsFiles; profile: string; env: NodeJS.ProcessEnv; findings: Finding[]}): ResolvedProfile | undefined {
  try {
    const resolved = resolveProfile(files, profile, {env})
    findings.push({check: 'mfa_serial', status: 'ok', message: `the MFA device is ${resolved.mfaSerial}`})
    return resolved
  } catch (error) {
    findings.push(fromError('mfa_serial', error))
    return undefined
  }
}

/** Where a code would come from: the mfa_process line, then the prompt_driver line. */
function codeSources({settings, resolved, profile, env}: {settings: IniSection[]; resolved?: ResolvedProfile; profile: string; env: NodeJS.ProcessEnv}): Finding[] {
  const command = resolved?.mfaProcess ?? settings.map(s => s.mfa_process).find(Boolean)
  const mfaProcess: Finding = command
    ? checkMfaProcess(command, env)
    : {check: 'mfa_process', status: 'ok', message: 'no mfa_process: mfa asks for the code on the terminal (or takes --token-code)'}
  const promptDriver = checkPromptDriver({
    setting: promptSetting(settings, env),
    from: env.MFA_PROMPT_DRIVER ? 'MFA_PROMPT_DRIVER' : 'mfa_prompt_driver',
    mfaProcess: command,
    serial: resolved?.mfaSerial ?? '',
    profile,
    env,
  })
  return [mfaProcess, promptDriver]
}

/** The settings along a profile's source_profile chain, for what can be checked when it does not resolve. */
export function chain(files: AwsFiles, name: string): IniSection[] {
  const out: IniSection[] = []
  const seen = new Set<string>()
  for (let current: string | undefined = name; current && !seen.has(current); ) {
    seen.add(current)
    const settings = profileSettings(files, current)
    if (!settings) break
    out.push(settings)
    current = settings.role_arn ? settings.source_profile : undefined
  }
  return out
}

/** The prompt driver asked for: MFA_PROMPT_DRIVER, else mfa_prompt_driver along the profile's chain. */
export function promptSetting(settings: IniSection[], env: NodeJS.ProcessEnv): string | undefined {
  return env.MFA_PROMPT_DRIVER || settings.map(s => s.mfa_prompt_driver?.trim()).find(Boolean)
}

/** mfa_serial of a profile that does not resolve: what can be checked of it along its chain. */
function checkSerialSetting({settings, profile, files, env}: {settings: IniSection[]; profile: string; files: AwsFiles; env: NodeJS.ProcessEnv}): Finding {
  const serial = settings.map(s => s.mfa_serial).find(Boolean)
  try {
    if (!serial) throw noMfaDevice(profile, files.config.path, env)
    return {check: 'mfa_serial', status: 'ok', message: `the MFA device is ${checkSerial(serial, `mfa_serial of profile "${profile}"`)}`}
  } catch (error) {
    return fromError('mfa_serial', error)
  }
}
