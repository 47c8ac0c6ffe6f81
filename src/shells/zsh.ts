/**
 * zsh: POSIX single quotes (see ./sh.ts). They also hold with RC_QUOTES set (where '' inside
 * quotes is a quote): the rule never puts two quotes side by side inside a quoted string.
 * The integration script is shell/mfa.zsh.
 */
import type {InitShell} from './common.js'
import {quotePosix, renderPosix} from './sh.js'

export const zsh: InitShell = {
  name: 'zsh',
  render: renderPosix,
  quote: quotePosix,
  initScript: 'mfa.zsh',
  cachedScript: 'mfa.cached.sh',
  completionScript: 'mfa.completion.zsh',
  rcLine: 'source "${XDG_CACHE_HOME:-$HOME/.cache}/mfa/init.zsh" 2>/dev/null || eval "$(mfa init zsh)"',
  rcFile: '~/.zshrc',
}
