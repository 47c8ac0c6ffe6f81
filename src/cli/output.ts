/**
 * What every command writes, without loading oclif (the fast path in src/fast.ts uses it too):
 * notices on stderr, stdout, and the error policy: one line and an optional hint on stderr, a
 * non-zero exit, no stack trace unless MFA_DEBUG asks, no secret.
 */
import {writeSync} from 'node:fs'
import {MfaError, EXIT} from './errors.js'
import {redact} from './redact.js'
import {usageHint, usageProblem} from './usage.js'

export interface Reporter {
  /** A notice for the user, on stderr. */
  say(line: string): void
  /** Around a network call: a spinner on a terminal, nothing otherwise. */
  progress?<T>(text: string, work: () => Promise<T>): Promise<T>
}

/** A reporter that writes notices to stderr and shows a spinner there only when it is a terminal. */
export function stderrReporter(): Reporter {
  return {
    say: line => process.stderr.write(line + '\n'),
    async progress(text, work) {
      if (!process.stderr.isTTY || process.env.CI) return work()
      const {ux} = await import('@oclif/core')
      ux.action.start(text, undefined, {stdout: false})
      try {
        const result = await work()
        ux.action.stop('done')
        return result
      } catch (error) {
        ux.action.stop('failed')
        throw error
      }
    },
  }
}

/**
 * Writes what the caller consumes to stdout (fd 1) directly: process.stdout would load Node's
 * stream machinery, a few milliseconds on every `mfa env`. Retries when a pipe is full.
 */
export function writeOut(text: string): void {
  const bytes = Buffer.from(text, 'utf8')
  let off = 0
  while (off < bytes.length) {
    try {
      off += writeSync(1, bytes, off, bytes.length - off)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EAGAIN') continue
      if (code === 'EPIPE') return
      throw error
    }
  }
}

/**
 * Whether an unexpected error shows its stack: MFA_DEBUG, or --debug among mfa's own words (those
 * before `--`; what follows belongs to the command `mfa exec` runs).
 */
export function debugWanted(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const end = argv.indexOf('--')
  return Boolean(env.MFA_DEBUG) || (end === -1 ? argv : argv.slice(0, end)).includes('--debug')
}

/**
 * Prints an error the way every mfa command does and returns the exit code (EXIT). usage, when the
 * command is known, is its right form (src/cli/usage.ts), which the hint of a usage error shows.
 */
export function reportError(error: unknown, debug: boolean, usage?: {id: string; usage: string}): number {
  const err = error as Error & {oclif?: {exit?: number}; code?: string}
  if (err?.constructor?.name === 'ExitError') return err.oclif?.exit ?? 0
  if (error instanceof MfaError) {
    process.stderr.write(`mfa: ${redact(error.message)}\n`)
    if (error.hint) process.stderr.write(`hint: ${redact(error.hint)}\n`)
    if (debug && error.cause) process.stderr.write(redact(String((error.cause as Error).stack ?? error.cause)) + '\n')
    return error.exitCode
  }
  // oclif's own parse errors (unknown flag, missing argument, bad option, flags that exclude each other).
  if (err?.oclif !== undefined) {
    process.stderr.write(`mfa: ${redact(usageProblem(err))}\n`)
    process.stderr.write(`hint: ${redact(usage ? usageHint(usage.usage, usage.id) : 'Run `mfa help` to see every command.')}\n`)
    return EXIT.usage
  }
  process.stderr.write(`mfa: unexpected error: ${redact(err?.message ?? String(error)).split('\n')[0]}\n`)
  if (debug) process.stderr.write(redact(err?.stack ?? '') + '\n')
  else process.stderr.write('hint: Run again with MFA_DEBUG=1 for details, and report it.\n')
  return EXIT.failure
}

