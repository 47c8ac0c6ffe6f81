import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {applyFormat, DEFAULT_FORMAT, formatTimeLeft, isUsableExpiry, MAX_SECONDS_LEFT, parseExpiry, renderSegment} from '../../../src/shells/segment.js'
import {ROOT} from '../../helpers/cli.js'
import {SEGMENT_CASES} from '../../helpers/segment-cases.js'

const SHELL_DIR = join(ROOT, 'shell')
const YELLOW = '\u001B[33m'
const RED = '\u001B[31m'
const RESET = '\u001B[0m'

describe('formatTimeLeft', () => {
  test.each([
    [-3600, 'expired'],
    [-1, 'expired'],
    [0, 'expired'],
    [NaN, 'expired'],
    [0.5, '<1m'],
    [1, '<1m'],
    [59, '<1m'],
    [60, '1m'],
    [119, '1m'],
    [42 * 60 + 30, '42m'],
    [3599, '59m'],
    [3600, '1h00m'],
    [3600 + 5 * 60 + 59, '1h05m'],
    [11 * 3600 + 59 * 60 + 59, '11h59m'],
    [36 * 3600, '36h00m'],
  ])('%s s → %s', (seconds, text) => {
    expect(formatTimeLeft(seconds)).toBe(text)
  })

  test('property: the shape matches the range, and never rounds up', () => {
    fc.assert(
      fc.property(fc.integer({min: -1e6, max: 1e6}), s => {
        const text = formatTimeLeft(s)
        if (s <= 0) return expect(text).toBe('expired')
        if (s < 60) return expect(text).toBe('<1m')
        const m = /^(?:(\d+)h(\d\d)|(\d+))m$/.exec(text)
        expect(m).not.toBeNull()
        const minutes = m![3] !== undefined ? Number(m![3]) : Number(m![1]) * 60 + Number(m![2])
        expect(minutes).toBe(Math.floor(s / 60))
        if (m![3] !== undefined) expect(minutes).toBeLessThan(60)
        else expect(Number(m![2])).toBeLessThan(60)
      }),
    )
  })
})

describe('renderSegment', () => {
  const now = 1_700_000_000

  test('the default format, aws:%p %t', () => {
    expect(DEFAULT_FORMAT).toBe('aws:%p %t')
    expect(renderSegment({profile: 'p', expiry: now + 42 * 60 + 30, now})).toBe('aws:p 42m')
    expect(renderSegment({profile: 'work', expiry: now + 11 * 3600 + 59 * 60 + 1, now})).toBe('aws:work 11h59m')
    expect(renderSegment({profile: 'p', expiry: now - 1, now})).toBe('aws:p expired')
  })

  test('no colour unless asked', () => {
    expect(renderSegment({profile: 'p', expiry: now + 300, now})).toBe('aws:p 5m')
    expect(renderSegment({profile: 'p', expiry: now + 300, now, color: false})).toBe('aws:p 5m')
  })

  test('colour: none with 10 minutes or more, yellow under 10 minutes, red when expired', () => {
    expect(renderSegment({profile: 'p', expiry: now + 600, now, color: true})).toBe('aws:p 10m')
    expect(renderSegment({profile: 'p', expiry: now + 599, now, color: true})).toBe(`${YELLOW}aws:p 9m${RESET}`)
    expect(renderSegment({profile: 'p', expiry: now + 30, now, color: true})).toBe(`${YELLOW}aws:p <1m${RESET}`)
    expect(renderSegment({profile: 'p', expiry: now, now, color: true})).toBe(`${RED}aws:p expired${RESET}`)
  })

  test('nothing to show: no usable expiry, or a format that gives nothing', () => {
    expect(renderSegment({profile: 'p', expiry: NaN, now})).toBe('')
    expect(renderSegment({profile: 'p', expiry: Infinity, now, color: true})).toBe('')
    expect(renderSegment({profile: '', expiry: now + 60, now, format: '%p', color: true})).toBe('')
  })

  test('an empty format is the default format (as an empty MFA_PROMPT_FORMAT in the shells)', () => {
    expect(renderSegment({profile: 'p', expiry: now + 120, now, format: ''})).toBe('aws:p 2m')
  })

  test('placeholders: %p, %t, %% from left to right; other % stay', () => {
    const r = (format: string, profile = 'prod') => renderSegment({profile, expiry: now + 3 * 3600 + 7 * 60, now, format})
    expect(r('☁ %p (%t)')).toBe('☁ prod (3h07m)')
    expect(r('%%p')).toBe('%p')
    expect(r('%%%p')).toBe('%prod')
    expect(r('100%% %t')).toBe('100% 3h07m')
    expect(r('%x %')).toBe('%x %')
    expect(r('%p', 'has %t and %p and %%')).toBe('has %t and %p and %%')
  })

  test('property: applyFormat equals a left-to-right scanner, and what is put in is never scanned', () => {
    const scan = (format: string, p: string, t: string) => {
      let out = ''
      for (let i = 0; i < format.length; i++) {
        const next = format[i + 1]
        if (format[i] === '%' && (next === 'p' || next === 't' || next === '%')) {
          out += next === 'p' ? p : next === 't' ? t : '%'
          i++
        } else out += format[i]
      }
      return out
    }
    const text = fc.string({unit: fc.constantFrom('%', 'p', 't', 'x', ' ', 'é', '\n')})
    fc.assert(fc.property(text, text, text, (format, p, t) => expect(applyFormat(format, p, t)).toBe(scan(format, p, t))))
  })
})

