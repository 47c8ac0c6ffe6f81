#!/usr/bin/env node
'use strict'
// Runs the CLI through oclif only (no fast path), in oclif's development mode: `npm run build` first.
const path = require('node:path')

require('@oclif/core').execute({development: true, dir: path.join(__dirname, '..')})
