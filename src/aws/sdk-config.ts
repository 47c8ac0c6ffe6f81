/**
 * What the AWS SDK would read from ~/.aws/config and ~/.aws/credentials for a client, read from
 * mfa's own parse of those files instead. Left to itself, the SDK parses both files whole, once
 * for each setting it looks up (FIPS, dual-stack, retries, defaults mode, the app id, auth scheme
 * preference, clock skew correction, a configured endpoint): with 100,000 profiles that is most of `mfa login`'s time.
 *
 * The values are the SDK's own: its selectors (the same objects its clients use) are applied in
 * its order (the environment, then the profile, then the default; a selector that fails is
 * skipped), to the profile the SDK would read: AWS_PROFILE, else "default" (not the profile mfa
 * works on: the SDK never knew that one), its config section over its credentials section.
 */
import {type AwsFiles, loadAwsFiles} from './files.js'
import type {IniSection} from './ini.js'

/** The shape of the SDK's NODE_*_CONFIG_OPTIONS. */
interface SdkSelectors<T> {
  environmentVariableSelector: (env: NodeJS.ProcessEnv, options?: object) => T | undefined
  configFileSelector: (profile: IniSection, configFile?: Record<string, IniSection | undefined>) => T | undefined
  default: T | (() => T | Promise<T>) | undefined
}

/** The SDK's defaults mode setting (its selectors are not exported). */
const DEFAULTS_MODE: SdkSelectors<string> = {
  environmentVariableSelector: env => env.AWS_DEFAULTS_MODE,
  configFileSelector: profile => profile.defaults_mode,
  default: 'legacy',
}

/** The SDK's rule for an endpoint set in the environment or the profile, for a service id (STS, IAM). */
function configuredEndpoint(serviceId: string): SdkSelectors<string> {
  return {
    environmentVariableSelector: env => env[`AWS_ENDPOINT_URL_${serviceId.toUpperCase()}`] || env.AWS_ENDPOINT_URL || undefined,
    configFileSelector: (profile, configFile) => {
      if (profile.services) {
        const services = configFile?.[`services.${profile.services}`]
        if (!services) throw new Error(`no services section ${profile.services}`)
        const url = services[`${serviceId.toLowerCase()}.endpoint_url`]
        if (url) return url
      }
      return profile.endpoint_url || undefined
    },
    default: undefined,
  }
}

/** The SDK's switch for its clock skew correction (its selectors are not exported). */
const DISABLE_CLOCK_SKEW_CORRECTION: SdkSelectors<boolean> = {
  environmentVariableSelector: env => boolean(env.AWS_DISABLE_CLOCK_SKEW_CORRECTION),
  configFileSelector: profile => boolean(profile.disable_clock_skew_correction),
  default: false,
}

const IGNORE_CONFIGURED_ENDPOINTS: SdkSelectors<boolean> = {
  environmentVariableSelector: env => boolean(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS),
  configFileSelector: profile => boolean(profile.ignore_configured_endpoint_urls),
  default: false,
}

/** The SDK's booleanSelector: "true" or "false" (any case), else it fails; unset is undefined. */
function boolean(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  if (value.toLowerCase() === 'true') return true
  if (value.toLowerCase() === 'false') return false
  throw new Error(`not a boolean: ${value}`)
}

/** One setting as the SDK's loadConfig chain finds it. */
async function lookUp<T>(selectors: SdkSelectors<T>, env: NodeJS.ProcessEnv, profile: IniSection, configFile: Record<string, IniSection | undefined>): Promise<T | undefined> {
  const links = [() => selectors.environmentVariableSelector(env, {}), () => selectors.configFileSelector(profile, configFile)]
  for (const link of links) {
    try {
      const value = link()
      if (value !== undefined) return value
    } catch {
      // As in the SDK's chain: a value it cannot read sends it on to the next source.
    }
  }
  return typeof selectors.default === 'function' ? (selectors.default as () => T | Promise<T>)() : selectors.default
}

