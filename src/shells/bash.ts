/** bash: POSIX single quotes (see ./sh.ts); the integration script is shell/mfa.bash. */
import type {InitShell} from './common.js'
import {quotePosix, renderPosix} from './sh.js'

export const bash: InitShell = {name: 'bash', render: renderPosix, quote: quotePosix, initScript: 'mfa.bash', completionScript: 'mfa.completion.bash'}
