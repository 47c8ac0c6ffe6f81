/**
 * Without --server, a role session cannot outlive its one hour: exec says so when asked for more,
 * and when a command that failed ran past the end of its session.
 */
import {expiresAt} from '../session/cache.js'
import {formatDuration, ROLE_CHAIN_MAX} from '../aws/duration.js'
import type {EnsureOptions, SessionResult} from '../session/ensure.js'

const HINT = 'mfa exec --server renews the role session for the command, with no prompt'

export function suggestServer(result: SessionResult, options: EnsureOptions): {after(exitCode: number): void} | undefined {
  const last = result.resolved.roles.at(-1)
  if (!last) return undefined
  const wanted = options.durationSeconds ?? last.durationSeconds
  if (wanted !== undefined && wanted > ROLE_CHAIN_MAX) {
    options.reporter.say(`mfa: for a command that runs longer than ${formatDuration(ROLE_CHAIN_MAX)}, ${HINT}`)
  }
  return {
    after(exitCode) {
      if (exitCode !== 0 && Date.now() >= expiresAt(result.session)) {
        options.reporter.say(`mfa: the role session ended while the command ran; ${HINT}`)
      }
    },
  }
}
