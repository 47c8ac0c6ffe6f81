/**
 * PowerShell for real: pwsh 7 (-NoProfile) runs what bash, zsh and fish run in env.test.ts,
 * shell-init.test.ts, exec.test.ts and completion.test.ts. The real CLI (bin/run.cjs, found as
 * `mfa` on PATH) against the local STS server; a fake mfa where only the script is under test.
 * Without pwsh the blocks are skipped with the reason in their name (a failure under CI=true).
 *
 * pwsh starts in about a second: each test batches its checks into one pwsh process and prints
 * one line per check.
 */
import {chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {renderInit, getShell} from '../../src/shells/index.js'
import {renderSegment} from '../../src/shells/segment.js'
import {BIN, ROOT, run} from '../helpers/cli.js'
import {plain, psQuote, pwsh, PWSH, PWSH_FLAGS, PWSH_QUIET} from '../helpers/pwsh.js'
import {COUNT_SIGINT_PY} from '../helpers/signals.js'
import {terminal, type Terminal} from '../helpers/tmux.js'
import {AWS_CLI, describeWith, which} from '../helpers/tools.js'
import {DEMO, makeWorld, type World} from '../helpers/world.js'

const ESC = '\u001B'
const YELLOW = `${ESC}[33m`
const RED = `${ESC}[31m`
const RESET = `${ESC}[0m`
const SHELL_DIR = join(ROOT, 'shell')

/** Values that break naive quoting: PowerShell's five single quotes, its escapes and expansions, line breaks, Unicode. */
const HOSTILE = [
  "'",
  "it's",
  "''",
  '‘’‚‛',
  "a'‘b’‚c‛'",
  '"double" “curly” „low“',
  '$(touch PWNED)',
  '$(New-Item PWNED)',
  '`$x` `n `r `0 ``',
  '${env:HOME} $env:PATH $HOME @args',
  '@(1,2) @{a=1} $(1) [char]39',
  '; New-Item PWNED; #',
  "' + (New-Item PWNED) + '",
  "‘; New-Item PWNED; ’",
  '\\',
  'C:\\Users\\x\\',
  'line1\nline2',
  'cr\rlf\n\r\ncrlf\r\n',
  '\n',
  '\r',
  'trailing\n',
  ' leading and trailing ',
  '\t tab',
  '☁ ünïcødé 😀 é',
  '<# not a comment #>',
  '--% stop parsing',
  '%p %t %%',
  '',
]

const noNul = (s: string) => s.replaceAll('\0', '')
/** Any value an environment variable can hold (no NUL, no lone surrogate: mfa refuses those). */
const value = fc.oneof(
  fc.string({unit: 'binary', maxLength: 30}).map(noNul),
  fc.string({unit: 'grapheme', maxLength: 10}),
  fc.string({
    unit: fc.constantFrom("'", '‘', '’', '‚', '‛', '"', '“', '”', '„', '`', '$', '(', ')', '{', '}', '@', '#', ';', '|', '&', '<', '>', '\\', '\n', '\r', '\t', ' ', 'a', '%', 'é', '😀'),
    maxLength: 30,
  }),
  fc.constantFrom(...HOSTILE),
)

/** The environment as a child process of pwsh sees it, written to a file by node (JSON keeps every byte of UTF-8). */
const DUMP_ENV = `& $env:T_NODE -e "require('fs').writeFileSync(process.argv[1], JSON.stringify(process.env))"`

// ---------------------------------------------------------------------------------------------
// The statements `mfa env --shell powershell` prints, evaluated by pwsh

describeWith([PWSH], 'PowerShell: the statements of mfa env, evaluated by the real pwsh', () => {
  let work: string
  beforeAll(() => {
    work = join(ROOT, 'node_modules', '.cache', `mfa-pwsh-${process.pid}`)
    mkdirSync(work, {recursive: true})
  })
  afterAll(() => rmSync(work, {recursive: true, force: true}))
  let serial = 0

  /**
   * Renders the values into T_V0.., unsets of set (T_U*) and never-set (T_N*) variables, the last
   * statement an unset; a native program (/bin/cat) prints them, as mfa does; pwsh runs them the
   * two ways users do: `| Invoke-Expression` (line by line) and `| Out-String | Invoke-Expression`.
   */
  async function roundTrip(values: string[], render = getShell('powershell').render) {
    const dir = join(work, `rt-${++serial}`)
    mkdirSync(dir)
    const changes: [string, string | null][] = [['T_U0', null]]
    values.forEach((v, i) => changes.push([`T_V${i}`, v]))
    changes.push(['T_N0', null], ['T_U1', null], ['T_N1', null])
    writeFileSync(join(dir, 'script'), render(changes))
    const names = values.map((_, i) => `T_V${i}`)
    const script = `
      Set-StrictMode -Version Latest
      $ErrorActionPreference = 'Stop'
      & /bin/cat script | Invoke-Expression
      ${DUMP_ENV} lines.json
      foreach ($n in ${names.map(n => `'${n}'`).join(', ') || '@()'}) { Remove-Item -LiteralPath "env:$n" }
      $env:T_U0 = 'set before'; $env:T_U1 = 'also set'
      & /bin/cat script | Out-String | Invoke-Expression
      ${DUMP_ENV} string.json
      'ok'`
    const r = await pwsh(script, {cwd: dir, env: {PATH: process.env.PATH, HOME: dir, LANG: 'C.UTF-8', T_NODE: process.execPath, T_U0: 'set before', T_U1: 'also set'}})
    const read = (file: string): Record<string, string> => (existsSync(join(dir, file)) ? JSON.parse(readFileSync(join(dir, file), 'utf8')) : {})
    return {r, lines: read('lines.json'), string: read('string.json'), pwned: readdirSync(dir).filter(n => n.includes('PWNED'))}
  }

  function assertRoundTrip(values: string[], rt: Awaited<ReturnType<typeof roundTrip>>) {
    expect({stderr: plain(rt.r.stderr), stdout: rt.r.stdout, code: rt.r.code}).toEqual({stderr: '', stdout: 'ok\n', code: 0})
    expect(rt.pwned).toEqual([])
    for (const env of [rt.lines, rt.string]) {
      const got = values.map((_, i) => env[`T_V${i}`])
      expect(got).toEqual(values)
      expect(['T_U0', 'T_U1', 'T_N0', 'T_N1'].filter(n => n in env)).toEqual([])
    }
  }

  test('hostile values come back exactly, both ways of running them; unsets leave nothing; nothing runs', async () => {
    assertRoundTrip(HOSTILE, await roundTrip(HOSTILE))
  })

  test('property: any values (binary, graphemes, quote soup of all five kinds) round-trip', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(value, {minLength: 1, maxLength: 60}), async values => {
        assertRoundTrip(values, await roundTrip(values))
      }),
      {numRuns: 8},
    )
  })

  test('the harness can fail: double quotes (as the AWS CLI writes them) are caught, and their $(...) ran', async () => {
    const doubleQuoted = (changes: [string, string | null][]) => changes.map(([n, v]) => (v === null ? `Remove-Item -LiteralPath 'env:${n}' -ErrorAction Ignore\n` : `$Env:${n}="${v}"\n`)).join('')
    const rt = await roundTrip(['$(New-Item PWNED)', 'x'], doubleQuoted)
    expect(rt.pwned).toEqual(['PWNED'])
    expect(() => assertRoundTrip(['$(New-Item PWNED)', 'x'], rt)).toThrow()
  })
})

