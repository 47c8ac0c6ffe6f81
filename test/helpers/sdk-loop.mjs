// A long-running AWS client for `mfa exec --server` tests, run as the command:
//   node sdk-loop.mjs SECONDS LOGFILE [CLI_EVERY_SECONDS]
// One STSClient of the AWS SDK for JavaScript v3 (default provider chain, as any program would make
// it) calls GetCallerIdentity every second; every CLI_EVERY_SECONDS the real AWS CLI
// (/usr/bin/aws) does too. Each call appends a line to LOGFILE: "js ok KEY", "cli ok", or
// "js fail …" / "cli fail …". Exits 1 when any call failed.
import {STSClient, GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {execFile} from 'node:child_process'
import {appendFileSync} from 'node:fs'

const [seconds, log, cliEvery = '10'] = process.argv.slice(2)
const end = performance.now() + Number(seconds) * 1000
const client = new STSClient({})
let failed = false
const note = line => appendFileSync(log, line + '\n')
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

const cli = () =>
  new Promise(resolve =>
    execFile('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', process.env.AWS_ENDPOINT_URL_STS, '--output', 'text', '--query', 'Arn'], {timeout: 30_000}, (error, stdout, stderr) => {
      if (error) {
        failed = true
        note(`cli fail ${String(stderr).trim().split('\n').pop()}`)
      } else note(`cli ok ${String(stdout).trim()}`)
      resolve()
    }),
  )

const clis = []
let nextCli = 0
while (performance.now() < end) {
  if (performance.now() >= nextCli) {
    clis.push(cli())
    nextCli = performance.now() + Number(cliEvery) * 1000
  }
  try {
    await client.send(new GetCallerIdentityCommand({}))
    const credentials = await client.config.credentials()
    note(`js ok ${credentials.accessKeyId}`)
  } catch (error) {
    failed = true
    note(`js fail ${error.name}: ${error.message}`)
  }
  await sleep(1000)
}
await Promise.all(clis)
process.exit(failed ? 1 : 0)
