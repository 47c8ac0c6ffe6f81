/**
 * Which STS endpoint a profile reaches: the regional one of its region, else its partition's
 * default region, as the SDK resolves it (the real SDK's endpoint rules, no network).
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadAwsFiles} from '../../../src/aws/files.js'
import {resolveProfile} from '../../../src/aws/profile.js'
import {configuredEndpoint, iamContext, partitionRegion, stsContext, stsEndpoint, stsHost, stsRegion} from '../../../src/aws/call-context.js'
import type {ResolvedProfile} from '../../../src/aws/profile.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

function files(config: string) {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-region-'))
  writeFileSync(join(dir, 'config'), config)
  writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n[cn]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n[gov]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n')
  const env = {HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials')}
  return {aws: loadAwsFiles(env), env}
}

async function endpointFor(region: string): Promise<string> {
  const {STSClient} = await import('@aws-sdk/client-sts')
  const client = new STSClient({region, credentials: {accessKeyId: 'a', secretAccessKey: 'b'}})
  return client.config.endpointProvider({Region: region, UseFIPS: false, UseDualStack: false, UseGlobalEndpoint: false}).url.host
}

const CONFIG = `[default]
region = eu-west-1
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile cn]
mfa_serial = arn:aws-cn:iam::123456789012:mfa/alice

[profile gov]
mfa_serial = arn:aws-us-gov:iam::123456789012:mfa/alice

[profile cn-role]
role_arn = arn:aws-cn:iam::123456789012:role/admin
source_profile = cn
`

test.each([
  ['default', {}, 'eu-west-1', 'sts.eu-west-1.amazonaws.com'],
  ['cn', {}, 'cn-north-1', 'sts.cn-north-1.amazonaws.com.cn'],
  ['gov', {}, 'us-gov-west-1', 'sts.us-gov-west-1.amazonaws.com'],
  ['cn-role', {}, 'cn-north-1', 'sts.cn-north-1.amazonaws.com.cn'],
  ['default', {AWS_REGION: 'ap-southeast-2'}, 'ap-southeast-2', 'sts.ap-southeast-2.amazonaws.com'],
])('profile %s with %j reaches %s (%s)', async (profile, extra, region, host) => {
  const {aws, env} = files(CONFIG)
  const resolved = resolveProfile(aws, profile, {env: {...env, ...extra}})
  expect(stsRegion(resolved, {...env, ...extra})).toBe(region)
  expect(await endpointFor(region)).toBe(host)
})

/** A resolved profile made by hand: only what the call context reads. */
function profile(over: Partial<ResolvedProfile> = {}): ResolvedProfile {
  return {
    name: 'work',
    settings: {},
    keys: {name: 'work-keys', accessKeyId: 'AKIAKEYS', secretAccessKey: 'secret'} as ResolvedProfile['keys'],
    roles: [],
    mfaSerial: 'arn:aws:iam::123456789012:mfa/alice',
    ...over,
  }
}
const role = (roleArn: string) => ({profile: 'r', roleArn})

describe('partitionRegion: the main region of the profile\'s partition', () => {
  test.each([
    ['an aws device', {}, 'us-east-1'],
    ['an aws-cn device', {mfaSerial: 'arn:aws-cn:iam::1:mfa/a'}, 'cn-north-1'],
    ['an aws-us-gov device', {mfaSerial: 'arn:aws-us-gov:iam::1:mfa/a'}, 'us-gov-west-1'],
    ['the role\'s partition before the device\'s', {roles: [role('arn:aws-cn:iam::1:role/x')]}, 'cn-north-1'],
    ['a gov role', {roles: [role('arn:aws-us-gov:iam::1:role/x')]}, 'us-gov-west-1'],
    ['no ARN partition: a cn- region', {mfaSerial: 'GAHT12345678', region: 'cn-northwest-1'}, 'cn-north-1'],
    ['no ARN partition: a us-gov- region', {mfaSerial: 'GAHT12345678', region: 'us-gov-east-1'}, 'us-gov-west-1'],
    ['no ARN partition, no region', {mfaSerial: 'GAHT12345678'}, 'us-east-1'],
    ['no ARN partition, another region', {mfaSerial: 'GAHT12345678', region: 'eu-west-1'}, 'us-east-1'],
    ['a serial that only holds "arn:" is no ARN', {mfaSerial: 'GAHTarn:aws-cn:1', region: 'eu-west-1'}, 'us-east-1'],
    ['an aws ARN wins over a cn- region', {region: 'cn-north-1'}, 'us-east-1'],
    ['an aws ARN wins over a us-gov- region', {region: 'us-gov-east-1'}, 'us-east-1'],
  ])('%s', (_why, over, region) => {
    expect(partitionRegion(profile(over as Partial<ResolvedProfile>))).toBe(region)
  })
})

describe('stsRegion: AWS_REGION, AWS_DEFAULT_REGION, the profile, then the partition', () => {
  test('AWS_REGION first', () => {
    expect(stsRegion(profile({region: 'eu-west-1'}), {AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'ca-central-1'})).toBe('ap-south-1')
  })
  test('AWS_DEFAULT_REGION when AWS_REGION is not set', () => {
    expect(stsRegion(profile({region: 'eu-west-1'}), {AWS_DEFAULT_REGION: 'ca-central-1'})).toBe('ca-central-1')
  })
  test('an empty AWS_REGION counts as not set', () => {
    expect(stsRegion(profile({region: 'eu-west-1'}), {AWS_REGION: '', AWS_DEFAULT_REGION: ''})).toBe('eu-west-1')
  })
  test('the partition\'s region when nothing else is set', () => {
    expect(stsRegion(profile(), {})).toBe('us-east-1')
  })
})

