/**
 * Private, atomic file writes: a temporary file beside the target, flushed, then renamed over it,
 * so a reader sees the old file or the new one and never a part. Nothing here widens a mode.
 */
import {chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {basename, dirname, join} from 'node:path'
import {MfaError} from './errors.js'
import {displayPath} from './aws-files.js'

/** Creates a directory (and its parents) private to the user; an existing one is left as it is. */
export function ensurePrivateDir(path: string): void {
  try {
    mkdirSync(path, {recursive: true, mode: 0o700})
  } catch (error) {
    throw fileError(error, 'create the directory', path)
  }
}

/** The file a path leads to: writes go through symbolic links (dotfile managers link ~/.aws/credentials). */
function resolveTarget(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path
  } catch {
    return path
  }
}

/**
 * Replaces a file's content atomically. A new file gets mode 0600; an existing file keeps its mode
 * minus any bits for group and others (a credentials file must not be readable by others).
 */
export function writeFileAtomic(path: string, content: string): void {
  const target = resolveTarget(path)
  let mode = 0o600
  try {
    mode = statSync(target).mode & 0o600
  } catch {}
  ensurePrivateDir(dirname(target))
  const temp = join(dirname(target), `.${basename(target)}.mfa-${process.pid}-${randomBytes(4).toString('hex')}`)
  let fd: number | undefined
  try {
    fd = openSync(temp, 'wx', mode)
    const bytes = Buffer.from(content, 'utf8')
    let off = 0
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    chmodSync(temp, mode)
    renameSync(temp, target)
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd)
      } catch {}
    }
    try {
      unlinkSync(temp)
    } catch {}
    throw fileError(error, 'write', target)
  }
}

/** A user-facing error for a failed file operation; the file was left as it was. */
export function fileError(error: unknown, action: string, path: string): MfaError {
  const code = (error as NodeJS.ErrnoException)?.code
  const where = displayPath(path)
  const reason: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a part of the path is not a directory',
    EISDIR: 'it is a directory',
  }
  if (code && reason[code]) {
    return new MfaError(`could not ${action} ${where}: ${reason[code]}; nothing was changed`, {
      hint: code === 'ENOSPC' || code === 'EDQUOT' ? 'Free some disk space, then try again.' : `Check the permissions of ${where} and its directory.`,
      cause: error,
    })
  }
  return new MfaError(`could not ${action} ${where}: ${(error as Error)?.message ?? String(error)}`, {cause: error})
}
