#!/usr/bin/env node
'use strict'
// mfa's entry point. It is CommonJS (bin/package.json) so that the hot commands start from the
// dist/fast.cjs bundle without Node's ES module loader; everything else goes on to oclif (src/fast.ts).
require('../dist/fast.cjs').main(process.argv.slice(2))
