/**
 * Loads a prebuilt CommonJS bundle of dist/ as require() would, but from V8's code cache (FILE.cache,
 * made by `npm run build`, scripts/bundle.js) when it fits: it saves compiling the bundle on every
 * start (execa's: ~20 ms of `mfa exec`). A cache made by another Node or for other bytes is ignored.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import {dirname} from 'node:path'
import {Script} from 'node:vm'

/**
 * A bundle's length and FNV-1a of a sample of its text: a code cache is used only for the bytes it
 * was made from (V8 itself checks only the length). Sampled: hashing every byte cost 4 ms a start.
 */
function fingerprint(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i += 61) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return `mfa-cache:${h.toString(16).padStart(8, '0')}:${text.length.toString(16).padStart(8, '0')}:`
}

const loaded = new Map<string, unknown>()
const scripts = new Map<string, {script: Script; tag: string}>()

/** Loads a bundle, from its code cache when that fits. produce: compile it afresh, for saveCache(). */
export function loadBundle<T>(file: string, produce = false): T {
  if (loaded.has(file)) return loaded.get(file) as T
  const source = readFileSync(file, 'utf8')
  const tag = fingerprint(source)
  const load = createRequire(file)
  let cachedData: Buffer | undefined
  if (!produce) {
    try {
      const cache = readFileSync(`${file}.cache`)
      if (cache.toString('latin1', 0, tag.length) === tag) cachedData = cache.subarray(tag.length)
    } catch {}
    if (!cachedData) {
      const exports = load(file) as T
      loaded.set(file, exports)
      return exports
    }
  }
  const script = new Script(Module.wrap(source), {filename: file, cachedData})
  const mod = {exports: {}}
  script.runInThisContext().call(mod.exports, mod.exports, load, mod, file, dirname(file))
  if (produce) scripts.set(file, {script, tag})
  loaded.set(file, mod.exports)
  return mod.exports as T
}

/** Writes the code cache of a bundle loaded with produce: what ran by then is compiled into it. */
export function saveCache(file: string): void {
  const {script, tag} = scripts.get(file)!
  writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(tag, 'latin1'), script.createCachedData()]))
}
