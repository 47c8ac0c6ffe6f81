/**
 * What each start-up piece buys (measured side by side: bench/results/2026-11-30-fast-bundle.md):
 * the bundle dist/fast.cjs, no ES module loader and one file: `mfa env` ~18 ms faster than dist/fast.js, Node's compile cache or not;
 * the code cache (this file): `mfa exec` skips compiling execa's bundle (~20 ms); the loader (execa.ts): that bundle on the fast path only.
 *
 * Loads a prebuilt CommonJS bundle of dist/ as require() would, but from V8's code cache when one
 * fits: it saves compiling the bundle on every start (execa's: ~20 ms of `mfa exec`). V8 accepts a
 * cache only from the same Node version, so there are two: FILE.cache, made by `npm run build`
 * (scripts/bundle.js) for the Node that built the package, and, for any other Node, one made on
 * first use in the user's cache directory (written as that first process exits, with whatever it
 * compiled by then). A cache made by another Node or for other bytes is never handed to V8.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import {basename, dirname, join} from 'node:path'
import {Script} from 'node:vm'
import {userCacheDir, writeCacheFile} from './user-cache.js'

/**
 * The Node version, a bundle's length and FNV-1a of a sample of its text: a code cache is used only
 * by the Node and for the bytes it was made from (V8 itself checks only the length, and rejects
 * another version's cache only after reading it). Sampled: hashing every byte cost 4 ms a start.
 */
function fingerprint(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i += 61) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return `mfa-cache:${process.version}:${h.toString(16).padStart(8, '0')}:${text.length.toString(16).padStart(8, '0')}:`
}

/** The cache of a bundle for the running Node, in the user's cache directory. */
function userCacheFile(file: string): string {
  return join(userCacheDir(), 'code-cache', `${basename(file)}.${process.version}.cache`)
}

/** The cached data in a cache file made for tag, if there is one. */
function readCache(path: string, tag: string): Buffer | undefined {
  try {
    const cache = readFileSync(path)
    if (cache.toString('latin1', 0, tag.length) === tag) return cache.subarray(tag.length)
  } catch {}
  return undefined
}

const loaded = new Map<string, unknown>()
const scripts = new Map<string, {script: Script; tag: string}>()

/** Loads a bundle, from a code cache when one fits, else compiled afresh, and cached for next time. */
export function loadBundle<T>(file: string, {produce = false}: {produce?: boolean} = {}): T {
  if (loaded.has(file)) return loaded.get(file) as T
  const source = readFileSync(file, 'utf8')
  const tag = fingerprint(source)
  // The user's first: it exists only where the build's did not fit, even when V8 refused that one
  // for its own reasons (another V8 flag), which the tag cannot see.
  const cachedData = produce ? undefined : (readCache(userCacheFile(file), tag) ?? readCache(`${file}.cache`, tag))
  const script = new Script(Module.wrap(source), {filename: file, cachedData})
  const mod = {exports: {}}
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file))
  if (produce) scripts.set(file, {script, tag})
  else if (!cachedData || script.cachedDataRejected) {
    // At exit, so that the functions this run compiled are in it too; at most once per Node version.
    process.once('exit', () => writeCacheFile(userCacheFile(file), Buffer.concat([Buffer.from(tag, 'latin1'), script.createCachedData()])))
  }
  loaded.set(file, mod.exports)
  return mod.exports as T
}

/** Writes the code cache of a bundle loaded with {produce: true} (`npm run build`): what ran by then is compiled into it. */
export function saveCache(file: string): void {
  const {script, tag} = scripts.get(file)!
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(tag, 'latin1'), script.createCachedData()]))
}
