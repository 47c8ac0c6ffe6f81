/**
 * Session profiles in the shared files (src/session/session-profile.ts), with real files in a
 * temporary HOME: written and refreshed in place, never over long-term keys or a section the user
 * wrote, and removed only when mfa wrote them.
 */
import {jest} from '@jest/globals'
import * as realFs from 'node:fs'
import {existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {MfaError} from '../../../src/cli/errors.js'
import {acquireLock} from '../../../src/aws/lock.js'
import {hashKey} from '../../../src/session/cache.js'

/** Paths whose write access fails, and how (root may write anywhere, so a read-only place is told, not made). */
const denied = new Map<string, string>()
jest.unstable_mockModule('node:fs', () => ({
  ...realFs,
  accessSync: (path: string, mode?: number) => {
    const code = denied.get(path)
    if (code) throw Object.assign(new Error(`${code}: ${path}`), {code})
    return realFs.accessSync(path, mode)
  },
}))
const {loadAwsFiles} = await import('../../../src/aws/files.js')
const {checkSessionProfile, removeSessionProfile, sessionSection, sourceOfSessionProfile, writeSessionProfile, writtenSessionProfiles} = await import('../../../src/session/session-profile.js')

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

describe('checkSessionProfile: files that cannot be written (before a code is spent)', () => {
  afterEach(() => denied.clear())
  const refusal = () => {
    try {
      checkSessionProfile(loadAwsFiles(env), 'mfa', env)
    } catch (error) {
      return error as MfaError
    }
  }
  const path = () => realpathSync(join(home, '.aws', 'credentials'))
  test('a read-only file system', () => {
    denied.set(path(), 'EROFS')
    const e = refusal()
    expect(e?.message).toBe('cannot write ~/.aws/credentials: the file system is read-only; no code was used')
    expect(e?.hint).toBe('Use a writable HOME, or point AWS_SHARED_CREDENTIALS_FILE to a writable place.')
  })
  test('a file of mode 0400 is fine: mfa replaces it by a rename', () => {
    denied.set(path(), 'EACCES')
    expect(refusal()).toBeUndefined()
  })
  test('a file with hard links is written in place: its own permission counts', () => {
    linkSync(path(), join(home, 'other-link'))
    denied.set(path(), 'EACCES')
    const e = refusal()
    expect(e?.message).toBe('cannot write ~/.aws/credentials: permission denied; no code was used')
    expect(e?.hint).toBe('Make it writable (chmod u+w ~/.aws/credentials), or point AWS_SHARED_CREDENTIALS_FILE elsewhere.')
  })
  test('a directory that cannot be written', () => {
    denied.set(join(realpathSync(home), '.aws'), 'EACCES')
    expect(refusal()?.message).toBe('cannot write ~/.aws: permission denied; no code was used')
    denied.set(join(realpathSync(home), '.aws'), 'EROFS')
    expect(refusal()?.hint).toBe('Use a writable HOME, or point AWS_SHARED_CREDENTIALS_FILE to a writable place.')
  })
  test('the directory behind a link is the one that counts', () => {
    const real = join(home, 'real')
    mkdirSync(real)
    writeFileSync(join(real, 'creds'), KEYS)
    symlinkSync(join(real, 'creds'), join(home, '.aws', 'linked'))
    denied.set(realpathSync(real), 'EACCES')
    const linked = {...env, AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'linked')}
    expect(() => checkSessionProfile(loadAwsFiles(linked), 'mfa', linked)).toThrow('cannot write ~/real: permission denied')
  })
  test('no directory yet: fine (it is made when written)', () => {
    const missing = {...env, AWS_SHARED_CREDENTIALS_FILE: join(home, 'nowhere', 'credentials')}
    expect(() => checkSessionProfile(loadAwsFiles(missing), 'mfa', missing)).not.toThrow()
  })
})

describe('the lock of an edit', () => {
  test('is per real file: an edit through a link waits for the holder of the file\'s lock', async () => {
    const file = realpathSync(join(home, '.aws', 'credentials'))
    symlinkSync(file, join(home, 'link'))
    const lock = await acquireLock(join(home, '.aws', 'mfa', `credentials-${hashKey('credentials', file)}.lock`))
    const linked = {...env, AWS_SHARED_CREDENTIALS_FILE: join(home, 'link')}
    let done = false
    const writing = writeSessionProfile(linked, 'mfa', creds).then(() => (done = true))
    await new Promise(r => setTimeout(r, 300))
    expect(done).toBe(false)
    lock.release()
    await writing
    expect(credentials()).toContain('[mfa]')
  })
})

describe('what counts as mfa\'s: comments', () => {
  test('a comment or a blank line in mfa\'s section leaves it mfa\'s', () => {
    files('[profile mfa]\nregion = x\n# mine\nmfa_source_profile = default\n', SESSION.replace('tok1\n', 'tok1\n# note\n\n'))
    expect(writtenSessionProfiles(loadAwsFiles(env))).toEqual(new Set(['mfa']))
  })
  test('a config section without "profile " keeps its name', () => {
    files('[myprofile x]\nmfa_source_profile = a\n', KEYS)
    expect(writtenSessionProfiles(loadAwsFiles(env))).toEqual(new Set(['myprofile x']))
  })
  test('the same session written otherwise (no spaces around =) is not rewritten', async () => {
    files('', `${KEYS}\n${SESSION.replaceAll(' = ', '=')}`)
    const before = credentials()
    await writeSessionProfile(env, 'mfa', creds)
    expect(credentials()).toBe(before)
  })
})
