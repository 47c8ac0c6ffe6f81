/**
 * The package as a user gets it: `npm pack`, then `npm install -g` of the tarball into a temporary
 * prefix, and the installed `mfa` run from a directory that is not this checkout. Slow (npm
 * installs the runtime dependencies, from npm's cache when it has them).
 */
import {appendFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ROOT, run} from '../helpers/cli.js'
import {clockTexts, oneOf, spanOf} from '../helpers/clock.js'
import {makeWorld} from '../helpers/world.js'

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string>}

/** npm with the user's own configuration and cache, but none of the npm_* variables of an `npm test` around us. */
const npmEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'),
)
Object.assign(npmEnv, {npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false'})

let dir: string
let prefix: string
let bin: string
let installed: string
let packedFiles: string[]
/** Somewhere that is not this checkout: nothing may be found relative to the working directory. */
let elsewhere: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-install-'))
  prefix = join(dir, 'prefix')
  elsewhere = mkdtempSync(join(tmpdir(), 'mfa-cwd-'))
  // --ignore-scripts: `npm test` has just built dist/; prepack would rebuild it under the other tests.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {cwd: ROOT, env: npmEnv, timeoutMs: 120_000})
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`)
  const [info] = JSON.parse(packed.stdout) as Array<{filename: string; files: Array<{path: string}>}>
  packedFiles = info.files.map(f => f.path).sort()
  const tarball = join(dir, info.filename)
  // --prefer-offline: from npm's cache when it has the dependencies (CI's `npm ci` filled it), else the registry.
  const install = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: elsewhere,
    env: npmEnv,
    timeoutMs: 280_000,
  })
  if (install.code !== 0) throw new Error(`npm install -g failed:\n${install.stderr}`)
  bin = join(prefix, 'bin', 'mfa')
  installed = join(prefix, 'lib', 'node_modules', pkg.name)
}, 300_000)

afterAll(() => {
  for (const d of [dir, elsewhere]) if (d) rmSync(d, {recursive: true, force: true})
})

const installedMfa = (args: string[], env: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: elsewhere, LANG: 'C.UTF-8'}) =>
  run(bin, args, {cwd: elsewhere, env})

describe('npm pack', () => {
  test('holds the built CLI, its shell scripts, README and LICENSE, and nothing else', () => {
    const allowed = [
      /^README\.md$/,
      /^LICENSE$/,
      /^package\.json$/,
      /^oclif\.manifest\.json$/,
      /^bin\/run\.cjs$/,
      // tsc's modules for oclif, the fast path's bundles, V8's code cache of execa's, and the commands' flags for the fast path.
      /^dist\/.+\.(js|cjs|cjs\.cache)$/,
      // The source map of the minified fast-path bundle, for --debug's stack traces.
      /^dist\/fast\.cjs\.map$/,
      /^dist\/fast-commands\.json$/,
      /^shell\/mfa(\.completion)?\.(bash|zsh|fish|ps1)$/,
      // The wrappers of the cached integration the README's rc lines source.
      /^shell\/mfa\.cached\.(sh|fish|ps1)$/,
    ]
    expect(packedFiles.filter(f => !allowed.some(a => a.test(f)))).toEqual([])
    for (const f of ['README.md', 'LICENSE', 'package.json', 'oclif.manifest.json', 'bin/run.cjs', 'dist/fast.cjs', 'dist/fast.cjs.map', 'dist/fast-commands.json', 'dist/startup/start.cjs', 'dist/commands/login.js', 'shell/mfa.bash', 'shell/mfa.zsh', 'shell/mfa.fish', 'shell/mfa.ps1', 'shell/mfa.cached.sh', 'shell/mfa.cached.fish', 'shell/mfa.cached.ps1']) {
      expect(packedFiles).toContain(f)
    }
    // The local STS server is for the tests and the demo only.
    expect(packedFiles.filter(f => f.startsWith('dist/sts-server/'))).toEqual([])
  })

  test('installs the runtime dependencies only', () => {
    for (const dep of Object.keys(pkg.dependencies)) expect(existsSync(join(installed, 'node_modules', dep))).toBe(true)
    for (const dev of Object.keys(pkg.devDependencies)) expect(existsSync(join(installed, 'node_modules', dev))).toBe(false)
    for (const d of ['src', 'test', 'scripts', 'bin/dev.cjs']) expect(existsSync(join(installed, d))).toBe(false)
  })
})

describe('the installed mfa', () => {
  test('--version', async () => {
    const r = await installedMfa(['--version'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
    expect(r.code).toBe(0)
  })

  test('--help lists the commands, and `env --help` shows the command', async () => {
    const help = await installedMfa(['--help'])
    expect(help.code).toBe(0)
    for (const id of ['login', 'status', 'logout', 'env', 'exec', 'credential-process', 'init', 'prompt', 'doctor', 'help', 'autocomplete']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${id} `, 'm'))
    }
    const env = await installedMfa(['env', '--help'])
    expect(env.code).toBe(0)
    expect(env.stdout).toMatch(/^USAGE\n {2}\$ mfa env /m)
    expect(env.stdout).toContain('EXAMPLES')
  })

  test('init bash reads shell/ of the installed package and calls the installed binary', async () => {
    // A line added to the installed copy shows that this copy, not the checkout's, is read.
    appendFileSync(join(installed, 'shell', 'mfa.bash'), '# installed copy\n')
    const r = await installedMfa(['init', 'bash'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`__mfa_bin='${bin}'\n`)
    expect(r.stdout).toContain('# installed copy\n')
    expect(realpathSync(bin)).toBe(join(realpathSync(installed), 'bin', 'run.cjs'))
  })

  test('the hot commands run from dist/ with the installed manifest, without loading oclif', async () => {
    const world = await makeWorld()
    try {
      // With oclif gone, only the fast path can answer: it finds oclif.manifest.json beside dist/.
      const core = join(installed, 'node_modules', '@oclif', 'core')
      renameSync(core, `${core}.off`)
      try {
        const env = await installedMfa(['env', '--shell', 'json', '--token-code', await world.freshCode()], world.env())
        expect(env.stderr).toMatch(new RegExp(`^mfa: new session for profile default until ${oneOf(clockTexts(world.expiration(), spanOf(env)))}\n$`))
        expect(env.code).toBe(0)
        const vars = JSON.parse(env.stdout) as Record<string, string | null>
        expect(vars.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/)
        const init = await installedMfa(['init', 'fish'], world.env())
        expect(init.code).toBe(0)
        expect(init.stdout).toContain(`set -g __mfa_bin '${bin}'`)
        // Help is oclif's, and says so when oclif cannot load.
        expect((await installedMfa(['--help'])).code).not.toBe(0)
      } finally {
        renameSync(`${core}.off`, core)
      }
      expect(world.sts.count('GetSessionToken', c => c.ok)).toBe(1)
    } finally {
      await world.close()
    }
  })
})
