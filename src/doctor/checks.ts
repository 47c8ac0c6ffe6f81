/**
 * `mfa doctor`: what stands between a profile and a working MFA session, one finding per check,
 * each with what is wrong and how to fix it. Nothing is changed, no code is sent and mfa_process
 * is not run (it may use up a code): the only calls are to STS, an unsigned request for its clock
 * and GetCallerIdentity, which needs no code.
 */
import {checkExecServer} from './exec-server.js'
import {checkPromptDriver} from './prompt-driver.js'
import {accessSync, constants, statSync} from 'node:fs'
import {delimiter, join} from 'node:path'
import {parse as parseShell} from 'shell-quote'
import {type AwsFiles, configPath, credentialsPath, displayPath, homeDir, type LoadedFile, loadIniFile, profileSettings} from '../aws/files.js'
import {type CachedSession, cacheDir, readCache} from '../session/cache.js'
import {sourceOfSessionProfile} from '../session/session-profile.js'
import {MfaError} from '../cli/errors.js'
import type {IniSection} from '../aws/ini.js'
import {checkSerial, noMfaDevice, type ResolvedProfile, resolveProfile, sessionProfileName} from '../aws/profile.js'
import {loginCommand, quoteForHint} from '../cli/hint.js'
import {maskKeyId} from '../cli/redact.js'
import {stsContext, stsEndpoint} from '../aws/call-context.js'
import {secondsLeft, sessionFileFor} from '../session/ensure.js'
import {localTime} from '../cli/time.js'
import {MARKER_PROFILE, MARKER_SHELL} from '../shells/variables.js'
import {formatTimeLeft} from '../shells/segment.js'
import {withLongTermKeys} from '../keys/long-term.js'

/** skipped: the check could not be made (the clock, with no keys to call STS for). */
import type {CheckName, Finding} from '../cli/finding.js'
export type {CheckName, Finding, Status} from '../cli/finding.js'

export interface DoctorReport {
  profile: string
  /** True when no check found a problem (warnings allowed). */
  ok: boolean
  checks: Finding[]
}

/** More than this between this computer's clock and STS's breaks codes and signatures. */
export const MAX_SKEW_SECONDS = 120
/** A session with less than this left is worth a warning. */
const LOW_SECONDS = 600

/** A serial that checkSerial accepts, to check the keys apart from the device. */
const ANY_SERIAL = 'arn:aws:iam::000000000000:mfa/doctor'

/** Builtins of sh that mfa_process may start with (it runs through sh -c). */
const SH_BUILTINS = new Set(['echo', 'printf', 'read', 'cat', 'test', '[', 'eval', 'exec', 'command', '.', 'cd'])

export interface DoctorOptions {
  profile: string
  /** The profile came from AWS_PROFILE: when that is a session profile mfa wrote, check its source. */
  fromEnvironment?: boolean
  env: NodeJS.ProcessEnv
  /** The shell mfa runs in, for the install line of the integration. */
  shell?: string
  now?: number
}

/** A path as a command line takes it: ~/... when that needs no quoting, else quoted. */
function pathWord(path: string, env: NodeJS.ProcessEnv): string {
  const shown = displayPath(path, env)
  return /^[\w~./@%+=:,-]+$/.test(shown) ? shown : quoteForHint([path])
}

function fileCheck(check: 'config' | 'credentials', path: string, env: NodeJS.ProcessEnv): Finding {
  const shown = displayPath(path, env)
  let mode: number
  try {
    const stat = statSync(path)
    if (stat.isDirectory()) return {check, status: 'problem', message: `${shown} is a directory, not a file`, fix: `move it away; \`aws configure\` makes the file`}
    mode = stat.mode & 0o777
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      return {check, status: 'problem', message: `cannot look at ${shown}: ${(error as Error).message}`}
    }
    return check === 'credentials'
      ? {check, status: 'warning', message: `${shown} does not exist: it is where long-term keys usually are`, fix: 'run `aws configure` to add them'}
      : {check, status: 'warning', message: `${shown} does not exist: it is where mfa_serial and region usually are`, fix: 'add [default] with mfa_serial = arn:aws:iam::ACCOUNT:mfa/NAME'}
  }
  const octal = mode.toString(8).padStart(4, '0')
  try {
    accessSync(path, constants.R_OK)
  } catch {
    return {check, status: 'problem', message: `${shown} is not readable by you (${octal})`, fix: `run: chmod 600 ${pathWord(path, env)} (as its owner)`}
  }
  if (mode & 0o077) {
    const who = mode & 0o044 ? 'readable' : 'writable'
    return {check, status: 'problem', message: `${shown} is ${who} by others (${octal})`, fix: `run: chmod 600 ${pathWord(path, env)}`}
  }
  return {check, status: 'ok', message: `${shown} is readable and private (${octal})`}
}

