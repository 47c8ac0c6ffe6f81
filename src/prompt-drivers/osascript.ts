/**
 * osascript: a macOS dialog through AppleScript's `display dialog`. The texts reach the script as
 * arguments of its run handler (`osascript -e 'on run argv' … ARG…`, osascript(1): arguments after
 * the script go to its run handler; the texts never start with -), never inside
 * the script's source: nothing to escape. Cancel makes `display dialog` fail with error -128, and
 * osascript exit 1.
 */
import {dialogText, type PromptDriver, type PromptRequest} from './types.js'
import {entryOrCancel, findOnPath, runDialog} from './run.js'

export const OSASCRIPT_SOURCE = [
  'on run argv',
  'text returned of (display dialog (item 1 of argv) with title (item 2 of argv) default answer "" buttons {"Cancel", "OK"} default button "OK" cancel button "Cancel" with icon note)',
  'end run',
]

export function osascriptArgs(request: PromptRequest): string[] {
  const {title, text} = dialogText(request)
  return [...OSASCRIPT_SOURCE.flatMap(line => ['-e', line]), text, title]
}

export const osascript: PromptDriver = {
  name: 'osascript',
  person: true,
  unavailable: env => (process.platform !== 'darwin' ? 'osascript dialogs need macOS' : !findOnPath('osascript', env) ? 'osascript is not found' : undefined),
  async ask(request) {
    const answer = await runDialog('osascript', osascriptArgs(request), request.env)
    // Cancel is AppleScript's error -128, "User canceled."; any other error is a failure to ask.
    return entryOrCancel('osascript', answer, a => /\(-128\)/.test(a.problem))
  },
}
