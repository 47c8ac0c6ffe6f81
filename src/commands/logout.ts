import {Flags} from '@oclif/core'
import {BaseCommand, debugFlag, profileFlag} from '../cli/base-command.js'
import {defaultProfile} from '../actions/session-options.js'
import {loadAwsFiles} from '../aws/files.js'
import {cacheDir, listCache, removeCache} from '../session/cache.js'
import {EXPIRY_KEY, removeSessionProfile, SOURCE_KEY} from '../session/session-profile.js'
import {resolveProfile, sessionProfileName} from '../aws/profile.js'
import {sessionFileFor} from '../session/ensure.js'

export default class Logout extends BaseCommand {
  static override summary = "Forget a profile's MFA session: its cache entry and its session profile."
  static override description =
    'The long-term keys and every other profile stay as they are. Sessions already exported into a shell stay there until they expire: clear them with `mfa clear` (shell integration) or `eval "$(mfa env --unset)"`.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --profile work', '<%= config.bin %> <%= command.id %> --all']

  static override flags = {
    profile: profileFlag('AWS profile whose session to forget.', {exclusive: ['all']}),
    all: Flags.boolean({summary: 'Forget every session mfa keeps.'}),
    ...debugFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Logout)
    const env = process.env
    const dir = cacheDir(env)
    if (flags.all) {
      let count = 0
      for (const entry of listCache(dir)) if (removeCache(entry.file)) count++
      const {config, credentials} = loadAwsFiles(env)
      const ours = new Set([
        ...[...credentials.sections].filter(([name, s]) => (name === 'mfa' || name.endsWith('-mfa')) && s[EXPIRY_KEY]).map(([name]) => name),
        ...[...config.sections].filter(([, s]) => s[SOURCE_KEY] !== undefined).map(([name]) => (name === 'default' ? name : name.replace(/^profile /, ''))),
      ])
      for (const name of ours) if (await removeSessionProfile(env, name)) count++
      this.logToStderr(count ? `mfa: forgot every session (${ours.size} session profile${ours.size === 1 ? '' : 's'} removed)` : 'mfa: there was no session to forget')
      return
    }
    const name = flags.profile ?? defaultProfile(env)
    const resolved = resolveProfile(loadAwsFiles(env), name, {env})
    const removedCache = removeCache(sessionFileFor(resolved, dir))
    const removedProfile = await removeSessionProfile(env, sessionProfileName(name))
    this.logToStderr(
      removedCache || removedProfile ? `mfa: forgot the session of profile ${name}` : `mfa: profile ${name} had no session to forget`,
    )
  }
}
