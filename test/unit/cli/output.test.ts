/**
 * The error policy every command shares (src/cli/output.ts): one line, an optional hint, the exit
 * code, stack traces only when asked for, secrets redacted. stderr is captured with a spy.
 */
import {jest} from '@jest/globals'
import * as realFs from 'node:fs'
import {EXIT, MfaError} from '../../../src/cli/errors.js'

/** fd 1 as the tests need it: what writeSync does, what fstat and /proc say of it. */
const fd1 = {
  writes: [] as string[],
  write: (_fd: number, bytes: Buffer, off: number, len: number): number => (fd1.writes.push(bytes.subarray(off, off + len).toString()), len),
  stat: () => ({isCharacterDevice: () => false, rdev: 0}),
  fdinfo: 'flags:\t0100001\n',
}
jest.unstable_mockModule('node:fs', () => ({
  ...realFs,
  writeSync: (fd: number, bytes: Buffer, off: number, len: number) => (fd === 1 ? fd1.write(fd, bytes, off, len) : realFs.writeSync(fd, bytes, off, len)),
  fstatSync: (fd: number) => (fd === 1 ? fd1.stat() : realFs.fstatSync(fd)),
  readFileSync: (path: string, enc: never) => (path === '/proc/self/fdinfo/1' ? fd1.fdinfo : realFs.readFileSync(path, enc)),
}))
const {debugWanted, printable, reportError, stderr, stderrReporter, writeHuman, writeJson, writeOut} = await import('../../../src/cli/output.js')

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
let written: string
beforeEach(() => {
  written = ''
  jest.spyOn(stderr, 'write').mockImplementation(chunk => {
    written += chunk
  })
})
afterEach(() => jest.restoreAllMocks())

describe('debugWanted', () => {
  test('MFA_DEBUG', () => {
    expect(debugWanted([], {MFA_DEBUG: '1'})).toBe(true)
    expect(debugWanted([], {})).toBe(false)
  })
  test('--debug among mfa\'s own words', () => {
    expect(debugWanted(['login', '--debug'], {})).toBe(true)
  })
  test('--debug after -- belongs to the command mfa exec runs', () => {
    expect(debugWanted(['exec', '--', 'tool', '--debug'], {})).toBe(false)
    expect(debugWanted(['exec', '--debug', '--', 'tool'], {})).toBe(true)
  })
})

describe('reportError', () => {
  test('an MfaError: its line and hint, redacted, and its exit code', () => {
    expect(reportError(new MfaError(`bad key ${SECRET}`, {hint: `token-code 123456`, exitCode: EXIT.usage}), false)).toBe(2)
    expect(written).toBe('mfa: bad key [redacted]\nhint: token-code [redacted]\n')
  })
  test('an MfaError without a hint: one line', () => {
    expect(reportError(new MfaError('plain'), false)).toBe(1)
    expect(written).toBe('mfa: plain\n')
  })
  test('the cause is shown only when debugging, redacted', () => {
    const cause = new Error(`deep ${SECRET}`)
    reportError(new MfaError('top', {cause}), false)
    expect(written).toBe('mfa: top\n')
    written = ''
    reportError(new MfaError('top', {cause}), true)
    expect(written).toMatch(/^mfa: top\nError: deep \[redacted\]\n {4}at /)
  })
  test('oclif\'s parse errors: their first line, a usage exit and where to look', () => {
    const error = Object.assign(new Error('Error: Nonexistent flag: --nope\nSee more help with --help'), {oclif: {exit: 2}})
    expect(reportError(error, false)).toBe(EXIT.usage)
    expect(written).toMatch(/^mfa: .*--nope.*\nhint: Run `mfa help` to see every command\.\n$/)
    written = ''
    expect(reportError(error, false, {id: 'login', usage: 'mfa login [-p PROFILE]'})).toBe(EXIT.usage)
    expect(written).toMatch(/^mfa: .*--nope.*\nhint: .*mfa login/)
  })
  test('oclif\'s exit: its code, nothing printed', () => {
    class ExitError extends Error {
      oclif = {exit: 3}
    }
    expect(reportError(new ExitError('exit'), false)).toBe(3)
    expect(written).toBe('')
  })
  test('a bug: "unexpected error", its first line, and how to report it; no stack', () => {
    expect(reportError(new Error(`boom ${SECRET}\nmore`), false)).toBe(EXIT.failure)
    expect(written).toBe('mfa: unexpected error: boom [redacted]\nhint: Run again with MFA_DEBUG=1 for details, and report it.\n')
  })
  test('a bug, debugging: the stack instead of the hint', () => {
    reportError(new Error('boom'), true)
    expect(written).toMatch(/^mfa: unexpected error: boom\nError: boom\n {4}at /)
    expect(written).not.toContain('hint:')
  })
  test('something thrown that is not an Error', () => {
    expect(reportError('text', false)).toBe(EXIT.failure)
    expect(written).toMatch(/^mfa: unexpected error: text\n/)
  })
})

describe('reportError: the odd things a program can throw', () => {
  test('null and undefined are bugs too, told as such, with or without debugging', () => {
    expect(reportError(null, false)).toBe(EXIT.failure)
    expect(written).toBe('mfa: unexpected error: null\nhint: Run again with MFA_DEBUG=1 for details, and report it.\n')
    written = ''
    expect(reportError(undefined, true)).toBe(EXIT.failure)
    expect(written).toBe('mfa: unexpected error: undefined\n\n')
  })
  test('oclif\'s exit without a code: 0', () => {
    class ExitError extends Error {}
    expect(reportError(new ExitError('exit'), false)).toBe(0)
  })
  test('the cause under debugging ends its line', () => {
    reportError(new MfaError('top', {cause: 'plain cause'}), true)
    expect(written).toBe('mfa: top\nplain cause\n')
  })
})

