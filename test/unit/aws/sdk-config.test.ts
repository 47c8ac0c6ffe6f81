/**
 * sdkFileSettings: the settings the AWS SDK would read from ~/.aws, found in mfa's parse of the
 * files with the SDK's own selectors and order, for the profile the SDK reads (AWS_PROFILE).
 * Each test has files of its own, in a HOME of its own (the parse is kept for the process, so a
 * fresh module per test).
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {jest} from '@jest/globals'

let home: string
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mfa-sdk-config-'))
  mkdirSync(join(home, '.aws'))
  jest.resetModules()
})
afterEach(() => rmSync(home, {recursive: true, force: true}))

async function settings(config: string, env: NodeJS.ProcessEnv = {}, service: 'STS' | 'IAM' = 'STS') {
  writeFileSync(join(home, '.aws', 'config'), config)
  writeFileSync(join(home, '.aws', 'credentials'), '[default]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nmax_attempts = 9\n')
  const {sdkFileSettings} = await import('../../../src/aws/sdk-config.js')
  const s = await sdkFileSettings(service, {HOME: home, ...env})
  const call = (v: unknown) => (typeof v === 'function' ? (v as () => Promise<unknown>)() : v)
  return {
    ...s,
    defaultsMode: await call(s.defaultsMode),
    userAgentAppId: await call(s.userAgentAppId),
    sigv4aSigningRegionSet: await call(s.sigv4aSigningRegionSet),
    disableClockSkewCorrection: await call(s.disableClockSkewCorrection),
  }
}

test('nothing set: the SDK defaults, and no configured endpoint to look for', async () => {
  expect(await settings('[default]\nregion = eu-west-1\n')).toEqual({
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    maxAttempts: 9, // the credentials file's [default], under the config file's
    retryMode: 'standard',
    defaultsMode: 'legacy',
    authSchemePreference: [],
    sigv4aSigningRegionSet: undefined,
    userAgentAppId: undefined,
    disableClockSkewCorrection: false,
    ignoreConfiguredEndpointUrls: true,
  })
})

test('the profile of AWS_PROFILE, the environment over it, a value the SDK cannot read skipped', async () => {
  const config = '[default]\nuse_fips_endpoint = true\n\n[profile sdk]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = maybe\nmax_attempts = 2\nretry_mode = adaptive\ndefaults_mode = standard\nsdk_ua_app_id = app\ndisable_clock_skew_correction = TRUE\n'
  expect(await settings(config, {AWS_PROFILE: 'sdk', AWS_USE_FIPS_ENDPOINT: 'false', AWS_MAX_ATTEMPTS: '4'})).toMatchObject({
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    maxAttempts: 4,
    retryMode: 'adaptive',
    defaultsMode: 'standard',
    userAgentAppId: 'app',
    disableClockSkewCorrection: true,
  })
})

test('the configured endpoint: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the services section, endpoint_url', async () => {
  const config = '[default]\nservices = my-services\nendpoint_url = http://profile\n\n[services my-services]\nsts =\n  endpoint_url = http://services-sts\n'
  expect(await settings(config)).toMatchObject({endpoint: 'http://services-sts'})
  expect(await settings(config, {}, 'IAM')).toMatchObject({endpoint: 'http://profile'})
  expect(await settings(config, {AWS_ENDPOINT_URL: 'http://all'})).toMatchObject({endpoint: 'http://all'})
  expect(await settings(config, {AWS_ENDPOINT_URL: 'http://all', AWS_ENDPOINT_URL_STS: 'http://sts'})).toMatchObject({endpoint: 'http://sts'})
})

test('ignore_configured_endpoint_urls (profile or environment): no endpoint, and the SDK told not to look', async () => {
  const s = await settings('[default]\nendpoint_url = http://profile\nignore_configured_endpoint_urls = true\n', {AWS_ENDPOINT_URL_STS: 'http://sts'})
  expect(s).toMatchObject({ignoreConfiguredEndpointUrls: true})
  expect(s).not.toHaveProperty('endpoint')
})

test('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true alone: no endpoint from the profile', async () => {
  expect(await settings('[default]\nendpoint_url = http://profile\n', {AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true'})).not.toHaveProperty('endpoint')
})

test('the auth scheme preference and the SigV4a region set of the profile', async () => {
  expect(await settings('[default]\nauth_scheme_preference = sigv4a, sigv4\nsigv4a_signing_region_set = eu-west-1,us-east-1\n')).toMatchObject({
    authSchemePreference: ['sigv4a', 'sigv4'],
    sigv4aSigningRegionSet: ['eu-west-1', 'us-east-1'],
  })
})

test('files mfa cannot read: nothing given, the SDK reads them its own way', async () => {
  expect(await settings('[default]\nthis line is not ini\n')).toEqual({
    defaultsMode: undefined,
    userAgentAppId: undefined,
    sigv4aSigningRegionSet: undefined,
    disableClockSkewCorrection: undefined,
  })
})

test('the environment over the profile for the defaults mode and the clock skew switch', async () => {
  const config = '[default]\ndefaults_mode = standard\ndisable_clock_skew_correction = true\n'
  expect(await settings(config, {AWS_DEFAULTS_MODE: 'in-region', AWS_DISABLE_CLOCK_SKEW_CORRECTION: 'FALSE'})).toMatchObject({
    defaultsMode: 'in-region',
    disableClockSkewCorrection: false,
  })
})

test('a boolean is "true" or "false" in any case; anything else is skipped for the next source', async () => {
  const config = '[default]\ndisable_clock_skew_correction = True\nendpoint_url = http://profile\nignore_configured_endpoint_urls = false\n'
  expect(await settings(config, {AWS_DISABLE_CLOCK_SKEW_CORRECTION: 'maybe'})).toMatchObject({disableClockSkewCorrection: true})
  expect(await settings(config)).toMatchObject({endpoint: 'http://profile'})
  expect(await settings(config, {AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'False'})).toMatchObject({endpoint: 'http://profile'})
})

test('endpoint_url alone (no services) is the endpoint', async () => {
  expect(await settings('[default]\nendpoint_url = http://profile\n')).toMatchObject({endpoint: 'http://profile'})
})

test('a services section that is missing: no endpoint from the profile, as the SDK does', async () => {
  const missing = await settings('[default]\nservices = nope\nendpoint_url = http://profile\n')
  expect(missing).not.toHaveProperty('endpoint')
  expect(missing).toMatchObject({ignoreConfiguredEndpointUrls: true})
})

test('[profile default] counts as the default profile, over a plain [default]', async () => {
  expect(await settings('[default]\nmax_attempts = 5\n[profile default]\nmax_attempts = 6\n')).toMatchObject({maxAttempts: 6})
})

test('a plain [default] is the default profile; another profile is not', async () => {
  expect(await settings('[profile other]\nmax_attempts = 5\n[default]\nmax_attempts = 7\n')).toMatchObject({maxAttempts: 7})
})
