/**
 * The prompt segment, "aws:default 42m". The shell scripts in shell/ compute the same text on
 * their own (without starting a process); the e2e tests compare the two, so change both together.
 */

export const DEFAULT_FORMAT = 'aws:%p %t'

/** Below this many seconds left, the segment is yellow. */
export const WARN_SECONDS = 600

/**
 * The longest an MFA session can last: GetSessionToken's 36 hours (role sessions are shorter), plus
 * 15 minutes for a clock behind the one that issued it. An expiry further ahead is no session mfa
 * made (a typo, or a number meant to break the arithmetic): the segment shows nothing for it, as
 * for any unusable MFA_EXPIRY. The shell scripts use the same number (130500).
 */
export const MAX_SECONDS_LEFT = 36 * 3600 + 15 * 60

/**
 * MFA_EXPIRY as the shell scripts read it: 1 to 15 digits (more would overflow a shell's
 * arithmetic), else NaN.
 */
export function parseExpiry(text: string | undefined): number {
  return text !== undefined && /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN
}

/** Whether a session ending at `expiry` can be shown at `now` (both epoch seconds); expired ones can. */
export function isUsableExpiry(expiry: number, now: number): boolean {
  return Number.isFinite(expiry) && Number.isFinite(now) && expiry - now <= MAX_SECONDS_LEFT
}

export const ANSI = {yellow: '\u001B[33m', red: '\u001B[31m', reset: '\u001B[0m'} as const

/** `expired` at 0 or below, `<1m`, `42m`, `1h05m`, `11h59m` (whole minutes, rounded down). */
export function formatTimeLeft(seconds: number): string {
  if (!(seconds > 0)) return 'expired'
  if (seconds < 60) return '<1m'
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m`
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
}

/**
 * Replaces %p (profile), %t (time left) and %% (a percent sign), scanning left to right so that
 * what is put in is never scanned again; any other % stays as it is.
 */
export function applyFormat(format: string, profile: string, timeLeft: string): string {
  return format.replace(/%([pt%])/g, (_, c: string) => (c === 'p' ? profile : c === 't' ? timeLeft : '%'))
}

/**
 * The segment for a session of `profile` that ends at `expiry` (epoch seconds), seen at `now`.
 * An empty format is the default (as an empty MFA_PROMPT_FORMAT in the shells). With color,
 * yellow when less than 10 minutes are left and red when expired. '' when there is
 * nothing to show: no usable expiry (none, or more than MAX_SECONDS_LEFT ahead), or a format that
 * renders to nothing.
 */
export function renderSegment(opts: {profile: string; expiry: number; now: number; format?: string; color?: boolean}): string {
  if (!isUsableExpiry(opts.expiry, opts.now)) return ''
  const left = opts.expiry - opts.now
  const text = applyFormat(opts.format || DEFAULT_FORMAT, opts.profile, formatTimeLeft(left))
  if (!text || !opts.color) return text
  if (left <= 0) return ANSI.red + text + ANSI.reset
  if (left < WARN_SECONDS) return ANSI.yellow + text + ANSI.reset
  return text
}
