// `node bench/pwsh-interactive.js` (after `npm run build`): what a user feels when pwsh starts, the
// time from starting an interactive pwsh in a terminal to its first prompt on the screen, with no
// $PROFILE, an empty one, one that sources an empty file, and one holding README's line (the cached
// integration, made by `mfa init`).
// A real terminal matters: PSReadLine asks it where the cursor is, so this runs pwsh in tmux and
// polls the pane every 5 ms. The three are started in turn, round after round, so that load
// elsewhere on the machine falls on all of them; prints each one's median and fastest run (the cost
// with the least load beside it) and the load average. Needs tmux and pwsh (on PATH or in
// ~/.dotnet/tools). A script, not a test, nor part of `npm run bench`'s budget: a pane polled by a
// forked tmux client on a loaded machine is too coarse for a budget of a few milliseconds.
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env.BENCH_RUNS || 9)
const TIMEOUT_MS = 20000
const which = tool => (process.env.PATH ?? '').split(':').map(dir => join(dir, tool)).find(p => existsSync(p))
const pwsh = which('pwsh') ?? [join(homedir(), '.dotnet', 'tools', 'pwsh')].find(p => existsSync(p))
const median = xs => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// One HOME per case, and a directory holding `mfa` for PATH, as npm would put it there.
async function makeHomes(dir) {
  mkdirSync(join(dir, 'bin'))
  symlinkSync(join(root, 'bin', 'run.cjs'), join(dir, 'bin', 'mfa'))
  const {RC_LINES} = await import('../dist/shells/index.js')
  // The floor of any line that sources a file: one that sources an empty one.
  const profiles = {'no profile': null, 'empty profile': '', 'an empty file sourced': '. "$HOME/empty.ps1"\n', 'README line': `${RC_LINES.powershell}\n`}
  const homes = {}
  for (const [name, text] of Object.entries(profiles)) {
    const home = join(dir, `home-${Object.keys(homes).length}`)
    mkdirSync(join(home, '.config', 'powershell'), {recursive: true})
    if (text !== null) writeFileSync(join(home, '.config', 'powershell', 'Microsoft.PowerShell_profile.ps1'), text)
    writeFileSync(join(home, 'empty.ps1'), '')
    homes[name] = home
  }
  const env = {...process.env, HOME: homes['README line'], PATH: `${join(dir, 'bin')}:${process.env.PATH}`}
  delete env.XDG_CACHE_HOME
  execFileSync(join(dir, 'bin', 'mfa'), ['init', 'powershell'], {env, stdio: ['ignore', 'pipe', 'inherit']})
  return homes
}

// Milliseconds from `tmux new-session` to pwsh's default prompt ("PS /path>") on the pane.
async function firstPrompt({socket, home, binDir, run}) {
  const session = `s${run}`
  const vars = {HOME: home, PATH: `${binDir}:${process.env.PATH}`, TERM: 'xterm-256color', POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', DOTNET_CLI_TELEMETRY_OPTOUT: '1'}
  const command = ['env', '-u', 'XDG_CACHE_HOME', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), pwsh, '-NoLogo'].map(a => `'${a}'`).join(' ')
  const t0 = performance.now()
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', session, '-x', '120', '-y', '30', command])
  try {
    for (;;) {
      const pane = execFileSync('tmux', ['-L', socket, 'capture-pane', '-p', '-t', session], {encoding: 'utf8'})
      if (/PS \/\S*>/.test(pane)) {
        if (/mfa:|rror/.test(pane)) throw new Error(`pwsh printed an error at start:\n${pane.trim()}`)
        return performance.now() - t0
      }
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`no prompt after ${TIMEOUT_MS} ms:\n${pane.trim()}`)
      await sleep(5)
    }
  } finally {
    execFileSync('tmux', ['-L', socket, 'kill-session', '-t', session])
  }
}

if (!pwsh || !which('tmux')) {
  console.log('skipped: needs pwsh and tmux')
} else {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-pwsh-bench-'))
  const socket = `mfa-pwsh-bench-${process.pid}`
  try {
    const homes = await makeHomes(dir)
    const times = Object.fromEntries(Object.keys(homes).map(name => [name, []]))
    const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
    let run = 0
    for (let round = 0; round < RUNS; round++) {
      for (const [name, home] of Object.entries(homes)) {
        times[name].push(await firstPrompt({socket, home, binDir: join(dir, 'bin'), run: run++}))
        await sleep(300)
      }
    }
    const loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
    console.log(`Interactive pwsh, start to first prompt (median and fastest of ${RUNS}, ms); load average ${loadBefore} before, ${loadAfter} after`)
    const base = median(times['empty profile'])
    for (const [name, xs] of Object.entries(times)) {
      const more = median(xs) - base
      console.log(`  ${name.padEnd(22)} ${median(xs).toFixed(0).padStart(6)} ${Math.min(...xs).toFixed(0).padStart(6)}  ${name === 'empty profile' ? '' : `${more >= 0 ? '+' : ''}${more.toFixed(0)} ms over the empty profile`}  (runs: ${xs.map(x => x.toFixed(0)).join(' ')})`)
    }
  } finally {
    try {
      execFileSync('tmux', ['-L', socket, 'kill-server'], {stdio: 'ignore'})
    } catch {}
    rmSync(dir, {recursive: true, force: true})
  }
}
