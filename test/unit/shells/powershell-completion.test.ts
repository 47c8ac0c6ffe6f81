import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {manifestCommands, powershellCompletionTables} from '../../../src/shells/powershell-completion.js'

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..')

describe("PowerShell completion tables of mfa's own manifests", () => {
  // The tables are made in each test, not when the file loads: what runs outside a test counts for
  // no test in a mutation run.
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {hidden?: boolean; flags: Record<string, {hidden?: boolean; char?: string}>}>}

  test("every visible command of mfa's manifest has its flags, and no hidden flag or command is offered", () => {
    const rows = powershellCompletionTables(ROOT).split('\n')
    for (const [id, command] of Object.entries(manifest.commands)) {
      const row = rows.find(line => line.startsWith(`    '${id}' = [ordered]@{ `))
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
    const tables = powershellCompletionTables(ROOT)
    expect(tables).toContain(`    'autocomplete' = [ordered]@{ '--refresh-cache' = 0; '-r' = 0; '--help' = 0 }`)
    expect(tables).toContain(`    'clear' = [ordered]@{ '--profile' = 1; '-p' = 1; '--help' = 0 }`)
    expect(tables).toMatch(/ {4}'use' = \[ordered\]@\{ '--profile' = 1; .*'--serial-number' = 1; '--help' = 0 \}/)
    expect(tables).not.toMatch(/'use' = .*--shell/)
  })

  test('a topic lists its subcommands; the values of --shell and init are their options', () => {
    const tables = powershellCompletionTables(ROOT)
    expect(tables).toMatch(/'keys' = \[ordered\]@\{\n(?: {8}'(?:add|export|import|list|remove|rotate)' = '.+'\n){6} {4}\}/)
    expect(tables).toContain(`    '--shell' = @('bash', 'zsh', 'fish', 'powershell', 'sh', 'json')`)
    expect(tables).toContain(`    'init' = @('bash', 'zsh', 'fish', 'powershell')`)
  })
})

