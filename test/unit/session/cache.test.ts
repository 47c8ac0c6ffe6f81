/**
 * The session cache (src/session/cache.ts): when a cached session is reused (more than 5 minutes
 * left), how files are named, and what a corrupt file reads as. Real files in a temporary directory.
 */
import {jest} from '@jest/globals'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type CachedSession, cacheDir, expiresAt, hashKey, isUsable, listCache, readCache, removeCache, REUSE_MARGIN_MS, roleCacheFile, sessionCacheFile, writeCache} from '../../../src/session/cache.js'
import {secondsLeft} from '../../../src/session/ensure.js'
import {stderr as stderrSink} from '../../../src/cli/output.js'

const NOW = Date.parse('2026-06-01T12:00:00Z')
function session(expiration: string): CachedSession {
  return {
    Version: 1,
    Kind: 'session',
    Profile: 'default',
    SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
    SourceAccessKeyId: 'AKIAEXAMPLE',
    IssuedAt: '2026-06-01T00:00:00Z',
    Credentials: {AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: expiration},
  }
}
const endingIn = (ms: number) => session(new Date(NOW + ms).toISOString())

/** What fn writes to stderr. */
function stderr(fn: () => unknown): string {
  let said = ''
  const spy = jest.spyOn(stderrSink, 'write').mockImplementation(chunk => {
    said += chunk
  })
  try {
    fn()
  } finally {
    spy.mockRestore()
  }
  return said
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-cache-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('the reuse margin: a session is reused while more than 5 minutes are left', () => {
  test('the margin is 5 minutes', () => {
    expect(REUSE_MARGIN_MS).toBe(300_000)
  })
  test('5 minutes and a millisecond left: reused', () => {
    expect(isUsable(endingIn(REUSE_MARGIN_MS + 1), NOW)).toBe(true)
  })
  test('exactly 5 minutes left: renewed', () => {
    expect(isUsable(endingIn(REUSE_MARGIN_MS), NOW)).toBe(false)
  })
  test('expired, or none: renewed', () => {
    expect(isUsable(endingIn(-1), NOW)).toBe(false)
    expect(isUsable(undefined, NOW)).toBe(false)
  })
  test('expiresAt and secondsLeft read the expiration', () => {
    expect(expiresAt(endingIn(0))).toBe(NOW)
    expect(secondsLeft(endingIn(90_999), NOW)).toBe(90)
  })
})

describe('file names', () => {
  test('cacheDir: MFA_CACHE_DIR, else ~/.aws/mfa', () => {
    expect(cacheDir({MFA_CACHE_DIR: '/x/cache', HOME: '/home/a'})).toBe('/x/cache')
    expect(cacheDir({HOME: '/home/a'})).toBe('/home/a/.aws/mfa')
  })
  test('hashKey: 16 hex digits, stable, and the parts are kept apart', () => {
    expect(hashKey('a', 'b')).toMatch(/^[0-9a-f]{16}$/)
    expect(hashKey('a', 'b')).toBe(hashKey('a', 'b'))
    expect(hashKey('a', 'b')).not.toBe(hashKey('ab'))
    expect(hashKey('a', 'b')).not.toBe(hashKey('b', 'a'))
    expect(hashKey('')).toBe('811c9dc5cbf29ce4')
  })
  test('a session file is named after the device, made safe, and keyed by access key and device (not by profile)', () => {
    const file = sessionCacheFile('/c', 'AKIA1', 'arn:aws:iam::1:mfa/my work/prod')
    expect(file).toBe(`/c/session-prod-${hashKey('session', 'AKIA1', 'arn:aws:iam::1:mfa/my work/prod')}.json`)
    expect(sessionCacheFile('/c', 'AKIA1', 'arn:2')).not.toBe(sessionCacheFile('/c', 'AKIA1', 'arn:1'))
    expect(sessionCacheFile('/c', 'AKIA2', 'arn:1')).not.toBe(sessionCacheFile('/c', 'AKIA1', 'arn:1'))
  })
  test('hashKey: always 16 digits, leading zeros kept', () => {
    for (let i = 0; i < 500; i++) expect(hashKey(`profile-${i}`)).toMatch(/^[0-9a-f]{16}$/)
  })
  test('a run of unsafe characters becomes one _', () => {
    expect(sessionCacheFile('/c', 'K', 'a  b')).toBe(`/c/session-a_b-${hashKey('session', 'K', 'a  b')}.json`)
  })
  test('a long device name is cut to 40 characters in the name', () => {
    expect(sessionCacheFile('/c', 'K', 'x'.repeat(50))).toBe(`/c/session-${'x'.repeat(40)}-${hashKey('session', 'K', 'x'.repeat(50))}.json`)
  })
  test('a role file is keyed by everything that makes the role session', () => {
    expect(roleCacheFile('/c', 'admin', 'arn:1', 'AKIA')).toBe(`/c/role-admin-${hashKey('role', 'admin', 'arn:1', 'AKIA')}.json`)
  })
})

describe('reading and writing', () => {
  test('a written session reads back, private, in a private directory', () => {
    const file = join(dir, 'mfa', 'session-a.json')
    writeCache(file, endingIn(1000))
    expect(readCache(file)).toEqual({session: endingIn(1000)})
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'mfa')).mode & 0o777).toBe(0o700)
  })
  test('a written file ends with a newline', () => {
    const file = join(dir, 'session-a.json')
    writeCache(file, endingIn(1000))
    expect(readFileSync(file, 'utf8').endsWith('}\n')).toBe(true)
  })
  test('no file: no session and no problem', () => {
    expect(readCache(join(dir, 'none.json'))).toEqual({})
  })
  test('not JSON: a problem to report', () => {
    writeFileSync(join(dir, 'a.json'), '{"Version": 1, "Cred')
    expect(readCache(join(dir, 'a.json'))).toEqual({problem: 'it is not valid JSON (corrupt or truncated)'})
  })
  test.each([
    ['another version', {...endingIn(1000), Version: 2}],
    ['no access key', {...endingIn(1000), Credentials: {...endingIn(1000).Credentials, AccessKeyId: ''}}],
    ['no secret', {...endingIn(1000), Credentials: {...endingIn(1000).Credentials, SecretAccessKey: ''}}],
    ['no token', {...endingIn(1000), Credentials: {...endingIn(1000).Credentials, SessionToken: ''}}],
    ['no expiration', {...endingIn(1000), Credentials: {...endingIn(1000).Credentials, Expiration: 'soon'}}],
    ['no credentials', {Version: 1}],
    ['null', null],
  ])('%s: it does not hold a session', (_why, data) => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify(data))
    expect(readCache(join(dir, 'a.json'))).toEqual({problem: 'it does not hold a session'})
  })
  test('a file others can read is made private when read, and the user is told', () => {
    const file = join(dir, 'a.json')
    writeFileSync(file, JSON.stringify(endingIn(1000)))
    chmodSync(file, 0o644)
    const said = stderr(() => readCache(file))
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(said).toBe(`mfa: the cached session ${file} was readable by others (0644); it is now private\n`)
  })
  test('a private file is read without a word', () => {
    const file = join(dir, 'a.json')
    writeFileSync(file, JSON.stringify(endingIn(1000)), {mode: 0o600})
    expect(stderr(() => readCache(file))).toBe('')
  })
  test('a narrower mode is kept', () => {
    const file = join(dir, 'a.json')
    writeFileSync(file, JSON.stringify(endingIn(1000)))
    chmodSync(file, 0o400)
    readCache(file)
    expect(statSync(file).mode & 0o777).toBe(0o400)
  })
  test('a cache directory open to others is closed when written to', () => {
    const sub = join(dir, 'mfa')
    mkdirSync(sub, {mode: 0o755})
    chmodSync(sub, 0o755)
    expect(stderr(() => writeCache(join(sub, 'session-a.json'), endingIn(1000)))).toBe(`mfa: the session cache ${sub} was open to others (0755); it is now private\n`)
    expect(statSync(sub).mode & 0o777).toBe(0o700)
  })
  test('removeCache: true when it removed a file', () => {
    const file = join(dir, 'a.json')
    writeFileSync(file, '{}')
    expect(removeCache(file)).toBe(true)
    expect(removeCache(file)).toBe(false)
  })
  test('listCache: session and role files only, sorted, each read', () => {
    writeCache(join(dir, 'session-b.json'), endingIn(1000))
    writeFileSync(join(dir, 'role-a.json'), 'x')
    writeFileSync(join(dir, 'used-1.json'), '{}')
    writeFileSync(join(dir, 'session-c.lock'), '')
    expect(listCache(dir)).toEqual([
      {file: join(dir, 'role-a.json'), problem: 'it is not valid JSON (corrupt or truncated)'},
      {file: join(dir, 'session-b.json'), session: endingIn(1000)},
    ])
    expect(listCache(join(dir, 'none'))).toEqual([])
    expect(readFileSync(join(dir, 'used-1.json'), 'utf8')).toBe('{}')
  })
  test('listCache: sorted by name whatever the directory order, and only names that start and end as the cache\'s', () => {
    for (const name of ['session-b.json', 'role-a.json', 'session-ab.json', 'x-session-c.json', 'session-d.json.tmp']) writeFileSync(join(dir, name), '{}')
    expect(listCache(dir).map(e => e.file)).toEqual(['role-a.json', 'session-ab.json', 'session-b.json'].map(n => join(dir, n)))
  })
})
