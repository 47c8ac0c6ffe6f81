// `npm run bench`: whole-process medians side by side in one run, against the local STS server with
// a cached session, as ratios to `node -e 0`, on this Node and on each Node that scripts/nodes.js
// installed (22, 24); `mfa env` with 1,000 and 10,000 profiles (on each too); each shell's start-up with and
// without the README's line, and for PowerShell what the line adds to an interactive pwsh, timed by
// pwsh itself (bench/pwsh-line.js); concurrent credential-process calls; the prompt segment per render;
// peak memory. Prints a table, checks the budget, and writes the numbers to bench/results/
// (latest.json and a dated copy) so that a change can be compared with the last run. A script, not
// a test: it never fails a build; `--check` makes it exit 1 when a budget is missed.
import {spawn} from 'node:child_process'
import {appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {DEMO, demoFixture, startLocalSts} from '../sts-server/dist/index.js'
import {installedNodes} from '../scripts/nodes.js'
import {findPwsh, pwshBuilds, pwshLineCost} from './pwsh-line.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.cjs')
const AWS_CLI = '/usr/bin/aws'
const args = new Set(process.argv.slice(2))
const RUNS = Number(process.env.BENCH_RUNS || 20)

function run(file, argv, env, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', code => resolve({code, stdout, stderr}))
    child.stdin.end(input ?? '')
  })
}