/** The settings along a profile's source_profile chain, for what can be checked when it does not resolve. */
function chain(files: AwsFiles, name: string): IniSection[] {
  const out: IniSection[] = []
  const seen = new Set<string>()
  for (let current: string | undefined = name; current && !seen.has(current); ) {
    seen.add(current)
    const settings = profileSettings(files, current)
    if (!settings) break
    out.push(settings)
    current = settings.role_arn ? settings.source_profile : undefined
  }
  return out
}

function fromError(check: CheckName, error: unknown): Finding {
  if (error instanceof MfaError) return {check, status: 'problem', message: error.message, fix: error.hint}
  throw error
}

/** Where mfa_process's first word is, or why it cannot run; never runs it. */
function checkMfaProcess(command: string, env: NodeJS.ProcessEnv): Finding {
  const check = 'mfa_process'
  const words = parseShell(command, name => `$${name}`)
  let first: unknown
  for (const word of words) {
    if (typeof word === 'string' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue
    first = word
    break
  }
  if (typeof first !== 'string' || first === '') {
    return {check, status: 'problem', message: `mfa_process "${command}" does not start with a command`, fix: 'set it to a command that prints the code, e.g. ykman oath accounts code --single NAME'}
  }
  const executable = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK)
      return statSync(path).isFile()
    } catch {
      return false
    }
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

/**
 * This computer's clock against STS's Date header, from an unsigned GetCallerIdentity (STS
 * refuses it, and says when). The header counts whole seconds: the middle of that second is taken.
 */
async function checkClock(endpoint: string, timeoutMs: number): Promise<{finding: Finding; reachable: boolean}> {
  const check = 'clock'
  const started = Date.now()
  let date: string | null
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    date = response.headers.get('date')
    await response.body?.cancel()
  } catch (error) {
    const cause = (error as {cause?: {code?: string; message?: string}}).cause
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (cause?.code ?? cause?.message ?? (error as Error).message)
    const fix = "check your network (VPN, proxy) and AWS_ENDPOINT_URL_STS or the profile's endpoint_url"
    return {reachable: false, finding: {check, status: 'problem', message: `cannot reach STS at ${endpoint} to compare clocks: ${why}`, fix}}
  }
  const local = (started + Date.now()) / 2
  const server = date ? Date.parse(date) + 500 : NaN
  if (!Number.isFinite(server)) {
    const message = `STS at ${endpoint} answered without a Date header: the clock was not compared`
    return {reachable: true, finding: {check, status: 'warning', message, fix: 'check that AWS_ENDPOINT_URL_STS points at STS'}}
  }
  const skewSeconds = Math.round((local - server) / 1000)
  const {describeSkew} = await import('../session/sts.js')
  if (Math.abs(skewSeconds) > MAX_SKEW_SECONDS) {
    return {
      reachable: true,
      finding: {
        check,
        status: 'problem',
        message: `this computer's clock is ${describeSkew(skewSeconds * 1000)} STS's: codes from mfa_process and request signatures break`,
        fix: 'set the clock right, e.g. enable NTP: timedatectl set-ntp true',
        skewSeconds,
      },
    }
  }
  const amount = Math.abs(skewSeconds) <= 1 ? 'within 1 s of' : describeSkew(skewSeconds * 1000)
  return {reachable: true, finding: {check, status: 'ok', message: `this computer's clock is ${amount} STS's (${endpoint})`, skewSeconds}}
}

type Identity = (ctx: Parameters<typeof import('../session/sts.js').getCallerIdentity>[0]) => Promise<{Arn: string}>

