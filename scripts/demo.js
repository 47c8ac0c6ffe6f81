// `npm run demo`: the main job with no AWS account. Starts the bundled local STS server, makes a
// temporary HOME with a demo profile and virtual MFA device, and runs what a user runs, showing
// what a user sees.
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {DEMO, demoFixture, startLocalSts} from '../dist/sts-server/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.js')
const AWS_CLI = '/usr/bin/aws'
const bold = text => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${text}\x1b[0m` : text)
const dim = text => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[2m${text}\x1b[0m` : text)

const sts = await startLocalSts(demoFixture())
const home = mkdtempSync(join(tmpdir(), 'mfa-demo-'))
mkdirSync(join(home, '.aws'), {mode: 0o700})
writeFileSync(join(home, '.aws', 'config'), `[default]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\n`, {mode: 0o600})
writeFileSync(
  join(home, '.aws', 'credentials'),
  `[default]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`,
  {mode: 0o600},
)
// The shell that runs the demo's commands finds `mfa` on its PATH, as after `npm link`.
const binDir = join(home, 'bin')
mkdirSync(binDir)
writeFileSync(join(binDir, 'mfa'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} "$@"\n`, {mode: 0o755})
const env = {
  PATH: `${binDir}:${process.env.PATH}`,
  HOME: home,
  LANG: 'C.UTF-8',
  AWS_ENDPOINT_URL_STS: sts.url,
  AWS_PAGER: '',
  ...(process.env.NO_COLOR ? {NO_COLOR: process.env.NO_COLOR} : {}),
}

function sh(script) {
  return new Promise(resolve => {
    const child = spawn('bash', ['-c', script], {env, cwd: home, stdio: ['ignore', 'inherit', 'inherit']})
    child.on('close', code => resolve(code ?? 1))
  })
}

async function step(title, script, shown = script) {
  console.log(`\n${bold(`# ${title}`)}`)
  console.log(`$ ${shown}`)
  const code = await sh(script)
  if (code !== 0) console.log(dim(`(exit ${code})`))
  return code
}

let failed = false
try {
  console.log(bold('mfa demo: a temporary HOME and a local STS server, no AWS account needed'))
  console.log(dim(`HOME=${home}`))
  console.log(dim(`AWS_ENDPOINT_URL_STS=${sts.url}   # the local STS instead of sts.amazonaws.com`))
  console.log(dim(`~/.aws/credentials holds the demo user's long-term keys; ~/.aws/config names its MFA device:`))
  console.log(dim(`  mfa_serial = ${DEMO.mfaSerial}`))

  const code = sts.code(DEMO.mfaSerial)
  console.log(`\n${bold('# Your authenticator app shows:')} ${code}`)
  failed ||= (await step('Log in once: the code buys a 12-hour session', `mfa login --token-code ${code}`)) !== 0
  failed ||= (await step('Again: the session is reused, no code needed', 'mfa login')) !== 0
  failed ||= (await step('Who and how long', 'mfa status')) !== 0
  if (existsSync(AWS_CLI)) {
    failed ||=
      (await step(
        'Any AWS tool can use the session profile [mfa] in ~/.aws/credentials',
        `${AWS_CLI} --profile mfa sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --output json`,
        'aws --profile mfa sts get-caller-identity',
      )) !== 0
  } else {
    console.log(dim('\n(the AWS CLI is not installed at /usr/bin/aws: skipping `aws --profile mfa sts get-caller-identity`)'))
  }
  console.log(`\n${bold('# STS saw:')} ${sts.calls.map(c => `${c.action}${c.ok ? '' : ` (${c.code})`}`).join(', ')}`)
} finally {
  await sts.close()
  rmSync(home, {recursive: true, force: true})
}
if (failed) {
  console.error('\nmfa demo: a step failed (see above)')
  process.exitCode = 1
}
