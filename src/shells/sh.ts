/**
 * POSIX sh (dash, ash, ksh, mksh): the rule bash and zsh share.
 *
 *   export NAME='value'   with each ' written as '\''  (close the quote, a backslashed quote, reopen)
 *   unset -v NAME         -v: never a function of that name; succeeds when NAME is not set
 *
 * Between single quotes no character is special in any POSIX shell, nor in bash or zsh (not `$`,
 * backquote, `\`, `!`, `%`, newline), so the only character to handle is the quote itself; the
 * same bytes come out whatever the locale. shell-quote's quote() is not used for values: its
 * output switches by content between bare backslashes, double quotes and single quotes, so its
 * safety rests on the rules of all three (what `\` escapes inside "...", history `!`); it does
 * round-trip in our tests, but this one rule is inert by construction. It still fits where a
 * person copies a command: quoteForHint in ./index.ts.
 */
import type {EnvChanges, Shell} from './types.js'
import {renderLines} from './common.js'

/** One single-quoted word, read back by sh, bash and zsh as exactly `value`. */
export function quotePosix(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

export function renderPosix(changes: EnvChanges): string {
  return renderLines(changes, (name, value) => (value === null ? `unset -v ${name}` : `export ${name}=${quotePosix(value)}`))
}

/** No integration script: `mfa init` supports bash, zsh, fish and powershell. */
export const sh: Shell = {name: 'sh', render: renderPosix}
