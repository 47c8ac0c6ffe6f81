// Bundles the fast path (src/fast.ts and what it imports) into dist/fast.js, one file: loading one
// module instead of dozens is most of what keeps `mfa env` near `node -e 0` (measured: splitting it
// into per-command chunks was slower, ~18 ms on `mfa env`). execa goes into a bundle of its own,
// dist/vendor/execa.js, loaded only by `mfa exec` and mfa_process (bundled, it loads in ~40 ms instead
// of ~150 ms for its ~100 separate modules). oclif and the AWS SDK stay outside: they load only on
// the paths that need them.
import {build} from 'esbuild'

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outdir: 'dist',
  legalComments: 'none',
  logLevel: 'warning',
}

// Minified: ~14 ms less to parse on every `mfa exec`. execa's dependencies are CommonJS: the
// bundle gets a require() (the fast path does not need one, and node:module costs its start).
await build({
  ...common,
  entryPoints: {'vendor/execa': 'src/vendor/execa.ts'},
  minify: true,
  banner: {js: "import {createRequire as __mfaRequire} from 'node:module'; const require = __mfaRequire(import.meta.url);"},
})

// src/ imports '../vendor/execa.js' (right for tsc's dist/actions/*.js); from dist/fast.js it is './vendor/execa.js'.
const vendor = {
  name: 'vendor',
  setup(b) {
    b.onResolve({filter: /\/vendor\/execa\.js$/}, () => ({path: './vendor/execa.js', external: true}))
  },
}
await build({...common, entryPoints: {fast: 'src/fast.ts'}, plugins: [vendor], external: ['@oclif/core', '@aws-sdk/*', '@smithy/*']})
