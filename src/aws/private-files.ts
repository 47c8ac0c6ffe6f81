/**
 * Private, atomic file writes: a temporary file beside the target, flushed, then renamed over it,
 * so a reader sees the old file or the new one and never a part. Nothing here widens a mode.
 */
import {chownSync, closeSync, constants, existsSync, fchmodSync, fstatSync, fsyncSync, ftruncateSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, type Stats, statSync, unlinkSync, writeSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {MfaError} from '../cli/errors.js'
import {say} from '../cli/output.js'
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

/** What a path holds, in words, when it is not a regular file. */
export function notAFile(stat: Stats): string | undefined {
  if (stat.isFile()) return undefined
  if (stat.isSymbolicLink()) return 'a symbolic link'
  if (stat.isDirectory()) return 'a directory'
  if (stat.isFIFO()) return 'a FIFO'
  if (stat.isSocket()) return 'a socket'
  return 'a device'
}

export type PrivateRead = {content?: string; problem?: string}

/**
 * Reads a file of mfa's own (the session cache, locks, used codes): never through a symbolic link
 * (O_NOFOLLOW), and only a regular file. O_NONBLOCK keeps a FIFO from blocking the open, so a FIFO
 * planted at the path is reported instead of freezing a prompt. A missing file is {}. A file that
 * group or others can read is made private through the open descriptor, and only when it is the
 * user's own (mfa never changes the mode of a file it did not create).
 */
export function readPrivateFile(path: string, onTightened?: (mode: number) => void): PrivateRead {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP') return {problem: 'it is a symbolic link'}
    return code === 'ENOENT' || code === 'ENOTDIR' ? {} : {problem: `it cannot be read (${code ?? 'error'})`}
  }
  try {
    const stat = fstatSync(fd)
    const odd = notAFile(stat)
    if (odd) return {problem: `it is ${odd}, not a file`}
    const uid = process.getuid?.()
    if (uid !== undefined && stat.uid !== uid) return {problem: `it belongs to another user (uid ${stat.uid})`}
    const mode = stat.mode & 0o777
    if (mode & 0o077) {
      fchmodSync(fd, mode & 0o600)
      onTightened?.(mode)
    }
    return {content: readFileSync(fd, 'utf8')}
  } catch (error) {
    return {problem: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`}
  } finally {
    closeSync(fd)
  }
}

export interface WriteOptions {
  /**
   * Whether a symbolic link at the path is written through (the user's AWS files, which dotfile
   * managers link) or replaced as a link (mfa's own cache, where a link is never followed).
   */
  followLinks?: boolean
  /** The owner and group to keep on a file that is replaced (root editing a user's file). */
  owner?: {uid: number; gid: number}
}

/**
 * Replaces a file's content atomically. A new file gets mode 0600; an existing file keeps its mode
 * minus any bits for group and others (a credentials file must not be readable by others).
 */
export function writeFileAtomic(path: string, content: string | Buffer, options: WriteOptions = {}): void {
  const follow = options.followLinks ?? true
  const target = follow ? resolveTarget(path) : path
  let mode = 0o600
  let before: number | undefined
  try {
    const stat = follow ? statSync(target) : lstatSync(target)
    // A link, FIFO or device in mfa's own directory is replaced by the rename below; its mode means nothing.
    if (stat.isFile()) {
      before = stat.mode & 0o777
      mode = before & 0o600
    }
  } catch {}
  // Made again if it was removed meanwhile (a cache directory cleaned up during a run).
  ensurePrivateDir(dirname(target))
  const prefix = `.${basename(target)}.mfa-`
  const temp = join(dirname(target), `${prefix}${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`)
  let fd: number | undefined
  try {
    fd = openSync(temp, 'wx', mode)
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    let off = 0
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off)
    // Through the descriptor: the name could be swapped for a link between close and chmod.
    fchmodSync(fd, mode)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    if (options.owner) keepOwner(temp, options.owner)
    renameSync(temp, target)
    if (before !== undefined && before & 0o077) {
      say(`mfa: ${displayPath(target)} was readable by others (${before.toString(8).padStart(4, '0')}); it is now private (${mode.toString(8).padStart(4, '0')})`)
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

/** Root editing a user's file (`sudo -E mfa login`) leaves it the user's, as `aws configure set` does. */
function keepOwner(path: string, owner: {uid: number; gid: number}): void {
  const now = statSync(path)
  if (now.uid !== owner.uid || now.gid !== owner.gid) chownSync(path, owner.uid, owner.gid)
}

/** Where a chain of symbolic links ends, also when it ends nowhere yet (a dotfile manager's link to a file to come). */
function linkEnd(path: string): string {
  let at = path
  for (let hops = 0; hops < 40; hops++) {
    try {
      if (!lstatSync(at).isSymbolicLink()) return at
    } catch {
      return at
    }
    at = resolve(dirname(at), readlinkSync(at))
  }
  return realpathSync(path)
}

/**
 * Replaces one of the AWS files: through symbolic links (a dangling one too, so the link stays),
 * keeping the file's owner and group. A file with more than one hard link is written in place
 * (under the caller's lock), so every name keeps seeing the same file; a reader may then see a
 * part-written file for a moment, which a rename would have avoided but at the cost of splitting
 * the links.
 */
export function writeAwsFile(path: string, bytes: Buffer): void {
  const target = linkEnd(path)
  let before
  try {
    before = statSync(target)
  } catch {}
  if (before && before.nlink > 1) return writeInPlace(target, bytes)
  writeFileAtomic(target, bytes, {owner: before && {uid: before.uid, gid: before.gid}})
}

function writeInPlace(target: string, bytes: Buffer): void {
  let fd: number | undefined
  try {
    fd = openSync(target, 'r+')
    let off = 0
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off, off)
    ftruncateSync(fd, bytes.length)
    fsyncSync(fd)
  } catch (error) {
    throw fileError(error, 'write', target)
  } finally {
    if (fd !== undefined) closeSync(fd)
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
