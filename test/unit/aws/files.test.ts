/**
 * Where the AWS files are and what they say (src/aws/files.ts), on POSIX paths; Windows paths are
 * in windows.test.ts.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseIni, readSections} from '../../../src/aws/ini.js'
import {configPath, configSectionName, credentialsPath, displayPath, expandPath, homeDir, loadAwsFiles, loadIniFile, profileNames, profileSettings, removeIniFile} from '../../../src/aws/files.js'

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
    expect(file).toMatchObject({content: '', exists: false, encoding: 'utf8'})
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
  test('[profile default] stands in only for default', () => {
    expect(profileSettings(files('[profile default]\nregion = x\n', '[work]\nk = v\n'), 'work')).toEqual({k: 'v'})
  })
  test('profileNames: a profile only the config file knows', () => {
    expect(profileNames(files('[profile c]\n[sso-session x]\n', ''))).toEqual(['c'])
  })
  test('[work] in the config file is not the profile work', () => {
    expect(profileSettings(files('[work]\nregion = x\n', ''), 'work')).toBeUndefined()
  })
  test('profileNames: both files, sorted, once each', () => {
    const aws = files('[default]\n[profile b]\n[services s]\n[sso-session x]\n', '[a]\n[b]\n')
    expect(profileNames(aws)).toEqual(['a', 'b', 'default'])
  })
})

describe('paths: the edges', () => {
  test('HOME set but empty is refused, with what to set', () => {
    expect(() => homeDir({HOME: ''})).toThrow(expect.objectContaining({message: 'HOME is empty, so there is no ~/.aws to use', hint: expect.stringContaining('Set HOME to your home directory')}))
  })
  test('neither HOME nor USERPROFILE: the account\'s home directory', () => {
    expect(homeDir({})).toBe(homedir())
    expect(displayPath(join(homedir(), 'x'), {})).toBe('~/x')
  })
  test('displayPath with USERPROFILE, and with HOME empty (no ~ then)', () => {
    expect(displayPath('/u/.aws/config', {USERPROFILE: '/u'})).toBe('~/.aws/config')
    expect(displayPath('/u/.aws/config', {HOME: ''})).toBe('/u/.aws/config')
    expect(displayPath(join(homedir(), 'x'), {HOME: ''})).toBe(join(homedir(), 'x'))
  })
  test('$NAME and ${NAME} of set variables are expanded, as botocore does; others stay as written', () => {
    expect(expandPath('$DIR/${FILE}.ini', {DIR: '/d', FILE: 'cfg'})).toBe('/d/cfg.ini')
    expect(expandPath('$NOPE/${NOPE}/x', {})).toBe('$NOPE/${NOPE}/x')
    expect(expandPath('~/$D', {HOME: '/h', D: 'd'})).toBe('/h/d')
    expect(expandPath('$E/x', {E: ''})).toBe('/x')
  })
  test('only a leading ~ is the home directory', () => {
    expect(expandPath('/d/~/', {HOME: '/h'})).toBe('/d/~/')
  })
})

describe('loadIniFile: the edges', () => {
  test('a FIFO in place of the file is refused, with where to point instead', () => {
    const fifo = join(home, '.aws', 'config')
    execFileSync('mkfifo', [fifo])
    expect(() => loadIniFile(fifo, {HOME: home})).toThrow(
      expect.objectContaining({
        message: '~/.aws/config is not a regular file (a device, FIFO or socket); mfa reads and writes the AWS files only as files',
        hint: 'Point AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE at a regular file.',
      }),
    )
  })
  test('a link to a file is read through; a dangling link is a file to come', () => {
    const target = join(home, 'real')
    writeFileSync(target, '[a]\nk = v\n')
    symlinkSync(target, join(home, '.aws', 'config'))
    expect(loadIniFile(join(home, '.aws', 'config'), {HOME: home}).sections.get('a')).toEqual({k: 'v'})
    symlinkSync(join(home, 'none'), join(home, '.aws', 'credentials'))
    expect(loadIniFile(join(home, '.aws', 'credentials'), {HOME: home})).toMatchObject({exists: false, content: ''})
  })
  test('bytes that are not UTF-8 are read, and the encoding says how to write them back', () => {
    writeFileSync(join(home, '.aws', 'config'), Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\n[a]\nk = v\n')]))
    const file = loadIniFile(join(home, '.aws', 'config'), {HOME: home})
    expect(file).toMatchObject({encoding: 'surrogateescape', exists: true})
    expect(file.sections.get('a')).toEqual({k: 'v'})
  })
  test('the sections as a map: get, has, size, keys, values, entries, forEach and iteration agree with the whole file', () => {
    writeFileSync(join(home, '.aws', 'config'), '[a]\nk = 1\n[b]\nk = 2\n[a]\nx = 3\n')
    const load = () => loadIniFile(join(home, '.aws', 'config'), {HOME: home}).sections
    expect(load().get('a')).toEqual({k: '1', x: '3'})
    const s = load()
    expect([s.has('a'), s.has('c')]).toEqual([true, false])
    expect(s.get('a')).toBe(s.get('a'))
    expect(s.get('missing')).toBeUndefined()
    expect(s.size).toBe(2)
    expect([...s.keys()]).toEqual(['a', 'b'])
    expect([...s.values()]).toEqual([{k: '1', x: '3'}, {k: '2'}])
    expect([...s.entries()]).toEqual([['a', {k: '1', x: '3'}], ['b', {k: '2'}]])
    expect([...s]).toEqual([...s.entries()])
    const seen: string[] = []
    s.forEach((value, key) => seen.push(`${key}:${value.k}`))
    expect(seen).toEqual(['a:1', 'b:2'])
    expect(s.get('b')).toEqual({k: '2'})
  })
  test('a section read alone reports a bad line in it with the line number of the whole file', () => {
    writeFileSync(join(home, '.aws', 'config'), '[a]\nk = 1\n\n[b]\nk = 2\njunk\n')
    expect(() => loadIniFile(join(home, '.aws', 'config'), {HOME: home}).sections.get('b')).toThrow('~/.aws/config line 6: expected')
    expect(loadIniFile(join(home, '.aws', 'config'), {HOME: home}).sections.get('a')).toEqual({k: '1'})
  })
  test('a setting before the first header is refused even when one section is read', () => {
    writeFileSync(join(home, '.aws', 'config'), 'k = v\n[a]\nk = 1\n')
    expect(() => loadIniFile(join(home, '.aws', 'config'), {HOME: home}).sections.get('a')).toThrow('~/.aws/config line 1: a setting outside of any [section]')
  })
})

describe('a large file (over 256 KiB), searched a block at a time', () => {
  // ~400 KB: six 64 KiB blocks; the sections asked for stand at the end, at a block's edge, and twice.
  const large = () => {
    let text = '# large\n'
    for (let i = 0; i < 4000; i++) text += `[profile p${i}]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::1:mfa/u${i}\n`
    // A comment long enough that the next header starts 3 bytes before the third block ends.
    const after = text.indexOf('[profile p1000]\n') + '[profile p1000]\n'.length
    text = `${text.slice(0, after)}#${'x'.repeat(65536 * 3 - 3 - after - 2)}\n[profile mfa]\nmfa_source_profile = default\n${text.slice(after)}`
    return `${text}[default]\nregion = a\n[ profile mfa ]\nregion = b\n[default]\nREGION = c\n  more\n`
  }
  test('every section is what the whole file says', () => {
    const path = join(home, '.aws', 'config')
    const text = large()
    writeFileSync(path, text)
    expect(text.indexOf('\n[profile mfa]') + 1).toBe(65536 * 3 - 3)
    const whole = readSections(parseIni(text, 'config'))
    const file = loadIniFile(path, {HOME: home})
    for (const name of ['default', 'profile mfa', 'profile p0', 'profile p3999', 'profile p1000', 'mfa', 'missing']) {
      expect([name, file.sections.get(name)]).toEqual([name, whole.get(name)])
    }
    expect(file.content).toBe(text)
    expect(file.doc.lines).toHaveLength(text.split('\n').length - 1)
  })
  test('sections expected (found in one pass) are what the whole file says, expected or not, asked once or twice', () => {
    const path = join(home, '.aws', 'config')
    const text = large()
    writeFileSync(path, text)
    const whole = readSections(parseIni(text, 'config'))
    const file = loadIniFile(path, {HOME: home})
    file.expect(['default', 'profile mfa', 'missing', 'default'])
    file.expect(['profile p3999'])
    for (const name of ['profile mfa', 'default', 'missing', 'profile p3999', 'profile p0', 'default']) {
      expect([name, file.sections.get(name)]).toEqual([name, whole.get(name)])
    }
  })
  test('a bad line in a section read alone is reported with its line number in the whole file', () => {
    const path = join(home, '.aws', 'config')
    const text = `${large()}[broken]\njunk\n`
    writeFileSync(path, text)
    expect(() => loadIniFile(path, {HOME: home}).sections.get('broken')).toThrow(`~/.aws/config line ${text.split('\n').length - 1}: expected`)
  })
  test('the file read is the one opened: a file renamed over it meanwhile is not mixed in', () => {
    const path = join(home, '.aws', 'config')
    const text = large()
    writeFileSync(path, text)
    const file = loadIniFile(path, {HOME: home})
    expect(file.sections.get('profile p0')).toEqual({region: 'eu-west-1', mfa_serial: 'arn:aws:iam::1:mfa/u0'})
    writeFileSync(`${path}.new`, text.replaceAll('region = a', 'region = z'))
    renameSync(`${path}.new`, path)
    // [default] is read after the rename: from the file that was opened, where its first region is a.
    expect(file.sections.get('default')).toEqual(readSections(parseIni(text, 'config')).get('default'))
    expect(file.content).toBe(text)
    expect(readFileSync(path, 'utf8')).toContain('region = z')
  })
})

describe('removeIniFile', () => {
  test('removes the file; a file already gone is fine', () => {
    const path = join(home, '.aws', 'credentials')
    writeFileSync(path, '')
    removeIniFile(path, {HOME: home})
    expect(existsSync(path)).toBe(false)
    expect(() => removeIniFile(path, {HOME: home})).not.toThrow()
  })
  test('a file that cannot be removed: one line saying which', () => {
    expect(() => removeIniFile(join(home, '.aws'), {HOME: home})).toThrow(/^could not remove the empty file ~\/\.aws: /)
  })
})

test('profileNames: a [profile  x] header with extra spaces is the profile x', () => {
  writeFileSync(join(home, '.aws', 'config'), '[profile  x ]\n')
  writeFileSync(join(home, '.aws', 'credentials'), '')
  expect(profileNames(loadAwsFiles({HOME: home}))).toEqual(['x'])
})