describe('tables from a package of our own', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mfa-ps-tables-'))
  })
  afterEach(() => rmSync(root, {recursive: true, force: true}))
  const write = (path: string, content: unknown) => {
    mkdirSync(join(root, path, '..'), {recursive: true})
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content))
  }
  /** A plugin resolved from root's node_modules, its manifest in its package folder above its main file. */
  const plugin = (name: string, manifest?: unknown) => {
    write(`node_modules/${name}/package.json`, {name, main: 'lib/index.js'})
    write(`node_modules/${name}/lib/index.js`, '')
    if (manifest) write(`node_modules/${name}/oclif.manifest.json`, manifest)
  }

  test('every table, exactly: tips, topics (none: no text; a command of the same name has its own), hidden flags and commands, switches, values, use and clear', () => {
    write('package.json', {name: 'fixture', oclif: {plugins: ['plug', 'absent'], topics: {keys: {description: 'Manage keys: add, list.'}, box: {description: 'Boxes.'}, other: {description: 'Other things, e.g. these.'}}}})
    plugin('plug', {commands: {help: {summary: 'Help for <%= config.bin %>.'}, env: {summary: 'overridden'}}})
    write('oclif.manifest.json', {
      commands: {
        env: {
          summary: 'Print the session as <%=config.bin%> statements.',
          flags: {
            profile: {char: 'p', type: 'option'},
            shell: {type: 'option', options: ['bash', 'fish']},
            unset: {type: 'boolean'},
            color: {type: 'boolean', allowNo: true},
            secret: {type: 'option', hidden: true, char: 's', options: ['x']},
          },
        },
        init: {description: 'First line.\nSecond line.', args: {shell: {options: ['bash', 'zsh']}}, flags: {mode: {char: 'm', type: 'option', options: ['a', "it's"]}}},
        'keys:add': {summary: 'Add keys (e.g. from a CSV).'},
        'keys:list': {},
        box: {summary: 'Open a box.'},
        'box:open:wide': {summary: 'Open wide'},
        'other:sub': {summary: 'x', args: {a: {options: ['o']}}},
        'misc:x': {summary: 'y'},
        gone: {hidden: true, summary: 'Hidden.', flags: {gone: {type: 'option', options: ['y']}}},
      },
    })
    expect(powershellCompletionTables(root)).toBe(`# Made by \`mfa init powershell\` from the manifests of mfa and its plugins.
# A command is named keys, so read this table's names with .get_Keys(): .Keys would give its value.
$global:__mfa_complete_commands = [ordered]@{
    'help' = 'Help for mfa'
    'env' = 'Print the session as mfa statements'
    'init' = 'First line'
    'keys' = 'Manage keys'
    'box' = 'Open a box'
    'other' = 'Other things, e.g. these'
    'misc' = ''
    'use' = 'Put a session into this shell'
    'clear' = 'Take the session out of this shell'
}
$global:__mfa_complete_subcommands = @{
    'keys' = [ordered]@{
        'add' = 'Add keys (e.g. from a CSV)'
        'list' = ''
    }
    'box' = [ordered]@{
        'open wide' = 'Open wide'
    }
    'other' = [ordered]@{
        'sub' = 'x'
    }
    'misc' = [ordered]@{
        'x' = 'y'
    }
}
$global:__mfa_complete_flags = @{
    'help' = [ordered]@{ '--help' = 0 }
    'env' = [ordered]@{ '--profile' = 1; '-p' = 1; '--shell' = 1; '--unset' = 0; '--color' = 0; '--no-color' = 0; '--help' = 0 }
    'init' = [ordered]@{ '--mode' = 1; '-m' = 1; '--help' = 0 }
    'keys:add' = [ordered]@{ '--help' = 0 }
    'keys:list' = [ordered]@{ '--help' = 0 }
    'box' = [ordered]@{ '--help' = 0 }
    'box:open:wide' = [ordered]@{ '--help' = 0 }
    'other:sub' = [ordered]@{ '--help' = 0 }
    'misc:x' = [ordered]@{ '--help' = 0 }
    'use' = [ordered]@{ '--profile' = 1; '-p' = 1; '--color' = 0; '--no-color' = 0; '--help' = 0 }
    'clear' = [ordered]@{ '--profile' = 1; '-p' = 1; '--help' = 0 }
}
$global:__mfa_complete_values = @{
    '--shell' = @('bash', 'fish')
    '--mode' = @('a', 'it''s')
    '-m' = @('a', 'it''s')
    'init' = @('bash', 'zsh')
}`)
  })

  test('the topics of package.json come back with the commands', () => {
    write('package.json', {name: 'fixture', oclif: {topics: {keys: {description: 'Keys.'}}}})
    write('oclif.manifest.json', {commands: {status: {}}})
    expect(manifestCommands(root)).toEqual({commands: {status: {}}, topics: {keys: {description: 'Keys.'}}})
  })

  test('no package.json: only the commands of the manifest; no manifest either: none, and use and clear without flags', () => {
    write('oclif.manifest.json', {commands: {status: {summary: 'S'}}})
    expect(manifestCommands(root)).toEqual({commands: {status: {summary: 'S'}}, topics: {}})
    rmSync(join(root, 'oclif.manifest.json'))
    expect(manifestCommands(root)).toEqual({commands: {}, topics: {}})
    expect(powershellCompletionTables(root)).toContain(`$global:__mfa_complete_flags = @{
    'use' = [ordered]@{ '--help' = 0 }
    'clear' = [ordered]@{ '--help' = 0 }
}`)
  })

  test('a package.json without oclif settings, or a broken one: no plugins, no topics', () => {
    write('package.json', {name: 'fixture'})
    write('oclif.manifest.json', {commands: {status: {}}})
    expect(manifestCommands(root)).toEqual({commands: {status: {}}, topics: {}})
    write('package.json', '{not json')
    expect(manifestCommands(root)).toEqual({commands: {status: {}}, topics: {}})
  })

  test("plugins are found from the package's own folder; one without a manifest, or not installed, adds nothing", () => {
    write('package.json', {name: 'fixture', oclif: {plugins: ['absent', 'bare', 'plug']}})
    plugin('bare')
    plugin('plug', {commands: {autocomplete: {summary: 'A'}}})
    expect(manifestCommands(root)).toEqual({commands: {autocomplete: {summary: 'A'}}, topics: {}})
  })
})
