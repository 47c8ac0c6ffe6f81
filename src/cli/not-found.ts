/**
 * oclif's command_not_found hook: `mfa logn` is a usage error like any other (src/cli/usage.ts).
 * On a terminal, @oclif/plugin-not-found asks "Did you mean login?" and runs it on yes; anywhere
 * else mfa names the closest command in the hint, measured the way that plugin measures it
 * (Levenshtein distance, fast-levenshtein), since a script cannot answer a question.
 */
import {createRequire} from 'node:module'
import type {Hook} from '@oclif/core'
import {EXIT, MfaError} from './errors.js'
import {usageHint, usageOf} from './usage.js'

const levenshtein = createRequire(import.meta.url)('fast-levenshtein') as {get(a: string, b: string): number}

const hook: Hook<'command_not_found'> = async function (opts) {
  const words = opts.id.split(':')
  // oclif reads `mfa env extra` as a command env:extra; it is `mfa env` with a word too many.
  const known = opts.config.findCommand(words[0])
  if (known) {
    const usage = usageOf({id: known.id, args: Object.values(known.args), hasFlags: Object.keys(known.flags).length > 0})
    throw new MfaError(`unexpected argument ${JSON.stringify(words.slice(1).join(' '))}`, {hint: usageHint(usage, known.id), exitCode: EXIT.usage})
  }
  const listed = 'Run `mfa help` to see every command.'
  if (opts.id.startsWith('-')) throw new MfaError(`unknown flag ${opts.id}: a flag comes after a command`, {hint: listed, exitCode: EXIT.usage})
  const typed = words.join(' ')
  const problem = `\`${typed}\` is not an mfa command`
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const {default: askDidYouMean} = await import('@oclif/plugin-not-found')
    const context = {
      ...this,
      // The question says it; the error line follows when the answer is no.
      warn: () => {},
      error: (): never => {
        throw new MfaError(problem, {hint: listed, exitCode: EXIT.usage})
      },
    }
    return askDidYouMean.call(context as never, opts)
  }
  const visible = opts.config.commands.filter(c => !c.hidden).map(c => c.id)
  const closest = visible.map(id => ({id, distance: levenshtein.get(opts.id, id)})).sort((a, b) => a.distance - b.distance)[0]
  const suggestion = closest ? `Did you mean \`mfa ${closest.id}\`? ` : ''
  throw new MfaError(problem, {hint: suggestion + listed, exitCode: EXIT.usage})
}

export default hook
