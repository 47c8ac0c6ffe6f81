/**
 * Checks shared by every shell module: what can be an environment variable at all. Each shell
 * module owns its own quoting; this file only refuses what no quoting can carry.
 */
import {MfaError} from '../cli/errors.js'
import type {EnvChanges, Shell} from './types.js'

/** A shell that has an integration script (`mfa init`): it can also quote one word for that script. */
export interface InitShell extends Shell {
  readonly initScript: string
  /**
   * File in shell/ that wraps the cached copy of the integration (`mfa init` writes it for the rc
   * line to source; the integration goes where the line __MFA_INTEGRATION__ is): it checks, without
   * starting a process, that the first mfa on PATH is still the one that wrote it (placeholders
   * __MFA_REAL__, __MFA_FOUND__, __MFA_PACKAGE_JSON__, __MFA_VERSION__), and otherwise fails so
   * that the rc line runs `mfa init` instead. PowerShell's checks at the first call of mfa, not at
   * start, and there runs the `mfa init` of the mfa it found (see shell/mfa.cached.ps1).
   */
  readonly cachedScript: string
  /** The cached copy as written, when it leaves something out of the script (see powershell.ts). */
  compactCached?(script: string): string
  /**
   * The line README recommends for the rc file: it sources the cached copy
   * (${XDG_CACHE_HOME:-~/.cache}/mfa/init.SHELL, see src/startup/user-cache.ts) and runs
   * `mfa init` only when that is missing or stands for another mfa.
   */
  readonly rcLine: string
  /** Where that line goes. */
  readonly rcFile: string
  /** File in shell/ with the completion that `mfa init` prints after the integration script, if any. */
  readonly completionScript?: string
  /** One literal word in this shell's syntax, evaluating to exactly `value`. */
  quote(value: string): string
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new MfaError(`invalid environment variable name ${JSON.stringify(name)}`, {
      hint: 'A name is letters, digits and underscores, and does not start with a digit.',
    })
  }
}

/**
 * A NUL byte cannot be stored in an environment variable (the environment is C strings), and a
 * lone UTF-16 surrogate has no UTF-8 bytes: either would be changed on the way, so refuse it.
 */
export function checkValue(name: string, value: string): void {
  if (value.includes('\0')) {
    throw new MfaError(`the value of ${name} contains a NUL byte, which an environment variable cannot hold`)
  }
  if (/[\uD800-\uDFFF]/u.test(value)) {
    throw new MfaError(`the value of ${name} is not valid Unicode (a lone surrogate), so it has no exact bytes`)
  }
}

/** Throws for the first change no shell can hold: a name that is not a variable's, a value with a NUL or a lone surrogate. */
export function checkChanges(changes: EnvChanges): void {
  for (const [name, value] of changes) {
    checkName(name)
    if (value !== null) checkValue(name, value)
  }
}

/** Validates every change, then renders each one with `line`, one statement per line. */
export function renderLines(changes: EnvChanges, line: (name: string, value: string | null) => string): string {
  checkChanges(changes)
  return changes.map(([name, value]) => line(name, value) + '\n').join('')
}
