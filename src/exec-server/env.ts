/**
 * The child's environment under the exec server: the endpoint and its token instead of the keys.
 * Keys in the environment would win in every SDK's provider chain and never be refreshed; so would
 * keys of the SDK's default profile, which comes before the container provider in the chains of
 * botocore and the JavaScript SDK: when the default profile has credentials of its own, the child's
 * AWS_PROFILE names a profile without any (mfa writes it once to the config file).
 */
import {configPath, type AwsFiles, configSectionName, loadAwsFiles, profileSettings} from '../aws/files.js'
import {type CachedSession, cacheDir, readCache, sessionCacheFile} from '../session/cache.js'
import {editIniFile} from '../session/session-profile.js'
import {sessionChanges} from '../session/environment.js'
import {setSection} from '../aws/ini.js'
import type {SessionResult} from '../session/ensure.js'
import type {EnvChanges} from '../shells/types.js'

/** The config profile without credentials that the child's SDKs use when the default profile has some. */
export const NO_CREDENTIALS_PROFILE = 'mfa-exec-server'
const PURPOSE_KEY = 'mfa_purpose'
const PURPOSE = 'no credentials: mfa exec --server points AWS_PROFILE here'

/** Settings through which an SDK's shared-files provider finds credentials of its own. */
const CREDENTIAL_SETTINGS = ['aws_access_key_id', 'credential_process', 'role_arn', 'sso_session', 'sso_start_url', 'web_identity_token_file']

export const CONTAINER_VARS = {
  uri: 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  token: 'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  /** Both win over the two above in some SDKs: a parent's must not leak in. */
  relative: 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  tokenFile: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
} as const

const KEY_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const

/** True when the SDK's default profile has credentials that would come before the endpoint. */
export function defaultProfileShadows(files: AwsFiles): boolean {
  const settings = profileSettings(files, 'default')
  return Boolean(settings && CREDENTIAL_SETTINGS.some(key => settings[key]))
}

async function ensureNoCredentialsProfile(env: NodeJS.ProcessEnv): Promise<void> {
  await editIniFile(env, configPath(env), file => {
    const section = configSectionName(NO_CREDENTIALS_PROFILE)
    const existing = file.sections.get(section)
    if (existing && (existing[PURPOSE_KEY] === PURPOSE || !CREDENTIAL_SETTINGS.some(key => existing[key]))) return {result: undefined}
    return {content: setSection(file.doc, section, {[PURPOSE_KEY]: PURPOSE}), result: undefined}
  })
}

/**
 * When a code will next be needed: the end of the MFA session behind a role (the server renews the
 * role by itself until then), or of the session itself. For prompts and starship's countdown.
 */
function codeNeededAt(result: SessionResult, env: NodeJS.ProcessEnv): CachedSession {
  if (result.resolved.roles.length === 0) return result.session
  const {keys, mfaSerial} = result.resolved
  return readCache(sessionCacheFile(cacheDir(env), keys.accessKeyId, mfaSerial)).session ?? result.session
}

export async function serverChanges(result: SessionResult, server: {url: string; token: string}, env: NodeJS.ProcessEnv): Promise<EnvChanges> {
  const shadowed = defaultProfileShadows(loadAwsFiles(env))
  if (shadowed) await ensureNoCredentialsProfile(env)
  const changes = sessionChanges(codeNeededAt(result, env), result.resolved.name, result.resolved.region, env)
  return [
    ...changes.filter(([name]) => !(KEY_VARS as readonly string[]).includes(name)),
    ...KEY_VARS.map(name => [name, null] as const),
    [CONTAINER_VARS.relative, null],
    [CONTAINER_VARS.tokenFile, null],
    [CONTAINER_VARS.uri, server.url],
    [CONTAINER_VARS.token, server.token],
    ...(shadowed ? ([['AWS_PROFILE', NO_CREDENTIALS_PROFILE]] as const) : []),
  ]
}