// ---------------------------------------------------------------------------------------------
// The real CLI in pwsh

/**
 * Secrets no real STS would issue, from the local server: every quote kind, $(...), backticks,
 * Unicode. No line break: mfa refuses to write one into ~/.aws/credentials (the INI format cannot
 * hold it), so line breaks are proven by the round trips above.
 */
const HOSTILE_SECRET = `wJalr'‘’‚‛"$(New-Item PWNED)\`$x\${env:HOME}@(1)+/=☁é`
const HOSTILE_TOKEN = `IQoJ'';New-Item PWNED;'‘\`n$(1)”„ #<😀`

describeWith([PWSH], 'PowerShell: the real mfa in pwsh', () => {
  let world: World
  let binDir: string
  beforeEach(async () => {
    world = await makeWorld({users: {issueSecrets: () => ({secretAccessKey: HOSTILE_SECRET, sessionToken: HOSTILE_TOKEN})}})
    // `mfa` on PATH, as after `npm link`: a wrapper that execs node, so mfa's parent is pwsh.
    binDir = join(world.home, 'bin')
    mkdirSync(binDir)
    writeFileSync(join(binDir, 'mfa'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`, {mode: 0o755})
  })
  afterEach(async () => {
    await world.close()
  })

  const psEnv = (extra: NodeJS.ProcessEnv = {}) => world.env({PATH: `${binDir}:${process.env.PATH}`, MFA_PROMPT_COLOR: '0', T_NODE: process.execPath, ...extra})
  const inPwsh = (script: string, extra: NodeJS.ProcessEnv = {}) => pwsh(`Set-StrictMode -Version Latest; $ErrorActionPreference = 'Stop'\n${script}`, {env: psEnv(extra), cwd: world.home})
  const session = async () => {
    const r = await world.mfa(['credential-process'])
    expect(r.code).toBe(0)
    return JSON.parse(r.stdout) as {AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string}
  }
  const dump = () => JSON.parse(world.read(join(world.home, 'env.json'))) as Record<string, string | undefined>

  test('mfa env | Invoke-Expression (shell detected from pwsh, and named): the session exactly, what competes removed; --unset clears', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    const s = await session()
    expect(s.SecretAccessKey).toBe(HOSTILE_SECRET)
    expect(s.SessionToken).toBe(HOSTILE_TOKEN)
    const r = await inPwsh(`
      $env:AWS_PROFILE = 'default'; $env:AWS_SECURITY_TOKEN = 'stale'
      mfa env | Invoke-Expression
      ${DUMP_ENV} env.json
      mfa env --shell powershell --unset | Invoke-Expression
      'unset: ' + @('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'MFA_PROFILE', 'MFA_EXPIRY', 'AWS_REGION' | Where-Object { Test-Path "env:$_" }).Count
      $env:AWS_PROFILE = 'default'
      mfa env --shell powershell | Out-String | Invoke-Expression
      ($env:AWS_SECRET_ACCESS_KEY -ceq '${HOSTILE_SECRET.replace(/'/g, "''").replace(/[‘’‚‛]/g, q => q + q)}').ToString() + ' ' + (Test-Path env:AWS_PROFILE)`)
    expect(plain(r.stderr)).toBe('')
    expect(r.stdout).toBe('unset: 0\nTrue False\n')
    const env = dump()
    const epoch = String(Date.parse(s.Expiration) / 1000)
    expect({
      AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: env.AWS_SESSION_TOKEN,
      AWS_CREDENTIAL_EXPIRATION: env.AWS_CREDENTIAL_EXPIRATION,
      AWS_SESSION_EXPIRATION: env.AWS_SESSION_EXPIRATION,
      AWS_REGION: env.AWS_REGION,
      AWS_DEFAULT_REGION: env.AWS_DEFAULT_REGION,
      MFA_PROFILE: env.MFA_PROFILE,
      MFA_EXPIRY: env.MFA_EXPIRY,
      AWS_PROFILE: env.AWS_PROFILE,
      AWS_SECURITY_TOKEN: env.AWS_SECURITY_TOKEN,
    }).toEqual({
      AWS_ACCESS_KEY_ID: s.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: HOSTILE_SECRET,
      AWS_SESSION_TOKEN: HOSTILE_TOKEN,
      AWS_CREDENTIAL_EXPIRATION: s.Expiration,
      AWS_SESSION_EXPIRATION: s.Expiration,
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      MFA_PROFILE: 'default',
      MFA_EXPIRY: epoch,
      AWS_PROFILE: undefined,
      AWS_SECURITY_TOKEN: undefined,
    })
    expect(readdirSync(world.home).filter(n => n.includes('PWNED'))).toEqual([])
  })

  test('a profile name and region full of quotes and $(...) are data, never code', async () => {
    const name = `x$(New-Item PWNED)'‘’"\`n`
    const region = `eu-west-1';New-Item PWNED;'`
    writeFileSync(world.configPath, `[profile ${name}]\nregion = ${region}\nmfa_serial = ${DEMO.mfaSerial}\n`)
    writeFileSync(world.credentialsPath, `[${name}]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`)
    const r = await inPwsh(`mfa env -p $env:P -t $env:C | Invoke-Expression; "$env:MFA_PROFILE|$env:AWS_REGION"`, {P: name, C: await world.freshCode(), AWS_REGION: 'eu-west-1'})
    expect(plain(r.stderr)).toMatch(/^mfa: new session/)
    expect(r.stdout).toBe(`${name}|${region}\n`)
    expect(readdirSync(world.home).filter(n => n.includes('PWNED'))).toEqual([])
  })

  test('mfa init loads silently under Set-StrictMode -Version Latest and $ErrorActionPreference = Stop, twice, and records no error', async () => {
    const r = await inPwsh(`
      mfa init powershell | Out-String | Invoke-Expression
      mfa init powershell | Out-String | Invoke-Expression
      if ($Error.Count -ne 0) { throw "errors: $($Error -join '; ')" }`)
    expect({code: r.code, stdout: r.stdout, stderr: plain(r.stderr)}).toEqual({code: 0, stdout: '', stderr: ''})
  })

  test('mfa use puts the session into this pwsh, mfa_prompt shows it, doctor sees the integration, mfa clear takes it out', async () => {
    const r = await inPwsh(`
      mfa init powershell | Out-String | Invoke-Expression
      mfa use default -t $env:C
      "[$env:MFA_PROFILE]$(mfa_prompt)|$LASTEXITCODE"
      if ((mfa doctor --json | Out-String) -like '*the powershell integration is loaded*') { 'doctor-sees-it' }
      mfa clear
      'cleared: ' + -not (Test-Path env:AWS_ACCESS_KEY_ID) + ' ' + -not (Test-Path env:MFA_PROFILE) + ' ' + (mfa_prompt)`, {C: await world.freshCode()})
    expect(r.stdout).toMatch(/^\[default\]aws:default (?:11h5\dm|12h00m)\|0\ndoctor-sees-it\ncleared: True True \n$/)
    expect(plain(r.stderr)).toMatch(/^mfa: new session for profile default until /)
    expect(world.sts.count('GetSessionToken')).toBe(1)
  })

  test('mfa exec from pwsh: argv as pwsh passes it to any program, the session in the child, $LASTEXITCODE and $? from the command', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    // pwsh itself expands * and ~ in a native command's arguments on Unix (even from a variable):
    // what mfa exec must do is pass on what pwsh gives, so each line is compared with printf run directly.
    const words = ['', 'a b', "it's", '"double"', '‘’', '$HOME', '$(x)', '`n', 'line\nbreak', 'ünïcødé ☁', '--', '--profile', '-p', '-t', '123456', '%s', '\\']
    writeFileSync(join(world.home, 'words.json'), JSON.stringify(words))
    const r = await inPwsh(`
      $ErrorActionPreference = 'Continue'
      $words = [string[]](Get-Content -Raw -LiteralPath words.json | ConvertFrom-Json)
      mfa exec -- printf '[%s]' @words; "|$LASTEXITCODE"
      mfa exec -- printf '[%s]' * ~ '*' "~" x*; "|"
      printf '[%s]' * ~ '*' "~" x*; "|"
      mfa exec -- sh -c 'printf %s "$MFA_PROFILE"; exit 7'; "|$LASTEXITCODE|$?"
      mfa exec -- sh -c 'exit 0'; "|$LASTEXITCODE|$?"
      mfa exec -- sh -c 'kill -TERM $$'; "|$LASTEXITCODE"
      mfa exec -- no-such-command-mfa 2>$null; "|$LASTEXITCODE"`)
    expect(plain(r.stderr)).toBe('')
    const argv = `${words.map(w => `[${w}]`).join('')}|0\n`
    expect(r.stdout.slice(0, argv.length)).toBe(argv)
    const lines = r.stdout.slice(argv.length).split('\n')
    expect(lines[0]).toBe(lines[1])
    expect(lines[0]).toMatch(/^\[bin\]\[words\.json\]\[.+\]\[\*\]\[~\]\[x\*\]\|$/)
    expect(lines.slice(2)).toEqual(['default|7|False', '|0|True', '|143', '|127', ''])
  })

  describeWith([AWS_CLI], 'next to the AWS CLI', () => {
    test('aws configure export-credentials --format powershell: the same names and the same instant, Z where it writes +00:00', async () => {
      await world.mfa(['login', '-t', await world.freshCode()])
      const s = await session()
      const r = await inPwsh(`mfa env | Invoke-Expression; & '${AWS_CLI}' configure export-credentials --format powershell`, {AWS_PAGER: ''})
      expect(plain(r.stderr)).toBe('')
      const aws = Object.fromEntries(r.stdout.trimEnd().split('\n').map(l => /^\$Env:(\w+)="(.*)"$/s.exec(l)!.slice(1, 3)))
      const mfa = (await world.mfa(['env', '--shell', 'json'])).stdout
      const ours = JSON.parse(mfa) as Record<string, string | null>
      // Every name the AWS CLI writes, mfa writes too (and more: region, expiry as epoch, removals).
      expect(Object.keys(aws).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
      for (const name of Object.keys(aws)) expect(ours[name]).toEqual(expect.any(String))
      expect(aws.AWS_ACCESS_KEY_ID).toBe(s.AccessKeyId)
      expect(Date.parse(aws.AWS_CREDENTIAL_EXPIRATION)).toBe(Date.parse(ours.AWS_CREDENTIAL_EXPIRATION!))
      expect(aws.AWS_CREDENTIAL_EXPIRATION).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/)
      expect(ours.AWS_CREDENTIAL_EXPIRATION).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      // Its double quotes do not carry the local server's secret: mfa's single quotes do (see README).
      expect(aws.AWS_SECRET_ACCESS_KEY).toBe(HOSTILE_SECRET)
      const back = await inPwsh(
        `$ErrorActionPreference = 'Continue'
         $lines = & '${AWS_CLI}' configure export-credentials --format powershell
         Remove-Item env:AWS_SECRET_ACCESS_KEY
         foreach ($line in $lines) { try { Invoke-Expression $line } catch { 'refused: ' + $line.Split('=')[0] } }
         'same: ' + ($env:AWS_SECRET_ACCESS_KEY -ceq $env:WANT)`,
        {AWS_ACCESS_KEY_ID: s.AccessKeyId, AWS_SECRET_ACCESS_KEY: s.SecretAccessKey, AWS_SESSION_TOKEN: 'plain', WANT: HOSTILE_SECRET},
      )
      expect(back.stdout).toBe('refused: $Env:AWS_SECRET_ACCESS_KEY\nsame: False\n')
    })
  })
})

describeWith([PWSH], 'PowerShell: property, the real mfa: whatever secrets the server issues come back exactly', () => {
  // One MFA session (one code), then role sessions: each AssumeRole hands out the next two values
  // the property drew, as SecretAccessKey and SessionToken. The MFA session's own are plain: mfa
  // signs its AssumeRole call with them, and a header cannot carry every character.
  const queue: {secretAccessKey: string; sessionToken: string}[] = []
  let plainCount = 0
  let world: World
  let binDir: string
  beforeAll(async () => {
    world = await makeWorld({users: {issueSecrets: () => queue.shift() ?? {secretAccessKey: `plainSecret${++plainCount}`, sessionToken: `plainToken${plainCount}`}}})
    binDir = join(world.home, 'bin')
    mkdirSync(binDir)
    writeFileSync(join(binDir, 'mfa'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`, {mode: 0o755})
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
  })
  afterAll(async () => {
    await world?.close()
  })

  // What ~/.aws/credentials can hold (mfa refuses line breaks and outer spaces there, and says so).
  const secret = value.filter(v => v !== '' && !/[\r\n]/.test(v) && v.trim() === v && !/[\uD800-\uDFFF]/u.test(v.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')))
  let run = 0

  test('mfa env -p ROLE | Invoke-Expression, for role sessions with drawn secrets', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(secret, secret), {minLength: 1, maxLength: 4}), async pairs => {
        const profiles = pairs.map((_, i) => `r${++run}x${i}`)
        writeFileSync(world.configPath, world.read(world.configPath) + profiles.map(p => `\n[profile ${p}]\nrole_arn = ${DEMO.roleArn}\nsource_profile = default\n`).join(''))
        queue.push(...pairs.map(([secretAccessKey, sessionToken]) => ({secretAccessKey, sessionToken})))
        const r = await pwsh(
          `Set-StrictMode -Version Latest; $ErrorActionPreference = 'Stop'
           foreach ($p in ${profiles.map(p => `'${p}'`).join(', ')}) { mfa env -p $p | Invoke-Expression; ${DUMP_ENV} "$p.json" }`,
          {env: world.env({PATH: `${binDir}:${process.env.PATH}`, T_NODE: process.execPath}), cwd: world.home},
        )
        expect(r.code).toBe(0)
        expect(plain(r.stderr).split('\n').filter(Boolean).map(l => l.replace(/ until .*$/, ''))).toEqual(profiles.map(p => `mfa: new session for profile ${p}`))
        expect(queue).toEqual([])
        const got = profiles.map(p => {
          const env = JSON.parse(world.read(join(world.home, `${p}.json`))) as Record<string, string>
          return [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.MFA_PROFILE]
        })
        expect(got).toEqual(pairs.map(([a, b], i) => [a, b, profiles[i]]))
        expect(readdirSync(world.home).filter(n => n.includes('PWNED'))).toEqual([])
      }),
      {numRuns: 5, endOnFailure: true},
    )
  }, 180_000)
})

// ---------------------------------------------------------------------------------------------
// shell/mfa.ps1 in isolation: a FAKE mfa (a sh script that logs its arguments and prints
// PowerShell statements), in a directory whose name needs quoting

const FAKE_MFA = String.raw`#!/bin/sh
for a in "$@"; do printf '[%s]' "$a"; done >> "$MFA_FAKE_LOG"
printf '\n' >> "$MFA_FAKE_LOG"
case $1 in
  env) shift ;;
  exit-with) exit "$2" ;;
  __complete-profiles) printf 'default\nops team\nwork\nit'"'"'s\n'; exit 0 ;;
  *) printf 'fake mfa: %s\n' "$*"; exit 0 ;;
esac
profile=default unset=''
while [ $# -gt 0 ]; do
  case $1 in
    --profile) profile=$2; shift ;;
    --unset) unset=1 ;;
  esac
  shift
done
q() { printf "'%s'" "$(printf '%s' "$1" | sed -e "s/'/''/g" -e "s/‘/‘‘/g" -e "s/’/’’/g")"; }
if [ -n "$unset" ]; then
  for v in AWS_ACCESS_KEY_ID MFA_PROFILE MFA_EXPIRY; do echo "\$env:$v = \$null"; done
  exit 0
fi
if [ "$profile" = bad ]; then
  echo "\$env:PARTIAL_OUTPUT_RAN = '1'"
  echo 'fake mfa: MFA code rejected' >&2
  exit 3
fi
echo "\$env:AWS_PROFILE = \$null"
echo "\$env:AWS_ACCESS_KEY_ID = 'AKIAFAKE'"
echo "\$env:MFA_PROFILE = $(q "$profile")"
echo "\$env:MFA_EXPIRY = '$(( $(date +%s) + 3600 ))'"
`

describeWith([PWSH], 'PowerShell: shell/mfa.ps1 in the real pwsh', () => {
  let work: string
  let init: string
  let log: string
  beforeAll(() => {
    work = join(ROOT, 'node_modules', '.cache', `mfa-ps1-${process.pid}`)
    const binDir = join(work, `it's a "dir" $(x) ‘q’`)
    mkdirSync(binDir, {recursive: true})
    const fake = join(binDir, 'mfa')
    writeFileSync(fake, FAKE_MFA)
    chmodSync(fake, 0o755)
    init = join(work, 'init.ps1')
    writeFileSync(init, renderInit('powershell', fake, SHELL_DIR))
    log = join(work, 'fake.log')
  })
  afterAll(() => rmSync(work, {recursive: true, force: true}))

  // Loaded as the first call of mfa, or of mfa_prompt with a session, loads it (until then pwsh holds only its text).
  const LOAD = `Get-Content -Raw -LiteralPath $env:T_INIT | Invoke-Expression; . ([scriptblock]::Create((__mfa_code)))`
  const env = (extra: NodeJS.ProcessEnv = {}) => ({PATH: process.env.PATH, HOME: work, LANG: 'C.UTF-8', T_INIT: init, MFA_FAKE_LOG: log, ...extra})
  /** pwsh, strict, with the integration loaded. */
  const ps = (script: string, extra: NodeJS.ProcessEnv = {}) =>
    pwsh(`Set-StrictMode -Version Latest; $ErrorActionPreference = 'Stop'\n${LOAD}\n${script}`, {env: env(extra), cwd: work})
  const fakeCalls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [])
  const now = '[DateTimeOffset]::UtcNow.ToUnixTimeSeconds()'

  test('at load pwsh only defines functions: the first call of mfa loads the integration (and hooks the prompt), then runs', async () => {
    rmSync(log, {force: true})
    const r = await pwsh(
      `Set-StrictMode -Version Latest; $ErrorActionPreference = 'Stop'
      function global:prompt { 'user> ' }
      Get-Content -Raw -LiteralPath $env:T_INIT | Invoke-Expression
      $hooked = { $function:prompt.ToString().Contains('__mfa_prompt_old') }
      "before|$([bool](Get-Command __mfa_run -ErrorAction Ignore))|$(& $hooked)|$(Test-Path env:MFA_SHELL)"
      mfa exec -- -- x; "first|$LASTEXITCODE"
      "after|$([bool](Get-Command __mfa_run -ErrorAction Ignore))|$(& $hooked)|$(prompt)|$env:MFA_SHELL"
      mfa --version`,
      {env: env(), cwd: work},
    )
    expect(plain(r.stderr)).toBe('')
    expect(r.stdout).toBe('before|False|False|False\nfake mfa: exec -- x\nfirst|0\nafter|True|True|user> |powershell\nfake mfa: --version\n')
    // The first call reaches mfa as any later one: pwsh took the first --, the second is mfa's.
    expect(fakeCalls()).toEqual(['[exec][--][x]', '[--version]'])
  })

  test('mfa use / mfa clear change this pwsh; arguments pass through exactly (no globbing); a failure evaluates nothing', async () => {
    rmSync(log, {force: true})
    const r = await ps(`
      $env:AWS_PROFILE = 'old'
      mfa use prof --token-code 123456; "use|$LASTEXITCODE|$env:MFA_PROFILE|$env:AWS_ACCESS_KEY_ID|$(Test-Path env:AWS_PROFILE)"
      mfa use ${psQuote(`it's a "profile" ‘*’`)}; "quoted|$env:MFA_PROFILE"
      mfa use; "default|$env:MFA_PROFILE"
      mfa use --force; "flag|$env:MFA_PROFILE"
      mfa clear; "clear|$LASTEXITCODE|$(Test-Path env:MFA_PROFILE)|$(Test-Path env:AWS_ACCESS_KEY_ID)|$(Test-Path env:MFA_EXPIRY)"
      $ErrorActionPreference = 'Continue'
      mfa use bad 2>$null; "bad|$LASTEXITCODE|$(Test-Path env:PARTIAL_OUTPUT_RAN)|$(Test-Path env:MFA_PROFILE)"
      mfa --version
      mfa exit-with 5; "passthrough|$LASTEXITCODE|$?"
      mfa exec -- aws s3 cp . s3://b --exclude '*' '~' '' 'a b'`)
    expect(plain(r.stderr)).toBe('')
    expect(r.stdout).toBe(
      [
        'use|0|prof|AKIAFAKE|False',
        `quoted|it's a "profile" ‘*’`,
        'default|default',
        'flag|default',
        'clear|0|False|False|False',
        'bad|3|False|False',
        'fake mfa: --version',
        // $LASTEXITCODE carries the code; $? after a function is True (pwsh has no quiet way for a function to fail: README).
        'passthrough|5|True',
        'fake mfa: exec aws s3 cp . s3://b --exclude * ~  a b',
        '',
      ].join('\n'),
    )
    expect(fakeCalls()).toEqual([
      '[env][--shell][powershell][--profile][prof][--token-code][123456]',
      `[env][--shell][powershell][--profile][it's a "profile" ‘*’]`,
      '[env][--shell][powershell]',
      '[env][--shell][powershell][--force]',
      '[env][--shell][powershell][--unset]',
      '[env][--shell][powershell][--profile][bad]',
      '[--version]',
      '[exit-with][5]',
      // PowerShell takes the first unquoted -- of a function call for itself (mfa exec finds the command without it).
      '[exec][aws][s3][cp][.][s3://b][--exclude][*][~][][a b]',
    ])
  })

  test('on Windows a .cjs or .js mfa is run by node (the branch, taken here by setting $__mfa_windows)', async () => {
    rmSync(log, {force: true})
    const r = await ps(`
      function node { "node got: " + ($args -join '|') }
      $global:__mfa_windows = $true; $global:__mfa_bin = 'C:\\Program Files\\nodejs\\node_modules\\mfa\\bin\\run.cjs'
      mfa status --profile 'a b'
      $global:__mfa_bin = 'C:\\mfa\\bin\\run.js'
      mfa status
      $global:__mfa_windows = $false; $global:__mfa_bin = '/bin/echo'
      mfa status`)
    expect(plain(r.stderr)).toBe('')
    expect(r.stdout).toBe('node got: C:\\Program Files\\nodejs\\node_modules\\mfa\\bin\\run.cjs|status|--profile|a b\nnode got: C:\\mfa\\bin\\run.js|status\nstatus\n')
  })

  test('mfa_prompt: nothing, 42m, yellow 5m, red expired; colour off by MFA_PROMPT_COLOR=0 or NO_COLOR (variable or global); formats as renderSegment', async () => {
    const cases: [string, string, number][] = [
      ['☁ %p (%t)', 'prod', 3 * 3600 + 7 * 60 + 30],
      ['%%p %p|%t %x%', 'a%tb', 11 * 3600 + 59 * 60 + 30],
      ['%%%p%%', "it's", 30],
      ['[%p]', 'p', -100],
      ['', 'p', 600 + 30],
    ]
    const formats = cases
      .map(([format, profile, offset]) => `$env:MFA_PROMPT_FORMAT = ${psQuote(format)}; $env:MFA_PROFILE = ${psQuote(profile)}; $env:MFA_EXPIRY = [string](${now} + ${offset}); (mfa_prompt) + '#'`)
      .join('\n')
    const r = await ps(`
      function show { '[' + (mfa_prompt) + ']' }
      show
      $env:MFA_PROFILE = 'p'; $env:MFA_EXPIRY = [string](${now} + 42 * 60 + 30); show
      $env:MFA_EXPIRY = [string](${now} + 5 * 60 + 30); show
      $env:MFA_PROMPT_COLOR = '0'; show; Remove-Item env:MFA_PROMPT_COLOR
      $global:MFA_PROMPT_COLOR = '0'; show; Remove-Variable -Scope Global MFA_PROMPT_COLOR
      $env:NO_COLOR = '1'; show; Remove-Item env:NO_COLOR
      $env:MFA_EXPIRY = [string](${now} - 5); show
      foreach ($e in 'a[$(New-Item PWNED)]', '12abc', '-5', ' 5', '1234567890123456789') { $env:MFA_EXPIRY = $e; show }
      $env:MFA_EXPIRY = ''; show
      ${formats}`)
    expect(plain(r.stderr)).toBe('')
    const base = 1_700_000_000
    expect(r.stdout).toBe(
      [
        '[]', '[aws:p 42m]', `[${YELLOW}aws:p 5m${RESET}]`, '[aws:p 5m]', '[aws:p 5m]', '[aws:p 5m]', `[${RED}aws:p expired${RESET}]`,
        '[]', '[]', '[]', '[]', '[]', '[]',
        ...cases.map(([format, profile, offset]) => renderSegment({profile, expiry: base + offset, now: base, format, color: true}) + '#'),
        '',
      ].join('\n'),
    )
    expect(existsSync(join(work, 'PWNED'))).toBe(false)
  })

  test('MFA_WARN=1 warns once per session on stderr before the prompt, under 10 minutes only; off by default', async () => {
    const r = await ps(`
      $env:MFA_PROFILE = 'my prof'; $env:MFA_EXPIRY = [string](${now} + 5 * 60 + 30)
      $null = prompt; [Console]::Error.WriteLine('off')
      $env:MFA_WARN = '1'; $null = prompt; $null = prompt
      $env:MFA_EXPIRY = [string](${now} + 3600); $null = prompt
      $env:MFA_EXPIRY = [string](${now} - 1); $null = prompt; $null = prompt`)
    expect(r.stdout).toBe('')
    expect(plain(r.stderr)).toBe(
      [
        'off',
        "mfa: the AWS session of profile my prof expires in 5 minutes; renew it with: mfa use 'my prof'",
        "mfa: the AWS session of profile my prof has expired; renew it with: mfa use 'my prof'",
        '',
      ].join('\n'),
    )
  })

  test('the prompt you had is kept (hooked once, again after it was replaced), and so are $LASTEXITCODE, $? and $Error', async () => {
    const r = await ps(`
      function global:prompt { "user:$?:$LASTEXITCODE> " }
      ${LOAD}
      ${LOAD}
      $ErrorActionPreference = 'Continue'
      $env:MFA_PROFILE = 'p'; $env:MFA_EXPIRY = [string](${now} + 90); $env:MFA_WARN = '1'
      'old prompt is the user''s: ' + $global:__mfa_prompt_old.ToString().Contains('user:')
      sh -c 'exit 7'; prompt
      $before = $Error.Count
      Get-Item /nonexistent-mfa-path 2>$null; prompt
      $null = 1; prompt
      "errors added: $($Error.Count - $before - 1)"`)
    expect(r.stdout).toBe("old prompt is the user's: True\nuser:False:7> \nuser:False:7> \nuser:True:7> \nerrors added: 0\n")
    expect(plain(r.stderr)).toBe('mfa: the AWS session of profile p expires in 1 minutes; renew it with: mfa use \'p\'\n')
  })

  /**
   * Every command pwsh looks up while the prompt renders, from its own CommandDiscovery trace: a
   * program (an "application") is what would start a process. Another process could only come from
   * .NET code calling Process.Start, which the script does not contain (and strace below checks).
   */
  const discovery = async (body: string) => {
    const trace = join(work, `trace-${Math.random().toString(36).slice(2)}.txt`)
    const r = await ps(`
      $env:MFA_PROFILE = 'p'; $env:MFA_EXPIRY = [string](${now} + 5 * 60 + 30); $env:MFA_WARN = '1'
      Trace-Command -Name CommandDiscovery -FilePath ${psQuote(trace)} -Expression { ${body} }
      '[' + (mfa_prompt) + ']'`)
    const lines = readFileSync(trace, 'utf8').split('\n')
    return {r, found: lines.filter(l => / found: | is an application /.test(l)).map(l => l.replace(/^.*Information: 0 : /, '').trim())}
  }

  test('no process is started on the prompt path: 200 prompts, every command pwsh looks up is a function or a cmdlet', async () => {
    const {r, found} = await discovery(`$env:PATH = '/nonexistent'; for ($i = 0; $i -lt 200; $i++) { $null = mfa_prompt; $null = prompt }`)
    expect(plain(r.stderr)).toBe('mfa: the AWS session of profile p expires in 5 minutes; renew it with: mfa use \'p\'\n')
    expect(r.stdout).toBe(`[${YELLOW}aws:p 5m${RESET}]\n`)
    expect(found).toContain('Function found: __mfa_segment') // the trace saw inside the functions
    expect(found.filter(l => !/^(Function|Cmdlet) found: /.test(l))).toEqual([])
  })

  test('…and that trace catches a program (a control)', async () => {
    const {found} = await discovery(`$null = mfa_prompt; $null = & /bin/true; $null = date`)
    expect(found.filter(l => !/^(Function|Cmdlet) found: /.test(l))).toEqual([
      'Command Found: path (/bin/true) is an application with name: true',
      expect.stringMatching(/^Command Found: path \(.*\/date\) is an application with name: date$/),
    ])
  })
})

