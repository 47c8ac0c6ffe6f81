/**
 * What a profile needs to get a session: the long-term keys at the root of its source_profile
 * chain, the MFA device, and the roles to assume on the way back.
 */
import {type AwsFiles, configSectionName, displayPath, profileNames, profileSettings} from './files.js'
import {parseDuration} from './duration.js'
import {MfaError} from '../cli/errors.js'
import type {IniSection} from './ini.js'
import {firstRunSteps, profileWords, quoteForHint} from '../cli/hint.js'
import {keepName, rememberSecret} from '../cli/redact.js'

/**
 * The one setting that says where a profile's long-term keys are: `mfa_keyring = <access key id>`
 * in the profile's section of ~/.aws/config means its secret is in the OS keyring, under that id,
 * and not in ~/.aws/credentials. The access key id is not a secret (AWS compares it to a user
 * name); keeping it in the file lets mfa match cached sessions to the key without opening the
 * keyring. The SDKs and the AWS CLI ignore settings they do not know.
 */
export const KEYRING_SETTING = 'mfa_keyring'

/** The profile whose long-term keys call GetSessionToken. */
export interface KeyProfile {
  name: string
  accessKeyId: string
  /** '' when the secret is in the OS keyring (withLongTermKeys in src/keys/long-term.ts reads it). */
  secretAccessKey: string
  /** The profile's config says mfa_keyring: the secret is in the OS keyring, under accessKeyId. */
  inKeyring?: boolean
  durationSeconds?: number
}

export interface RoleStep {
  /** The profile that names the role. */
  profile: string
  roleArn: string
  sessionName?: string
  externalId?: string
  durationSeconds?: number
}

export interface ResolvedProfile {
  name: string
  settings: IniSection
  /** Region of the requested profile, else of its source chain. */
  region?: string
  keys: KeyProfile
  /** Roles to assume after the MFA session, from the source outwards; empty for a plain profile. */
  roles: RoleStep[]
  mfaSerial: string
  mfaProcess?: string
  /** mfa_prompt_driver: how to ask for a code (src/prompt-drivers). */
  promptDriver?: string
  /** mfa_ykman_account: the YubiKey OATH account for the ykman driver (default: the serial). */
  ykmanAccount?: string
  /** endpoint_url for STS from the profile (services section or endpoint_url), if any. */
  stsEndpoint?: string
  /** The same for IAM (`mfa devices`). */
  iamEndpoint?: string
}

/** The credentials-file profile that holds a profile's session: `mfa` for default, `<name>-mfa` otherwise. */
export function sessionProfileName(profile: string): string {
  return profile === 'default' ? 'mfa' : `${profile}-mfa`
}

/** The profile a session profile's name stands for (the inverse of sessionProfileName); undefined for other names. */
export function profileOfSessionProfile(name: string): string | undefined {
  return name === 'mfa' ? 'default' : name.endsWith('-mfa') ? name.slice(0, -'-mfa'.length) : undefined
}

/** A profile without mfa_serial: how to find the device or name it. */
export function noMfaDevice(profile: string, configFile: string, env: NodeJS.ProcessEnv): MfaError {
  return new MfaError(`profile "${profile}" has no MFA device (mfa_serial)`, {
    hint: `Run \`mfa devices --save${profileWords(profile)}\`, or add mfa_serial = arn:aws:iam::ACCOUNT:mfa/NAME to [${configSectionName(profile)}] in ${displayPath(configFile, env)}.`,
  })
}

const MFA_ARN = /^arn:aws(-cn|-us-gov|-iso[a-z-]*)?:iam::\d{12}:mfa\/.+$/
const USER_ARN = /^arn:aws(-cn|-us-gov|-iso[a-z-]*)?:iam::(\d{12}):user\/(.+)$/
/** Hardware tokens bought before ARNs were used have plain serial numbers (e.g. GAHT12345678). */
const HARDWARE_SERIAL = /^[\w+=,.@-]{9,256}$/

