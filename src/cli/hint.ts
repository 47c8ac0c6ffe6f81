import {quote} from 'shell-quote'

/**
 * Quotes words for a command shown to the user in a hint ("run `mfa login --profile 'my prof'`"),
 * so it can be copied into a shell as it is. shell-quote fits here: short words read by a person.
 * The statements that `eval` runs use the single-quote rule of src/shells/sh.ts instead, which is
 * inert by construction (shell-quote switches between backslashes and quote styles by content).
 */
export function quoteForHint(words: string[]): string {
  // shell-quote would write arn\:aws\:iam...: words that need no quoting stay as they are.
  return words.map(w => (SAFE_WORD.test(w) ? w : quote([w]))).join(' ')
}

/** Characters no shell treats specially in a word (= not first: zsh expands =cmd): ARNs and most profile names. */
const SAFE_WORD = /^[\w@%+:,./-][\w@%+=:,./-]*$/

/** ` -p NAME` in an mfa command shown in a hint; nothing for the default profile. */
export function profileWords(profile: string): string {
  return profile === 'default' ? '' : ` -p ${quoteForHint([profile])}`
}

/** The command that logs a profile in, as every hint shows it. */
export function loginCommand(profile: string): string {
  return `mfa login${profileWords(profile)}`
}

/**
 * The first steps of a user who has no AWS profile at all: keys (in the file, or in the OS
 * keyring), then the MFA device, then a session. This is the one place that lists them.
 */
export function firstRunSteps(profile: string): string {
  const named = profile === 'default' ? '' : ` --profile ${quoteForHint([profile])}`
  return `Run \`aws configure${named}\` to add your long-term keys (or \`mfa keys add${profileWords(profile)}\` to keep them in the OS keyring), then \`mfa devices --save${profileWords(profile)}\` to record your MFA device, then \`${loginCommand(profile)}\`.`
}
