import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {dirname, join, resolve} from 'node:path'
import {writeOut} from '../cli/output.js'
import {renderCompletion} from '../shells/completion.js'
import {renderInit} from '../shells/index.js'
import type {ShellName} from '../shells/types.js'

/** shell/ of the installed package, beside dist/ wherever npm put it (this code may be bundled into dist/fast.cjs). */
export function shellDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'shell', 'mfa.bash'))) return join(dir, 'shell')
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shell')
}

/** The path the scripts call: the one this process was started with (npm's bin link survives upgrades). */
export function binPath(): string {
  return resolve(process.argv[1] ?? 'mfa')
}

/** `mfa init SHELL`: the integration script for the rc file, with the binary's path filled in, then the completion. */
export function initAction(shell: ShellName): void {
  const dir = shellDir()
  writeOut(renderInit(shell, binPath(), dir) + renderCompletion(shell, dir))
}
