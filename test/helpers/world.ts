/**
 * A world for end-to-end tests: the local STS server with the demo user, and a temporary HOME
 * with ~/.aws/config and ~/.aws/credentials. The CLI runs as a real process with an environment
 * made only of what the test gives it (nothing of the developer's own AWS setup leaks in).
 */
import {mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startLocalSts, type LocalSts} from '../../sts-server/src/index.js'
import {DEMO, demoFixture} from '../../sts-server/src/fixture.js'
import {mfa, run, type RunOptions, type RunResult} from './cli.js'
import {TEST_TZ} from './clock.js'

export {DEMO}

export const DEMO_CONFIG = `[default]
region = eu-west-1
mfa_serial = ${DEMO.mfaSerial}
`

/** DEMO_CONFIG and profile admin: the demo role, assumed on top of the default profile's MFA session. */
export const ROLE_CONFIG = `${DEMO_CONFIG}
[profile admin]
role_arn = ${DEMO.roleArn}
source_profile = default
`

export const DEMO_CREDENTIALS = `# long-term keys of the demo user
[default]
aws_access_key_id = ${DEMO.accessKeyId}
aws_secret_access_key = ${DEMO.secretAccessKey}
`

export interface World {
  sts: LocalSts
  home: string
  configPath: string
  credentialsPath: string
  cacheDir: string
  /** The environment the CLI gets: HOME, PATH, the STS endpoint, short timeouts. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv
  mfa(args: string[], options?: RunOptions): Promise<RunResult>
  run(file: string, args: string[], options?: RunOptions): Promise<RunResult>
  /** The code the demo device shows now. */
  code(at?: number): string
  /** A valid code that has not been used yet: the current one, or the next window's when the current was used. */
  freshCode(): Promise<string>
  /** The expiration (RFC 3339) of the cached session of this kind, as mfa stored it. */
  expiration(kind?: 'session' | 'role'): string
  read(path: string): string
  mode(path: string): number
  /** Every file under HOME with its content, to prove that nothing changed. */
  snapshot(): Record<string, string>
  close(): Promise<void>
}

const lastWindow = new WeakMap<LocalSts, number>()

export async function makeWorld(options: {config?: string; credentials?: string; users?: Parameters<typeof startLocalSts>[0]} = {}): Promise<World> {
  const fixture = demoFixture()
  const sts = await startLocalSts({users: fixture.users, roles: fixture.roles, ...options.users})
  const home = mkdtempSync(join(tmpdir(), 'mfa-test-'))
  const aws = join(home, '.aws')
  mkdirSync(aws, {mode: 0o700})
  const configPath = join(aws, 'config')
  const credentialsPath = join(aws, 'credentials')
  writeFileSync(configPath, options.config ?? DEMO_CONFIG, {mode: 0o600})
  writeFileSync(credentialsPath, options.credentials ?? DEMO_CREDENTIALS, {mode: 0o600})
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    // The suite's own zone (UTC when it has none): CI runs the time-printing tests under several.
    TZ: TEST_TZ,
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ENDPOINT_URL_IAM: sts.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    MFA_TIMEOUT: '10',
    ...extra,
  })
  const world: World = {
    sts,
    home,
    configPath,
    credentialsPath,
    cacheDir: join(aws, 'mfa'),
    env,
    mfa: (args, o = {}) => mfa(args, {...o, env: o.env ?? env()}),
    run: (file, args, o = {}) => run(file, args, {...o, env: o.env ?? env()}),
    code: at => sts.code(DEMO.mfaSerial, at),
    async freshCode() {
      // Like AWS, the server accepts the previous, current and next 30 s windows, and refuses a
      // code from a window at or before the last one used: hand out the current window, then the next.
      for (;;) {
        const window = Math.floor(sts.now() / 30_000)
        const last = lastWindow.get(sts) ?? -Infinity
        const w = Math.max(window, last + 1)
        if (w <= window + 1) {
          lastWindow.set(sts, w)
          return sts.code(DEMO.mfaSerial, w * 30_000 + 1)
        }
        await new Promise(resolve => setTimeout(resolve, 30_000 - (sts.now() % 30_000) + 50))
      }
    },
    expiration(kind = 'session') {
      const stored = readdirSync(join(aws, 'mfa'))
        .filter(n => /^(session|role)-.*\.json$/.test(n))
        .map(n => JSON.parse(readFileSync(join(aws, 'mfa', n), 'utf8')) as {Kind: string; Credentials: {Expiration: string}})
        .filter(s => s.Kind === kind)
      if (stored.length !== 1) throw new Error(`expected one cached ${kind}, found ${stored.length}`)
      return stored[0].Credentials.Expiration
    },
    read: path => readFileSync(path, 'utf8'),
    mode: path => statSync(path).mode & 0o777,
    snapshot() {
      const out: Record<string, string> = {}
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name)
          // V8 code caches mfa makes for a Node other than the one that built it: not the user's files.
          if (path === join(home, '.cache', 'mfa', 'code-cache')) continue
          if (statSync(path).isDirectory()) walk(path)
          else out[path.slice(home.length)] = readFileSync(path, 'utf8')
        }
      }
      if (existsSync(home)) walk(home)
      return out
    },
    async close() {
      await sts.close()
      rmSync(home, {recursive: true, force: true})
    },
  }
  return world
}

/** The session key each parallel caller ended up with (env --shell json, credential-process, exec printing AWS_ACCESS_KEY_ID). */
export function sessionKeys(calls: string[][], results: Array<{stdout: string}>): Set<string> {
  const keys = new Set<string>()
  for (const [i, r] of results.entries()) {
    const [cmd] = calls[i]
    if (cmd === 'env') keys.add(JSON.parse(r.stdout).AWS_ACCESS_KEY_ID)
    if (cmd === 'credential-process') keys.add(JSON.parse(r.stdout).AccessKeyId)
    if (cmd === 'exec') keys.add(r.stdout)
  }
  return keys
}