function which(tool) {
  for (const dir of (process.env.PATH ?? '').split(':')) if (existsSync(join(dir, tool))) return join(dir, tool)
  return undefined
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

// A world: the local STS server, a temporary HOME with the demo profile, and a cached session.
const sts = await startLocalSts(demoFixture())
const home = mkdtempSync(join(tmpdir(), 'mfa-bench-'))
/** Homes with large AWS files, by number of profiles (made below). */
const bigHomes = {}
// Empty rc files: an interactive zsh without one would start its new-user wizard.
for (const rc of ['.bashrc', '.zshrc']) writeFileSync(join(home, rc), '')
mkdirSync(join(home, '.aws'), {mode: 0o700})
const vaultKeys = `[vault]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`
writeFileSync(join(home, '.aws', 'config'), `[default]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\n\n[profile vault]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\n`, {mode: 0o600})
writeFileSync(join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n\n${vaultKeys}`, {mode: 0o600})
// `mfa` on PATH as npm links it, for the shell lines; `node` on PATH is this Node.
mkdirSync(join(home, 'bin'))
symlinkSync(bin, join(home, 'bin', 'mfa'))
symlinkSync(process.execPath, join(home, 'bin', 'node'))
const env = {PATH: `${join(home, 'bin')}:${process.env.PATH}`, HOME: home, LANG: 'C.UTF-8', AWS_ENDPOINT_URL_STS: sts.url, AWS_PAGER: ''}
const node = process.execPath
// This Node first, then the other tested versions, each measured against its own `node -e 0`.
const nodes = [{label: `node ${process.versions.node.split('.')[0]}`, path: node, version: process.version}, ...installedNodes().map(n => ({label: `node ${n.major}`, path: n.path, version: `v${n.version}`}))]
const same = (a, b) => a.path === b.path

try {
  const login = await run(node, [bin, 'login', '--token-code', sts.code(DEMO.mfaSerial)], env)
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`)
  // Profile vault keeps its keys in the OS keyring (mfa_keyring) and has a cached session. No
  // keyring runs here (no D-Bus in env): its fast path must not open one, and must cost the same.
  const vault = await run(node, [bin, 'login', '-p', 'vault', '--token-code', sts.code(DEMO.mfaSerial, Date.now() + 30_000)], env)
  if (vault.code !== 0) throw new Error(`login -p vault failed: ${vault.stderr}`)
  const edit = (file, from, to) => writeFileSync(join(home, '.aws', file), readFileSync(join(home, '.aws', file), 'utf8').replace(from, to))
  edit('credentials', vaultKeys, '[vault]\n')
  edit('config', '[profile vault]\n', `[profile vault]\nmfa_keyring = ${DEMO.accessKeyId}\n`)

  // 1. Start-up, whole processes, with hyperfine (-N: no shell in between).
  const hyperfine = which('hyperfine')
  if (!hyperfine) throw new Error('hyperfine is not installed (apt-get install hyperfine)')
  const perNode = n => [
    [`${n.label}: node -e 0`, `${n.path} -e 0`],
    [`${n.label}: mfa --version`, `${n.path} ${bin} --version`],
    [`${n.label}: mfa env --shell bash`, `${n.path} ${bin} env --shell bash`],
    [`${n.label}: mfa env (keys in the keyring)`, `${n.path} ${bin} env --shell bash -p vault`],
    [`${n.label}: mfa exec -- true`, `${n.path} ${bin} exec -- true`],
    [`${n.label}: mfa credential-process`, `${n.path} ${bin} credential-process`],
    [`${n.label}: mfa status --json --offline`, `${n.path} ${bin} status --json --offline`],
    [`${n.label}: mfa login (cached, oclif)`, `${n.path} ${bin} login`],
  ]
  const commands = nodes.flatMap(perNode)
  if (existsSync(AWS_CLI)) commands.push(['aws configure export-credentials', `${AWS_CLI} configure export-credentials --profile mfa --format env`])

  // Large AWS files: the same files with N more profiles before them (~85 bytes each in each file,
  // as in the Performance issue), in homes of their own that share the cached session.
  for (const n of [1000, 10000]) {
    const big = mkdtempSync(join(tmpdir(), `mfa-bench-${n}-`))
    cpSync(join(home, '.aws'), join(big, '.aws'), {recursive: true})
    const pad = i => String(i).padStart(5, '0')
    let config = ''
    let credentials = ''
    for (let i = 0; i < n; i++) {
      config += `[profile p${pad(i)}]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/user${pad(i)}\n`
      credentials += `[p${pad(i)}]\naws_access_key_id = AKIA${pad(i)}EXAMPLE0\naws_secret_access_key = ${'x'.repeat(35)}${pad(i)}\n`
    }
    for (const [file, extra] of [['config', config], ['credentials', credentials]]) {
      writeFileSync(join(big, '.aws', file), extra + readFileSync(join(home, '.aws', file), 'utf8'), {mode: 0o600})
    }
    bigHomes[n] = big
  }
  // On every Node: its node -e 0 in the home of the large files, and mfa env there.
  const largeBaseline = n => [`${n.label}: node -e 0 (large files)`, `${n.path} -e 0`]
  const largeOf = n => Object.entries(bigHomes).map(([count, big]) => [`${n.label}: mfa env, ${Number(count).toLocaleString('en')} profiles`, `${n.path} ${bin} env --shell bash`, big])

  // Each shell's start (-i -c exit) bare, with README's line (the cached integration), and with
  // `eval "$(mfa init SHELL)"`; the line runs in the interactive shell as it would from the rc file.
  // pwsh's whole start is shown too, but its budget is checked on the line alone (below).
  const pwsh = findPwsh()
  const rcLines = (await import('../dist/shells/index.js')).RC_LINES
  const shellStarts = {
    bash: {argv: code => ['bash', '-i', '-c', code], exit: 'exit', eval: 'eval "$(mfa init bash)"'},
    zsh: {argv: code => ['zsh', '-i', '-c', code], exit: 'exit', eval: 'eval "$(mfa init zsh)"'},
    fish: {argv: code => ['fish', '-i', '-c', code], exit: 'exit', eval: 'mfa init fish | source'},
    powershell: {argv: code => [pwsh, '-NoProfile', '-NoLogo', '-Command', code], exit: 'exit', eval: 'mfa init powershell | Out-String | Invoke-Expression'},
  }
  const shellCommands = []
  for (const [shell, {argv, exit, eval: evalLine}] of Object.entries(shellStarts)) {
    const program = argv('')[0]
    if (!program || !(program.startsWith('/') ? existsSync(program) : which(program))) continue
    const quoted = code => argv(code).map(a => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
    shellCommands.push(
      [`${shell}: bare`, quoted(exit)],
      [`${shell}: README line`, quoted(`${rcLines[shell]}\n${exit}`)],
      [`${shell}: eval mfa init`, quoted(`${evalLine}\n${exit}`)],
    )
  }
  const shellEnv = {...env, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', DOTNET_CLI_TELEMETRY_OPTOUT: '1'}

  // hyperfine runs one command's runs in a row, so a burst of load elsewhere on the machine would
  // skew one command against another. So each round runs its list in turns (TURNS turns of
  // RUNS / TURNS runs of each command, node -e 0 among them), a time shown is the median of a
  // command's turn medians, and a ratio is the median of the command's ratio to its node -e 0 in
  // each turn: a pair measured side by side, never a lucky moment of one set against another's.
  const ROUNDS = Number(process.env.BENCH_ROUNDS || 3)
  const TURNS = 4
  /** Per command: its median in each turn, and its ratio to its node -e 0 in each turn. */
  const turns = {}
  const paired = {}
  /** The node -e 0 a command is compared with, named as in the list. */
  const baselineOf = name => {
    const n = nodes.find(n => name.startsWith(`${n.label}: `))
    if (!n) return undefined
    return largeOf(n).some(([large]) => large === name) ? largeBaseline(n)[0] : `${n.label}: node -e 0`
  }
  const hyperfineRound = async (round, part, list, runEnv, {runs = RUNS, turnCount = TURNS} = {}) => {
    const exportFile = join(home, `hyperfine-${part}-${round}.json`)
    const named = Array.from({length: turnCount}, (_, turn) => list.map(([name, cmd]) => [`${name} #${turn}`, cmd])).flat()
    const hf = await run(
      hyperfine,
      ['-N', '--warmup', '1', '--runs', String(Math.max(3, Math.round(runs / turnCount))), '--export-json', exportFile, ...named.flatMap(([name, cmd]) => ['-n', name, cmd])],
      runEnv,
    )
    if (hf.code !== 0) throw new Error(`hyperfine failed: ${hf.stderr}`)
    const results = JSON.parse(readFileSync(exportFile, 'utf8')).results.map(r => ({name: r.command.replace(/ #\d+$/, ''), turn: r.command.match(/#(\d+)$/)[1], ms: r.median * 1000}))
    const inTurn = Object.fromEntries(results.map(r => [`${r.name} #${r.turn}`, r.ms]))
    for (const r of results) {
      ;(turns[r.name] ??= []).push(r.ms)
      const base = baselineOf(r.name)
      if (base && base !== r.name && inTurn[`${base} #${r.turn}`]) (paired[r.name] ??= []).push(r.ms / inTurn[`${base} #${r.turn}`])
    }
  }
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  for (let round = 0; round < ROUNDS; round++) {
    await hyperfineRound(round, 'startup', commands, env)
    // hyperfine -N gives every command the same environment: one run per large home, with node -e 0 beside.
    for (const n of nodes) {
      for (const [name, cmd, big] of largeOf(n)) await hyperfineRound(round, `large-${big.slice(-6)}`, [largeBaseline(n), [name, cmd]], {...env, HOME: big})
    }
    // pwsh takes seconds to start on a loaded machine: fewer runs of it.
    const [pwshStarts, otherStarts] = [shellCommands.filter(([name]) => name.startsWith('powershell')), shellCommands.filter(([name]) => !name.startsWith('powershell'))]
    if (otherStarts.length) await hyperfineRound(round, 'shells', otherStarts, shellEnv)
    if (pwshStarts.length) await hyperfineRound(round, 'pwsh', pwshStarts, shellEnv, {runs: 5, turnCount: 1})
  }
  const startup = Object.fromEntries(Object.entries(turns).map(([name, ms]) => [name, {median_ms: median(ms), turns_ms: ms}]))

  // PowerShell: what README's line adds to an interactive pwsh, timed by pwsh from the end of the
  // profile before it to the first prompt (bench/pwsh-line.js), on the pwsh installed (the .NET
  // global tool here) and on its ReadyToRun build, which starts as Microsoft's packages do.
  const pwshLine = {}
  for (const build of which('tmux') ? await pwshBuilds() : [{label: 'pwsh', skipped: 'tmux not installed'}]) {
    pwshLine[build.label] = build.skipped ? {skipped: build.skipped} : {argv: build.argv, cases: await pwshLineCost({pwsh: build.argv, runs: Math.max(9, ROUNDS * 5)})}
  }

  // Concurrent credential-process calls (a Makefile running aws commands in parallel): the wall
  // time of N calls started at once, per call, against N `node -e 0` started at once.
  const concurrent = {}
  const wall = async (argv, n) => {
    const t0 = performance.now()
    const results = await Promise.all(Array.from({length: n}, () => run(argv[0], argv.slice(1), env)))
    if (results.some(r => r.code !== 0)) throw new Error(`${argv.join(' ')} failed: ${results.find(r => r.code !== 0).stderr}`)
    return performance.now() - t0
  }
  for (const n of [10, 40]) {
    const calls = []
    const floors = []
    for (let round = 0; round < Math.max(ROUNDS, 3); round++) {
      floors.push(await wall([node, '-e', '0'], n))
      calls.push(await wall([node, bin, 'credential-process'], n))
    }
    concurrent[n] = {calls: n, wall_ms: median(calls), per_call_ms: median(calls) / n, node_wall_ms: median(floors), ratio: median(calls) / median(floors)}
  }
  const loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

  // 2. The prompt segment: renders in a loop inside each shell, timed with the shell's own clock; in
  //    bash and zsh, the last pid the kernel gave out (/proc/loadavg, read without a fork) shows forks.
  const initScript = shell => run(node, [bin, 'init', shell], env).then(r => r.stdout)
  const expiry = Math.floor(Date.now() / 1000) + 42 * 60
  const segment = {}
  const loops = {
    bash: {n: 1000, code: n => `${'eval "$(cat)"'}; export MFA_PROFILE=default MFA_EXPIRY=${expiry}; read -r _ _ _ _ p0 </proc/loadavg; t0=$EPOCHREALTIME; for ((i=0;i<${n};i++)); do mfa_prompt >/dev/null; done; t1=$EPOCHREALTIME; read -r _ _ _ _ p1 </proc/loadavg; echo "$t0 $t1 \${p0#*/} \${p1#*/} $(mfa_prompt)"`},
    zsh: {n: 1000, code: n => `eval "$(cat)"; zmodload zsh/datetime; export MFA_PROFILE=default MFA_EXPIRY=${expiry}; read -r _ _ _ _ p0 </proc/loadavg; t0=$EPOCHREALTIME; for ((i=0;i<${n};i++)); do mfa_prompt >/dev/null; done; t1=$EPOCHREALTIME; read -r _ _ _ _ p1 </proc/loadavg; echo "$t0 $t1 \${p0#*/} \${p1#*/} $(mfa_prompt)"`},
    fish: {n: 200, code: n => `cat | source; set -gx MFA_PROFILE default; set -gx MFA_EXPIRY ${expiry}; set t0 (date +%s.%N); for i in (seq ${n}); mfa_prompt >/dev/null; end; set t1 (date +%s.%N); echo "$t0 $t1 - - "(mfa_prompt)`},
  }
  for (const [shell, {n, code}] of Object.entries(loops)) {
    if (!which(shell)) {
      segment[shell] = {skipped: `${shell} not installed`}
      continue
    }
    const flags = shell === 'fish' ? ['--no-config', '-c'] : shell === 'zsh' ? ['-f', '-c'] : ['--noprofile', '--norc', '-c']
    const out = await run(shell, [...flags, code(n)], {...env, MFA_PROMPT_COLOR: '0'}, await initScript(shell))
    const [t0, t1, p0, p1, ...text] = out.stdout.trim().split(' ')
    segment[shell] = {
      renders: n,
      per_render_ms: ((Number(t1) - Number(t0)) * 1000) / n,
      pids_allocated: p0 === '-' ? null : Number(p1) - Number(p0),
      text: text.join(' '),
    }
  }

  //    PowerShell: the same loop in pwsh (found on PATH or in ~/.dotnet/tools), timed by a Stopwatch
  //    after 50 renders to warm up its compiler; pwsh gives no cheap fork count (the tests prove none).
  if (pwsh) {
    const n = 1000
    const init = join(home, 'init.ps1')
    writeFileSync(init, await initScript('powershell'))
    const code = `Get-Content -Raw -LiteralPath '${init}' | Invoke-Expression; $env:MFA_PROFILE = 'default'; $env:MFA_EXPIRY = '${expiry}'
      for ($i = 0; $i -lt 50; $i++) { $null = mfa_prompt }
      $w = [Diagnostics.Stopwatch]::StartNew(); for ($i = 0; $i -lt ${n}; $i++) { $null = mfa_prompt }; $w.Stop()
      "0 $($w.Elapsed.TotalSeconds.ToString([Globalization.CultureInfo]::InvariantCulture)) - - $(mfa_prompt)"`
    const out = await run(pwsh, ['-NoProfile', '-NonInteractive', '-Command', code], {...env, MFA_PROMPT_COLOR: '0', POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off'})
    const [t0, t1, , , ...text] = out.stdout.trim().split(' ')
    segment.powershell = {renders: n, per_render_ms: ((Number(t1) - Number(t0)) * 1000) / n, pids_allocated: null, text: text.join(' ')}
  } else {
    segment.powershell = {skipped: 'pwsh not installed'}
  }

  // 3. Peak resident memory (max RSS of the child, from getrusage), median of several runs.
  const rss = async argv => {
    const values = []
    for (let i = 0; i < 7; i++) {
      const r = await run('python3', ['-c', 'import resource,subprocess,sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)', ...argv], env)
      values.push(Number(r.stdout.trim()))
    }
    return median(values)
  }
  const memory = which('python3') ? {node_kb: await rss([node, '-e', '0']), env_kb: await rss([node, bin, 'env', '--shell', 'bash'])} : {skipped: 'python3 not installed'}

  // 4. The AWS files at scale (bench/scale.js).
  const {scale} = await import('./scale.js')
  const files = await scale({node, bin, sts, baseEnv: env})

  // The budget, from the Performance issue: on every Node measured, each against its own node -e 0.
  const ms = name => startup[name]?.median_ms
  const pairedRatio = name => (paired[name] ? median(paired[name]) : undefined)
  const ratio = (n, name) => (name === 'node -e 0' ? 1 : pairedRatio(`${n.label}: ${name}`))
  const awsRatio = ms('aws configure export-credentials') && ms(`${nodes[0].label}: mfa env --shell bash`) / ms('aws configure export-credentials')
  const added = shell => ms(`${shell}: README line`) && ms(`${shell}: README line`) - ms(`${shell}: bare`)
  const checks = [
    ...nodes.flatMap(n => [
      [`${n.label}: mfa env ≤ 1.5× node -e 0`, ratio(n, 'mfa env --shell bash'), 1.5],
      [`${n.label}: mfa env, keys in the keyring ≤ 1.5× node -e 0`, ratio(n, 'mfa env (keys in the keyring)'), 1.5],
      [`${n.label}: mfa exec -- true ≤ 2.5× node -e 0`, ratio(n, 'mfa exec -- true'), 2.5],
      [`${n.label}: mfa credential-process ≤ 1.5× node -e 0`, ratio(n, 'mfa credential-process'), 1.5],
    ]),
    ['mfa env ≤ 0.35× aws export-credentials', awsRatio, 0.35],
    // The cost of more profiles is reading their bytes: no decoding nor parsing of the sections not asked for.
    ...nodes.map(n => [`${n.label}: mfa env, 10,000 profiles ≤ 1.3× node -e 0`, pairedRatio(`${n.label}: mfa env, 10,000 profiles`), 1.3]),
    ...Object.keys(shellStarts)
      .filter(shell => shell !== 'powershell')
      .map(shell => [`${shell} start: README line adds ≤ 5 ms`, added(shell), 5]),
    ...Object.entries(pwshLine).map(([label, r]) => [`${label} start: README line adds ≤ 5 ms`, r.cases?.['README line'].added_ms, 5]),
    ['prompt (bash) < 0.5 ms a render', segment.bash?.per_render_ms, 0.5],
    ['prompt (zsh) < 0.5 ms a render', segment.zsh?.per_render_ms, 0.5],
    // pwsh's functions are slower; a process start (several ms in .NET) would blow this.
    ['prompt (powershell) < 2 ms a render', segment.powershell?.per_render_ms, 2],
    // A fork per render would take at least 1000 pids; other processes on the machine take a few.
    ['prompt (bash): no fork in 1000 renders', segment.bash?.pids_allocated, 100],
    ['prompt (zsh): no fork in 1000 renders', segment.zsh?.pids_allocated, 100],
    ['peak RSS of mfa env ≤ 1.5× node -e 0', memory.env_kb && memory.env_kb / memory.node_kb, 1.5],
  ].map(([name, value, limit]) => ({name, value: value ?? null, limit, ok: value === undefined || value === null ? null : value <= limit}))

  const previousFile = join(root, 'bench', 'results', 'latest.json')
  const previous = existsSync(previousFile) ? JSON.parse(readFileSync(previousFile, 'utf8')) : undefined
  const fmt = (x, d = 1) => (x === null || x === undefined ? '-' : x.toFixed(d))
  const change = name => {
    const before = previous?.startup?.[name]?.median_ms
    return before ? `  ${ms(name) >= before ? '+' : ''}${fmt(ms(name) - before)} ms` : ''
  }
  console.log(`\nLoad average (1, 5, 15 min) on ${(await import('node:os')).cpus().length} cores: ${loadBefore} before, ${loadAfter} after`)
  for (const n of nodes) {
    console.log(`\nStart-up on ${n.label} (${n.version}; ms, the median of ${ROUNDS} rounds × ${TURNS} turns of ${Math.round(RUNS / TURNS)} runs; ratio to its node -e 0 in the same turn, the median${previous ? '; change since the last run' : ''})`)
    for (const [name] of perNode(n)) {
      console.log(`  ${name.slice(n.label.length + 2).padEnd(34)} ${fmt(ms(name)).padStart(7)}  ${fmt(ratio(n, name.slice(n.label.length + 2)), 2).padStart(5)}×${change(name)}`)
    }
  }
  const floor = ms(`${nodes[0].label}: node -e 0`)
  if (ms('aws configure export-credentials')) console.log(`  ${'aws configure export-credentials'.padEnd(34)} ${fmt(ms('aws configure export-credentials')).padStart(7)}  ${fmt(ms('aws configure export-credentials') / floor, 2).padStart(5)}×`)
  console.log('\nLarge AWS files (ratio to node -e 0 in the same turn, the median)')
  for (const n of nodes) {
    for (const [name] of [largeBaseline(n), ...largeOf(n)]) console.log(`  ${name.padEnd(42)} ${fmt(ms(name)).padStart(7)}  ${fmt(name === largeBaseline(n)[0] ? 1 : pairedRatio(name), 2).padStart(5)}×${change(name)}`)
  }
  console.log(`\nShell start-up (-i -c exit, ms; added over the bare shell, and that as a share of ${nodes[0].label}'s node -e 0, which shows the load)`)
  for (const [name] of shellCommands) {
    const more = ms(name) - ms(`${name.split(':')[0]}: bare`)
    console.log(`  ${name.padEnd(34)} ${fmt(ms(name)).padStart(7)}  ${name.endsWith('bare') ? '' : `${more >= 0 ? '+' : ''}${fmt(more)} ms (${fmt(more / floor, 2)}×)`}`)
  }
  for (const [label, r] of Object.entries(pwshLine)) {
    if (r.skipped) {
      console.log(`\n${label}: skipped, ${r.skipped}`)
      continue
    }
    console.log(`\nInteractive ${label} (${r.argv.join(' ')}): the end of profile.ps1 to the first prompt (ms, median; added over the empty profile, the median of each round's difference)`)
    for (const [name, c] of Object.entries(r.cases)) console.log(`  ${name.padEnd(34)} ${fmt(c.median_ms).padStart(7)}  ${name === 'empty profile' ? '' : `${c.added_ms >= 0 ? '+' : ''}${fmt(c.added_ms)} ms`}`)
  }
  console.log(`\nConcurrent credential-process (${nodes[0].label}; wall time of N calls started at once)`)
  for (const c of Object.values(concurrent)) {
    console.log(`  ${`${c.calls} calls`.padEnd(10)} ${fmt(c.wall_ms).padStart(7)} ms, ${fmt(c.per_call_ms)} ms a call; ${fmt(c.ratio, 2)}× ${c.calls} node -e 0 at once (${fmt(c.node_wall_ms)} ms)`)
  }
  console.log('\nPrompt segment (per render)')
  for (const [shell, s] of Object.entries(segment)) {
    console.log(
      s.skipped
        ? `  ${shell.padEnd(6)} skipped: ${s.skipped}`
        : `  ${shell.padEnd(6)} ${fmt(s.per_render_ms, 4)} ms over ${s.renders} renders${s.pids_allocated === null ? '' : `, ${s.pids_allocated} pids allocated meanwhile`}  "${s.text}"`,
    )
  }
  console.log(`\nPeak RSS: node -e 0 ${memory.node_kb ?? '-'} kB, mfa env ${memory.env_kb ?? '-'} kB${memory.env_kb ? ` (${fmt(memory.env_kb / memory.node_kb, 2)}×)` : ''}`)
  console.log('\nAWS files with many profiles (each file)')
  for (const f of Object.values(files)) console.log(`  ${String(f.profiles).padStart(7)} profiles (${(f.credentials_bytes / 1e6).toFixed(1)} MB): env ${fmt(f.env_median_ms)} ms, login ${fmt(f.login_ms)} ms`)
  console.log('\nBudget')
  for (const c of checks) console.log(`  ${c.ok === null ? '-' : c.ok ? '✓' : '✗'} ${c.name.padEnd(44)} ${fmt(c.value, 3)}`)

  const record = {date: new Date().toISOString(), node: process.version, nodes: nodes.map(n => n.version), load: {before: loadBefore, after: loadAfter}, runs: RUNS, rounds: ROUNDS, startup, ratios: paired, pwsh_line: pwshLine, concurrent, segment, memory, files, checks}
  mkdirSync(join(root, 'bench', 'results'), {recursive: true})
  writeFileSync(previousFile, JSON.stringify(record, null, 2) + '\n')
  writeFileSync(join(root, 'bench', 'results', `${record.date.slice(0, 10)}.json`), JSON.stringify(record, null, 2) + '\n')
  console.log(`\nwrote bench/results/latest.json and bench/results/${record.date.slice(0, 10)}.json`)
  if (args.has('--check') && checks.some(c => c.ok === false)) process.exitCode = 1
} finally {
  await sts.close()
  for (const dir of [home, ...Object.values(bigHomes)]) rmSync(dir, {recursive: true, force: true})
}
