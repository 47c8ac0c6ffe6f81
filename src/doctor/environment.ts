/** `mfa doctor`'s environment lines: AWS_* variables that compete with the session (stale keys, an expiry in the past, AWS_PROFILE elsewhere). */
import {type AwsFiles, profileSettings} from '../aws/files.js'
import {resolveProfile, sessionProfileName} from '../aws/profile.js'
import {quoteForHint} from '../cli/hint.js'
import {maskKeyId} from '../cli/redact.js'
import {localTime} from '../cli/time.js'
import {type CachedSession, cacheDir, readCache} from '../session/cache.js'
import {sessionFileFor} from '../session/ensure.js'
import {MARKER_PROFILE} from '../shells/variables.js'
import type {Finding} from './finding.js'

const check = 'environment'

export interface EnvironmentCheck {
  files?: AwsFiles
  profile: string
  /** The profile's cached session, when there is one. */
  session?: CachedSession
  env: NodeJS.ProcessEnv
  now: number
}

/** What the shell's variables hold, and `mfa use` for the profile, the usual fix. */
interface Shell extends EnvironmentCheck {
  use: string
  key?: string
  inEnv?: string
}

export function checkEnvironment(options: EnvironmentCheck): Finding[] {
  const {profile, env} = options
  const shell: Shell = {...options, use: `mfa use${profile === 'default' ? '' : ` ${quoteForHint([profile])}`}`, key: env.AWS_ACCESS_KEY_ID, inEnv: env[MARKER_PROFILE]}
  const out = [...keyFindings(shell), ...expiryFindings(shell), ...awsProfileFindings(shell)]
  if (out.length === 0) {
    const holds = shell.key ? `this shell holds the session of profile "${shell.inEnv ?? profile}"` : 'no AWS_* variable competes with the session'
    out.push({check, status: 'ok', message: holds})
  }
  return out
}

/** AWS_ACCESS_KEY_ID: the key of the session `mfa use` put there, or a long-term or stale key. */
function keyFindings({files, profile, session, env, use, key, inEnv}: Shell): Finding[] {
  if (!key) return []
  // The session that `mfa use` put there: of MFA_PROFILE, else of the profile checked.
  const expected = inEnv && inEnv !== profile && files ? sessionOf(files, inEnv, env) : session
  if (expected && expected.Credentials.AccessKeyId === key) {
    return inEnv && inEnv !== profile ? [{check, status: 'warning', message: `this shell holds the session of profile "${inEnv}", not of "${profile}"`, fix: `run: ${use}`}] : []
  }
  if (/^AKIA/.test(key)) {
    return [{check, status: 'problem', message: `AWS_ACCESS_KEY_ID holds a long-term key (${maskKeyId(key)}): tools use it, without MFA, instead of the session`, fix: `run: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY, then ${use}`}]
  }
  const whose = inEnv ? `profile "${inEnv}"'s` : `profile "${profile}"'s`
  return [{check, status: 'problem', message: `AWS_ACCESS_KEY_ID (${maskKeyId(key)}) is not the key of ${whose} session: it is left from an older session or another tool`, fix: `run: ${use} (or mfa clear)`}]
}

function sessionOf(files: AwsFiles, profile: string, env: NodeJS.ProcessEnv): CachedSession | undefined {
  try {
    return readCache(sessionFileFor(resolveProfile(files, profile, {env}), cacheDir(env))).session
  } catch {
    return undefined
  }
}

/** The first of AWS_CREDENTIAL_EXPIRATION and AWS_SESSION_EXPIRATION that is set: not a date, or past. */
function expiryFindings({env, now, use}: Shell): Finding[] {
  const name = ['AWS_CREDENTIAL_EXPIRATION', 'AWS_SESSION_EXPIRATION'].find(n => env[n])
  if (!name) return []
  const value = env[name]!
  const at = Date.parse(value)
  if (Number.isNaN(at)) return [{check, status: 'warning', message: `${name}="${value}" is not a date`, fix: `run: ${use} (or mfa clear)`}]
  if (at <= now) return [{check, status: 'problem', message: `${name} says the credentials in this shell expired at ${localTime(new Date(at), new Date(now))}`, fix: `run: ${use} (or mfa clear)`}]
  return []
}

/** AWS_PROFILE beside keys, or naming a profile other than the session profile. */
function awsProfileFindings({files, profile, env, use, key}: Shell): Finding[] {
  const awsProfile = env.AWS_PROFILE
  if (!awsProfile) return []
  if (key) return [{check, status: 'warning', message: `AWS_PROFILE=${awsProfile} is set beside the keys in the environment: tools differ on which wins`, fix: 'run: unset AWS_PROFILE'}]
  const sessionProfile = sessionProfileName(profile)
  const viaProcess = files ? /\bcredential-process\b/.test(profileSettings(files, awsProfile)?.credential_process ?? '') : false
  if (awsProfile === sessionProfile || viaProcess) return []
  return [
    {
      check,
      status: 'warning',
      message: `AWS_PROFILE=${awsProfile}: tools use profile "${awsProfile}" itself, not the session mfa keeps in "${sessionProfile}"`,
      fix: `run: export AWS_PROFILE=${quoteForHint([sessionProfile])}, or ${use}`,
    },
  ]
}
