/**
 * ykman: the code of a YubiKey OATH account, `ykman oath accounts code --single ACCOUNT`, where
 * ACCOUNT is mfa_ykman_account, else the device's serial (the name AWS suggests when the key is set
 * up as a virtual device). A key that wants a touch says so on stderr, which the user sees.
 */
import type {PromptDriver, PromptRequest} from './types.js'
import {findOnPath, runDialog} from './run.js'
import {MfaError} from '../cli/errors.js'

export function ykmanArgs(request: PromptRequest): string[] {
  return ['oath', 'accounts', 'code', '--single', request.account ?? request.serial]
}

export const ykman: PromptDriver = {
  name: 'ykman',
  person: false,
  unavailable: env => (findOnPath('ykman', env) ? undefined : 'ykman (YubiKey Manager) is not installed'),
  async ask(request) {
    const answer = await runDialog('ykman', ykmanArgs(request), request.env, {stderr: 'inherit'})
    if (answer.exitCode !== 0) {
      throw new MfaError(`ykman found no code for OATH account "${request.account ?? request.serial}" (exit ${answer.exitCode})`, {
        hint: 'List the accounts with `ykman oath accounts list` and set mfa_ykman_account in the profile.',
      })
    }
    return answer.stdout.trim().split('\n')[0]
  },
}
