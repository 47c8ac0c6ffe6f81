/**
 * Private, atomic file writes: a temporary file beside the target, flushed, then renamed over it,
 * so a reader sees the old file or the new one and never a part. Nothing here widens a mode.
 */
import {chmodSync, closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {MfaError} from '../cli/errors.js'
import {displayPath} from './files.js'

/** Creates a directory (and its parents) private to the user; an existing one is left as it is. */
export function ensurePrivateDir(path: string): void {
  try {
    mkdirSync(path, {recursive: true, mode: 0o700})
  } catch (error) {
    // A recursive mkdir reports ENOENT for a read-only file system: ask the first missing level why.
    let missing = path
    while (dirname(missing) !== missing && !existsSync(dirname(missing))) missing = dirname(missing)
    try {
      mkdirSync(missing, {mode: 0o700})
    } catch (cause) {
      throw fileError(cause, 'create the directory', path)
    }
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
  let before: number | undefined
  try {
    before = statSync(target).mode & 0o777
    mode = before & 0o600
  } catch {}
  ensurePrivateDir(dirname(target))
  const prefix = `.${basename(target)}.mfa-`
  const temp = join(dirname(target), `${prefix}${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`)
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
    if (before !== undefined && before & 0o077) {
      process.stderr.write(`mfa: ${displayPath(target)} was readable by others (${before.toString(8).padStart(4, '0')}); it is now private (${mode.toString(8).padStart(4, '0')})\n`)
    }
    removeStrays(dirname(target), prefix)
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

/** Temporary files of writers that were killed before their rename: the file they meant to replace is intact. */
function removeStrays(dir: string, prefix: string): void {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(name.slice(prefix.length).split('-')[0])
    if (!Number.isInteger(pid) || pid === process.pid) continue
    try {
      process.kill(pid, 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
        try {
          unlinkSync(join(dir, name))
        } catch {}
      }
    }
  }
}

/** A user-facing error for a failed file operation; the file was left as it was. */
export function fileError(error: unknown, action: string, path: string): MfaError {
  const code = (error as NodeJS.ErrnoException)?.code
  const where = displayPath(path)
  const reason: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EFBIG: 'the file size limit was reached',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a part of the path is not a directory',
    EISDIR: 'it is a directory',
  }
  if (code && reason[code]) {
    return new MfaError(`could not ${action} ${where}: ${reason[code]}; nothing was changed`, {
      hint:
        code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG'
          ? 'Free some disk space, then try again.'
          : code === 'EROFS'
            ? 'Use a writable HOME, or point AWS_SHARED_CREDENTIALS_FILE and MFA_CACHE_DIR to a writable place.'
            : `Check the permissions of ${where} and its directory.`,
      cause: error,
    })
  }
  return new MfaError(`could not ${action} ${where}: ${(error as Error)?.message ?? String(error)}`, {cause: error})
}
