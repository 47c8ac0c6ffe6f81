/**
 * The README's rc line in real bash, zsh, fish and PowerShell: it sources the integration that
 * `mfa init` cached under the user's cache directory, and starts mfa only when that copy is
 * missing or stands for another mfa (an upgrade, a move, an uninstall, another mfa first on PATH).
 * mfa is installed here as npm installs it: a package folder (a copy of this one, so that its
 * version can change) and a `mfa` link to its bin/run.cjs on PATH. `node` on PATH is a wrapper
 * that logs each start of mfa, so a test can tell a start that ran mfa from one that did not.
 */
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {bash} from '../../src/shells/bash.js'
import type {InitShell} from '../../src/shells/common.js'
import {fish} from '../../src/shells/fish.js'
import {powershell} from '../../src/shells/powershell.js'
import {zsh} from '../../src/shells/zsh.js'
import {ROOT, run} from '../helpers/cli.js'
import {PWSH, PWSH_FLAGS, PWSH_QUIET} from '../helpers/pwsh.js'
import {describeWith} from '../helpers/tools.js'

let home: string
let log: string
let logBin: string

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mfa-init-cache-'))
  log = join(home, 'node-starts.log')
  logBin = join(home, 'node-bin')
  mkdirSync(logBin)
  writeFileSync(join(logBin, 'node'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${process.execPath}' "$@"\n`, {mode: 0o755})
})
afterEach(() => {
  rmSync(home, {recursive: true, force: true})
})

/** mfa as `npm install -g` leaves it under PREFIX: PREFIX/lib/mfa (this package, at version) and PREFIX/bin/mfa, a link to its bin/run.cjs. */
function install(prefix: string, version: string): {bin: string; pkg: string} {
  const pkg = join(prefix, 'lib', 'mfa')
  mkdirSync(join(pkg, 'bin'), {recursive: true})
  for (const part of ['dist', 'shell', 'oclif.manifest.json', 'bin/run.cjs']) cpSync(join(ROOT, part), join(pkg, part), {recursive: true})
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'))
  setVersion(pkg, version)
  mkdirSync(join(prefix, 'bin'), {recursive: true})
  const bin = join(prefix, 'bin', 'mfa')
  symlinkSync(join(pkg, 'bin', 'run.cjs'), bin)
  return {bin, pkg}
}

function setVersion(pkg: string, version: string): void {
  const json = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({...json, version}, null, 2) + '\n')
}

/** How many times mfa has started so far. */
const starts = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0)

interface ShellCase {
  shell: InitShell
  tool: string
  /**
   * A shell that runs the rc line, then prints loaded:<the mfa its functions call> if mfa_prompt is
   * defined. PowerShell checks its cached copy on the first call of mfa, not at start: there the
   * start does what that first call does before it runs mfa (__mfa_boot); __mfa_run, defined by the
   * integration's text, shows that it loaded, and otherwise mfa is called (to say it is missing).
   */
  start: (env: NodeJS.ProcessEnv) => ReturnType<typeof run>
}

const CASES: ShellCase[] = [
  {shell: bash, tool: 'bash', start: env => run('bash', ['--noprofile', '--norc', '-c', `${bash.rcLine}\ndeclare -F mfa_prompt >/dev/null && echo "loaded:$__mfa_bin"; echo alive`], {env, cwd: home})},
  {shell: zsh, tool: 'zsh', start: env => run('zsh', ['-f', '-c', `${zsh.rcLine}\n(( $+functions[mfa_prompt] )) && echo "loaded:$__mfa_bin"; echo alive`], {env, cwd: home})},
  {shell: fish, tool: 'fish', start: env => run('fish', ['--no-config', '-c', `${fish.rcLine}\nfunctions -q mfa_prompt; and echo "loaded:$__mfa_bin"; echo alive`], {env, cwd: home})},
  {
    shell: powershell,
    tool: PWSH,
    start: env =>
      run(PWSH, [...PWSH_FLAGS, '-Command', `${powershell.rcLine}\nInvoke-Expression (__mfa_boot)\nif (Get-Command __mfa_run -ErrorAction Ignore) { "loaded:$global:__mfa_bin" } else { mfa }; 'alive'`], {
        env: {...PWSH_QUIET, ...env},
        cwd: home,
        timeoutMs: 60_000,
      }),
  },
]

