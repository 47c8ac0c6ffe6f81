/**
 * The fast path's argv parser (src/cli/argv.ts): what it reads as oclif would, and every word it
 * does not understand handed back as undefined, so oclif takes over and says what is wrong.
 */
import {flagSpecs, parseArgv, splitCommandLine, unreadableFlags, type FlagDefinitions, type FlagSpec} from '../../../src/cli/argv.js'
import {EXIT} from '../../../src/cli/errors.js'

const specs: FlagSpec[] = [
  {name: 'profile', char: 'p', type: 'option'},
  {name: 'shell', type: 'option', options: ['bash', 'zsh']},
  {name: 'force', char: 'f', type: 'boolean'},
  {name: 'color', type: 'boolean', allowNo: true},
  {name: 'quiet', type: 'boolean'},
  {name: 'tag', char: 't', type: 'option', multiple: true},
]
const parse = (argv: string[], options?: {commandLine?: boolean; maxArgs?: number}) => parseArgv(argv, specs, options)

describe('parseArgv: what it reads', () => {
  test('nothing gives no flags and no args', () => {
    expect(parse([])).toEqual({flags: {}, args: []})
  })
  test('--name value and --name=value', () => {
    expect(parse(['--profile', 'work'])).toEqual({flags: {profile: 'work'}, args: []})
    expect(parse(['--profile=work'])).toEqual({flags: {profile: 'work'}, args: []})
  })
  test('--name= gives an empty value, and a value may contain =', () => {
    expect(parse(['--profile='])?.flags).toEqual({profile: ''})
    expect(parse(['--profile=a=b'])?.flags).toEqual({profile: 'a=b'})
  })
  test('-p value and -pvalue', () => {
    expect(parse(['-p', 'work'])?.flags).toEqual({profile: 'work'})
    expect(parse(['-pwork'])?.flags).toEqual({profile: 'work'})
  })
  test('a boolean flag, long and short', () => {
    expect(parse(['--force'])?.flags).toEqual({force: true})
    expect(parse(['-f'])?.flags).toEqual({force: true})
  })
  test('--no-NAME sets an allowNo boolean to false', () => {
    expect(parse(['--no-color'])?.flags).toEqual({color: false})
  })
  test('a value that is one of the options', () => {
    expect(parse(['--shell', 'zsh'])?.flags).toEqual({shell: 'zsh'})
  })
  test('a value "-" and a negative number are values, not flags', () => {
    expect(parse(['--profile', '-'])?.flags).toEqual({profile: '-'})
    expect(parse(['--profile', '-5'])?.flags).toEqual({profile: '-5'})
    expect(parse(['-p', '-'])?.flags).toEqual({profile: '-'})
  })
  test('a value joined to its flag may start with -', () => {
    expect(parse(['--profile=-x'])?.flags).toEqual({profile: '-x'})
    expect(parse(['-p-x'])?.flags).toEqual({profile: '-x'})
  })
  test('a separate value that starts with - and is not a number is a flag', () => {
    expect(parse(['--profile', '-x-1'])).toBeUndefined()
  })
  test('a multiple flag may repeat', () => {
    expect(parse(['--tag', 'a', '-t', 'b'])?.flags).toEqual({tag: 'b'})
  })
  test('-- ends the flags: the rest is handed over untouched', () => {
    expect(parse(['-f', '--', '--profile', 'x'])).toEqual({flags: {force: true}, args: [], rest: ['--profile', 'x']})
  })
  test('positional words up to maxArgs', () => {
    expect(parse(['a', 'b'], {maxArgs: 2})).toEqual({flags: {}, args: ['a', 'b']})
  })
  test('commandLine: the first word that is not a flag starts the command', () => {
    expect(parse(['-f', 'aws', '--profile', 'x'], {commandLine: true})).toEqual({flags: {force: true}, args: [], rest: ['aws', '--profile', 'x']})
  })
  test('a lone "-" is a positional word', () => {
    expect(parse(['-'], {maxArgs: 1})).toEqual({flags: {}, args: ['-']})
  })
})

