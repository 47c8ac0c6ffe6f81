/**
 * What mfa should print about a time, worked out here on its own (with Intl, not with mfa's code)
 * from what was stored: a session's expiration and the clock read just before and just after the
 * command ran. A command that runs across a minute or a midnight may print either reading's text,
 * so every helper answers with the texts that are right for any moment in [before, after].
 *
 * The CLI runs in the suite's time zone (TZ, UTC when unset), so the suite can be run under any
 * zone: `TZ=Asia/Kolkata npm run test:time`.
 */
import type {RunResult} from './cli.js'

/** The zone the CLI runs in: the suite's own TZ, UTC when it has none. */
export const TEST_TZ = process.env.TZ || 'UTC'

/** A moment, as a Date, epoch ms, or the RFC 3339 text that STS and the cache hold. */
export type Moment = Date | number | string

const ms = (m: Moment): number => (m instanceof Date ? m.getTime() : typeof m === 'number' ? m : Date.parse(m))

function parts(at: number, timeZone: string): Record<string, string> {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  return Object.fromEntries(format.formatToParts(new Date(at)).map(p => [p.type, p.value]))
}

/** "17:05" when `at` falls on the same local day as `now`, else "Tue 1 Dec 02:24". */
export function clockText(at: Moment, now: Moment, timeZone = TEST_TZ): string {
  const a = parts(ms(at), timeZone)
  const n = parts(ms(now), timeZone)
  const hm = `${a.hour}:${a.minute}`
  const sameDay = a.year === n.year && a.month === n.month && a.day === n.day
  return sameDay ? hm : `${a.weekday} ${a.day} ${a.month} ${hm}`
}

/** "expired", "<1m", "42m", "11h59m": whole minutes, rounded down. */
export function leftText(seconds: number): string {
  if (!(seconds > 0)) return 'expired'
  if (seconds < 60) return '<1m'
  const m = Math.floor(seconds / 60)
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

/** When a command ran: the clock read before it started and after it ended. */
export interface Span {
  before: number
  after: number
}

/** The span of a finished run (RunResult carries its start and end). */
export const spanOf = (r: RunResult): Span => ({before: r.startedAt, after: r.endedAt})

/** Every text `clockText` may give for `at`, seen at any moment of the span. */
export function clockTexts(at: Moment, span: Span, timeZone = TEST_TZ): string[] {
  return [...new Set([clockText(at, span.before, timeZone), clockText(at, span.after, timeZone)])]
}

/**
 * Every time-left text for a session ending at `expiry`, seen at any moment of the span. The
 * prompt segment reads the clock in whole seconds (as a shell's EPOCHSECONDS does), so a session
 * issued this second still shows 12h00m there: `clock: 'seconds'` reads it that way.
 */
export function leftTexts(expiry: Moment, span: Span, clock: 'ms' | 'seconds' = 'ms'): string[] {
  const end = ms(expiry)
  const read = (t: number) => (clock === 'seconds' ? Math.floor(t / 1000) * 1000 : t)
  const texts = new Set<string>()
  // Time left shrinks by whole minutes: step a minute at a time through the span, then its end.
  for (let t = span.before; t < span.after; t += 60_000) texts.add(leftText((end - read(t)) / 1000))
  texts.add(leftText((end - read(span.after)) / 1000))
  return [...texts]
}

/** A regular expression source that matches any one of the texts, literally. */
export function oneOf(texts: string[]): string {
  return `(?:${texts.map(t => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`
}

const LEFT = /\b(?:(\d+)h(\d\d)m|(\d+)m)\b/g

/**
 * Two outputs made a moment apart, with their time-left parts ("11h59m", "42m") taken out and
 * read as minutes: the texts around them must be equal, and each pair of minutes within
 * `toleranceMinutes` (one minute by default: the clock may pass a minute between two runs).
 */
export function sameButTimeLeft(a: string, b: string, toleranceMinutes = 1): {same: boolean; a: string; b: string} {
  const minutes = (text: string) => [...text.matchAll(LEFT)].map(m => (m[3] === undefined ? Number(m[1]) * 60 + Number(m[2]) : Number(m[3])))
  const ma = minutes(a)
  const mb = minutes(b)
  const close = ma.length === mb.length && ma.every((m, i) => Math.abs(m - mb[i]) <= toleranceMinutes)
  const strip = (text: string) => text.replace(LEFT, '<time left>')
  return {same: close && strip(a) === strip(b), a: strip(a), b: strip(b)}
}

/** The first whole minute after `from` that falls on the next local day in `timeZone`: 00:00 or 00:01 there. */
export function nextLocalMidnight(from: Moment, timeZone = TEST_TZ): number {
  const start = Math.floor(ms(from) / 60_000) * 60_000
  const day = (t: number) => {
    const p = parts(t, timeZone)
    return `${p.year} ${p.month} ${p.day}`
  }
  const today = day(start)
  for (let t = start + 60_000; t < start + 48 * 3600_000; t += 60_000) if (day(t) !== today) return t
  throw new Error(`no midnight in ${timeZone} within 48 h of ${new Date(start).toISOString()}`)
}
