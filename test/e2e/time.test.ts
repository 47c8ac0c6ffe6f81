/**
 * Times as mfa prints them, on any day and in any zone. The local server issues sessions that end
 * when the test says (in 20 minutes, just after the next local midnight, in three days), and the
 * expected text is worked out from that expiration with Intl (test/helpers/clock.ts). Each zone is
 * a world of its own, so every case runs on every run: these tests do not wait for an afternoon.
 * With libfaketime, mfa also runs on the last minutes of a year and across a DST change.
 */
import {BIN} from '../helpers/cli.js'
import {clockText, clockTexts, leftTexts, nextLocalMidnight, oneOf, spanOf, type Span} from '../helpers/clock.js'
import {describeWith} from '../helpers/tools.js'
import {makeWorld, type World} from '../helpers/world.js'

// Morning, evening, half-hour offsets both ways, and the first and last zones of the day.
const ZONES = ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']

const worlds: World[] = []
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close()
})
async function world(): Promise<World> {
  const w = await makeWorld()
  worlds.push(w)
  return w
}

/** login, then status, in `tz`: both name the end of the session the server issued. */
async function loginAndStatus(w: World, tz: string, run = (args: string[]) => w.mfa(args, {env: w.env({TZ: tz})})) {
  const login = await run(['login', '-t', await w.freshCode()])
  expect(login.code).toBe(0)
  const status = await run(['status', '--offline'])
  expect(status.code).toBe(0)
  return {login, status, expiration: w.expiration()}
}

function expectTimes(r: {login: {stderr: string}; status: {stdout: string}; expiration: string}, tz: string, span: {login: Span; status: Span}) {
  const until = (s: Span) => oneOf(clockTexts(r.expiration, s, tz))
  const left = (s: Span) => oneOf(leftTexts(r.expiration, s))
  expect(r.login.stderr).toMatch(new RegExp(`^mfa: session for \\S+ \\(profile default\\) until ${until(span.login)} \\(${left(span.login)}\\)$`, 'm'))
  expect(r.status.stdout).toMatch(new RegExp(`^session: +valid, ${left(span.status)} left \\(until ${until(span.status)}\\)$`, 'm'))
}

describe.each(ZONES)('in %s', tz => {
  test.each([
    ['in 20 minutes', () => Date.now() + 20 * 60_000],
    ['just after the next local midnight: the day is named', () => nextLocalMidnight(Date.now() + 60_000, tz) + 60_000],
    ['in three days: the day is named', () => Date.now() + 3 * 86_400_000 + 17 * 60_000],
  ])('a session that ends %s', async (_, end) => {
    const w = await world()
    const at = Math.floor(end() / 1000) * 1000
    w.sts.setExpiry({at})
    const r = await loginAndStatus(w, tz)
    expect(Date.parse(r.expiration)).toBe(at)
    expectTimes(r, tz, {login: spanOf(r.login), status: spanOf(r.status)})
    // The label carries a day exactly when the session ends on another local day.
    const sameDay = clockText(at, r.login.startedAt, tz).length === 5
    expect(/until \d\d:\d\d \(/.test(r.login.stderr)).toBe(sameDay)
  })
})

describeWith(['faketime'], 'on a day of its own (libfaketime)', () => {
  // mfa runs at the moment given here; the server's clock is set to the same moment, so the
  // signatures, the codes and the expirations all agree.
  test.each([
    // Each label is a fact of the calendar: 3 h after 01:30 NST on the day clocks go forward is 05:30 NDT.
    ['the year ends while the session runs', 'Asia/Kolkata', '2026-12-31 23:50:00', 20 * 60, 'Fri 1 Jan 00:10'],
    ['a DST change falls inside the session', 'America/St_Johns', '2027-03-14 01:30:00', 3 * 3600, '05:30'],
    ['a leap day', 'UTC', '2028-02-28 23:00:00', 2 * 3600, 'Tue 29 Feb 01:00'],
  ])('%s (%s, from %s)', async (_, tz, start, seconds, label) => {
    const w = await world()
    const localStart = zonedToEpoch(start, tz)
    w.sts.setClockOffset(localStart - Date.now())
    w.sts.setExpiry({at: Math.floor(localStart / 1000) * 1000 + seconds * 1000})
    // Each process starts at `start`: the span of a run is then [localStart, localStart + its wall time].
    const faked = (args: string[]) => w.run('faketime', [start, process.execPath, BIN, ...args], {env: w.env({TZ: tz})})
    const r = await loginAndStatus(w, tz, faked)
    const span = (x: {ms: number}): Span => ({before: localStart, after: localStart + x.ms})
    expectTimes(r, tz, {login: span(r.login), status: span(r.status)})
    expect(r.login.stderr).toContain(`until ${label} (`)
  })
})

/** "2026-12-31 23:50:00" in `tz` as epoch ms (as faketime reads it under TZ=tz). */
function zonedToEpoch(text: string, tz: string): number {
  const asUtc = Date.parse(text.replace(' ', 'T') + 'Z')
  // The zone's offset at that moment, found by formatting the UTC reading in the zone; twice, for a DST edge.
  let guess = asUtc
  for (let i = 0; i < 2; i++) {
    const p = new Intl.DateTimeFormat('en-CA', {timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'}).formatToParts(new Date(guess))
    const v = Object.fromEntries(p.map(x => [x.type, x.value]))
    const shown = Date.UTC(+v.year, +v.month - 1, +v.day, +v.hour, +v.minute, +v.second)
    guess += asUtc - shown
  }
  return guess
}