export function checkSerial(serial: string, source: string): string {
  const value = serial.trim()
  if (MFA_ARN.test(value) || (HARDWARE_SERIAL.test(value) && !value.startsWith('arn:'))) return value
  const user = USER_ARN.exec(value)
  if (user) {
    throw new MfaError(`${source} is a user ARN, not an MFA device: "${value}"`, {
      hint: `MFA devices are named with mfa/, e.g. arn:aws${user[1] ?? ''}:iam::${user[2]}:mfa/${user[3].split('/').pop()}. Run \`mfa devices --save\` to find yours.`,
    })
  }
  throw new MfaError(`${source} "${value}" is not an MFA device ARN (arn:aws:iam::ACCOUNT:mfa/NAME)`, {
    hint: 'Run `mfa devices --save` to find and save yours.',
  })
}

function durationSetting(settings: IniSection, profile: string): number | undefined {
  const raw = settings.duration_seconds
  return raw === undefined || raw === '' ? undefined : parseDuration(raw, `duration_seconds of profile "${profile}"`)
}

function endpointOf(files: AwsFiles, settings: IniSection, env: NodeJS.ProcessEnv, service: 'sts' | 'iam'): string | undefined {
  // The SDKs read endpoint_url only from the AWS_PROFILE profile; mfa reads the one of the profile in
  // use. As in the SDKs, AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL win: the SDK reads them itself.
  if (env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL) return undefined
  const ignore = (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? settings.ignore_configured_endpoint_urls ?? '').toLowerCase() === 'true'
  if (ignore) return undefined
  if (settings.services) {
    const services = files.config.sections.get(`services ${settings.services}`)
    if (services?.[`${service}.endpoint_url`]) return services[`${service}.endpoint_url`]
  }
  return settings.endpoint_url || undefined
}

export interface ResolveOptions {
  serialNumber?: string
  /** false: a profile without an MFA device resolves too, with mfaSerial '' (`mfa devices` finds one). */
  requireSerial?: boolean
  env?: NodeJS.ProcessEnv
}

type ChainLink = {name: string; settings: IniSection}

/** Resolves a profile name into everything a session needs, or fails with what to fix. */
export function resolveProfile(files: AwsFiles, name: string, options: ResolveOptions = {}): ResolvedProfile {
  const env = options.env ?? process.env
  const chain = followChain(files, name, env)
  const root = chain.at(-1)!
  const rs = root.settings
  const keys = longTermKeys(root, files, env)
  const mfaSerial = mfaSerialOf(chain, name, options, files, env)
  const roles = roleSteps(chain)
  const requested = chain[0].settings
  return {
    name,
    settings: requested,
    region: chain.map(c => c.settings.region).find(Boolean),
    keys: {
      name: root.name,
      ...keys,
      durationSeconds: rs.role_arn && rs.source_profile === root.name ? undefined : durationSetting(rs, root.name),
    },
    roles,
    mfaSerial,
    mfaProcess: chain.map(c => c.settings.mfa_process).find(Boolean),
    promptDriver: chain.map(c => c.settings.mfa_prompt_driver?.trim()).find(Boolean),
    ykmanAccount: chain.map(c => c.settings.mfa_ykman_account?.trim()).find(Boolean),
    stsEndpoint: endpointOf(files, requested, env, 'sts') ?? endpointOf(files, rs, env, 'sts'),
    iamEndpoint: endpointOf(files, requested, env, 'iam') ?? endpointOf(files, rs, env, 'iam'),
  }
}

/** The profile, then each source_profile in turn, up to the one with the long-term keys. */
function followChain(files: AwsFiles, name: string, env: NodeJS.ProcessEnv): ChainLink[] {
  const where = `${displayPath(files.config.path, env)} or ${displayPath(files.credentials.path, env)}`
  const chain: ChainLink[] = []
  const seen = new Set<string>()
  for (let current: string | undefined = name; current !== undefined; ) {
    keepName(current)
    const settings = profileSettings(files, current)
    if (!settings) {
      if (chain.length === 0) {
        const known = profileNames(files)
        throw new MfaError(`profile "${name}" is not in ${where}`, {
          hint: known.length
            ? `Known profiles: ${known.join(', ')}. Pick one with --profile.`
            : firstRunSteps(name),
        })
      }
      throw new MfaError(`profile "${chain.at(-1)!.name}" has source_profile "${current}", which is not in ${where}`, {
        hint: `Add [${configSectionName(current)}] or fix source_profile.`,
      })
    }
    if (seen.has(current)) {
      throw new MfaError(`source_profile chain of "${name}" loops: ${[...chain.map(c => c.name), current].join(' -> ')}`, {
        hint: 'Point the last source_profile at a profile with long-term keys.',
      })
    }
    seen.add(current)
    chain.push({name: current, settings})
    current = sourceOf(current, settings)
  }
  return chain
}

