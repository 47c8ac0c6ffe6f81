/**
 * A real OS keyring for tests: gnome-keyring's Secret Service on a private D-Bus session bus
 * (dbus-run-session), in a temporary home, unlocked with a passphrase on stdin. secret-tool (from
 * libsecret-tools) reads it independently of mfa's library.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {run} from './cli.js'

/** Every tool the keyring tests need (describeWith names the missing ones). */
export const KEYRING_TOOLS = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool']

/** The service mfa stores its items under (src/keys/keyring.ts). */
export const SERVICE = 'mfa-aws-keys'

export interface Keyring {
  /** What the CLI needs to reach this keyring. */
  env: {DBUS_SESSION_BUS_ADDRESS: string}
  /** The secret stored for an access key id, read by secret-tool; undefined when there is none. */
  lookup(accessKeyId: string): Promise<string | undefined>
  /** Stores an item as another program would. */
  store(accessKeyId: string, secret: string): Promise<void>
  /** Locks the login collection: the daemon restarts without the passphrase, as after a reboot. */
  lock(): Promise<void>
  stop(): Promise<void>
}

const PASSPHRASE = 'test passphrase'

/**
 * Starts dbus-run-session with a shell that starts gnome-keyring-daemon, prints the bus address
 * and waits for its stdin to close. With unlocked: false, no login collection is ever made. With
 * service: false, the bus has no Secret Service at all (nothing can be activated: a headless server).
 */
export async function startKeyring(options: {unlocked?: boolean; service?: boolean} = {}): Promise<Keyring> {
  const home = mkdtempSync(join(tmpdir(), 'mfa-keyring-'))
  const runtime = join(home, 'run')
  mkdirSync(runtime, {mode: 0o700})
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_RUNTIME_DIR: runtime,
    KEYRING_PASSPHRASE: PASSPHRASE,
    UNLOCK: options.unlocked === false || options.service === false ? '' : '1',
  }
  const busArgs: string[] = []
  if (options.service === false) {
    // A session bus like the standard one, without the directories of activatable services.
    const conf = join(home, 'bus.conf')
    writeFileSync(
      conf,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${runtime}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
`,
    )
    busArgs.push(`--config-file=${conf}`)
  }
  const script = [
    'if [ -n "$UNLOCK" ]; then printf %s "$KEYRING_PASSPHRASE" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1; fi',
    'echo "BUS=$DBUS_SESSION_BUS_ADDRESS"',
    'exec cat >/dev/null',
  ].join('\n')
  const child: ChildProcess = spawn('dbus-run-session', [...busArgs, '--', 'sh', '-c', script], {env, stdio: ['pipe', 'pipe', 'ignore']})
  const address = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('the test keyring did not start within 10 s')), 10_000)
    child.stdout!.setEncoding('utf8').on('data', d => {
      out += d
      const m = /BUS=(\S+)\n/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.on('exit', code => reject(new Error(`dbus-run-session ended (${code}) before the keyring started`)))
  })
  const clientEnv = {PATH: process.env.PATH, HOME: home, XDG_RUNTIME_DIR: runtime, DBUS_SESSION_BUS_ADDRESS: address}
  const daemonEnv = {...clientEnv, XDG_DATA_HOME: env.XDG_DATA_HOME}
  return {
    env: {DBUS_SESSION_BUS_ADDRESS: address},
    async lookup(accessKeyId) {
      const r = await run('secret-tool', ['lookup', 'service', SERVICE, 'username', accessKeyId], {env: clientEnv, timeoutMs: 10_000})
      return r.code === 0 ? r.stdout : undefined
    },
    async store(accessKeyId, secret) {
      const r = await run('secret-tool', ['store', '--label', `test ${accessKeyId}`, 'service', SERVICE, 'username', accessKeyId], {env: clientEnv, input: secret, timeoutMs: 10_000})
      if (r.code !== 0) throw new Error(`secret-tool store failed: ${r.stderr}`)
    },
    async lock() {
      // --replace makes the new daemon take the bus name; without --unlock the collection stays locked.
      const r = await run('gnome-keyring-daemon', ['--replace', '--daemonize', '--components=secrets'], {env: daemonEnv, timeoutMs: 10_000})
      if (r.code !== 0) throw new Error(`gnome-keyring-daemon --replace failed: ${r.stderr}`)
    },
    async stop() {
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.stdin!.end()
      let timer: NodeJS.Timeout | undefined
      await Promise.race([exited, new Promise(resolve => (timer = setTimeout(resolve, 5_000)))])
      clearTimeout(timer)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      rmSync(home, {recursive: true, force: true})
    },
  }
}
