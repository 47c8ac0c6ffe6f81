#!/usr/bin/env node
'use strict'
// mfa's entry point. It is CommonJS (bin/package.json) so that the hot commands start from the
// dist/fast.cjs bundle without Node's ES module loader, compiled from V8's code cache of the command
// when there is one (src/startup/code-cache.ts); everything else goes on to oclif (src/fast.ts).
if (!process.getBuiltinModule) {
  // mfa loads the builtins only some runs need with it (src/startup/builtins.ts).
  process.stderr.write(`mfa: Node.js ${process.version} is too old; install Node.js 20.16, 22.3 or later\n`)
  process.exit(1)
}
const argv = process.argv.slice(2)
const {loadBundle} = require('../dist/startup/code-cache.cjs')
// This require finds what the bundle's would (dist/ is beside bin/), without loading node:module.
loadBundle(require('node:path').join(__dirname, '..', 'dist', 'fast.cjs'), {variant: argv[0], require}).main(argv)
