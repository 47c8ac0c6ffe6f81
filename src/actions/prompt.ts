import {writeOut} from '../cli/output.js'
import {defaultProfile} from './session-options.js'
import {loadAwsFiles} from '../aws/files.js'
import {cacheDir, readCache} from '../session/cache.js'
import {resolveProfile} from '../aws/profile.js'
import {sessionFileFor} from '../session/ensure.js'
import {MARKER_EXPIRY, MARKER_PROFILE} from '../shells/variables.js'
import {isUsableExpiry, parseExpiry, renderSegment} from '../shells/segment.js'

export interface PromptFlags {
  profile?: string
  format?: string
  color?: boolean
}

/**
 * `mfa prompt`: the segment text for places that cannot source a script (a tmux status line, a
 * starship custom module). The session in the environment first; with --profile, or when the
 * environment has none, the cached session of the profile. Prints nothing when there is none.
 */
export async function promptAction(flags: PromptFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let profile = env[MARKER_PROFILE]
  let expiry = parseExpiry(env[MARKER_EXPIRY])
  const now = Math.floor(Date.now() / 1000)
  if (flags.profile || !profile || !isUsableExpiry(expiry, now)) {
    profile = flags.profile ?? defaultProfile(env)
    expiry = NaN
    try {
      const resolved = resolveProfile(loadAwsFiles(env), profile, {env})
      const {session} = readCache(sessionFileFor(resolved, cacheDir(env)))
      if (session) expiry = Math.floor(Date.parse(session.Credentials.Expiration) / 1000)
    } catch {
      // A prompt never fails: no usable profile means nothing to show.
    }
  }
  if (!Number.isFinite(expiry)) return
  // The same settings as the shell functions' segment (shell/mfa.*), with the flags before them.
  const color = flags.color ?? (Boolean(process.stdout.isTTY) && !env.NO_COLOR && env.MFA_PROMPT_COLOR !== '0')
  const format = flags.format ?? env.MFA_PROMPT_FORMAT
  const text = renderSegment({profile, expiry, now, format, color})
  if (text) writeOut(text + '\n')
}
