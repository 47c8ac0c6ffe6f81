/**
 * The prompt drivers by name, and the dialogs tried when there is no terminal (macOS; zenity or
 * kdialog with DISPLAY or WAYLAND_DISPLAY). Which one asks is chosen in src/session/ask-code.ts.
 */
import {kdialog} from './kdialog.js'
import {osascript} from './osascript.js'
import {terminal} from './terminal.js'
import type {PromptDriver} from './types.js'
import {ykman} from './ykman.js'
import {zenity} from './zenity.js'

export const DRIVERS: Record<string, PromptDriver> = {terminal, zenity, kdialog, osascript, ykman}

/** Dialogs tried, in order, when there is no terminal. */
export const DESKTOP = [osascript, zenity, kdialog]
