import {parseArgv, type FlagSpec} from './argv.js'
import {MfaError, EXIT} from './errors.js'
import type {SessionFlagValues} from './cli.js'

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

/**
 * Splits `exec`'s own words: mfa's flags up to `--` or the first word that is not a flag, then the
 * command line, byte for byte and in order.
 */
export function commandLine(argv: readonly string[], definitions: FlagDefinitions): {flags: SessionFlagValues & {debug?: boolean}; command: string[]} {
  const parsed = parseArgv(argv, flagSpecs(definitions), {commandLine: true})
  if (!parsed) {
    throw new MfaError('cannot read the flags before the command', {
      hint: 'Put mfa\'s flags first and the command after --: mfa exec --profile work -- aws s3 ls',
      exitCode: EXIT.usage,
    })
  }
  return {flags: parsed.flags as SessionFlagValues, command: parsed.rest ?? []}
}
