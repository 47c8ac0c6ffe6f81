/**
 * The variables a session puts into a shell (`mfa env`) or a child (`mfa exec`): one function
 * builds both, so the two can never disagree.
 */
import type {EnvChanges} from '../shells/types.js'
import type {CachedSession} from './cache.js'
import {rfc3339} from '../cli/time.js'
import {COMPETING_VARS, MARKER_EXPIRY, MARKER_PROFILE, MARKER_REGION_BEFORE, REGION_VARS, SESSION_VARS} from '../shells/variables.js'

/** The session's variables for a shell or a child whose environment is now `parent`. */
export function sessionChanges(session: CachedSession, profile: string, region: string | undefined, parent: NodeJS.ProcessEnv): EnvChanges {
  const c = session.Credentials
  const expiry = new Date(c.Expiration)
  const utc = rfc3339(expiry)
  const values: Record<(typeof SESSION_VARS)[number], string> = {
    AWS_ACCESS_KEY_ID: c.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
    AWS_SESSION_TOKEN: c.SessionToken,
    AWS_CREDENTIAL_EXPIRATION: utc,
    AWS_SESSION_EXPIRATION: utc,
  }
  const changes: EnvChanges = [
    ...COMPETING_VARS.map(name => [name, null] as const),
    ...SESSION_VARS.map(name => [name, values[name]] as const),
    ...(region ? REGION_VARS.map(name => [name, region] as const) : []),
    [MARKER_PROFILE, profile],
    [MARKER_EXPIRY, String(Math.floor(expiry.getTime() / 1000))],
  ]
  return rememberRegion(changes, parent)
}

/**
 * The changes also remember the region variables the shell (or the child) had before mfa first set
 * them; a later `mfa env` keeps the first memory, since the shell then holds mfa's region.
 */
function rememberRegion(changes: EnvChanges, env: NodeJS.ProcessEnv): EnvChanges {
  const setsRegion = changes.some(([name, value]) => value !== null && (REGION_VARS as readonly string[]).includes(name))
  if (!setsRegion || env[MARKER_REGION_BEFORE] !== undefined) return changes
  const before = Object.fromEntries(REGION_VARS.filter(name => env[name] !== undefined).map(name => [name, env[name]]))
  return [...changes, [MARKER_REGION_BEFORE, JSON.stringify(before)]]
}

/**
 * What `mfa env --unset` changes: the session's variables go; the region variables go back to what
 * they were before mfa set them, and stay as they are when mfa did not set them.
 */
export function unsetChanges(env: NodeJS.ProcessEnv): EnvChanges {
  const gone = [...SESSION_VARS, MARKER_PROFILE, MARKER_EXPIRY].map(name => [name, null] as const)
  const before = regionBefore(env[MARKER_REGION_BEFORE])
  if (!before) return gone
  return [...gone, ...REGION_VARS.map(name => [name, before[name] ?? null] as const), [MARKER_REGION_BEFORE, null]]
}

/** The remembered region variables; undefined when there is no memory or it is not one mfa wrote. */
function regionBefore(text: string | undefined): Partial<Record<string, string>> | undefined {
  if (text === undefined) return undefined
  try {
    const value = JSON.parse(text) as unknown
    const valid = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(v => typeof v === 'string')
    return valid ? (value as Record<string, string>) : undefined
  } catch {
    return undefined
  }
}

/** A child's environment: the parent's, with the changes applied. */
export function applyChanges(parent: NodeJS.ProcessEnv, changes: EnvChanges): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...parent}
  for (const [name, value] of changes) {
    if (value === null) delete env[name]
    else env[name] = value
  }
  return env
}
