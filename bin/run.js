#!/usr/bin/env node
'use strict'
// mfa's entry point. It is CommonJS (bin/package.json): the hot commands (env, exec,
// credential-process, prompt, init, status) start from dist/fast.cjs without initialising Node's
// ES module loader or oclif; everything else goes on to oclif (src/fast.ts).
const fs = require('node:fs')
const path = require('node:path')
const vm = require('node:vm')
const {createRequire, wrap} = require('node:module')

/**
 * A bundle's length and FNV-1a of a sample of its text: a code cache is used only for the bytes it
 * was made from (V8 itself checks only the length). Sampled: hashing every byte cost 4 ms a start.
 */
function fingerprint(text) {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i += 61) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return `mfa-cache:${h.toString(16).padStart(8, '0')}:${text.length.toString(16).padStart(8, '0')}:`
}

const loaded = new Map()
const scripts = new Map()

/**
 * Loads a CommonJS bundle of dist/ as require() would, but from V8's code cache (FILE.cache, made
 * by `npm run build`) when it fits: it saves compiling the bundle (execa's) on every start. A cache made by
 * another Node or for other bytes is ignored. produce: compile it afresh, for saveCache().
 */
function load(file, produce = false) {
  if (loaded.has(file)) return loaded.get(file)
  const source = fs.readFileSync(file, 'utf8')
  const tag = fingerprint(source)
  let cachedData
  if (!produce) {
    try {
      const cache = fs.readFileSync(`${file}.cache`)
      if (cache.toString('latin1', 0, tag.length) === tag) cachedData = cache.subarray(tag.length)
    } catch {}
    if (!cachedData) {
      const exports = require(file)
      loaded.set(file, exports)
      return exports
    }
  }
  const script = new vm.Script(wrap(source), {filename: file, cachedData})
  const mod = {exports: {}}
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file))
  if (produce) scripts.set(file, {script, tag})
  loaded.set(file, mod.exports)
  return mod.exports
}

/** Writes the code cache of a bundle loaded with produce: what ran by then is compiled into it. */
function saveCache(file) {
  const {script, tag} = scripts.get(file)
  fs.writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(tag, 'latin1'), script.createCachedData()]))
}

module.exports = {load, saveCache}

if (require.main === module) {
  require('../dist/fast.cjs').main(process.argv.slice(2), load)
}
