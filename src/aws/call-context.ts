/**
 * Where and as whom mfa calls STS (and IAM) for a profile: the region, the endpoint and the
 * credentials of every call are decided here, from the profile and the environment.
 */
import type {ResolvedProfile} from './profile.js'

/** Credentials as STS returns them (a session's). */
type Credentials = {AccessKeyId: string; SecretAccessKey: string; SessionToken: string}

export interface CallContext {
  region: string
  /** STS (default) or IAM: which service is called, for the endpoint and the messages. */
  service?: 'STS' | 'IAM'
  /** endpoint_url from the profile; the SDK reads AWS_ENDPOINT_URL_STS / _IAM / AWS_ENDPOINT_URL itself. */
  endpoint?: string
  credentials: {accessKeyId: string; secretAccessKey: string; sessionToken?: string}
  /** For messages: which profile's credentials sign the call. */
  profile: string
  /** For messages: the long-term keys came from the OS keyring (mfa_keyring), not the credentials file. */
  keysInKeyring?: boolean
  env?: NodeJS.ProcessEnv
}

/**
 * The main region of the profile's partition (aws, aws-cn, aws-us-gov): read from a role or device
 * ARN, else from the profile's region. STS's default when no region is set; where IAM lives.
 */
export function partitionRegion(resolved: ResolvedProfile): string {
  const partition = /^arn:([^:]+):/.exec(resolved.roles[0]?.roleArn ?? resolved.mfaSerial)?.[1]
  const region = resolved.region ?? ''
  if (partition === 'aws-cn' || (!partition && region.startsWith('cn-'))) return 'cn-north-1'
  if (partition === 'aws-us-gov' || (!partition && region.startsWith('us-gov-'))) return 'us-gov-west-1'
  return 'us-east-1'
}

/** Region for the STS calls: the environment, then the profile, then the partition's main region. */
export function stsRegion(resolved: ResolvedProfile, env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || resolved.region || partitionRegion(resolved)
}

/** The endpoint set for a service, in the SDK's order: the profile's endpoint_url, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL. */
export function configuredEndpoint(service: 'STS' | 'IAM', profileEndpoint: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return profileEndpoint || env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined
}

/** AWS's own STS host in a region (China's end in .cn). */
export function stsHost(region: string): string {
  return `sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`
}

/** The STS endpoint mfa calls for a profile, as a URL. */
export function stsEndpoint(resolved: ResolvedProfile | undefined, env: NodeJS.ProcessEnv): string {
  const region = resolved ? stsRegion(resolved, env) : env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'
  return configuredEndpoint('STS', resolved?.stsEndpoint, env) ?? `https://${stsHost(region)}`
}

/**
 * An STS call for a profile: signed with its long-term keys, or with a session's credentials
 * (`signer.profile` names the profile in messages).
 */
export function stsContext(resolved: ResolvedProfile, env: NodeJS.ProcessEnv, signer?: {credentials: Credentials; profile: string}): CallContext {
  const c = signer?.credentials
  return {
    region: stsRegion(resolved, env),
    endpoint: resolved.stsEndpoint,
    credentials: c
      ? {accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken}
      : {accessKeyId: resolved.keys.accessKeyId, secretAccessKey: resolved.keys.secretAccessKey},
    profile: signer?.profile ?? resolved.keys.name,
    ...(!c && resolved.keys.inKeyring ? {keysInKeyring: true} : {}),
    env,
  }
}

/** An IAM call with a profile's long-term keys. IAM is global: it lives in the partition's main region. */
export function iamContext(resolved: ResolvedProfile, env: NodeJS.ProcessEnv): CallContext {
  return {...stsContext(resolved, env), service: 'IAM', region: partitionRegion(resolved), endpoint: resolved.iamEndpoint}
}
