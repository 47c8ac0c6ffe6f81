/**
 * kdialog: KDE's dialog. `kdialog --title TITLE --inputbox TEXT [INIT]` prints the entry on OK and
 * exits 1 on Cancel (kdialog --help; KDE's "Shell Scripting with KDE Dialogs"). The text is passed
 * as an argument, so no quoting is involved.
 */
import {dialogText, type PromptDriver, type PromptRequest} from './types.js'
import {entryOrCancel, findOnPath, runDialog} from './run.js'
import {hasDisplay} from './zenity.js'

export function kdialogArgs(request: PromptRequest): string[] {
  const {title, text} = dialogText(request)
  return ['--title', title, '--inputbox', text, '']
}

export const kdialog: PromptDriver = {
  name: 'kdialog',
  person: true,
  unavailable: env => (!findOnPath('kdialog', env) ? 'kdialog is not installed' : !hasDisplay(env) ? 'there is no desktop (neither DISPLAY nor WAYLAND_DISPLAY is set)' : undefined),
  async ask(request) {
    const answer = await runDialog('kdialog', kdialogArgs(request), request.env)
    return entryOrCancel('kdialog', answer, a => a.exitCode === 1)
  },
}
