import {EXIT, MfaError} from '../cli/errors.js'

export const MIN_DURATION = 900
export const MAX_DURATION = 129_600
export const DEFAULT_DURATION = 12 * 3600
/** STS caps a role assumed with session credentials at one hour. */
export const ROLE_CHAIN_MAX = 3600

const UNIT: Record<string, number> = {s: 1, m: 60, h: 3600, d: 86_400}

/**
 * Parses "43200", "900s", "15m", "1h", "1h30m", "36h" into seconds and checks the range that
 * GetSessionToken allows (900 s to 36 h).
 */
export function parseDuration(input: string, what = 'duration'): number {
  const text = input.trim().toLowerCase()
  let seconds: number | undefined
  if (/^\d+$/.test(text)) seconds = Number(text)
  else if (/^(\d+[smhd])+$/.test(text)) {
    seconds = 0
    for (const [, n, unit] of text.matchAll(/(\d+)([smhd])/g)) seconds += Number(n) * UNIT[unit]
  }
  const exitCode = exitFor(what)
  if (seconds === undefined) {
    throw new MfaError(`${what} "${input}" is not a duration`, {hint: 'Give seconds (3600) or a number with a unit: 15m, 1h, 12h, 1h30m.', exitCode})
  }
  if (seconds < MIN_DURATION || seconds > MAX_DURATION) {
    throw new MfaError(`${what} ${input} is out of range: STS allows 15m (900 s) to 36h (129600 s)`, {
      hint: 'Choose a duration from 15m to 36h.',
      exitCode,
    })
  }
  return seconds
}

/**
 * A flag given wrong is a usage error (exit 2), like a code that is not six digits; a bad
 * duration_seconds in a profile is a failure to fix there (1).
 */
function exitFor(what: string): number {
  return what.startsWith('-') ? EXIT.usage : EXIT.failure
}

/** 43200 → "12h", 5400 → "1h30m", 900 → "15m". */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  if (h && m) return `${h}h${String(m).padStart(2, '0')}m`
  if (h) return `${h}h`
  if (m) return `${m}m`
  return `${Math.max(0, Math.floor(seconds))}s`
}
