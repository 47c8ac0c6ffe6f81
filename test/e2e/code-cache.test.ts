/**
 * The hot commands start from V8's code cache of the command (src/startup/code-cache.ts): made in
 * the user's cache directory, for the running Node, when the first run of that command succeeds;
 * never by a run that failed (it may have stopped before most of the work); and a cache that does
 * not fit the bundle is never used, but replaced. The output is the same with a cache or without.
 */
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {makeWorld, type World} from '../helpers/world.js'

let world: World
beforeEach(async () => {
  world = await makeWorld()
})
afterEach(async () => world.close())

const cacheDir = () => join(world.home, '.cache', 'mfa', 'code-cache')
const cacheOf = (variant: string) => join(cacheDir(), `fast.cjs.${variant}.${process.version}.cache`)
const cacheFiles = () => (existsSync(cacheDir()) ? readdirSync(cacheDir()).sort() : [])
/** The tag a cache starts with: mfa-cache:NODE:HASH:LENGTH: */
const tagOf = (cache: Buffer) => cache.toString('latin1', 0, 80).split(':').slice(0, 4).join(':') + ':'

async function login(): Promise<void> {
  const result = await world.mfa(['login', '--token-code', await world.freshCode()])
  expect(result.code).toBe(0)
}

test('the first env that succeeds leaves a cache for env on this Node; the next run starts from it, prints the same, and leaves it as it was', async () => {
  await login()
  const first = await world.mfa(['env', '--shell', 'bash'])
  expect(first.code).toBe(0)
  const cache = readFileSync(cacheOf('env'))
  expect(tagOf(cache).startsWith(`mfa-cache:${process.version}:`)).toBe(true)
  const second = await world.mfa(['env', '--shell', 'bash'])
  expect(second.code).toBe(0)
  expect(second.stdout).toBe(first.stdout)
  // V8 took it: a cache it refused would have been written again, from what this run compiled.
  expect(readFileSync(cacheOf('env')).equals(cache)).toBe(true)
})

test('a run that fails leaves no cache', async () => {
  const failed = await world.mfa(['env', '--shell', 'bash'])
  expect(failed.code).not.toBe(0)
  expect(cacheFiles()).toEqual([])
})

test('a cache V8 cannot use (its data damaged) is not trusted: the output is the same, and the cache is made again', async () => {
  await login()
  const first = await world.mfa(['env', '--shell', 'bash'])
  const good = readFileSync(cacheOf('env'))
  const tag = tagOf(good)
  const damaged = Buffer.concat([Buffer.from(tag, 'latin1'), Buffer.alloc(good.length - tag.length, 0x5a)])
  writeFileSync(cacheOf('env'), damaged)
  const again = await world.mfa(['env', '--shell', 'bash'])
  expect(again.code).toBe(0)
  expect(again.stdout).toBe(first.stdout)
  const remade = readFileSync(cacheOf('env'))
  expect(remade.equals(damaged)).toBe(false)
  expect(tagOf(remade)).toBe(tag)
})

test('a cache made for other bytes (another build of the bundle) is not handed to V8: it is replaced', async () => {
  await login()
  const first = await world.mfa(['env', '--shell', 'bash'])
  const good = readFileSync(cacheOf('env'))
  const [, , hash, length] = tagOf(good).split(':')
  const other = Buffer.concat([Buffer.from(`mfa-cache:${process.version}:${(parseInt(hash, 16) ^ 1).toString(16).padStart(8, '0')}:${length}:`, 'latin1'), good.subarray(tagOf(good).length)])
  writeFileSync(cacheOf('env'), other)
  const again = await world.mfa(['env', '--shell', 'bash'])
  expect(again.stdout).toBe(first.stdout)
  expect(readFileSync(cacheOf('env')).equals(other)).toBe(false)
  expect(tagOf(readFileSync(cacheOf('env')))).toBe(tagOf(good))
})

test('only a command name names a cache: `mfa --version` shares the one for every other first word', async () => {
  const version = await world.mfa(['--version'])
  expect(version.code).toBe(0)
  expect(cacheFiles()).toEqual([`fast.cjs.${process.version}.cache`])
})

test('a Node too old for mfa (no process.getBuiltinModule, before 20.16 and 22.3) gets one line that says what to install, and nothing is written', async () => {
  await login()
  // What such a Node lacks, taken away before bin/run.cjs runs.
  const older = join(world.home, 'older-node.cjs')
  writeFileSync(older, 'delete process.getBuiltinModule\n')
  const before = cacheFiles()
  const result = await world.mfa(['env', '--shell', 'bash'], {env: {...world.env(), NODE_OPTIONS: `--require ${older}`}})
  expect(result.code).toBe(1)
  expect(result.stdout).toBe('')
  expect(result.stderr).toBe(`mfa: Node.js ${process.version} is too old; install Node.js 20.16, 22.3 or later\n`)
  expect(cacheFiles()).toEqual(before)
})