// ---------------------------------------------------------------------------------------------
// strace: no fork, vfork, clone of a process (threads aside) or exec while 100 prompts render

// Optional like the bash/zsh strace proof in shell-init.test.ts: the CommandDiscovery proof above needs no strace.
const describeStrace = which('strace') ? (name: string, body: () => void) => describeWith([PWSH], name, body) : (name: string, body: () => void) => describe.skip(`${name} [skipped: strace not installed]`, body)

describeStrace('PowerShell: strace on the prompt path', () => {
  let work: string
  beforeAll(() => {
    work = join(ROOT, 'node_modules', '.cache', `mfa-pwsh-strace-${process.pid}`)
    mkdirSync(work, {recursive: true})
    writeFileSync(join(work, 'init.ps1'), renderInit('powershell', '/nonexistent/mfa', SHELL_DIR))
  })
  afterAll(() => rmSync(work, {recursive: true, force: true}))

  /** The process-making system calls between two markers; .NET's own threads (CLONE_THREAD) are not processes. */
  const processCalls = async (body: string) => {
    const out = join(work, `strace-${Math.random().toString(36).slice(2)}.log`)
    const script = `
      Get-Content -Raw -LiteralPath init.ps1 | Invoke-Expression
      $env:MFA_PROFILE = 'p'; $env:MFA_EXPIRY = [string]([DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 330); $env:MFA_WARN = '1'
      $null = mfa_prompt; $null = prompt 2>$null
      try { [IO.File]::OpenRead('/nonexistent-MFA-START') } catch {}
      ${body}
      try { [IO.File]::OpenRead('/nonexistent-MFA-END') } catch {}
      exit 0`
    const r = await run('strace', ['-f', '-qq', '-e', 'trace=openat,clone,clone3,fork,vfork,execve', '-o', out, PWSH, ...PWSH_FLAGS, '-Command', script], {
      cwd: work,
      env: {...PWSH_QUIET, PATH: process.env.PATH, HOME: work, LANG: 'C.UTF-8'},
      timeoutMs: 60_000,
    })
    if (r.code !== 0) throw new Error(`strace pwsh failed: ${r.stderr}`)
    const lines = readFileSync(out, 'utf8').split('\n')
    const start = lines.findIndex(l => l.includes('MFA-START'))
    const end = lines.findIndex(l => l.includes('MFA-END'))
    expect(start).toBeGreaterThan(0)
    expect(end).toBeGreaterThan(start)
    return lines.slice(start, end).filter(l => /\b(clone3?|v?fork|execve)\(/.test(l) && !l.includes('CLONE_THREAD'))
  }

  test('100 prompts: none', async () => {
    expect(await processCalls(`for ($i = 0; $i -lt 100; $i++) { $null = mfa_prompt; $null = prompt 2>$null }`)).toEqual([])
  })

  test('…and a program started there is seen (a control)', async () => {
    const calls = await processCalls(`$null = mfa_prompt; & /bin/true`)
    expect(calls.some(l => l.includes('execve("/bin/true"'))).toBe(true)
  })
})

// ---------------------------------------------------------------------------------------------
// Completion: pwsh's own TabExpansion2 after `mfa init powershell`

const COMPLETION_CONFIG = `[default]
region = eu-west-1
mfa_serial = ${DEMO.mfaSerial}

[profile work]
source_profile = default
role_arn = arn:aws:iam::123456789012:role/admin
`

const COMPLETION_CREDENTIALS = `[default]
aws_access_key_id = ${DEMO.accessKeyId}
aws_secret_access_key = ${DEMO.secretAccessKey}

[ops team]
aws_access_key_id = AKIAOPSOPSOPSOPSOPS1
aws_secret_access_key = secret

[it's]
aws_access_key_id = AKIAOPSOPSOPSOPSOPS2
aws_secret_access_key = secret
`

interface Manifest {
  commands: Record<string, {hidden?: boolean; flags: Record<string, {hidden?: boolean; char?: string; options?: string[]}>}>
}

describeWith([PWSH], 'PowerShell: completion (TabExpansion2)', () => {
  let world: World
  beforeAll(async () => {
    world = await makeWorld({config: COMPLETION_CONFIG, credentials: COMPLETION_CREDENTIALS})
  })
  afterAll(async () => {
    await world?.close()
  })

  /** The completion texts pwsh offers for each line (cursor at the end), one pwsh for all. */
  async function complete(lines: string[], before = ''): Promise<string[][]> {
    const r = await pwsh(
      `Set-StrictMode -Version Latest; $ErrorActionPreference = 'Stop'
       ${before}
       & ${psQuote(process.execPath)} ${psQuote(BIN)} init powershell | Out-String | Invoke-Expression
       $code = $LASTEXITCODE
       foreach ($line in ${lines.map(psQuote).join(', ')}) {
         $texts = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object { $_.CompletionText })
         ConvertTo-Json -Compress -InputObject ([string[]]$texts)
       }
       if ($LASTEXITCODE -ne $code) { throw 'completion changed $LASTEXITCODE' }`,
      {env: world.env(), cwd: world.home},
    )
    expect(plain(r.stderr)).toBe('')
    expect(r.code).toBe(0)
    return r.stdout.trim().split('\n').map(l => JSON.parse(l) as string[])
  }

  test('--profile, -p, --profile= and `mfa use` complete the profile names, quoted for PowerShell', async () => {
    const quoted = ['default', "'ops team'", "'it''s'", 'work']
    const got = await complete(['mfa login --profile ', 'mfa exec -p w', 'mfa status --profile=o', 'mfa use ', 'mfa use o', 'mfa clear --profile ', 'mfa exec -- aws --profile '])
    expect(got.map(g => [...g].sort())).toEqual([
      [...quoted].sort(),
      ['work'],
      ["--profile='ops team'"],
      [...quoted].sort(),
      ["'ops team'"],
      [...quoted].sort(),
      expect.not.arrayContaining(['default', 'work']),
    ])
  })

  test('every command and every flag of the manifest, and the values of --shell and init', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as Manifest
    const visible = Object.entries(manifest.commands).filter(([, c]) => !c.hidden)
    // A topic's command (keys:add) is typed as `mfa keys add`: the topic comes first, then its subcommands.
    const typed = (id: string) => id.replace(/:/g, ' ')
    const topics = [...new Set(visible.map(([id]) => id).filter(id => id.includes(':')).map(id => id.split(':')[0]))]
    const [commands, lo, ...rest] = await complete([
      'mfa ',
      'mfa lo',
      ...visible.map(([id]) => `mfa ${typed(id)} -`),
      'mfa env --shell ',
      'mfa init ',
      'mfa exec -- printf',
      'mfa -',
      ...topics.map(t => `mfa ${t} `),
    ])
    for (const [id] of visible) expect(commands).toContain(id.split(':')[0])
    topics.forEach((t, i) => {
      const expected = visible.map(([id]) => id).filter(id => id.startsWith(`${t}:`)).map(id => id.slice(t.length + 1))
      expect([t, [...rest[visible.length + 4 + i]].sort()]).toEqual([t, expected.sort()])
    })
    expect(commands).toEqual(expect.arrayContaining(['use', 'clear']))
    expect(lo).toEqual(['login', 'logout'])
    visible.forEach(([id, c], i) => {
      for (const [name, f] of Object.entries(c.flags).filter(([, f]) => !f.hidden)) {
        expect([id, rest[i]]).toEqual([id, expect.arrayContaining([`--${name}`, ...(f.char ? [`-${f.char}`] : [])])])
      }
    })
    const [shells, inits, printf, top] = rest.slice(visible.length)
    expect(shells).toEqual(manifest.commands.env.flags.shell.options)
    expect(inits).toEqual(['bash', 'zsh', 'fish', 'powershell'])
    expect(printf).toContain('printf')
    expect(top).toEqual(['--help', '--version', '-h', '-v'])
  })

  test("it wins over the plugin's completer loaded before it", async () => {
    await world.mfa(['autocomplete', '--refresh-cache'])
    const plugin = `. ${psQuote(join(world.home, '.cache', 'mfa', 'autocomplete', 'functions', 'powershell', 'mfa.ps1'))}`
    const [names] = await complete(['mfa use '], plugin)
    expect(names).toContain("'ops team'")
  })
})

