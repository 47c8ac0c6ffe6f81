/** Runs a dialog or a code source: no shell, its stdout read, its stderr kept from the user's terminal. */
import {accessSync, constants} from 'node:fs'
import {delimiter, join} from 'node:path'
import {loadExeca} from '../startup/execa.js'
import {MfaError} from '../cli/errors.js'

/** A person gets this long to answer a dialog; the device lock waits up to 10 minutes. */
export const DIALOG_TIMEOUT_MS = 5 * 60_000

export function findOnPath(tool: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    try {
      accessSync(join(dir, tool), constants.X_OK)
      return join(dir, tool)
    } catch {}
  }
  return undefined
}

export interface Answer {
  exitCode: number
  stdout: string
  /** Its first line of stderr, when piped: for the message when it fails. */
  problem: string
}

/** A dialog's answer: the entry on OK, undefined when the person cancelled, an error when it could not ask. */
export function entryOrCancel(tool: string, answer: Answer, cancelled: (answer: Answer) => boolean): string | undefined {
  if (answer.exitCode === 0) return answer.stdout
  if (cancelled(answer)) return undefined
  throw new MfaError(`${tool} could not ask for the code (exit ${answer.exitCode}${answer.problem ? `: ${answer.problem}` : ''})`, {
    hint: 'Check that the desktop works (DISPLAY or WAYLAND_DISPLAY), or choose another mfa_prompt_driver.',
  })
}

export async function runDialog(file: string, args: string[], env: NodeJS.ProcessEnv, options: {shell?: boolean; stderr?: 'inherit' | 'pipe'} = {}): Promise<Answer> {
  const execa = await loadExeca()
  const result = await execa(file, args, {
    env,
    extendEnv: false,
    shell: options.shell ?? false,
    stdin: 'ignore',
    stderr: options.stderr ?? 'pipe',
    reject: false,
    timeout: DIALOG_TIMEOUT_MS,
  })
  if (result.timedOut) throw new MfaError(`${file} got no answer within ${DIALOG_TIMEOUT_MS / 60_000} minutes`, {hint: 'Run the command again and answer the dialog.'})
  const code = (result as {code?: string}).code
  if (code === 'ENOENT') throw new MfaError(`${file} was not found`, {hint: 'Install it, or choose another mfa_prompt_driver.'})
  const problem = String(result.stderr ?? '').split('\n').map(l => l.trim()).find(Boolean) ?? ''
  return {exitCode: result.exitCode ?? 128, stdout: String(result.stdout ?? ''), problem: problem.slice(0, 200)}
}
