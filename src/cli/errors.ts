/**
 * The one error type users see. Its message is one line that says what happened; the hint, when
 * present, says what to do. Both must never contain a secret. Anything that is not an MfaError is a
 * bug and is reported as such (with a stack trace only under --debug / MFA_DEBUG).
 */
const BRAND = Symbol.for('mfa.MfaError')

export class MfaError extends Error {
  /**
   * dist/fast.cjs bundles its own copy of this class, and oclif's commands and hooks load
   * dist/cli/errors.js: `instanceof` asks for the brand, which both copies set, not the identity.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
  }

  readonly [BRAND] = true
  readonly hint?: string
  readonly exitCode: number

  constructor(message: string, options: {hint?: string; exitCode?: number; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'MfaError'
    this.hint = options.hint
    this.exitCode = options.exitCode ?? 1
  }
}

/**
 * The exit codes of every command, one rule: 0 success; 2 a usage error (the command line cannot
 * run as typed: unknown command, flag or argument, a bad flag value; src/cli/usage.ts); 1 any other
 * failure; 130 cancelled (Ctrl-C at a prompt). `mfa exec` exits with its command's code instead.
 */
export const EXIT = {
  failure: 1,
  usage: 2,
  cancelled: 130,
  /** stdout's reader went away (EPIPE), as 128 + SIGPIPE: what a shell reports for a killed writer. */
  brokenPipe: 141,
} as const
