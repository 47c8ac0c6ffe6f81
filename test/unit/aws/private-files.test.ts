/**
 * Private, atomic writes (src/aws/private-files.ts), with real files: modes, links followed,
 * strays of killed writers cleaned up, and one line for each way a write can fail.
 */
import {jest} from '@jest/globals'
import {execFileSync, spawn} from 'node:child_process'
import {chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ensurePrivateDir, fileError, notAFile, readPrivateFile, writeAwsFile, writeFileAtomic} from '../../../src/aws/private-files.js'
import {stderr} from '../../../src/cli/output.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-private-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))
const mode = (path: string) => statSync(path).mode & 0o777
/** What a function wrote to stderr. */
function stderrOf(fn: () => void): string {
  const said: string[] = []
  const spy = jest.spyOn(stderr, 'write').mockImplementation(chunk => {
    said.push(chunk)
  })
  try {
    fn()
  } finally {
    spy.mockRestore()
  }
  return said.join('')
}

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
  test('a file in the way further up: the reason of the first level that cannot be made', () => {
    writeFileSync(join(dir, 'f'), '')
    expect(() => ensurePrivateDir(join(dir, 'f', 'a', 'b'))).toThrow(`could not create the directory ${join(dir, 'f', 'a', 'b')}: a part of the path is not a directory; nothing was changed`)
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
  test('a code without a reason of its own: the error\'s message, and the error as the cause', () => {
    const error = err('EBUSY')
    const e = fileError(error, 'write', '/x/f')
    expect(e.message).toBe('could not write /x/f: EBUSY: boom')
    expect(e.cause).toBe(error)
  })
  test('not even an error: its text', () => {
    expect(fileError(undefined, 'write', '/x/f').message).toBe('could not write /x/f: undefined')
  })
  test('anything else: its message', () => {
    expect(fileError(new Error('odd'), 'write', '/x/f').message).toBe('could not write /x/f: odd')
    expect(fileError('odd', 'write', '/x/f').message).toBe('could not write /x/f: odd')
  })
})

describe('readPrivateFile: only a regular file of the user\'s own, never through a link', () => {
  test('a file: its content; a missing file or a missing directory on the way: {}', () => {
    writeFileSync(join(dir, 'f'), 'x', {mode: 0o600})
    expect(readPrivateFile(join(dir, 'f'))).toEqual({content: 'x'})
    expect(readPrivateFile(join(dir, 'none'))).toEqual({})
    expect(readPrivateFile(join(dir, 'f', 'below'))).toEqual({})
  })
  test('a symbolic link, a directory, a FIFO: the problem, never the content', () => {
    writeFileSync(join(dir, 'f'), 'secret', {mode: 0o600})
    symlinkSync(join(dir, 'f'), join(dir, 'link'))
    mkdirSync(join(dir, 'd'))
    execFileSync('mkfifo', [join(dir, 'fifo')])
    expect(readPrivateFile(join(dir, 'link'))).toEqual({problem: 'it is a symbolic link'})
    expect(readPrivateFile(join(dir, 'd'))).toEqual({problem: 'it is a directory, not a file'})
    expect(readPrivateFile(join(dir, 'fifo'))).toEqual({problem: 'it is a FIFO, not a file'})
  })
  test('a file of another user: the problem, with its uid', () => {
    writeFileSync(join(dir, 'f'), 'x', {mode: 0o600})
    chownSync(join(dir, 'f'), 4242, 4242)
    const own = process.getuid!() === 4242
    expect(readPrivateFile(join(dir, 'f'))).toEqual(own ? {content: 'x'} : {problem: 'it belongs to another user (uid 4242)'})
  })
  test('a file group or others can read is made private, and the caller hears its old mode', () => {
    writeFileSync(join(dir, 'f'), 'x')
    chmodSync(join(dir, 'f'), 0o644)
    const told: number[] = []
    expect(readPrivateFile(join(dir, 'f'), m => told.push(m))).toEqual({content: 'x'})
    expect(mode(join(dir, 'f'))).toBe(0o600)
    expect(told).toEqual([0o644])
    chmodSync(join(dir, 'f'), 0o640)
    expect(readPrivateFile(join(dir, 'f'))).toEqual({content: 'x'})
    expect(mode(join(dir, 'f'))).toBe(0o600)
    chmodSync(join(dir, 'f'), 0o600)
    readPrivateFile(join(dir, 'f'), m => told.push(m))
    expect(told).toEqual([0o644])
  })
  test('a path that cannot be opened for another reason: the problem, with its code', () => {
    expect(readPrivateFile(join(dir, 'x'.repeat(300)))).toEqual({problem: 'it cannot be read (ENAMETOOLONG)'})
  })
  test('notAFile names what a path holds', async () => {
    const dev = lstatSync('/dev/null')
    expect(notAFile(dev)).toBe('a device')
    symlinkSync('/dev/null', join(dir, 'link'))
    expect(notAFile(lstatSync(join(dir, 'link')))).toBe('a symbolic link')
    const socket = createServer().listen(join(dir, 's'))
    await new Promise(resolve => socket.on('listening', resolve))
    expect(notAFile(lstatSync(join(dir, 's')))).toBe('a socket')
    socket.close()
    writeFileSync(join(dir, 'f'), '')
    expect(notAFile(lstatSync(join(dir, 'f')))).toBeUndefined()
  })
})

