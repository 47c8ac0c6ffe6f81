/** Names of the environment variables mfa sets, reads and clears. */
export const MARKER_PROFILE = 'MFA_PROFILE'
/** Expiry of the session in the environment, in epoch seconds: the prompt segment subtracts it from the shell's clock. */
export const MARKER_EXPIRY = 'MFA_EXPIRY'

/**
 * Exported by the shell integration (`mfa init SHELL`) with the shell's name, so that `mfa doctor`,
 * a child process, can tell whether the shell it runs in has the integration loaded.
 */
export const MARKER_SHELL = 'MFA_SHELL'

/** Set from the session. */
export const SESSION_VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_SESSION_EXPIRATION',
] as const

export const REGION_VARS = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const

/**
 * The region variables a shell had before `mfa env` first set them, as JSON ({} when neither was
 * set), so that `mfa env --unset` puts them back instead of removing the user's own region.
 */
export const MARKER_REGION_BEFORE = 'MFA_REGION_BEFORE'

/** Removed whenever a session is put in place, so nothing stale competes with it. */
export const COMPETING_VARS = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN'] as const