/** The long-term keys, as STS sees them (GetCallerIdentity needs no code). */
async function checkKeys(resolved: ResolvedProfile, env: NodeJS.ProcessEnv, identity: Identity, reachable: boolean): Promise<Finding> {
  const {keys} = resolved
  const which = `long-term keys of profile "${keys.name}" (${maskKeyId(keys.accessKeyId)})`
  if (!reachable) return {check: 'keys', status: 'ok', message: `${which} are there (not checked with STS: it cannot be reached)`}
  try {
    const who = await identity(stsContext(await withLongTermKeys(resolved), env))
    return {check: 'keys', status: 'ok', message: `${which} belong to ${who.Arn}`}
  } catch (error) {
    return fromError('keys', error)
  }
}

async function checkSession(resolved: ResolvedProfile, profile: string, env: NodeJS.ProcessEnv, identity: Identity, reachable: boolean, now: number): Promise<{finding: Finding; session?: CachedSession}> {
  const check = 'session'
  const login = loginCommand(profile)
  const {session, problem} = readCache(sessionFileFor(resolved, cacheDir(env)))
  if (!session) {
    return problem
      ? {finding: {check, status: 'warning', message: `the cached session is unreadable (${problem}); the next login replaces it`, fix: `run: ${login}`}}
      : {finding: {check, status: 'warning', message: `no session for profile "${profile}" yet`, fix: `run: ${login}`}}
  }
  const left = secondsLeft(session, now)
  const expiration = session.Credentials.Expiration
  const until = localTime(new Date(expiration), new Date(now))
  if (left <= 0) {
    return {session, finding: {check, status: 'warning', message: `the session of profile "${profile}" expired at ${until}`, fix: `run: ${login}`, expiration, secondsLeft: 0}}
  }
  const who = session.Identity?.Arn ? ` for ${session.Identity.Arn}` : ''
  const message = `the session of profile "${profile}"${who} has ${formatTimeLeft(left)} left (until ${until})`
  if (reachable) {
    try {
      await identity(stsContext(resolved, env, {credentials: session.Credentials, profile}))
    } catch (error) {
      if (!(error instanceof MfaError)) throw error
      const rejected = `STS rejects the cached session of profile "${profile}": ${error.message}`
      return {session, finding: {check, status: 'problem', message: rejected, fix: `run: ${login} --force`, expiration, secondsLeft: left}}
    }
  }
  if (left < LOW_SECONDS) return {session, finding: {check, status: 'warning', message, fix: `run: ${login} --force`, expiration, secondsLeft: left}}
  return {session, finding: {check, status: 'ok', message, expiration, secondsLeft: left}}
}

/** AWS_* variables that compete with the session: stale keys, an expiry in the past, AWS_PROFILE elsewhere. */
function checkEnvironment(files: AwsFiles | undefined, profile: string, session: CachedSession | undefined, env: NodeJS.ProcessEnv, now: number): Finding[] {
  const check = 'environment'
  const out: Finding[] = []
  const use = `mfa use${profile === 'default' ? '' : ` ${quoteForHint([profile])}`}`
  const key = env.AWS_ACCESS_KEY_ID
  const inEnv = env[MARKER_PROFILE]
  if (key) {
    // The session that `mfa use` put there: of MFA_PROFILE, else of the profile checked.
    let expected = session
    if (inEnv && inEnv !== profile && files) {
      try {
        expected = readCache(sessionFileFor(resolveProfile(files, inEnv, {env}), cacheDir(env))).session
      } catch {
        expected = undefined
      }
    }
    if (expected && expected.Credentials.AccessKeyId === key) {
      if (inEnv && inEnv !== profile) {
        out.push({check, status: 'warning', message: `this shell holds the session of profile "${inEnv}", not of "${profile}"`, fix: `run: ${use}`})
      }
    } else if (/^AKIA/.test(key)) {
      out.push({check, status: 'problem', message: `AWS_ACCESS_KEY_ID holds a long-term key (${maskKeyId(key)}): tools use it, without MFA, instead of the session`, fix: `run: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY, then ${use}`})
    } else {
      out.push({check, status: 'problem', message: `AWS_ACCESS_KEY_ID (${maskKeyId(key)}) is not the key of ${inEnv ? `profile "${inEnv}"'s` : `profile "${profile}"'s`} session: it is left from an older session or another tool`, fix: `run: ${use} (or mfa clear)`})
    }
  }
  for (const name of ['AWS_CREDENTIAL_EXPIRATION', 'AWS_SESSION_EXPIRATION']) {
    const value = env[name]
    if (!value) continue
    const at = Date.parse(value)
    if (Number.isNaN(at)) out.push({check, status: 'warning', message: `${name}="${value}" is not a date`, fix: `run: ${use} (or mfa clear)`})
    else if (at <= now) out.push({check, status: 'problem', message: `${name} says the credentials in this shell expired at ${localTime(new Date(at), new Date(now))}`, fix: `run: ${use} (or mfa clear)`})
    break
  }
  const awsProfile = env.AWS_PROFILE
  if (awsProfile) {
    const sessionProfile = sessionProfileName(profile)
    const viaProcess = files ? /\bcredential-process\b/.test(profileSettings(files, awsProfile)?.credential_process ?? '') : false
    if (key) {
      out.push({check, status: 'warning', message: `AWS_PROFILE=${awsProfile} is set beside the keys in the environment: tools differ on which wins`, fix: 'run: unset AWS_PROFILE'})
    } else if (awsProfile !== sessionProfile && !viaProcess) {
      out.push({
        check,
        status: 'warning',
        message: `AWS_PROFILE=${awsProfile}: tools use profile "${awsProfile}" itself, not the session mfa keeps in "${sessionProfile}"`,
        fix: `run: export AWS_PROFILE=${quoteForHint([sessionProfile])}, or ${use}`,
      })
    }
  }
  if (out.length === 0) {
    const holds = key ? `this shell holds the session of profile "${inEnv ?? profile}"` : 'no AWS_* variable competes with the session'
    out.push({check, status: 'ok', message: holds})
  }
  return out
}

