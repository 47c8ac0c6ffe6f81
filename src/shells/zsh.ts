/**
 * zsh: POSIX single quotes (see ./sh.ts). They also hold with RC_QUOTES set (where '' inside
 * quotes is a quote): the rule never puts two quotes side by side inside a quoted string.
 * The integration script is shell/mfa.zsh.
 */
import type {InitShell} from './common.js'
import {quotePosix, renderPosix} from './sh.js'

export const zsh: InitShell = {name: 'zsh', render: renderPosix, quote: quotePosix, initScript: 'mfa.zsh', completionScript: 'mfa.completion.zsh'}
