/**
 * Asking for a code through a prompt driver (src/session/ask-code.ts): which driver, what it is told,
 * and what its answers lead to. The dialogs are fake executables on a temporary PATH that record
 * their arguments and give the answers a test lines up, so a person's retries can be followed.
 */
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {EXIT, MfaError} from '../../../src/cli/errors.js'
import {hasTerminal} from '../../../src/cli/terminal.js'
import {askForCode, chooseDriver} from '../../../src/session/ask-code.js'
import {markUsed, type CodeRequest} from '../../../src/session/codes.js'

const SERIAL = 'arn:aws:iam::123456789012:mfa/alice'
let dir: string
let bin: string
let cacheDir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-ask-'))
  bin = join(dir, 'bin')
  cacheDir = join(dir, 'cache')
  mkdirSync(bin)
  mkdirSync(cacheDir)
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

/**
 * A fake dialog or code source: call n writes its arguments to args<n> and prints line n of
 * `answers` (CANCEL: exits 1, as a dialog's Cancel does).
 */
function fakeTool(tool: string, answers: string[]): void {
  writeFileSync(join(dir, 'answers'), answers.join('\n') + '\n')
  const script = `#!/bin/sh
n=$(cat "$STATE/n" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$STATE/n"
printf '%s\\n' "$@" > "$STATE/args$n"
line=$(sed -n "\${n}p" "$STATE/answers")
[ "$line" = CANCEL ] && exit 1
printf '%s' "$line"
`
  writeFileSync(join(bin, tool), script)
  chmodSync(join(bin, tool), 0o755)
}

const calls = () => (existsSync(join(dir, 'n')) ? Number(readFileSync(join(dir, 'n'), 'utf8')) : 0)
const argsOf = (call: number) => readFileSync(join(dir, `args${call}`), 'utf8').split('\n').slice(0, -1)

/** A desktop with the fake tools first on PATH; no terminal is ever asked (terminal: false). */
function request(over: Partial<CodeRequest> = {}): CodeRequest {
  return {
    profile: 'work',
    requestedProfile: 'admin',
    serial: SERIAL,
    cacheDir,
    terminal: false,
    say: () => {},
    env: {PATH: `${bin}:/usr/bin:/bin`, DISPLAY: ':1', STATE: dir},
    ...over,
  }
}

async function rejection(promise: Promise<unknown>): Promise<MfaError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error as MfaError,
  )
}

describe('chooseDriver', () => {
  const env = () => ({PATH: `${bin}:/usr/bin:/bin`, DISPLAY: ':1'})

  test('the name is trimmed; a blank one is no choice (the default applies)', () => {
    fakeTool('zenity', [])
    fakeTool('kdialog', [])
    expect(chooseDriver(request({prompt: '  kdialog \n'}), env()).name).toBe('kdialog')
    expect(chooseDriver(request({prompt: '   '}), env()).name).toBe('zenity')
  })

  test("a name that is only a property of every object (toString, constructor) is a command, not a driver", () => {
    for (const name of ['toString', 'constructor', '__proto__']) {
      const driver = chooseDriver(request({prompt: name}), env())
      expect([driver.name, driver.person]).toEqual([name, false])
    }
  })

  test('a named driver that cannot run says why, and how to choose another', () => {
    const error = (() => {
      try {
        chooseDriver(request({prompt: 'kdialog'}), {PATH: bin, DISPLAY: ':1'})
      } catch (e) {
        return e as MfaError
      }
    })()
    expect(error?.message).toBe('the prompt driver kdialog cannot ask for a code here: kdialog is not installed')
    expect(error?.hint).toBe(
      'Choose another with --prompt, MFA_PROMPT_DRIVER or mfa_prompt_driver in the profile (terminal, zenity, kdialog, osascript, ykman, or a command that prints the code).',
    )
  })

  test('the terminal, named, where this process may use it: chosen when there is one, else why not', () => {
    if (hasTerminal()) expect(chooseDriver(request({prompt: 'terminal', terminal: true}), env()).name).toBe('terminal')
    else expect(() => chooseDriver(request({prompt: 'terminal', terminal: undefined}), env())).toThrow('the prompt driver terminal cannot ask for a code here: there is no terminal')
  })

  test('no driver at all: with the terminal not ours, run mfa login elsewhere; otherwise pass a code or set a driver', () => {
    const none = {PATH: bin}
    expect(() => chooseDriver(request({terminal: false}), none)).toThrow(`the MFA session for ${SERIAL} has ended and a new code is needed; run \`mfa login -p admin\` in another terminal`)
    if (!hasTerminal()) {
      expect(() => chooseDriver(request({terminal: undefined}), none)).toThrow(`a code for ${SERIAL} is needed and there is no terminal or desktop to ask for it`)
      expect(() => chooseDriver(request({terminal: true}), none)).toThrow(`a code for ${SERIAL} is needed and there is no terminal or desktop to ask for it`)
    }
  })
})

