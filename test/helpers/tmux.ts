/**
 * A real pseudo-terminal for tests: tmux runs a command in a detached session; the test reads the
 * screen and types keys, as a person would.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN, ROOT, run} from './cli.js'
import {makeWorld, type World} from './world.js'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

function shq(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`
}

export interface Terminal {
  /** The visible text; with escapes, the colours and attributes as escape sequences too. */
  screen(options?: {escapes?: boolean}): Promise<string>
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  /** tmux key names or literal text (literal: true). */
  send(keys: string, options?: {literal?: boolean}): Promise<void>
  /** Resolves with the command's exit code once it has ended. */
  exitCode(timeoutMs?: number): Promise<number>
  close(): Promise<void>
}

/** Starts `argv` in a new tmux session with exactly `env`; the command's exit code is written to a file. */
export async function terminal(argv: string[], env: NodeJS.ProcessEnv, options: {cwd?: string} = {}): Promise<Terminal> {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-tty-'))
  const socket = join(dir, 'tmux.sock')
  const status = join(dir, 'status')
  const assignments = Object.entries(env)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => shq(`${k}=${v}`))
    .join(' ')
  const script = `cd ${shq(options.cwd ?? process.cwd())} && env -i ${assignments} ${argv.map(shq).join(' ')}; echo $? > ${shq(status)}; sleep 600`
  const tmux = (...args: string[]) => run('tmux', ['-S', socket, '-f', '/dev/null', ...args], {env: {PATH: process.env.PATH, TERM: 'xterm-256color', HOME: dir}})
  // bash, not sh: after a Ctrl-C that the command handled (it did not die of SIGINT), bash goes on
  // to record the exit code; dash would exit on the spot.
  const started = await tmux('new-session', '-d', '-x', '160', '-y', '40', 'bash', '--norc', '--noprofile', '-c', script)
  if (started.code !== 0) throw new Error(`tmux failed: ${started.stderr}`)
  const t: Terminal = {
    async screen(o = {}) {
      return (await tmux('capture-pane', '-p', '-J', ...(o.escapes ? ['-e'] : []))).stdout
    },
    async waitFor(pattern, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs
      let last = ''
      while (Date.now() < end) {
        last = await t.screen()
        if (pattern.test(last)) return last
        await sleep(100)
      }
      throw new Error(`timed out waiting for ${pattern} on the screen:\n${last}`)
    },
    async send(keys, o = {}) {
      await tmux('send-keys', ...(o.literal ? ['-l'] : []), keys)
    },
    async exitCode(timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs
      while (Date.now() < end) {
        try {
          const text = readFileSync(status, 'utf8').trim()
          if (text) return Number(text)
        } catch {}
        await sleep(100)
      }
      throw new Error(`the command did not end; screen:\n${await t.screen()}`)
    },
    async close() {
      await tmux('kill-server')
      rmSync(dir, {recursive: true, force: true})
    },
  }
  return t
}

/**
 * For a file whose tests type into mfa on a terminal: a fresh world before each test; after it, the
 * terminal the test opened is closed and the world too. `mfa(args)` starts the built CLI in it.
 */
export function terminalWorld(options: Parameters<typeof makeWorld>[0] = {}): {readonly world: World; mfa(args: string[]): Promise<Terminal>} {
  let world: World | undefined
  let term: Terminal | undefined
  beforeEach(async () => {
    world = await makeWorld(options)
  })
  afterEach(async () => {
    await term?.close()
    term = undefined
    await world?.close()
  })
  return {
    get world() {
      return world!
    },
    async mfa(args) {
      term = await terminal([process.execPath, BIN, ...args], world!.env(), {cwd: ROOT})
      return term
    },
  }
}