describe('parseArgv: what it leaves to oclif (undefined)', () => {
  test.each([
    ['an unknown long flag', ['--nope']],
    ['an unknown short flag', ['-x']],
    ['an option flag without a value', ['--profile']],
    ['a short option flag without a value', ['-p']],
    ['an option flag followed by another flag', ['--profile', '--force']],
    ['a short option flag followed by another flag', ['-p', '-f']],
    ['a short option flag followed by a negative number', ['-p', '-5']],
    ['a value outside the options', ['--shell', 'tcsh']],
    ['--no- of a boolean that does not allow it', ['--no-quiet']],
    ['--no- of an option flag', ['--no-profile']],
    ['--no-NAME=value', ['--no-color=x']],
    ['--no- twice', ['--no-color', '--no-color']],
    ['a boolean with =', ['--force=true']],
    ['a boolean given twice', ['--force', '--force']],
    ['a short boolean given twice', ['-f', '-f']],
    ['a short boolean with something after it', ['-fx']],
    ['an option given twice', ['--profile', 'a', '--profile', 'b']],
    ['a short option given twice', ['-pa', '-pb']],
    ['a positional word when none is taken', ['word']],
  ])('%s', (_why, argv) => {
    expect(parse(argv)).toBeUndefined()
  })
  test('more positional words than maxArgs', () => {
    expect(parse(['a', 'b'], {maxArgs: 1})).toBeUndefined()
  })
})

describe('flagSpecs: an oclif declaration as parseArgv reads it', () => {
  test('boolean stays boolean, every other type is an option; char, options, allowNo and multiple carried', () => {
    const definitions: FlagDefinitions = {
      force: {type: 'boolean', char: 'f', allowNo: true},
      profile: {type: 'option', options: ['a'], multiple: true},
      duration: {type: 'custom'},
    }
    expect(flagSpecs(definitions)).toEqual([
      {name: 'force', char: 'f', type: 'boolean', options: undefined, allowNo: true, multiple: undefined},
      {name: 'profile', char: undefined, type: 'option', options: ['a'], allowNo: undefined, multiple: true},
      {name: 'duration', char: undefined, type: 'option', options: undefined, allowNo: undefined, multiple: undefined},
    ])
  })
})

describe('splitCommandLine: exec\'s flags, then its command byte for byte', () => {
  const definitions: FlagDefinitions = {profile: {type: 'option', char: 'p'}, force: {type: 'boolean'}}
  test('flags, --, command: the -- belongs to neither', () => {
    expect(splitCommandLine(['--profile', 'w', '--', 'aws', '--profile', 'x'], definitions)).toEqual({own: ['--profile', 'w'], command: ['aws', '--profile', 'x']})
  })
  test('without --: the command starts at the first word that is not a flag', () => {
    expect(splitCommandLine(['--force', 'printf', '%s', '--force'], definitions)).toEqual({own: ['--force'], command: ['printf', '%s', '--force']})
  })
  test('a -- inside the command stays in the command', () => {
    expect(splitCommandLine(['ls', '--', 'x'], definitions)).toEqual({own: [], command: ['ls', '--', 'x']})
  })
  test('only flags: an empty command (start $SHELL)', () => {
    expect(splitCommandLine(['-p', 'w'], definitions)).toEqual({own: ['-p', 'w'], command: []})
  })
  test('just --: no own words, no command', () => {
    expect(splitCommandLine(['--'], definitions)).toEqual({own: [], command: []})
  })
  test('unreadable flags: undefined', () => {
    expect(splitCommandLine(['--nope', 'ls'], definitions)).toBeUndefined()
  })
})

test('unreadableFlags says where the flags go, as a usage error', () => {
  const error = unreadableFlags()
  expect(error.message).toBe('cannot read the flags before the command')
  expect(error.hint).toMatch(/mfa exec --profile work -- aws s3 ls/)
  expect(error.exitCode).toBe(EXIT.usage)
})

describe('parseArgv: a flag whose own name starts with no-', () => {
  const own: FlagSpec[] = [
    {name: 'color', type: 'boolean', allowNo: true},
    {name: 'no-color', type: 'boolean'},
    {name: 'no-cache', type: 'option'},
    {name: 'cache', type: 'boolean', allowNo: true},
  ]
  test('is that flag, not the negation of another', () => {
    expect(parseArgv(['--no-color'], own)?.flags).toEqual({'no-color': true})
    expect(parseArgv(['--no-cache', 'x'], own)?.flags).toEqual({'no-cache': 'x'})
    expect(parseArgv(['--no-cache=x'], own)?.flags).toEqual({'no-cache': 'x'})
  })
  test('only the exact prefix no- negates', () => {
    expect(parseArgv(['--nocolor'], specs)).toBeUndefined()
    expect(parseArgv(['--x-color'], specs)).toBeUndefined()
    expect(parseArgv(['--xyzcolor'], specs)).toBeUndefined()
    expect(parseArgv(['--color-no'], specs)).toBeUndefined()
  })
})
