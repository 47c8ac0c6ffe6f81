/**
 * The completion script `mfa init` prints after the integration (src/shells/completion.ts): read from
 * shell/, and for PowerShell with its tables of commands put in place of the placeholder line.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {MfaError} from '../../../src/cli/errors.js'
import {renderCompletion} from '../../../src/shells/completion.js'
import {TABLES_PLACEHOLDER} from '../../../src/shells/powershell-completion.js'

let root: string
let dir: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mfa-completion-'))
  dir = join(root, 'shell')
  mkdirSync(dir)
})
afterEach(() => rmSync(root, {recursive: true, force: true}))

test("the shell's completion script as it is; none for sh and json", () => {
  writeFileSync(join(dir, 'mfa.completion.fish'), 'complete -c mfa\n')
  expect(renderCompletion('fish', dir)).toBe('complete -c mfa\n')
  expect(renderCompletion('sh', dir)).toBe('')
  expect(renderCompletion('json', dir)).toBe('')
})

test('a missing script is an error naming it, with the reason as its cause', () => {
  const error = (() => {
    try {
      renderCompletion('bash', dir)
    } catch (e) {
      return e as MfaError
    }
  })()
  expect(error).toBeInstanceOf(MfaError)
  expect(error?.message).toBe(`cannot read the bash completion script ${join(dir, 'mfa.completion.bash')}`)
  expect(error?.cause).toMatchObject({code: 'ENOENT'})
})

test("PowerShell's placeholder becomes the tables made from the manifests beside shell/; other shells' scripts are left as they are", () => {
  writeFileSync(join(root, 'package.json'), JSON.stringify({name: 'fixture'}))
  writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify({commands: {status: {summary: 'Show the session.'}}}))
  writeFileSync(join(dir, 'mfa.completion.ps1'), `before\n${TABLES_PLACEHOLDER}\nafter\n`)
  writeFileSync(join(dir, 'mfa.completion.bash'), `before\n${TABLES_PLACEHOLDER}\nafter\n`)
  const ps = renderCompletion('powershell', dir)
  expect(ps).not.toContain(TABLES_PLACEHOLDER)
  expect(ps).toMatch(/^before\n# Made by `mfa init powershell` from the manifests of mfa and its plugins\.\n[^]*\n {4}'status' = 'Show the session'\n[^]*\nafter\n$/)
  expect(renderCompletion('bash', dir)).toBe(`before\n${TABLES_PLACEHOLDER}\nafter\n`)
})
