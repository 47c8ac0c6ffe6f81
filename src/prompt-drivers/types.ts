/**
 * A prompt driver asks for a one-time code when mfa needs one: on the terminal, in a desktop dialog,
 * from a YubiKey, or from a command. One file per driver; adding one is adding a file and a line in
 * index.ts.
 */
export interface PromptRequest {
  /** The profile with the keys, the profile the session is for (a role's), and the device: shown, so the person knows who asks. */
  profile: string
  requestedProfile?: string
  serial: string
  /** What is wrong with an answer (not six digits, already sent: a code works once), as the question put again says it; undefined for a good code. */
  problemWith(code: string): string | undefined
  /** The question, e.g. after a wrong answer: "The code is the 6 digits your device shows." */
  problem?: string
  /** mfa_ykman_account. */
  account?: string
  env: NodeJS.ProcessEnv
}

export interface PromptDriver {
  readonly name: string
  /** A person answers (asked again after a wrong answer); false for a source such as ykman. */
  readonly person: boolean
  /** Why it cannot ask here (not installed, no display), or undefined when it can. */
  unavailable(env: NodeJS.ProcessEnv): string | undefined
  /** The answer as given, or undefined when the person cancelled. */
  ask(request: PromptRequest): Promise<string | undefined>
}

/** Title and text of a dialog: which profile and device ask. */
export function dialogText(request: PromptRequest): {title: string; text: string} {
  const question = `MFA code for profile ${request.requestedProfile ?? request.profile}`
  return {
    title: `mfa: ${question}`,
    text: `${request.problem ? `${request.problem}\n\n` : ''}${question}\ndevice ${request.serial}`,
  }
}
