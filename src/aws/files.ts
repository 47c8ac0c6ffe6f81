/**
 * Where the AWS files are and what they say about a profile. Paths honour AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE as the SDKs and the AWS CLI do.
 */
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, sep} from 'node:path'
import {MfaError} from '../cli/errors.js'
import {type IniDocument, type IniSection, parseIni, readSections} from './ini.js'

/**
 * The home directory. HOME set but empty is refused: Node would answer '' and every path would be
 * relative to the current directory (./.aws), and the AWS CLI would read /.aws; neither is the user's.
 */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || env.USERPROFILE || (env.HOME === '' ? '' : homedir())
  if (!home) {
    throw new MfaError('HOME is empty, so there is no ~/.aws to use', {
      hint: 'Set HOME to your home directory (or AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and MFA_CACHE_DIR to absolute paths).',
    })
  }
  return home
}

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  // ~\ too where \ is the separator (Windows), as the AWS CLI expands it there.
  return path === '~' || path.startsWith('~/') || path.startsWith(`~${sep}`) ? join(homeDir(env), path.slice(1)) : path
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return expandHome(env.AWS_CONFIG_FILE || join(homeDir(env), '.aws', 'config'), env)
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join(homeDir(env), '.aws', 'credentials'), env)
}

/** A path as users know it: ~ for the home directory. */
export function displayPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || env.USERPROFILE || (env.HOME === undefined ? homedir() : '')
  return home && path.startsWith(home + sep) ? '~' + path.slice(home.length) : path
}

export interface LoadedFile {
  path: string
  /** The raw text, '' when the file does not exist. */
  content: string
  exists: boolean
  doc: IniDocument
  sections: Map<string, IniSection>
}

export function loadIniFile(path: string, env: NodeJS.ProcessEnv = process.env): LoadedFile {
  let content = ''
  let exists = true
  try {
    content = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') exists = false
    else if (code === 'EISDIR') throw new MfaError(`${displayPath(path, env)} is a directory, not a file`)
    else if (code === 'EACCES') {
      throw new MfaError(`cannot read ${displayPath(path, env)}: permission denied`, {
        hint: `Make it readable by you: chmod 600 ${displayPath(path, env)}`,
      })
    } else throw error
  }
  const doc = parseIni(content, displayPath(path, env))
  return {path, content, exists, doc, sections: readSections(doc)}
}

export interface AwsFiles {
  config: LoadedFile
  credentials: LoadedFile
}

export function loadAwsFiles(env: NodeJS.ProcessEnv = process.env): AwsFiles {
  return {config: loadIniFile(configPath(env), env), credentials: loadIniFile(credentialsPath(env), env)}
}

/** The config file's section for a profile: [default] or [profile NAME]. */
export function configSectionName(profile: string): string {
  return profile === 'default' ? 'default' : `profile ${profile}`
}

/**
 * A profile's settings: the config file's [profile NAME] (or [default]) merged with the
 * credentials file's [NAME], where the credentials file wins, as in the SDKs.
 * undefined when neither file has the profile.
 */
export function profileSettings(files: AwsFiles, profile: string): IniSection | undefined {
  const fromConfig =
    files.config.sections.get(configSectionName(profile)) ??
    (profile === 'default' ? files.config.sections.get('profile default') : undefined)
  const fromCredentials = files.credentials.sections.get(profile)
  if (!fromConfig && !fromCredentials) return undefined
  return {...fromConfig, ...fromCredentials}
}

/** Every profile name either file knows. */
export function profileNames(files: AwsFiles): string[] {
  const names = new Set<string>()
  for (const section of files.config.sections.keys()) {
    if (section === 'default') names.add('default')
    else if (section.startsWith('profile ')) names.add(section.slice('profile '.length).trim())
  }
  for (const section of files.credentials.sections.keys()) names.add(section)
  return [...names].sort()
}
