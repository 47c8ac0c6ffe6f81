/**
 * PowerShell (Windows PowerShell 5.1 and pwsh 7):
 *
 *   $env:NAME = 'value'
 *   $env:NAME = $null
 *
 * $null takes NAME out of the environment (and is no error when it is not there). Not Remove-Item:
 * a cmdlet of a module makes pwsh import that module at its first use, 70 ms or more.
 *
 * In a single-quoted string nothing is special but the quote, and PowerShell's tokenizer takes
 * five characters as that quote: ' and the typographic ‘ ’ ‚ ‛ (U+2018, U+2019, U+201A, U+201B).
 * Each is doubled (a pair of the same quote character stands for one).
 *
 * CR and LF are written outside the quotes, as "`r" and "`n" joined with +, so that every
 * statement is one line: PowerShell reads a program's output line by line (splitting at CR, LF
 * and CRLF), so `mfa env | Invoke-Expression` runs each line on its own and `| Out-String`
 * rejoins them with the platform's newline: a raw line break in a value would not survive either.
 */
import {renderLines, type InitShell} from './common.js'

const QUOTES = /['\u2018\u2019\u201A\u201B]/g

export function quotePowerShell(value: string): string {
  if (value === '') return "''"
  const parts = value.split(/(\r|\n)/).filter(part => part !== '')
  return parts
    .map(part => (part === '\r' ? '"`r"' : part === '\n' ? '"`n"' : `'${part.replace(QUOTES, q => q + q)}'`))
    .join(' + ')
}

/**
 * The cached copy (init.ps1, which the line in $PROFILE sources) without its comment lines: a new
 * pwsh pays for every byte of it before the first prompt, the .NET tool's pwsh about a millisecond
 * a kilobyte (bench/results/2026-12-01-pwsh-line.md), and a quarter of those bytes are
 * comments. Its commented source is shell/mfa.cached.ps1, mfa.ps1 and mfa.completion.ps1. A line
 * whose first non-blank character is # is a comment there: those scripts hold no block comment
 * (<# #>), no double-quoted here-string, and no here-string but the code texts of functions
 * (test/unit/shells/index.test.ts checks them).
 */
export function withoutCommentLines(script: string): string {
  const kept = script.split('\n').filter(line => !/^[ \t]*#/.test(line))
  return ['# mfa\'s integration for PowerShell, cached by `mfa init`; comments are in shell/ of mfa\'s package.', ...kept].join('\n')
}

export const powershell: InitShell = {
  name: 'powershell',
  initScript: 'mfa.ps1',
  cachedScript: 'mfa.cached.ps1',
  compactCached: withoutCommentLines,
  // No regex nor cmdlet before the cached file loads: each costs pwsh milliseconds on a cold start.
  rcLine: `try { . "$(if ($env:XDG_CACHE_HOME) { $env:XDG_CACHE_HOME } else { "$HOME/.cache" })/mfa/init.ps1" } catch { mfa init powershell | Out-String | Invoke-Expression }`,
  rcFile: '$PROFILE',
  completionScript: 'mfa.completion.ps1',
  quote: quotePowerShell,
  render: changes =>
    renderLines(changes, (name, value) =>
      value === null
        ? `$env:${name} = $null`
        : `$env:${name} = ${quotePowerShell(value)}`,
    ),
}
