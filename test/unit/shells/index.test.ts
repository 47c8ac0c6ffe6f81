/**
 * The shell registry (src/shells/index.ts): which shells have an init script, the templates filled
 * with quoted values, the cached integration's wrapper, and the names a process may carry. The
 * scripts themselves run in real shells in test/e2e; detectShell's process walk in render.test.ts.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {MfaError} from '../../../src/cli/errors.js'
import {checkName, checkValue} from '../../../src/shells/common.js'
import {renderCompletion} from '../../../src/shells/completion.js'
import {cachedInitName, getShell, INIT_SHELL_NAMES, isShellName, normaliseShellName, RC_LINES, renderCachedInit, renderInit} from '../../../src/shells/index.js'

const SHELL_DIR = join(process.cwd(), 'shell')
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-shells-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('the shells mfa init knows', () => {
  test('bash, zsh, fish and powershell; each has an rc line', () => {
    expect(INIT_SHELL_NAMES).toEqual(['bash', 'zsh', 'fish', 'powershell'])
    expect(Object.keys(RC_LINES)).toEqual(['bash', 'zsh', 'fish', 'powershell'])
    expect(RC_LINES.bash).toBe('source "${XDG_CACHE_HOME:-$HOME/.cache}/mfa/init.bash" 2>/dev/null || eval "$(mfa init bash)"')
  })
  test('isShellName', () => {
    expect(isShellName('json')).toBe(true)
    expect(isShellName('tcsh')).toBe(false)
  })
  test('getShell: an unknown name is a usage error', () => {
    const e = (() => {
      try {
        getShell('tcsh')
      } catch (error) {
        return error as MfaError
      }
    })()
    expect(e?.message).toBe('unknown shell "tcsh": the supported shells are bash, zsh, fish, powershell, sh, json')
    expect(e?.exitCode).toBe(2)
  })
  test('no init script for sh: the hint gives the env line; json: no hint; both usage errors', () => {
    const error = (shell: 'sh' | 'json') => {
      try {
        renderInit(shell, '/bin/mfa', SHELL_DIR)
      } catch (e) {
        return e as MfaError
      }
    }
    expect(error('sh')?.message).toBe('mfa init has no script for "sh": it supports bash, zsh, fish, powershell')
    expect(error('sh')?.hint).toBe('For a POSIX sh, use eval "$(mfa env --shell sh)".')
    expect(error('sh')?.exitCode).toBe(2)
    expect(error('json')?.hint).toBeUndefined()
  })
  test('cachedInitName: init.<the script\'s extension>', () => {
    expect(['bash', 'zsh', 'fish', 'powershell'].map(s => cachedInitName(s as 'bash'))).toEqual(['init.bash', 'init.zsh', 'init.fish', 'init.ps1'])
    expect(() => cachedInitName('sh')).toThrow(MfaError)
  })
})

describe('renderInit', () => {
  test('every __MFA_BIN__ replaced by the path, quoted for the shell; $& and $\' stay literal', () => {
    writeFileSync(join(dir, 'mfa.bash'), 'a __MFA_BIN__ b __MFA_BIN__\n')
    expect(renderInit('bash', "/o'pt/$&/mfa", dir)).toBe("a '/o'\\''pt/$&/mfa' b '/o'\\''pt/$&/mfa'\n")
    writeFileSync(join(dir, 'mfa.ps1'), "__MFA_BIN__ $'\n")
    expect(renderInit('powershell', "it's", dir)).toBe("'it''s' $'\n")
  })
  test('the real script has the placeholder', () => {
    expect(renderInit('zsh', '/usr/bin/mfa', SHELL_DIR)).not.toContain('__MFA_BIN__')
    expect(renderInit('zsh', '/usr/bin/mfa', SHELL_DIR)).toContain("'/usr/bin/mfa'")
  })
  test('a script without the placeholder, or missing, is an error', () => {
    writeFileSync(join(dir, 'mfa.bash'), 'nothing\n')
    expect(() => renderInit('bash', '/bin/mfa', dir)).toThrow(`${join(dir, 'mfa.bash')} has no __MFA_BIN__ placeholder`)
    expect(() => renderInit('zsh', '/bin/mfa', dir)).toThrow(`cannot read the zsh integration script ${join(dir, 'mfa.zsh')}`)
  })
  test('an unreadable script keeps the reason as the cause (shown under debugging)', () => {
    const error = (() => {
      try {
        renderInit('zsh', '/bin/mfa', dir)
      } catch (e) {
        return e as MfaError
      }
    })()
    expect(error?.cause).toMatchObject({code: 'ENOENT'})
  })
  test('a path no environment can hold is refused', () => {
    writeFileSync(join(dir, 'mfa.bash'), '__MFA_BIN__\n')
    expect(() => renderInit('bash', '/bin/\0mfa', dir)).toThrow('the value of the mfa path contains a NUL byte, which an environment variable cannot hold')
  })
})

describe('renderCachedInit', () => {
  const stamp = {found: '/usr/bin/mfa', real: '/opt/mfa/bin/run.cjs', packageJson: '/opt/mfa/package.json', version: '1.2.3'}
  test('the stamp quoted into the wrapper, the integration where its line was', () => {
    writeFileSync(join(dir, 'mfa.cached.sh'), 'f=__MFA_FOUND__ r=__MFA_REAL__ p=__MFA_PACKAGE_JSON__ v=__MFA_VERSION__\n__MFA_INTEGRATION__\nend\n')
    expect(renderCachedInit({shell: 'bash', shellDir: dir, stamp, integration: 'INTEGRATION\n'})).toBe(
      "f='/usr/bin/mfa' r='/opt/mfa/bin/run.cjs' p='/opt/mfa/package.json' v='1.2.3'\nINTEGRATION\nend\n",
    )
  })
  test('__MFA_FOUND__ may be absent (only PowerShell compares it); the others may not', () => {
    writeFileSync(join(dir, 'mfa.cached.sh'), '__MFA_REAL__ __MFA_PACKAGE_JSON__ __MFA_VERSION__\n__MFA_INTEGRATION__\n')
    expect(renderCachedInit({shell: 'zsh', shellDir: dir, stamp, integration: 'I\n'})).toBe("'/opt/mfa/bin/run.cjs' '/opt/mfa/package.json' '1.2.3'\nI\n")
    writeFileSync(join(dir, 'mfa.cached.sh'), '__MFA_REAL__ __MFA_PACKAGE_JSON__\n__MFA_INTEGRATION__\n')
    expect(() => renderCachedInit({shell: 'zsh', shellDir: dir, stamp, integration: 'I\n'})).toThrow('has no __MFA_VERSION__ placeholder')
  })
  test('a version no environment can hold is refused by its name', () => {
    writeFileSync(join(dir, 'mfa.cached.sh'), '__MFA_REAL__ __MFA_PACKAGE_JSON__ __MFA_VERSION__\n__MFA_INTEGRATION__\n')
    expect(() => renderCachedInit({shell: 'zsh', shellDir: dir, stamp: {...stamp, version: '1\0'}, integration: ''})).toThrow('the value of the mfa version contains a NUL byte')
  })
  test.each(['found', 'real', 'packageJson'] as const)('a %s path no environment can hold is refused as the mfa path', key => {
    writeFileSync(join(dir, 'mfa.cached.sh'), '__MFA_FOUND__ __MFA_REAL__ __MFA_PACKAGE_JSON__ __MFA_VERSION__\n__MFA_INTEGRATION__\n')
    expect(() => renderCachedInit({shell: 'zsh', shellDir: dir, stamp: {...stamp, [key]: '/bin/\0mfa'}, integration: ''})).toThrow(
      'the value of the mfa path contains a NUL byte',
    )
  })
  test('exactly one integration line', () => {
    const file = join(dir, 'mfa.cached.sh')
    writeFileSync(file, '__MFA_REAL__ __MFA_PACKAGE_JSON__ __MFA_VERSION__\n')
    expect(() => renderCachedInit({shell: 'bash', shellDir: dir, stamp, integration: ''})).toThrow(new RegExp(`needs one line __MFA_INTEGRATION__$`))
    writeFileSync(file, '__MFA_REAL__ __MFA_PACKAGE_JSON__ __MFA_VERSION__\n__MFA_INTEGRATION__\n__MFA_INTEGRATION__\n')
    expect(() => renderCachedInit({shell: 'bash', shellDir: dir, stamp, integration: ''})).toThrow(`${file} needs one line __MFA_INTEGRATION__`)
  })
  test('PowerShell: the copy leaves out the lines whose first non-blank character is #, and says so in its first line', () => {
    writeFileSync(join(dir, 'mfa.cached.ps1'), "# about\n__MFA_REAL__ __MFA_PACKAGE_JSON__ __MFA_VERSION__\n__MFA_INTEGRATION__\n")
    const integration = "function f {\n    # why\n\t# tab\n    $a = '#' # kept: not the line's first word\n}\n#end\n"
    expect(renderCachedInit({shell: 'powershell', shellDir: dir, stamp, integration})).toBe(
      "# mfa's integration for PowerShell, cached by `mfa init`; comments are in shell/ of mfa's package.\n" +
        "'/opt/mfa/bin/run.cjs' '/opt/mfa/package.json' '1.2.3'\nfunction f {\n    $a = '#' # kept: not the line's first word\n}\n",
    )
    expect(renderCachedInit({shell: 'bash', shellDir: SHELL_DIR, stamp, integration: '# kept\n'})).toContain('\n# kept\n')
  })
  test('PowerShell: in the real scripts a line that starts with # is a comment, so the copy keeps all their code', () => {
    // What withoutCommentLines relies on: no block comment, no double-quoted here-string, and each
    // single-quoted one is the code text of a function (the code in it follows the same rule).
    const integration = renderInit('powershell', '/opt/mfa/bin/run.cjs', SHELL_DIR) + renderCompletion('powershell', SHELL_DIR)
    const wrapper = readFileSync(join(SHELL_DIR, 'mfa.cached.ps1'), 'utf8')
    for (const script of [integration, wrapper]) {
      expect(script).not.toMatch(/<#|#>|@"/)
      const lines = script.split('\n')
      const openers = lines.flatMap((line, i) => (line.includes("@'") ? [i] : []))
      expect(openers.length).toBeGreaterThan(0)
      for (const i of openers) {
        expect(lines[i].trim()).toBe("@'")
        expect(lines[i - 1]).toMatch(/^function global:__mfa_[a-z_]+ \{$/)
      }
    }
    const cached = renderCachedInit({shell: 'powershell', shellDir: SHELL_DIR, stamp, integration})
    expect(cached.split('\n').filter(line => line.trim().startsWith('#'))).toHaveLength(1)
    expect(cached.length).toBeLessThan(0.8 * (wrapper.length + integration.length))
  })
  test('the real wrappers fill', () => {
    for (const shell of ['bash', 'fish', 'powershell'] as const) {
      const out = renderCachedInit({shell, shellDir: SHELL_DIR, stamp, integration: 'INTEGRATION\n'})
      expect(out).toContain('INTEGRATION\n')
      expect(out).not.toMatch(/__MFA_[A-Z_]+__/)
    }
  })
})

describe('normaliseShellName: the edges', () => {
  test.each([
    ['  zsh  ', 'zsh'],
    ['--bash', 'bash'],
    ['BASH', 'bash'],
    ['PWSH.EXE', 'powershell'],
    ['bash.exe', 'bash'],
    ['fish_3.7', 'fish'],
    ['zsh.5', 'zsh'],
    ['exe.bash', undefined],
    ['xbash', undefined],
    ['bashx', undefined],
    ['preview-pwsh', undefined],
    ['5bash', undefined],
    ['oksh', 'sh'],
    ['posh', 'sh'],
    ['yash', 'sh'],
    ['lksh', 'sh'],
    ['pdksh', 'sh'],
    ['/', undefined],
    // .exe and -preview come off only at the end, before the version does.
    ['bash.exe5', undefined],
    ['pwsh-preview7', undefined],
    ['pwsh-preview', 'powershell'],
  ])('%j → %s', (name, shell) => {
    expect(normaliseShellName(name)).toBe(shell)
  })
})

describe('checkName and checkValue: the messages', () => {
  const error = (f: () => void) => {
    try {
      f()
    } catch (e) {
      return e as MfaError
    }
  }
  test('a bad name: its JSON, and a hint of what a name is', () => {
    const e = error(() => checkName('1A'))
    expect(e?.message).toBe('invalid environment variable name "1A"')
    expect(e?.hint).toBe('A name is letters, digits and underscores, and does not start with a digit.')
  })
  test('a lone surrogate', () => {
    expect(error(() => checkValue('X', 'a\uD800'))?.message).toBe('the value of X is not valid Unicode (a lone surrogate), so it has no exact bytes')
  })
})