describe('askForCode', () => {
  test("the driver is given the profiles, the device and the request's environment; its answer comes back trimmed", async () => {
    fakeTool('zenity', [' 123456 '])
    expect(await askForCode(request())).toBe('123456')
    expect(calls()).toBe(1)
    expect(argsOf(1)).toEqual(['--entry', '--title=mfa: MFA code for profile admin', '--text=MFA code for profile admin', `device ${SERIAL}`, '--width=440'])
  })

  test('mfa_ykman_account reaches the driver', async () => {
    fakeTool('ykman', ['654321'])
    expect(await askForCode(request({prompt: 'ykman', ykmanAccount: 'AWS:alice'}))).toBe('654321')
    expect(argsOf(1)).toEqual(['oath', 'accounts', 'code', '--single', 'AWS:alice'])
  })

  test('without an environment of its own, the process environment is used', async () => {
    fakeTool('ykman', ['654321'])
    const saved = process.env.PATH
    process.env.PATH = `${bin}:/usr/bin:/bin`
    process.env.STATE = dir
    try {
      expect(await askForCode(request({prompt: 'ykman', env: undefined}))).toBe('654321')
    } finally {
      process.env.PATH = saved
      delete process.env.STATE
    }
  })

  test('a cancel fails with exit 130 and asks no more', async () => {
    fakeTool('zenity', ['CANCEL', '123456'])
    const error = await rejection(askForCode(request()))
    expect(error).toBeInstanceOf(MfaError)
    expect(error.message).toBe('cancelled: no code was entered; nothing was changed')
    expect(error.exitCode).toBe(EXIT.cancelled)
    expect(calls()).toBe(1)
  })

  test('a person is asked again, told what was wrong: not six digits, then a code already used', async () => {
    markUsed(cacheDir, SERIAL, '111111')
    fakeTool('zenity', ['12345', '111111', '222222'])
    expect(await askForCode(request())).toBe('222222')
    expect(calls()).toBe(3)
    expect(argsOf(1)[2]).toBe('--text=MFA code for profile admin')
    expect(argsOf(2).slice(2, 5)).toEqual(['--text=The code is the 6 digits your device shows.', '', 'MFA code for profile admin'])
    expect(argsOf(3).slice(2, 5)).toEqual(['--text=That code was already used (a code works once); wait for the next one.', '', 'MFA code for profile admin'])
  })

  test('a used code is only refused for its own device', async () => {
    markUsed(cacheDir, `${SERIAL}-other`, '111111')
    fakeTool('zenity', ['111111'])
    expect(await askForCode(request())).toBe('111111')
  })

  test('five wrong answers from a person, then a failure that says to run the command again', async () => {
    fakeTool('zenity', ['1', '2', '3', '4', '5', '123456'])
    const error = await rejection(askForCode(request()))
    expect(calls()).toBe(5)
    expect(error.message).toBe('the prompt driver zenity gave no 6-digit code')
    expect(error.hint).toBe('Run the command again and give the 6 digits your device shows.')
    expect(error.exitCode).not.toBe(EXIT.cancelled)
  })

  test('a source that is no person (a command, ykman) is not asked again: one bad answer fails', async () => {
    fakeTool('ykman', ['12345', '123456'])
    const error = await rejection(askForCode(request({prompt: 'ykman'})))
    expect(calls()).toBe(1)
    expect(error.message).toBe('the prompt driver ykman gave no 6-digit code')
    expect(error.hint).toBe('Check that it prints the current code of the device in mfa_serial.')
  })

  test('a command that prints a code already used fails, saying so', async () => {
    markUsed(cacheDir, SERIAL, '333333')
    const error = await rejection(askForCode(request({prompt: 'echo 333333'})))
    expect(error.message).toBe('the prompt driver echo 333333 gave a code that was already used')
    expect(error.hint).toBe('Check that it prints the current code of the device in mfa_serial.')
  })

  test('a person who gives a used code five times is told it was used', async () => {
    markUsed(cacheDir, SERIAL, '333333')
    fakeTool('zenity', Array(5).fill('333333'))
    const error = await rejection(askForCode(request()))
    expect(calls()).toBe(5)
    expect(error.message).toBe('the prompt driver zenity gave a code that was already used')
  })
})
