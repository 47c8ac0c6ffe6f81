/**
 * Where the one-time code comes from, first that applies: --token-code, the profile's mfa_process,
 * a question on the controlling terminal (/dev/tty, never stdout). No terminal and no other
 * source fails at once. A code already sent for the device is never sent again.
 */
import {closeSync, openSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {MfaError, EXIT} from '../cli/errors.js'
import {writeFileAtomic} from '../aws/private-files.js'
import {hashKey} from './cache.js'
import {loadExeca} from '../startup/execa.js'

export const CODE = /^\d{6}$/

export function checkCode(code: string, from: string): string {
  const value = code.trim()
  if (!CODE.test(value)) {
    throw new MfaError(`${from} must be the 6 digits your MFA device shows${value ? '' : ', and it is empty'}`, {
      hint: 'Give all six digits, leading zeros included.',
      exitCode: EXIT.usage,
    })
  }
  return value
}

/** The record of the last code sent for a device: a code works once, and STS refuses it again. */
interface UsedCode {
  code: string
  at: number
}

/** A TOTP code stays valid for at most its own 30 s window and one more on each side. */
const CODE_LIFETIME_MS = 90_000

function usedFile(cacheDir: string, serial: string): string {
  return join(cacheDir, `used-${hashKey('used', serial)}.json`)
}

export function wasUsed(cacheDir: string, serial: string, code: string, now = Date.now()): boolean {
  try {
    const used = JSON.parse(readFileSync(usedFile(cacheDir, serial), 'utf8')) as UsedCode
    return used.code === code && now - used.at < CODE_LIFETIME_MS
  } catch {
    return false
  }
}

/** Remembers a code as sent. Called under the device lock, before the code goes to STS. */
export function markUsed(cacheDir: string, serial: string, code: string): void {
  try {
    writeFileAtomic(usedFile(cacheDir, serial), JSON.stringify({code, at: Date.now()}) + '\n')
  } catch {
    // The record only saves a wasted round trip; a failure to keep it must not fail the login.
  }
}

export interface CodeRequest {
  profile: string
  serial: string
  tokenCode?: string
  mfaProcess?: string
  cacheDir: string
  /** Progress and notices for the user (stderr). */
  say: (line: string) => void
  /** The clock and the wait for the next code window; tests pass their own. */
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))

export async function obtainCode(req: CodeRequest): Promise<string> {
  if (req.tokenCode !== undefined) {
    const code = checkCode(req.tokenCode, '--token-code')
    if (wasUsed(req.cacheDir, req.serial, code)) {
      throw new MfaError(`code ${code} was already used for ${req.serial}`, {
        hint: 'A code works only once: wait for the next code from your device and try again.',
      })
    }
    return code
  }
  if (req.mfaProcess) {
    for (let attempt = 0; ; attempt++) {
      const code = await runMfaProcess(req.mfaProcess, req.profile)
      if (!wasUsed(req.cacheDir, req.serial, code)) return code
      if (attempt >= 3) {
        throw new MfaError(`mfa_process of profile "${req.profile}" keeps printing a code that was already used`, {
          hint: 'Check that it prints the current code of the device in mfa_serial.',
        })
      }
      const wait = 30_000 - ((req.now ?? Date.now)() % 30_000) + 1000
      req.say(`mfa: code from mfa_process was already used; waiting ${Math.ceil(wait / 1000)} s for the next one…`)
      await (req.sleep ?? sleep)(wait)
    }
  }
  return askOnTerminal(req)
}

async function runMfaProcess(command: string, profile: string): Promise<string> {
  const execa = await loadExeca()
  const result = await execa({shell: true, stdin: 'inherit', stderr: 'inherit', reject: false, timeout: 120_000})`${command}`
  if (result.timedOut) {
    throw new MfaError(`mfa_process of profile "${profile}" did not print a code within 2 minutes`, {hint: 'Run it by hand to see what it waits for.'})
  }
  if (result.exitCode !== 0) {
    const why = result.exitCode === 127 ? 'was not found' : `failed (exit ${result.exitCode ?? result.signal})`
    throw new MfaError(`mfa_process of profile "${profile}" ${why}`, {hint: `Run it by hand to check it: ${command}`})
  }
  const out = String(result.stdout ?? '').trim()
  // Never echo what it printed: it may be something other than a code.
  if (!CODE.test(out)) {
    throw new MfaError(`mfa_process of profile "${profile}" printed ${out ? `${out.length} characters` : 'nothing'}, not a 6-digit code`, {
      hint: 'It must print only the current code, e.g. `ykman oath accounts code --single NAME`.',
    })
  }
  return out
}

/** Asks for the code on /dev/tty until six digits arrive. Ctrl-C or Ctrl-D cancels (exit 130). */
async function askOnTerminal(req: CodeRequest): Promise<string> {
  let readFd: number
  let writeFd: number
  try {
    readFd = openSync('/dev/tty', 'r')
    writeFd = openSync('/dev/tty', 'w')
  } catch {
    throw new MfaError(`a code for ${req.serial} is needed and there is no terminal to ask for it`, {
      hint: 'Pass --token-code with the 6 digits your device shows, set mfa_process in the profile, or run mfa in a terminal.',
    })
  }
  const tty = await import('node:tty')
  const readline = await import('node:readline')
  const input = new tty.ReadStream(readFd)
  const output = new tty.WriteStream(writeFd)
  const rl = readline.createInterface({input, output, terminal: true})
  const cleanup = () => {
    rl.close()
    input.destroy()
    output.destroy()
    try {
      closeSync(readFd)
    } catch {}
    try {
      closeSync(writeFd)
    } catch {}
  }
  try {
    let question = `MFA code for ${req.profile} (${req.serial}): `
    for (;;) {
      const answer = await new Promise<string | undefined>(resolve => {
        rl.once('close', () => resolve(undefined))
        rl.once('SIGINT', () => resolve(undefined))
        rl.question(question, resolve)
      })
      if (answer === undefined) {
        output.write('\n')
        throw new MfaError('cancelled: no code was entered; nothing was changed', {exitCode: EXIT.cancelled})
      }
      const code = answer.trim()
      if (!CODE.test(code)) {
        question = 'The code is the 6 digits your device shows. MFA code: '
        continue
      }
      if (wasUsed(req.cacheDir, req.serial, code)) {
        question = 'That code was already used (a code works once); wait for the next one. MFA code: '
        continue
      }
      return code
    }
  } finally {
    rl.removeAllListeners()
    cleanup()
  }
}
