/**
 * What bin/run.cjs runs: the hot commands' bundle dist/fast.cjs, from V8's code cache of the command
 * (./code-cache.ts), then its main with the command line.
 *
 * Built by scripts/bundle.js into dist/startup/start.cjs, one CommonJS file with the loader in it and
 * nothing exported, and run by bin/run.cjs with CommonJS's arguments: its require, which the bundle
 * gets too, and __dirname, dist/startup/.
 */
import {join} from 'node:path'
import {loadBundle} from './code-cache.js'

const argv = process.argv.slice(2)
loadBundle<{main(argv: string[]): Promise<void>}>(join(__dirname, '..', 'fast.cjs'), {variant: argv[0], require}).main(argv)
