/**
 * The shells mfa speaks: one module each (./bash.ts, ./zsh.ts, ./sh.ts, ./fish.ts,
 * ./powershell.ts, ./json.ts). Adding a shell is adding a file and a line in SHELLS.
 */
import {readFileSync, readlinkSync} from 'node:fs'
import {extname, join} from 'node:path'
import {MfaError} from '../cli/errors.js'
import {bash} from './bash.js'
import {checkValue, type InitShell} from './common.js'
import {fish} from './fish.js'
import {json} from './json.js'
import {powershell} from './powershell.js'
import {sh} from './sh.js'
import {type Shell, SHELL_NAMES, type ShellName} from './types.js'
import {zsh} from './zsh.js'

export type {EnvChanges, Shell, ShellName} from './types.js'

const SHELLS: Record<ShellName, Shell | InitShell> = {bash, zsh, fish, powershell, sh, json}

export {SHELL_NAMES}

/** The shells `mfa init` has a script for. */
export const INIT_SHELL_NAMES: readonly ShellName[] = SHELL_NAMES.filter(name => isInitShell(SHELLS[name]))

function isInitShell(shell: Shell | InitShell): shell is InitShell {
  return typeof shell.initScript === 'string' && 'quote' in shell
}

/** The line README recommends for each shell's rc file (see InitShell.rcLine). */
export const RC_LINES = Object.fromEntries(INIT_SHELL_NAMES.map(name => [name, (SHELLS[name] as InitShell).rcLine])) as Partial<Record<ShellName, string>>

export function isShellName(name: string): name is ShellName {
  return (SHELL_NAMES as readonly string[]).includes(name)
}

export function getShell(name: string): Shell {
  if (!isShellName(name)) {
    throw new MfaError(`unknown shell ${JSON.stringify(name)}: the supported shells are ${SHELL_NAMES.join(', ')}`, {
      exitCode: 2,
    })
  }
  return SHELLS[name]
}

function initShell(shell: ShellName): InitShell {
  const target = SHELLS[shell]
  if (!target || !isInitShell(target)) {
    throw new MfaError(`mfa init has no script for ${JSON.stringify(shell)}: it supports ${INIT_SHELL_NAMES.join(', ')}`, {
      hint: shell === 'sh' ? 'For a POSIX sh, use eval "$(mfa env --shell sh)".' : undefined,
      exitCode: 2,
    })
  }
  return target
}

interface Placeholder {
  /** What the value is, for an error message. */
  what: string
  value: string
  /** May the script do without it. */
  optional?: boolean
}

/** A script of shell/ with each placeholder __NAME__ replaced by its value, quoted for that shell. */
function fillTemplate(opts: {shell: ShellName; file: string; values: Record<string, Placeholder>}): string {
  const target = initShell(opts.shell)
  let script: string
  try {
    script = readFileSync(opts.file, 'utf8')
  } catch (error) {
    throw new MfaError(`cannot read the ${opts.shell} integration script ${opts.file}`, {cause: error})
  }
  for (const [name, {what, value, optional}] of Object.entries(opts.values)) {
    checkValue(what, value)
    if (!script.includes(name) && !optional) throw new MfaError(`${opts.file} has no ${name} placeholder`)
    // split/join, not String.replace: a replacement string would give `$&` and `$'` a meaning.
    script = script.split(name).join(target.quote(value))
  }
  return script
}

/**
 * The integration script for `mfa init SHELL`: shell/mfa.<ext> from shellDir with the placeholder
 * __MFA_BIN__ replaced by binPath, quoted for that shell.
 */
export function renderInit(shell: ShellName, binPath: string, shellDir: string): string {
  return fillTemplate({shell, file: join(shellDir, initShell(shell).initScript), values: {__MFA_BIN__: {what: 'the mfa path', value: binPath}}})
}

/** Which mfa a cached integration stands for: see InitShell.cachedScript. */
export interface CacheStamp {
  /** The first mfa on PATH when it was written, and the file that resolves to. */
  found: string
  real: string
  packageJson: string
  version: string
}

