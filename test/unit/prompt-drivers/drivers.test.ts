/**
 * Prompt drivers without a desktop: the argument vectors of the dialogs that cannot run here
 * (kdialog, osascript) against their documented syntax, zenity's markup escaping, and which driver
 * is chosen when. Tools are faked by executables on a temporary PATH.
 */
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {chooseDriver} from '../../../src/session/ask-code.js'
import {kdialogArgs} from '../../../src/prompt-drivers/kdialog.js'
import {osascriptArgs} from '../../../src/prompt-drivers/osascript.js'
import type {PromptRequest} from '../../../src/prompt-drivers/types.js'
import {ykmanArgs} from '../../../src/prompt-drivers/ykman.js'
import {pangoEscape, zenity, zenityArgs} from '../../../src/prompt-drivers/zenity.js'
import {kdialog} from '../../../src/prompt-drivers/kdialog.js'

const SERIAL = 'arn:aws:iam::123456789012:mfa/demo'
const request = (extra: Partial<PromptRequest> = {}): PromptRequest => ({
  profile: 'default',
  requestedProfile: 'admin',
  serial: SERIAL,
  env: {},
  problemWith: () => undefined,
  ...extra,
})

describe('argument vectors', () => {
  test('kdialog: --title TITLE --inputbox TEXT INIT, the texts as single arguments', () => {
    expect(kdialogArgs(request())).toEqual(['--title', 'mfa: MFA code for profile admin', '--inputbox', `MFA code for profile admin\ndevice ${SERIAL}`, ''])
    const tricky = kdialogArgs(request({requestedProfile: `it's "x" $(rm -rf ~) <b>`}))
    expect(tricky[1]).toBe(`mfa: MFA code for profile it's "x" $(rm -rf ~) <b>`)
  })

  test('osascript: the script in -e lines, then the texts as arguments of its run handler (never in the source)', () => {
    const args = osascriptArgs(request({requestedProfile: `a"b\\c`}))
    expect(args).toEqual([
      '-e',
      'on run argv',
      '-e',
      'text returned of (display dialog (item 1 of argv) with title (item 2 of argv) default answer "" buttons {"Cancel", "OK"} default button "OK" cancel button "Cancel" with icon note)',
      '-e',
      'end run',
      `MFA code for profile a"b\\c\ndevice ${SERIAL}`,
      'mfa: MFA code for profile a"b\\c',
    ])
    // The source: every -e is followed by a line of AppleScript, and no user text is among them.
    const source = args.slice(0, 6).filter((_, i) => i % 2 === 1)
    expect(args.slice(0, 6).filter((_, i) => i % 2 === 0)).toEqual(['-e', '-e', '-e'])
    expect(source.join('\n')).not.toMatch(/a"b/)
    expect(source[0]).toBe('on run argv')
    expect(source.at(-1)).toBe('end run')
  })

  test('a problem with the last answer comes first in the text', () => {
    expect(kdialogArgs(request({problem: 'The code is the 6 digits your device shows.'}))[3]).toBe(
      `The code is the 6 digits your device shows.\n\nMFA code for profile admin\ndevice ${SERIAL}`,
    )
  })

  test('zenity: --entry with title and text; the text escaped for Pango markup', () => {
    expect(zenityArgs(request({requestedProfile: 'a&b<c>'}))).toEqual([
      '--entry',
      '--title=mfa: MFA code for profile a&b<c>',
      `--text=MFA code for profile a&amp;b&lt;c&gt;\ndevice ${SERIAL}`,
      '--width=440',
    ])
    expect(pangoEscape('&amp;')).toBe('&amp;amp;')
  })

  test('ykman: oath accounts code --single, for mfa_ykman_account else the serial', () => {
    expect(ykmanArgs(request())).toEqual(['oath', 'accounts', 'code', '--single', SERIAL])
    expect(ykmanArgs(request({account: 'AWS:demo'}))).toEqual(['oath', 'accounts', 'code', '--single', 'AWS:demo'])
  })
})

describe('which driver asks', () => {
  let bin: string
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'mfa-drivers-'))
    for (const tool of ['zenity', 'kdialog', 'ykman']) {
      writeFileSync(join(bin, tool), '#!/bin/sh\nexit 0\n')
      chmodSync(join(bin, tool), 0o755)
    }
  })
  afterAll(() => rmSync(bin, {recursive: true, force: true}))

  const req = (extra: {prompt?: string; terminal?: boolean} = {}) => ({serial: SERIAL, profile: 'default', requestedProfile: 'admin', terminal: false, ...extra})
  const only = (tools: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-path-'))
    for (const tool of tools) {
      writeFileSync(join(dir, tool), '#!/bin/sh\nexit 0\n')
      chmodSync(join(dir, tool), 0o755)
    }
    return dir
  }

  test('a named driver, if it can run here; any other value is a command', () => {
    expect(chooseDriver(req({prompt: 'zenity'}), {PATH: bin, DISPLAY: ':1'}).name).toBe('zenity')
    expect(chooseDriver(req({prompt: 'kdialog'}), {PATH: bin, WAYLAND_DISPLAY: 'wayland-0'}).name).toBe('kdialog')
    expect(chooseDriver(req({prompt: 'ykman'}), {PATH: bin}).name).toBe('ykman')
    expect(chooseDriver(req({prompt: 'pass otp aws | head -1'}), {PATH: bin}).name).toBe('pass otp aws | head -1')
    expect(() => chooseDriver(req({prompt: 'zenity'}), {PATH: bin})).toThrow(/the prompt driver zenity cannot ask for a code here: there is no desktop/)
    expect(() => chooseDriver(req({prompt: 'ykman'}), {PATH: only([])})).toThrow(/ykman \(YubiKey Manager\) is not installed/)
    if (process.platform !== 'darwin') expect(() => chooseDriver(req({prompt: 'osascript'}), {PATH: bin})).toThrow(/osascript dialogs need macOS/)
  })

  test('without a terminal: zenity, else kdialog, when there is a display; else a failure naming mfa_prompt_driver', () => {
    expect(chooseDriver(req({terminal: false}), {PATH: bin, DISPLAY: ':1'}).name).toBe('zenity')
    expect(chooseDriver(req({terminal: false}), {PATH: only(['kdialog']), DISPLAY: ':1'}).name).toBe('kdialog')
    if (process.platform !== 'darwin') {
      expect(() => chooseDriver(req({terminal: false}), {PATH: bin})).toThrow(/mfa login -p admin` in another terminal/)
      const failure = (() => {
        try {
          chooseDriver(req({terminal: true}), {PATH: only([]), DISPLAY: ':1'})
        } catch (error) {
          return error as {message: string; hint: string}
        }
      })()
      // (With a terminal here, as when run by hand, the terminal is chosen: nothing to check then.)
      if (failure) expect(failure.hint).toMatch(/mfa_prompt_driver/)
    }
  })

  test('the exec server (no terminal of its own) never takes the terminal, even when it is named', () => {
    expect(() => chooseDriver(req({prompt: 'terminal', terminal: false}), {PATH: bin, DISPLAY: ':1'})).toThrow(/in another terminal/)
  })
})

describe('a dialog that cannot ask is a failure, not a cancel', () => {
  const fake = (tool: string, body: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-fake-'))
    writeFileSync(join(dir, tool), `#!/bin/sh\n${body}\n`)
    chmodSync(join(dir, tool), 0o755)
    return {PATH: `${dir}:/usr/bin:/bin`, DISPLAY: ':1'}
  }

  test('zenity: OK gives the entry; exit 1 (Cancel, Escape) and 5 (timeout) cancel; anything else fails with its message', async () => {
    expect(await zenity.ask(request({env: fake('zenity', 'echo 123456')}))).toBe('123456')
    expect(await zenity.ask(request({env: fake('zenity', 'exit 1')}))).toBeUndefined()
    expect(await zenity.ask(request({env: fake('zenity', 'exit 5')}))).toBeUndefined()
    await expect(zenity.ask(request({env: fake('zenity', 'echo "cannot open display: :1" >&2; exit 255')}))).rejects.toThrow('zenity could not ask for the code (exit 255: cannot open display: :1)')
  })

  test('kdialog: exit 1 cancels; anything else fails', async () => {
    expect(await kdialog.ask(request({env: fake('kdialog', 'exit 1')}))).toBeUndefined()
    await expect(kdialog.ask(request({env: fake('kdialog', 'exit 2')}))).rejects.toThrow(/^kdialog could not ask for the code \(exit 2\)$/)
  })
})
