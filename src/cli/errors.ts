/**
 * The one error type users see. Its message is one line that says what happened; the hint, when
 * present, says what to do. Both must never contain a secret. Anything that is not an MfaError is a
 * bug and is reported as such (with a stack trace only under --debug / MFA_DEBUG).
 */
export class MfaError extends Error {
  readonly hint?: string
  readonly exitCode: number

  constructor(message: string, options: {hint?: string; exitCode?: number; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'MfaError'
    this.hint = options.hint
    this.exitCode = options.exitCode ?? 1
  }
}

/** Exit codes shared by every command. */
export const EXIT = {
  failure: 1,
  usage: 2,
  cancelled: 130,
  /** stdout's reader went away (EPIPE), as 128 + SIGPIPE: what a shell reports for a killed writer. */
  brokenPipe: 141,
} as const