/** The config file as the SDK indexes it: "NAME" for [profile NAME] and [default], "services.NAME", "sso-session.NAME". */
function sdkConfigFile(files: AwsFiles): Record<string, IniSection | undefined> {
  const sections = files.config.sections
  return new Proxy({} as Record<string, IniSection | undefined>, {
    get: (_, key) => {
      if (typeof key !== 'string') return undefined
      const typed = /^(services|sso-session)\.(.*)$/.exec(key)
      if (typed) return sections.get(`${typed[1]} ${typed[2]}`)
      return key === 'default' ? sections.get('profile default') ?? sections.get('default') : sections.get(`profile ${key}`)
    },
  })
}

let filesOfProcess: AwsFiles | undefined

/**
 * Client settings for an SDK client of `serviceId`, so that it reads neither file. An endpoint mfa
 * found in the profile it works on (CallContext.endpoint) goes over the one here, as it did when
 * the SDK looked for its own.
 */
export async function sdkFileSettings(serviceId: 'STS' | 'IAM', env: NodeJS.ProcessEnv = process.env): Promise<Record<string, unknown>> {
  const [config, retry, auth, client] = await Promise.all([
    import('@smithy/core/config'),
    import('@smithy/core/retry'),
    import('@aws-sdk/core/httpAuthSchemes'),
    import('@aws-sdk/core/client'),
  ])
  // The settings concern a profile mfa does not write to: the files as they were when first read.
  let configFile: Record<string, IniSection | undefined>
  let profile: IniSection
  const name = env.AWS_PROFILE ?? 'default'
  try {
    filesOfProcess ??= loadAwsFiles(env)
    configFile = sdkConfigFile(filesOfProcess)
    profile = {...filesOfProcess.credentials.sections.get(name), ...configFile[name]}
  } catch {
    // Files mfa cannot read (it has said so where it read them): the SDK reads them its own way.
    return {}
  }
  const find = <T>(selectors: SdkSelectors<T>) => lookUp(selectors, env, profile, configFile)
  const [useFipsEndpoint, useDualstackEndpoint, maxAttempts, retryMode, defaultsMode, authSchemePreference, sigv4aSigningRegionSet, userAgentAppId, noSkewCorrection, ignoreEndpoints, endpoint] = await Promise.all([
    find(config.NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS as SdkSelectors<boolean>),
    find(config.NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS as SdkSelectors<boolean>),
    find(retry.NODE_MAX_ATTEMPT_CONFIG_OPTIONS as SdkSelectors<number>),
    find(retry.NODE_RETRY_MODE_CONFIG_OPTIONS as SdkSelectors<string>),
    find(DEFAULTS_MODE),
    find(auth.NODE_AUTH_SCHEME_PREFERENCE_OPTIONS as SdkSelectors<string[]>),
    find(auth.NODE_SIGV4A_CONFIG_OPTIONS as SdkSelectors<string[]>),
    find(client.NODE_APP_ID_CONFIG_OPTIONS as SdkSelectors<string>),
    find(DISABLE_CLOCK_SKEW_CORRECTION),
    find(IGNORE_CONFIGURED_ENDPOINTS),
    find(configuredEndpoint(serviceId)),
  ])
  // Functions where a value may be undefined: undefined would make the SDK read the files itself.
  return {
    useFipsEndpoint,
    useDualstackEndpoint,
    maxAttempts,
    retryMode: retryMode ?? retry.DEFAULT_RETRY_MODE,
    defaultsMode: async () => defaultsMode,
    authSchemePreference: authSchemePreference ?? [],
    sigv4aSigningRegionSet: async () => sigv4aSigningRegionSet,
    userAgentAppId: async () => userAgentAppId,
    disableClockSkewCorrection: async () => noSkewCorrection,
    // The configured endpoint as the SDK would find it; none found, it is told not to look.
    ...(endpoint && !ignoreEndpoints ? {endpoint} : {ignoreConfiguredEndpointUrls: true}),
  }
}
