/**
 * What every command writes, without loading oclif (the fast path in src/fast.ts uses it too):
 * notices on stderr, stdout, and the error policy: one line and an optional hint on stderr, a
 * non-zero exit, no stack trace unless MFA_DEBUG asks, no secret.
 */
import {fstatSync, readFileSync, writeSync} from 'node:fs'
import {MfaError, EXIT} from './errors.js'
import {redact} from './redact.js'
import {sourceStack} from './source-stack.js'
import {unwrapFlagParse, usageHint, usageProblem} from './usage.js'

export interface Reporter {
  /** A notice for the user, on stderr. */
  say(line: string): void
  /** Around a network call: a spinner on a terminal, nothing otherwise. */
  progress?<T>(text: string, work: () => Promise<T>): Promise<T>
}

/**
 * Text from outside (STS error messages, ARNs, file names, profile names) as a terminal can show it:
 * every control character but the line break and tab is written as \xHH, so an escape sequence
 * prints as text instead of changing the title or clearing the screen. Every human-readable line
 * mfa prints goes through here; what a caller consumes (env, credential-process) does not.
 */
export function printable(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/** A notice line on stderr, made printable. */
export function say(line: string): void {
  stderr.write(printable(line) + '\n')
}

/**
 * stderr, written before write returns, as stdout is (writeOut): the fast path exits as soon as its
 * work is done, and Node's process.stderr is asynchronous on a pipe. A stderr that cannot be written
 * to loses the text: there is nowhere else to say so. (Tests watch what is written here.)
 */
export const stderr = {
  write(text: string): void {
    try {
      writeAll(2, text)
    } catch {}
  },
}

/** Writes every byte of text to a file descriptor, waiting out a non-blocking one that is full. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8')
  let off = 0
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
    }
  }
}

/** Human-readable output on stdout (status, devices, doctor), made printable. */
export function writeHuman(text: string): void {
  writeOut(printable(text))
}

/** JSON on stdout: JSON escapes C0 controls itself; DEL and the C1 controls are escaped here too. */
export function writeJson(value: unknown): void {
  writeOut(JSON.stringify(value, null, 2).replace(/[\x7f-\x9f]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n')
}

/** A reporter that writes notices to stderr and shows a spinner there only when it is a terminal. */
export function stderrReporter(): Reporter {
  return {
    say,
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
 * stream machinery, a few milliseconds on every `mfa env`. Retries when a pipe is full. Output that
 * does not arrive is an error: the caller would otherwise go on without it (exit 141 for a reader
 * that went away, as for a writer killed by SIGPIPE; 1 otherwise).
 */
export function writeOut(text: string): void {
  if (stdoutWasClosed()) throw new MfaError('stdout is closed: nothing was written', {hint: 'Run mfa with its output going somewhere (`>&-` closes it).'})
  try {
    writeAll(1, text)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') throw new MfaError('the reader of stdout went away before the output was written (broken pipe)', {exitCode: EXIT.brokenPipe})
    throw new MfaError(`could not write the output: ${(error as Error).message}`, {cause: error})
  }
}

let closedChecked: boolean | undefined
/**
 * Whether mfa was started with stdout closed (`>&-`). Node then opens /dev/null on fd 1 itself, read
 * and write (a shell's `>/dev/null` is write-only), so every write would succeed into nothing. Linux
 * only, where /proc tells an open's flags; elsewhere false.
 */
function stdoutWasClosed(): boolean {
  if (closedChecked !== undefined) return closedChecked
  closedChecked = false
  try {
    const stat = fstatSync(1)
    // /dev/null is character device 1:3 on Linux.
    if (process.platform === 'linux' && stat.isCharacterDevice() && stat.rdev === 0x103) {
      const flags = Number.parseInt(/^flags:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))?.[1] ?? '1', 8)
      closedChecked = (flags & 3) === 2
    }
  } catch {}
  return closedChecked
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
    say(`mfa: ${redact(unwrapFlagParse(error.message))}`)
    if (error.hint) say(`hint: ${redact(error.hint)}`)
    if (debug && error.cause) stderr.write(redact(sourceStack(String((error.cause as Error).stack ?? error.cause))) + '\n')
    return error.exitCode
  }
  // oclif's own parse errors (unknown flag, missing argument, bad option, flags that exclude each other).
  if (err?.oclif !== undefined) {
    say(`mfa: ${redact(usageProblem(err))}`)
    say(`hint: ${redact(usage ? usageHint(usage.usage, usage.id) : 'Run `mfa help` to see every command.')}`)
    return EXIT.usage
  }
  say(`mfa: unexpected error: ${redact(err?.message ?? String(error)).split('\n')[0]}`)
  if (debug) stderr.write(redact(sourceStack(err?.stack ?? '')) + '\n')
  else stderr.write('hint: Run again with MFA_DEBUG=1 for details, and report it.\n')
  return EXIT.failure
}

