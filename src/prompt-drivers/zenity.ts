/**
 * zenity: a GTK dialog on a Linux desktop (X11 or Wayland). OK prints the entry; Cancel (or Escape,
 * or closing the window) exits 1, a timeout 5; anything else is a failure to ask, not a cancel.
 */
import {dialogText, type PromptDriver, type PromptRequest} from './types.js'
import {entryOrCancel, findOnPath, runDialog} from './run.js'

/** zenity reads --text as Pango markup: &, < and > must be entities. */
export function pangoEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function zenityArgs(request: PromptRequest): string[] {
  const {title, text} = dialogText(request)
  return ['--entry', `--title=${title}`, `--text=${pangoEscape(text)}`, '--width=440']
}

export function hasDisplay(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY)
}

export const zenity: PromptDriver = {
  name: 'zenity',
  person: true,
  unavailable: env => (!findOnPath('zenity', env) ? 'zenity is not installed' : !hasDisplay(env) ? 'there is no desktop (neither DISPLAY nor WAYLAND_DISPLAY is set)' : undefined),
  async ask(request) {
    const answer = await runDialog('zenity', zenityArgs(request), {NO_AT_BRIDGE: '1', ...request.env})
    return entryOrCancel('zenity', answer, a => a.exitCode === 1 || a.exitCode === 5)
  },
}
