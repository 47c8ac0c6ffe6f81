import {quote} from 'shell-quote'

/**
 * Quotes words for a command shown to the user in a hint ("run `mfa login --profile 'my prof'`"),
 * so it can be copied into a shell as it is.
 */
export function quoteForHint(words: string[]): string {
  return quote(words)
}
