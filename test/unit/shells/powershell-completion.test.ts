import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {manifestCommands, powershellCompletionTables} from '../../../src/shells/powershell-completion.js'

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..')

describe('PowerShell completion tables', () => {
  const tables = powershellCompletionTables(ROOT)
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {hidden?: boolean; flags: Record<string, {hidden?: boolean; char?: string}>}>}

  test("every visible command of mfa's manifest has its flags, and no hidden flag or command is offered", () => {
    for (const [id, command] of Object.entries(manifest.commands)) {
      const row = tables.split('\n').find(line => line.startsWith(`    '${id}' = [ordered]@{ `))
      if (command.hidden) {
        expect([id, row]).toEqual([id, undefined])
        continue
      }
      for (const [name, flag] of Object.entries(command.flags)) {
        expect([id, name, row?.includes(`'--${name}' =`)]).toEqual([id, name, !flag.hidden])
        if (flag.char && !flag.hidden) expect(row).toContain(`'-${flag.char}' =`)
      }
    }
  })

  test("the plugins' commands come from their manifests, and the shell function's use and clear from env's flags", () => {
    expect(Object.keys(manifestCommands(ROOT).commands)).toEqual(expect.arrayContaining(['help', 'autocomplete']))
    expect(tables).toContain(`    'autocomplete' = [ordered]@{ '--refresh-cache' = 0; '-r' = 0; '--help' = 0 }`)
    expect(tables).toContain(`    'clear' = [ordered]@{ '--profile' = 1; '-p' = 1; '--help' = 0 }`)
    expect(tables).toMatch(/ {4}'use' = \[ordered\]@\{ '--profile' = 1; .*'--serial-number' = 1; '--help' = 0 \}/)
    expect(tables).not.toMatch(/'use' = .*--shell/)
  })

  test('a topic lists its subcommands; the values of --shell and init are their options', () => {
    expect(tables).toMatch(/'keys' = \[ordered\]@\{\n(?: {8}'(?:add|export|import|list|remove|rotate)' = '.+'\n){6} {4}\}/)
    expect(tables).toContain(`    '--shell' = @('bash', 'zsh', 'fish', 'powershell', 'sh', 'json')`)
    expect(tables).toContain(`    'init' = @('bash', 'zsh', 'fish', 'powershell')`)
  })
})
