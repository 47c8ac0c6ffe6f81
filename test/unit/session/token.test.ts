/**
 * Where the one-time code comes from (src/session/token.ts): --token-code, mfa_process (a real
 * shell command), and the record of used codes. The wait for the next code window is injected, so
 * no test sleeps. The terminal question needs a terminal: test/e2e covers it under tmux.
 */
import {closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {EXIT, MfaError} from '../../../src/cli/errors.js'
import {checkCode, markUsed, obtainCode, wasUsed, type CodeRequest} from '../../../src/session/token.js'

const SERIAL = 'arn:aws:iam::123456789012:mfa/alice'
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-token-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

function request(over: Partial<CodeRequest> = {}): CodeRequest & {said: string[]; waits: number[]} {
  const said: string[] = []
  const waits: number[] = []
  return {profile: 'work', serial: SERIAL, cacheDir: dir, say: line => said.push(line), sleep: async ms => void waits.push(ms), said, waits, ...over}
}

/** The error a promise was rejected with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<MfaError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error as MfaError,
  )
}

describe('checkCode', () => {
  test('six digits, spaces around them trimmed', () => {
    expect(checkCode(' 012345\n', '--token-code')).toBe('012345')
  })
  test.each(['12345', '1234567', '12345a', '12 345'])('%j is refused as a usage error, naming its source', code => {
    const error = (() => {
      try {
        checkCode(code, '--token-code')
      } catch (e) {
        return e as MfaError
      }
    })()
    expect(error?.message).toBe('--token-code must be the 6 digits your MFA device shows')
    expect(error?.hint).toBe('Give all six digits, leading zeros included.')
    expect(error?.exitCode).toBe(EXIT.usage)
  })
  test('an empty code says so', () => {
    expect(() => checkCode('  ', '--token-code')).toThrow('--token-code must be the 6 digits your MFA device shows, and it is empty')
  })
})

describe('the record of used codes', () => {
  test('a code marked used is used, for that device only', () => {
    markUsed(dir, SERIAL, '123456')
    expect(wasUsed(dir, SERIAL, '123456')).toBe(true)
    expect(wasUsed(dir, SERIAL, '654321')).toBe(false)
    expect(wasUsed(dir, `${SERIAL}2`, '123456')).toBe(false)
  })
  test('a code is used for 90 s (its window and one on each side), not longer', () => {
    markUsed(dir, SERIAL, '123456')
    const at = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8')).at as number
    expect(wasUsed(dir, SERIAL, '123456', at + 89_999)).toBe(true)
    expect(wasUsed(dir, SERIAL, '123456', at + 90_000)).toBe(false)
  })
  test('the record is a private file named after the device, not the code', () => {
    markUsed(dir, SERIAL, '123456')
    const [name] = readdirSync(dir)
    expect(name).toMatch(/^used-[0-9a-f]{16}\.json$/)
    expect(readFileSync(join(dir, name), 'utf8')).toMatch(/^\{"code":"123456","at":\d+\}\n$/)
  })
  test('no record, or a garbled one: not used', () => {
    expect(wasUsed(dir, SERIAL, '123456')).toBe(false)
    markUsed(dir, SERIAL, '123456')
    writeFileSync(join(dir, readdirSync(dir)[0]), 'garbled')
    expect(wasUsed(dir, SERIAL, '123456')).toBe(false)
  })
  test('a record that cannot be written does not fail the login', () => {
    expect(() => markUsed(join(dir, 'missing', '\0bad'), SERIAL, '123456')).not.toThrow()
  })
})

describe('obtainCode: --token-code', () => {
  test('the flag\'s code, checked', async () => {
    expect(await obtainCode(request({tokenCode: '123456', mfaProcess: 'exit 1'}))).toBe('123456')
    await expect(obtainCode(request({tokenCode: '12'}))).rejects.toThrow('--token-code must be the 6 digits')
  })
  test('a code already used is refused before it reaches STS', async () => {
    markUsed(dir, SERIAL, '123456')
    const error = await rejection(obtainCode(request({tokenCode: '123456'})))
    expect(error.message).toBe(`code 123456 was already used for ${SERIAL}`)
    expect(error.hint).toBe('A code works only once: wait for the next code from your device and try again.')
  })
})

describe('obtainCode: mfa_process', () => {
  test('what it prints, trimmed', async () => {
    expect(await obtainCode(request({mfaProcess: 'printf " 012345\\n"'}))).toBe('012345')
  })
  test('a used code: waits for the next window, once per used code, and says so', async () => {
    const flag = join(dir, 'ran')
    markUsed(dir, SERIAL, '111111')
    const req = request({mfaProcess: `if [ -e '${flag}' ]; then echo 222222; else touch '${flag}'; echo 111111; fi`, now: () => 1_000_000_000_000})
    expect(await obtainCode(req)).toBe('222222')
    expect(req.waits).toEqual([21_000])
    expect(req.said).toEqual(['mfa: code from mfa_process was already used; waiting 21 s for the next one…'])
  })
  test('keeps printing the used code: gives up after four tries', async () => {
    markUsed(dir, SERIAL, '111111')
    const req = request({mfaProcess: 'echo 111111', now: () => 30_000})
    const error = await rejection(obtainCode(req))
    expect(error.message).toBe('mfa_process of profile "work" keeps printing a code that was already used')
    expect(error.hint).toBe('Check that it prints the current code of the device in mfa_serial.')
    expect(req.waits).toEqual([31_000, 31_000, 31_000])
  })
  test('not found: exit 127', async () => {
    const error = await rejection(obtainCode(request({mfaProcess: 'no-such-command-for-mfa'})))
    expect(error.message).toBe('mfa_process of profile "work" was not found')
    expect(error.hint).toBe('Run it by hand to check it: no-such-command-for-mfa')
  })
  test('fails: its exit code', async () => {
    await expect(obtainCode(request({mfaProcess: 'exit 3'}))).rejects.toThrow('mfa_process of profile "work" failed (exit 3)')
  })
  test('killed: its signal', async () => {
    await expect(obtainCode(request({mfaProcess: 'kill -TERM $$'}))).rejects.toThrow('mfa_process of profile "work" failed (exit SIGTERM)')
  })
  test('prints something else: how long it was, never what', async () => {
    const error = await rejection(obtainCode(request({mfaProcess: 'echo hunter2'})))
    expect(error.message).toBe('mfa_process of profile "work" printed 7 characters, not a 6-digit code')
    expect(error.message).not.toContain('hunter2')
    expect(error.hint).toBe('It must print only the current code, e.g. `ykman oath accounts code --single NAME`.')
  })
  test('prints a code and more lines: not only a code', async () => {
    await expect(obtainCode(request({mfaProcess: 'printf "123456\\nmore\\n"'}))).rejects.toThrow('mfa_process of profile "work" printed 11 characters, not a 6-digit code')
  })
  test('leaves a child in the background holding stdout: done when it exits', async () => {
    const started = Date.now()
    expect(await obtainCode(request({mfaProcess: 'echo 123456; sleep 4 &'}))).toBe('123456')
    expect(Date.now() - started).toBeLessThan(3000)
  })
  test('prints no code within its time limit: killed, and the limit named', async () => {
    const error = await rejection(obtainCode(request({mfaProcess: 'sleep 3; echo 123456', mfaProcessLimitMs: 300})))
    expect(error.message).toBe('mfa_process of profile "work" did not print a code within 0.3 s')
    expect(error.hint).toBe('Run it by hand to see what it waits for.')
  })
  test('prints nothing', async () => {
    await expect(obtainCode(request({mfaProcess: 'true'}))).rejects.toThrow('mfa_process of profile "work" printed nothing, not a 6-digit code')
  })
})

/** Whether this process has no controlling terminal (CI, a mutation run): then the question cannot be asked. */
const noTerminal = (() => {
  try {
    closeSync(openSync('/dev/tty', 'r'))
    return false
  } catch {
    return true
  }
})()

describe('obtainCode: no flag, no mfa_process', () => {
  test('asking no one (the exec server after a cancelled dialog): the login to run elsewhere', async () => {
    const error = await rejection(obtainCode(request({ask: false})))
    expect(error.message).toBe(`the MFA session for ${SERIAL} has ended and a new code is needed; run \`mfa login -p work\` in another terminal`)
  })
  const name = 'and no terminal: fails at once, saying what to pass'
  ;(noTerminal ? test : test.skip)(noTerminal ? name : `${name} [skipped: this process has a terminal; test/e2e asks on one]`, async () => {
    const error = await rejection(obtainCode(request()))
    expect(error.message).toBe(`a code for ${SERIAL} is needed and there is no terminal or desktop to ask for it`)
    expect(error.hint).toBe('Pass --token-code with the 6 digits your device shows, set mfa_prompt_driver in the profile (zenity, kdialog, osascript, ykman, or a command that prints the code), or run mfa in a terminal.')
  })
})
