/**
 * Times as people read them (src/cli/time.ts). Dates are built from local parts, so every
 * expectation holds in any time zone.
 */
import {localTime, rfc3339} from '../../../src/cli/time.js'

describe('localTime', () => {
  const now = new Date(2026, 10, 30, 16, 45)
  test('today: hours and minutes, zero-padded', () => {
    expect(localTime(new Date(2026, 10, 30, 7, 5), now)).toBe('07:05')
  })
  test('another day: the weekday, day and month too', () => {
    expect(localTime(new Date(2026, 11, 1, 2, 24), now)).toBe('Tue 1 Dec 02:24')
  })
  test('the same time of day on another day is not today', () => {
    expect(localTime(new Date(2026, 10, 29, 16, 45), now)).toBe('Sun 29 Nov 16:45')
  })
  test('a year end', () => {
    expect(localTime(new Date(2027, 0, 1, 0, 0), new Date(2026, 11, 31, 23, 59))).toBe('Fri 1 Jan 00:00')
  })
})

describe('rfc3339', () => {
  test('UTC with Z and no milliseconds', () => {
    expect(rfc3339(new Date(Date.UTC(2026, 10, 28, 17, 0, 0, 123)))).toBe('2026-11-28T17:00:00Z')
  })
  test('the same instant as toISOString gives, over every field and the edges of the years written out', () => {
    const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')
    const dates = [Date.UTC(1000, 0, 1), Date.UTC(999, 11, 31, 23, 59, 59), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), 0, -1, Date.UTC(2028, 1, 29, 9, 8, 7)]
    // Every month, day, hour, minute and second, in steps that do not divide them.
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 7_654_321) dates.push(t)
    for (const t of dates) expect(rfc3339(new Date(t))).toBe(iso(new Date(t)))
  })
  test('an invalid date throws, as toISOString does', () => {
    expect(() => rfc3339(new Date(Number.NaN))).toThrow(RangeError)
  })
})
