/**
 * Where the one-time code comes from, first that applies: --token-code, a prompt driver chosen by
 * --prompt, MFA_PROMPT_DRIVER or mfa_prompt_driver, the profile's mfa_process, then the default
 * driver: the controlling terminal (/dev/tty, never stdout), else a desktop dialog (src/prompt-drivers).
 * With neither, mfa fails at once. A code already sent for the device is never sent again.
 */
import {MfaError} from '../cli/errors.js'
import {CODE, type CodeRequest, checkCode, noWayToAsk, wasUsed} from './codes.js'

export {CODE, type CodeRequest, checkCode, forgetUsed, markUsed, noWayToAsk, wasUsed} from './codes.js'

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
  // A driver chosen by --prompt, MFA_PROMPT_DRIVER or mfa_prompt_driver comes before mfa_process.
  if (req.mfaProcess && !req.prompt) {
    for (let attempt = 0; ; attempt++) {
      const code = await runMfaProcess(req.mfaProcess, {profile: req.profile, limitMs: req.mfaProcessLimitMs ?? MFA_PROCESS_LIMIT_MS})
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
  if (req.ask === false) throw noWayToAsk(req)
  const {askForCode} = await import('./ask-code.js')
  return askForCode(req)
}

/** How long mfa_process may take to print its code: a person may have to touch a security key. */
const MFA_PROCESS_LIMIT_MS = 120_000

/** How long output already written by an mfa_process that has exited may take to arrive. */
const DRAIN_MS = 250

/** What an mfa_process did: its exit and the start of what it printed. */
interface ProcessOutcome {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  timedOut: boolean
}

/**
 * Runs mfa_process and takes what it printed. It is done when it has exited: a child it left in
 * the background may hold stdout open for ever (`echo 123456; sleep 1000 &`), so mfa reads what was
 * already written and stops waiting on the pipe instead of waiting for it to close.
 */
async function runProcess(command: string, limitMs: number): Promise<ProcessOutcome> {
  const {spawn} = await import('node:child_process')
  return new Promise(resolve => {
    const child = spawn(command, {shell: true, stdio: ['inherit', 'pipe', 'inherit']})
    let stdout = ''
    let exit: {exitCode: number | null; signal: NodeJS.Signals | null} | undefined
    let settled = false
    const timers: NodeJS.Timeout[] = []
    const finish = ({timedOut}: {timedOut: boolean}) => {
      if (settled) return
      settled = true
      for (const t of timers) clearTimeout(t)
      child.stdout!.destroy()
      if (timedOut) child.kill('SIGKILL')
      resolve({exitCode: exit?.exitCode ?? null, signal: exit?.signal ?? null, stdout, timedOut})
    }
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (chunk: string) => {
      // Only the first line matters; a process that keeps printing cannot fill memory.
      if (stdout.length < 4096) stdout += chunk
    })
    child.on('error', () => {
      exit ??= {exitCode: 127, signal: null}
      finish({timedOut: false})
    })
    child.on('exit', (exitCode, signal) => {
      exit = {exitCode, signal}
      timers.push(setTimeout(() => finish({timedOut: false}), DRAIN_MS))
    })
    child.on('close', () => finish({timedOut: false}))
    timers.push(setTimeout(() => finish({timedOut: true}), limitMs))
  })
}

async function runMfaProcess(command: string, {profile, limitMs}: {profile: string; limitMs: number}): Promise<string> {
  const result = await runProcess(command, limitMs)
  if (result.timedOut) {
    throw new MfaError(`mfa_process of profile "${profile}" did not print a code within ${limitMs % 60_000 === 0 ? `${limitMs / 60_000} minutes` : `${limitMs / 1000} s`}`, {hint: 'Run it by hand to see what it waits for.'})
  }
  if (result.exitCode !== 0) {
    const why = result.exitCode === 127 ? 'was not found' : `failed (exit ${result.exitCode ?? result.signal})`
    throw new MfaError(`mfa_process of profile "${profile}" ${why}`, {hint: `Run it by hand to check it: ${command}`})
  }
  const out = result.stdout.split('\n')[0].trim()
  // Never echo what it printed: it may be something other than a code.
  if (!CODE.test(out) || result.stdout.trim() !== out) {
    const printed = result.stdout.trim()
    throw new MfaError(`mfa_process of profile "${profile}" printed ${printed ? `${printed.length} characters` : 'nothing'}, not a 6-digit code`, {
      hint: 'It must print only the current code, e.g. `ykman oath accounts code --single NAME`.',
    })
  }
  return out
}
