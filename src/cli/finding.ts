/**
 * One line of `mfa doctor`: what a check found and what to do about it. The checks live in
 * src/doctor and in the rooms whose setup they check (keys, prompt drivers, the exec server).
 */
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
