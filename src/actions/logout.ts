import {say} from '../cli/output.js'
import {loadAwsFiles} from '../aws/files.js'
import {resolveProfile, sessionProfileName} from '../aws/profile.js'
import {cacheDir, listCache, removeCache} from '../session/cache.js'
import {sessionFileFor} from '../session/ensure.js'
import {removeSessionProfile, writtenSessionProfiles} from '../session/session-profile.js'
import {defaultProfile} from './session-options.js'

export type LogoutFlags = {profile?: string; all?: boolean}

/** `mfa logout`: forgets a profile's session (or every one): its cache entry and its session profile. */
export async function logoutAction(flags: LogoutFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const dir = cacheDir(env)
  if (flags.all) {
    let count = 0
    for (const entry of listCache(dir)) if (removeCache(entry.file)) count++
    const ours = writtenSessionProfiles(loadAwsFiles(env))
    for (const name of ours) if (await removeSessionProfile(env, name)) count++
    say(count ? `mfa: forgot every session (${ours.size} session profile${ours.size === 1 ? '' : 's'} removed)` : 'mfa: there was no session to forget')
    return
  }
  const name = flags.profile ?? defaultProfile(env)
  const resolved = resolveProfile(loadAwsFiles(env), name, {env})
  const removedCache = removeCache(sessionFileFor(resolved, dir))
  const removedProfile = await removeSessionProfile(env, sessionProfileName(name))
  say(removedCache || removedProfile ? `mfa: forgot the session of profile ${name}` : `mfa: profile ${name} had no session to forget`)
}
