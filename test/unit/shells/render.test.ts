/**
 * The statements `mfa env` prints, proven by round trip in the real shells: render values, let bash,
 * zsh, dash and fish evaluate them exactly as users do (`eval "$(mfa env)"`, `mfa env | source`),
 * then read the environment a child process gets (`env -0`) and compare byte for byte. Many values
 * go through one shell process. PowerShell's rules are also checked here directly, with a model of
 * its single-quoted string, where pwsh is not needed; the real pwsh runs them in
 * test/e2e/powershell.test.ts.
 */
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {quote as shellQuote} from 'shell-quote'
import {MfaError} from '../../../src/cli/errors.js'
import {detectShell, getShell, normaliseShellName, quoteForHint, renderInit, SHELL_NAMES} from '../../../src/shells/index.js'
import type {EnvChanges} from '../../../src/shells/types.js'
import {describeWith} from '../../helpers/tools.js'

// ---------------------------------------------------------------------------------------------
// Running shells

interface Result {
  code: number | null
  stdout: Buffer
  stderr: Buffer
}

function run(file: string, args: string[], opts: {env?: NodeJS.ProcessEnv; cwd?: string; input?: string} = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {env: opts.env, cwd: opts.cwd, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
    const out: Buffer[] = []
    const err: Buffer[] = []
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.stdout!.on('data', (b: Buffer) => out.push(b))
    child.stderr!.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({code, stdout: Buffer.concat(out), stderr: Buffer.concat(err)})
    })
    if (child.stdin) {
      child.stdin.on('error', () => {}) // a shell that exits without reading its input
      child.stdin.end(opts.input)
    }
  })
}

