/**
 * The cross-process lock (src/aws/lock.ts), with real lock files and real processes: a live holder
 * is waited for, a dead one (or one whose pid was reused since) is broken, and breaking happens
 * only under the breaker lock.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {jest} from '@jest/globals'
import {existsSync, lutimesSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync} from 'node:fs'
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

/** When a process started, in ms since the epoch, read as lock.ts reads it (Linux, 100 clock ticks a second). */
function startedMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19])
  return Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]) * 1000 + ticks * 10
}

// First to judge a live holder in this file: lock.ts reads the boot time once, at the first judgement.
describe('a holder\'s pid is its own for up to 5 s after the lock was taken', () => {
  test('a process that started 5 s after the lock holds it; one that started later reuses the pid', async () => {
    const child = liveProcess()
    try {
      await new Promise(resolve => child.on('spawn', resolve))
      await acquireLock(path)
      const started = startedMs(child.pid!)
      writeFileSync(path, holder({pid: child.pid, at: started - 5000}))
      await expect(acquireLock(path, shortWait)).rejects.toThrow(`(pid ${child.pid})`)
      writeFileSync(path, holder({pid: child.pid, at: started - 5001}))
      ;(await acquireLock(path, shortWait)).release()
    } finally {
      child.kill()
    }
  })
})

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

describe('acquire and release: the edges', () => {
  test('release when the lock file is already gone is harmless', async () => {
    const lock = await acquireLock(path)
    unlinkSync(path)
    expect(() => lock.release()).not.toThrow()
  })

  test('the lock is released when the process exits without releasing it, and the exit hook goes with the release', async () => {
    const lock = await acquireLock(path)
    expect(process.listeners('exit')).toContain(lock.release)
    lock.release()
    expect(process.listeners('exit')).not.toContain(lock.release)
  })

  test('a lock directory removed while waiting is made again, private', async () => {
    const first = await acquireLock(path)
    const waiting = acquireLock(path, {timeoutMs: 10_000})
    setTimeout(() => rmSync(join(dir, 'cache'), {recursive: true, force: true}), 30)
    const second = await waiting
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid)
    expect(statSync(join(dir, 'cache')).mode & 0o777).toBe(0o700)
    second.release()
    first.release()
  })

  test('a lock that cannot be created is a file error, not a wait', async () => {
    const long = join(dir, 'cache', `${'x'.repeat(300)}.lock`)
    const error = await rejection(acquireLock(long, shortWait))
    expect(error).toBeInstanceOf(MfaError)
    expect(error.message).toMatch(/^could not create the lock .*ENAMETOOLONG/)
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
  test('its holder died: broken at once, without telling of a wait', async () => {
    await acquireLock(path)
    writeFileSync(path, holder({pid: await deadPid()}))
    const onWait = jest.fn()
    const lock = await acquireLock(path, {...shortWait, onWait})
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid)
    expect(onWait).not.toHaveBeenCalled()
    lock.release()
  })

  test('a symbolic link planted at the lock path is never followed: an old one is removed, its target left alone', async () => {
    await acquireLock(path)
    unlinkSync(path)
    const target = join(dir, 'target')
    writeFileSync(target, 'keep')
    symlinkSync(target, path)
    await expect(acquireLock(path, shortWait)).rejects.toThrow('(pid unknown)')
    const old = new Date(Date.now() - 3000)
    lutimesSync(path, old, old)
    ;(await acquireLock(path, shortWait)).release()
    expect(readFileSync(target, 'utf8')).toBe('keep')
  })

  test('a lock whose pid is not a number reads as garbled: waited on while young, broken when old', async () => {
    await acquireLock(path)
    // pid 1 runs and started before the lock: were "1" taken as its pid, the lock would never be broken.
    writeFileSync(path, holder({pid: '1'}))
    expect(await rejection(acquireLock(path, shortWait))).toBeInstanceOf(MfaError)
    const old = new Date(Date.now() - 3000)
    utimesSync(path, old, old)
    ;(await acquireLock(path, shortWait)).release()
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

describe('timing, on a fake clock', () => {
  const T = 1_800_000_000_000
  beforeEach(() => jest.useFakeTimers({now: T}))
  afterEach(() => jest.useRealTimers())

  /** A lock being acquired, and whether it has settled yet. */
  function watch(promise: Promise<{release(): void}>) {
    const state: {settled: boolean; error?: unknown} = {settled: false}
    promise.then(
      lock => {
        state.settled = true
        lock.release()
      },
      (error: unknown) => Object.assign(state, {settled: true, error}),
    )
    return state
  }

  test('another host\'s lock is held for exactly ten minutes', async () => {
    await acquireLock(path)
    writeFileSync(path, holder({pid: 1, host: 'elsewhere', at: T - 10 * 60_000 - 1}))
    const onWait = jest.fn()
    ;(await acquireLock(path, {onWait})).release()
    expect(onWait).not.toHaveBeenCalled()
    await acquireLock(path)
    writeFileSync(path, holder({pid: 1, host: 'elsewhere', at: T - 10 * 60_000}))
    const state = watch(acquireLock(path, {onWait}))
    await jest.advanceTimersByTimeAsync(0)
    expect(onWait).toHaveBeenCalledWith(1)
    await jest.advanceTimersByTimeAsync(10)
    expect(state).toEqual({settled: true})
  })

  test('an unreadable lock file is given exactly two seconds', async () => {
    await acquireLock(path)
    writeFileSync(path, '')
    const s = Math.floor(T / 1000) - 2
    utimesSync(path, s, s)
    const onWait = jest.fn()
    const state = watch(acquireLock(path, {onWait}))
    await jest.advanceTimersByTimeAsync(0)
    expect(onWait).toHaveBeenCalledWith(undefined)
    await jest.advanceTimersByTimeAsync(10)
    expect(state).toEqual({settled: true})
  })

  test('the waiter looks again after 10 ms, then backs off, doubling up to 100 ms', async () => {
    const first = await acquireLock(path)
    const state = watch(acquireLock(path))
    // Looks at 0, 10, 30, 70, 150, 250, 350 ms.
    await jest.advanceTimersByTimeAsync(31)
    first.release()
    await jest.advanceTimersByTimeAsync(38)
    expect(state.settled).toBe(false)
    await jest.advanceTimersByTimeAsync(1)
    expect(state).toEqual({settled: true})
    const second = await acquireLock(path)
    const next = watch(acquireLock(path))
    await jest.advanceTimersByTimeAsync(151)
    second.release()
    await jest.advanceTimersByTimeAsync(98)
    expect(next.settled).toBe(false)
    await jest.advanceTimersByTimeAsync(1)
    expect(next).toEqual({settled: true})
  })

  test('the waiter gives up at its first look after the timeout, not at the timeout', async () => {
    await acquireLock(path)
    const state = watch(acquireLock(path, {timeoutMs: 10}))
    await jest.advanceTimersByTimeAsync(10)
    expect(state.settled).toBe(false)
    await jest.advanceTimersByTimeAsync(20)
    expect(state.error).toBeInstanceOf(MfaError)
  })

  test('by default a waiter waits ten minutes (a holder may be waiting for a person to type a code)', async () => {
    await acquireLock(path)
    const state = watch(acquireLock(path))
    await jest.advanceTimersByTimeAsync(0)
    // The clock jumps to 10 ms before the limit: the next look is at the limit, the one after past it.
    jest.setSystemTime(T + 10 * 60_000 - 10)
    await jest.advanceTimersByTimeAsync(10)
    expect(state.settled).toBe(false)
    await jest.advanceTimersByTimeAsync(20)
    expect(state.error).toBeInstanceOf(MfaError)
  })
})
