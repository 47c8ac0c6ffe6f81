import {writeOut} from '../cli/output.js'
import {ensureOptions, type SessionFlagValues} from './session-options.js'
import {MfaError} from '../cli/errors.js'
import {sessionChanges, unsetChanges} from '../session/environment.js'
import {ensureSession} from '../session/ensure.js'
import {localTime} from '../cli/time.js'
import {detectShell, getShell, SHELL_NAMES} from '../shells/index.js'
import type {Shell} from '../shells/types.js'

export type EnvFlags = SessionFlagValues & {shell?: string; unset?: boolean}

export function shellFor(name: string | undefined, env: NodeJS.ProcessEnv = process.env): Shell {
  if (name) return getShell(name)
  const detected = detectShell({ppid: process.ppid, env})
  if (!detected) {
    throw new MfaError(`cannot tell which shell this is`, {hint: `Name it with --shell: ${SHELL_NAMES.join(', ')}.`})
  }
  return getShell(detected)
}

/** `mfa env`: only statements for the shell on stdout; questions and notices go to the terminal or stderr. */
export async function envAction(flags: EnvFlags): Promise<void> {
  const shell = shellFor(flags.shell)
  if (flags.unset) {
    writeOut(shell.render(unsetChanges(process.env)))
    return
  }
  const options = ensureOptions(flags, process.env, 'service')
  const result = await ensureSession(options)
  if (result.fresh) {
    options.reporter.say(`mfa: new session for profile ${result.resolved.name} until ${localTime(new Date(result.session.Credentials.Expiration))}`)
  }
  writeOut(shell.render(sessionChanges(result.session, result.resolved.name, result.resolved.region, process.env)))
}
