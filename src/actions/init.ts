import {accessSync, constants, existsSync, readFileSync, realpathSync, statSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {delimiter, dirname, join, resolve} from 'node:path'
import {writeOut} from '../cli/output.js'
import {renderCompletion} from '../shells/completion.js'
import {type CacheStamp, cachedInitName, renderCachedInit, renderInit} from '../shells/index.js'
import type {ShellName} from '../shells/types.js'
import {userCacheDir, writeCacheFile} from '../startup/user-cache.js'

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
  const integration = renderInit(shell, binPath(), dir) + renderCompletion(shell, dir)
  cacheInit({shell, dir, integration})
  writeOut(integration)
}

/** The first mfa on PATH, as a shell would find it. */
function firstOnPath(path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    const file = join(dir || '.', 'mfa')
    try {
      if (!statSync(file).isFile()) continue
      accessSync(file, constants.X_OK)
      return file
    } catch {}
  }
  return undefined
}

/**
 * Which mfa this is, when it is the first mfa on PATH (the one the rc line's fallback runs);
 * undefined otherwise, or on Windows, where npm puts shims on PATH instead of the file.
 */
function stampOfThisMfa(dir: string): CacheStamp | undefined {
  if (process.platform === 'win32') return undefined
  try {
    const found = firstOnPath(process.env.PATH ?? '')
    const real = realpathSync(binPath())
    if (!found || realpathSync(found) !== real) return undefined
    const packageJson = join(dirname(dir), 'package.json')
    const {version} = JSON.parse(readFileSync(packageJson, 'utf8')) as {version?: unknown}
    return typeof version === 'string' ? {found, real, packageJson, version} : undefined
  } catch {
    return undefined
  }
}

/**
 * Keeps the copy the README's rc line sources (${XDG_CACHE_HOME:-~/.cache}/mfa/init.SHELL) up to
 * date, so that a new shell loads the integration without starting mfa. Best effort: without it,
 * the line runs `mfa init` as before.
 */
function cacheInit(opts: {shell: ShellName; dir: string; integration: string}): void {
  const stamp = stampOfThisMfa(opts.dir)
  if (!stamp) return
  const cached = renderCachedInit({shell: opts.shell, shellDir: opts.dir, stamp, integration: opts.integration})
  writeCacheFile(join(userCacheDir(), cachedInitName(opts.shell)), cached)
}
