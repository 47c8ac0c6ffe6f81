/**
 * Windows, where nothing here can run it: the parts of mfa that differ there, checked on Linux.
 * Paths with node:path swapped for its win32 flavour; exec's choices for platform 'win32'; the
 * PowerShell quoting of Windows paths. README says what this does and does not prove.
 */
import {jest} from '@jest/globals'
import path from 'node:path'
import {quotePowerShell} from '../../../src/shells/powershell.js'

jest.unstable_mockModule('node:path', () => ({...path.win32, default: path.win32}))
const files = await import('../../../src/aws/files.js')
const {defaultCommand, passesOn} = await import('../../../src/actions/exec.js')

describe('~/.aws on Windows (node:path as win32)', () => {
  const windows = {USERPROFILE: 'C:\\Users\\Ann O’Neil'}

  test('USERPROFILE when HOME is not set, joined with backslashes', () => {
    expect(files.homeDir(windows)).toBe('C:\\Users\\Ann O’Neil')
    expect(files.configPath(windows)).toBe('C:\\Users\\Ann O’Neil\\.aws\\config')
    expect(files.credentialsPath(windows)).toBe('C:\\Users\\Ann O’Neil\\.aws\\credentials')
  })

  test('HOME first when it is set (as the AWS SDK for JavaScript reads it), then USERPROFILE', () => {
    expect(files.configPath({HOME: 'D:\\home', USERPROFILE: 'C:\\Users\\ann'})).toBe('D:\\home\\.aws\\config')
  })

  test('AWS_CONFIG_FILE with ~\\ or ~/ is under the home directory', () => {
    expect(files.configPath({...windows, AWS_CONFIG_FILE: '~\\aws\\config'})).toBe('C:\\Users\\Ann O’Neil\\aws\\config')
    expect(files.credentialsPath({...windows, AWS_SHARED_CREDENTIALS_FILE: '~/aws/creds'})).toBe('C:\\Users\\Ann O’Neil\\aws\\creds')
    expect(files.configPath({...windows, AWS_CONFIG_FILE: 'E:\\cfg'})).toBe('E:\\cfg')
  })

  test('paths shown to the user start with ~ there too', () => {
    expect(files.displayPath('C:\\Users\\Ann O’Neil\\.aws\\config', windows)).toBe('~\\.aws\\config')
    expect(files.displayPath('C:\\Users\\Ann O’Neil2\\x', windows)).toBe('C:\\Users\\Ann O’Neil2\\x')
  })
})

describe('mfa exec on Windows', () => {
  test('without a command it starts ComSpec (cmd.exe), not /bin/sh; SHELL still wins when set', () => {
    expect(defaultCommand({ComSpec: 'C:\\Windows\\system32\\cmd.exe'}, 'win32')).toBe('C:\\Windows\\system32\\cmd.exe')
    expect(defaultCommand({}, 'win32')).toBe('cmd.exe')
    expect(defaultCommand({SHELL: 'C:\\Program Files\\Git\\bin\\bash.exe'}, 'win32')).toBe('C:\\Program Files\\Git\\bin\\bash.exe')
    expect(defaultCommand({}, 'linux')).toBe('/bin/sh')
  })

  test('Ctrl-C is not passed on (the console gives it to the command itself; kill would end it outright)', () => {
    const never = () => {
      throw new Error('no /proc question on Windows')
    }
    expect(passesOn('SIGINT', 'win32', never)).toBe(false)
    expect(passesOn('SIGWINCH', 'win32', never)).toBe(false)
    expect(passesOn('SIGTERM', 'win32', never)).toBe(true)
    // On Linux the terminal's process group decides.
    expect(passesOn('SIGINT', 'linux', () => true)).toBe(false)
    expect(passesOn('SIGINT', 'linux', () => false)).toBe(true)
  })
})

describe('PowerShell quoting of Windows values', () => {
  test('backslashes, drive letters, spaces and every quote kind stay literal', () => {
    expect(quotePowerShell('C:\\Program Files\\nodejs\\node_modules\\mfa\\bin\\run.cjs')).toBe("'C:\\Program Files\\nodejs\\node_modules\\mfa\\bin\\run.cjs'")
    expect(quotePowerShell("C:\\Users\\O'Brien‘’‚‛\\$env:X`n")).toBe("'C:\\Users\\O''Brien‘‘’’‚‚‛‛\\$env:X`n'")
    expect(quotePowerShell('line1\r\nline2')).toBe('\'line1\' + "`r" + "`n" + \'line2\'')
  })
})
