/**
 * The cross-process lock (src/aws/lock.ts), with real lock files and real processes: a live holder
 * is waited for, a dead one (or one whose pid was reused since) is broken, and breaking happens
 * only under the breaker lock.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {acquireLock, withLock} from '../../../src/aws/lock.js'
import {MfaError} from '../../../src/cli/errors.js'

let dir: string
let path: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-lock-'))
  path = join(dir, 'cache', 'device.lock')
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const holder = (info: object) => JSON.stringify({host: hostname(), token: 'other', at: Date.now(), ...info})

/** A pid that no process has: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn('true')
  await new Promise(resolve => child.on('exit', resolve))
  return child.pid!
}
/** A process that runs until stopped. */
function liveProcess(): ChildProcess {
  return spawn('sleep', ['30'], {stdio: 'ignore'})
}
const shortWait = {timeoutMs: 150}

/** The error a promise was rejected with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<MfaError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error as MfaError,
  )
}

describe('acquire and release', () => {
  test('the lock file is made private (0600) in a private directory (0700), holding our pid, host and a token', async () => {
    const lock = await acquireLock(path)
    const info = JSON.parse(readFileSync(path, 'utf8'))
    expect(info).toMatchObject({pid: process.pid, host: hostname()})
    expect(typeof info.token).toBe('string')
    expect(info.token.length).toBeGreaterThan(0)
    expect(Math.abs(info.at - Date.now())).toBeLessThan(60_000)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'cache')).mode & 0o777).toBe(0o700)
    lock.release()
    expect(existsSync(path)).toBe(false)
  })

  test('release removes only our own lock: one that was replaced stays', async () => {
    const lock = await acquireLock(path)
    writeFileSync(path, holder({pid: process.pid, token: 'someone-else'}))
    lock.release()
    expect(existsSync(path)).toBe(true)
  })

  test('release twice is harmless, and the second does not remove a new holder\'s lock', async () => {
    const lock = await acquireLock(path)
    lock.release()
    const next = await acquireLock(path)
    lock.release()
    expect(existsSync(path)).toBe(true)
    next.release()
  })

  test('withLock releases after the work, and after a failure', async () => {
    expect(await withLock(path, async () => 'done')).toBe('done')
    expect(existsSync(path)).toBe(false)
    await expect(withLock(path, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(existsSync(path)).toBe(false)
  })
})

describe('a live holder is waited for', () => {
  test('the waiter hears once who holds it, then gives up with the pid and the purpose', async () => {
    const first = await acquireLock(path)
    const told: Array<number | undefined> = []
    const waiting = acquireLock(path, {...shortWait, purpose: 'that is getting a session', onWait: pid => told.push(pid)})
    await expect(waiting).rejects.toThrow(new MfaError(`gave up waiting for another mfa process (pid ${process.pid}) that is getting a session`))
    await expect(acquireLock(path, shortWait)).rejects.toThrow(/^gave up waiting for another mfa process \(pid \d+\)$/)
    expect(told).toEqual([process.pid])
    first.release()
  })

  test('the hint says what to do', async () => {
    const first = await acquireLock(path)
    const error = await rejection(acquireLock(path, shortWait))
    expect(error.hint).toBe('Finish or stop that process, then try again.')
    first.release()
  })

  test('the waiter gets the lock once the holder releases it', async () => {
    const first = await acquireLock(path)
    const waiting = acquireLock(path, {timeoutMs: 10_000})
    setTimeout(() => first.release(), 50)
    const second = await waiting
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid)
    second.release()
  })

  test('a live process that took the lock after it started holds it', async () => {
    const child = liveProcess()
    try {
      await new Promise(resolve => child.on('spawn', resolve))
      await acquireLock(path)
      writeFileSync(path, holder({pid: child.pid, at: Date.now()}))
      await expect(acquireLock(path, shortWait)).rejects.toThrow(`(pid ${child.pid})`)
    } finally {
      child.kill()
    }
  })

  test('another host\'s lock is trusted for ten minutes', async () => {
    await acquireLock(path)
    writeFileSync(path, holder({pid: 1, host: 'elsewhere', at: Date.now() - 9 * 60_000}))
    await expect(acquireLock(path, shortWait)).rejects.toThrow('(pid 1)')
  })

  test('an unreadable lock file younger than two seconds: its holder may still be writing', async () => {
    await acquireLock(path)
    writeFileSync(path, '')
    await expect(acquireLock(path, shortWait)).rejects.toThrow('(pid unknown)')
  })
})

describe('a stale lock is broken', () => {
  test('its holder died', async () => {
    await acquireLock(path)
    writeFileSync(path, holder({pid: await deadPid()}))
    const lock = await acquireLock(path, shortWait)
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid)
    lock.release()
  })

  test('its pid was reused by a process that started after the lock was taken', async () => {
    const child = liveProcess()
    try {
      await new Promise(resolve => child.on('spawn', resolve))
      await acquireLock(path)
      writeFileSync(path, holder({pid: child.pid, at: Date.now() - 60_000}))
      const lock = await acquireLock(path, shortWait)
      lock.release()
    } finally {
      child.kill()
    }
  })

  test('another host\'s lock older than ten minutes', async () => {
    await acquireLock(path)
    writeFileSync(path, holder({pid: 1, host: 'elsewhere', at: Date.now() - 11 * 60_000}))
    ;(await acquireLock(path, shortWait)).release()
  })

  test('an unreadable lock file older than two seconds', async () => {
    await acquireLock(path)
    writeFileSync(path, '{"pid":')
    const old = new Date(Date.now() - 3000)
    utimesSync(path, old, old)
    ;(await acquireLock(path, shortWait)).release()
  })

  test('a breaker left behind by a dead process is removed, then the stale lock broken', async () => {
    await acquireLock(path)
    const dead = holder({pid: await deadPid()})
    writeFileSync(path, dead)
    writeFileSync(`${path}.break`, dead)
    ;(await acquireLock(path, shortWait)).release()
    expect(existsSync(`${path}.break`)).toBe(false)
  })
  test('a stale lock whose breaker a live process holds: the waiter waits and times out, it does not spin', async () => {
    await acquireLock(path)
    writeFileSync(path, holder({pid: await deadPid()}))
    // This process is alive: its breaker is not stale, so the lock cannot be broken now.
    writeFileSync(`${path}.break`, holder({pid: process.pid}))
    const error = await rejection(acquireLock(path, shortWait))
    expect(error).toBeInstanceOf(MfaError)
    expect(existsSync(path)).toBe(true)
  })
})
