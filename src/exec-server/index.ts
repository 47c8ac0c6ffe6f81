/**
 * `mfa exec --server`: the command's SDKs get their credentials from an endpoint of mfa's, which
 * renews the session before it ends, so that a command may outlive a role's one hour. The endpoint
 * lives exactly as long as the command: exec starts it before the command and closes it after.
 */
import {writeSync} from 'node:fs'
import {ensureSession, type EnsureOptions, type SessionResult} from '../session/ensure.js'
import {MfaError} from '../cli/errors.js'
import {redact} from '../cli/redact.js'
import type {EnvChanges} from '../shells/types.js'
import {serverChanges} from './env.js'
import {startCredentialServer} from './http.js'
import {sessionKeeper} from './refresh.js'

export interface ExecServer {
  /** What the command's environment gets instead of the keys. */
  changes: EnvChanges
  close(): Promise<void>
}

/** A failed renewal is told once on stderr (the command's own message may say little), then again only after a minute. */
function errorTeller(): (error: unknown) => void {
  let last = ''
  let at = 0
  return error => {
    const text =
      error instanceof MfaError ? `mfa: cannot renew the credentials: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}` : `mfa: cannot renew the credentials: ${String(error)}\n`
    if (text === last && Date.now() - at < 60_000) return
    last = text
    at = Date.now()
    try {
      writeSync(2, redact(text))
    } catch {}
  }
}

export async function startExecServer(first: SessionResult, options: EnsureOptions): Promise<ExecServer> {
  const env = options.env ?? process.env
  // Renewals are quiet: the terminal is the command's, no spinner and no notice goes there.
  const keeper = sessionKeeper(first.session, ensureSession, {...options, reporter: {say: () => {}}}, errorTeller())
  const server = await startCredentialServer(async () => (await keeper.get()).Credentials)
  try {
    const close = async () => {
      await server.close()
      // The command has ended, but a renewal may still wait at a dialog nobody needs now. It must not
      // keep mfa alive: a second from now (its exit code is set by then, on either path) mfa exits,
      // execa closes the dialog and the exit handler releases the lock. Unref'd: a process with
      // nothing left to wait for exits at once, as always.
      if (keeper.busy()) setTimeout(() => process.exit(), 1000).unref()
    }
    return {changes: await serverChanges(first, server, env), close}
  } catch (error) {
    await server.close()
    throw error
  }
}
