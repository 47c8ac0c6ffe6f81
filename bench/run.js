// `npm run bench`: whole-process medians side by side in one run, against the local STS server with
// a cached session, as ratios to `node -e 0`; the prompt segment per render; peak memory. Prints a
// table, checks the budget, and writes the numbers to bench/results/ (latest.json and a dated
// copy) so that a change can be compared with the last run. A script, not a test: it never fails
// a build; `--check` makes it exit 1 when a budget is missed.
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {DEMO, demoFixture, startLocalSts} from '../sts-server/dist/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.js')
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
mkdirSync(join(home, '.aws'), {mode: 0o700})
writeFileSync(join(home, '.aws', 'config'), `[default]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\n`, {mode: 0o600})
writeFileSync(join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`, {mode: 0o600})
const env = {PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', AWS_ENDPOINT_URL_STS: sts.url, AWS_PAGER: ''}
const node = process.execPath

try {
  const login = await run(node, [bin, 'login', '--token-code', sts.code(DEMO.mfaSerial)], env)
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`)

  // 1. Start-up, whole processes, with hyperfine (-N: no shell in between).
  const hyperfine = which('hyperfine')
  if (!hyperfine) throw new Error('hyperfine is not installed (apt-get install hyperfine)')
  const commands = [
    ['node -e 0', `${node} -e 0`],
    ['mfa --version', `${node} ${bin} --version`],
    ['mfa env --shell bash', `${node} ${bin} env --shell bash`],
    ['mfa exec -- true', `${node} ${bin} exec -- true`],
    ['mfa credential-process', `${node} ${bin} credential-process`],
    ['mfa status --json --offline', `${node} ${bin} status --json --offline`],
    ['mfa login (cached, oclif)', `${node} ${bin} login`],
  ]
  if (existsSync(AWS_CLI)) commands.push(['aws configure export-credentials', `${AWS_CLI} configure export-credentials --profile mfa --format env`])
  // Several rounds, each command's best median kept: hyperfine runs one command's runs in a row, so
  // a burst of load elsewhere on the machine would otherwise skew one command against another.
  const ROUNDS = Number(process.env.BENCH_ROUNDS || 3)
  const startup = {}
  for (let round = 0; round < ROUNDS; round++) {
    const exportFile = join(home, `hyperfine-${round}.json`)
    const hf = await run(
      hyperfine,
      ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', exportFile, ...commands.flatMap(([name, cmd]) => ['-n', name, cmd])],
      env,
    )
    if (hf.code !== 0) throw new Error(`hyperfine failed: ${hf.stderr}`)
    for (const r of JSON.parse(readFileSync(exportFile, 'utf8')).results) {
      const m = {median_ms: r.median * 1000, mean_ms: r.mean * 1000, stddev_ms: r.stddev * 1000}
      if (!startup[r.command] || m.median_ms < startup[r.command].median_ms) startup[r.command] = m
    }
  }

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
  const pwsh = which('pwsh') ?? [join(homedir(), '.dotnet', 'tools', 'pwsh')].find(p => existsSync(p))
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

  // The budget, from the Performance issue.
  const floor = startup['node -e 0'].median_ms
  const ratio = name => startup[name] && startup[name].median_ms / floor
  const awsRatio = startup['aws configure export-credentials'] && startup['mfa env --shell bash'].median_ms / startup['aws configure export-credentials'].median_ms
  const checks = [
    ['mfa env ≤ 2.0× node -e 0', ratio('mfa env --shell bash'), 2.0],
    ['mfa exec -- true ≤ 2.5× node -e 0', ratio('mfa exec -- true'), 2.5],
    ['mfa credential-process ≤ 2.0× node -e 0', ratio('mfa credential-process'), 2.0],
    ['mfa env ≤ 0.35× aws export-credentials', awsRatio, 0.35],
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
  console.log(`\nStart-up (best of ${ROUNDS} medians of ${RUNS} runs, ms; ratio to node -e 0${previous ? '; change since the last run' : ''})`)
  for (const [name] of commands) {
    const r = startup[name]
    const before = previous?.startup?.[name]?.median_ms
    const delta = before ? `  ${r.median_ms >= before ? '+' : ''}${fmt(r.median_ms - before)} ms` : ''
    console.log(`  ${name.padEnd(34)} ${fmt(r.median_ms).padStart(7)}  ${fmt(r.median_ms / floor, 2).padStart(5)}×${delta}`)
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
  console.log('\nBudget')
  for (const c of checks) console.log(`  ${c.ok === null ? '-' : c.ok ? '✓' : '✗'} ${c.name.padEnd(44)} ${fmt(c.value, 3)}`)

  const record = {date: new Date().toISOString(), node: process.version, runs: RUNS, rounds: ROUNDS, startup, segment, memory, checks}
  mkdirSync(join(root, 'bench', 'results'), {recursive: true})
  writeFileSync(previousFile, JSON.stringify(record, null, 2) + '\n')
  writeFileSync(join(root, 'bench', 'results', `${record.date.slice(0, 10)}.json`), JSON.stringify(record, null, 2) + '\n')
  console.log(`\nwrote bench/results/latest.json and bench/results/${record.date.slice(0, 10)}.json`)
  if (args.has('--check') && checks.some(c => c.ok === false)) process.exitCode = 1
} finally {
  await sts.close()
  rmSync(home, {recursive: true, force: true})
}