function checkShell(env: NodeJS.ProcessEnv, shell: string | undefined): Finding {
  const loaded = env[MARKER_SHELL]
  if (loaded) return {check: 'shell', status: 'ok', message: `the ${loaded} integration is loaded (mfa use, mfa clear, mfa_prompt, completion)`}
  const line: Record<string, string> = {
    bash: 'add eval "$(mfa init bash)" to ~/.bashrc',
    zsh: 'add eval "$(mfa init zsh)" to ~/.zshrc',
    fish: 'add mfa init fish | source to ~/.config/fish/config.fish',
    powershell: 'add mfa init powershell | Out-String | Invoke-Expression to $PROFILE',
  }
  return {
    check: 'shell',
    status: 'warning',
    message: 'the shell integration is not loaded in this shell (mfa use, mfa clear, the prompt segment, completion)',
    fix: (shell && line[shell]) || 'see mfa init --help',
  }
}

/** Runs every check; never throws an MfaError (each becomes a finding). */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const {env} = options
  const now = options.now ?? Date.now()
  const {findings: fileChecks, files} = checkFiles(env)
  const profile = files && options.fromEnvironment ? (sourceOfSessionProfile(files, options.profile) ?? options.profile) : options.profile
  const {findings: profileChecks, resolved, keysResolved} = files ? checkProfile(files, profile, env) : {findings: []}

  // STS: the clock first; the keys and the session only when it answers. With no keys there is
  // nothing mfa could ask STS for: no call, so no network error either.
  let clock: {finding: Finding; reachable: boolean} = {reachable: false, finding: {check: 'clock', status: 'skipped', message: 'not compared with STS: there are no keys to call it with yet'}}
  let session: {finding: Finding; session?: CachedSession} | undefined
  if (keysResolved) {
    const {callTimeoutMs, getCallerIdentity} = await import('../session/sts.js')
    clock = await checkClock(stsEndpoint(resolved ?? keysResolved, env), Math.min(callTimeoutMs(env), 10_000))
    // The keyring before the keys: when it cannot give the secret, STS is not asked about the keys.
    const keyring = files ? await (await import('./keyring.js')).checkKeyring(files, keysResolved.keys, env) : undefined
    if (keyring?.status !== 'problem') profileChecks.unshift(await checkKeys(keysResolved, env, getCallerIdentity, clock.reachable))
    if (keyring) profileChecks.unshift(keyring)
    if (resolved) session = await checkSession(resolved, profile, env, getCallerIdentity, clock.reachable, now)
  }

  const checks = [
    ...fileChecks,
    ...profileChecks,
    clock.finding,
    ...(session ? [session.finding] : []),
    ...checkEnvironment(files, profile, session?.session, env, now),
    checkShell(env, options.shell),
    await checkExecServer({
      env,
      profile,
      serial: resolved?.mfaSerial,
      promptSetting: files ? promptSetting(chain(files, profile), env) : env.MFA_PROMPT_DRIVER || undefined,
      mfaProcess: resolved?.mfaProcess,
    }),
  ]
  return {profile, ok: checks.every(c => c.status !== 'problem'), checks}
}

