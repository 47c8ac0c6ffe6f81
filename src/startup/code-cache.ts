/**
 * What each start-up piece buys (measured side by side: bench/results/):
 * the bundle dist/fast.cjs, no ES module loader and one file: `mfa env` ~18 ms faster than dist/fast.js;
 * the code cache (this file): no compiling on each start, ~6 ms of `mfa env` and ~20 ms of `mfa exec` (execa's bundle);
 * the loader (execa.ts): execa's bundle on the fast path only.
 *
 * Loads a prebuilt CommonJS bundle of dist/ as require() would, but from V8's code cache when one
 * fits: it saves compiling the bundle on every start. V8 compiles a function only when it first
 * runs, so a cache holds what one run compiled: ./start.ts keeps one per command (`variant`), made
 * when the first run of that command succeeds, in the user's cache directory, for the running Node
 * (V8 accepts a cache only from the same Node version). execa's bundle also has FILE.cache, made by
 * `npm run build` (scripts/bundle.js) for the Node that built the package. A cache made by another
 * Node or for other bytes is never handed to V8.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {Script} from 'node:vm'
import {nodeModule} from './builtins.js'
import {userCacheDir, writeCacheFile} from './user-cache.js'

/**
 * The Node version, a bundle's length and FNV-1a of a sample of its text: a code cache is used only
 * by the Node and for the bytes it was made from (V8 itself checks only the length, and rejects
 * another version's cache only after reading it). Sampled: hashing every byte cost 4 ms a start,
 * every 61st 0.3 ms; two builds of other code differ all along the bundle (esbuild's output shifts).
 */
function fingerprint(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i += 251) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return `mfa-cache:${process.version}:${h.toString(16).padStart(8, '0')}:${text.length.toString(16).padStart(8, '0')}:`
}

/** The cache of a bundle (for one command, with a variant) for the running Node, in the user's cache directory. */
function userCacheFile(file: string, variant: string | undefined): string {
  return join(userCacheDir(), 'code-cache', `${basename(file)}${variant ? `.${variant}` : ''}.${process.version}.cache`)
}

/** The cached data in a cache file made for tag, if there is one. */
function readCache(path: string, tag: string): Buffer | undefined {
  try {
    const cache = readFileSync(path)
    if (cache.toString('latin1', 0, tag.length) === tag) return cache.subarray(tag.length)
  } catch {}
  return undefined
}

/**
 * The source as CommonJS wraps it (what Module.wrap gives): written out, because importing the
 * module object for it costs each start a copy of its properties (~0.3 ms, esbuild's interop).
 */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`
}

const loaded = new Map<string, unknown>()
const scripts = new Map<string, {script: Script; tag: string}>()

export interface LoadOptions {
  /** Compile for the build's FILE.cache (saveCache). */
  produce?: boolean
  /** A cache of its own for this use of the bundle (./start.ts: the command's name, when it is one). */
  variant?: string
  /**
   * The bundle's require, when not one made for its file: ./start.ts hands bin/run.cjs's, which finds
   * the same packages (bin/ and dist/ are siblings) and spares the start loading node:module.
   */
  require?: NodeJS.Require
}

/**
 * Loads a bundle, from a code cache when one fits, else compiled afresh and cached for next time:
 * when this process exits with 0 (a failed first run may have stopped before most of the work).
 */
export function loadBundle<T>(file: string, {produce = false, variant, require}: LoadOptions = {}): T {
  if (loaded.has(file)) return loaded.get(file) as T
  const source = readFileSync(file, 'utf8')
  const tag = fingerprint(source)
  if (variant !== undefined && !/^[a-z][a-z-]{0,31}$/.test(variant)) variant = undefined
  const userCache = userCacheFile(file, variant)
  // The user's first: it exists only where the build's did not fit, even when V8 refused that one
  // for its own reasons (another V8 flag), which the tag cannot see.
  const cachedData = produce ? undefined : (readCache(userCache, tag) ?? readCache(`${file}.cache`, tag))
  const script = new Script(wrap(source), {filename: file, cachedData})
  const mod = {exports: {}}
  script.runInThisContext().call(mod.exports, mod.exports, require ?? nodeModule().createRequire(file), mod, file, dirname(file))
  if (produce) scripts.set(file, {script, tag})
  else if (!cachedData || script.cachedDataRejected) {
    // At exit, so that the functions this run compiled are in it too; once per command and Node version.
    process.once('exit', code => {
      if (code === 0) writeCacheFile(userCache, Buffer.concat([Buffer.from(tag, 'latin1'), script.createCachedData()]))
    })
  }
  loaded.set(file, mod.exports)
  return mod.exports as T
}

/** Writes the code cache of a bundle loaded with {produce: true} (`npm run build`): what ran by then is compiled into it. */
export function saveCache(file: string): void {
  const {script, tag} = scripts.get(file)!
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(tag, 'latin1'), script.createCachedData()]))
}
