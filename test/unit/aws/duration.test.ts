/** Session durations (src/aws/duration.ts): what --duration and duration_seconds accept, and how a duration is shown. */
import {DEFAULT_DURATION, formatDuration, MAX_DURATION, MIN_DURATION, parseDuration, ROLE_CHAIN_MAX} from '../../../src/aws/duration.js'

describe('parseDuration', () => {
  test.each([
    ['43200', 43200],
    ['900s', 900],
    ['15m', 900],
    ['1h', 3600],
    ['1h30m', 5400],
    ['36h', 129_600],
    ['1d', 86_400],
    [' 2H ', 7200],
    ['1h1s', 3601],
  ])('%j is %d s', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds)
  })
  test.each(['', '1x', 'h', '1.5h', '-900', '1h 30m', 'm15'])('%j is not a duration', input => {
    expect(() => parseDuration(input, '--duration')).toThrow(`--duration "${input}" is not a duration`)
  })
  test('the hint shows the forms', () => {
    expect(() => parseDuration('x')).toThrow(expect.objectContaining({hint: 'Give seconds (3600) or a number with a unit: 15m, 1h, 12h, 1h30m.'}))
  })
  test.each(['899', '14m', '129601', '37h'])('%s is out of STS\'s range', input => {
    expect(() => parseDuration(input, 'duration_seconds of profile "w"')).toThrow(`duration_seconds of profile "w" ${input} is out of range: STS allows 15m (900 s) to 36h (129600 s)`)
  })
  test('the edges are in range', () => {
    expect(parseDuration(String(MIN_DURATION))).toBe(900)
    expect(parseDuration(String(MAX_DURATION))).toBe(129_600)
  })
  test('a message names the duration when the caller does not say what it is', () => {
    expect(() => parseDuration('x')).toThrow('duration "x" is not a duration')
  })
  test.each([
    ['x', '--duration', 2],
    ['1s', '--duration', 2],
    ['x', 'duration_seconds of profile "w"', 1],
    ['1s', 'duration_seconds of profile "w"', 1],
    ['x', undefined, 1],
  ])('%j for %s exits %d: a bad flag is a usage error, a bad profile value a failure', (input, what, exitCode) => {
    expect(() => parseDuration(input, what)).toThrow(expect.objectContaining({exitCode}))
  })
  test('the range hint', () => {
    expect(() => parseDuration('1s')).toThrow(expect.objectContaining({hint: 'Choose a duration from 15m to 36h.'}))
  })
  test('defaults: 12 hours for a session, at most 1 hour for a role', () => {
    expect(DEFAULT_DURATION).toBe(43_200)
    expect(ROLE_CHAIN_MAX).toBe(3600)
  })
})

describe('formatDuration', () => {
  test.each([
    [43_200, '12h'],
    [5400, '1h30m'],
    [3900, '1h05m'],
    [900, '15m'],
    [3600, '1h'],
    [59, '59s'],
    [59.9, '59s'],
    [0, '0s'],
  ])('%d s is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text)
  })
})
