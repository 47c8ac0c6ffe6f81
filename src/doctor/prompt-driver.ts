/** `mfa doctor`'s prompt_driver line: which driver would ask for a code here, and whether it can. Nothing is run. */
import type {Finding} from './finding.js'
import {MfaError} from '../cli/errors.js'
import {DRIVERS} from '../prompt-drivers/index.js'
import {chooseDriver} from '../session/ask-code.js'
import {hasTerminal} from '../cli/terminal.js'

const FIX = 'set mfa_prompt_driver in the profile (terminal, zenity, kdialog, osascript, ykman, or a command that prints the code)'

export function checkPromptDriver(options: {setting?: string; from: string; mfaProcess?: string; serial: string; profile: string; env: NodeJS.ProcessEnv}): Finding {
  const check = 'prompt_driver'
  const {env, setting} = options
  const req = {prompt: setting, serial: options.serial, profile: options.profile, requestedProfile: options.profile}
  if (!setting && options.mfaProcess) return {check, status: 'ok', message: 'mfa_process gives the code; no prompt is needed'}
  try {
    const terminal = !setting && hasTerminal()
    const driver = chooseDriver({...req, terminal}, env)
    if (setting && !Object.hasOwn(DRIVERS, setting)) return {check, status: 'ok', message: `${options.from} is a command that prints the code (not run now: it may use up a code)`}
    if (setting) return {check, status: 'ok', message: `${options.from} is ${driver.name}, which can ask here`}
    if (driver.name === 'terminal') return {check, status: 'ok', message: 'the terminal asks for a code'}
    return {check, status: 'ok', message: `no terminal here: a ${driver.name} dialog asks for a code`}
  } catch (error) {
    if (!(error instanceof MfaError)) throw error
    if (setting) return {check, status: 'problem', message: error.message, fix: 'choose another with --prompt, MFA_PROMPT_DRIVER or mfa_prompt_driver'}
    return {check, status: 'warning', message: 'no terminal and no desktop dialog here: a command that needs a code fails at once', fix: FIX}
  }
}
