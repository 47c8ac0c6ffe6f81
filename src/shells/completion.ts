/**
 * Completion for `mfa init`: the shell's completion script from shell/ (see each shell module's
 * completionScript), printed after the integration script, so that the one install line also
 * completes commands, flags and profile names.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {MfaError} from '../cli/errors.js'
import type {InitShell} from './common.js'
import {getShell} from './index.js'
import type {ShellName} from './types.js'

/** The completion script for a shell, '' when it has none. */
export function renderCompletion(shell: ShellName, shellDir: string): string {
  const file = (getShell(shell) as Partial<InitShell>).completionScript
  if (!file) return ''
  const path = join(shellDir, file)
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new MfaError(`cannot read the ${shell} completion script ${path}`, {cause: error})
  }
}