const cacheFile = (shell: InitShell, cacheHome = join(home, '.cache')) => join(cacheHome, 'mfa', `init${shell.initScript.slice(shell.initScript.lastIndexOf('.'))}`)

describe('the README', () => {
  test('recommends each shell line as the code has it', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    for (const {shell} of CASES) expect(readme).toContain(shell.rcLine)
  })
})

for (const c of CASES) {
  describeWith([c.tool], `the ${c.shell.name} rc line`, () => {
    /** The environment of a new terminal: this HOME, mfa's bin folders first on PATH, then `node`. */
    const envWith = (bins: string[], extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
      PATH: [...bins, logBin, process.env.PATH].join(':'),
      HOME: home,
      LANG: 'C.UTF-8',
      ...extra,
    })

    test('the first start runs mfa init once and caches it; later starts load the integration without starting mfa', async () => {
      const {bin} = install(join(home, 'usr'), '0.1.0')
      const env = envWith([join(home, 'usr', 'bin')])
      const first = await c.start(env)
      expect(first.stdout).toBe(`loaded:${bin}\nalive\n`)
      expect(starts()).toBe(1)
      expect(existsSync(cacheFile(c.shell))).toBe(true)
      for (let i = 0; i < 2; i++) {
        const later = await c.start(env)
        expect([later.stdout, later.stderr]).toEqual([`loaded:${bin}\nalive\n`, ''])
      }
      expect(starts()).toBe(1)
    })

    test('after an upgrade (a new version in the same place), the next start refreshes the cache once', async () => {
      const {bin, pkg} = install(join(home, 'usr'), '0.1.0')
      const env = envWith([join(home, 'usr', 'bin')])
      await c.start(env)
      setVersion(pkg, '0.2.0')
      const upgraded = await c.start(env)
      expect(upgraded.stdout).toBe(`loaded:${bin}\nalive\n`)
      expect(starts()).toBe(2)
      expect(readFileSync(cacheFile(c.shell), 'utf8')).toContain('0.2.0')
      expect((await c.start(env)).stdout).toBe(`loaded:${bin}\nalive\n`)
      expect(starts()).toBe(2)
    })

    test('after a move of the package, the next start refreshes the cache once', async () => {
      const {bin, pkg} = install(join(home, 'usr'), '0.1.0')
      const env = envWith([join(home, 'usr', 'bin')])
      await c.start(env)
      const moved = join(home, 'opt', 'mfa')
      mkdirSync(join(home, 'opt'))
      renameSync(pkg, moved)
      unlinkSync(bin)
      symlinkSync(join(moved, 'bin', 'run.cjs'), bin)
      expect((await c.start(env)).stdout).toBe(`loaded:${bin}\nalive\n`)
      expect(starts()).toBe(2)
      expect(readFileSync(cacheFile(c.shell), 'utf8')).toContain(moved)
      expect((await c.start(env)).stdout).toBe(`loaded:${bin}\nalive\n`)
      expect(starts()).toBe(2)
    })

    test('after npm uninstall, the shell starts and runs what follows, and says mfa is not found', async () => {
      const {bin, pkg} = install(join(home, 'usr'), '0.1.0')
      const env = envWith([join(home, 'usr', 'bin')])
      await c.start(env)
      unlinkSync(bin)
      rmSync(pkg, {recursive: true})
      const r = await c.start(env)
      expect(r.stdout).toBe('alive\n')
      // fish's own message for a missing command takes three lines more, to show where in the line.
      const lines = r.stderr.trim().split('\n')
      expect(lines[0]).toMatch(/mfa/)
      expect(lines).toHaveLength(c.shell === fish ? 4 : 1)
    })

    test('with two versions on PATH, the shell gets the integration of the first one, whichever wrote the cache', async () => {
      const a = install(join(home, 'a'), '0.1.0')
      const b = install(join(home, 'b'), '0.2.0')
      const aFirst = envWith([join(home, 'a', 'bin'), join(home, 'b', 'bin')])
      const bFirst = envWith([join(home, 'b', 'bin'), join(home, 'a', 'bin')])
      expect((await c.start(aFirst)).stdout).toBe(`loaded:${a.bin}\nalive\n`)
      expect((await c.start(bFirst)).stdout).toBe(`loaded:${b.bin}\nalive\n`)
      expect(starts()).toBe(2)
      expect((await c.start(bFirst)).stdout).toBe(`loaded:${b.bin}\nalive\n`)
      expect(starts()).toBe(2)
      // The second one run by its path (not the one on PATH) prints its script but leaves the cache alone.
      const before = readFileSync(cacheFile(c.shell), 'utf8')
      const direct = await run(join(a.pkg, 'bin', 'run.cjs'), ['init', c.shell.name], {env: bFirst})
      expect(direct.code).toBe(0)
      expect(readFileSync(cacheFile(c.shell), 'utf8')).toBe(before)
      expect((await c.start(aFirst)).stdout).toBe(`loaded:${a.bin}\nalive\n`)
    })

    test('a cache directory that cannot be written costs speed only: every start runs mfa init and loads the integration', async () => {
      const {bin} = install(join(home, 'usr'), '0.1.0')
      // mfa's folder is a file (tests run as root, whom no mode stops); pwsh needs the rest of the cache directory.
      const xdg = join(home, 'xdg-cache')
      mkdirSync(xdg)
      const notADirectory = join(xdg, 'mfa')
      writeFileSync(notADirectory, 'not a directory\n')
      const env = envWith([join(home, 'usr', 'bin')], {XDG_CACHE_HOME: xdg})
      for (let i = 0; i < 2; i++) expect(await c.start(env)).toMatchObject({stdout: `loaded:${bin}\nalive\n`, stderr: ''})
      expect(starts()).toBe(2)
      expect(readFileSync(notADirectory, 'utf8')).toBe('not a directory\n')
    })

    test('XDG_CACHE_HOME moves the cache, for mfa and for the line alike', async () => {
      const {bin} = install(join(home, 'usr'), '0.1.0')
      const xdg = join(home, 'xdg-cache')
      const env = envWith([join(home, 'usr', 'bin')], {XDG_CACHE_HOME: xdg})
      await c.start(env)
      expect(existsSync(cacheFile(c.shell, xdg))).toBe(true)
      expect((await c.start(env)).stdout).toBe(`loaded:${bin}\nalive\n`)
      expect(starts()).toBe(1)
    })
  })
}