/** The cached integration, for the rc line: it loads integration only for the mfa of stamp. */
export function renderCachedInit(opts: {shell: ShellName; shellDir: string; stamp: CacheStamp; integration: string}): string {
  const {found, real, packageJson, version} = opts.stamp
  const file = join(opts.shellDir, initShell(opts.shell).cachedScript)
  // The path found on PATH: PowerShell compares it (it cannot compare files); the others compare files.
  const values = {
    __MFA_FOUND__: {what: 'the mfa path', value: found, optional: true},
    __MFA_REAL__: {what: 'the mfa path', value: real},
    __MFA_PACKAGE_JSON__: {what: 'the mfa path', value: packageJson},
    __MFA_VERSION__: {what: 'the mfa version', value: version},
  }
  const [head, tail, ...more] = fillTemplate({shell: opts.shell, file, values}).split(INTEGRATION)
  if (tail === undefined || more.length > 0) throw new MfaError(`${file} needs one line ${INTEGRATION.trim()}`)
  const script = head + opts.integration + tail
  return initShell(opts.shell).compactCached?.(script) ?? script
}

const INTEGRATION = '__MFA_INTEGRATION__\n'

/** The name of the cached integration's file for a shell: init.bash, init.zsh, init.fish, init.ps1. */
export function cachedInitName(shell: ShellName): string {
  return `init${extname(initShell(shell).initScript)}`
}

/** Words quoted for a command shown to a person; shell-quote fits there (see src/cli/hint.ts). */
export {quoteForHint} from '../cli/hint.js'

// ---------------------------------------------------------------------------------------------
// Which shell runs mfa

const POSIX_SH = new Set(['sh', 'dash', 'ash', 'ksh', 'mksh', 'pdksh', 'oksh', 'lksh', 'posh', 'yash'])

/**
 * Processes that run mfa on behalf of a shell: look through them to the shell above. npm, npx and
 * pnpm also start package binaries through `sh -c`; that sh is theirs, not the user's.
 */
const WRAPPERS = new Set(['npm', 'npx', 'pnpm', 'pnpx', 'yarn', 'bun', 'bunx', 'tsx', 'ts-node', 'corepack', 'env', 'sudo', 'doas', 'nohup', 'nice', 'timeout'])
/** node counts as a wrapper only when it runs one of those (npm's own node); any other node program is not a shell's stand-in. */
const NODE_WRAPPER_SCRIPT = /^(npm|npx|pnpm|pnpx|yarn|corepack|tsx|ts-node)(-cli)?(\.c?js)?$/

/** How many processes up detectShell looks: parent, grandparent, and two more through wrappers. */
const MAX_DEPTH = 4

/**
 * Maps a process or program name to a shell: `-bash`, `/bin/bash`, `bash5`, `zsh-5.9`, `pwsh`,
 * `powershell.exe`, `dash`, `ksh93`, `fish`. undefined when it is not a shell mfa knows.
 */
export function normaliseShellName(name: string): ShellName | undefined {
  let n = name.trim().split(/[\\/]/).pop() ?? ''
  n = n.toLowerCase().replace(/^-+/, '').replace(/\.exe$/, '').replace(/-preview$/, '')
  n = n.replace(/[-_.]?\d[\d.]*$/, '')
  if (n === 'bash' || n === 'zsh' || n === 'fish') return n
  if (n === 'pwsh' || n === 'powershell') return 'powershell'
  if (POSIX_SH.has(n)) return 'sh'
  return undefined
}

interface ProcessInfo {
  /** comm, then the executable's file name when known. */
  names: string[]
  ppid: number
  /** The script a node process runs (argv[1]), when known. */
  script?: string
}

/**
 * Where detectShell reads the process table: the running system by default. Tests pass another
 * platform, a /proc of their own, or `ps` output, to walk the branches this machine never takes.
 */
export interface ProcessTable {
  platform?: NodeJS.Platform
  /** The directory of Linux's per-process files. */
  procDir?: string
  /** Runs `ps` with these arguments and gives its stdout (macOS and the BSDs); throws when it fails. */
  ps?: (args: string[]) => string
}

