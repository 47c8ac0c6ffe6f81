/**
 * The cross-process lock (src/aws/lock.ts) at the moments another process could act: between two
 * reads of the lock file, and when the disk fills. node:fs is the real one, with a hook that does
 * what the other process (or the full disk) would do at that exact moment.
 */
import {jest} from '@jest/globals'
import * as fs from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'

/** Called before the lock file is opened for reading: the nth such open (1-based). */
let beforeRead: ((n: number) => void) | undefined
let reads = 0
let fullDisk = false
let lockPath = ''

jest.unstable_mockModule('node:fs', () => {
  const openSync = (path: fs.PathLike, flags: fs.OpenMode = 'r', mode?: fs.Mode) => {
    if (path === lockPath && typeof flags === 'number') beforeRead?.(++reads)
    return fs.openSync(path, flags, mode)
  }
  const writeSync = (fd: number, data: string) => (fullDisk ? 0 : fs.writeSync(fd, data))
  return {...fs, default: {...fs, openSync, writeSync}, openSync, writeSync}
})
const {acquireLock} = await import('../../../src/aws/lock.js')
const {MfaError} = await import('../../../src/cli/errors.js')

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'mfa-lock-races-'))
  lockPath = join(dir, 'device.lock')
  reads = 0
  beforeRead = undefined
  fullDisk = false
})
afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

const holder = (info: object) => JSON.stringify({host: hostname(), token: 'other', at: Date.now(), ...info})
const shortWait = {timeoutMs: 150}
const age = (path: string) => {
  const old = new Date(Date.now() - 3000)
  fs.lutimesSync(path, old, old)
}

/** A pid that no process has: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const {spawn} = await import('node:child_process')
  const child = spawn('true')
  await new Promise(resolve => child.on('exit', resolve))
  return child.pid!
}

describe('a stale lock replaced before it is broken is not removed', () => {
  /** The second read is the breaker's: before it, the stale lock gives way to `fresh`. */
  const replaceAtBreak = (fresh: () => void) => {
    beforeRead = n => {
      if (n === 2) fresh()
    }
  }

  test('a dead holder\'s lock, replaced by a live holder\'s', async () => {
    fs.writeFileSync(lockPath, holder({pid: await deadPid()}))
    const live = holder({pid: process.pid, token: 'fresh'})
    replaceAtBreak(() => fs.writeFileSync(lockPath, live))
    await expect(acquireLock(lockPath, shortWait)).rejects.toThrow(MfaError)
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(live)
  })

  test('an old garbled lock, replaced by a young garbled one (a holder still writing)', async () => {
    fs.writeFileSync(lockPath, '{"pid":')
    age(lockPath)
    replaceAtBreak(() => {
      fs.unlinkSync(lockPath)
      fs.writeFileSync(lockPath, '{"pi')
    })
    await expect(acquireLock(lockPath, shortWait)).rejects.toThrow('(pid unknown)')
    expect(fs.readFileSync(lockPath, 'utf8')).toBe('{"pi')
  })

  test('an old link planted at the lock path, replaced by an empty lock (a holder between create and write)', async () => {
    fs.symlinkSync(join(dir, 'elsewhere'), lockPath)
    age(lockPath)
    replaceAtBreak(() => {
      fs.unlinkSync(lockPath)
      fs.writeFileSync(lockPath, '')
    })
    await expect(acquireLock(lockPath, shortWait)).rejects.toThrow('(pid unknown)')
    expect(fs.lstatSync(lockPath).isFile()).toBe(true)
  })
})

test('a lock released between the failed create and the read: the waiter takes it next time', async () => {
  fs.writeFileSync(lockPath, holder({pid: process.pid}))
  beforeRead = n => {
    if (n === 1) fs.unlinkSync(lockPath)
  }
  const told: Array<number | undefined> = []
  const lock = await acquireLock(lockPath, {...shortWait, onWait: pid => told.push(pid)})
  expect(told).toEqual([undefined])
  expect(JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid).toBe(process.pid)
  lock.release()
})

test('a full disk: the lock is not left behind half-written, and the error says what to do', async () => {
  fullDisk = true
  const error = await acquireLock(lockPath, shortWait).catch((error_: unknown) => error_ as InstanceType<typeof MfaError>)
  expect(error).toBeInstanceOf(MfaError)
  expect((error as InstanceType<typeof MfaError>).message).toMatch(/^could not create the lock .*device\.lock: no space left on the device; nothing was changed$/)
  expect((error as InstanceType<typeof MfaError>).hint).toBe('Free some disk space, then try again.')
  expect(fs.existsSync(lockPath)).toBe(false)
})
