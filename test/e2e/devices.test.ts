/**
 * `mfa devices`: the seed's step 3, finding the MFA device ARN, through IAM ListMFADevices on the
 * local server, and saving it into ~/.aws/config byte for byte.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {DEMO, DEMO_CREDENTIALS, makeWorld, type World} from '../helpers/world.js'
import {guessSerial} from '../../src/actions/devices.js'

let world: World
beforeEach(async () => {
  world = await makeWorld({config: '# my config\n[default]\nregion = eu-west-1\n\n[profile other]\nregion = us-east-1\n'})
})
afterEach(async () => {
  await world.close()
})

test('lists the devices, human and JSON, with the user long-term keys', async () => {
  const r = await world.mfa(['devices'])
  expect(r.stdout).toMatch(/^arn:aws:iam::123456789012:mfa\/demo {2}enabled \d{4}-\d\d-\d\d\n$/)
  expect(r.code).toBe(0)
  const json = JSON.parse((await world.mfa(['devices', '--json'])).stdout)
  expect(json).toEqual([{serialNumber: DEMO.mfaSerial, userName: 'demo', enableDate: expect.stringMatching(/Z$/)}])
  const call = world.sts.calls.find(c => c.action === 'ListMFADevices')!
  expect(call).toMatchObject({ok: true, accessKeyId: DEMO.accessKeyId})
})

test('--save writes one line into the profile section and keeps every other byte', async () => {
  const before = world.read(world.configPath)
  const r = await world.mfa(['devices', '--save'])
  expect(r.code).toBe(0)
  expect(r.stderr).toBe(`mfa: saved mfa_serial = ${DEMO.mfaSerial} to [default] in ~/.aws/config\n`)
  expect(world.read(world.configPath)).toBe(before.replace('region = eu-west-1\n', `region = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\n`))
  // Now login works with no other setup.
  expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
})

test('--save into a profile with no config section yet, and a CRLF file', async () => {
  writeFileSync(world.configPath, '[profile other]\r\nregion = us-east-1\r\n')
  writeFileSync(world.credentialsPath, `${DEMO_CREDENTIALS}\n[dev]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`)
  const r = await world.mfa(['devices', '-p', 'dev', '--save'])
  expect(r.code).toBe(0)
  expect(world.read(world.configPath)).toBe(`[profile other]\r\nregion = us-east-1\r\n\r\n[profile dev]\r\nmfa_serial = ${DEMO.mfaSerial}\r\n`)
})

test('replacing a wrong mfa_serial (a user/ ARN) says what it was', async () => {
  writeFileSync(world.configPath, '[default]\nmfa_serial = arn:aws:iam::123456789012:user/demo\n')
  const r = await world.mfa(['devices', '--save'])
  expect(r.stderr).toBe(`mfa: saved mfa_serial = ${DEMO.mfaSerial} to [default] in ~/.aws/config (it was arn:aws:iam::123456789012:user/demo)\n`)
  expect(world.read(world.configPath)).toBe(`[default]\nmfa_serial = ${DEMO.mfaSerial}\n`)
})

test('several devices: --save needs the choice, and takes it', async () => {
  world.sts.addUser({
    userName: 'multi',
    accountId: '123456789012',
    arn: 'arn:aws:iam::123456789012:user/multi',
    accessKeyId: 'AKIAMULTI00000000000',
    secretAccessKey: 'multisecret'.padEnd(40, 'm'),
    mfaDevices: [
      {serial: 'arn:aws:iam::123456789012:mfa/multi-phone', secret: DEMO.mfaSecret},
      {serial: 'arn:aws:iam::123456789012:mfa/multi-key', secret: DEMO.mfaSecret},
    ],
  })
  writeFileSync(world.credentialsPath, `[default]\naws_access_key_id = AKIAMULTI00000000000\naws_secret_access_key = ${'multisecret'.padEnd(40, 'm')}\n`)
  const before = world.read(world.configPath)
  const ask = await world.mfa(['devices', '--save'])
  expect(ask.code).toBe(2)
  expect(ask.stdout.trim().split('\n')).toHaveLength(2)
  expect(ask.stderr).toBe('mfa: profile "default" has 2 MFA devices: say which one to save\nhint: mfa devices --save arn:aws:iam::123456789012:mfa/multi-phone\n')
  expect(world.read(world.configPath)).toBe(before)
  const wrong = await world.mfa(['devices', '--save', 'arn:aws:iam::123456789012:mfa/nope'])
  expect(wrong.code).toBe(2)
  expect(world.read(world.configPath)).toBe(before)
  const r = await world.mfa(['devices', '--save', 'arn:aws:iam::123456789012:mfa/multi-key'])
  expect(r.code).toBe(0)
  expect(readFileSync(world.configPath, 'utf8')).toMatch(/^\[default\]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa\/multi-key\n/m)
})

test('without IAM permission: the ARN derived from the user, said to be a guess', async () => {
  world.sts.addUser({
    userName: 'alice',
    accountId: '210987654321',
    arn: 'arn:aws:iam::210987654321:user/team/alice',
    accessKeyId: 'AKIAALICE00000000000',
    secretAccessKey: 'alicesecret'.padEnd(40, 'a'),
    iamDenied: true,
  })
  writeFileSync(world.credentialsPath, `[default]\naws_access_key_id = AKIAALICE00000000000\naws_secret_access_key = ${'alicesecret'.padEnd(40, 'a')}\n`)
  const r = await world.mfa(['devices', '--save'])
  expect(r.code).toBe(0)
  expect(r.stdout).toBe('arn:aws:iam::210987654321:mfa/alice  (a guess)\n')
  expect(r.stderr).toMatch(/^mfa: no permission to list MFA devices \(iam:ListMFADevices\); guessing from your user ARN arn:aws:iam::210987654321:user\/team\/alice/)
  expect(r.stderr).toMatch(/saved mfa_serial = arn:aws:iam::210987654321:mfa\/alice to \[default\] in ~\/\.aws\/config; it is a guess/)
})

test('the guess keeps the partition', () => {
  expect(guessSerial('arn:aws-cn:iam::123456789012:user/bob')).toBe('arn:aws-cn:iam::123456789012:mfa/bob')
  expect(guessSerial('arn:aws:sts::123456789012:assumed-role/r/s')).toBeUndefined()
})

test('IAM unreachable: one line naming it', async () => {
  const r = await world.mfa(['devices'], {env: world.env({AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:9'})})
  expect(r.code).toBe(1)
  expect(r.stderr).toMatch(/^mfa: cannot reach IAM at http:\/\/127\.0\.0\.1:9: connection refused\nhint: Check your network \(VPN, proxy\) and AWS_ENDPOINT_URL_IAM/)
})

test('an mfa_serial kept in the credentials file is replaced there, where the SDKs read it first', async () => {
  writeFileSync(world.credentialsPath, `${DEMO_CREDENTIALS}mfa_serial = arn:aws:iam::123456789012:mfa/old\n`)
  const config = world.read(world.configPath)
  const r = await world.mfa(['devices', '--save'])
  expect(r.stderr).toBe(`mfa: saved mfa_serial = ${DEMO.mfaSerial} to [default] in ~/.aws/credentials (it was arn:aws:iam::123456789012:mfa/old)\n`)
  expect(world.read(world.credentialsPath)).toBe(`${DEMO_CREDENTIALS}mfa_serial = ${DEMO.mfaSerial}\n`)
  expect(world.read(world.configPath)).toBe(config)
})
