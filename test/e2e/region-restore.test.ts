/**
 * `mfa clear` (mfa env --unset) and the user's own region, in real bash, zsh, fish and pwsh: the
 * region the shell had before `mfa use` comes back (a second `mfa use` does not replace that
 * memory), and a region mfa did not set is left alone.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN} from '../helpers/cli.js'
import {PWSH, pwsh} from '../helpers/pwsh.js'
import {describeWith} from '../helpers/tools.js'
import {makeWorld, type World} from '../helpers/world.js'

let world: World
let binDir: string
beforeAll(async () => {
  world = await makeWorld()
  expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
  // `mfa` on PATH, as after `npm link`: a wrapper that execs node, so mfa's parent is the shell.
  binDir = join(world.home, 'bin')
  mkdirSync(binDir)
  writeFileSync(join(binDir, 'mfa'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`, {mode: 0o755})
})
afterAll(() => world.close())

// The user's region before mfa: AWS_REGION set, AWS_DEFAULT_REGION not. The profile's is eu-west-1.
const env = () => world.env({PATH: `${binDir}:${process.env.PATH}`, AWS_REGION: 'us-west-2', MFA_PROMPT_COLOR: '0'})
const MEMORY = '{"AWS_REGION":"us-west-2"}'
const EXPECTED = [`use|eu-west-1|eu-west-1|${MEMORY}`, `again|eu-west-1|eu-west-1|${MEMORY}`, 'clear|us-west-2|none|none', 'clear-again|us-west-2|none|none', ''].join('\n')

const POSIX_STEPS = (init: string) => `${init}
show() { echo "$1|\${AWS_REGION-none}|\${AWS_DEFAULT_REGION-none}|\${MFA_REGION_BEFORE-none}"; }
mfa use && show use
mfa use && show again
mfa clear && show clear
mfa clear && show clear-again`

for (const shell of ['bash', 'zsh'] as const) {
  describeWith([shell], shell, () => {
    test('mfa clear puts back the region the shell had, and leaves one mfa did not set', async () => {
      const flags = shell === 'zsh' ? ['-f', '-c'] : ['--noprofile', '--norc', '-c']
      const r = await world.run(shell, [...flags, POSIX_STEPS(`eval "$(mfa init ${shell})"`)], {env: env(), cwd: world.home})
      expect({stdout: r.stdout, stderr: r.stderr}).toEqual({stdout: EXPECTED, stderr: ''})
    })
  })
}

describeWith(['fish'], 'fish', () => {
  test('mfa clear puts back the region the shell had, and leaves one mfa did not set', async () => {
    const script = `mfa init fish | source
function show
  set -l out $argv[1]
  for v in AWS_REGION AWS_DEFAULT_REGION MFA_REGION_BEFORE
    if set -q $v; set out "$out|$$v"; else; set out "$out|none"; end
  end
  echo $out
end
mfa use; and show use
mfa use; and show again
mfa clear; and show clear
mfa clear; and show clear-again`
    const r = await world.run('fish', ['--no-config', '-c', script], {env: env(), cwd: world.home})
    expect({stdout: r.stdout, stderr: r.stderr}).toEqual({stdout: EXPECTED, stderr: ''})
  })
})

describeWith([PWSH], 'PowerShell', () => {
  test('mfa clear puts back the region the session had, and leaves one mfa did not set', async () => {
    const script = `Set-StrictMode -Version Latest; $ErrorActionPreference = 'Stop'
mfa init powershell | Out-String | Invoke-Expression
function show($label) {
  $values = foreach ($v in 'AWS_REGION', 'AWS_DEFAULT_REGION', 'MFA_REGION_BEFORE') { $x = [Environment]::GetEnvironmentVariable($v); if ($null -eq $x) { 'none' } else { $x } }
  (@($label) + $values) -join '|'
}
mfa use; show use
mfa use; show again
mfa clear; show clear
mfa clear; show clear-again`
    const r = await pwsh(script, {env: env(), cwd: world.home})
    expect({stdout: r.stdout, code: r.code}).toEqual({stdout: EXPECTED, code: 0})
  })
})
