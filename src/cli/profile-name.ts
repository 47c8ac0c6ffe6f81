/**
 * The one rule for a profile name given on the command line (--profile/-p, on every command, on
 * oclif's path and on the fast path in src/fast.ts). A name that starts with "-" is a flag that
 * lost its value (`-p -t 123456`), and no tool can name such a profile on its command line (the
 * AWS CLI reads `--profile -x` as a missing value too); an empty name is no profile.
 */
import {EXIT, MfaError} from './errors.js'
import {keepName} from './redact.js'

const HINT = 'Give the name of a profile after --profile (-p NAME); a word that starts with "-" is read as a flag.'

export function checkProfileName(name: string): string {
  if (name === '') {
    throw new MfaError('--profile is empty', {hint: HINT, exitCode: EXIT.usage})
  }
  if (name.startsWith('-')) {
    throw new MfaError(`--profile "${name}" is not a profile name: a name cannot start with "-"`, {hint: HINT, exitCode: EXIT.usage})
  }
  keepName(name)
  return name
}
