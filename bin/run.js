#!/usr/bin/env node
'use strict'
// mfa's entry point. It is CommonJS (bin/package.json) so that the hot commands start from the
// dist/fast.cjs bundle without Node's ES module loader, compiled from V8's code cache of the command
// when there is one (src/startup/code-cache.ts); everything else goes on to oclif (src/fast.ts).
const argv = process.argv.slice(2)
const {loadBundle} = require('../dist/startup/code-cache.cjs')
loadBundle(require('node:path').join(__dirname, '..', 'dist', 'fast.cjs'), {variant: argv[0]}).main(argv)
