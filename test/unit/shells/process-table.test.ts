/**
 * detectShell's walk through a process table it is handed: `ps` output as macOS and the BSDs print
 * it, and a /proc of files laid out as Linux does, so the branches of other platforms and the odd
 * process (a deleted executable, a name with spaces) run here too. Real processes: render.test.ts.
 */
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {detectShell} from '../../../src/shells/index.js'

/** A `ps -o ppid=,comm= -p PID` of a fixed table; records each call's arguments. */
function psOf(rows: Record<number, string>) {
  const calls: string[][] = []
  const ps = (args: string[]) => {
    calls.push(args)
    const row = rows[Number(args.at(-1))]
    // ps exits 1 with no output for a pid it does not know: execFileSync throws.
    if (row === undefined) throw new Error('Command failed: ps')
    return row
  }
  return {ps, calls}
}

describe('detectShell through ps (macOS, the BSDs)', () => {
  test('asks ps for the parent pid and command of the parent, right-aligned as ps prints them', () => {
    const {ps, calls} = psOf({500: '  321 -zsh\n'})
    expect(detectShell({ppid: 500, env: {SHELL: '/bin/bash'}, table: {platform: 'darwin', ps}})).toBe('zsh')
    expect(calls[0]).toEqual(['-o', 'ppid=,comm=', '-p', '500'])
  })

  test.each(['freebsd', 'openbsd', 'netbsd', 'sunos', 'aix'] as const)('%s reads ps too', platform => {
    const {ps} = psOf({500: '1 /usr/local/bin/fish'})
    expect(detectShell({ppid: 500, env: {}, table: {platform, ps}})).toBe('fish')
  })

  test('walks up through wrappers: bash → npm → mfa', () => {
    const {ps, calls} = psOf({500: '  400 npm\n', 400: '  300 /bin/bash  \n'})
    expect(detectShell({ppid: 500, env: {SHELL: '/bin/zsh'}, table: {platform: 'darwin', ps}})).toBe('bash')
    expect(calls.map(c => c[3])).toEqual(['500', '400', '300'])
  })

  test('a command with spaces is one name; only its first word counts as a wrapper', () => {
    const {ps} = psOf({500: '  400 /opt/tools/npm exec mfa\n', 400: '  300 /Applications/My Shells/zsh\n'})
    expect(detectShell({ppid: 500, env: {}, table: {platform: 'darwin', ps}})).toBe('zsh')
  })

  test('a name after two spaces is still the name; a line that does not start with the pid is not read', () => {
    const {ps} = psOf({500: '  400  npm\n', 400: '  1 zsh\n', 600: 'pid 400 zsh\n'})
    expect(detectShell({ppid: 500, env: {}, table: {platform: 'darwin', ps}})).toBe('zsh')
    expect(detectShell({ppid: 600, env: {SHELL: '/bin/fish'}, table: {platform: 'darwin', ps}})).toBe('fish')
  })

  test('only the first line of the output is read', () => {
    const {ps} = psOf({500: '  400 fish\n  1 bash\n'})
    expect(detectShell({ppid: 500, env: {}, table: {platform: 'darwin', ps}})).toBe('fish')
  })

  test.each([
    ['ps fails (no such process)', {}],
    ['empty output', {500: ''}],
    ['a header only', {500: 'PPID COMM\n'}],
    ['no command after the pid', {500: '  400 \n'}],
  ])('%s: $SHELL decides', (_what, rows: Record<number, string>) => {
    const {ps} = psOf(rows)
    expect(detectShell({ppid: 500, env: {SHELL: '/bin/ksh'}, table: {platform: 'darwin', ps}})).toBe('sh')
    expect(detectShell({ppid: 500, env: {}, table: {platform: 'darwin', ps}})).toBeUndefined()
  })

  test('a program that is neither shell nor wrapper stops the walk', () => {
    const {ps, calls} = psOf({500: '  400 Terminal\n', 400: '  1 zsh\n'})
    expect(detectShell({ppid: 500, env: {SHELL: '/bin/bash'}, table: {platform: 'darwin', ps}})).toBe('bash')
    expect(calls.map(c => c[3])).toEqual(['500', '400'])
  })

  test('pid 1 and below, or not a whole number, are never asked about', () => {
    const {ps, calls} = psOf({1: '0 zsh', 0: '0 zsh'})
    for (const ppid of [1, 0, -5, 1.5, Number.NaN]) {
      expect(detectShell({ppid, env: {SHELL: '/bin/fish'}, table: {platform: 'darwin', ps}})).toBe('fish')
    }
    expect(calls).toEqual([])
  })

  test('a parent whose parent is pid 1 is still read; the walk stops above it', () => {
    const {ps, calls} = psOf({500: '  1 npm\n'})
    expect(detectShell({ppid: 500, env: {SHELL: '/bin/fish'}, table: {platform: 'darwin', ps}})).toBe('fish')
    expect(calls.map(c => c[3])).toEqual(['500'])
  })

  test('looks at most four processes up', () => {
    const chain = (wrappers: number) => {
      const rows: Record<number, string> = {}
      for (let i = 0; i < wrappers; i++) rows[100 - i] = `${99 - i} env`
      rows[100 - wrappers] = '1 zsh'
      return psOf(rows).ps
    }
    expect(detectShell({ppid: 100, env: {}, table: {platform: 'darwin', ps: chain(3)}})).toBe('zsh')
    expect(detectShell({ppid: 100, env: {}, table: {platform: 'darwin', ps: chain(4)}})).toBeUndefined()
  })

  test("the sh a wrapper starts is the wrapper's: the shell above counts; a sh under no wrapper is sh", () => {
    const npx = psOf({500: '  400 sh', 400: '  300 npx', 300: '  1 fish'}).ps
    expect(detectShell({ppid: 500, env: {}, table: {platform: 'darwin', ps: npx}})).toBe('fish')
    const plain = psOf({500: '  400 sh', 400: '  1 Terminal'}).ps
    expect(detectShell({ppid: 500, env: {SHELL: '/bin/zsh'}, table: {platform: 'darwin', ps: plain}})).toBe('sh')
    const top = psOf({500: '  400 dash'}).ps
    expect(detectShell({ppid: 500, env: {SHELL: '/bin/zsh'}, table: {platform: 'darwin', ps: top}})).toBe('sh')
  })

  test('a bash under a wrapper is the user\'s own: only sh is skipped', () => {
    const {ps} = psOf({500: '  400 bash', 400: '  300 npx', 300: '  1 fish'})
    expect(detectShell({ppid: 500, env: {}, table: {platform: 'darwin', ps}})).toBe('bash')
  })
})

