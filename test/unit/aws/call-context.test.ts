/**
 * Which STS endpoint a profile reaches: the regional one of its region, else its partition's
 * default region, as the SDK resolves it (the real SDK's endpoint rules, no network).
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadAwsFiles} from '../../../src/aws/files.js'
import {resolveProfile} from '../../../src/aws/profile.js'
import {stsRegion} from '../../../src/aws/call-context.js'

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