describe('writeFileAtomic: the edges', () => {
  test('a Buffer is written byte for byte', () => {
    const bytes = Buffer.from([0x23, 0xe9, 0x0a, 0xff])
    writeFileAtomic(join(dir, 'c'), bytes)
    expect(readFileSync(join(dir, 'c')).equals(bytes)).toBe(true)
  })
  test('followLinks false: a link at the path is replaced by a file, its target left alone', () => {
    writeFileSync(join(dir, 'real'), 'keep')
    symlinkSync(join(dir, 'real'), join(dir, 'link'))
    const said = stderrOf(() => writeFileAtomic(join(dir, 'link'), 'new', {followLinks: false}))
    expect(said).toBe('')
    expect(lstatSync(join(dir, 'link')).isFile()).toBe(true)
    expect(mode(join(dir, 'link'))).toBe(0o600)
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('keep')
  })
  test('a file others could read: the user is told once, with both modes', () => {
    const said: string[] = []
    const spy = jest.spyOn(stderr, 'write').mockImplementation(chunk => {
      said.push(chunk)
    })
    try {
      writeFileSync(join(dir, 'c'), 'old')
      chmodSync(join(dir, 'c'), 0o640)
      writeFileAtomic(join(dir, 'c'), 'new')
      writeFileAtomic(join(dir, 'c'), 'newer')
    } finally {
      spy.mockRestore()
    }
    expect(said.join('')).toBe(`mfa: ${join(dir, 'c')} was readable by others (0640); it is now private (0600)\n`)
  })
  test('the owner given is kept on the new file (root editing a user\'s file): the user, the group, or both', () => {
    const me = {uid: process.getuid!(), gid: process.getgid!()}
    for (const owner of [{uid: 4242, gid: 4343}, {uid: me.uid, gid: 4343}, {uid: 4242, gid: me.gid}]) {
      writeFileAtomic(join(dir, 'c'), 'x', {owner})
      expect([statSync(join(dir, 'c')).uid, statSync(join(dir, 'c')).gid]).toEqual([owner.uid, owner.gid])
    }
  })
  test('only strays of this file are looked at: another file\'s, of a dead writer, stays', async () => {
    const child = spawn('true')
    await new Promise(resolve => child.on('exit', resolve))
    writeFileSync(join(dir, `.d.mfa-${child.pid}-abc`), '')
    writeFileAtomic(join(dir, 'c'), 'x')
    expect(existsSync(join(dir, `.d.mfa-${child.pid}-abc`))).toBe(true)
  })
  test('a stray whose name holds no pid, or this process\'s, stays', () => {
    writeFileSync(join(dir, '.c.mfa-x-abc'), '')
    writeFileSync(join(dir, `.c.mfa-${process.pid}-abc`), '')
    writeFileSync(join(dir, '.d.mfa-1-abc'), '')
    writeFileAtomic(join(dir, 'c'), 'x')
    expect(readdirSync(dir).sort()).toEqual([`.c.mfa-${process.pid}-abc`, '.c.mfa-x-abc', '.d.mfa-1-abc', 'c'])
  })
})

describe('writeAwsFile: the AWS files, through links, keeping hard links and owners', () => {
  test('a chain of links, the last one dangling: the file is made where the chain ends, every link stays', () => {
    symlinkSync('b', join(dir, 'a'))
    symlinkSync(join(dir, 'real'), join(dir, 'b'))
    writeAwsFile(join(dir, 'a'), Buffer.from('x'))
    expect(lstatSync(join(dir, 'a')).isSymbolicLink()).toBe(true)
    expect(lstatSync(join(dir, 'b')).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('x')
  })
  test('a hard-linked file is written in place: both names see the new content, shorter than the old', () => {
    writeFileSync(join(dir, 'c'), 'a long old content')
    linkSync(join(dir, 'c'), join(dir, 'other'))
    writeAwsFile(join(dir, 'c'), Buffer.from('new'))
    expect(readFileSync(join(dir, 'other'), 'utf8')).toBe('new')
    expect(statSync(join(dir, 'c')).ino).toBe(statSync(join(dir, 'other')).ino)
  })
  test('a file with one name is replaced, not written in place: it is made private', () => {
    writeFileSync(join(dir, 'c'), 'old')
    chmodSync(join(dir, 'c'), 0o644)
    stderrOf(() => writeAwsFile(join(dir, 'c'), Buffer.from('new')))
    expect(mode(join(dir, 'c'))).toBe(0o600)
  })
  test('a replaced file keeps its owner and group', () => {
    writeFileSync(join(dir, 'c'), 'old')
    chownSync(join(dir, 'c'), 4242, 4343)
    writeAwsFile(join(dir, 'c'), Buffer.from('new'))
    expect([statSync(join(dir, 'c')).uid, statSync(join(dir, 'c')).gid]).toEqual([4242, 4343])
    expect(readFileSync(join(dir, 'c'), 'utf8')).toBe('new')
  })
  test('a link loop: a file error, nothing written', () => {
    symlinkSync(join(dir, 'b'), join(dir, 'a'))
    symlinkSync(join(dir, 'a'), join(dir, 'b'))
    expect(() => writeAwsFile(join(dir, 'a'), Buffer.from('x'))).toThrow(/ELOOP/)
  })
})
