/**
 * Session profiles in the shared files (src/session/session-profile.ts), with real files in a
 * temporary HOME: written and refreshed in place, never over long-term keys or a section the user
 * wrote, and removed only when mfa wrote them.
 */
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {MfaError} from '../../../src/cli/errors.js'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadAwsFiles} from '../../../src/aws/files.js'
import {checkSessionProfile, removeSessionProfile, sessionSection, sourceOfSessionProfile, writeSessionProfile, writtenSessionProfiles} from '../../../src/session/session-profile.js'

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

describe('what counts as a section mfa wrote', () => {
  const written = (cfg: string, cred: string) => {
    files(cfg, cred)
    return writtenSessionProfiles(loadAwsFiles(env))
  }
  test('a key of mfa\'s spelled otherwise (botocore lower-cases it) makes it the user\'s', () => {
    expect(written('', SESSION.replace('aws_session_token', 'AWS_SESSION_TOKEN'))).toEqual(new Set())
    expect(written('', SESSION.replace('aws_session_token = ', 'aws_session_token= '))).toEqual(new Set(['mfa']))
  })
  test('a key twice, another key, or a continuation line makes it the user\'s', () => {
    expect(written('', `${SESSION}aws_session_token = tok2\n`)).toEqual(new Set())
    expect(written('', `${SESSION}region = eu-west-1\n`)).toEqual(new Set())
    expect(written('', SESSION.replace('tok1\n', 'tok1\n  more\n'))).toEqual(new Set())
  })
  test('without the expiry stamp it is not mfa\'s', () => {
    expect(written('', SESSION.replace('x_security_token_expires = 2026-11-28T17:00:00Z\n', ''))).toEqual(new Set())
  })
  test('a section spread over two headers is read as one', () => {
    expect(written('', `[mfa]\naws_access_key_id = ASIA1\n[other]\n[mfa]\naws_access_key_id = ASIA2\nx_security_token_expires = 1\n`)).toEqual(new Set())
    expect(written('', `[mfa]\naws_access_key_id = ASIA1\n[other]\n[mfa]\nx_security_token_expires = 1\n`)).toEqual(new Set(['mfa']))
  })
  test('config: the user\'s own keys (and their continuation lines) may sit beside mfa\'s stamp; a continuation of mfa\'s key may not', () => {
    expect(written('[profile mfa]\nregion = x\noutput = json\ns3 =\n  max_concurrent_requests = 2\nmfa_source_profile = default\n', '')).toEqual(new Set(['mfa']))
    expect(written('[profile mfa]\nregion = x\n  more\nmfa_source_profile = default\n', '')).toEqual(new Set())
    expect(written('[profile mfa]\nregion = x\nmfa_source_profile = default\nmfa_source_profile = other\n', '')).toEqual(new Set())
  })
  test('config names: "profile " and spaces go; default stays default', () => {
    expect(written('[profile  spaced ]\nmfa_source_profile = x\n[default]\nmfa_source_profile = y\n[profileless]\nmfa_source_profile = z\n', '')).toEqual(
      new Set(['spaced', 'default', 'profileless']),
    )
  })
  test('a credentials section of mfa\'s shape whose name is no session profile\'s is not counted', () => {
    expect(written('', SESSION.replace('[mfa]', '[work]'))).toEqual(new Set())
  })
})

describe('sourceOfSessionProfile: the edges', () => {
  test('not a session profile\'s name: undefined, even when the section has mfa\'s shape', () => {
    files('[profile work]\nmfa_source_profile = w\n', SESSION.replace('[mfa]', '[work]'))
    expect(sourceOfSessionProfile(loadAwsFiles(env), 'work')).toBeUndefined()
  })
  test('an empty recorded source: the name\'s', () => {
    files('[profile admin-mfa]\nmfa_source_profile =\n', SESSION.replace('[mfa]', '[admin-mfa]'))
    expect(sourceOfSessionProfile(loadAwsFiles(env), 'admin-mfa')).toBe('admin')
  })
  test('no credentials section: undefined', () => {
    files('[profile admin-mfa]\nmfa_source_profile = admin\n', KEYS)
    expect(sourceOfSessionProfile(loadAwsFiles(env), 'admin-mfa')).toBeUndefined()
  })
})

