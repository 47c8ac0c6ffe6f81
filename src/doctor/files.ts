/** The config and credentials files: there, private, well formed; both loaded when they can be. */
import {accessSync, constants, statSync} from 'node:fs'
import {type AwsFiles, configPath, credentialsPath, displayPath, type LoadedFile, loadIniFile} from '../aws/files.js'
import {MfaError} from '../cli/errors.js'
import {quoteForHint} from '../cli/hint.js'
import {type Finding, fromError} from './finding.js'

type FileCheck = 'config' | 'credentials'

export function checkFiles(env: NodeJS.ProcessEnv): {findings: Finding[]; files?: AwsFiles} {
  const findings: Finding[] = []
  const loaded: Partial<Record<FileCheck, LoadedFile>> = {}
  for (const [check, path] of [['config', configPath(env)], ['credentials', credentialsPath(env)]] as const) {
    const finding = fileCheck({check, path, env})
    findings.push(finding)
    try {
      const file = loadIniFile(path, env)
      // The doctor checks every line, not only the sections a command would read.
      void file.doc
      loaded[check] = file
    } catch (error) {
      // Unreadable, a directory, or not well formed: the parse error replaces a fine-looking line.
      if (finding.status === 'ok') findings.pop()
      if (finding.status === 'ok' || !(error instanceof MfaError && /directory|permission denied/.test(error.message))) findings.push(fromError(check, error))
    }
  }
  return {findings, files: loaded.config && loaded.credentials ? {config: loaded.config, credentials: loaded.credentials} : undefined}
}

/** A path as a command line takes it: ~/... when that needs no quoting, else quoted. */
function pathWord(path: string, env: NodeJS.ProcessEnv): string {
  const shown = displayPath(path, env)
  return /^[\w~./@%+=:,-]+$/.test(shown) ? shown : quoteForHint([path])
}

function fileCheck({check, path, env}: {check: FileCheck; path: string; env: NodeJS.ProcessEnv}): Finding {
  const shown = displayPath(path, env)
  let mode: number
  try {
    const stat = statSync(path)
    if (stat.isDirectory()) return {check, status: 'problem', message: `${shown} is a directory, not a file`, fix: `move it away; \`aws configure\` makes the file`}
    mode = stat.mode & 0o777
  } catch (error) {
    return missingFile({check, shown, error})
  }
  const octal = mode.toString(8).padStart(4, '0')
  try {
    accessSync(path, constants.R_OK)
  } catch {
    return {check, status: 'problem', message: `${shown} is not readable by you (${octal})`, fix: `run: chmod 600 ${pathWord(path, env)} (as its owner)`}
  }
  if (mode & 0o077) {
    const who = mode & 0o044 ? 'readable' : 'writable'
    return {check, status: 'problem', message: `${shown} is ${who} by others (${octal})`, fix: `run: chmod 600 ${pathWord(path, env)}`}
  }
  return {check, status: 'ok', message: `${shown} is readable and private (${octal})`}
}

/** A file that could not be looked at: missing (what usually is there), or another error. */
function missingFile({check, shown, error}: {check: FileCheck; shown: string; error: unknown}): Finding {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
    return {check, status: 'problem', message: `cannot look at ${shown}: ${(error as Error).message}`}
  }
  return check === 'credentials'
    ? {check, status: 'warning', message: `${shown} does not exist: it is where long-term keys usually are`, fix: 'run `aws configure` to add them'}
    : {check, status: 'warning', message: `${shown} does not exist: it is where mfa_serial and region usually are`, fix: 'add [default] with mfa_serial = arn:aws:iam::ACCOUNT:mfa/NAME'}
}
