/**
 * Which prompt driver asks for a code, and the asking: the one named by --prompt, MFA_PROMPT_DRIVER
 * or mfa_prompt_driver (a known name, else a command); by default the terminal when there is one,
 * else a desktop dialog, else a failure at once that names mfa_prompt_driver. The exec server never
 * asks on the terminal: the command owns it. A cancel fails with exit 130 and sends no code. The
 * device lock around all this (in ensure.ts) makes N callers see one dialog.
 */
import {MfaError, EXIT} from '../cli/errors.js'
import {commandDriver} from '../prompt-drivers/command.js'
import {DESKTOP, DRIVERS} from '../prompt-drivers/index.js'
import {noTerminal, terminal} from '../prompt-drivers/terminal.js'
import type {PromptDriver, PromptRequest} from '../prompt-drivers/types.js'
import {type CodeRequest, CODE, noWayToAsk, wasUsed} from './codes.js'

/** A wrong answer in a dialog is asked again, this many times in all. */
const ATTEMPTS = 5

/** What is wrong with an answer, as the question put again says it; undefined for a good code. */
function codeProblem({code, used}: {code: string; used: boolean}): string | undefined {
  if (!CODE.test(code)) return 'The code is the 6 digits your device shows.'
  return used ? 'That code was already used (a code works once); wait for the next one.' : undefined
}

export function chooseDriver(req: Pick<CodeRequest, 'prompt' | 'terminal' | 'serial' | 'profile' | 'requestedProfile'>, env: NodeJS.ProcessEnv): PromptDriver {
  const name = req.prompt?.trim()
  if (name) {
    const known = Object.hasOwn(DRIVERS, name) ? DRIVERS[name] : undefined
    if (!known) return commandDriver(name)
    if (known === terminal && req.terminal === false) throw noWayToAsk(req)
    const why = known.unavailable(env)
    if (why) {
      throw new MfaError(`the prompt driver ${name} cannot ask for a code here: ${why}`, {
        hint: 'Choose another with --prompt, MFA_PROMPT_DRIVER or mfa_prompt_driver in the profile (terminal, zenity, kdialog, osascript, ykman, or a command that prints the code).',
      })
    }
    return known
  }
  if (req.terminal !== false && !terminal.unavailable(env)) return terminal
  const desktop = DESKTOP.find(d => !d.unavailable(env))
  if (desktop) return desktop
  throw req.terminal === false ? noWayToAsk(req) : noTerminal(req.serial)
}

export async function askForCode(req: CodeRequest): Promise<string> {
  const env = req.env ?? process.env
  const driver = chooseDriver(req, env)
  const request: PromptRequest = {
    profile: req.profile,
    requestedProfile: req.requestedProfile,
    serial: req.serial,
    account: req.ykmanAccount,
    env,
    problemWith: code => codeProblem({code, used: CODE.test(code) && wasUsed(req.cacheDir, req.serial, code)}),
  }
  for (let attempt = 1; ; attempt++) {
    const answer = await driver.ask(request)
    if (answer === undefined) throw new MfaError('cancelled: no code was entered; nothing was changed', {exitCode: EXIT.cancelled})
    const code = answer.trim()
    const problem = request.problemWith(code)
    if (!problem) return code
    if (!driver.person || attempt >= ATTEMPTS) {
      throw new MfaError(`the prompt driver ${driver.name} gave ${CODE.test(code) ? 'a code that was already used' : 'no 6-digit code'}`, {
        hint: driver.person ? 'Run the command again and give the 6 digits your device shows.' : 'Check that it prints the current code of the device in mfa_serial.',
      })
    }
    request.problem = problem
  }
}
