/**
 * One table of prompt-segment cases for every implementation of the segment: src/shells/segment.ts
 * (as `mfa prompt` too) and the scripts in shell/ (mfa.bash, mfa.zsh, mfa.fish, mfa.ps1). Each row
 * is what a prompt sees in its environment, and the text the segment must be.
 */
const YELLOW = '\u001B[33m'
const RED = '\u001B[31m'
const RESET = '\u001B[0m'

export interface SegmentCase {
  name: string
  /** MFA_PROFILE */
  profile: string
  /** MFA_EXPIRY: seconds from now (a half minute more keeps a slow shell on the same minute), or its raw text. */
  expiry: number | string
  /** MFA_PROMPT_FORMAT; '' or none is the default format. */
  format?: string
  /** MFA_PROMPT_COLOR; colour is on unless it is '0'. */
  color?: string
  /** NO_COLOR; colour is off when it is not empty. */
  noColor?: string
  want: string
}

export const SEGMENT_CASES: readonly SegmentCase[] = [
  {name: 'minutes left', profile: 'p', expiry: 42 * 60 + 30, want: 'aws:p 42m'},
  {name: 'hours and minutes left', profile: 'work', expiry: 11 * 3600 + 59 * 60 + 30, want: 'aws:work 11h59m'},
  {name: '10 minutes: no colour yet', profile: 'p', expiry: 10 * 60 + 30, want: 'aws:p 10m'},
  {name: 'under 10 minutes: yellow', profile: 'p', expiry: 5 * 60 + 30, want: `${YELLOW}aws:p 5m${RESET}`},
  {name: 'under a minute: yellow', profile: 'p', expiry: 30, want: `${YELLOW}aws:p <1m${RESET}`},
  {name: 'expired: red', profile: 'p', expiry: -5, want: `${RED}aws:p expired${RESET}`},
  {name: 'MFA_PROMPT_COLOR=0: no colour', profile: 'p', expiry: 5 * 60 + 30, color: '0', want: 'aws:p 5m'},
  {name: 'NO_COLOR: no colour', profile: 'p', expiry: -5, noColor: '1', want: 'aws:p expired'},
  {name: 'a format of its own', profile: 'prod', expiry: 3 * 3600 + 7 * 60 + 30, format: '☁ %p (%t)', want: '☁ prod (3h07m)'},
  {name: '%%, an unknown %x, a lone %; what is put in is not scanned', profile: 'a%tb', expiry: 11 * 3600 + 59 * 60 + 30, format: '%%p %p|%t %x%', want: '%p a%tb|11h59m %x%'},
  {name: 'an empty format is the default', profile: 'p', expiry: 2 * 60 + 30, format: '', want: `${YELLOW}aws:p 2m${RESET}`},
  {name: 'MFA_EXPIRY with letters: nothing', profile: 'p', expiry: '12abc', want: ''},
  {name: 'MFA_EXPIRY negative: nothing', profile: 'p', expiry: '-5', want: ''},
  {name: 'MFA_EXPIRY empty: nothing', profile: 'p', expiry: '', want: ''},
  {name: 'MFA_EXPIRY too long: nothing', profile: 'p', expiry: '1234567890123456789', want: ''},
  // The longest session is GetSessionToken's 36 hours (MAX_SECONDS_LEFT adds 15 minutes of clock skew).
  {name: '36 hours left: shown', profile: 'p', expiry: 36 * 3600 + 30, want: 'aws:p 36h00m'},
  {name: 'more than 36h15m left: nothing', profile: 'p', expiry: 36 * 3600 + 15 * 60 + 30, want: ''},
  {name: 'MFA_EXPIRY thousands of years ahead: nothing', profile: 'p', expiry: '99999999999', want: ''},
  {name: 'MFA_EXPIRY of 15 nines: nothing', profile: 'p', expiry: '999999999999999', want: ''},
  {name: 'MFA_EXPIRY of 20 nines (beyond 64-bit arithmetic): nothing', profile: 'p', expiry: '99999999999999999999', want: ''},
]

/** The variables of a case, with MFA_EXPIRY counted from `now` (epoch seconds). */
export function caseEnv(c: SegmentCase, now: number): Record<string, string> {
  return {
    MFA_PROFILE: c.profile,
    MFA_EXPIRY: typeof c.expiry === 'number' ? String(now + c.expiry) : c.expiry,
    MFA_PROMPT_FORMAT: c.format ?? '',
    MFA_PROMPT_COLOR: c.color ?? '',
    NO_COLOR: c.noColor ?? '',
  }
}
