/**
 * The session flags every session command shares (--profile, --token-code, --duration, --force,
 * --serial-number), turned into what ensureSession takes.
 */
import {parseDuration} from '../aws/duration.js'
import {type AwsFiles, expectProfiles, loadAwsFiles} from '../aws/files.js'
import {sessionProfileName} from '../aws/profile.js'
import {type Reporter, stderrReporter} from '../cli/output.js'
import {keepName} from '../cli/redact.js'
import type {EnsureOptions} from '../session/ensure.js'
import {sourceOfSessionProfile} from '../session/session-profile.js'

export type SessionFlagValues = {
  profile?: string
  'token-code'?: string
  duration?: string
  force?: boolean
  'serial-number'?: string
  prompt?: string
}

export function defaultProfile(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default'
  keepName(name)
  return name
}

/**
 * The profile a session command works on: --profile, else the one the environment names. A
 * session profile mfa wrote (AWS_PROFILE=mfa, set to use the session with other tools) holds no
 * long-term keys: the profile it was made from (its mfa_source_profile) stands for it, and the
 * user is told so.
 */
export function profileToUse({flags, env, reporter, files}: {flags: {profile?: string}; env: NodeJS.ProcessEnv; reporter: Reporter; files?: AwsFiles}): string {
  if (flags.profile !== undefined) return flags.profile
  const named = defaultProfile(env)
  let source: string | undefined
  try {
    source = sourceOfSessionProfile(files ?? loadAwsFiles(env), named)
  } catch {
    // Unreadable files: the command reports them with its own words when it reads them.
  }
  if (!source || source === named) return named
  reporter.say(`mfa: using ${source}, the profile ${named} was made from`)
  return source
}

/** The AWS files, read once for a command; undefined when they cannot be read (the command reports why when it reads them). */
export function readableAwsFiles(env: NodeJS.ProcessEnv): AwsFiles | undefined {
  try {
    return loadAwsFiles(env)
  } catch {
    return undefined
  }
}

/** sessionProfile: what the command does with the session profile (EnsureOptions), and so whether it reads that profile too. */
export function ensureOptions(flags: SessionFlagValues, env: NodeJS.ProcessEnv = process.env, sessionProfile: EnsureOptions['sessionProfile'] = 'required'): EnsureOptions {
  const reporter = stderrReporter()
  const files = readableAwsFiles(env)
  if (files) {
    const named = flags.profile ?? defaultProfile(env)
    expectProfiles(files, sessionProfile === 'none' ? [named] : [named, sessionProfileName(named)])
  }
  return {
    profile: profileToUse({flags, env, reporter, files}),
    files,
    tokenCode: flags['token-code'],
    serialNumber: flags['serial-number'],
    durationSeconds: flags.duration === undefined ? undefined : parseDuration(flags.duration, '--duration'),
    force: flags.force,
    prompt: flags.prompt,
    env,
    reporter,
    sessionProfile,
  }
}
