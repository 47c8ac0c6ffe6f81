import {parseArgv, type FlagSpec} from './argv.js'
import {MfaError, EXIT} from './errors.js'

type FlagDefinitions = Record<string, {char?: string; type: string; options?: readonly string[]; allowNo?: boolean; multiple?: boolean}>

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
  flags: Record<string, string | boolean>
  /** The command and its arguments, byte for byte and in order; empty for "start $SHELL". */
  command: string[]
}

/**
 * Splits `exec`'s own words: mfa's flags up to `--` or the first word that is not a flag, then the
 * command line, byte for byte and in order. Undefined when the flags cannot be read.
 */
export function splitCommandLine(argv: readonly string[], definitions: FlagDefinitions): CommandLine | undefined {
  const parsed = parseArgv(argv, flagSpecs(definitions), {commandLine: true})
  if (!parsed) return undefined
  const command = parsed.rest ?? []
  const cut = argv.length - command.length
  const own = argv.slice(0, parsed.rest !== undefined && cut > 0 && argv[cut - 1] === '--' ? cut - 1 : cut)
  return {own, flags: parsed.flags, command}
}

/** splitCommandLine, or a usage error. */
export function commandLine(argv: readonly string[], definitions: FlagDefinitions): CommandLine {
  const split = splitCommandLine(argv, definitions)
  if (!split) throw unreadableFlags()
  return split
}

export function unreadableFlags(): MfaError {
  return new MfaError('cannot read the flags before the command', {
    hint: 'Put mfa\'s flags first and the command after --: mfa exec --profile work -- aws s3 ls',
    exitCode: EXIT.usage,
  })
}
