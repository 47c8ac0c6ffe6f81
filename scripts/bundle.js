// Bundles the fast path for bin/run.cjs, and measures what each choice bought (npm run bench):
// - dist/fast.cjs: src/fast.ts and everything the hot commands import, one CommonJS file. One file
//   instead of dozens of modules, and CommonJS instead of ES modules: Node's ES module loader and
//   its `import ... from 'node:fs'` (which loads Node's whole stream machinery) stay out of the start.
//   Minified: 106 KB instead of 193, which every start reads, decodes and hands to V8 (on Node 20 a
//   file above 128 KB lands in fresh memory); dist/fast.cjs.map takes --debug's stack traces back to
//   src/ (src/cli/source-stack.ts).
// - dist/startup/execa-bundle.cjs: execa, minified, on its own: only `mfa exec` and mfa_process load
//   it (bundled it loads in a fraction of the time of its ~100 separate modules).
// - dist/startup/execa-bundle.cjs.cache: V8's code cache for execa (src/startup/code-cache.ts), so
//   that `mfa exec` does not compile it on every start (measured: ~20 ms less).
// - dist/startup/start.cjs: what bin/run.cjs runs, the loader that starts dist/fast.cjs from a code
//   cache per command made on the first successful run (a cache made here would hold little more than the
//   top level: V8 compiles a function when it first runs).
// - dist/fast-commands.json: each command's flags and arguments as oclif.manifest.json declares them
//   (so `oclif manifest` runs first), without the help text: the fast path reads 4 KB instead of 40.
// oclif and the AWS SDK stay outside: they load only on the paths that need them.
import {readFileSync, writeFileSync} from 'node:fs'
import {build} from 'esbuild'

const manifest = JSON.parse(readFileSync('oclif.manifest.json', 'utf8'))
const pick = (object, keys) => Object.fromEntries(keys.filter(k => object[k] !== undefined).map(k => [k, object[k]]))
const commands = Object.fromEntries(
  Object.entries(manifest.commands).map(([id, c]) => [
    id,
    {
      flags: Object.fromEntries(Object.entries(c.flags).map(([name, f]) => [name, pick(f, ['char', 'type', 'options', 'allowNo', 'multiple'])])),
      args: Object.fromEntries(Object.entries(c.args ?? {}).map(([name, a]) => [name, pick(a, ['options', 'required'])])),
    },
  ]),
)
writeFileSync('dist/fast-commands.json', JSON.stringify({commands}))

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: 'dist',
  outExtension: {'.js': '.cjs'},
  legalComments: 'none',
  logLevel: 'warning',
  // No import() left behind: code compiled from a code cache (vm.Script) could not run it.
  supported: {'dynamic-import': false},
}

await build({...common, entryPoints: {'startup/execa-bundle': 'src/startup/execa-bundle.ts'}, minify: true})

// bin/run.cjs runs this one, which loads dist/fast.cjs from V8's code cache of the command: the
// loader in one file that exports nothing (exports would add esbuild's interop, ~0.5 ms a start).
await build({...common, entryPoints: {'startup/start': 'src/startup/start.ts'}})

await build({
  ...common,
  entryPoints: {fast: 'src/fast.ts'},
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  // execa comes from dist/startup/execa-bundle.cjs on this path (src/startup/execa.ts).
  // The keyring's native module too: src/keys/keyring.ts requires it on first use, from node_modules.
  external: ['@oclif/core', '@aws-sdk/*', '@smithy/*', 'execa', '@napi-rs/keyring'],
  // import.meta as CommonJS has it: the directory at once, the URL only when asked (making it costs
  // ~0.7 ms of every start).
  define: {'import.meta.dirname': '__dirname', 'import.meta.url': '__mfaModule.url'},
  banner: {js: "const __mfaModule = {get url() { return require('node:url').pathToFileURL(__filename).href } };"},
})

// The cache is made after execa has run a command the way `mfa exec` runs one, so that the
// functions that takes are compiled into it too, not only the module's top level.
const {loadBundle, saveCache} = await import('../dist/startup/code-cache.js')
const execa = new URL('../dist/startup/execa-bundle.cjs', import.meta.url).pathname
await loadBundle(execa, {produce: true}).execa(process.execPath, ['-e', '0'], {stdio: 'inherit', reject: false, extendEnv: false, env: {}})
saveCache(execa)
