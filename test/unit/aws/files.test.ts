/**
 * Where the AWS files are and what they say (src/aws/files.ts), on POSIX paths; Windows paths are
 * in windows.test.ts.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {configPath, configSectionName, credentialsPath, displayPath, homeDir, loadAwsFiles, loadIniFile, profileNames, profileSettings} from '../../../src/aws/files.js'

let home: string
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mfa-files-'))
  mkdirSync(join(home, '.aws'))
})
afterEach(() => rmSync(home, {recursive: true, force: true}))

describe('paths', () => {
  test('~/.aws/config and ~/.aws/credentials by default', () => {
    expect(configPath({HOME: '/h'})).toBe('/h/.aws/config')
    expect(credentialsPath({HOME: '/h'})).toBe('/h/.aws/credentials')
  })
  test('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, with ~ expanded', () => {
    expect(configPath({HOME: '/h', AWS_CONFIG_FILE: '~/cfg'})).toBe('/h/cfg')
    expect(credentialsPath({HOME: '/h', AWS_SHARED_CREDENTIALS_FILE: '/abs/creds'})).toBe('/abs/creds')
    expect(configPath({HOME: '/h', AWS_CONFIG_FILE: '~'})).toBe('/h')
    expect(configPath({HOME: '/h', AWS_CONFIG_FILE: '~other/cfg'})).toBe('~other/cfg')
  })
  test('an empty variable counts as not set', () => {
    expect(configPath({HOME: '/h', AWS_CONFIG_FILE: ''})).toBe('/h/.aws/config')
  })
  test('HOME, then USERPROFILE', () => {
    expect(homeDir({HOME: '/h', USERPROFILE: '/u'})).toBe('/h')
    expect(homeDir({USERPROFILE: '/u'})).toBe('/u')
  })
  test('displayPath: ~ for the home directory, only at a path boundary', () => {
    expect(displayPath('/h/.aws/config', {HOME: '/h'})).toBe('~/.aws/config')
    expect(displayPath('/home2/x', {HOME: '/home'})).toBe('/home2/x')
    expect(displayPath('/h', {HOME: '/h'})).toBe('/h')
  })
})

describe('loadIniFile', () => {
  test('a missing file is empty and says so', () => {
    const file = loadIniFile(join(home, '.aws', 'none'), {HOME: home})
    expect(file).toMatchObject({content: '', exists: false})
    expect(file.sections.size).toBe(0)
  })
  test('a directory in its place: one line', () => {
    expect(() => loadIniFile(join(home, '.aws'), {HOME: home})).toThrow('~/.aws is a directory, not a file')
  })
  test('a malformed line is reported with the path as users know it', () => {
    // Read when it is needed: the whole file (doc), or a section that runs into the line.
    writeFileSync(join(home, '.aws', 'config'), 'junk\n')
    expect(() => loadAwsFiles({HOME: home}).config.doc).toThrow('~/.aws/config line 1: expected "key = value", "[section]" or a comment')
  })
})

describe('profiles across both files', () => {
  function files(config: string, credentials: string) {
    writeFileSync(join(home, '.aws', 'config'), config)
    writeFileSync(join(home, '.aws', 'credentials'), credentials)
    return loadAwsFiles({HOME: home})
  }
  test('configSectionName', () => {
    expect(configSectionName('default')).toBe('default')
    expect(configSectionName('work')).toBe('profile work')
  })
  test('the config\'s settings merged with the credentials\', the credentials file winning', () => {
    const aws = files('[profile work]\nregion = eu-west-1\nk = config\n', '[work]\nk = credentials\n')
    expect(profileSettings(aws, 'work')).toEqual({region: 'eu-west-1', k: 'credentials'})
  })
  test('[profile default] counts as default when there is no [default]', () => {
    expect(profileSettings(files('[profile default]\nregion = x\n', ''), 'default')).toEqual({region: 'x'})
    expect(profileSettings(files('[default]\nregion = y\n[profile default]\nregion = x\n', ''), 'default')).toEqual({region: 'y'})
  })
  test('[work] in the config file is not the profile work', () => {
    expect(profileSettings(files('[work]\nregion = x\n', ''), 'work')).toBeUndefined()
  })
  test('profileNames: both files, sorted, once each', () => {
    const aws = files('[default]\n[profile b]\n[services s]\n[sso-session x]\n', '[a]\n[b]\n')
    expect(profileNames(aws)).toEqual(['a', 'b', 'default'])
  })
})
