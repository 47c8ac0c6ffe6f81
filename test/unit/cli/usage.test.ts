/**
 * Usage errors in one line (src/cli/usage.ts): the right form of a command for the hint, and
 * oclif's several-line parse errors cut down to what names the problem.
 */
import {usageHint, usageOf, usageProblem} from '../../../src/cli/usage.js'

describe('usageOf', () => {
  test('a required argument with options, flags', () => {
    expect(usageOf({id: 'init', args: [{name: 'shell', required: true, options: ['bash', 'zsh']}], hasFlags: true})).toBe('mfa init bash|zsh [FLAGS]')
  })
  test('an optional argument by its name in capitals; no flags', () => {
    expect(usageOf({id: 'status', args: [{name: 'profile'}], hasFlags: false})).toBe('mfa status [PROFILE]')
  })
  test('an empty list of options is no options', () => {
    expect(usageOf({id: 'x', args: [{name: 'word', required: true, options: []}], hasFlags: false})).toBe('mfa x WORD')
  })
})

describe('usageHint', () => {
  test('the form and where the help is', () => {
    expect(usageHint('mfa env [FLAGS]', 'env')).toBe('Usage: mfa env [FLAGS]. See `mfa env --help`.')
  })
})

describe('usageProblem', () => {
  test('missing arguments are named', () => {
    expect(usageProblem({message: 'ignored', args: [{name: 'shell'}, {name: 'profile'}]})).toBe('missing SHELL, PROFILE')
  })
  test('no missing argument: the message is read', () => {
    expect(usageProblem({message: 'Nonexistent flag: --x', args: []})).toBe('Nonexistent flag: --x')
  })
  test("oclif's header, help pointers, colours and blank lines go; the rest is one line", () => {
    const message = [
      '\u001B[1mThe following errors occurred:\u001B[22m',
      '  --a=x cannot also be provided when using --b',
      '',
      '  --c needs a value',
      'See more help with --help',
      'Note: something',
      'Alternatively, other',
    ].join('\n')
    expect(usageProblem({message})).toBe('--a=x cannot also be provided when using --b; --c needs a value')
    expect(usageProblem({message: 'The following error occurred:\n  x'})).toBe('x')
  })
  test('only whole noise lines go', () => {
    expect(usageProblem({message: 'Say The following errors occurred:\nwhy See more help with --help\nA Note: x\nB Alternatively, y'})).toBe(
      'Say The following errors occurred:; why See more help with --help; A Note: x; B Alternatively, y',
    )
  })
  test('"Error: " in front and a colon at the end go', () => {
    expect(usageProblem({message: 'Error: Expected --shell=fishy to be one of: bash, zsh:'})).toBe('Expected --shell=fishy to be one of: bash, zsh')
    expect(usageProblem({message: 'x Error: y: z'})).toBe('x Error: y: z')
  })
})
