/**
 * Usage errors, through the real binary: every command line mfa cannot run as typed is told in one
 * line that names the problem, then one hint that shows the right form, with exit code 2 (the one
 * rule of src/cli/errors.ts). And `mfa` alone starts with "START HERE", as gh and aws do.
 */
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN, ROOT, mfa} from '../helpers/cli.js'
import {describeWith} from '../helpers/tools.js'
import {terminal, type Terminal} from '../helpers/tmux.js'

let home: string
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'mfa-usage-'))
})
afterAll(() => rmSync(home, {recursive: true, force: true}))

const env = () => ({PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8'})

const CASES: Array<[string[], RegExp, RegExp]> = [
  [['logout', '-p', 'bob', '--all'], /^mfa: --all=true cannot also be provided when using --profile$/, /^hint: Usage: mfa logout \[FLAGS\]\. See `mfa logout --help`\.$/],
  [['init'], /^mfa: missing SHELL$/, /^hint: Usage: mfa init bash\|zsh\|fish\|powershell\. See `mfa init --help`\.$/],
  [['init', 'tcsh'], /^mfa: Expected tcsh to be one of: bash, zsh, fish, powershell$/, /^hint: Usage: mfa init bash\|zsh\|fish\|powershell\./],
  [['logn'], /^mfa: `logn` is not an mfa command$/, /^hint: Did you mean `mfa login`\? Run `mfa help` to see every command\.$/],
  [['statsu', '--json'], /^mfa: `statsu` is not an mfa command$/, /^hint: Did you mean `mfa status`\?/],
  [['env', 'extra'], /^mfa: unexpected argument "extra"$/, /^hint: Usage: mfa env \[FLAGS\]\. See `mfa env --help`\.$/],
  [['login', '--bogus'], /^mfa: Nonexistent flag: --bogus$/, /^hint: Usage: mfa login \[FLAGS\]\. See `mfa login --help`\.$/],
  [['login', '--duration', 'abc'], /^mfa: --duration "abc" is not a duration$/, /^hint: Give seconds/],
  [['login', '--duration', '5m'], /^mfa: --duration 5m is out of range/, /^hint: Choose a duration from 15m to 36h\.$/],
  [['--bogus'], /^mfa: unknown flag --bogus: a flag comes after a command$/, /^hint: Run `mfa help` to see every command\.$/],
]

describe('a usage error is one line, one hint with the right form, exit 2', () => {
  test.each(CASES.map(([argv, problem, hint]) => [argv.join(' '), argv, problem, hint] as const))('mfa %s', async (_name, argv, problem, hint) => {
    const r = await mfa(argv, {env: env()})
    const lines = r.stderr.trimEnd().split('\n')
    expect({code: r.code, stdout: r.stdout, lines: lines.length}).toEqual({code: 2, stdout: '', lines: 2})
    expect(lines[0]).toMatch(problem)
    expect(lines[1]).toMatch(hint)
  })

  test('the same on oclif (MFA_NO_FAST_PATH=1) as on the fast path', async () => {
    const [fast, slow] = await Promise.all([mfa(['env', '--bogus'], {env: env()}), mfa(['env', '--bogus'], {env: {...env(), MFA_NO_FAST_PATH: '1'}})])
    expect(fast).toMatchObject({code: 2, stderr: slow.stderr})
    expect(slow.code).toBe(2)
  })
})

describe('one rule for --profile on every command that takes it (src/cli/profile-name.ts)', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {flags: Record<string, unknown>}>}
  const commands = Object.entries(manifest.commands)
    .filter(([, c]) => c.flags.profile)
    .map(([id]) => id.split(':'))
  const FAST = new Set(['env', 'exec', 'credential-process', 'prompt', 'status'])
  const dash = /^mfa: --profile "-dash" is not a profile name: a name cannot start with "-"$/
  const hint = /^hint: Give the name of a profile after --profile \(-p NAME\)/
  // `-p -dash` on a command with a -d flag is oclif's "Flag --profile expects a value": refused too.
  const refused = /^mfa: (--profile "-dash" is not a profile name: a name cannot start with "-"|Flag --profile expects a value)$/

  test.each(commands.map(words => [words.join(' '), words] as const))('mfa %s: -p -dash, --profile=--dash and -p \'\' are refused, nothing read or written', async (_name, words) => {
    const before = readdirSync(home)
    // The commands of src/fast.ts start without oclif unless MFA_NO_FAST_PATH is set: both ways.
    for (const e of FAST.has(words.join(' ')) ? [env(), {...env(), MFA_NO_FAST_PATH: '1'}] : [env()]) {
      for (const [args, problem] of [[['-p', '-dash'], refused], [['--profile=--dash'], /^mfa: --profile "--dash" is not a profile name/], [['-p', ''], /^mfa: --profile is empty$/]] as const) {
        const r = await mfa([...words, ...args], {env: e})
        const lines = r.stderr.trimEnd().split('\n')
        expect({args, code: r.code, stdout: r.stdout, lines: lines.length}).toEqual({args, code: 2, stdout: '', lines: 2})
        expect(lines[0]).toMatch(problem)
        expect(lines[1]).toMatch(/^hint: /)
      }
    }
    expect(readdirSync(home)).toEqual(before)
  })

  test('logout -p -dash says what login says with --profile=--dash', async () => {
    const logout = await mfa(['logout', '-p', '-dash'], {env: env()})
    expect(logout.stderr.split('\n')[0]).toMatch(dash)
    expect(logout.stderr.split('\n')[1]).toMatch(hint)
    const login = await mfa(['login', '--profile=--dash'], {env: env()})
    expect(login.code).toBe(2)
    expect(login.stderr).toMatch(/^mfa: --profile "--dash" is not a profile name/)
  })
})

test('`mfa` alone: START HERE (login, env, exec, init, doctor) before the full list', async () => {
  const r = await mfa([], {env: env()})
  expect(r.code).toBe(0)
  const start = r.stdout.indexOf('START HERE\n')
  const list = r.stdout.indexOf('COMMANDS\n')
  expect(start).toBeGreaterThan(0)
  expect(list).toBeGreaterThan(start)
  const section = r.stdout.slice(start, list)
  const order = ['login', 'env', 'exec', 'init', 'doctor'].map(c => section.indexOf(`  mfa ${c}`))
  expect(order.every(i => i > 0)).toBe(true)
  expect([...order].sort((a, b) => a - b)).toEqual(order)
})

describeWith(['tmux'], 'an unknown command on a terminal', () => {
  let term: Terminal | undefined
  afterEach(async () => {
    await term?.close()
    term = undefined
  })

  test('@oclif/plugin-not-found asks; no: the usage error, exit 2', async () => {
    term = await terminal([process.execPath, BIN, 'logn'], env(), {cwd: ROOT})
    await term.waitFor(/Did you mean login\?/)
    await term.send('n', {literal: true})
    await term.send('Enter')
    expect(await term.exitCode()).toBe(2)
    expect(await term.screen()).toMatch(/Did you mean login\? No\nmfa: `logn` is not an mfa command\nhint: Run `mfa help` to see every command\.\n/)
  })

  test('yes: runs the command it named', async () => {
    term = await terminal([process.execPath, BIN, 'logn'], env(), {cwd: ROOT})
    await term.waitFor(/Did you mean login\?/)
    await term.send('y', {literal: true})
    await term.send('Enter')
    // login itself then runs, in a HOME without ~/.aws: its own first-run error.
    expect(await term.exitCode()).toBe(1)
    expect(await term.screen()).toMatch(/mfa: profile "default" is not in ~\/\.aws\/config/)
  })
})
