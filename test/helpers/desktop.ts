/**
 * A desktop for dialog tests: Xvfb on a free display (it picks the number itself: -displayfd), and
 * xdotool to find a dialog by its title and type into it, as a person would.
 */
import {execFile, spawn, type ChildProcess} from 'node:child_process'

export interface Desktop {
  display: string
  /** Window ids of the visible windows whose title matches. */
  windows(title: string): Promise<string[]>
  /** Waits for a window whose title matches; its id. */
  waitFor(title: string, timeoutMs?: number): Promise<string>
  /** Focuses the window and types the text, then the keys (e.g. Return, Escape). */
  type(window: string, text: string, ...keys: string[]): Promise<void>
  key(window: string, ...keys: string[]): Promise<void>
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export async function startDesktop(): Promise<Desktop> {
  const xvfb: ChildProcess = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], {stdio: ['ignore', 'ignore', 'ignore', 'pipe']})
  const number = await new Promise<string>((resolve, reject) => {
    let out = ''
    xvfb.stdio[3]!.on('data', d => {
      out += d
      if (out.includes('\n')) resolve(out.trim())
    })
    xvfb.on('exit', code => reject(new Error(`Xvfb exited (${code})`)))
    setTimeout(() => reject(new Error('Xvfb did not start')), 10_000)
  })
  const display = `:${number}`
  const xdotool = (...args: string[]) =>
    new Promise<{code: number; stdout: string}>(resolve =>
      execFile('xdotool', args, {env: {...process.env, DISPLAY: display}, timeout: 10_000}, (error, stdout) =>
        resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout: String(stdout)}),
      ),
    )
  const desktop: Desktop = {
    display,
    async windows(title) {
      const r = await xdotool('search', '--onlyvisible', '--name', title)
      return r.stdout.split('\n').filter(Boolean)
    },
    async waitFor(title, timeoutMs = 20_000) {
      const end = performance.now() + timeoutMs
      for (;;) {
        const found = await desktop.windows(title)
        if (found.length) return found[0]
        if (performance.now() > end) throw new Error(`no window "${title}" within ${timeoutMs} ms`)
        await sleep(100)
      }
    },
    async type(window, text, ...keys) {
      await xdotool('windowfocus', '--sync', window)
      // A dialog that has just mapped may not take keys yet.
      await sleep(300)
      await xdotool('type', '--delay', '30', text)
      if (keys.length) await xdotool('key', ...keys)
    },
    async key(window, ...keys) {
      await xdotool('windowfocus', '--sync', window)
      await sleep(300)
      await xdotool('key', ...keys)
    },
    async close() {
      ;(xvfb.stdio[3] as NodeJS.ReadableStream & {destroy(): void}).destroy()
      xvfb.kill('SIGTERM')
      await new Promise(resolve => (xvfb.exitCode !== null ? resolve(null) : xvfb.on('exit', resolve)))
    },
  }
  return desktop
}