const work = mkdtempSync(join(tmpdir(), 'mfa-render-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))
let serial = 0

/** A clean environment: no user settings leak in; fish keeps its universal variables in `work`. */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {PATH: process.env.PATH, HOME: work, XDG_CONFIG_HOME: join(work, 'config'), XDG_DATA_HOME: join(work, 'data'), LANG: 'C.UTF-8', ...extra}
}

/** Parses `env -0` output into name → raw bytes. */
function parseEnv0(dump: Buffer): Map<string, Buffer> {
  const vars = new Map<string, Buffer>()
  let start = 0
  for (let i = 0; i < dump.length; i++) {
    if (dump[i] !== 0) continue
    const entry = dump.subarray(start, i)
    const eq = entry.indexOf(0x3d)
    vars.set(entry.subarray(0, eq).toString('latin1'), entry.subarray(eq + 1))
    start = i + 1
  }
  return vars
}

type TestShell = 'bash' | 'zsh' | 'dash' | 'fish'

/** The statements for each shell under test: dash speaks `sh`. */
const renderer = (shell: TestShell) => getShell(shell === 'dash' ? 'sh' : shell).render

/** How users run the output, then a child's view of the environment. Strict modes for POSIX. */
function driver(shell: TestShell, prelude = ''): [string, string[]] {
  const posix = `${prelude}\neval "$(cat "$T_SCRIPT")" && command env -0 > "$T_OUT"`
  switch (shell) {
    case 'bash':
      return ['bash', ['--noprofile', '--norc', '-e', '-u', '-o', 'pipefail', '-c', posix]]
    case 'zsh':
      return ['zsh', ['-f', '-e', '-u', '-o', 'pipefail', '-c', posix]]
    case 'dash':
      return ['dash', ['-e', '-u', '-c', posix]]
    case 'fish':
      return ['fish', ['--no-config', '--private', '-c', `${prelude}\ncat $T_SCRIPT | source; and command env -0 > $T_OUT`]]
  }
}

interface RoundTrip {
  /** Values read back from the child's environment, undefined when absent. */
  got: (Buffer | undefined)[]
  /** Names that were unset (set before, or never set) and are still there. */
  notUnset: string[]
  pwned: boolean
  result: Result
}

/**
 * Renders values[i] into T_V<i>, plus unsets of variables that are set (T_U*) and not set (T_N*),
 * the last statement being an unset; evaluates it in one shell process.
 */
async function roundTrip(
  shell: TestShell,
  values: string[],
  opts: {render?: (changes: EnvChanges) => string; prelude?: string; env?: NodeJS.ProcessEnv} = {},
): Promise<RoundTrip> {
  const dir = join(work, `rt-${++serial}`)
  rmSync(dir, {recursive: true, force: true})
  mkdirSync(dir)
  const changes: [string, string | null][] = [['T_U0', null]]
  values.forEach((v, i) => changes.push([`T_V${i}`, v]))
  changes.push(['T_N0', null], ['T_U1', null], ['T_N1', null])
  const script = join(dir, 'script')
  const out = join(dir, 'env0')
  writeFileSync(script, (opts.render ?? renderer(shell))(changes))
  const [file, args] = driver(shell, opts.prelude)
  const result = await run(file, args, {
    cwd: dir,
    env: baseEnv({T_SCRIPT: script, T_OUT: out, T_U0: 'set before', T_U1: 'also set', ...opts.env}),
  })
  const vars = existsSync(out) ? parseEnv0(readFileSync(out)) : new Map<string, Buffer>()
  return {
    got: values.map((_, i) => vars.get(`T_V${i}`)),
    notUnset: ['T_U0', 'T_U1', 'T_N0', 'T_N1'].filter(name => vars.has(name)),
    pwned: existsSync(join(dir, 'PWNED')),
    result,
  }
}

function explain(shell: string, values: string[], rt: RoundTrip): string {
  const bad = values
    .map((v, i) => ({v, got: rt.got[i]}))
    .filter(({v, got}) => !got || !got.equals(Buffer.from(v, 'utf8')))
    .slice(0, 5)
    .map(({v, got}) => `  want ${JSON.stringify(v)} got ${got ? JSON.stringify(got.toString('utf8')) : 'nothing'}`)
  return `${shell} exit ${rt.result.code}, stderr: ${rt.result.stderr.toString().slice(0, 400)}\n${bad.join('\n')}`
}

function assertRoundTrip(shell: string, values: string[], rt: RoundTrip): void {
  const ok = rt.result.code === 0 && !rt.pwned && rt.notUnset.length === 0 && values.every((v, i) => rt.got[i]?.equals(Buffer.from(v, 'utf8')))
  if (!ok) throw new Error(`round trip failed (pwned: ${rt.pwned}, still set: ${rt.notUnset.join(',')})\n${explain(shell, values, rt)}`)
}

// ---------------------------------------------------------------------------------------------
// Values

const NASTY = [
  "'",
  "''",
  "'\\''",
  '"',
  '$(touch PWNED)',
  '`touch PWNED`',
  "'; touch PWNED; '",
  '"; touch PWNED; "',
  "\\'; touch PWNED; #",
  "'$(touch PWNED)'",
  '(touch PWNED)',
  "\\'(touch PWNED)\\'",
  '$HOME',
  '${HOME}',
  '\\',
  '\\\\',
  '\\n',
  'a\\',
  '\\\n',
  '!',
  '!!',
  '!$',
  '%',
  '%s',
  '%%',
  '\n',
  'line1\nline2\n',
  '\r',
  '\r\n',
  '\t',
  'tab\there',
  '😀',
  'é ü 中文 😀‍👩',
  '‘’‚‛“”',
  '-n',
  '-e',
  '--',
  '*',
  '~',
  '~root',
  'a=~:~',
  '#comment',
  '; exit 1',
  '&& false',
  '| cat',
  '\x01\x02\x07\x1b[31m\x7f',
  '\u0085\u00a0\u2028\u2029',
  '\uFEFFbom',
  ' leading and trailing ',
  '',
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+/=',
]

const noNul = (s: string) => s.replaceAll('\0', '')
const value = fc.oneof(
  fc.string({unit: 'binary', maxLength: 40}).map(noNul),
  fc.string({unit: 'binary-ascii', maxLength: 40}).map(noNul),
  fc.string({unit: 'grapheme', maxLength: 10}),
  fc.string({
    unit: fc.constantFrom("'", '"', '\\', '$', '`', '!', '%', '\n', '\r', '\t', '(', ')', '{', '}', ' ', 'a', '~', '*', '?', '[', '#', ';', '&', '|', '<', '>', '‘', '’', '😀', 'é'),
    maxLength: 30,
  }),
  fc.constantFrom(...NASTY),
)
const batch = fc.array(value, {minLength: 1, maxLength: 100})

// ---------------------------------------------------------------------------------------------
// Round trips in the real shells

const SHELLS: TestShell[] = ['bash', 'zsh', 'dash', 'fish']

for (const shell of SHELLS) {
  describeWith([shell], `${shell}: rendered statements, evaluated by ${shell}`, () => {
    test('hand-picked nasty values come back byte for byte; unsets leave nothing; nothing runs', async () => {
      assertRoundTrip(shell, NASTY, await roundTrip(shell, NASTY))
    })

    test('the same under LC_ALL=C (bytes, no multibyte parsing)', async () => {
      assertRoundTrip(shell, NASTY, await roundTrip(shell, NASTY, {env: {LC_ALL: 'C', LANG: 'C'}}))
    })

    test('property: any values (binary, full Unicode, graphemes, quote soup) round-trip', async () => {
      await fc.assert(
        fc.asyncProperty(batch, async values => {
          assertRoundTrip(shell, values, await roundTrip(shell, values))
        }),
        {numRuns: 15},
      )
    })
  })
}

describeWith(['zsh'], 'zsh: options that change quoting do not change the result', () => {
  test('rc_quotes, extended_glob, sh_word_split, no multibyte, ksh_arrays', async () => {
    const prelude = 'setopt rc_quotes extended_glob sh_word_split ksh_arrays; unsetopt multibyte'
    assertRoundTrip('zsh', NASTY, await roundTrip('zsh', NASTY, {prelude}))
  })
})

describeWith(['bash'], 'bash: posix mode and extglob', () => {
  test('same bytes', async () => {
    assertRoundTrip('bash', NASTY, await roundTrip('bash', NASTY, {prelude: 'set -o posix; shopt -s extglob'}))
  })
})

describeWith(['bash', 'dash'], 'the harness can fail', () => {
  // A naive renderer (double quotes, nothing escaped): the same harness must catch it.
  const naive = (changes: EnvChanges) => changes.map(([n, v]) => (v === null ? `unset ${n}\n` : `export ${n}="${v}"\n`)).join('')
  test.each(['bash', 'dash'] as const)('%s: a naive renderer is caught, and its $(touch PWNED) ran', async shell => {
    const rt = await roundTrip(shell, ['$(touch PWNED)', 'a\\b'], {render: naive})
    expect(rt.pwned).toBe(true)
    expect(() => assertRoundTrip(shell, ['$(touch PWNED)', 'a\\b'], rt)).toThrow(/round trip failed/)
  })
})

describeWith(['bash', 'zsh', 'dash'], "shell-quote's quote(), evaluated for values (the verdict in src/shells/sh.ts)", () => {
  // It round-trips in eval too; it is not used for values because its output mixes backslashes,
  // double quotes and single quotes by content, where the one single-quote rule is inert by design.
  const viaShellQuote = (changes: EnvChanges) =>
    changes.map(([n, v]) => (v === null ? `unset -v ${n}\n` : `export ${n}=${shellQuote([v])}\n`)).join('')
  test.each(['bash', 'zsh', 'dash'] as const)('%s', async shell => {
    assertRoundTrip(shell, NASTY, await roundTrip(shell, NASTY, {render: viaShellQuote}))
    await fc.assert(
      fc.asyncProperty(batch, async values => {
        assertRoundTrip(shell, values, await roundTrip(shell, values, {render: viaShellQuote}))
      }),
      {numRuns: 5},
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Chaining: the output never leaves a failing status

const UNSET_LAST: EnvChanges = [
  ['MFA_T_SET', 'x'],
  ['MFA_T_NEVER_SET', null],
]

describeWith(['bash', 'zsh', 'dash'], 'POSIX chaining under set -e -u', () => {
  test.each([
    ['bash', ['--noprofile', '--norc']],
    ['zsh', ['-f']],
    ['dash', []],
  ] as const)('%s: eval "$(mfa env)" && next command runs, even when the last statement unsets an unset variable', async (shell, flags) => {
    const script = join(work, `chain-${shell}`)
    writeFileSync(script, getShell(shell === 'dash' ? 'sh' : shell).render(UNSET_LAST))
    const r = await run(shell, [...flags, '-e', '-u', '-c', `eval "$(cat '${script}')" && echo "ok $MFA_T_SET"`], {env: baseEnv()})
    expect(r.stderr.toString()).toBe('')
    expect(r.stdout.toString()).toBe('ok x\n')
    expect(r.code).toBe(0)
  })

  test('bash: unset -v never removes a function that has the name of an unset variable', async () => {
    const script = join(work, 'chain-fn')
    writeFileSync(script, getShell('bash').render([['MFA_T_FN', null]]))
    const r = await run('bash', ['--noprofile', '--norc', '-c', `MFA_T_FN() { echo still here; }; eval "$(cat '${script}')"; MFA_T_FN`], {env: baseEnv()})
    expect(r.stdout.toString()).toBe('still here\n')
  })
})

describeWith(['fish'], 'fish chaining and scopes', () => {
  const fishRun = async (changes: EnvChanges, then: string, prelude = '') => {
    const script = join(work, `fish-${++serial}`)
    writeFileSync(script, getShell('fish').render(changes))
    return run('fish', ['--no-config', '-c', `${prelude}\ncat ${script} | source; and ${then}`], {env: baseEnv()})
  }

  test('`mfa env --shell fish | source; and aws ...` runs the next command when the last statement unsets an unset variable', async () => {
    const r = await fishRun(UNSET_LAST, 'echo "ok $MFA_T_SET"')
    expect(r.stderr.toString()).toBe('')
    expect(r.stdout.toString()).toBe('ok x\n')
  })

  test('only unsets, none of them set: status 0', async () => {
    const r = await fishRun([['MFA_T_A', null], ['MFA_T_B', null]], 'echo ok')
    expect(r.stdout.toString()).toBe('ok\n')
  })

  test('a plain `set -q X; and set -e X` would not do (the construct this replaces)', async () => {
    const r = await run('fish', ['--no-config', '-c', 'echo "set -q MFA_T_A; and set -e MFA_T_A" | source; and echo ok; or echo failed'], {env: baseEnv()})
    expect(r.stdout.toString()).toBe('failed\n')
  })

  test('set and unset act on the global scope even when sourced inside a function', async () => {
    const script = join(work, 'fish-fn')
    writeFileSync(script, getShell('fish').render([['MFA_T_G', 'global'], ['MFA_T_GONE', null]]))
    const r = await run(
      'fish',
      ['--no-config', '-c', `set -gx MFA_T_GONE before; function f; cat ${script} | source; end; f; echo "$MFA_T_G"; set -q MFA_T_GONE; or echo gone`],
      {env: baseEnv()},
    )
    expect(r.stdout.toString()).toBe('global\ngone\n')
  })

  test('a universal variable (every session, on disk) is left alone', async () => {
    const script = join(work, 'fish-universal')
    writeFileSync(script, getShell('fish').render([['MFA_T_UNIV', null]]))
    const env = baseEnv({XDG_CONFIG_HOME: join(work, `univ-${++serial}`)})
    const r = await run('fish', ['-c', `set -Ux MFA_T_UNIV from-disk; cat ${script} | source; and set -q -U MFA_T_UNIV; and echo kept`], {env})
    expect(r.stdout.toString()).toBe('kept\n')
  })
})

// ---------------------------------------------------------------------------------------------
// Validation, every shell

describe('names and values no shell can carry', () => {
  test.each(SHELL_NAMES)('%s: invalid names throw an MfaError', name => {
    for (const bad of ['', '1A', 'A-B', 'A B', 'A;B', 'Ä', 'A=B', '$(x)', 'A\n']) {
      expect(() => getShell(name).render([[bad, 'v']])).toThrow(MfaError)
      expect(() => getShell(name).render([[bad, null]])).toThrow(MfaError)
    }
    expect(() => getShell(name).render([['_ok_Name1', 'v']])).not.toThrow()
  })

  test.each(SHELL_NAMES)('%s: a NUL byte or a lone surrogate throws an MfaError', name => {
    expect(() => getShell(name).render([['A', 'a\0b']])).toThrow(MfaError)
    expect(() => getShell(name).render([['A', 'a\uD800b']])).toThrow(MfaError)
    expect(() => getShell(name).render([['A', 'a😀b']])).not.toThrow()
  })

  test('getShell lists the supported shells when the name is unknown', () => {
    expect(() => getShell('tcsh')).toThrow(MfaError)
    expect(() => getShell('tcsh')).toThrow(/bash, zsh, fish, powershell, sh, json/)
  })

  test('renderInit has no script for sh and json and says which shells it supports', () => {
    for (const shell of ['sh', 'json'] as const) {
      expect(() => renderInit(shell, '/bin/mfa', join(process.cwd(), 'shell'))).toThrow(/bash, zsh, fish, powershell/)
    }
  })

  test('exact statement shapes', () => {
    const changes: EnvChanges = [['A', "it's"], ['B', null]]
    expect(getShell('bash').render(changes)).toBe("export A='it'\\''s'\nunset -v B\n")
    expect(getShell('sh').render(changes)).toBe(getShell('zsh').render(changes))
    expect(getShell('fish').render([['A', "it's \\ x"], ['B', null]])).toBe(
      "set -gx A 'it\\'s \\\\ x'\nif set -q -g B; set -e -g B; end\n",
    )
    expect(getShell('powershell').render(changes)).toBe("$env:A = 'it''s'\n$env:B = $null\n")
    expect(getShell('json').render(changes)).toBe('{"A":"it\'s","B":null}\n')
    expect(getShell('bash').render([])).toBe('')
  })
})

// ---------------------------------------------------------------------------------------------
// PowerShell: its rules, and a model of its single-quoted string (the real pwsh: test/e2e/powershell.test.ts)

const PS_QUOTE = /['\u2018\u2019\u201A\u201B]/
/** One term: a single-quoted string whose quote characters come in identical pairs, or "`r" / "`n". */
const PS_TERM = String.raw`(?:'(?:[^'‘’‚‛]|''|‘‘|’’|‚‚|‛‛)*'|"\x60r"|"\x60n")`
const PS_SET = new RegExp(String.raw`^\$env:([A-Za-z_][A-Za-z0-9_]*) = (${PS_TERM}(?: \+ ${PS_TERM})*)$`)
const PS_UNSET = /^\$env:([A-Za-z_][A-Za-z0-9_]*) = \$null$/

/**
 * Reads an expression back the way PowerShell's tokenizer does: in '...', a quote character
 * (any of the five) followed by another quote character stands for the second one; a single one
 * ends the string.
 */
function psEvaluate(expr: string): string {
  let out = ''
  let i = 0
  const chars = Array.from(expr)
  while (i < chars.length) {
    if (chars[i] === '"') {
      const esc = chars.slice(i, i + 4).join('')
      if (esc === '"`r"') out += '\r'
      else if (esc === '"`n"') out += '\n'
      else throw new Error(`unexpected ${esc}`)
      i += 4
    } else if (PS_QUOTE.test(chars[i])) {
      i++
      for (;;) {
        if (i >= chars.length) throw new Error('unterminated string')
        if (PS_QUOTE.test(chars[i])) {
          if (i + 1 < chars.length && PS_QUOTE.test(chars[i + 1])) {
            out += chars[i + 1]
            i += 2
            continue
          }
          i++
          break
        }
        out += chars[i++]
      }
    } else {
      throw new Error(`unexpected ${chars[i]} in ${expr}`)
    }
    if (i < chars.length) {
      if (chars.slice(i, i + 3).join('') !== ' + ') throw new Error(`expected + at ${i} in ${expr}`)
      i += 3
    }
  }
  return out
}

function psRoundTrip(values: string[]): void {
  const changes: EnvChanges = [...values.map((v, i) => [`V${i}`, v] as const), ['GONE', null]]
  const output = getShell('powershell').render(changes)
  expect(output.endsWith('\n')).toBe(true)
  const lines = output.slice(0, -1).split('\n')
  // One statement per line: no CR or LF inside a statement (PowerShell reads program output by line).
  expect(lines).toHaveLength(changes.length)
  lines.forEach((line, i) => {
    expect(line).not.toMatch(/\r/)
    if (i === values.length) {
      expect(line).toMatch(PS_UNSET)
      return
    }
    const m = PS_SET.exec(line)
    if (!m) throw new Error(`not a PowerShell assignment: ${JSON.stringify(line)}`)
    expect(m[1]).toBe(`V${i}`)
    expect(psEvaluate(m[2])).toBe(values[i])
  })
}

describe('powershell', () => {
  test('nasty values: each line is one statement, every quote character doubled, read back exactly', () => {
    psRoundTrip(NASTY)
  })

  test('property: any values', () => {
    fc.assert(
      fc.property(batch, values => psRoundTrip(values)),
      {numRuns: 200},
    )
  })

  test("the typographic quotes are quotes to PowerShell: ' ‘ ’ ‚ ‛ are each doubled", () => {
    expect(getShell('powershell').render([['A', "'‘’‚‛"]])).toBe("$env:A = '''‘‘’’‚‚‛‛'\n")
  })

  test('a value with no line break matches the one-string form', () => {
    const line = getShell('powershell').render([['NAME', "a'b‘c$(x)`d"]]).trimEnd()
    expect(line).toMatch(/^\$env:NAME = '(?:[^'‘’‚‛]|''|‘‘|’’|‚‚|‛‛)*'$/)
    expect(line).toBe("$env:NAME = 'a''b‘‘c$(x)`d'")
  })

  test('line breaks are written outside the quotes', () => {
    expect(getShell('powershell').render([['A', 'x\r\ny\n']])).toBe('$env:A = \'x\' + "`r" + "`n" + \'y\' + "`n"\n')
    expect(getShell('powershell').render([['A', '']])).toBe("$env:A = ''\n")
  })
})

// ---------------------------------------------------------------------------------------------
// JSON

describe('json', () => {
  test('property: one compact line that parses back to the changes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/), fc.option(value, {nil: null})), {selector: t => t[0], maxLength: 20}), entries => {
        const text = getShell('json').render(entries)
        expect(text.endsWith('\n')).toBe(true)
        expect(text.slice(0, -1)).not.toContain('\n')
        const parsed = JSON.parse(text) as Record<string, string | null>
        expect(Object.entries(parsed)).toEqual(entries)
      }),
    )
  })

  test('null means unset; a repeated name keeps its last value', () => {
    expect(getShell('json').render([['A', 'x'], ['B', null], ['A', 'y']])).toBe('{"B":null,"A":"y"}\n')
  })
})

// ---------------------------------------------------------------------------------------------
// Hints and detection

describe('quoteForHint (shell-quote, for people)', () => {
  test('plain words stay plain; others are quoted so a paste gives them back', async () => {
    expect(quoteForHint(['mfa', 'use', 'default'])).toBe('mfa use default')
    expect(quoteForHint(['mfa', 'use', 'my profile'])).toBe("mfa use 'my profile'")
    const words = ['mfa', 'use', "it's $(x) !", 'a b', '']
    const r = await run('bash', ['--noprofile', '--norc', '-c', `printf '[%s]' ${quoteForHint(words)}`])
    expect(r.stdout.toString()).toBe(words.map(w => `[${w}]`).join(''))
  })
})

describe('shell names', () => {
  test.each([
    ['bash', 'bash'],
    ['-bash', 'bash'],
    ['/bin/bash', 'bash'],
    ['bash5', 'bash'],
    ['bash-5.2', 'bash'],
    ['zsh', 'zsh'],
    ['-zsh', 'zsh'],
    ['zsh-5.9', 'zsh'],
    ['/usr/local/bin/zsh', 'zsh'],
    ['fish', 'fish'],
    ['/opt/homebrew/bin/fish', 'fish'],
    ['pwsh', 'powershell'],
    ['pwsh-preview', 'powershell'],
    ['powershell', 'powershell'],
    ['powershell.exe', 'powershell'],
    ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell'],
    ['sh', 'sh'],
    ['dash', 'sh'],
    ['ash', 'sh'],
    ['ksh', 'sh'],
    ['ksh93', 'sh'],
    ['mksh', 'sh'],
    ['node', undefined],
    ['npm exec mfa', undefined],
    ['tcsh', undefined],
    ['', undefined],
  ])('%s → %s', (name, shell) => {
    expect(normaliseShellName(name)).toBe(shell)
  })
})

const linux = process.platform === 'linux'
;(linux ? describe : describe.skip)('detectShell (Linux /proc)', () => {
  /** Starts `file args` in its own process group; returns it and a way to end that group. */
  function start(file: string, args: string[]) {
    const child = spawn(file, args, {detached: true, stdio: 'ignore'})
    return {child, stop: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }}
  }
  /** The first child of pid, once it runs `named` (a forked shell shows the shell's name until it has exec'd). */
  async function childOf(pid: number, named?: string): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const text = existsSync(`/proc/${pid}/task/${pid}/children`) ? readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() : ''
      const child = text ? Number(text.split(' ')[0]) : undefined
      if (child && (!named || commOf(child) === named)) return child
      await new Promise(r => setTimeout(r, 25))
    }
    throw new Error(`no child of ${pid}${named ? ` named ${named}` : ''}`)
  }
  const commOf = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
    } catch {
      return undefined
    }
  }
  const nodeName = commOf(process.pid)
  const sleeper = 'setTimeout(() => {}, 20000)'

  describeWith(['bash', 'zsh', 'fish'], 'real parents', () => {
    test.each(['bash', 'zsh', 'fish'])('the parent is %s', async shell => {
      const {child, stop} = start(shell, ['-c', 'sleep 20; true'])
      try {
        await childOf(child.pid!)
        expect(detectShell({ppid: child.pid!, env: {}})).toBe(shell)
      } finally {
        stop()
      }
    })

    /** A node program named like npm's own entry point, which runs package binaries for a shell. */
    function npmLike(body: string): string {
      const dir = mkdtempSync(join(tmpdir(), 'mfa-npm-'))
      const file = join(dir, 'npx-cli.js')
      writeFileSync(file, body)
      return file
    }

    test("npm's node (a wrapper): the shell above it", async () => {
      const {child, stop} = start('zsh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(npmLike(sleeper))}; true`])
      try {
        const node = await childOf(child.pid!, nodeName)
        expect(detectShell({ppid: node, env: {SHELL: '/bin/fish'}})).toBe('zsh')
      } finally {
        stop()
      }
    })

    test('any other node program is no shell: $SHELL decides, not the shell above it', async () => {
      const {child, stop} = start('zsh', ['-c', `${JSON.stringify(process.execPath)} -e '${sleeper}'; true`])
      try {
        const node = await childOf(child.pid!, nodeName)
        expect(detectShell({ppid: node, env: {SHELL: '/bin/fish'}})).toBe('fish')
        expect(detectShell({ppid: node, env: {}})).toBeUndefined()
      } finally {
        stop()
      }
    })

    test('npx style: zsh → npm\'s node → sh -c → mfa: the sh of the wrapper is skipped', async () => {
      const inner = `require('child_process').spawn('sh', ['-c', 'sleep 20; true'], {stdio: 'ignore'}); ${sleeper}`
      const {child, stop} = start('zsh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(npmLike(inner))}; true`])
      try {
        const node = await childOf(child.pid!, nodeName)
        const sh = await childOf(node, 'sh')
        await childOf(sh, 'sleep')
        expect(detectShell({ppid: sh, env: {}})).toBe('zsh')
      } finally {
        stop()
      }
    })
  })

  test('no readable parent: $SHELL, normalised', () => {
    expect(detectShell({ppid: 0, env: {SHELL: '/usr/local/bin/fish'}})).toBe('fish')
    expect(detectShell({ppid: 0, env: {SHELL: '/bin/dash'}})).toBe('sh')
    expect(detectShell({ppid: 0, env: {}})).toBeUndefined()
  })
})