function readProc(pid: number, procDir: string): ProcessInfo | undefined {
  const file = (name: string) => `${procDir}/${pid}/${name}`
  try {
    const names = [readFileSync(file('comm'), 'utf8').trim()]
    try {
      names.push(readlinkSync(file('exe')).replace(/ \(deleted\)$/, ''))
    } catch {
      // Another user's process, or a kernel that hides it: comm alone will do.
    }
    // stat is "pid (comm) state ppid ...": comm may hold spaces and parentheses, so cut at the last ')'.
    const stat = readFileSync(file('stat'), 'utf8')
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    let script: string | undefined
    try {
      script = readFileSync(file('cmdline'), 'utf8').split('\0')[1]
    } catch {}
    return {names, ppid: Number.isInteger(ppid) ? ppid : 0, script}
  } catch {
    return undefined
  }
}

/** The system's `ps`, or undefined where it cannot be started cheaply. */
function systemPs(): ((args: string[]) => string) | undefined {
  // Loaded only here (not on Linux): node:child_process costs every start a few milliseconds.
  // Node before 20.16 lacks getBuiltinModule: there, $SHELL decides.
  const childProcess = (process as {getBuiltinModule?: (id: string) => unknown}).getBuiltinModule?.('node:child_process') as
    | typeof import('node:child_process')
    | undefined
  if (!childProcess) return undefined
  return args => childProcess.execFileSync('ps', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000})
}

function readPs(pid: number, ps: ProcessTable['ps']): ProcessInfo | undefined {
  try {
    const run = ps ?? systemPs()
    if (!run) return undefined
    const out = run(['-o', 'ppid=,comm=', '-p', String(pid)])
    const match = /^\s*(\d+)\s+(.+?)\s*$/.exec(out.split('\n')[0] ?? '')
    return match ? {names: [match[2]], ppid: Number(match[1])} : undefined
  } catch {
    return undefined
  }
}

function processInfo(pid: number, table: ProcessTable): ProcessInfo | undefined {
  if (!Number.isInteger(pid) || pid <= 1) return undefined
  const platform = table.platform ?? process.platform
  if (platform === 'linux') return readProc(pid, table.procDir ?? '/proc')
  if (platform === 'win32') return undefined
  return readPs(pid, table.ps)
}

/** pwsh installed as a .NET tool (`dotnet tool install --global PowerShell`) runs as `dotnet pwsh.dll`. */
const DOTNET = /^dotnet(\.exe)?$/i
const PWSH_DLL = /^pwsh\.dll$/i

function shellOf(info: ProcessInfo): ShellName | undefined {
  for (const name of info.names) {
    const shell = normaliseShellName(name)
    if (shell) return shell
  }
  const base = (path: string) => path.split(/[\\/]/).pop() ?? ''
  if (info.script && PWSH_DLL.test(base(info.script)) && info.names.some(name => DOTNET.test(base(name)))) return 'powershell'
  return undefined
}

function isWrapper(info: ProcessInfo): boolean {
  return info.names.some(name => {
    const base = (name.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '').split(' ')[0]
    if (WRAPPERS.has(base)) return true
    if (base !== 'node' && base !== 'nodejs' && !/^node\d+$/.test(base)) return false
    const script = info.script?.split(/[\\/]/).pop()?.toLowerCase()
    return script !== undefined && NODE_WRAPPER_SCRIPT.test(script)
  })
}

/**
 * The shell that will read mfa's output: the parent process (Linux: /proc/PID/comm, then the
 * executable's name; elsewhere `ps`), looking further up when the parent is not a shell (mfa run by
 * npx, or by node), then $SHELL. On Linux this reads a few small files and starts no process.
 */
export function detectShell(opts: {ppid: number; env: NodeJS.ProcessEnv; table?: ProcessTable}): ShellName | undefined {
  const table = opts.table ?? {}
  let info = processInfo(opts.ppid, table)
  for (let depth = 0; info && depth < MAX_DEPTH; depth++) {
    const shell = shellOf(info)
    const parent = processInfo(info.ppid, table)
    if (shell) {
      // A sh started by npm to run a package's binary is npm's: keep looking above it.
      if (shell !== 'sh' || !(parent && isWrapper(parent))) return shell
    } else if (!isWrapper(info)) {
      // Some other program runs mfa: its output is not for a shell mfa can see.
      break
    }
    info = parent
  }
  const login = opts.env.SHELL
  return login ? normaliseShellName(login) : undefined
}
