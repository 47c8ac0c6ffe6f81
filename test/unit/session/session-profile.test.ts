/**
 * Session profiles in the shared files (src/session/session-profile.ts), with real files in a
 * temporary HOME: written and refreshed in place, never over long-term keys or a section the user
 * wrote, and removed only when mfa wrote them.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadAwsFiles} from '../../../src/aws/files.js'
import {removeSessionProfile, sessionSection, sourceOfSessionProfile, writeSessionProfile, writtenSessionProfiles} from '../../../src/session/session-profile.js'

const KEYS = '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n'
const creds = {AccessKeyId: 'ASIA1', SecretAccessKey: 'sec1', SessionToken: 'tok1', Expiration: '2026-11-28T17:00:00Z'}
const SESSION = '[mfa]\naws_access_key_id = ASIA1\naws_secret_access_key = sec1\naws_session_token = tok1\nx_security_token_expires = 2026-11-28T17:00:00Z\n'

let home: string
let env: NodeJS.ProcessEnv
const config = () => readFileSync(join(home, '.aws', 'config'), 'utf8')
const credentials = () => readFileSync(join(home, '.aws', 'credentials'), 'utf8')
function files(cfg: string, cred: string): void {
  writeFileSync(join(home, '.aws', 'config'), cfg)
  writeFileSync(join(home, '.aws', 'credentials'), cred)
}
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mfa-session-profile-'))
  mkdirSync(join(home, '.aws'))
  env = {HOME: home}
  files('[default]\nregion = eu-west-1\n', KEYS)
})
afterEach(() => rmSync(home, {recursive: true, force: true}))

describe('sessionSection', () => {
  test('the four keys the SDKs and mfa read', () => {
    expect(sessionSection(creds)).toEqual({aws_access_key_id: 'ASIA1', aws_secret_access_key: 'sec1', aws_session_token: 'tok1', x_security_token_expires: '2026-11-28T17:00:00Z'})
  })
})

describe('writeSessionProfile', () => {
  test('appends the session after the long-term keys, and the region to the config, marked as mfa\'s', async () => {
    await writeSessionProfile(env, 'mfa', creds, {profile: 'default', region: 'eu-west-1'})
    expect(credentials()).toBe(`${KEYS}\n${SESSION}`)
    expect(config()).toBe('[default]\nregion = eu-west-1\n\n[profile mfa]\nregion = eu-west-1\nmfa_source_profile = default\n')
  })
  test('no region: the config is left alone', async () => {
    await writeSessionProfile(env, 'mfa', creds, {profile: 'default'})
    expect(config()).toBe('[default]\nregion = eu-west-1\n')
  })
  test('the same session again: the file is not rewritten', async () => {
    await writeSessionProfile(env, 'mfa', creds)
    const path = join(home, '.aws', 'credentials')
    writeFileSync(path, credentials().replace('[mfa]', '[mfa]   '))
    await writeSessionProfile(env, 'mfa', creds)
    expect(credentials()).toContain('[mfa]   \n')
  })
  test('a new session replaces the old one in place', async () => {
    await writeSessionProfile(env, 'mfa', creds)
    await writeSessionProfile(env, 'mfa', {...creds, SessionToken: 'tok2'})
    expect(credentials()).toBe(`${KEYS}\n${SESSION.replace('tok1', 'tok2')}`)
  })
  test('refuses to overwrite long-term keys, and says what to do', async () => {
    files('', `${KEYS}[mfa]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n`)
    const before = credentials()
    await expect(writeSessionProfile(env, 'mfa', creds)).rejects.toThrow('[mfa] in ~/.aws/credentials is not a section mfa wrote; mfa would keep the session of profile "default" there, and will not take it over')
    expect(credentials()).toBe(before)
  })
  test('a config section the user wrote is theirs: refused, and left as it is', async () => {
    files('[profile work-mfa]\nregion = us-west-2\n', KEYS)
    await expect(writeSessionProfile(env, 'work-mfa', creds, {profile: 'work', region: 'eu-west-1'})).rejects.toThrow('is not a section mfa wrote')
    expect(config()).toBe('[profile work-mfa]\nregion = us-west-2\n')
  })
  test('mfa\'s own config section follows the source\'s region', async () => {
    files('[profile work-mfa]\nregion = us-west-2\nmfa_source_profile = work\n', KEYS)
    await writeSessionProfile(env, 'work-mfa', creds, {profile: 'work', region: 'eu-west-1'})
    expect(config()).toBe('[profile work-mfa]\nregion = eu-west-1\nmfa_source_profile = work\n')
  })
})

describe('which session profiles mfa wrote', () => {
  test('credentials sections named [mfa] or [*-mfa] with mfa\'s expiry, and config sections with its source', async () => {
    files('[profile other]\nmfa_source_profile = x\n[default]\nmfa_source_profile = y\n', `${KEYS}${SESSION}[work-mfa]\naws_session_token = t\n[notours]\nx_security_token_expires = 1\n`)
    expect(writtenSessionProfiles(loadAwsFiles(env))).toEqual(new Set(['mfa', 'other', 'default']))
  })
  test('sourceOfSessionProfile: the recorded source, else the name\'s; undefined when mfa did not write it', async () => {
    files('[profile admin-mfa]\nmfa_source_profile = admin\n', `${SESSION}${SESSION.replace('[mfa]', '[admin-mfa]')}${SESSION.replace('[mfa]', '[x-mfa]')}[y-mfa]\naws_session_token = t\n`)
    const aws = loadAwsFiles(env)
    expect(sourceOfSessionProfile(aws, 'mfa')).toBe('default')
    expect(sourceOfSessionProfile(aws, 'admin-mfa')).toBe('admin')
    expect(sourceOfSessionProfile(aws, 'x-mfa')).toBe('x')
    expect(sourceOfSessionProfile(aws, 'y-mfa')).toBeUndefined()
  })
})

describe('removeSessionProfile', () => {
  test('removes the session and mfa\'s config section, giving the files back as they were', async () => {
    await writeSessionProfile(env, 'mfa', creds, {profile: 'default', region: 'eu-west-1'})
    expect(await removeSessionProfile(env, 'mfa')).toBe(true)
    expect(credentials()).toBe(KEYS)
    expect(config()).toBe('[default]\nregion = eu-west-1\n')
  })
  test('nothing there: false, nothing changed', async () => {
    expect(await removeSessionProfile(env, 'mfa')).toBe(false)
    expect(credentials()).toBe(KEYS)
  })
  test('never long-term keys, nor a config section the user wrote', async () => {
    files('[profile mfa]\nregion = x\n', `${KEYS}[mfa]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n`)
    const before = [config(), credentials()]
    expect(await removeSessionProfile(env, 'mfa')).toBe(false)
    expect([config(), credentials()]).toEqual(before)
  })
})
