/**
 * Cross-process locks as files created with O_EXCL. The holder writes its pid, host and a token.
 * A lock whose holder is dead (same host) is stale and is broken safely: breaking happens under a
 * second, short-lived lock, and only after re-reading that the lock file is still the stale one, so
 * two waiters can never both break it and a fresh lock is never removed.
 */
import {closeSync, lstatSync, openSync, readFileSync, unlinkSync, writeSync} from 'node:fs'
import {dirname} from 'node:path'
import {MfaError} from '../cli/errors.js'
import {os} from '../startup/builtins.js'
import {ensurePrivateDir, fileError, readPrivateFile} from './private-files.js'

interface LockInfo {
  pid: number
  host: string
  token: string
  at: number
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Creates the lock file (O_EXCL: a link planted at the path is never followed) with its holder's
 * info. A lock that cannot be written whole (a full disk) is removed again, so no empty lock is left
 * for the next run to wait on; a directory removed meanwhile is made again.
 */
function tryCreate(path: string, info: LockInfo): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code === 'ENOENT') {
      ensurePrivateDir(dirname(path))
      return tryCreate(path, info)
    }
    throw fileError(error, 'create the lock', path)
  }
  const text = JSON.stringify(info)
  try {
    if (writeSync(fd, text) !== Buffer.byteLength(text)) throw Object.assign(new Error('short write'), {code: 'ENOSPC'})
  } catch (error) {
    closeSync(fd)
    try {
      unlinkSync(path)
    } catch {}
    throw fileError(error, 'create the lock', path)
  }
  closeSync(fd)
  return true
}

function readInfo(path: string): {raw: string; info?: LockInfo} | undefined {
  const read = readPrivateFile(path)
  // A link, FIFO or directory at the lock path is never followed or opened: it reads as garbled, and is broken as such.
  if (read.problem) return {raw: `\0${read.problem}`}
  const raw = read.content
  if (raw === undefined) return undefined
  try {
    return {raw, info: JSON.parse(raw) as LockInfo}
  } catch {
    return {raw}
  }
}

/** Whether the process that took a lock at `since` still runs (and its pid was not reused since). */
function alive(pid: number, since: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const started = processStartMs(pid)
  return started === undefined || started <= since + 5000
}

let bootMs: number | undefined
/** When a process started, from /proc on Linux (clock ticks are 100 a second there); elsewhere unknown. */
function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19])
    bootMs ??= Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]) * 1000
    return Number.isFinite(ticks) ? bootMs + ticks * 10 : undefined
  } catch {
    return undefined
  }
}

/** A file that no live process holds: its holder died, or it is unreadable and old. */
function isStale(path: string, found: {raw: string; info?: LockInfo}, now: number): boolean {
  const {info} = found
  if (info && typeof info.pid === 'number') {
    if (info.host === os().hostname()) return !alive(info.pid, info.at)
    // Another host (a shared home directory): trust the lock for ten minutes.
    return now - info.at > 10 * 60_000
  }
  // Empty or garbled: a holder killed between create and write. Give it a moment to finish writing.
  try {
    return now - lstatSync(path).mtimeMs > 2000
  } catch {
    return false
  }
}

/**
 * Removes a stale lock file, under a breaker lock, if it still holds what was judged stale. True
 * when the lock is gone or changed (try again at once); false when another process holds the
 * breaker (wait, as for a busy lock: trying again at once would spin).
 */
function breakStale(path: string, judged: string): boolean {
  const breaker = `${path}.break`
  const me: LockInfo = {pid: process.pid, host: os().hostname(), token: Math.random().toString(36).slice(2), at: Date.now()}
  if (!tryCreate(breaker, me)) {
    const other = readInfo(breaker)
    // A breaker holds its lock for microseconds; one left behind by a killed process is removed.
    if (other && isStale(breaker, other, Date.now())) {
      try {
        unlinkSync(breaker)
      } catch {}
    }
    return false
  }
  try {
    const now = readInfo(path)
    if (now && now.raw === judged) unlinkSync(path)
    return true
  } catch {
    return true
  } finally {
    try {
      unlinkSync(breaker)
    } catch {}
  }
}

export interface LockOptions {
  /** Called once if the lock is busy, with the holder's pid, before waiting. */
  onWait?: (holderPid: number | undefined) => void
  /** Give up after this long (ms). Default: 10 minutes (a holder may be waiting for a person to type a code). */
  timeoutMs?: number
  /** Why the lock is needed, for the timeout message. */
  purpose?: string
}

export interface Lock {
  release(): void
}

export async function acquireLock(path: string, options: LockOptions = {}): Promise<Lock> {
  const info: LockInfo = {pid: process.pid, host: os().hostname(), token: Math.random().toString(36).slice(2), at: Date.now()}
  const started = Date.now()
  const timeout = options.timeoutMs ?? 10 * 60_000
  let told = false
  let delay = 10
  ensurePrivateDir(dirname(path))
  for (;;) {
    const mine = {...info, at: Date.now()}
    if (tryCreate(path, mine)) {
      const raw = JSON.stringify(mine)
      let released = false
      const release = () => {
        if (released) return
        released = true
        // Remove only our own lock: after a (wrong) break by someone else it may not be ours.
        if (readInfo(path)?.raw === raw) {
          try {
            unlinkSync(path)
          } catch {}
        }
        process.off('exit', release)
      }
      process.on('exit', release)
      return {release}
    }
    const found = readInfo(path)
    if (found && isStale(path, found, Date.now()) && breakStale(path, found.raw)) continue
    if (!told) {
      told = true
      options.onWait?.(found?.info?.pid)
    }
    if (Date.now() - started > timeout) {
      throw new MfaError(`gave up waiting for another mfa process (pid ${found?.info?.pid ?? 'unknown'})${options.purpose ? ` ${options.purpose}` : ''}`, {
        hint: 'Finish or stop that process, then try again.',
      })
    }
    await sleep(delay)
    delay = Math.min(delay * 2, 100)
  }
}

export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(path, options)
  try {
    return await fn()
  } finally {
    lock.release()
  }
}
