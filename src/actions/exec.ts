import {isUtf8} from 'node:buffer'
import {readFileSync} from 'node:fs'
import {ensureOptions, type SessionFlagValues} from './session-options.js'
import {EXIT, MfaError} from '../cli/errors.js'
import {applyChanges, sessionChanges} from '../session/environment.js'
import {ensureSession} from '../session/ensure.js'
import {os} from '../startup/builtins.js'
import {loadExeca} from '../startup/execa.js'
import {isUsable} from '../session/cache.js'
import type {ResolvedProfile} from '../aws/profile.js'
import {nearEnd} from '../exec-server/refresh.js'
import {wantsServer} from '../exec-server/setting.js'
import {suggestServer} from '../exec-server/suggest.js'

/** Signals mfa passes on to the command. */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'] as const
/** Signals a terminal sends to its whole foreground process group, the command included. */
const FROM_TERMINAL = new Set<string>(['SIGINT', 'SIGQUIT', 'SIGWINCH'])

/**
 * Node decodes argv and the environment as UTF-8 and hands a child only UTF-8, so a byte that is
 * not UTF-8 (a Latin-1 file name) would reach the command as U+FFFD: a different command. Linux
 * keeps the raw bytes in /proc/self/cmdline and /proc/self/environ; when one is not UTF-8, mfa
 * refuses before it asks for a code, rather than run something else. Elsewhere there is no way to
 * tell, and the bytes are passed as Node decoded them.
 */
function assertBytesPassOn(): void {
  const raw = (file: string): Buffer[] => {
    try {
      const bytes = readFileSync(file)
      const out: Buffer[] = []
      for (let at = 0; at < bytes.length; ) {
        const end = bytes.indexOf(0, at)
        out.push(bytes.subarray(at, end < 0 ? bytes.length : end))
        at = end < 0 ? bytes.length : end + 1
      }
      return out
    } catch {
      return []
    }
  }
  const hint = 'Node can pass only UTF-8 to a command. Run it in a shell with the session instead: eval "$(mfa env)"; CMD ...'
  if (raw('/proc/self/cmdline').some(arg => !isUtf8(arg))) {
    throw new MfaError('an argument holds bytes that are not UTF-8; mfa exec cannot pass them on unchanged and will not run a different command', {hint})
  }
  for (const entry of raw('/proc/self/environ')) {
    if (isUtf8(entry)) continue
    const name = entry.subarray(0, Math.max(entry.indexOf(0x3d), 0))
    const shown = isUtf8(name) && /^\w+$/.test(name.toString()) ? name.toString() : 'with a name that is not UTF-8'
    throw new MfaError(`the environment variable ${shown} holds bytes that are not UTF-8; mfa exec cannot pass it on unchanged and will not run the command with a different value`, {hint: `Unset or re-encode it for mfa exec, or: ${hint.slice(hint.indexOf('Run'))}`})
  }
}

/** Fields of /proc/PID/stat after the command name: [2] is the process group, [5] the terminal's foreground group. */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/**
 * True when a Ctrl-C, Ctrl-\ or resize that reached mfa has already reached the command too: both
 * are in the foreground process group of the terminal, to which the terminal sends these signals.
 * Passing it on would deliver it twice. When mfa is not in that group (no terminal, or a job in the
 * background) the signal came from kill, and when the command is not in it (it made its own group)
 * the terminal did not reach it: then mfa passes the signal on. Linux only (/proc); elsewhere every
 * signal is passed on.
 */
function deliveredByTerminal(childPid: number | undefined): boolean {
  const own = statFields('self')
  const child = childPid === undefined ? undefined : statFields(childPid)
  if (!own || !child) return false
  const foreground = Number(own[5])
  return foreground > 0 && Number(own[2]) === foreground && Number(child[2]) === foreground
}

/**
 * Whether mfa passes a signal it got on to the command. On Windows a Ctrl-C or Ctrl-Break reaches
 * every process of the console, the command included, and Node passes a signal on only by ending
 * the process outright (TerminateProcess): never for those there.
 */
export function passesOn(signal: string, platform: NodeJS.Platform, reachedCommand: () => boolean): boolean {
  if (!FROM_TERMINAL.has(signal)) return true
  return platform !== 'win32' && !reachedCommand()
}

/** What `mfa exec` runs without a command: the user's shell; on Windows, where SHELL is not set, ComSpec (cmd.exe). */
export function defaultCommand(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (env.SHELL) return env.SHELL
  return platform === 'win32' ? env.ComSpec || env.COMSPEC || 'cmd.exe' : '/bin/sh'
}

