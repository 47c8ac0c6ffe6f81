// What README's PowerShell line adds to a new interactive pwsh, timed by pwsh itself.
// `node bench/pwsh-line.js` (after `npm run build`) prints it for the pwsh on PATH (or in
// ~/.dotnet/tools) and for its ReadyToRun build (bench/pwsh-ready-to-run.js); `npm run bench`
// checks it against the budget.
//
// pwsh runs the current user's two profiles one after the other: profile.ps1 (all hosts), then
// Microsoft.PowerShell_profile.ps1, where the line goes. Here the first one notes the time as its
// last statement and defines a prompt that writes, at the first prompt, the milliseconds since
// then; the second one holds the case. So a case's figure is what its profile costs up to the first
// prompt (reading, compiling and running it, and what that leaves the first prompt to do), without
// the half second of process start around it, whose noise is larger than the budget. Each pwsh
// runs interactively in tmux (PSReadLine wants a terminal), the cases in turn round after round;
// the cost of a case is the median of its difference to the empty profile of the same round.
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const TIMEOUT_MS = 30000
const median = xs => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const which = tool => (process.env.PATH ?? '').split(':').map(dir => join(dir, tool)).find(p => existsSync(p))

/** The pwsh `npm run bench` measures: on PATH, else the .NET global tool's. */
export const findPwsh = () => which('pwsh') ?? [join(homedir(), '.dotnet', 'tools', 'pwsh')].find(p => existsSync(p))

const TIMER = `$global:__bench_t0 = [Diagnostics.Stopwatch]::GetTimestamp()
function global:__bench_prompt {
    $ms = ([Diagnostics.Stopwatch]::GetTimestamp() - $global:__bench_t0) * 1000.0 / [Diagnostics.Stopwatch]::Frequency
    [IO.File]::WriteAllText("$HOME/first-prompt-ms", [string]$ms)
    'READY> '
}
function global:prompt { __bench_prompt }
`

/**
 * The cases measured, by name: a profile, and variables for pwsh. The empty profile is the base, an
 * empty file sourced the floor of any line that sources a file.
 */
async function cases() {
  const {RC_LINES} = await import('../dist/shells/index.js')
  const line = `${RC_LINES.powershell}\n`
  // README's prompt line too: its first render, before the first prompt, without a session in the
  // environment (a new terminal) and with one (a shell started by `mfa exec`), which loads the integration.
  const segment = `${line}function prompt { "$(mfa_prompt)$(__bench_prompt)" }\n`
  const session = {MFA_PROFILE: 'default', MFA_EXPIRY: String(Math.floor(Date.now() / 1000) + 3600)}
  return {
    'empty profile': {profile: ''},
    'an empty file sourced': {profile: '. "$HOME/empty.ps1"\n'},
    'README line': {profile: line},
    'README line and prompt segment': {profile: segment},
    '…with a session': {profile: segment, env: session},
  }
}

/** One HOME per case, `mfa` on PATH as npm links it, and the cached integration made by `mfa init`. */
async function makeHomes(dir) {
  const binDir = join(dir, 'bin')
  mkdirSync(binDir)
  symlinkSync(join(root, 'bin', 'run.cjs'), join(binDir, 'mfa'))
  const homes = {}
  const env = {}
  for (const [name, {profile, env: vars = {}}] of Object.entries(await cases())) {
    const home = join(dir, `home-${Object.keys(homes).length}`)
    const profiles = join(home, '.config', 'powershell')
    mkdirSync(profiles, {recursive: true})
    writeFileSync(join(profiles, 'profile.ps1'), TIMER)
    writeFileSync(join(profiles, 'Microsoft.PowerShell_profile.ps1'), profile)
    writeFileSync(join(home, 'empty.ps1'), '')
    const initEnv = {...process.env, HOME: home, PATH: `${binDir}:${process.env.PATH}`}
    delete initEnv.XDG_CACHE_HOME
    execFileSync(join(binDir, 'mfa'), ['init', 'powershell'], {env: initEnv, stdio: ['ignore', 'pipe', 'inherit']})
    homes[name] = home
    env[name] = vars
  }
  return {binDir, homes, env}
}

