/**
 * Any other mfa_prompt_driver value is a command, run by the shell as mfa_process is: the first line
 * it prints is the code. Exit 130 (or 1 with nothing printed, as dialog tools do) is a cancel.
 */
import type {PromptDriver} from './types.js'
import {runDialog} from './run.js'
import {MfaError} from '../cli/errors.js'

export function commandDriver(command: string): PromptDriver {
  return {
    name: command,
    person: false,
    unavailable: () => undefined,
    async ask(request) {
      const env = {...request.env, MFA_PROMPT_PROFILE: request.profile, MFA_PROMPT_SERIAL: request.serial}
      const answer = await runDialog(command, [], env, {shell: true, stderr: 'inherit'})
      const first = answer.stdout.split('\n')[0].trim()
      if (answer.exitCode === 130 || (answer.exitCode === 1 && !first)) return undefined
      if (answer.exitCode !== 0) {
        throw new MfaError(`the prompt command failed (exit ${answer.exitCode})`, {hint: `Run it by hand to check it: ${command}`})
      }
      return first
    },
  }
}