describe('configuredEndpoint: the profile, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL', () => {
  const env = {AWS_ENDPOINT_URL_STS: 'http://sts', AWS_ENDPOINT_URL_IAM: 'http://iam', AWS_ENDPOINT_URL: 'http://all'}
  test('the profile\'s endpoint_url first', () => {
    expect(configuredEndpoint('STS', 'http://profile', env)).toBe('http://profile')
  })
  test('the service\'s variable next', () => {
    expect(configuredEndpoint('STS', undefined, env)).toBe('http://sts')
    expect(configuredEndpoint('IAM', undefined, env)).toBe('http://iam')
  })
  test('AWS_ENDPOINT_URL last', () => {
    expect(configuredEndpoint('IAM', undefined, {AWS_ENDPOINT_URL: 'http://all'})).toBe('http://all')
  })
  test('none set, or all empty: undefined', () => {
    expect(configuredEndpoint('STS', '', {AWS_ENDPOINT_URL_STS: '', AWS_ENDPOINT_URL: ''})).toBeUndefined()
  })
})

describe('stsHost and stsEndpoint', () => {
  test('China\'s hosts end in .cn', () => {
    expect(stsHost('cn-north-1')).toBe('sts.cn-north-1.amazonaws.com.cn')
    expect(stsHost('eu-west-1')).toBe('sts.eu-west-1.amazonaws.com')
  })
  test('a profile\'s regional endpoint', () => {
    expect(stsEndpoint(profile({region: 'eu-west-1'}), {})).toBe('https://sts.eu-west-1.amazonaws.com')
  })
  test('the profile\'s endpoint_url wins', () => {
    expect(stsEndpoint(profile({stsEndpoint: 'http://127.0.0.1:9'}), {AWS_ENDPOINT_URL_STS: 'http://x'})).toBe('http://127.0.0.1:9')
  })
  test('no profile (plain aws): AWS_REGION, AWS_DEFAULT_REGION, then us-east-1', () => {
    expect(stsEndpoint(undefined, {AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-3'})).toBe('https://sts.eu-west-2.amazonaws.com')
    expect(stsEndpoint(undefined, {AWS_DEFAULT_REGION: 'eu-west-3'})).toBe('https://sts.eu-west-3.amazonaws.com')
    expect(stsEndpoint(undefined, {})).toBe('https://sts.us-east-1.amazonaws.com')
  })
  test('no profile: AWS_ENDPOINT_URL_STS wins', () => {
    expect(stsEndpoint(undefined, {AWS_ENDPOINT_URL_STS: 'http://local'})).toBe('http://local')
  })
})

describe('stsContext and iamContext: as whom and where', () => {
  test('signed with the profile\'s long-term keys, named after the key profile', () => {
    const env = {AWS_REGION: 'eu-central-1'}
    expect(stsContext(profile({stsEndpoint: 'http://e'}), env)).toEqual({
      region: 'eu-central-1',
      endpoint: 'http://e',
      credentials: {accessKeyId: 'AKIAKEYS', secretAccessKey: 'secret'},
      profile: 'work-keys',
      env,
    })
  })
  test('signed with a session\'s credentials, named after the signer', () => {
    const credentials = {AccessKeyId: 'ASIA', SecretAccessKey: 's2', SessionToken: 't2'}
    const ctx = stsContext(profile(), {}, {credentials, profile: 'source'})
    expect(ctx.credentials).toEqual({accessKeyId: 'ASIA', secretAccessKey: 's2', sessionToken: 't2'})
    expect(ctx.profile).toBe('source')
  })
  test('long-term keys from the OS keyring say so, for the messages', () => {
    const keys = {name: 'work-keys', accessKeyId: 'AKIAKEYS', secretAccessKey: 'secret', inKeyring: true} as ResolvedProfile['keys']
    expect(stsContext(profile({keys}), {}).keysInKeyring).toBe(true)
    expect(iamContext(profile({keys}), {}).keysInKeyring).toBe(true)
  })
  test('a call signed with a session\'s credentials does not blame the keyring', () => {
    const keys = {name: 'work-keys', accessKeyId: 'AKIAKEYS', secretAccessKey: 'secret', inKeyring: true} as ResolvedProfile['keys']
    const credentials = {AccessKeyId: 'ASIA', SecretAccessKey: 's2', SessionToken: 't2'}
    expect(stsContext(profile({keys}), {}, {credentials, profile: 'source'})).not.toHaveProperty('keysInKeyring')
  })
  test('IAM lives in the partition\'s main region, at the profile\'s IAM endpoint', () => {
    const ctx = iamContext(profile({region: 'cn-north-1', mfaSerial: 'arn:aws-cn:iam::1:mfa/a', iamEndpoint: 'http://iam'}), {AWS_REGION: 'cn-northwest-1'})
    expect(ctx).toMatchObject({service: 'IAM', region: 'cn-north-1', endpoint: 'http://iam', profile: 'work-keys'})
  })
})