// ---------------------------------------------------------------------------------------------
// A real terminal: tmux running pwsh

describeWith([PWSH, 'tmux', 'python3'], 'PowerShell: in a terminal', () => {
  let world: World
  let term: Terminal | undefined
  let binDir: string
  beforeEach(async () => {
    world = await makeWorld()
    binDir = join(world.home, 'bin')
    mkdirSync(binDir)
    writeFileSync(join(binDir, 'mfa'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`, {mode: 0o755})
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
  })
  afterEach(async () => {
    await term?.close()
    term = undefined
    await world.close()
  })

  const start = async () => {
    term = await terminal([PWSH, '-NoProfile', '-NoLogo'], world.env({...PWSH_QUIET, PATH: `${binDir}:${process.env.PATH}`, TERM: 'xterm-256color', MFA_PROMPT_COLOR: '0'}), {cwd: world.home})
    return term
  }
  const type = async (t: Terminal, line: string) => {
    await t.send(line, {literal: true})
    await t.send('Enter')
  }

  test('a real prompt cycle: your prompt with the segment, $? and $LASTEXITCODE as the last command left them', async () => {
    const t = await start()
    await t.waitFor(/^PS .*> $/m)
    // $? first: mfa_prompt is a function call, and any call sets $? (README).
    await type(t, `function prompt { $ok = $?; "<$(mfa_prompt)|$ok|$LASTEXITCODE> " }; mfa init powershell | Out-String | Invoke-Expression`)
    await t.waitFor(/^<\|True\|0> $/m)
    await type(t, `sh -c 'exit 7'`)
    await t.waitFor(/^<\|False\|7> $/m)
    await type(t, 'mfa use')
    await t.waitFor(/^<aws:default (?:11h5\dm|12h00m)\|True\|0> $/m)
    await type(t, 'Get-Item /nonexistent-mfa-path')
    await t.waitFor(/^<aws:default (?:11h5\dm|12h00m)\|False\|0> $/m)
    await type(t, 'exit 3')
    expect(await t.exitCode()).toBe(3)
  })

  test('mfa exec: Ctrl-C reaches the command once, mfa waits for it, $LASTEXITCODE is its code; pwsh goes on', async () => {
    writeFileSync(join(world.home, 'int.py'), COUNT_SIGINT_PY)
    const t = await start()
    await t.waitFor(/^PS .*> $/m)
    await type(t, 'mfa exec -- python3 int.py')
    await t.waitFor(/^ready$/m)
    await t.send('C-c')
    // pwsh drops the rest of a line that Ctrl-C interrupted: the code is asked for on the next one.
    await t.waitFor(/^done after 1\n(?:.*\n)*PS .*> $/m)
    await type(t, '"code:$LASTEXITCODE"')
    await t.waitFor(/^code:\d+$/m)
    const screen = await t.screen()
    expect(screen).toMatch(/^done after 1$/m)
    expect(screen).not.toMatch(/INT 2/)
    expect(screen).toMatch(/^code:9$/m)
    await type(t, '"still here"; exit 0')
    expect(await t.exitCode()).toBe(0)
    expect(await t.screen()).toMatch(/^still here$/m)
  })
})
