/**
 * A small argv parser that follows oclif's rules for the flags of a command's declaration (its
 * oclif class, or its compiled form in oclif.manifest.json). The fast path (src/fast.ts) uses it to
 * run the hot commands without loading oclif, and `exec` uses it to find its command: everything
 * after `--` (or after the first word that is not a flag), untouched. Anything it does not
 * understand returns undefined, and oclif takes over.
 */
import {EXIT, MfaError} from './errors.js'

export interface FlagSpec {
  name: string
  char?: string
  type: 'boolean' | 'option'
  options?: readonly string[]
  allowNo?: boolean
  multiple?: boolean
}

export interface Parsed {
  flags: Record<string, string | boolean>
  /** Positional words before any `--`. */
  args: string[]
  /** Words after the first `--` (or after the first positional word, when the command takes a command line). */
  rest?: string[]
}

export function parseArgv(argv: readonly string[], specs: readonly FlagSpec[], options: {commandLine?: boolean; maxArgs?: number} = {}): Parsed | undefined {
  const flags: Record<string, string | boolean> = {}
  const args: string[] = []
  const state: ParseState = {
    argv,
    byName: new Map(specs.map(s => [s.name, s])),
    byChar: new Map(specs.filter(s => s.char).map(s => [s.char!, s])),
    set(spec, value) {
      if (spec.name in flags && !spec.multiple) return false
      if (typeof value === 'string' && spec.options && !spec.options.includes(value)) return false
      flags[spec.name] = value
      return true
    },
  }
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]
    if (word === '--') return {flags, args, rest: argv.slice(i + 1)}
    if (word.startsWith('-') && word.length > 1) {
      const last = word.startsWith('--') ? longFlag(state, i) : shortFlag(state, i)
      if (last === undefined) return undefined
      i = last
      continue
    }
    if (options.commandLine) return {flags, args, rest: argv.slice(i)}
    args.push(word)
    if (args.length > (options.maxArgs ?? 0)) return undefined
  }
  return {flags, args}
}

/** The words, the declared flags by name and by letter, and how a flag's value is recorded (false: not allowed). */
interface ParseState {
  argv: readonly string[]
  byName: Map<string, FlagSpec>
  byChar: Map<string, FlagSpec>
  set(spec: FlagSpec, value: string | boolean): boolean
}

/** `--name`, `--no-name`, `--name=value` or `--name value` at argv[i]: the index of its last word, or undefined when it cannot be read. */
function longFlag({argv, byName, set}: ParseState, i: number): number | undefined {
  const word = argv[i]
  const eq = word.indexOf('=')
  const name = eq === -1 ? word.slice(2) : word.slice(2, eq)
  const spec = byName.get(name)
  if (!spec && name.startsWith('no-')) {
    const negated = byName.get(name.slice(3))
    if (negated?.type === 'boolean' && negated.allowNo && eq === -1) return set(negated, false) ? i : undefined
  }
  if (!spec) return undefined
  if (spec.type === 'boolean') return eq === -1 && set(spec, true) ? i : undefined
  const inline = eq !== -1
  const value = inline ? word.slice(eq + 1) : argv[i + 1]
  if (value === undefined || (!inline && value.startsWith('-') && value !== '-' && !/^-\d/.test(value))) return undefined
  return set(spec, value) ? (inline ? i : i + 1) : undefined
}

/** `-x`, `-xVALUE` or `-x value` at argv[i]: the index of its last word, or undefined when it cannot be read. */
function shortFlag({argv, byChar, set}: ParseState, i: number): number | undefined {
  const word = argv[i]
  const spec = byChar.get(word[1])
  if (!spec) return undefined
  if (spec.type === 'boolean') return word.length === 2 && set(spec, true) ? i : undefined
  const inline = word.length > 2
  const value = inline ? word.slice(2) : argv[i + 1]
  if (value === undefined || (!inline && value.startsWith('-') && value !== '-')) return undefined
  return set(spec, value) ? (inline ? i : i + 1) : undefined
}

/** A command's flags as oclif declares them: the class's static flags and the manifest's entries both fit. */
export type FlagDefinitions = Record<string, {char?: string; type: string; options?: readonly string[]; allowNo?: boolean; multiple?: boolean}>

/** The one mapping from a flag declaration to what parseArgv reads. */
export function flagSpecs(definitions: FlagDefinitions): FlagSpec[] {
  return Object.entries(definitions).map(([name, d]) => ({
    name,
    char: d.char,
    type: d.type === 'boolean' ? 'boolean' : 'option',
    options: d.options,
    allowNo: d.allowNo,
    multiple: d.multiple,
  }))
}

export interface CommandLine {
  /** mfa's own words: the flags before the command (and before `--`, which is not included). */
  own: string[]
  /** The command and its arguments, byte for byte and in order; empty for "start $SHELL". */
  command: string[]
}

/**
 * Splits `exec`'s words: mfa's flags up to `--` or the first word that is not a flag, then the
 * command line, byte for byte and in order. Undefined when the flags cannot be read.
 */
export function splitCommandLine(argv: readonly string[], definitions: FlagDefinitions): CommandLine | undefined {
  const parsed = parseArgv(argv, flagSpecs(definitions), {commandLine: true})
  if (!parsed) return undefined
  const command = parsed.rest ?? []
  const cut = argv.length - command.length
  const own = argv.slice(0, parsed.rest !== undefined && cut > 0 && argv[cut - 1] === '--' ? cut - 1 : cut)
  return {own, command}
}

export function unreadableFlags(): MfaError {
  return new MfaError('cannot read the flags before the command', {
    hint: 'Put mfa\'s flags first and the command after --: mfa exec --profile work -- aws s3 ls',
    exitCode: EXIT.usage,
  })
}
