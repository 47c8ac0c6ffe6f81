/**
 * The bundle bin/run.cjs starts (through src/startup/start.ts). `mfa env`, `exec`,
 * `credential-process`, `prompt`, `init` and `status` run on every new shell, wrapped command, SDK
 * start and status line (`__complete-profiles` on every Tab), so they start here without loading oclif:
 * their flags are read with oclif's rules from oclif.manifest.json (the one description of the
 * command surface; dist/fast-commands.json holds its flags and arguments), and the same action
 * functions as the oclif commands do the work. Everything else (help, completion, the other
 * commands, any argv this parser is unsure of) goes to oclif.
 * MFA_NO_FAST_PATH=1 sends everything to oclif.
 */
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {type FlagDefinitions, flagSpecs, parseArgv} from './cli/argv.js'
import {debugWanted, reportError, writeOut} from './cli/output.js'
import {checkProfileName} from './cli/profile-name.js'
import {useExecaBundle} from './startup/execa.js'

// import.meta.dirname: Node 20.11 and later, and the bundle (scripts/bundle.js); the URL elsewhere.
const root = join(import.meta.dirname ?? dirname(fileURLToPath(import.meta.url)), '..')

interface ManifestCommand {
  flags: FlagDefinitions
  args: Record<string, {options?: string[]; required?: boolean}>
}

type Action = (flags: Record<string, string | boolean>, parsed: {args: string[]; rest?: string[]}) => Promise<number | void>

const ACTIONS: Record<string, {commandLine?: boolean; run: Action}> = {
  env: {run: async flags => (await import('./actions/env.js')).envAction(flags)},
  'credential-process': {run: async flags => (await import('./actions/credential-process.js')).credentialProcessAction(flags)},
  prompt: {run: async flags => (await import('./actions/prompt.js')).promptAction(flags)},
  status: {run: async flags => (await import('./actions/status.js')).statusAction(flags)},
  init: {run: async (_flags, {args}) => (await import('./actions/init.js')).initAction(args[0] as never)},
  '__complete-profiles': {run: async () => (await import('./actions/complete-profiles.js')).completeProfilesAction()},
  exec: {commandLine: true, run: async (flags, {rest}) => (await import('./actions/exec.js')).execAction(flags, rest ?? [])},
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(root, file), 'utf8')) as T
  } catch {
    return undefined
  }
}

/** Runs argv on the fast path; false when oclif must take it. */
async function fast(argv: string[]): Promise<boolean> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    const pkg = readJson<{name: string; version: string}>('package.json')
    if (!pkg) return false
    writeOut(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
    return true
  }
  const [id, ...rest] = argv
  const action = id && Object.hasOwn(ACTIONS, id) ? ACTIONS[id] : undefined
  if (!action) return false
  const end = rest.indexOf('--')
  const own = end === -1 ? rest : rest.slice(0, end)
  if (own.some(w => w === '--help' || w === '-h')) return false
  // oclif.manifest.json's flags and arguments, without the help text (scripts/bundle.js).
  const command = readJson<{commands: Record<string, ManifestCommand>}>('dist/fast-commands.json')?.commands[id]
  if (!command) return false
  const argSpecs = Object.values(command.args ?? {})
  const parsed = parseArgv(rest, flagSpecs(command.flags), {commandLine: action.commandLine, maxArgs: argSpecs.length})
  if (!parsed) return false
  if (!action.commandLine && parsed.rest !== undefined) return false
  for (const [i, spec] of argSpecs.entries()) {
    const value = parsed.args[i]
    if (value === undefined ? spec.required : spec.options && !spec.options.includes(value)) return false
  }
  try {
    // What profileFlag's parse does on oclif's path.
    if (typeof parsed.flags.profile === 'string') checkProfileName(parsed.flags.profile)
    const code = await action.run(parsed.flags, parsed)
    if (typeof code === 'number') process.exitCode = code
  } catch (error) {
    process.exitCode = reportError(error, debugWanted(rest))
  }
  return true
}

/** Called with the command line (src/startup/start.ts): the fast path, else oclif. */
export async function main(argv: string[]): Promise<void> {
  useExecaBundle(join(root, 'dist', 'startup', 'execa-bundle.cjs'))
  // Done, and every byte written (writeOut, and output.ts's stderr): exit now, rather than after
  // Node has taken the heap down piece by piece (a few milliseconds of every start).
  if (!process.env.MFA_NO_FAST_PATH && (await fast(argv))) process.exit()
  const oclif = await import('@oclif/core')
  try {
    // The package's root, not bin/.
    await oclif.run(argv, root)
    await oclif.flush()
  } catch (error) {
    // Errors that reach here never passed through a command's catch (an unknown command, a hook's
    // error, an ExitError from this.exit): the same policy prints them. oclif's own handler ends with
    // process.exit too, which a command that left a handle open relies on.
    const code = reportError(error, debugWanted(argv))
    await oclif.flush()
    process.exit(code)
  }
}
