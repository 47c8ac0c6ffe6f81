// The AWS files at scale: `mfa env` (a cached session) and `mfa login` (a new session written into
// the credentials file) with 1,000 and 100,000 profiles in each file. The cost should grow
// linearly with a small constant: mfa parses each file once per run, in one pass.
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DEMO} from '../sts-server/dist/index.js'

function timed(file, argv, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    // stdout a pipe, read and dropped: a read-write /dev/null (Node's 'ignore') is what Node also
    // puts on a closed stdout, and mfa refuses to write there.
    const child = spawn(file, argv, {env, stdio: ['ignore', 'pipe', 'pipe']})
    child.stdout.resume()
    let stderr = ''
    child.stderr.on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', code => {
      if (code !== 0) reject(new Error(`${argv.join(' ')} failed: ${stderr}`))
      else resolve(Number(process.hrtime.bigint() - started) / 1e6)
    })
  })
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** A HOME whose config and credentials hold `n` profiles besides the demo one. */
function world(n) {
  const home = mkdtempSync(join(tmpdir(), 'mfa-scale-'))
  mkdirSync(join(home, '.aws'), {mode: 0o700})
  const config = [`[default]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\n`]
  const credentials = [`[default]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`]
  for (let i = 0; i < n; i++) {
    config.push(`\n[profile p${i}]\nregion = us-east-1\noutput = json\n`)
    credentials.push(`\n[p${i}]\naws_access_key_id = AKIA${String(i).padStart(16, '0')}\naws_secret_access_key = ${'s'.repeat(40)}\n`)
  }
  writeFileSync(join(home, '.aws', 'config'), config.join(''), {mode: 0o600})
  writeFileSync(join(home, '.aws', 'credentials'), credentials.join(''), {mode: 0o600})
  return home
}

/** env with a cached session (median of `runs`), and one login that writes a new session. */
export async function scale({node, bin, sts, baseEnv, sizes = [1000, 100000], runs = 5}) {
  const out = {}
  for (const [i, n] of sizes.entries()) {
    const home = world(n)
    const env = {...baseEnv, HOME: home, MFA_TIMEOUT: '120'}
    try {
      // Each login needs a code of its own 30-second window: the server's clock moves on by one.
      sts.setClockOffset((i + 1) * 30_000)
      const loginMs = await timed(node, [bin, 'login', '--force', '--token-code', sts.code(DEMO.mfaSerial)], env)
      const envMs = []
      for (let i = 0; i < runs; i++) envMs.push(await timed(node, [bin, 'env', '--shell', 'bash'], env))
      out[n] = {profiles: n, credentials_bytes: statSync(join(home, '.aws', 'credentials')).size, login_ms: loginMs, env_median_ms: median(envMs)}
    } finally {
      rmSync(home, {recursive: true, force: true})
      sts.setClockOffset(0)
    }
  }
  return out
}