/** The next profile of the chain; undefined when this one holds the keys. */
function sourceOf(name: string, settings: IniSection): string | undefined {
  const hasKeys = Boolean((settings.aws_access_key_id && settings.aws_secret_access_key) || settings[KEYRING_SETTING])
  const source = settings.source_profile
  // A role profile whose source is itself uses its own keys for the role (the AWS CLI's rule).
  if (settings.role_arn && source && !(source === name && hasKeys)) return source
  if (settings.role_arn && !source) {
    const via = settings.credential_source ? `credential_source ${settings.credential_source}` : 'no source_profile'
    throw new MfaError(`profile "${name}" assumes ${settings.role_arn} with ${via}; mfa needs a source_profile with long-term keys`, {
      hint: `Add source_profile = <profile with keys> to [${configSectionName(name)}].`,
    })
  }
  return undefined
}

/** The long-term keys at the end of the chain, or what to fix. */
function longTermKeys(root: ChainLink, files: AwsFiles, env: NodeJS.ProcessEnv): {accessKeyId: string; secretAccessKey: string; inKeyring?: boolean} {
  const rs = root.settings
  // Keys in the credentials file win over mfa_keyring, as they do for every other tool.
  const inFile = Boolean(rs.aws_access_key_id && rs.aws_secret_access_key)
  const inKeyring = !inFile && Boolean(rs[KEYRING_SETTING]?.trim())
  if (!inFile && !inKeyring) {
    const sso = rs.sso_session || rs.sso_start_url
    throw new MfaError(
      sso
        ? `profile "${root.name}" signs in with IAM Identity Center (SSO), which has no MFA code for mfa to send`
        : `profile "${root.name}" has no long-term keys (aws_access_key_id and aws_secret_access_key)`,
      {hint: sso ? 'Use `aws sso login` for that profile.' : `Run \`aws configure --profile ${quoteForHint([root.name])}\` to add them.`},
    )
  }
  if (rs.aws_session_token) {
    throw new MfaError(`profile "${root.name}" holds temporary credentials (it has aws_session_token), not long-term keys`, {
      hint: root.name.endsWith('mfa')
        ? `It looks like a session profile that mfa writes; use the profile it was made from instead.`
        : `Put the IAM user's long-term keys in [${root.name}] of ${displayPath(files.credentials.path, env)}.`,
    })
  }
  if (inKeyring) return {accessKeyId: rs[KEYRING_SETTING].trim(), secretAccessKey: '', inKeyring}
  rememberSecret(rs.aws_secret_access_key.trim())
  return {accessKeyId: rs.aws_access_key_id.trim(), secretAccessKey: rs.aws_secret_access_key.trim()}
}

/** The device: the flag, else the first mfa_serial from the requested profile towards the source. */
function mfaSerialOf(chain: ChainLink[], name: string, options: ResolveOptions, files: AwsFiles, env: NodeJS.ProcessEnv): string {
  const serialSource = options.serialNumber
    ? {value: options.serialNumber, from: '--serial-number'}
    : chain.map(c => ({value: c.settings.mfa_serial, from: `mfa_serial of profile "${c.name}"`})).find(c => c.value)
  // Without requireSerial the caller is looking for the device: a missing or wrong serial is what it will replace.
  if (options.requireSerial === false) return serialSource?.value?.trim() ?? ''
  if (!serialSource?.value) throw noMfaDevice(name, files.config.path, env)
  return checkSerial(serialSource.value, serialSource.from)
}

/** The roles to assume, from the source's side: each profile of the chain but the last, and the last's own role when it is its own source. */
function roleSteps(chain: ChainLink[]): RoleStep[] {
  const root = chain.at(-1)!
  const roles = chain.slice(0, -1).reverse().map(roleStep)
  // A role whose source_profile is itself: its own keys, and the role on top.
  if (root.settings.role_arn && root.settings.source_profile === root.name) roles.unshift(roleStep(root))
  return roles
}

function roleStep({name, settings}: ChainLink): RoleStep {
  return {
    profile: name,
    roleArn: settings.role_arn!,
    sessionName: settings.role_session_name || undefined,
    externalId: settings.external_id || undefined,
    durationSeconds: durationSetting(settings, name),
  }
}