/** Starts pwsh (argv) in tmux with this HOME and gives the milliseconds its first prompt wrote. */
async function firstPrompt({pwsh, socket, home, binDir, session, env}) {
  const result = join(home, 'first-prompt-ms')
  rmSync(result, {force: true})
  const vars = {HOME: home, PATH: `${binDir}:${process.env.PATH}`, TERM: 'xterm-256color', POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', DOTNET_CLI_TELEMETRY_OPTOUT: '1', ...env}
  const command = ['env', '-u', 'XDG_CACHE_HOME', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), ...pwsh, '-NoLogo'].map(a => `'${a}'`).join(' ')
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', session, '-x', '120', '-y', '30', command])
  const t0 = performance.now()
  try {
    for (;;) {
      const text = existsSync(result) ? readFileSync(result, 'utf8') : ''
      if (text) {
        const pane = execFileSync('tmux', ['-L', socket, 'capture-pane', '-p', '-t', session], {encoding: 'utf8'})
        if (/mfa:|rror/.test(pane)) throw new Error(`pwsh printed an error at start:\n${pane.trim()}`)
        return Number(text)
      }
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`no prompt after ${TIMEOUT_MS} ms`)
      await sleep(10)
    }
  } finally {
    execFileSync('tmux', ['-L', socket, 'kill-session', '-t', session])
  }
}

/**
 * Runs each case `runs` times with pwsh (an argv) and gives, per case, the milliseconds from the
 * end of profile.ps1 to the first prompt (median and runs) and what it adds over the empty profile.
 */
export async function pwshLineCost({pwsh, runs = 15}) {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-pwsh-line-'))
  const socket = `mfa-pwsh-line-${process.pid}`
  try {
    const {binDir, homes, env} = await makeHomes(dir)
    const times = Object.fromEntries(Object.keys(homes).map(name => [name, []]))
    let session = 0
    for (let round = 0; round < runs; round++) {
      for (const [name, home] of Object.entries(homes)) {
        times[name].push(await firstPrompt({pwsh, socket, home, binDir, session: `s${session++}`, env: env[name]}))
        await sleep(200)
      }
    }
    const base = times['empty profile']
    return Object.fromEntries(
      Object.entries(times).map(([name, ms]) => [name, {median_ms: median(ms), added_ms: median(ms.map((x, i) => x - base[i])), runs_ms: ms}]),
    )
  } finally {
    try {
      execFileSync('tmux', ['-L', socket, 'kill-server'], {stdio: 'ignore'})
    } catch {}
    rmSync(dir, {recursive: true, force: true})
  }
}

/** The pwsh builds to measure: [{label, argv}] and the ones skipped: [{label, skipped}]. */
export async function pwshBuilds() {
  const pwsh = findPwsh()
  if (!pwsh) return [{label: 'pwsh', skipped: 'pwsh not installed'}]
  const {readyToRunPwsh} = await import('./pwsh-ready-to-run.js')
  const r2r = await readyToRunPwsh()
  return [
    {label: 'pwsh', argv: [pwsh]},
    r2r.argv ? {label: 'pwsh, ReadyToRun', argv: r2r.argv} : {label: 'pwsh, ReadyToRun', skipped: r2r.skipped},
  ]
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!which('tmux')) throw new Error('tmux is not installed')
  const runs = Number(process.env.BENCH_RUNS || 15)
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  for (const build of await pwshBuilds()) {
    if (build.skipped) {
      console.log(`${build.label}: skipped, ${build.skipped}`)
      continue
    }
    const before = load()
    const result = await pwshLineCost({pwsh: build.argv, runs})
    console.log(`${build.label} (${build.argv.join(' ')}): end of profile.ps1 to the first prompt, median of ${runs} runs, ms; load ${before} before, ${load()} after`)
    for (const [name, r] of Object.entries(result)) {
      console.log(`  ${name.padEnd(32)} ${r.median_ms.toFixed(1).padStart(6)}  ${name === 'empty profile' ? '' : `${r.added_ms >= 0 ? '+' : ''}${r.added_ms.toFixed(1)} ms`}`)
    }
  }
}
