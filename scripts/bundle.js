// Bundles the fast path (src/fast.ts and what it imports, execa included) into dist/fast.js, one
// file: loading one file instead of ~100 modules is most of what keeps `mfa env` near `node -e 0`.
// oclif and the AWS SDK stay outside: they load only on the paths that need them.
import {build} from 'esbuild'

await build({
  entryPoints: {fast: 'src/fast.ts'},
  outdir: 'dist',
  // Each action, and execa, in chunks of their own: a command loads only what it runs.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['@oclif/core', '@aws-sdk/*', '@smithy/*'],
  // execa's dependencies are CommonJS: give the bundle a require().
  banner: {js: "import {createRequire as __mfaRequire} from 'node:module'; const require = __mfaRequire(import.meta.url);"},
  legalComments: 'none',
  logLevel: 'warning',
})
