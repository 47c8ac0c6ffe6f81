/**
 * JSON for programs: one object on one line, {"NAME": "value", "OTHER": null}, null meaning unset.
 * Keys keep the order of the changes (names are never integer-like, which JSON.stringify would
 * reorder); when a name repeats, the last change wins, as in the shells.
 */
import type {Shell} from './types.js'
import {checkChanges} from './common.js'

export const json: Shell = {
  name: 'json',
  render(changes) {
    checkChanges(changes)
    const object: Record<string, string | null> = {}
    for (const [name, value] of changes) {
      delete object[name]
      object[name] = value
    }
    return JSON.stringify(object) + '\n'
  },
}
