/**
 * sourceStack: frames of a minified file with a source map next to it become places in its sources;
 * every other line stays as it was. The file and its map are made by esbuild, as scripts/bundle.js
 * makes dist/fast.cjs.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {transformSync} from 'esbuild'
import {sourceStack} from '../../../src/cli/source-stack.js'

const SOURCE = ['export function first(n: number): number {', '  return second(n) + 1', '}', 'function second(n: number): number {', "  if (n > 0) throw new Error('boom')", '  return n', '}', ''].join('\n')

let dir: string
let file: string
/** Where `throw` stands in the minified file, 1-based as a stack gives it. */
let place: {line: number; column: number}
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfa-stack-'))
  file = join(dir, 'bundle.cjs')
  const out = transformSync(SOURCE, {loader: 'ts', format: 'cjs', minify: true, sourcemap: 'external', sourcefile: '../src/demo.ts'})
  writeFileSync(file, out.code)
  writeFileSync(`${file}.map`, out.map)
  const lines = out.code.split('\n')
  const line = lines.findIndex(l => l.includes('throw'))
  place = {line: line + 1, column: lines[line].indexOf('throw') + 1}
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

test('a frame in a mapped file becomes its place in the source, without the made-up name', () => {
  const stack = `Error: boom\n    at a (${file}:${place.line}:${place.column})\n    at async ${file}:${place.line}:${place.column}`
  const where = `${join(dir, '..', 'src', 'demo.ts')}:5:14`
  expect(sourceStack(stack)).toBe(`Error: boom\n    at ${where}\n    at async ${where}`)
})

test('frames of files with no map, of Node and of other kinds stay as they are', () => {
  const other = join(dir, 'other.cjs')
  writeFileSync(other, '')
  const stack = ['Error: boom', `    at x (${other}:1:2)`, '    at mkdirSync (node:fs:1386:26)', '    at /work/bin/run.js:3:4', `    at ${file}`].join('\n')
  expect(sourceStack(stack)).toBe(stack)
})

test('a map that is not JSON leaves the frames as they are', () => {
  const broken = join(dir, 'broken.cjs')
  writeFileSync(broken, '')
  writeFileSync(`${broken}.map`, '{not json')
  const stack = `Error: boom\n    at a (${broken}:1:2)`
  expect(sourceStack(stack)).toBe(stack)
})
