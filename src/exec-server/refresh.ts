/**
 * When the exec server replaces a session, and how: one session in memory, served to every request
 * until it is near its end, then replaced through ensureSession (the cache and its locks), with no
 * question on the terminal, by one refresh at a time however many requests arrive.
 */
import {type CachedSession, expiresAt} from '../session/cache.js'
import {EXIT, MfaError} from '../cli/errors.js'
import type {EnsureOptions, SessionResult} from '../session/ensure.js'

/** A session of an hour or more is replaced when this much is left. */
export const REFRESH_BEFORE_MS = 15 * 60_000
/**
 * How long a request waits for a refresh before it gets the old session, while that is still valid:
 * well within the shortest client timeout, the JavaScript SDK's 1 s (botocore's is 2 s).
 */
const WAIT_FOR_REFRESH_MS = 500
/** The old session is served while a refresh runs only when it has more than this left. */
const STILL_VALID_MS = 5_000
/**
 * After a person cancels the dialog for a code, no dialog comes back for this long: an SDK retries a
 * failed request (botocore 3 times), and each retry must not open a new dialog.
 */
export const QUIET_AFTER_CANCEL_MS = 60_000

/** The whole lifetime of a session, as issued. */
export function lifetimeMs(session: CachedSession): number {
  return expiresAt(session) - Date.parse(session.IssuedAt)
}

/**
 * How long before its end a session is replaced: 15 minutes, or a quarter of its lifetime for a
 * session shorter than an hour (short test sessions then behave as real ones do).
 */
export function refreshMarginMs(lifetime: number): number {
  return lifetime < 3600_000 ? Math.max(0, lifetime) / 4 : REFRESH_BEFORE_MS
}

/** True when a session is near enough its end to be replaced. */
export function nearEnd(session: CachedSession, now = Date.now()): boolean {
  return expiresAt(session) - now <= refreshMarginMs(lifetimeMs(session))
}

export interface Keeper {
  /** The session to serve now: the current one, or a new one when it is near its end. */
  get(): Promise<CachedSession>
  /** True while a renewal runs (it may be waiting for a person at a dialog). */
  busy(): boolean
}

/**
 * Keeps a profile's session fresh. `ensure` is ensureSession with the options of the first call,
 * minus what must not repeat (a --token-code is used up, --force was done).
 */
export function sessionKeeper(
  first: CachedSession,
  ensure: (options: EnsureOptions) => Promise<SessionResult>,
  options: EnsureOptions,
  onError: (error: unknown) => void,
): Keeper {
  let current = first
  let refreshing: Promise<CachedSession> | undefined
  let quietUntil = 0
  const refreshOptions: EnsureOptions = {
    ...options,
    tokenCode: undefined,
    force: false,
    terminal: false,
    // The AWS files as they are at each renewal.
    files: undefined,
    // Another mfa process (another exec server, a login) may have replaced it already: that one is taken.
    reuse: session => !nearEnd(session),
  }
  const refresh = () =>
    (refreshing ??= ensure(Date.now() < quietUntil ? {...refreshOptions, ask: false} : refreshOptions)
      .then(result => (current = result.session))
      .catch(error => {
        if (error instanceof MfaError && error.exitCode === EXIT.cancelled) quietUntil = Date.now() + QUIET_AFTER_CANCEL_MS
        onError(error)
        throw error
      })
      .finally(() => (refreshing = undefined)))

  return {
    busy: () => refreshing !== undefined,
    async get() {
      if (!nearEnd(current)) return current
      const old = current
      const next = refresh()
      if (expiresAt(old) - Date.now() <= STILL_VALID_MS) return next
      // A refresh that needs a person (a dialog for a code), or waits for another process's, must not
      // hold the SDK's request past its timeout: the old session, still valid, is served meanwhile.
      let timer: NodeJS.Timeout | undefined
      const wait = new Promise<CachedSession>(resolve => (timer = setTimeout(() => resolve(old), WAIT_FOR_REFRESH_MS)))
      try {
        return await Promise.race([next.catch(() => old), wait])
      } finally {
        clearTimeout(timer)
      }
    },
  }
}
