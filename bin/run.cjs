#!/usr/bin/env node
'use strict'
// mfa's entry point. It is CommonJS (.cjs) so that the hot commands start from the dist/fast.cjs bundle
// without Node's ES module loader, compiled from V8's code cache of the command when there is one:
// dist/startup/start.cjs does that (src/startup/start.ts); everything else goes on to oclif (src/fast.ts).
if (!process.getBuiltinModule) {
  // mfa loads Node's modules with it (here, and src/startup/builtins.ts).
  process.stderr.write(`mfa: Node.js ${process.version} is too old; install Node.js 20.16, 22.3 or later\n`)
  process.exit(1)
}
// The require of start.cjs and of the bundle it loads. Node's own modules come from
// process.getBuiltinModule, which spares every start the module loader's code for them; packages
// (oclif, the AWS SDK, execa) from this file's require, which finds them as the bundle's own would:
// bin/ and dist/ are siblings.
const load = id => (id.startsWith('node:') ? process.getBuiltinModule(id) : require(id))
// start.cjs is compiled and run as require() would, but not by it: Node's resolution of a second
// module (stat, realpath, package scope) costs each start more than compiling it (bench/results/).
const {join} = process.getBuiltinModule('node:path')
const dir = join(__dirname, '..', 'dist', 'startup')
const file = join(dir, 'start.cjs')
const source = process.getBuiltinModule('node:fs').readFileSync(file, 'utf8')
const {Script} = process.getBuiltinModule('node:vm')
new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {filename: file}).runInThisContext()({}, load, {exports: {}}, file, dir)
