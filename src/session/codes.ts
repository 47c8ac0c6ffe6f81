/**
 * The one-time code itself: its form, the record of the last code sent per device (a code works
 * once), what a request for a code carries, and the answer when no one can be asked. Below both
 * token.ts (where a code comes from) and the prompt drivers (who asks for it).
 */
import {unlinkSync} from 'node:fs'
import {join} from 'node:path'
import {MfaError, EXIT} from '../cli/errors.js'
import {readPrivateFile, writeFileAtomic} from '../aws/private-files.js'
import {hashKey} from './cache.js'
import {quoteForHint} from '../cli/hint.js'

export const CODE = /^\d{6}$/

export function checkCode(code: string, from: string): string {
  const value = code.trim()
  if (!CODE.test(value)) {
    throw new MfaError(`${from} must be the 6 digits your MFA device shows${value ? '' : ', and it is empty'}`, {
      hint: 'Give all six digits, leading zeros included.',
      exitCode: EXIT.usage,
    })
  }
  return value
}

/** The record of the last code sent for a device: a code works once, and STS refuses it again. */
interface UsedCode {
  code: string
  at: number
}

/** A TOTP code stays valid for at most its own 30 s window and one more on each side. */
const CODE_LIFETIME_MS = 90_000

function usedFile(cacheDir: string, serial: string): string {
  return join(cacheDir, `used-${hashKey('used', serial)}.json`)
}

export function wasUsed(cacheDir: string, serial: string, code: string, now = Date.now()): boolean {
  try {
    const used = JSON.parse(readPrivateFile(usedFile(cacheDir, serial)).content ?? 'null') as UsedCode | null
    return used?.code === code && typeof used.at === 'number' && now - used.at < CODE_LIFETIME_MS
  } catch {
    return false
  }
}

/** Remembers a code as sent. Called under the device lock, before the code goes to STS. */
export function markUsed(cacheDir: string, serial: string, code: string): void {
  try {
    writeFileAtomic(usedFile(cacheDir, serial), JSON.stringify({code, at: Date.now()}) + '\n', {followLinks: false})
  } catch {
    // The record only saves a wasted round trip; a failure to keep it must not fail the login.
  }
}

/** Forgets a code marked as sent whose request never left this machine (connection refused, no DNS): it is not spent. */
export function forgetUsed(cacheDir: string, serial: string, code: string): void {
  if (!wasUsed(cacheDir, serial, code)) return
  try {
    unlinkSync(usedFile(cacheDir, serial))
  } catch {}
}

export interface CodeRequest {
  profile: string
  serial: string
  tokenCode?: string
  mfaProcess?: string
  /** --prompt, MFA_PROMPT_DRIVER or mfa_prompt_driver: a prompt driver's name or a command. */
  prompt?: string
  ykmanAccount?: string
  /** false: the terminal is not mfa's to ask on (the exec server). */
  terminal?: boolean
  /** false: no prompt driver asks (the exec server, just after a person cancelled its dialog). */
  ask?: boolean
  /** The profile the session is for (a role's profile), for `mfa login -p` in messages. */
  requestedProfile?: string
  env?: NodeJS.ProcessEnv
  cacheDir: string
  /** Progress and notices for the user (stderr). */
  say: (line: string) => void
  /** The clock and the wait for the next code window; tests pass their own. */
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  /** How long mfa_process may take to print its code; 2 minutes unless a test says otherwise. */
  mfaProcessLimitMs?: number
}

/** The exec server's answer when the MFA session has ended and no one can be asked for a code. */
export function noWayToAsk(req: Pick<CodeRequest, 'serial' | 'profile' | 'requestedProfile'>): MfaError {
  const profile = req.requestedProfile ?? req.profile
  const flag = profile === 'default' ? '' : ` -p ${quoteForHint([profile])}`
  return new MfaError(`the MFA session for ${req.serial} has ended and a new code is needed; run \`mfa login${flag}\` in another terminal`, {
    hint: 'The next request for credentials picks up the new session. To be asked in a dialog instead, set mfa_prompt_driver in the profile.',
  })
}
