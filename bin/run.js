#!/usr/bin/env node
// The hot commands start on a fast path without loading oclif; everything else goes to oclif.
import {main} from '../dist/fast.js'

await main(process.argv.slice(2))
