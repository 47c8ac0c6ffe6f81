/**
 * From a profile name to what a session needs (src/aws/profile.ts): the source_profile chain, the
 * long-term keys, the device, the roles and their settings, and a one-line error for each thing
 * to fix. Real config and credentials files in a temporary HOME.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadAwsFiles} from '../../../src/aws/files.js'
import {checkSerial, profileOfSessionProfile, resolveProfile, sessionProfileName} from '../../../src/aws/profile.js'

const SERIAL = 'arn:aws:iam::123456789012:mfa/alice'
const ROLE = 'arn:aws:iam::123456789012:role/admin'
const KEYS = '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n'

let home: string
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mfa-profile-'))
  mkdirSync(join(home, '.aws'))
})
afterEach(() => rmSync(home, {recursive: true, force: true}))

function resolve(config: string, name = 'default', credentials = KEYS, options: {serialNumber?: string; requireSerial?: boolean; env?: NodeJS.ProcessEnv} = {}) {
  writeFileSync(join(home, '.aws', 'config'), config)
  writeFileSync(join(home, '.aws', 'credentials'), credentials)
  const env = {HOME: home, ...options.env}
  return resolveProfile(loadAwsFiles(env), name, {...options, env})
}

describe('a plain profile', () => {
  test('its keys, device, region and settings', () => {
    const r = resolve(`[default]\nregion = eu-west-1\nmfa_serial = ${SERIAL}\nduration_seconds = 1h\nmfa_process = echo 123456\n`)
    expect(r).toMatchObject({name: 'default', region: 'eu-west-1', mfaSerial: SERIAL, mfaProcess: 'echo 123456', roles: []})
    expect(r.keys).toEqual({name: 'default', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', durationSeconds: 3600})
  })
  test('--serial-number wins over mfa_serial', () => {
    expect(resolve(`[default]\nmfa_serial = ${SERIAL}\n`, 'default', KEYS, {serialNumber: 'GAHT12345678'}).mfaSerial).toBe('GAHT12345678')
  })
  test('no device: what to run, or what to add where', () => {
    expect(() => resolve('[default]\n')).toThrow('profile "default" has no MFA device (mfa_serial)')
    expect(() => resolve('[default]\n')).toThrow(expect.objectContaining({hint: 'Run `mfa devices --save`, or add mfa_serial = arn:aws:iam::ACCOUNT:mfa/NAME to [default] in ~/.aws/config.'}))
  })
  test('no device, for mfa devices: resolves with an empty serial', () => {
    expect(resolve('[default]\n', 'default', KEYS, {requireSerial: false}).mfaSerial).toBe('')
  })
  test('an unknown profile: the known ones', () => {
    expect(() => resolve('', 'nope')).toThrow('profile "nope" is not in ~/.aws/config or ~/.aws/credentials')
    expect(() => resolve('', 'nope')).toThrow(expect.objectContaining({hint: 'Known profiles: default. Pick one with --profile.'}))
  })
  test('no profiles at all: aws configure', () => {
    // The first steps, named for the profile (src/cli/hint.ts firstRunSteps).
    expect(() => resolve('', 'my work', '')).toThrow(expect.objectContaining({hint: expect.stringMatching(/^Run `aws configure --profile 'my work'` to add your long-term keys .*`mfa login -p 'my work'`\.$/)}))
    expect(() => resolve('', 'default', '')).toThrow(expect.objectContaining({hint: expect.stringMatching(/^Run `aws configure` to add your long-term keys .*`mfa login`\.$/)}))
  })
  test('no long-term keys', () => {
    expect(() => resolve(`[default]\nmfa_serial = ${SERIAL}\n`, 'default', '')).toThrow('profile "default" has no long-term keys (aws_access_key_id and aws_secret_access_key)')
  })
  test('SSO: no code for mfa to send', () => {
    expect(() => resolve(`[default]\nsso_session = corp\nmfa_serial = ${SERIAL}\n`, 'default', '')).toThrow('profile "default" signs in with IAM Identity Center (SSO), which has no MFA code for mfa to send')
  })
  test('temporary credentials are not long-term keys', () => {
    expect(() => resolve(`[default]\nmfa_serial = ${SERIAL}\n`, 'default', `${KEYS}aws_session_token = t\n`)).toThrow('profile "default" holds temporary credentials (it has aws_session_token), not long-term keys')
  })
})

describe('a role', () => {
  const config = `[default]\nregion = eu-west-1\nmfa_serial = ${SERIAL}\n\n[profile admin]\nrole_arn = ${ROLE}\nsource_profile = default\nrole_session_name = me\nexternal_id = ext\nduration_seconds = 900\n`
  test('one step on top of the source\'s keys and device, its settings carried', () => {
    const r = resolve(config, 'admin')
    expect(r.keys.name).toBe('default')
    expect(r.mfaSerial).toBe(SERIAL)
    expect(r.region).toBe('eu-west-1')
    expect(r.roles).toEqual([{profile: 'admin', roleArn: ROLE, sessionName: 'me', externalId: 'ext', durationSeconds: 900}])
  })
  test('a chain: roles from the source outwards', () => {
    const r = resolve(`${config}\n[profile deeper]\nrole_arn = ${ROLE}2\nsource_profile = admin\n`, 'deeper')
    expect(r.roles.map(s => s.profile)).toEqual(['admin', 'deeper'])
  })
  test('a role that is its own source uses its own keys, and the role on top', () => {
    const r = resolve(`[default]\nrole_arn = ${ROLE}\nsource_profile = default\nmfa_serial = ${SERIAL}\n`)
    expect(r.roles).toEqual([expect.objectContaining({profile: 'default', roleArn: ROLE})])
    expect(r.keys.durationSeconds).toBeUndefined()
  })
  test('a loop in source_profile', () => {
    expect(() => resolve(`[profile a]\nrole_arn = ${ROLE}\nsource_profile = b\n[profile b]\nrole_arn = ${ROLE}\nsource_profile = a\n`, 'a')).toThrow('source_profile chain of "a" loops: a -> b -> a')
  })
  test('a missing source_profile', () => {
    expect(() => resolve(`[profile a]\nrole_arn = ${ROLE}\nsource_profile = gone\n`, 'a')).toThrow('profile "a" has source_profile "gone", which is not in ~/.aws/config or ~/.aws/credentials')
  })
  test('credential_source instead of source_profile', () => {
    expect(() => resolve(`[profile a]\nrole_arn = ${ROLE}\ncredential_source = Ec2InstanceMetadata\n`, 'a')).toThrow(
      `profile "a" assumes ${ROLE} with credential_source Ec2InstanceMetadata; mfa needs a source_profile with long-term keys`,
    )
    expect(() => resolve(`[profile a]\nrole_arn = ${ROLE}\n`, 'a')).toThrow(`profile "a" assumes ${ROLE} with no source_profile`)
  })
})

describe('endpoints', () => {
  test('endpoint_url of the profile, or of its services section', () => {
    expect(resolve(`[default]\nmfa_serial = ${SERIAL}\nendpoint_url = http://e\n`).stsEndpoint).toBe('http://e')
    const r = resolve(`[default]\nmfa_serial = ${SERIAL}\nservices = local\n[services local]\nsts =\n  endpoint_url = http://s\niam =\n  endpoint_url = http://i\n`)
    expect([r.stsEndpoint, r.iamEndpoint]).toEqual(['http://s', 'http://i'])
  })
  test('AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL: left to the SDK', () => {
    expect(resolve(`[default]\nmfa_serial = ${SERIAL}\nendpoint_url = http://e\n`, 'default', KEYS, {env: {AWS_ENDPOINT_URL: 'http://x'}}).stsEndpoint).toBeUndefined()
  })
  test('ignore_configured_endpoint_urls', () => {
    expect(resolve(`[default]\nmfa_serial = ${SERIAL}\nendpoint_url = http://e\nignore_configured_endpoint_urls = TRUE\n`).stsEndpoint).toBeUndefined()
  })
})

describe('checkSerial', () => {
  test.each([SERIAL, 'arn:aws-cn:iam::123456789012:mfa/a', 'arn:aws-us-gov:iam::123456789012:mfa/path/a', 'GAHT12345678', ` ${SERIAL} `])('%s is a device', serial => {
    expect(checkSerial(serial, 'mfa_serial')).toBe(serial.trim())
  })
  test('a user ARN: the device ARN it probably means', () => {
    expect(() => checkSerial('arn:aws:iam::123456789012:user/team/alice', 'mfa_serial')).toThrow('mfa_serial is a user ARN, not an MFA device: "arn:aws:iam::123456789012:user/team/alice"')
    expect(() => checkSerial('arn:aws:iam::123456789012:user/team/alice', 'x')).toThrow(
      expect.objectContaining({hint: 'MFA devices are named with mfa/, e.g. arn:aws:iam::123456789012:mfa/alice. Run `mfa devices --save` to find yours.'}),
    )
  })
  test.each(['arn:aws:iam::1234:mfa/a', 'short', 'arn:aws:iam::123456789012:role/x'])('%s is not a device', serial => {
    expect(() => checkSerial(serial, '--serial-number')).toThrow(`--serial-number "${serial}" is not an MFA device ARN (arn:aws:iam::ACCOUNT:mfa/NAME)`)
  })
})

describe('session profile names', () => {
  test('[mfa] for default, [<profile>-mfa] otherwise, and back', () => {
    expect(sessionProfileName('default')).toBe('mfa')
    expect(sessionProfileName('work')).toBe('work-mfa')
    expect(profileOfSessionProfile('mfa')).toBe('default')
    expect(profileOfSessionProfile('work-mfa')).toBe('work')
    expect(profileOfSessionProfile('work')).toBeUndefined()
  })
})

describe('the edges', () => {
  test('a session profile name back to its profile, for names of any length', () => {
    expect(profileOfSessionProfile('production-mfa')).toBe('production')
  })
  test('a serial that is not a device: what to run', () => {
    expect(() => checkSerial('short', 'mfa_serial')).toThrow(expect.objectContaining({hint: 'Run `mfa devices --save` to find and save yours.'}))
  })
  test('where a bad serial came from: the flag, or the profile that set it', () => {
    expect(() => resolve('[default]\nmfa_serial = bad\n')).toThrow('mfa_serial of profile "default" "bad" is not an MFA device ARN')
    expect(() => resolve(`[default]\nmfa_serial = ${SERIAL}\n`, 'default', KEYS, {serialNumber: 'bad'})).toThrow('--serial-number "bad" is not an MFA device ARN')
  })
  test('for mfa devices, a serial given is trimmed and not checked', () => {
    expect(resolve('[default]\n', 'default', KEYS, {serialNumber: ' GAHT12345678 ', requireSerial: false}).mfaSerial).toBe('GAHT12345678')
  })
  test('an empty duration_seconds is no duration; a bad one names the profile', () => {
    expect(resolve(`[default]\nmfa_serial = ${SERIAL}\nduration_seconds =\n`).keys.durationSeconds).toBeUndefined()
    expect(() => resolve(`[default]\nmfa_serial = ${SERIAL}\nduration_seconds = x\n`)).toThrow('duration_seconds of profile "default" "x" is not a duration')
  })
  test('a plain profile that names itself as source_profile: its own keys and duration, no role', () => {
    const r = resolve(`[default]\nsource_profile = default\nduration_seconds = 900\nmfa_serial = ${SERIAL}\n`)
    expect(r.keys.durationSeconds).toBe(900)
    expect(r.roles).toEqual([])
  })
  test('a role that is its own source: duration_seconds is the role\'s, not the session\'s', () => {
    const r = resolve(`[default]\nrole_arn = ${ROLE}\nsource_profile = default\nduration_seconds = 900\nmfa_serial = ${SERIAL}\n`)
    expect(r.keys.durationSeconds).toBeUndefined()
    expect(r.roles[0].durationSeconds).toBe(900)
  })
  test('a role that is its own source needs both keys; without them it is a loop', () => {
    expect(() => resolve(`[profile a]\nrole_arn = ${ROLE}\nsource_profile = a\n`, 'a', '')).toThrow('source_profile chain of "a" loops: a -> a')
    expect(() => resolve(`[profile a]\nrole_arn = ${ROLE}\nsource_profile = a\n`, 'a', '[a]\naws_access_key_id = AKIAONLY\n')).toThrow('loops: a -> a')
  })
  test('a role profile that has keys of its own but names another source: the source\'s keys', () => {
    const r = resolve(`[default]\nmfa_serial = ${SERIAL}\n[profile admin]\nrole_arn = ${ROLE}\nsource_profile = default\n`, 'admin', `${KEYS}[admin]\naws_access_key_id = AKIAADMIN\naws_secret_access_key = s2\n`)
    expect(r.keys).toMatchObject({name: 'default', accessKeyId: 'AKIAEXAMPLE'})
    expect(r.roles.map(s => s.profile)).toEqual(['admin'])
  })
  test('an access key without its secret is no long-term keys', () => {
    expect(() => resolve(`[default]\nmfa_serial = ${SERIAL}\n`, 'default', '[default]\naws_access_key_id = AKIAONLY\n')).toThrow('profile "default" has no long-term keys')
  })
  test('keys in the OS keyring (mfa_keyring): the key id, no secret yet', () => {
    expect(resolve(`[default]\nmfa_serial = ${SERIAL}\nmfa_keyring = AKIAKEYRING\n`, 'default', '').keys).toEqual({name: 'default', accessKeyId: 'AKIAKEYRING', secretAccessKey: '', inKeyring: true})
  })
  test('the prompt driver and YubiKey account come from the chain', () => {
    const r = resolve(`[default]\nmfa_serial = ${SERIAL}\nmfa_prompt_driver = ykman\nmfa_ykman_account = me\n[profile admin]\nrole_arn = ${ROLE}\nsource_profile = default\n`, 'admin')
    expect([r.promptDriver, r.ykmanAccount]).toEqual(['ykman', 'me'])
  })
  test('hints: two or more known profiles, a missing source, a loop, credential_source', () => {
    expect(() => resolve('[profile a]\n', 'nope')).toThrow(expect.objectContaining({hint: 'Known profiles: a, default. Pick one with --profile.'}))
    expect(() => resolve(`[profile a]\nrole_arn = ${ROLE}\nsource_profile = gone\n`, 'a')).toThrow(expect.objectContaining({hint: 'Add [profile gone] or fix source_profile.'}))
    expect(() => resolve(`[profile a]\nrole_arn = ${ROLE}\nsource_profile = a\n`, 'a', '')).toThrow(expect.objectContaining({hint: 'Point the last source_profile at a profile with long-term keys.'}))
    expect(() => resolve(`[profile a]\nrole_arn = ${ROLE}\n`, 'a')).toThrow(expect.objectContaining({hint: 'Add source_profile = <profile with keys> to [profile a].'}))
  })
  test('hints: no keys, SSO, temporary credentials (a session profile of mfa\'s, or not)', () => {
    expect(() => resolve(`[default]\nmfa_serial = ${SERIAL}\n`, 'default', '')).toThrow(expect.objectContaining({hint: "Run `aws configure --profile default` to add them."}))
    expect(() => resolve(`[default]\nsso_start_url = https://x\n`, 'default', '')).toThrow(expect.objectContaining({hint: 'Use `aws sso login` for that profile.'}))
    expect(() => resolve(`[default]\nmfa_serial = ${SERIAL}\n`, 'default', `${KEYS}aws_session_token = t\n`)).toThrow(
      expect.objectContaining({hint: 'Put the IAM user\'s long-term keys in [default] of ~/.aws/credentials.'}),
    )
    expect(() => resolve(`[profile work-mfa]\nmfa_serial = ${SERIAL}\n`, 'work-mfa', '[work-mfa]\naws_access_key_id = A\naws_secret_access_key = s\naws_session_token = t\n')).toThrow(
      expect.objectContaining({hint: 'It looks like a session profile that mfa writes; use the profile it was made from instead.'}),
    )
  })
})

describe('endpoints: the edges', () => {
  test('AWS_ENDPOINT_URL_STS leaves STS to the SDK, not IAM', () => {
    const r = resolve(`[default]\nmfa_serial = ${SERIAL}\nendpoint_url = http://e\n`, 'default', KEYS, {env: {AWS_ENDPOINT_URL_STS: 'http://x'}})
    expect([r.stsEndpoint, r.iamEndpoint]).toEqual([undefined, 'http://e'])
  })
  test('a services section without the service, or a missing one: endpoint_url', () => {
    const r = resolve(`[default]\nmfa_serial = ${SERIAL}\nservices = local\nendpoint_url = http://e\n[services local]\niam =\n  endpoint_url = http://i\n`)
    expect([r.stsEndpoint, r.iamEndpoint]).toEqual(['http://e', 'http://i'])
    expect(resolve(`[default]\nmfa_serial = ${SERIAL}\nservices = gone\nendpoint_url = http://e\n`).stsEndpoint).toBe('http://e')
  })
  test('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', () => {
    expect(resolve(`[default]\nmfa_serial = ${SERIAL}\nendpoint_url = http://e\n`, 'default', KEYS, {env: {AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true'}}).stsEndpoint).toBeUndefined()
  })
  test('the requested profile\'s endpoints first, then those of the profile with the keys', () => {
    const services = '[services local]\nsts =\n  endpoint_url = http://s\niam =\n  endpoint_url = http://i\n'
    const role = `[profile admin]\nrole_arn = ${ROLE}\nsource_profile = default\n`
    const own = resolve(`[default]\nmfa_serial = ${SERIAL}\n${role}services = local\n${services}`, 'admin')
    expect([own.stsEndpoint, own.iamEndpoint]).toEqual(['http://s', 'http://i'])
    const root = resolve(`[default]\nmfa_serial = ${SERIAL}\nservices = local\n${role}${services}`, 'admin')
    expect([root.stsEndpoint, root.iamEndpoint]).toEqual(['http://s', 'http://i'])
  })
})