describe('the table of segment cases that the shell scripts also run (test/helpers/segment-cases.ts)', () => {
  const now = 1_700_000_000
  // MFA_EXPIRY as text is read as `mfa prompt` reads it, with parseExpiry.
  test.each(SEGMENT_CASES.map(c => [c.name, c] as const))('%s', (_, c) => {
    const color = c.color !== '0' && !c.noColor
    const expiry = typeof c.expiry === 'number' ? now + c.expiry : parseExpiry(c.expiry)
    expect(renderSegment({profile: c.profile, expiry, now, format: c.format, color})).toBe(c.want)
  })

  test('the scripts in shell/ use the same longest time left as MAX_SECONDS_LEFT', () => {
    for (const file of ['mfa.bash', 'mfa.zsh', 'mfa.fish', 'mfa.ps1']) {
      expect(readFileSync(join(SHELL_DIR, file), 'utf8')).toContain(String(MAX_SECONDS_LEFT))
    }
  })
})

describe('parseExpiry and isUsableExpiry', () => {
  test.each([
    ['1700000000', 1700000000],
    ['7', 7],
    ['999999999999999', 999999999999999],
    ['1000000000000000', NaN],
    ['', NaN],
    ['17x', NaN],
    ['x17', NaN],
    ['abc', NaN],
    [' 17', NaN],
    [undefined, NaN],
  ])('parseExpiry(%j) is %s', (text, value) => {
    expect(parseExpiry(text)).toBe(value)
  })
  test('usable: finite both, and at most MAX_SECONDS_LEFT ahead (exactly that is still usable)', () => {
    expect(isUsableExpiry(1000 + MAX_SECONDS_LEFT, 1000)).toBe(true)
    expect(isUsableExpiry(1001 + MAX_SECONDS_LEFT, 1000)).toBe(false)
    expect(isUsableExpiry(NaN, 1000)).toBe(false)
    expect(isUsableExpiry(1000, NaN)).toBe(false)
    expect(isUsableExpiry(Infinity, 1000)).toBe(false)
    // Infinite on the other side: the difference alone would call them usable.
    expect(isUsableExpiry(-Infinity, 1000)).toBe(false)
    expect(isUsableExpiry(1000, Infinity)).toBe(false)
    expect(isUsableExpiry(0, 1000)).toBe(true)
  })
})
