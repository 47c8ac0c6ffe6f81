import {type AwsFiles, loadAwsFiles, profileNames} from '../aws/files.js'
import {writeOut} from '../cli/output.js'
import {writtenSessionProfiles} from '../session/session-profile.js'

/**
 * The profiles a user passes to --profile: every profile of the config and credentials files but
 * the session profiles mfa writes itself ([mfa], [<profile>-mfa]), which hold no long-term keys.
 */
export function completionProfiles(files: AwsFiles): string[] {
  const written = writtenSessionProfiles(files)
  return profileNames(files).filter(name => !written.has(name))
}

/**
 * `mfa __complete-profiles`: the profile names, one a line, for the shells' completion. It runs on
 * every Tab, so it is on the fast path, and it never fails: unreadable files give no names.
 */
export function completeProfilesAction(env: NodeJS.ProcessEnv = process.env): void {
  let names: string[] = []
  try {
    names = completionProfiles(loadAwsFiles(env))
  } catch {
    // Completion must not print errors into the user's command line.
  }
  if (names.length > 0) writeOut(names.join('\n') + '\n')
}
