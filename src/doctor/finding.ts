/**
 * One line of `mfa doctor`: what a check found and what to do about it; an MfaError becomes one.
 */
import {MfaError} from '../cli/errors.js'

export type Status = 'ok' | 'warning' | 'problem' | 'skipped'

export type CheckName = 'config' | 'credentials' | 'keys' | 'keyring' | 'mfa_serial' | 'mfa_process' | 'prompt_driver' | 'clock' | 'session' | 'environment' | 'shell' | 'exec_server'

export interface Finding {
  check: CheckName
  status: Status
  /** What was found, one line. */
  message: string
  /** What to do about it, when there is something to do. */
  fix?: string
  /** clock: this computer's clock minus STS's, in seconds. */
  skewSeconds?: number
  /** session: when it ends (RFC 3339) and the seconds left. */
  expiration?: string
  secondsLeft?: number
}

/** A check's MfaError as its finding: the message, and the hint as the fix. Other errors are bugs: thrown on. */
export function fromError(check: CheckName, error: unknown): Finding {
  if (error instanceof MfaError) return {check, status: 'problem', message: error.message, fix: error.hint}
  throw error
}
