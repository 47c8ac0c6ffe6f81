/**
 * An unknown command is a usage error (src/cli/not-found.ts): a word too many after a known
 * command, a flag before any command, or a mistyped command with the closest one named (no
 * terminal here, so nothing is asked).
 */
import hook from '../../../src/cli/not-found.js'
import {MfaError} from '../../../src/cli/errors.js'

type Cmd = {id: string; hidden?: boolean; args?: Record<string, object>; flags?: Record<string, object>}
function run(id: string, commands: Cmd[]): Promise<MfaError> {
  const config = {
    commands,
    findCommand: (name: string) => {
      const c = commands.find(c => c.id === name)
      return c && {id: c.id, args: c.args ?? {}, flags: c.flags ?? {}}
    },
  }
  return (hook as unknown as (this: object, opts: object) => Promise<unknown>).call({}, {id, config}).then(
    () => {
      throw new Error('the hook did not throw')
    },
    (e: MfaError) => e,
  )
}
const COMMANDS: Cmd[] = [
  {id: 'login', flags: {profile: {}}},
  {id: 'env', args: {profile: {name: 'profile'}}, flags: {}},
  {id: 'logout'},
  {id: 'secret', hidden: true},
]

test('a word too many after a known command: the command\'s right form', async () => {
  const e = await run('env:extra:more', COMMANDS)
  expect(e).toBeInstanceOf(MfaError)
  expect([e.message, e.hint, e.exitCode]).toEqual(['unexpected argument "extra more"', 'Usage: mfa env [PROFILE]. See `mfa env --help`.', 2])
  expect((await run('login:x', COMMANDS)).hint).toBe('Usage: mfa login [FLAGS]. See `mfa login --help`.')
})

test('a flag before any command', async () => {
  const e = await run('-x', COMMANDS)
  expect([e.message, e.hint, e.exitCode]).toEqual(['unknown flag -x: a flag comes after a command', 'Run `mfa help` to see every command.', 2])
})

test('a mistyped command: the closest visible one is named', async () => {
  const e = await run('logn', COMMANDS)
  expect([e.message, e.hint, e.exitCode]).toEqual(['`logn` is not an mfa command', 'Did you mean `mfa login`? Run `mfa help` to see every command.', 2])
  expect((await run('logot', COMMANDS)).hint).toBe('Did you mean `mfa logout`? Run `mfa help` to see every command.')
  expect((await run('secre', COMMANDS)).hint).toBe('Did you mean `mfa env`? Run `mfa help` to see every command.')
})

test('the words of a topic-like id are shown with spaces', async () => {
  expect((await run('keys:ad', [{id: 'login'}])).message).toBe('`keys ad` is not an mfa command')
})

test('no command to suggest', async () => {
  expect((await run('x', [])).hint).toBe('Run `mfa help` to see every command.')
})

test('stdin on a terminal but not stderr: still no question', async () => {
  const before = process.stdin.isTTY
  process.stdin.isTTY = true
  try {
    expect((await run('logn', COMMANDS)).message).toBe('`logn` is not an mfa command')
  } finally {
    process.stdin.isTTY = before
  }
})
