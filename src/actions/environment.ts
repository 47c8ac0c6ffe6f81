/**
 * The variables a session puts into a shell (`mfa env`) or a child (`mfa exec`): one function
 * builds both, so the two can never disagree.
 */
import type {EnvChanges} from '../shells/types.js'
import type {CachedSession} from '../session/cache.js'
import {rfc3339} from '../cli/time.js'
import {COMPETING_VARS, MARKER_EXPIRY, MARKER_PROFILE, REGION_VARS, SESSION_VARS} from '../shells/variables.js'

export function sessionChanges(session: CachedSession, profile: string, region: string | undefined): EnvChanges {
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
  return [
    ...COMPETING_VARS.map(name => [name, null] as const),
    ...SESSION_VARS.map(name => [name, values[name]] as const),
    ...(region ? REGION_VARS.map(name => [name, region] as const) : []),
    [MARKER_PROFILE, profile],
    [MARKER_EXPIRY, String(Math.floor(expiry.getTime() / 1000))],
  ]
}

/** What `mfa env --unset` removes: everything sessionChanges can set. */
export function unsetChanges(): EnvChanges {
  return [...SESSION_VARS, ...REGION_VARS, MARKER_PROFILE, MARKER_EXPIRY].map(name => [name, null] as const)
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
