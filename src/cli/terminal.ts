/**
 * The controlling terminal (/dev/tty) for a question to the person at it: never stdin or stdout,
 * which belong to the caller (a pipe, `eval "$(mfa env)"`). Opened for one question, closed after.
 */
import {closeSync, openSync} from 'node:fs'
import type {ReadStream, WriteStream} from 'node:tty'

export interface Terminal {
  input: ReadStream
  output: WriteStream
}

/** The controlling terminal; `device` in the options below only lets a test open a terminal of its own. */
const TTY = '/dev/tty'

/** Whether this process has a controlling terminal to ask on. */
export function hasTerminal({device = TTY}: {device?: string} = {}): boolean {
  try {
    closeSync(openSync(device, 'r'))
    return true
  } catch {
    return false
  }
}

/**
 * Runs `ask` with the terminal open for reading and writing, and closes it however `ask` ends.
 * When it cannot be opened, throws `none()` (or the error itself, without one).
 */
export async function withTerminal<T>(ask: (terminal: Terminal) => Promise<T>, {none, device = TTY}: {none?: () => Error; device?: string} = {}): Promise<T> {
  let readFd: number | undefined
  let writeFd: number
  try {
    readFd = openSync(device, 'r')
    writeFd = openSync(device, 'w')
  } catch (error) {
    // Readable but not writable: the read end must not stay open.
    if (readFd !== undefined) closeSync(readFd)
    throw none ? none() : error
  }
  const tty = await import('node:tty')
  const input = new tty.ReadStream(readFd)
  const output = new tty.WriteStream(writeFd)
  try {
    return await ask({input, output})
  } finally {
    input.destroy()
    output.destroy()
    for (const fd of [readFd, writeFd]) {
      try {
        closeSync(fd)
      } catch {}
    }
  }
}
