// `npm run demo`: the main job with no AWS account. Starts the bundled local STS server, makes a
// temporary HOME with a demo profile and virtual MFA device, and runs what a user runs, showing
// what a user sees.
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {DEMO, demoFixture, startLocalSts} from '../sts-server/dist/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.cjs')
const AWS_CLI = '/usr/bin/aws'
const bold = text => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${text}\x1b[0m` : text)
const dim = text => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[2m${text}\x1b[0m` : text)

const sts = await startLocalSts(demoFixture())
const home = mkdtempSync(join(tmpdir(), 'mfa-demo-'))
mkdirSync(join(home, '.aws'), {mode: 0o700})
writeFileSync(join(home, '.aws', 'config'), `[default]\nregion = eu-west-1\n`, {mode: 0o600})
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
  AWS_ENDPOINT_URL_IAM: sts.url,
  AWS_PAGER: '',
  ...(process.env.NO_COLOR ? {NO_COLOR: process.env.NO_COLOR} : {}),
  ...(process.stdout.isTTY ? {} : {MFA_PROMPT_COLOR: '0'}),
}

function sh(script) {
  return new Promise(resolve => {
    const child = spawn('bash', ['-c', script], {env, cwd: home, stdio: ['ignore', 'inherit', 'inherit']})
    child.on('close', code => resolve(code ?? 1))
  })
}

async function step(title, script, shown) {
  shown ??= script
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
  console.log(dim(`AWS_ENDPOINT_URL_STS=${sts.url}   # the local STS (and IAM) instead of AWS's`))
  console.log(dim(`~/.aws/credentials holds the demo user's long-term keys (as after \`aws configure\`)`))

  failed ||= (await step('Find the MFA device and save it as mfa_serial in ~/.aws/config', 'mfa devices --save && cat ~/.aws/config')) !== 0

  const code = sts.code(DEMO.mfaSerial)
  console.log(`\n${bold('# Your authenticator app shows:')} ${code}`)
  failed ||= (await step('Log in once: the code buys a 12-hour session', `mfa login --token-code ${code}`)) !== 0
  failed ||= (await step('Again: the session is reused, no code needed', 'mfa login')) !== 0
  failed ||= (await step('Who and how long', 'mfa status')) !== 0
  const aws = existsSync(AWS_CLI)
  // Debian's AWS CLI 2.9 predates AWS_ENDPOINT_URL_STS: the demo passes the endpoint on its command line.
  const whoami = `${AWS_CLI} sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --query Arn --output text`
  if (aws) {
    failed ||=
      (await step(
        'Any AWS tool can use the session profile [mfa] in ~/.aws/credentials',
        `${AWS_CLI} --profile mfa sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --output json`,
        'aws --profile mfa sts get-caller-identity',
      )) !== 0
  } else {
    console.log(dim('\n(the AWS CLI is not installed at /usr/bin/aws: skipping the aws commands)'))
  }
  failed ||=
    (await step(
      'Or put the session into this shell',
      `eval "$(mfa env)" && echo "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_CREDENTIAL_EXPIRATION=$AWS_CREDENTIAL_EXPIRATION MFA_PROFILE=$MFA_PROFILE"${aws ? ` && ${whoami}` : ''}`,
      `eval "$(mfa env)" && echo "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID ..."${aws ? ' && aws sts get-caller-identity' : ''}`,
    )) !== 0
  failed ||=
    (await step(
      'Or run one command with it',
      aws ? `mfa exec -- ${whoami}` : `mfa exec -- sh -c 'echo "$MFA_PROFILE until $AWS_CREDENTIAL_EXPIRATION"'`,
      aws ? 'mfa exec -- aws sts get-caller-identity' : undefined,
    )) !== 0
  failed ||=
    (await step(
      'The shell integration: `mfa use` and a prompt segment that starts no process',
      `eval "$(mfa init bash)" && mfa use && PS1='\${MFA_PROMPT_SEGMENT}$ ' && mfa_prompt && echo && MFA_EXPIRY=$(( $(date +%s) + 299 )) mfa_prompt && echo && mfa clear && echo "after mfa clear: [\${AWS_ACCESS_KEY_ID-}]"`,
      `eval "$(mfa init bash)"; mfa use; mfa_prompt; MFA_EXPIRY=<in 5 minutes> mfa_prompt; mfa clear`,
    )) !== 0
  console.log(`\n${bold('# STS saw:')} ${sts.calls.map(c => `${c.action}${c.ok ? '' : ` (${c.code})`}`).join(', ')}`)
} finally {
  await sts.close()
  rmSync(home, {recursive: true, force: true})
}
if (failed) {
  console.error('\nmfa demo: a step failed (see above)')
  process.exitCode = 1
}
