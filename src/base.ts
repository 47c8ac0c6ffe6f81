/**
 * What every command shares: the session flags, and the error policy (one line and an optional
 * hint on stderr, a non-zero exit, no stack trace unless --debug or MFA_DEBUG asks, no secret).
 */
import {Command, Errors, Flags} from '@oclif/core'
import {MfaError, EXIT} from './lib/errors.js'
import {parseDuration} from './lib/duration.js'
import {redact} from './lib/redact.js'
import type {EnsureOptions, Reporter} from './lib/session.js'

export const sessionFlags = {
  profile: Flags.string({
    char: 'p',
    summary: 'AWS profile to use.',
    description: 'Default: $AWS_PROFILE, else "default".',
    helpValue: 'NAME',
  }),
  'token-code': Flags.string({
    char: 't',
    summary: 'The 6-digit code your MFA device shows.',
    description: 'Without it, mfa runs the profile\'s mfa_process, or asks on the terminal.',
    helpValue: 'CODE',
  }),
  duration: Flags.string({
    char: 'd',
    summary: 'How long the session lasts: seconds or 15m..36h.',
    description: "Default: the profile's duration_seconds, else 12h (1h for a role).",
    helpValue: '12h',
  }),
  force: Flags.boolean({
    char: 'f',
    summary: 'Get a new session even if the cached one is still valid.',
  }),
  'serial-number': Flags.string({
    summary: "ARN of the MFA device. Default: the profile's mfa_serial.",
    helpValue: 'ARN',
  }),
}

export const debugFlag = {
  debug: Flags.boolean({summary: 'Show details of an unexpected error (secrets redacted).', hidden: true}),
}

export type SessionFlagValues = {
  profile?: string
  'token-code'?: string
  duration?: string
  force?: boolean
  'serial-number'?: string
}

export function defaultProfile(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default'
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

export function ensureOptions(flags: SessionFlagValues, env: NodeJS.ProcessEnv = process.env): EnsureOptions {
  return {
    profile: flags.profile ?? defaultProfile(env),
    tokenCode: flags['token-code'],
    serialNumber: flags['serial-number'],
    durationSeconds: flags.duration === undefined ? undefined : parseDuration(flags.duration, '--duration'),
    force: flags.force,
    env,
    reporter: stderrReporter(),
  }
}

/** Prints an error the way every mfa command does and returns the exit code. */
export function reportError(error: unknown, debug: boolean): number {
  const err = error as Error & {oclif?: {exit?: number}; code?: string}
  if (err instanceof Errors.ExitError) return err.oclif.exit ?? 0
  if (error instanceof MfaError) {
    process.stderr.write(`mfa: ${redact(error.message)}\n`)
    if (error.hint) process.stderr.write(`hint: ${redact(error.hint)}\n`)
    if (debug && error.cause) process.stderr.write(redact(String((error.cause as Error).stack ?? error.cause)) + '\n')
    return error.exitCode
  }
  // oclif's own parse errors (unknown flag, missing argument, bad option).
  if (err instanceof Errors.CLIError) {
    const first = redact(String(err.message).split('\n')[0].replace(/^Error: /, ''))
    process.stderr.write(`mfa: ${first}\n`)
    process.stderr.write(`hint: See \`mfa ${process.argv[2] ?? ''} --help\`.\n`)
    return EXIT.usage
  }
  process.stderr.write(`mfa: unexpected error: ${redact(err?.message ?? String(error)).split('\n')[0]}\n`)
  if (debug) process.stderr.write(redact(err?.stack ?? '') + '\n')
  else process.stderr.write('hint: Run again with MFA_DEBUG=1 for details, and report it.\n')
  return EXIT.failure
}

export abstract class BaseCommand extends Command {
  protected override async catch(error: Error & {exitCode?: number}): Promise<void> {
    const debug = Boolean(process.env.MFA_DEBUG) || this.argv.includes('--debug')
    const code = reportError(error, debug)
    // exit() throws an ExitError, which oclif turns into the exit code without printing.
    this.exit(code)
  }
}
