/**
 * A stack trace as the sources have it. dist/fast.cjs is minified (a smaller file starts faster:
 * scripts/bundle.js), so a frame in it would name a made-up function at a column of one long line;
 * here each such frame becomes the place in src/ it was built from, through the bundle's source map
 * (dist/fast.cjs.map). Only --debug and MFA_DEBUG output comes here; a frame in a file with no map
 * next to it stays as it is.
 */
import {readFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import type {SourceMap} from 'node:module'
import {nodeModule} from '../startup/builtins.js'

/** `    at [async ]name (FILE.cjs:LINE:COLUMN)` or `    at [async ]FILE.cjs:LINE:COLUMN`. */
const FRAME = /^(\s+at (?:async )?)(?:.* \()?(.+\.cjs):(\d+):(\d+)\)?$/

export function sourceStack(stack: string): string {
  const maps = new Map<string, SourceMap | undefined>()
  const mapOf = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) {
      let map: SourceMap | undefined
      try {
        map = new (nodeModule().SourceMap)(JSON.parse(readFileSync(`${file}.map`, 'utf8')))
      } catch {}
      maps.set(file, map)
    }
    return maps.get(file)
  }
  return stack
    .split('\n')
    .map(line => {
      const frame = FRAME.exec(line)
      if (!frame) return line
      const [, at, file, row, column] = frame
      // The map counts lines and columns from 0, a stack from 1.
      const entry = mapOf(file)?.findEntry(Number(row) - 1, Number(column) - 1) as {originalSource?: string; originalLine?: number; originalColumn?: number} | undefined
      if (!entry?.originalSource) return line
      // The function's name in the bundle is a made-up one: the place alone.
      return `${at}${resolve(dirname(file), entry.originalSource)}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`
    })
    .join('\n')
}