describe('checkSessionProfile (before a code is spent)', () => {
  test('a name that cannot be a header', () => {
    expect(() => checkSessionProfile(loadAwsFiles(env), ' mfa', env)).toThrow('cannot write a section named " mfa"')
  })
  test('the user\'s credentials section, then the user\'s config section, each named with its file', () => {
    files('', `${KEYS}[mfa]\naws_access_key_id = AKIAOTHER\n`)
    expect(() => checkSessionProfile(loadAwsFiles(env), 'mfa', env)).toThrow('[mfa] in ~/.aws/credentials is not a section mfa wrote')
    files('[profile work-mfa]\nregion = x\n', KEYS)
    let error: MfaError | undefined
    try {
      checkSessionProfile(loadAwsFiles(env), 'work-mfa', env)
    } catch (e) {
      error = e as MfaError
    }
    expect(error?.message).toBe('[profile work-mfa] in ~/.aws/config is not a section mfa wrote; mfa would keep the session of profile "work" there, and will not take it over')
    expect(error?.hint).toBe('Rename your profile "work-mfa" (or remove that section), then try again.')
  })
  test('mfa\'s own sections, or none: fine, nothing written', () => {
    files('[profile mfa]\nregion = x\nmfa_source_profile = default\n', `${KEYS}${SESSION}`)
    const before = [config(), credentials()]
    expect(() => checkSessionProfile(loadAwsFiles(env), 'mfa', env)).not.toThrow()
    expect(() => checkSessionProfile(loadAwsFiles(env), 'other-mfa', env)).not.toThrow()
    expect([config(), credentials()]).toEqual(before)
  })
  test('no credentials file yet: fine', () => {
    rmSync(join(home, '.aws', 'credentials'))
    expect(() => checkSessionProfile(loadAwsFiles(env), 'mfa', env)).not.toThrow()
  })
  test('a line botocore refuses in either file is found now', () => {
    files('[default\n', KEYS)
    expect(() => checkSessionProfile(loadAwsFiles(env), 'mfa', env)).toThrow(MfaError)
    files('', '[default\n')
    expect(() => checkSessionProfile(loadAwsFiles(env), 'mfa', env)).toThrow(MfaError)
  })
})

describe('edits', () => {
  test('removing the last section removes the file mfa created', async () => {
    rmSync(join(home, '.aws', 'credentials'))
    await writeSessionProfile(env, 'mfa', creds)
    expect(credentials()).toBe(SESSION)
    expect(await removeSessionProfile(env, 'mfa')).toBe(true)
    expect(existsSync(join(home, '.aws', 'credentials'))).toBe(false)
  })
  test('the same region and source again: the config is not rewritten', async () => {
    await writeSessionProfile(env, 'mfa', creds, {profile: 'default', region: 'eu-west-1'})
    const path = join(home, '.aws', 'config')
    writeFileSync(path, config().replace('[profile mfa]', '[profile mfa]  '))
    await writeSessionProfile(env, 'mfa', {...creds, SessionToken: 'tok2'}, {profile: 'default', region: 'eu-west-1'})
    expect(config()).toContain('[profile mfa]  \n')
    await writeSessionProfile(env, 'mfa', creds, {profile: 'other', region: 'eu-west-1'})
    expect(config()).toContain('mfa_source_profile = other\n')
  })
  test('the user\'s keys in mfa\'s config section stay when mfa removes its own', async () => {
    files('[profile mfa]\nregion = x\noutput = json\nmfa_source_profile = default\n', `${KEYS}${SESSION}`)
    expect(await removeSessionProfile(env, 'mfa')).toBe(true)
    expect(config()).toBe('[profile mfa]\noutput = json\n')
    expect(credentials()).toBe(KEYS)
  })
  test('only the config section is mfa\'s: removed, and true', async () => {
    files('[profile mfa]\nregion = x\nmfa_source_profile = default\n', KEYS)
    expect(await removeSessionProfile(env, 'mfa')).toBe(true)
    expect(credentials()).toBe(KEYS)
  })
  test('a session that differs only in its expiry is written', async () => {
    await writeSessionProfile(env, 'mfa', creds)
    await writeSessionProfile(env, 'mfa', {...creds, Expiration: '2026-11-28T18:00:00Z'})
    expect(credentials()).toContain('x_security_token_expires = 2026-11-28T18:00:00Z\n')
  })
})
