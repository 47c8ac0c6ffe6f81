#!/usr/bin/env node
// Runs the CLI from the compiled dist/ without the manifest cache, for development: `npm run build` first.
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url})
