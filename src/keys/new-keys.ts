/**
 * New long-term keys come from the terminal (the secret is not echoed), or from stdin when it is a
 * pipe (`pass show aws | mfa keys add`): never from argv, where ps, shell history and logs see them.
 */
import {readSync} from 'node:fs'
import {isatty} from 'node:tty'
import {EXIT, MfaError} from '../cli/errors.js'
import {hasTerminal, withTerminal} from '../cli/terminal.js'
import {rememberSecret} from '../cli/redact.js'

export interface NewKeys {
  accessKeyId: string
  secretAccessKey: string
}

const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{12,124}$/
const SECRET = /^\S{16,}$/

/** Checks what was typed; the message never repeats the secret. */
export function checkNewKeys(accessKeyId: string, secretAccessKey: string): NewKeys {
  const id = accessKeyId.trim()
  const secret = secretAccessKey.trim()
  if (/^ASIA/.test(id)) {
    throw new MfaError('that access key id starts with ASIA: it is a temporary key, and the keyring is for the long-term key of an IAM user (AKIA…)', {exitCode: EXIT.usage})
  }
  if (!ACCESS_KEY_ID.test(id)) throw new MfaError(`"${id.slice(0, 24)}" is not an access key id (AKIA and 16 letters or digits)`, {exitCode: EXIT.usage})
  if (!SECRET.test(secret)) throw new MfaError(`the secret access key is ${secret ? `${secret.length} characters with spaces or too short` : 'empty'} (it is 40 characters, no spaces)`, {exitCode: EXIT.usage})
  rememberSecret(secret)
  return {accessKeyId: id, secretAccessKey: secret}
}

function readAll(fd: number): string {
  const chunks: Buffer[] = []
  const buf = Buffer.alloc(4096)
  for (;;) {
    let n: number
    try {
      n = readSync(fd, buf, 0, buf.length, null)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue
      if ((error as NodeJS.ErrnoException).code === 'EOF') break
      throw error
    }
    if (n === 0) break
    chunks.push(Buffer.from(buf.subarray(0, n)))
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Reads one line from the terminal; with hidden, nothing typed is shown. Ctrl-C or Ctrl-D cancels. */
function askLine(question: string, {hidden}: {hidden: boolean}): Promise<string> {
  return withTerminal(async ({input, output}) => {
    try {
      output.write(question)
      input.setRawMode(true)
      return await new Promise<string>((resolve, reject) => {
        let line = ''
        input.on('data', (data: Buffer) => {
          for (const ch of data.toString('utf8')) {
            if (ch === '\r' || ch === '\n') {
              output.write('\n')
              resolve(line)
              return
            }
            if (ch === '\u0003' || ch === '\u0004') {
              output.write('\n')
              reject(new MfaError('cancelled: no key was entered; nothing was changed', {exitCode: EXIT.cancelled}))
              return
            }
            if (ch === '\u007f' || ch === '\b') {
              if (line.length > 0) {
                line = line.slice(0, -1)
                if (!hidden) output.write('\b \b')
              }
              continue
            }
            if (ch < ' ') continue
            line += ch
            if (!hidden) output.write(ch)
          }
        })
      })
    } finally {
      try {
        input.setRawMode(false)
      } catch {}
    }
  })
}

/** The new keys: two lines on stdin when it is not a terminal, else asked on the terminal. */
export async function readNewKeys(profile: string): Promise<NewKeys> {
  if (!isatty(0)) {
    const lines = readAll(0).split(/\r?\n/).filter(l => l.trim() !== '')
    if (lines.length > 0) {
      if (lines.length !== 2) throw new MfaError(`stdin has ${lines.length} lines: give the access key id on the first and the secret access key on the second`, {exitCode: EXIT.usage})
      return checkNewKeys(lines[0], lines[1])
    }
  }
  if (!hasTerminal()) {
    throw new MfaError('the new keys are read from the terminal or stdin, and there is neither', {
      hint: 'Run it in a terminal, or pipe two lines into it: the access key id, then the secret access key.',
      exitCode: EXIT.usage,
    })
  }
  const id = await askLine(`Access key id for profile ${profile}: `, {hidden: false})
  const secret = await askLine('Secret access key (not shown): ', {hidden: true})
  return checkNewKeys(id, secret)
}
