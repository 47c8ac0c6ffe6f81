/**
 * What every oclif command shares: the session flags, and the error policy of src/cli/output.ts.
 */
import {Command, Flags} from '@oclif/core'
import {debugWanted, reportError} from './output.js'
import {checkProfileName} from './profile-name.js'
import {usageOf} from './usage.js'

/** --profile/-p, the same on every command; summary says what the profile is for there. */
export function profileFlag(summary: string, extra: {description?: string; exclusive?: string[]} = {}) {
  return Flags.string({char: 'p', summary, description: 'Default: $AWS_PROFILE, else "default".', helpValue: 'NAME', parse: profileNameParse, ...extra})
}

/** The value of every --profile flag passes src/cli/profile-name.ts's rule. */
export async function profileNameParse(input: string): Promise<string> {
  return checkProfileName(input)
}

export const sessionFlags = {
  profile: profileFlag('AWS profile to use.'),
  'token-code': Flags.string({
    char: 't',
    summary: 'The 6-digit code your MFA device shows.',
    description: 'Without it, mfa asks through the prompt driver (--prompt), runs the profile\'s mfa_process, or asks on the terminal.',
    helpValue: 'CODE',
  }),
  duration: Flags.string({
    char: 'd',
    summary: 'How long the session lasts: seconds or 15m..36h.',
    description: "Default: the profile's duration_seconds, else 12h (1h for a role).",
    helpValue: '12h',
  }),
  force: Flags.boolean({
    char: 'f',
    summary: 'Get a new session even if the cached one is still valid.',
  }),
  prompt: Flags.string({
    summary: 'How to ask for a code: terminal, zenity, kdialog, osascript, ykman, or a command that prints it.',
    description: 'Default: MFA_PROMPT_DRIVER, else mfa_prompt_driver in the profile, else the terminal when there is one, else a desktop dialog.',
    helpValue: 'DRIVER',
  }),
  'serial-number': Flags.string({
    summary: "ARN of the MFA device. Default: the profile's mfa_serial.",
    helpValue: 'ARN',
  }),
}

export const debugFlag = {
  debug: Flags.boolean({summary: 'Show details of an unexpected error (secrets redacted).', hidden: true}),
}

export abstract class BaseCommand extends Command {
  /** Every command ends the same way: its action's exit code, none or 0 for success. */
  protected exitWith(code: number | void): void {
    if (code) this.exit(code)
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<void> {
    const declared = this.constructor as typeof Command
    const args = Object.entries(declared.args ?? {}).map(([name, a]) => ({name, required: a.required, options: a.options}))
    const usage = usageOf({id: this.id ?? '', args, hasFlags: Object.values(declared.flags ?? {}).some(f => !f.hidden)})
    const code = reportError(error, debugWanted(this.argv), {id: this.id ?? '', usage})
    // exit() throws an ExitError, which oclif turns into the exit code without printing.
    this.exit(code)
  }
}