describe('stderrReporter', () => {
  test('say writes one line to stderr', () => {
    stderrReporter().say('mfa: hello')
    expect(written).toBe('mfa: hello\n')
  })
  test('progress without a terminal: just the work', async () => {
    expect(await stderrReporter().progress!('Working', async () => 42)).toBe(42)
    expect(written).toBe('')
  })
})

describe('printable', () => {
  test('every control character but line break and tab as \\xHH; other text as it is', () => {
    expect(printable('a\tb\nc\x1b[2J\x00\x08\x0b\x1f\x7f\x80\x9f\xa0é')).toBe('a\tb\nc\\x1b[2J\\x00\\x08\\x0b\\x1f\\x7f\\x80\\x9f\xa0é')
  })
})

describe('stdout', () => {
  beforeEach(() => {
    fd1.writes = []
  })
  test('writeHuman: printable text', () => {
    writeHuman('x\x1b]0;title\x07\n')
    expect(fd1.writes).toEqual(['x\\x1b]0;title\\x07\n'])
  })
  test('writeJson: indented, one line break at the end, DEL and C1 escaped', () => {
    writeJson({a: 'x\x7f\x9f\x1b'})
    expect(fd1.writes.join('')).toBe('{\n  "a": "x\\u007f\\u009f\\u001b"\n}\n')
  })
  test('a full pipe (EAGAIN) is tried again; a short write goes on where it stopped', () => {
    const answers = [2, 'EAGAIN', 100]
    const chunks: Buffer[] = []
    fd1.write = (_fd, bytes, off, len) => {
      const a = answers.shift()
      if (typeof a === 'string') throw Object.assign(new Error(a), {code: a})
      chunks.push(Buffer.from(bytes.subarray(off, off + Math.min(len, a!))))
      return Math.min(len, a!)
    }
    writeOut('héllo')
    expect(chunks.map(c => c.length)).toEqual([2, 4])
    expect(Buffer.concat(chunks).toString()).toBe('héllo')
  })
  test('a reader that went away: exit 141; any other failure: exit 1, with the cause', () => {
    const fail = (code: string) => {
      fd1.write = () => {
        throw Object.assign(new Error(`${code}: failed`), {code})
      }
      try {
        writeOut('x')
      } catch (error) {
        return error as MfaError
      }
    }
    const pipe = fail('EPIPE')!
    expect([pipe.message, pipe.exitCode]).toEqual(['the reader of stdout went away before the output was written (broken pipe)', EXIT.brokenPipe])
    const other = fail('EIO')!
    expect([other.message, other.exitCode]).toEqual(['could not write the output: EIO: failed', 1])
    expect((other.cause as Error).message).toBe('EIO: failed')
  })
  test('nothing to write: no write', () => {
    fd1.write = () => {
      throw new Error('written')
    }
    expect(() => writeOut('')).not.toThrow()
  })
})

describe('stdout closed at the start (>&-): Node put /dev/null on fd 1, read and write', () => {
  const devNull = () => ({isCharacterDevice: () => true, rdev: 0x103})
  async function fresh(stat: typeof fd1.stat, fdinfo: string) {
    fd1.stat = stat
    fd1.fdinfo = fdinfo
    fd1.writes = []
    fd1.write = (_fd, bytes, off, len) => (fd1.writes.push(bytes.subarray(off, off + len).toString()), len)
    jest.resetModules()
    return (await import('../../../src/cli/output.js')).writeOut
  }
  const refused = (writeOut: (t: string) => void) => {
    try {
      writeOut('x')
    } catch (error) {
      return error as MfaError
    }
  }
  test('read-write /dev/null: refused, once decided for good', async () => {
    const writeOut = await fresh(devNull, 'pos:\t0\nflags:\t0100002\nmnt_id:\t1\n')
    const e = refused(writeOut)
    expect([e?.message, e?.hint]).toEqual(['stdout is closed: nothing was written', 'Run mfa with its output going somewhere (`>&-` closes it).'])
    fd1.fdinfo = 'flags:\t01\n'
    expect(refused(writeOut)).toBeInstanceOf(MfaError)
    expect(fd1.writes).toEqual([])
  })
  test.each([
    ['write-only /dev/null (a shell\'s >/dev/null)', devNull, 'flags:\t0100001\n'],
    ['read-only', devNull, 'flags:\t0100000\n'],
    ['no flags line', devNull, 'pos:\t0\n'],
    ['another character device', () => ({isCharacterDevice: () => true, rdev: 0x105}), 'flags:\t02\n'],
    ['a file', () => ({isCharacterDevice: () => false, rdev: 0x103}), 'flags:\t02\n'],
  ])('%s: written', async (_, stat, fdinfo) => {
    const writeOut = await fresh(stat, fdinfo)
    writeOut('x')
    expect(fd1.writes).toEqual(['x'])
  })
  test('fstat failing: written', async () => {
    const writeOut = await fresh(() => {
      throw new Error('EBADF')
    }, '')
    writeOut('x')
    expect(fd1.writes).toEqual(['x'])
  })
})
