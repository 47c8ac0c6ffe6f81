/**
 * The tables that PowerShell's completer (shell/mfa.completion.ps1) reads: commands, a topic's
 * subcommands, each command's flags and the values of those that take a fixed list. They are made
 * when `mfa init powershell` runs, from the manifests oclif reads (oclif.manifest.json, the
 * plugins' manifests, the topics of package.json), so that they cannot drift from the commands.
 */
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {nodeModule} from '../startup/builtins.js'
import {quotePowerShell} from './powershell.js'

interface ManifestFlag {
  char?: string
  type?: string
  allowNo?: boolean
  hidden?: boolean
  options?: string[]
}

interface ManifestCommand {
  hidden?: boolean
  summary?: string
  description?: string
  flags?: Record<string, ManifestFlag>
  args?: Record<string, {options?: string[]}>
}

interface PackageJson {
  oclif?: {plugins?: string[]; topics?: Record<string, {description?: string}>}
}

/** The placeholder line of mfa.completion.ps1 that the tables replace. */
export const TABLES_PLACEHOLDER = '__MFA_COMPLETE_TABLES__'

/** The shell function's own commands (shell/mfa.ps1): `use` takes env's flags but --shell and --unset, `clear` the profile. */
const SHELL_COMMANDS = {
  use: {summary: 'Put a session into this shell', from: 'env', drop: ['shell', 'unset']},
  clear: {summary: 'Take the session out of this shell', from: 'env', keep: ['profile']},
} as const

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** The commands of the package at root and of its plugins (whose manifests sit in their package folders). */
export function manifestCommands(root: string): {commands: Record<string, ManifestCommand>; topics: Record<string, {description?: string}>} {
  const pkg = readJson<PackageJson>(join(root, 'package.json')) ?? {}
  const commands: Record<string, ManifestCommand> = {}
  const require = nodeModule().createRequire(join(root, 'package.json'))
  for (const plugin of pkg.oclif?.plugins ?? []) {
    let dir: string | undefined
    try {
      dir = dirname(require.resolve(plugin))
    } catch {}
    for (; dir && dirname(dir) !== dir; dir = dirname(dir)) {
      const manifest = readJson<{commands?: Record<string, ManifestCommand>}>(join(dir, 'oclif.manifest.json'))
      if (manifest) {
        Object.assign(commands, manifest.commands)
        break
      }
    }
  }
  Object.assign(commands, readJson<{commands?: Record<string, ManifestCommand>}>(join(root, 'oclif.manifest.json'))?.commands)
  return {commands, topics: pkg.oclif?.topics ?? {}}
}

const q = quotePowerShell

/** One line of text for a tooltip: the summary, else the description's first line; `<%= config.bin %>` is mfa. */
function tip(command: ManifestCommand): string {
  const text = command.summary ?? command.description?.split('\n')[0] ?? ''
  return text.replace(/<%=\s*config\.bin\s*%>/g, 'mfa').replace(/\.$/, '')
}

/** name = 1 for a flag that takes a value, 0 for a switch; --help on every command. */
function flagTable(flags: Record<string, ManifestFlag>, pick: (name: string) => boolean = () => true): string {
  const entries: string[] = []
  for (const [name, flag] of Object.entries(flags)) {
    if (flag.hidden || !pick(name)) continue
    const value = flag.type === 'option' ? 1 : 0
    entries.push(`${q(`--${name}`)} = ${value}`)
    if (flag.char) entries.push(`${q(`-${flag.char}`)} = ${value}`)
    if (flag.allowNo) entries.push(`${q(`--no-${name}`)} = 0`)
  }
  entries.push(`'--help' = 0`)
  return `[ordered]@{ ${entries.join('; ')} }`
}

/** PowerShell statements that set $global:__mfa_complete_commands, _subcommands, _flags and _values. */
export function powershellCompletionTables(root: string): string {
  const {commands, topics} = manifestCommands(root)
  const visible = Object.entries(commands).filter(([, c]) => !c.hidden)
  const top = new Map<string, string>()
  const sub = new Map<string, Map<string, string>>()
  const flags: string[] = []
  const values = new Map<string, readonly string[]>()
  for (const [id, command] of visible) {
    const [first, ...rest] = id.split(':')
    if (rest.length > 0) {
      if (!sub.has(first)) sub.set(first, new Map())
      sub.get(first)!.set(rest.join(' '), tip(command))
      if (!top.has(first)) top.set(first, (topics[first]?.description ?? '').replace(/:.*$|\.$/, ''))
    } else top.set(id, tip(command))
    flags.push(`    ${q(id)} = ${flagTable(command.flags ?? {})}`)
    for (const [name, flag] of Object.entries(command.flags ?? {})) {
      if (!flag.options || flag.hidden) continue
      values.set(`--${name}`, flag.options)
      if (flag.char) values.set(`-${flag.char}`, flag.options)
    }
    const options = Object.values(command.args ?? {})[0]?.options
    if (options && rest.length === 0) values.set(id, options)
  }
  for (const [name, shellCommand] of Object.entries(SHELL_COMMANDS)) {
    const base = commands[shellCommand.from]?.flags ?? {}
    const pick = 'keep' in shellCommand ? (f: string) => (shellCommand.keep as readonly string[]).includes(f) : (f: string) => !(shellCommand.drop as readonly string[]).includes(f)
    top.set(name, shellCommand.summary)
    flags.push(`    ${q(name)} = ${flagTable(base, pick)}`)
  }
  const ordered = (entries: Iterable<[string, string]>, indent: string) =>
    [...entries].map(([name, text]) => `${indent}${q(name)} = ${q(text)}`).join('\n')
  return [
    '# Made by `mfa init powershell` from the manifests of mfa and its plugins.',
    '# A command is named keys, so read this table\'s names with .get_Keys(): .Keys would give its value.',
    `$global:__mfa_complete_commands = [ordered]@{\n${ordered(top, '    ')}\n}`,
    `$global:__mfa_complete_subcommands = @{\n${[...sub].map(([t, s]) => `    ${q(t)} = [ordered]@{\n${ordered(s, '        ')}\n    }`).join('\n')}\n}`,
    `$global:__mfa_complete_flags = @{\n${flags.join('\n')}\n}`,
    `$global:__mfa_complete_values = @{\n${[...values].map(([k, v]) => `    ${q(k)} = @(${v.map(x => q(x)).join(', ')})`).join('\n')}\n}`,
  ].join('\n')
}
