/**
 * The real PowerShell (pwsh 7) for tests. It is found on PATH, or where `dotnet tool install
 * --global PowerShell` puts it: ~/.dotnet/tools/pwsh of the user running the tests (os.homedir(),
 * not the temporary HOME a test world gives the CLI). That pwsh is a small launcher that starts
 * `dotnet pwsh.dll`, so `dotnet` must be on the PATH the test hands to pwsh; a temporary HOME is
 * fine (pwsh writes ~/.cache/powershell there).
 *
 * Use it with describeWith([PWSH], ...): when pwsh is missing the tests are skipped with the reason
 * in their name, and fail under CI=true.
 */
import {homedir} from 'node:os'
import {join} from 'node:path'
import {run, type RunOptions, type RunResult} from './cli.js'
import {which} from './tools.js'

/** The pwsh executable, or a name that says where it was looked for (describeWith reports it missing). */
export const PWSH: string = which('pwsh') ?? which(join(homedir(), '.dotnet', 'tools', 'pwsh')) ?? 'pwsh (on PATH or in ~/.dotnet/tools)'

/** Flags for every run: no profile, no prompts for input, no banner. */
export const PWSH_FLAGS = ['-NoProfile', '-NonInteractive', '-NoLogo']

/** pwsh sends telemetry and looks for updates over the network at start-up unless told not to. */
export const PWSH_QUIET: NodeJS.ProcessEnv = {POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', DOTNET_CLI_TELEMETRY_OPTOUT: '1'}

/**
 * Runs `script` in a fresh pwsh (-NoProfile -NonInteractive). Errors go to stderr; the exit code
 * is the script's `exit N`, or 1 when a terminating error stopped it.
 */
export function pwsh(script: string, options: RunOptions = {}): Promise<RunResult> {
  return run(PWSH, [...PWSH_FLAGS, '-Command', script], {timeoutMs: 60_000, ...options, env: {...PWSH_QUIET, ...options.env}})
}

/** A PowerShell single-quoted literal for any string (the five quote characters doubled). */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, q => q + q)}'`
}

/** The ANSI colours of pwsh's error view, taken out so that tests can read its messages. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '')
}
