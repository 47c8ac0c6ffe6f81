/**
 * The session flags every session command shares (--profile, --token-code, --duration, --force,
 * --serial-number), turned into what ensureSession takes.
 */
import {parseDuration} from '../aws/duration.js'
import {stderrReporter} from '../cli/output.js'
import type {EnsureOptions} from '../session/ensure.js'

export type SessionFlagValues = {
  profile?: string
  'token-code'?: string
  duration?: string
  force?: boolean
  'serial-number'?: string
  prompt?: string
}

export function defaultProfile(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default'
}

export function ensureOptions(flags: SessionFlagValues, env: NodeJS.ProcessEnv = process.env): EnsureOptions {
  return {
    profile: flags.profile ?? defaultProfile(env),
    tokenCode: flags['token-code'],
    serialNumber: flags['serial-number'],
    durationSeconds: flags.duration === undefined ? undefined : parseDuration(flags.duration, '--duration'),
    force: flags.force,
    prompt: flags.prompt,
    env,
    reporter: stderrReporter(),
  }
}
