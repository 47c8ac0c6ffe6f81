/** `mfa doctor`'s mfa_process line: where its first word is, or why it cannot run. It is never run (it may use up a code). */
import {accessSync, constants, statSync} from 'node:fs'
import {delimiter, join} from 'node:path'
import {parse as parseShell} from 'shell-quote'
import {homeDir} from '../aws/files.js'
import {quoteForHint} from '../cli/hint.js'
import type {Finding} from './finding.js'

const check = 'mfa_process'

/** Builtins of sh that mfa_process may start with (it runs through sh -c). */
const SH_BUILTINS = new Set(['echo', 'printf', 'read', 'cat', 'test', '[', 'eval', 'exec', 'command', '.', 'cd'])

export function checkMfaProcess(command: string, env: NodeJS.ProcessEnv): Finding {
  const first = firstWord(command)
  if (typeof first !== 'string' || first === '') {
    return {check, status: 'problem', message: `mfa_process "${command}" does not start with a command`, fix: 'set it to a command that prints the code, e.g. ykman oath accounts code --single NAME'}
  }
  if (first.includes('/')) {
    const path = first === '~' || first.startsWith('~/') ? join(homeDir(env), first.slice(1)) : first
    return executable(path)
      ? {check, status: 'ok', message: `mfa_process runs ${first}, which is an executable file (not run now: it may use up a code)`}
      : {check, status: 'problem', message: `mfa_process runs ${first}, which is not an executable file`, fix: `install it there, or run: chmod +x ${quoteForHint([path])}`}
  }
  if (SH_BUILTINS.has(first)) return {check, status: 'ok', message: `mfa_process starts with ${first}, a shell builtin (not run now: it may use up a code)`}
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, first))) {
      return {check, status: 'ok', message: `mfa_process runs ${first}, found at ${join(dir, first)} (not run now: it may use up a code)`}
    }
  }
  return {check, status: 'problem', message: `mfa_process runs ${first}, which is not on PATH`, fix: `install ${first}, or give its full path in mfa_process`}
}

/** The command word, after any NAME=value assignments; not a string when it is an operator or nothing. */
function firstWord(command: string): unknown {
  for (const word of parseShell(command, name => `$${name}`)) {
    if (typeof word === 'string' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue
    return word
  }
  return undefined
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}
