/**
 * The terminal a question is asked on (src/cli/terminal.ts). A unit test has no controlling
 * terminal, so it opens a real one of its own: the pseudo-terminal of a tmux pane (on a private
 * socket, running only `sleep`), typed into with send-keys and read back with capture-pane. The
 * question asked through the prompt driver on /dev/tty itself runs under tmux in test/e2e.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hasTerminal, withTerminal} from '../../../src/cli/terminal.js'
import {describeWith} from '../../helpers/tools.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-terminal-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** The descriptors this process has open on a path. */
const openOn = (path: string) => readdirSync('/proc/self/fd').filter(fd => {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`) === path
  } catch {
    return false
  }
})

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error as Error,
  )
}

describe('no terminal', () => {
  test('a device that cannot be opened: no terminal', () => {
    expect(hasTerminal({device: join(dir, 'missing')})).toBe(false)
  })

  test('withTerminal throws what none() makes, else the reason itself, and never asks', async () => {
    let asked = false
    const ask = async () => {
      asked = true
    }
    const made = new Error('no terminal here')
    expect(await rejection(withTerminal(ask, {none: () => made, device: join(dir, 'missing')}))).toBe(made)
    expect(await rejection(withTerminal(ask, {device: join(dir, 'missing')}))).toMatchObject({code: 'ENOENT'})
    expect(asked).toBe(false)
  })

  test('a device that opens for reading but not for writing is no terminal, and nothing stays open', async () => {
    const readOnly = join(dir, 'a-directory')
    mkdirSync(readOnly, {recursive: true})
    expect(await rejection(withTerminal(async () => 1, {device: readOnly}))).toMatchObject({code: 'EISDIR'})
    expect(openOn(readOnly)).toEqual([])
  })
})

describeWith(['tmux'], 'a real terminal (a tmux pane)', () => {
  const socket = () => join(dir, 'tmux.sock')
  const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket(), ...args], {encoding: 'utf8'})
  let tty: string
  beforeAll(() => {
    tmux('-f', '/dev/null', 'new-session', '-d', '-x', '80', '-y', '10', 'sleep 600')
    tty = tmux('display-message', '-p', '#{pane_tty}').trim()
  })
  afterAll(() => {
    try {
      tmux('kill-server')
    } catch {}
  })

  /** Whether the pane shows text within 5 s: tmux reads what the terminal echoes in its own time. */
  async function screenShows(text: string): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      if (tmux('capture-pane', '-p', '-t', '0').includes(text)) return true
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    return false
  }

  test('hasTerminal opens it', () => {
    expect(hasTerminal({device: tty})).toBe(true)
    expect(openOn(tty)).toEqual([])
  })

  test('the question is written on it and the answer read from it; both ends are closed after', async () => {
    let streams: {inputDestroyed: () => boolean; outputDestroyed: () => boolean} | undefined
    const answer = await withTerminal(
      async ({input, output}) => {
        streams = {inputDestroyed: () => input.destroyed, outputDestroyed: () => output.destroyed}
        expect([input.isTTY, output.isTTY]).toEqual([true, true])
        expect(openOn(tty).length).toBeGreaterThanOrEqual(2)
        const line = new Promise<string>(resolve => input.once('data', chunk => resolve(String(chunk))))
        output.write('Code? ')
        tmux('send-keys', '-t', '0', '123456', 'Enter')
        return line
      },
      {device: tty},
    )
    expect(answer).toBe('123456\n')
    expect(await screenShows('Code? 123456')).toBe(true)
    expect([streams?.inputDestroyed(), streams?.outputDestroyed()]).toEqual([true, true])
    expect(openOn(tty)).toEqual([])
  })

  test('when the question fails, its error comes through and the terminal is closed all the same', async () => {
    const failure = new Error('asked badly')
    expect(await rejection(withTerminal(async () => Promise.reject(failure), {device: tty, none: () => new Error('not this')}))).toBe(failure)
    expect(openOn(tty)).toEqual([])
  })
})
