/**
 * The OS keyring, through @napi-rs/keyring (keyring-rs): Secret Service on Linux, Keychain on
 * macOS, Credential Manager on Windows. One item per long-term key: service "mfa-aws-keys", account
 * the access key id, secret the secret access key.
 *
 * The native module is loaded here, on first use only: the cached fast path never gets this far.
 * Every failure becomes one line that names the cause (no D-Bus, no keyring service, a locked
 * collection) and what to do.
 */
import {MfaError} from '../cli/errors.js'
import {maskKeyId} from '../cli/redact.js'
import {nodeModule} from '../startup/builtins.js'

export const KEYRING_SERVICE = 'mfa-aws-keys'

interface NativeEntry {
  setPassword(password: string): void
  getPassword(): string | null
  deletePassword(): boolean
}
interface NativeModule {
  Entry: new (service: string, account: string, options?: {linux?: {store?: 'secret-service' | 'keyutils'}}) => NativeEntry
}

let native: NativeModule | undefined

function load(): NativeModule {
  if (native) return native
  try {
    // require, not import(): the bundle for the fast path keeps the native module outside, and
    // loads it only here.
    native = nodeModule().createRequire(import.meta.url)('@napi-rs/keyring') as NativeModule
  } catch (error) {
    throw new MfaError(`the OS keyring cannot be used on ${process.platform}-${process.arch}: its native module did not load`, {
      hint: 'Keep the keys in ~/.aws/credentials (`mfa keys export`), or reinstall mfa for this platform.',
      cause: error,
    })
  }
  return native
}

/** The D-Bus keyring on Linux; elsewhere the platform's one. Never Linux's kernel keyring: it forgets everything at reboot. */
function entry(accessKeyId: string): NativeEntry {
  const {Entry} = load()
  return new Entry(KEYRING_SERVICE, accessKeyId, process.platform === 'linux' ? {linux: {store: 'secret-service'}} : undefined)
}

/** Why the keyring failed, as one line with a hint. */
export function describeKeyringError(error: unknown, action: string, env: NodeJS.ProcessEnv = process.env): MfaError {
  if (error instanceof MfaError) return error
  const message = String((error as Error)?.message ?? error)
  const fail = (what: string, hint: string) => new MfaError(`cannot ${action}: ${what}`, {hint, cause: error})
  const keepInFile = 'or keep this profile\'s keys in ~/.aws/credentials.'
  if (/not provided by any \.service files|ServiceUnknown|org\.freedesktop\.secrets/i.test(message)) {
    return fail(
      'no keyring service runs on the D-Bus session bus (a headless session: nothing provides org.freedesktop.secrets)',
      `Start one, e.g. \`gnome-keyring-daemon --start --components=secrets\` (or KeePassXC with Secret Service), ${keepInFile}`,
    )
  }
  if (/locked|prompt was dismissed|unlock/i.test(message)) {
    return fail(
      'the keyring collection is locked and no unlock prompt could be shown here',
      'Unlock it (log in to the desktop, Seahorse, or `gnome-keyring-daemon --replace --unlock --components=secrets` with the passphrase on stdin), then try again.',
    )
  }
  if (/autolaunch|DBUS_SESSION_BUS_ADDRESS|Failed to connect to socket|DBus error|dbus/i.test(message)) {
    const why = env.DBUS_SESSION_BUS_ADDRESS ? `DBUS_SESSION_BUS_ADDRESS points at no running bus` : 'DBUS_SESSION_BUS_ADDRESS is not set (SSH, cron, a container or WSL?)'
    return fail(
      `no D-Bus session bus to reach the keyring (${why})`,
      `Run mfa inside your desktop session, or start a bus and a keyring: \`dbus-run-session -- $SHELL\`, then \`gnome-keyring-daemon --unlock --components=secrets\` (it reads the passphrase on stdin); ${keepInFile}`,
    )
  }
  if (/no result found|no default collection|collection/i.test(message)) {
    return fail(
      'the keyring has no collection to keep items in (it was never set up)',
      'Create the login keyring: `gnome-keyring-daemon --replace --unlock --components=secrets` reads a new passphrase on stdin.',
    )
  }
  return fail(`the OS keyring failed: ${message.split('\n')[0].slice(0, 200)}`, 'Check that your keyring (Keychain, Credential Manager, Secret Service) is running and unlocked.')
}

function attempt<T>(action: string, work: () => T): T {
  try {
    return work()
  } catch (error) {
    throw describeKeyringError(error, action)
  }
}

/** The secret of a key, or undefined when the keyring has no item for it. */
export function readSecret(accessKeyId: string): string | undefined {
  return attempt(`read key ${maskKeyId(accessKeyId)} from the OS keyring`, () => entry(accessKeyId).getPassword() ?? undefined)
}

/** Stores a key's secret and reads it back: it returns only when the keyring really holds it. */
export function storeSecret(accessKeyId: string, secretAccessKey: string): void {
  const what = `store key ${maskKeyId(accessKeyId)} in the OS keyring`
  attempt(what, () => entry(accessKeyId).setPassword(secretAccessKey))
  const back = attempt(what, () => entry(accessKeyId).getPassword())
  if (back !== secretAccessKey) {
    throw new MfaError(`cannot ${what}: it did not give the secret back`, {hint: 'Check your keyring; nothing was changed in your files.'})
  }
}

/** Deletes a key's item; false when there was none. */
export function deleteSecret(accessKeyId: string): boolean {
  return attempt(`delete key ${maskKeyId(accessKeyId)} from the OS keyring`, () => entry(accessKeyId).deletePassword())
}
