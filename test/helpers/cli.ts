/**
 * Runs the built CLI (bin/run.cjs) as a real process, asynchronously: the local STS server lives in
 * the test's own process, so a blocking spawn would deadlock it.
 */
import {spawn, type SpawnOptions} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {dirname, join} from 'node:path'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = join(ROOT, 'bin', 'run.cjs')

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Wall time in ms. */
  ms: number
  /** The clock (epoch ms) just before the process started and just after it ended. */
  startedAt: number
  endedAt: number
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  input?: string
  cwd?: string
  timeoutMs?: number
  /** Keep the child in our session (it may then reach our terminal); default: a new session, no terminal. */
  attached?: boolean
}

/** Runs any command; resolves when it exits (or is killed after timeoutMs). */
export function run(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = {
      env: options.env,
      cwd: options.cwd ?? ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      // A new session has no controlling terminal: /dev/tty cannot be opened, as in CI or cron.
      detached: !options.attached,
    }
    const child = spawn(file, args, spawnOptions)
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', d => (stdout += d))
    child.stderr!.setEncoding('utf8').on('data', d => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const endedAt = Date.now()
      resolve({code, signal, stdout, stderr, ms: endedAt - started, startedAt: started, endedAt})
    })
    child.stdin!.on('error', () => {})
    child.stdin!.end(options.input ?? '')
  })
}

/** Runs `mfa ARGS` through bin/run.cjs. */
export function mfa(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], options)
}
