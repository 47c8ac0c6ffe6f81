/**
 * mfa's folder in the user's cache directory ($XDG_CACHE_HOME/mfa, else ~/.cache/mfa): files that
 * mfa can always make again (the shell integration the rc line sources, V8 code caches for the
 * running Node). Nothing here is secret; losing it costs one slower start.
 */
import {mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {os} from './builtins.js'

/** The folder; the shell lines in README compute the same: ${XDG_CACHE_HOME:-$HOME/.cache}/mfa. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || os().homedir(), '.cache'), 'mfa')
}

/**
 * Writes a cache file unless it already holds content: a temporary file renamed over it, so a
 * shell starting meanwhile reads the old file or the new one (a link in its place is replaced,
 * never followed). false when it cannot be written (a read-only HOME): the caller goes on without.
 */
export function writeCacheFile(path: string, content: string | Buffer): boolean {
  try {
    if (readFileSync(path).equals(Buffer.from(content))) return true
  } catch {}
  const temp = `${path}.${process.pid}.tmp`
  try {
    mkdirSync(dirname(path), {recursive: true, mode: 0o700})
    writeFileSync(temp, content, {mode: 0o600})
    renameSync(temp, path)
    return true
  } catch {
    try {
      unlinkSync(temp)
    } catch {}
    return false
  }
}