for (const [shell, flags] of [
  [bash, ['--noprofile', '--norc']],
  [zsh, ['-f']],
] as const) {
  describeWith([shell.name], `the cached ${shell.name} integration under strict modes`, () => {
    // Sourced by itself: in the README's line (a || list) the shell ignores -e anyway.
    test('loads silently when sourced under -e -u -o pipefail, without starting mfa', async () => {
      const {bin} = install(join(home, 'usr'), '0.1.0')
      const env = {PATH: [join(home, 'usr', 'bin'), logBin, process.env.PATH].join(':'), HOME: home, LANG: 'C.UTF-8'}
      const script = `${shell.rcLine}\necho "loaded:$__mfa_bin"`
      await run(shell.name, [...flags, '-c', script], {env, cwd: home})
      expect(existsSync(cacheFile(shell))).toBe(true)
      const strict = await run(shell.name, [...flags, '-e', '-u', '-o', 'pipefail', '-c', `source '${cacheFile(shell)}'\necho "loaded:$__mfa_bin"`], {env, cwd: home})
      expect([strict.code, strict.stdout, strict.stderr]).toEqual([0, `loaded:${bin}\n`, ''])
      expect(starts()).toBe(1)
    })
  })
}

describeWith([PWSH], 'the cached PowerShell integration, checked on the first call of mfa', () => {
  const envWith = (bins: string[]): NodeJS.ProcessEnv => ({...PWSH_QUIET, PATH: [...bins, logBin, process.env.PATH].join(':'), HOME: home, LANG: 'C.UTF-8'})
  const shell = (env: NodeJS.ProcessEnv, script: string) =>
    run(PWSH, [...PWSH_FLAGS, '-Command', `Set-StrictMode -Version Latest\n${powershell.rcLine}\n${script}`], {env, cwd: home, timeoutMs: 60_000})

  test('after an upgrade, the first mfa runs the new version with its own integration, which it caches; later calls start mfa only', async () => {
    const {pkg} = install(join(home, 'usr'), '0.1.0')
    const env = envWith([join(home, 'usr', 'bin')])
    await shell(env, `'started'`)
    expect(starts()).toBe(1)
    setVersion(pkg, '0.2.0')
    const r = await shell(env, `mfa --version; mfa --version`)
    expect([r.stdout.replace(/ .*/g, ''), r.stderr]).toEqual(['mfa/0.2.0\nmfa/0.2.0\n', ''])
    // One start wrote the new integration, then one for each call.
    expect(starts()).toBe(4)
    expect(readFileSync(cacheFile(powershell), 'utf8')).toContain(`'0.2.0'`)
  })

  test('a new pwsh imports no module for mfa: the line, a prompt without and with a session, the first mfa, mfa clear and the first Tab run no cmdlet of one', async () => {
    install(join(home, 'usr'), '0.1.0')
    const env = envWith([join(home, 'usr', 'bin')])
    await shell(env, `'started'`)
    const r = await shell(
      env,
      `$modules = { @(Get-Module | ForEach-Object Name) -join ',' }
      $at = & $modules
      "no session|$(mfa_prompt)|loaded:$([bool](Get-Command __mfa_run -ErrorAction Ignore))"
      $env:MFA_PROFILE = 'p'; $env:MFA_EXPIRY = [string]([DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 9000)
      "session|$((mfa_prompt).StartsWith('aws:p 2h'))|loaded:$([bool](Get-Command __mfa_run -ErrorAction Ignore))"
      $null = mfa --version
      mfa clear
      "cleared|$($null -eq [Environment]::GetEnvironmentVariable('MFA_PROFILE'))"
      $null = TabExpansion2 -inputScript 'mfa login --pro' -cursorColumn 15
      "modules|$(& $modules)|at the start|$at"`,
    )
    expect(r.stderr).toBe('')
    const [none, session, cleared, modules] = r.stdout.trim().split('\n')
    expect([none, session, cleared]).toEqual(['no session||loaded:False', 'session|True|loaded:True', 'cleared|True'])
    const [, after, , before] = modules.split('|')
    expect(after).toBe(before)
  })

  test('after npm uninstall, each call of mfa says so in one line and fails with 127; the shell goes on', async () => {
    const {bin, pkg} = install(join(home, 'usr'), '0.1.0')
    const env = envWith([join(home, 'usr', 'bin')])
    await shell(env, `'started'`)
    unlinkSync(bin)
    rmSync(pkg, {recursive: true})
    const r = await shell(env, `mfa status; "code:$LASTEXITCODE"; mfa status; 'alive'`)
    expect(r.stdout).toBe('code:127\nalive\n')
    expect(r.stderr.trim().split('\n')).toEqual(Array(2).fill(expect.stringMatching(/^mfa: the mfa program is not on PATH; install it again/)))
    expect(starts()).toBe(1)
  })
})