/**
 * `mfa exec -- CMD ARGS`: CMD runs without a shell, with the session in its environment and the
 * terminal inherited; mfa passes signals on, waits, and exits with CMD's code (128+n for signal n,
 * 127 not found, 126 not executable).
 */
export async function execAction(flags: SessionFlagValues & {server?: boolean}, command: readonly string[]): Promise<number> {
  // Checked before a code is spent: an empty word names no command, and bytes Node cannot pass on.
  if (command[0] === '') throw new MfaError('the command to run is an empty word', {hint: 'Give the command after --, e.g. `mfa exec -- aws s3 ls`.', exitCode: EXIT.usage})
  assertBytesPassOn()
  const {env, result, server, suggestion, reporter} = await sessionForCommand(flags)
  let [file, ...args] = command
  if (file === undefined) {
    file = defaultCommand(process.env, process.platform)
    args = []
    reporter.say(`mfa: starting ${file} with the session of profile ${result.resolved.name}; exit it to return`)
  }
  try {
    const done = await runForwardingSignals({file, args, env})
    suggestion?.after(done.exitCode ?? 1)
    return exitCodeOf(done, file)
  } finally {
    await server?.close()
  }
}

/** The session, and the command's environment: the session's keys, or (--server) an endpoint that renews them. */
async function sessionForCommand(flags: SessionFlagValues & {server?: boolean}) {
  const options = ensureOptions(flags, process.env, 'service')
  const serve = (resolved: ResolvedProfile) => wantsServer({flag: flags.server, env: process.env, settings: () => resolved.settings})
  // The server renews a session near its end: one that is near it already is renewed now.
  options.reuse = (session, resolved) => (serve(resolved) ? !nearEnd(session) : isUsable(session))
  const result = await ensureSession(options)
  // --server: an endpoint that renews the session (loaded only then: it costs every other start).
  const server = serve(result.resolved) ? await (await import('../exec-server/index.js')).startExecServer(result, options) : undefined
  const suggestion = server ? undefined : suggestServer(result, options)
  const env = applyChanges(process.env, server?.changes ?? sessionChanges(result.session, result.resolved.name, result.resolved.region, process.env))
  return {env, result, server, suggestion, reporter: options.reporter}
}

/** Runs the command with the terminal inherited, passing on the signals mfa gets; resolves when it has ended. */
async function runForwardingSignals({file, args, env}: {file: string; args: string[]; env: NodeJS.ProcessEnv}) {
  const execa = await loadExeca()
  // The handlers go in before the spawn: execa does some milliseconds of work after the fork, and a
  // signal sent once the command runs must not find mfa without a handler (TERM, INT, HUP would kill
  // mfa and orphan the command; WINCH would be lost; USR1 would start Node's inspector). Handlers run
  // from the event loop, so by the time one runs, `child` is set.
  let child: ReturnType<typeof execa> | undefined
  const forward = (signal: NodeJS.Signals) => {
    if (!child || !passesOn(signal, process.platform, () => deliveredByTerminal(child?.pid))) return
    child.kill(signal)
  }
  for (const signal of FORWARDED) process.on(signal, forward)
  try {
    child = execa(file, args, {
      stdio: 'inherit',
      env,
      extendEnv: false,
      reject: false,
      shell: false,
      stripFinalNewline: false,
      windowsHide: false,
      // execa follows a SIGTERM with a SIGKILL after 5 s by default: a command that handles or ignores
      // SIGTERM must keep running, as it would without mfa.
      forceKillAfterDelay: false,
    })
    return await child
  } finally {
    for (const signal of FORWARDED) process.off(signal, forward)
  }
}

/** mfa's exit code: the command's, 128+n when signal n ended it, 127 or 126 when it could not start. */
function exitCodeOf(done: Awaited<ReturnType<typeof runForwardingSignals>>, file: string): number {
  if (done.exitCode !== undefined && done.exitCode !== null && !done.signal) return done.exitCode
  if (done.signal) {
    const {signals} = os().constants
    return 128 + (signals[done.signal as keyof typeof signals] ?? 0)
  }
  const code = (done as {code?: string}).code ?? (done.cause as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') throw new MfaError(`command not found: ${file}`, {exitCode: 127})
  if (code === 'EACCES' || code === 'EISDIR') throw new MfaError(`cannot run ${file}: permission denied (not executable)`, {exitCode: 126})
  throw new MfaError(`cannot run ${file}: ${code ?? 'it failed to start'}`, {exitCode: 126})
}
