/**
 * One data shape feeds every shell: an ordered list of variables, where null means "unset".
 * Each shell module owns its quoting and its init script.
 */
export type EnvChanges = ReadonlyArray<readonly [name: string, value: string | null]>

/** Every shell mfa speaks: `mfa env --shell`'s choices. */
export const SHELL_NAMES = ['bash', 'zsh', 'fish', 'powershell', 'sh', 'json'] as const

export type ShellName = (typeof SHELL_NAMES)[number]

export interface Shell {
  readonly name: ShellName
  /** Statements that apply the changes in this shell; ends with a newline. */
  render(changes: EnvChanges): string
  /** File in shell/ that holds the integration script, if this shell has one. */
  readonly initScript?: string
}