describe('detectShell on Windows', () => {
  test('no process table is read: $SHELL decides', () => {
    const {ps, calls} = psOf({500: '1 pwsh'})
    expect(detectShell({ppid: 500, env: {SHELL: 'C:\\Program Files\\Git\\bin\\bash.exe'}, table: {platform: 'win32', ps}})).toBe('bash')
    expect(detectShell({ppid: 500, env: {}, table: {platform: 'win32', ps}})).toBeUndefined()
    expect(calls).toEqual([])
  })
})

describe('detectShell through a /proc of files', () => {
  let proc: string
  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'mfa-proc-'))
  })
  afterEach(() => rmSync(proc, {recursive: true, force: true}))

  /** One process's files as Linux lays them out; a field left out is a file that is not there. */
  function add(pid: number, p: {comm?: string; exe?: string; stat?: string; ppid?: number; argv?: string[]}) {
    const dir = join(proc, String(pid))
    mkdirSync(dir)
    if (p.comm !== undefined) writeFileSync(join(dir, 'comm'), `${p.comm}\n`)
    if (p.exe !== undefined) symlinkSync(p.exe, join(dir, 'exe'))
    writeFileSync(join(dir, 'stat'), p.stat ?? `${pid} (${p.comm}) S ${p.ppid ?? 1} ${pid} ${pid} 0 -1 4194560`)
    if (p.argv) writeFileSync(join(dir, 'cmdline'), p.argv.map(a => `${a}\0`).join(''))
  }
  const detect = (ppid: number, env: NodeJS.ProcessEnv = {}) => detectShell({ppid, env, table: {platform: 'linux', procDir: proc}})

  test('comm names the shell', () => {
    add(500, {comm: 'zsh', exe: '/usr/bin/zsh', argv: ['-zsh']})
    expect(detect(500, {SHELL: '/bin/bash'})).toBe('zsh')
  })

  test('comm that is no shell name: the executable decides, even one deleted by an upgrade', () => {
    add(500, {comm: 'login-helper', exe: '/usr/bin/fish (deleted)'})
    expect(detect(500, {SHELL: '/bin/bash'})).toBe('fish')
  })

  test('no readable executable (another user\'s process): comm alone', () => {
    add(500, {comm: 'bash'})
    expect(detect(500, {SHELL: '/bin/zsh'})).toBe('bash')
  })

  test('no comm: nothing is known of the process', () => {
    add(500, {exe: '/usr/bin/zsh', stat: '500 (zsh) S 1 500'})
    expect(detect(500, {SHELL: '/bin/fish'})).toBe('fish')
  })

  test('the parent pid follows the last ")" of stat: a comm may hold both spaces and parentheses', () => {
    add(500, {comm: 'npm', stat: '500 (a) b (c)) S 400 500 500 0'})
    add(400, {comm: 'zsh'})
    expect(detect(500, {SHELL: '/bin/fish'})).toBe('zsh')
  })

  test('a stat with no parent pid ends the walk', () => {
    add(500, {comm: 'npm', stat: '500 (npm) S'})
    add(0, {comm: 'zsh'})
    expect(detect(500, {SHELL: '/bin/fish'})).toBe('fish')
  })

  test("node running npm's entry point is a wrapper; node with no script, or another script, is not", () => {
    add(500, {comm: 'node', exe: '/usr/bin/node', argv: ['node', '/usr/lib/node_modules/npm/bin/npx-cli.js', 'mfa'], ppid: 400})
    add(400, {comm: 'bash'})
    add(600, {comm: 'node', exe: '/usr/bin/node', ppid: 400})
    add(700, {comm: 'node', exe: '/usr/bin/node', argv: ['node', '/srv/app.js'], ppid: 400})
    expect(detect(500, {SHELL: '/bin/fish'})).toBe('bash')
    expect(detect(600, {SHELL: '/bin/fish'})).toBe('fish')
    expect(detect(700, {SHELL: '/bin/fish'})).toBe('fish')
  })

  test('node18 and nodejs are node too; a wrapper named in capitals or with .exe still is one', () => {
    add(500, {comm: 'node18', argv: ['node18', 'C:\\npm\\NPX-CLI.JS'], ppid: 400})
    add(400, {comm: 'nodejs', argv: ['nodejs', 'yarn.cjs'], ppid: 300})
    add(300, {comm: 'SUDO.EXE', ppid: 200})
    add(200, {comm: 'fish'})
    expect(detect(500, {SHELL: '/bin/zsh'})).toBe('fish')
  })

  test('a wrapper by either name is one: busybox answering as timeout (comm), npm run as its own program (executable)', () => {
    add(400, {comm: 'zsh'})
    add(500, {comm: 'timeout', exe: '/bin/busybox', ppid: 400})
    add(600, {comm: 'mfa-launcher', exe: '/usr/local/bin/npx', ppid: 400})
    expect(detect(500, {SHELL: '/bin/fish'})).toBe('zsh')
    expect(detect(600, {SHELL: '/bin/fish'})).toBe('zsh')
  })

  test("only node runs npm's entry point as a wrapper: another program, or a name that merely holds node, does not", () => {
    add(400, {comm: 'bash'})
    add(500, {comm: 'python3', argv: ['python3', 'npx-cli.js'], ppid: 400})
    add(600, {comm: 'xnode18', argv: ['xnode18', 'npx-cli.js'], ppid: 400})
    add(700, {comm: 'node18x', argv: ['node18x', 'npx-cli.js'], ppid: 400})
    for (const pid of [500, 600, 700]) expect(detect(pid, {SHELL: '/bin/fish'})).toBe('fish')
  })

  test('dotnet by either name (comm or executable) running pwsh.dll is PowerShell', () => {
    add(800, {comm: 'dotnet', exe: '/usr/lib/dotnet/dotnet-host', argv: ['dotnet', 'pwsh.dll']})
    expect(detect(800, {SHELL: '/bin/bash'})).toBe('powershell')
  })

  test('dotnet running pwsh.dll is PowerShell', () => {
    add(500, {comm: 'dotnet', exe: '/usr/share/dotnet/dotnet', argv: ['dotnet', '/root/.dotnet/tools/.store/powershell/pwsh.dll']})
    add(600, {comm: 'dotnet', exe: '/usr/share/dotnet/dotnet', argv: ['dotnet', '/srv/pwsh.dll.bak']})
    expect(detect(500, {SHELL: '/bin/bash'})).toBe('powershell')
    expect(detect(600, {SHELL: '/bin/bash'})).toBe('bash')
  })
})
