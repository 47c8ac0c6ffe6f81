/**
 * fish:
 *
 *   set -gx NAME 'value'   inside single quotes only \ and ' are special: \ → \\, ' → \'
 *                          (a newline, CR, tab, $, (, *, ~ are literal; fish 3 keeps a newline
 *                          inside single quotes as it is, so no need to close and reopen)
 *   unset: if set -q -g NAME; set -e -g NAME; end
 *
 * The unset must end with status 0 when NAME is not set (plain `set -e` fails with 4, and
 * `source` returns the status of its last statement, breaking `... | source; and aws ...`):
 * an `if` whose condition is false has status 0. -g everywhere: the statements are often sourced
 * inside a function (`mfa use`), where an unscoped `set` could make a local. A universal variable
 * (set -U: kept on disk, shared live by all the user's fish sessions) is left alone: erasing it
 * would change every session, and fish 3.6 still exports a universal variable that an unexported
 * global shadows, so it cannot be hidden from one session either.
 */
import {renderLines, type InitShell} from './common.js'

export function quoteFish(value: string): string {
  return `'${value.replace(/[\\']/g, c => `\\${c}`)}'`
}

export const fish: InitShell = {
  name: 'fish',
  initScript: 'mfa.fish',
  cachedScript: 'mfa.cached.fish',
  rcLine: 'source (test -n "$XDG_CACHE_HOME"; and echo $XDG_CACHE_HOME; or echo ~/.cache)/mfa/init.fish 2>/dev/null; or mfa init fish | source',
  rcFile: '~/.config/fish/config.fish',
  completionScript: 'mfa.completion.fish',
  quote: quoteFish,
  render: changes =>
    renderLines(changes, (name, value) =>
      value === null
        ? `if set -q -g ${name}; set -e -g ${name}; end`
        : `set -gx ${name} ${quoteFish(value)}`,
    ),
}
