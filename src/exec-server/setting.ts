/**
 * Whether `mfa exec` serves the session from an endpoint (--server) instead of putting it in the
 * command's environment: --server / --no-server, else MFA_EXEC_SERVER, else the profile's
 * mfa_exec_server. This file stays light: exec loads the server itself only when it is wanted.
 */
const TRUE = /^(1|true|yes|on)$/i
const FALSE = /^(0|false|no|off|)$/i

export function wantsServer({flag, env, settings}: {flag: boolean | undefined; env: NodeJS.ProcessEnv; settings: () => Record<string, string | undefined> | undefined}): boolean {
  if (flag !== undefined) return flag
  const fromEnv = env.MFA_EXEC_SERVER
  if (fromEnv !== undefined && (TRUE.test(fromEnv.trim()) || FALSE.test(fromEnv.trim()))) return TRUE.test(fromEnv.trim())
  return TRUE.test(settings()?.mfa_exec_server?.trim() ?? '')
}
