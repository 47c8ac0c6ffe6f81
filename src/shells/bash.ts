/** bash: POSIX single quotes (see ./sh.ts); the integration script is shell/mfa.bash. */
import type {InitShell} from './common.js'
import {quotePosix, renderPosix} from './sh.js'

export const bash: InitShell = {
  name: 'bash',
  render: renderPosix,
  quote: quotePosix,
  initScript: 'mfa.bash',
  cachedScript: 'mfa.cached.sh',
  completionScript: 'mfa.completion.bash',
  rcLine: 'source "${XDG_CACHE_HOME:-$HOME/.cache}/mfa/init.bash" 2>/dev/null || eval "$(mfa init bash)"',
  rcFile: '~/.bashrc',
}
