/**
 * `mfa` alone and `mfa help`: like gh and aws, a short "start here" with the commands a new user
 * needs, in the order they need them, before oclif's full list.
 */
import {Help} from '@oclif/core'

export const START_HERE: ReadonlyArray<readonly [string, string]> = [
  ['mfa login', 'Get an MFA session (asks for the code once).'],
  ['mfa env', 'Print the session as shell variables: eval "$(mfa env)".'],
  ['mfa exec -- CMD', 'Run one command with the session.'],
  ['mfa init SHELL', 'Add mfa_prompt, `mfa use` and `mfa clear` to your shell.'],
  ['mfa doctor', 'Check the profile, keys, device, clock and STS.'],
]

export default class MfaHelp extends Help {
  override formatRoot(): string {
    const width = Math.max(...START_HERE.map(([c]) => c.length))
    const lines = START_HERE.map(([command, what]) => `  ${command.padEnd(width)}  ${what}`)
    return `${super.formatRoot()}\n\nSTART HERE\n${lines.join('\n')}`
  }
}
