/**
 * What every command inherits (src/cli/base-command.ts): the --profile flag and its rule, the exit
 * code of an action, and the error policy applied to whatever a command throws (a one-line message,
 * a hint with the command's own usage, the exit code). Small commands declared here run through
 * oclif's real parser with the project's configuration; what output.ts writes to stderr is captured
 * with a spy.
 */
import {jest} from '@jest/globals'
import {Args, Config} from '@oclif/core'
import {fileURLToPath} from 'node:url'
import {join} from 'node:path'
import {EXIT, MfaError} from '../../../src/cli/errors.js'
import {stderr} from '../../../src/cli/output.js'
import {BaseCommand, debugFlag, profileFlag, profileNameParse, sessionFlags} from '../../../src/cli/base-command.js'

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..')
let config: Config
beforeAll(async () => {
  config = await Config.load(ROOT)
})

let written: string
beforeEach(() => {
  written = ''
  jest.spyOn(stderr, 'write').mockImplementation(chunk => {
    written += chunk
  })
})
afterEach(() => jest.restoreAllMocks())

/** What the command's run does: throw, or give an exit code to exitWith. */
let action: () => number | void = () => {}
let seen: {profile?: string} = {}

class Probe extends BaseCommand {
  static override id = 'probe'
  static override args = {shell: Args.string({required: true, options: ['bash', 'zsh']}), extra: Args.string()}
  static override flags = {profile: profileFlag('Profile to probe.'), ...debugFlag}
  async run(): Promise<void> {
    const {flags} = await this.parse(Probe)
    seen = {profile: flags.profile}
    this.exitWith(action())
  }
}

/** Only a hidden flag: its usage has no [FLAGS]. */
class Quiet extends BaseCommand {
  static override id = 'quiet'
  static override flags = {...debugFlag}
  async run(): Promise<void> {
    await this.parse(Quiet)
    this.exitWith(action())
  }
}

/** The exit code a run ends with: 0 when it returns, else the code of oclif's ExitError. */
async function exitOf(run: Promise<unknown>): Promise<number> {
  try {
    await run
    return 0
  } catch (error) {
    const exit = (error as {oclif?: {exit?: number}}).oclif?.exit
    if (exit === undefined) throw error
    return exit
  }
}

describe('exitWith', () => {
  test("the action's code is the exit code; none, or 0, is success", async () => {
    action = () => 3
    expect(await exitOf(Probe.run(['bash'], config))).toBe(3)
    action = () => 0
    expect(await exitOf(Probe.run(['bash'], config))).toBe(0)
    action = () => undefined
    expect(await exitOf(Probe.run(['bash'], config))).toBe(0)
    expect(written).toBe('')
  })
})

describe('catch: the error policy', () => {
  test("a usage error names the problem and shows the command's form: arguments, their choices, [FLAGS]", async () => {
    action = () => {}
    expect(await exitOf(Probe.run([], config))).toBe(EXIT.usage)
    expect(written).toBe('mfa: missing SHELL\nhint: Usage: mfa probe bash|zsh [EXTRA] [FLAGS]. See `mfa probe --help`.\n')
  })

  test('a command whose flags are all hidden shows no [FLAGS]', async () => {
    expect(await exitOf(Quiet.run(['--nope'], config))).toBe(EXIT.usage)
    expect(written).toBe('mfa: Nonexistent flag: --nope\nhint: Usage: mfa quiet. See `mfa quiet --help`.\n')
  })

  test('without an id of its own, the usage names no command', async () => {
    const probe = new Probe([], config)
    probe.id = undefined
    expect(await exitOf((probe as unknown as {_run(): Promise<unknown>})._run())).toBe(EXIT.usage)
    expect(written).toBe('mfa: missing SHELL\nhint: Usage: mfa  bash|zsh [EXTRA] [FLAGS]. See `mfa  --help`.\n')
  })

  test("an MfaError: its message, its hint, its exit code", async () => {
    action = () => {
      throw new MfaError('the thing failed', {hint: 'Do the other thing.', exitCode: EXIT.cancelled})
    }
    expect(await exitOf(Probe.run(['zsh'], config))).toBe(EXIT.cancelled)
    expect(written).toBe('mfa: the thing failed\nhint: Do the other thing.\n')
  })

  test('an unexpected error: one line, and the stack only with --debug (before --, never after it)', async () => {
    action = () => {
      throw new Error('boom\nsecond line')
    }
    expect(await exitOf(Probe.run(['zsh'], config))).toBe(EXIT.failure)
    expect(written).toBe('mfa: unexpected error: boom\nhint: Run again with MFA_DEBUG=1 for details, and report it.\n')
    written = ''
    expect(await exitOf(Probe.run(['zsh', '--debug'], config))).toBe(EXIT.failure)
    expect(written).toMatch(/^mfa: unexpected error: boom\nError: boom\nsecond line\n {4}at /)
    expect(written).not.toContain('hint:')
    written = ''
    expect(await exitOf(Probe.run(['zsh', '--', '--debug'], config))).toBe(EXIT.failure)
    expect(written).toBe('mfa: unexpected error: boom\nhint: Run again with MFA_DEBUG=1 for details, and report it.\n')
  })
})

describe('--profile', () => {
  test('-p and --profile set the profile', async () => {
    action = () => {}
    await Probe.run(['bash', '-p', 'work'], config)
    expect(seen.profile).toBe('work')
    await Probe.run(['bash', '--profile', 'home'], config)
    expect(seen.profile).toBe('home')
  })

  test('a value that starts with "-" is refused as a usage error, in one line', async () => {
    expect(await exitOf(Probe.run(['bash', '-p', '-x'], config))).toBe(EXIT.usage)
    expect(written).toBe(
      'mfa: --profile "-x" is not a profile name: a name cannot start with "-"\nhint: Give the name of a profile after --profile (-p NAME); a word that starts with "-" is read as a flag.\n',
    )
  })

  test("the flag's help: its summary, the default, NAME; extra settings are kept", async () => {
    const flag = profileFlag('Whose session.', {exclusive: ['all'], description: 'Other words.'})
    expect(flag).toMatchObject({char: 'p', summary: 'Whose session.', description: 'Other words.', helpValue: 'NAME', exclusive: ['all'], type: 'option'})
    expect(profileFlag('Whose session.')).toMatchObject({description: 'Default: $AWS_PROFILE, else "default".'})
    expect(await profileNameParse('work')).toBe('work')
    await expect(profileNameParse('')).rejects.toThrow('--profile is empty')
  })

  test('the session flags share it', () => {
    expect(sessionFlags.profile).toMatchObject({char: 'p', helpValue: 'NAME', summary: 'AWS profile to use.'})
  })
})
