import {writeHuman, writeJson} from '../cli/output.js'
import {type DoctorReport, type Finding, runDoctor} from '../doctor/checks.js'
import {detectShell} from '../shells/index.js'
import {defaultProfile} from './session-options.js'

export type DoctorFlags = {profile?: string; json?: boolean}

/** `mfa doctor`: the findings, one line each (or JSON); exit 1 when one is a problem. */
export async function doctorAction(flags: DoctorFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const report = await runDoctor({
    profile: flags.profile ?? defaultProfile(env),
    fromEnvironment: flags.profile === undefined,
    env,
    shell: detectShell({ppid: process.ppid, env}),
  })
  if (flags.json) writeJson(report)
  else writeHuman(human(report, env) + '\n')
  return report.ok ? 0 : 1
}

const SYMBOLS = {ok: '✓', warning: '!', problem: '✗', skipped: '-'}
const ASCII = {ok: 'v', warning: '!', problem: 'x', skipped: '-'}
const COLOURS = {ok: '\u001B[32m', warning: '\u001B[33m', problem: '\u001B[31m', skipped: '\u001B[2m'}

function human(report: DoctorReport, env: NodeJS.ProcessEnv): string {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || ''
  const symbols = /utf-?8/i.test(locale) ? SYMBOLS : ASCII
  const colour = Boolean(process.stdout.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb'
  const line = (f: Finding) => {
    const symbol = colour ? `${COLOURS[f.status]}${symbols[f.status]}\u001B[0m` : symbols[f.status]
    return `${symbol} ${f.check}: ${f.message}${f.fix ? `; ${f.fix}` : ''}`
  }
  return report.checks.map(line).join('\n')
}
