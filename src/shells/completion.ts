/**
 * Completion for `mfa init`: the shell's completion script from shell/ (see each shell module's
 * completionScript), printed after the integration script, so that the one install line also
 * completes commands, flags and profile names.
 */
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {MfaError} from '../cli/errors.js'
import type {InitShell} from './common.js'
import {getShell} from './index.js'
import {powershellCompletionTables, TABLES_PLACEHOLDER} from './powershell-completion.js'
import type {ShellName} from './types.js'

/** The completion script for a shell, '' when it has none. */
export function renderCompletion(shell: ShellName, shellDir: string): string {
  const file = (getShell(shell) as Partial<InitShell>).completionScript
  if (!file) return ''
  const path = join(shellDir, file)
  let script: string
  try {
    script = readFileSync(path, 'utf8')
  } catch (error) {
    throw new MfaError(`cannot read the ${shell} completion script ${path}`, {cause: error})
  }
  // PowerShell's tables of commands and flags come from the manifests beside shell/ (the package's root).
  if (shell === 'powershell') script = script.split(TABLES_PLACEHOLDER).join(powershellCompletionTables(dirname(shellDir)))
  return script
}
