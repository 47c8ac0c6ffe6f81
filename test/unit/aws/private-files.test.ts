/**
 * Private, atomic writes (src/aws/private-files.ts), with real files: modes, links followed,
 * strays of killed writers cleaned up, and one line for each way a write can fail.
 */
import {spawn} from 'node:child_process'
import {chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ensurePrivateDir, fileError, writeFileAtomic} from '../../../src/aws/private-files.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-private-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))
const mode = (path: string) => statSync(path).mode & 0o777

describe('ensurePrivateDir', () => {
  test('creates the directory and its parents, 0700', () => {
    ensurePrivateDir(join(dir, 'a', 'b'))
    expect(mode(join(dir, 'a', 'b'))).toBe(0o700)
    expect(mode(join(dir, 'a'))).toBe(0o700)
  })
  test('an existing directory keeps its mode', () => {
    mkdirSync(join(dir, 'a'), {mode: 0o755})
    chmodSync(join(dir, 'a'), 0o755)
    ensurePrivateDir(join(dir, 'a'))
    expect(mode(join(dir, 'a'))).toBe(0o755)
  })
  test('a file in the way: one line, the path shown', () => {
    writeFileSync(join(dir, 'f'), '')
    expect(() => ensurePrivateDir(join(dir, 'f', 'sub'))).toThrow(`could not create the directory ${join(dir, 'f', 'sub')}: a part of the path is not a directory; nothing was changed`)
  })
})

describe('writeFileAtomic', () => {
  test('a new file: 0600, with the content', () => {
    const file = join(dir, 'new', 'credentials')
    writeFileAtomic(file, 'x = 1\n')
    expect(readFileSync(file, 'utf8')).toBe('x = 1\n')
    expect(mode(file)).toBe(0o600)
  })
  test('an existing file keeps a narrower mode', () => {
    const file = join(dir, 'c')
    writeFileSync(file, 'old')
    chmodSync(file, 0o400)
    writeFileAtomic(file, 'new')
    expect(readFileSync(file, 'utf8')).toBe('new')
    expect(mode(file)).toBe(0o400)
  })
  test('a file others could read becomes private', () => {
    const file = join(dir, 'c')
    writeFileSync(file, 'old')
    chmodSync(file, 0o664)
    writeFileAtomic(file, 'new')
    expect(mode(file)).toBe(0o600)
  })
  test('a symbolic link is followed: the link stays, its target gets the content', () => {
    const target = join(dir, 'real')
    writeFileSync(target, 'old')
    symlinkSync(target, join(dir, 'link'))
    writeFileAtomic(join(dir, 'link'), 'new')
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true)
    expect(readFileSync(target, 'utf8')).toBe('new')
  })
  test('no temporary file is left behind', () => {
    writeFileAtomic(join(dir, 'c'), 'x')
    expect(readdirSync(dir)).toEqual(['c'])
  })
  test('a stray of a writer that died is removed; one of a live writer stays', async () => {
    const child = spawn('true')
    await new Promise(resolve => child.on('exit', resolve))
    const dead = join(dir, `.c.mfa-${child.pid}-abc`)
    const live = join(dir, `.c.mfa-${process.ppid}-abc`)
    writeFileSync(dead, '')
    writeFileSync(live, '')
    writeFileAtomic(join(dir, 'c'), 'x')
    expect(existsSync(dead)).toBe(false)
    expect(existsSync(live)).toBe(true)
  })
  test('a directory in the way: one line, and nothing left behind', () => {
    mkdirSync(join(dir, 'c'))
    expect(() => writeFileAtomic(join(dir, 'c'), 'x')).toThrow(`could not write ${join(dir, 'c')}: it is a directory; nothing was changed`)
    expect(readdirSync(dir)).toEqual(['c'])
  })
})

describe('fileError', () => {
  const err = (code: string) => Object.assign(new Error(`${code}: boom`), {code})
  test.each([
    ['ENOSPC', 'no space left on the device', 'Free some disk space, then try again.'],
    ['EDQUOT', 'disk quota exceeded', 'Free some disk space, then try again.'],
    ['EFBIG', 'the file size limit was reached', 'Free some disk space, then try again.'],
    ['EROFS', 'the file system is read-only', 'Use a writable HOME, or point AWS_SHARED_CREDENTIALS_FILE and MFA_CACHE_DIR to a writable place.'],
    ['EACCES', 'permission denied', 'Check the permissions of /x/f and its directory.'],
    ['EPERM', 'operation not permitted', 'Check the permissions of /x/f and its directory.'],
  ])('%s: %s', (code, reason, hint) => {
    const e = fileError(err(code), 'write', '/x/f')
    expect(e.message).toBe(`could not write /x/f: ${reason}; nothing was changed`)
    expect(e.hint).toBe(hint)
    expect(e.cause).toEqual(err(code))
  })
  test('anything else: its message', () => {
    expect(fileError(new Error('odd'), 'write', '/x/f').message).toBe('could not write /x/f: odd')
    expect(fileError('odd', 'write', '/x/f').message).toBe('could not write /x/f: odd')
  })
})
