/**
 * Usage errors: a command line mfa cannot run as typed. Each is told in one line that names the
 * problem, with a hint that shows the right form, and exits with EXIT.usage (src/cli/errors.ts).
 * oclif's parser errors span several lines ("The following error occurred:", a list, "See more
 * help with --help"); usageProblem keeps what names the problem, in one line.
 */

/** An argument as a command declares it (oclif's Args). */
export interface UsageArg {
  name: string
  required?: boolean
  options?: readonly string[]
}

/** `mfa init bash|zsh|fish|powershell [FLAGS]`: the right form of a command, for the hint. */
export function usageOf({id, args, hasFlags}: {id: string; args: readonly UsageArg[]; hasFlags: boolean}): string {
  const words = args.map(a => {
    const word = a.options?.length ? a.options.join('|') : a.name.toUpperCase()
    return a.required ? word : `[${word}]`
  })
  return ['mfa', id, ...words, ...(hasFlags ? ['[FLAGS]'] : [])].join(' ')
}

/** The hint of every usage error of a known command: its right form and where its help is. */
export function usageHint(usage: string, id: string): string {
  return `Usage: ${usage}. See \`mfa ${id} --help\`.`
}

const ANSI = /\u001B\[[\d;]*m/g
const NOISE = [/^The following errors? occurred:$/, /^See more help with --help$/, /^Note: /, /^Alternatively, /]

/** One line from an oclif parse error's message: its header and help pointers dropped. */
export function usageProblem(error: {message: string; args?: UsageArg[]}): string {
  if (error.args?.length) return `missing ${error.args.map(a => a.name.toUpperCase()).join(', ')}`
  const lines = error.message
    .replace(ANSI, '')
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !NOISE.some(n => n.test(l)))
  return lines.join('; ').replace(/^Error: /, '').replace(/:$/, '')
}

/**
 * oclif wraps an error thrown by a flag's parse function (src/cli/profile-name.ts) as
 * "Parsing --NAME \n\t<message>\nSee more help with --help": the message as it was thrown.
 */
export function unwrapFlagParse(message: string): string {
  return /^Parsing --\S+ \n\t([^\n]*)\nSee more help with --help$/.exec(message)?.[1] ?? message
}
