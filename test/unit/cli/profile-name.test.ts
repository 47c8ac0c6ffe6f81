import {checkProfileName} from '../../../src/cli/profile-name.js'
import {unwrapFlagParse} from '../../../src/cli/usage.js'
import {MfaError} from '../../../src/cli/errors.js'

describe('checkProfileName', () => {
  test.each(['default', 'my team', 'x[y', 'a-b', 'ß', '1', 'x'.repeat(64)])('%s is a name', name => {
    expect(checkProfileName(name)).toBe(name)
  })

  test.each([
    ['-dash', '--profile "-dash" is not a profile name: a name cannot start with "-"'],
    ['--all', '--profile "--all" is not a profile name: a name cannot start with "-"'],
    ['-', '--profile "-" is not a profile name: a name cannot start with "-"'],
    ['', '--profile is empty'],
  ])('%j is a usage error', (name, message) => {
    const error = (() => {
      try {
        checkProfileName(name)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(MfaError)
    expect(error).toMatchObject({message, exitCode: 2})
  })
})

describe('unwrapFlagParse', () => {
  test("oclif's wrapping of a flag's parse error comes off", () => {
    expect(unwrapFlagParse('Parsing --profile \n\t--profile is empty\nSee more help with --help')).toBe('--profile is empty')
  })
  test('any other message stays as it is', () => {
    expect(unwrapFlagParse('Parsing --profile \n\ta\nb\nSee more help with --help')).toBe('Parsing --profile \n\ta\nb\nSee more help with --help')
    expect(unwrapFlagParse('--profile is empty')).toBe('--profile is empty')
  })
})