/** The config and credentials files: there, private, well formed; both loaded when they can be. */
function checkFiles(env: NodeJS.ProcessEnv): {findings: Finding[]; files?: AwsFiles} {
  const findings: Finding[] = []
  const loaded: Partial<Record<'config' | 'credentials', LoadedFile>> = {}
  for (const [check, path] of [['config', configPath(env)], ['credentials', credentialsPath(env)]] as const) {
    const finding = fileCheck(check, path, env)
    findings.push(finding)
    try {
      const file = loadIniFile(path, env)
      // The doctor checks every line, not only the sections a command would read.
      void file.doc
      loaded[check] = file
    } catch (error) {
      // Unreadable, a directory, or not well formed: the parse error replaces a fine-looking line.
      if (finding.status === 'ok') findings.pop()
      if (finding.status === 'ok' || !(error instanceof MfaError && /directory|permission denied/.test(error.message))) findings.push(fromError(check, error))
    }
  }
  return {findings, files: loaded.config && loaded.credentials ? {config: loaded.config, credentials: loaded.credentials} : undefined}
}

/** The prompt driver asked for: MFA_PROMPT_DRIVER, else mfa_prompt_driver along the profile's chain. */
function promptSetting(settings: IniSection[], env: NodeJS.ProcessEnv): string | undefined {
  return env.MFA_PROMPT_DRIVER || settings.map(s => s.mfa_prompt_driver?.trim()).find(Boolean)
}

/** The profile: its keys apart from its device (a placeholder device), then with its own; its mfa_process. */
function checkProfile(files: AwsFiles, profile: string, env: NodeJS.ProcessEnv): {findings: Finding[]; resolved?: ResolvedProfile; keysResolved?: ResolvedProfile} {
  const findings: Finding[] = []
  let resolved: ResolvedProfile | undefined
  let keysResolved: ResolvedProfile | undefined
  try {
    keysResolved = resolveProfile(files, profile, {env, serialNumber: ANY_SERIAL})
  } catch (error) {
    findings.push(fromError('keys', error))
  }
  const settings = chain(files, profile)
  if (keysResolved) {
    try {
      resolved = resolveProfile(files, profile, {env})
      findings.push({check: 'mfa_serial', status: 'ok', message: `the MFA device is ${resolved.mfaSerial}`})
    } catch (error) {
      findings.push(fromError('mfa_serial', error))
    }
  } else if (settings.length > 0) {
    findings.push(checkSerialSetting(settings, profile, files, env))
  }
  if (settings.length > 0) {
    const command = resolved?.mfaProcess ?? settings.map(s => s.mfa_process).find(Boolean)
    findings.push(
      command
        ? checkMfaProcess(command, env)
        : {check: 'mfa_process', status: 'ok', message: 'no mfa_process: mfa asks for the code on the terminal (or takes --token-code)'},
    )
    findings.push(
      checkPromptDriver({
        setting: promptSetting(settings, env),
        from: env.MFA_PROMPT_DRIVER ? 'MFA_PROMPT_DRIVER' : 'mfa_prompt_driver',
        mfaProcess: command,
        serial: resolved?.mfaSerial ?? '',
        profile,
        env,
      }),
    )
  }
  return {findings, resolved, keysResolved}
}

/** mfa_serial of a profile that does not resolve: what can be checked of it along its chain. */
function checkSerialSetting(settings: IniSection[], profile: string, files: AwsFiles, env: NodeJS.ProcessEnv): Finding {
  const serial = settings.map(s => s.mfa_serial).find(Boolean)
  try {
    if (!serial) throw noMfaDevice(profile, files.config.path, env)
    return {check: 'mfa_serial', status: 'ok', message: `the MFA device is ${checkSerial(serial, `mfa_serial of profile "${profile}"`)}`}
  } catch (error) {
    return fromError('mfa_serial', error)
  }
}
