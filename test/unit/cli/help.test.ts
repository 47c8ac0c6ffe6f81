/**
 * `mfa` alone and `mfa help` (src/cli/help.ts): oclif's root help, then a short "start here" with
 * the commands a new user needs, in the order they need them, their descriptions in one column.
 */
import {Config} from '@oclif/core'
import {fileURLToPath} from 'node:url'
import {join} from 'node:path'
import MfaHelp, {START_HERE} from '../../../src/cli/help.js'

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..')
let config: Config
beforeAll(async () => {
  config = await Config.load(ROOT)
})

/** The root help, and what oclif itself shows (the part that must come first, unchanged); made inside each test, so that a mutation run counts it for that test. */
function rootHelp(): {root: string; oclifRoot: string} {
  const help = new MfaHelp(config)
  return {root: help.formatRoot(), oclifRoot: Object.getPrototypeOf(MfaHelp.prototype).formatRoot.call(help)}
}

test("oclif's root help comes first, as oclif writes it, then a blank line and START HERE", () => {
  const {root, oclifRoot} = rootHelp()
  expect(oclifRoot.length).toBeGreaterThan(0)
  expect(root.startsWith(`${oclifRoot}\n\nSTART HERE\n`)).toBe(true)
})

test('each command of the list, in its order, two spaces in, its description in one column two spaces after the longest', () => {
  const {root} = rootHelp()
  const lines = root.split('\n').slice(root.split('\n').indexOf('START HERE') + 1)
  expect(lines).toHaveLength(START_HERE.length)
  const column = Math.max(...START_HERE.map(([command]) => command.length)) + 4
  for (const [i, [command, what]] of START_HERE.entries()) {
    expect(lines[i].startsWith(`  ${command} `)).toBe(true)
    expect(lines[i].indexOf(what)).toBe(column)
    expect(lines[i].endsWith(what)).toBe(true)
  }
})

test('the list starts with login and names doctor for when something is wrong', () => {
  expect(START_HERE[0][0]).toBe('mfa login')
  expect(START_HERE.map(([command]) => command)).toContain('mfa doctor')
})
