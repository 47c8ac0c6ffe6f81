/**
 * terminal: the question on the controlling terminal (/dev/tty, never stdout or stdin, which belong
 * to the caller), asked again until six digits arrive. Ctrl-C or Ctrl-D cancels (exit 130).
 */
import {MfaError, EXIT} from '../cli/errors.js'
import {hasTerminal, type Terminal, withTerminal} from '../cli/terminal.js'
import type {PromptDriver, PromptRequest} from './types.js'

export function noTerminal(serial: string): MfaError {
  return new MfaError(`a code for ${serial} is needed and there is no terminal or desktop to ask for it`, {
    hint: 'Pass --token-code with the 6 digits your device shows, set mfa_prompt_driver in the profile (zenity, kdialog, osascript, ykman, or a command that prints the code), or run mfa in a terminal.',
  })
}

export const terminal: PromptDriver = {
  name: 'terminal',
  person: true,
  unavailable: () => (hasTerminal() ? undefined : 'there is no terminal'),
  ask: request => askOnTerminal(request),
}

/** Asks for the code on /dev/tty until six digits arrive. Ctrl-C or Ctrl-D cancels (exit 130). */
function askOnTerminal(req: PromptRequest): Promise<string> {
  return withTerminal(terminal => askUntilGood(terminal, req), {none: () => noTerminal(req.serial)})
}

async function askUntilGood({input, output}: Terminal, req: PromptRequest): Promise<string> {
  const readline = await import('node:readline')
  const rl = readline.createInterface({input, output, terminal: true})
  try {
    let question = `MFA code for ${req.profile} (${req.serial}): `
    for (;;) {
      const answer = await new Promise<string | undefined>(resolve => {
        rl.once('close', () => resolve(undefined))
        rl.once('SIGINT', () => resolve(undefined))
        rl.question(question, resolve)
      })
      if (answer === undefined) {
        output.write('\n')
        throw new MfaError('cancelled: no code was entered; nothing was changed', {exitCode: EXIT.cancelled})
      }
      const code = answer.trim()
      const problem = req.problemWith(code)
      if (!problem) return code
      question = `${problem} MFA code: `
    }
  } finally {
    rl.removeAllListeners()
    rl.close()
  }
}
