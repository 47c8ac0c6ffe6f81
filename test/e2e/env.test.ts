/**
 * `mfa env`, `mfa init`, `mfa prompt` with the real CLI in real shells: the statements are
 * evaluated by bash, zsh, dash and fish, which find `mfa` on their PATH as a user's shell would.
 */
import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN} from '../helpers/cli.js'
import {clockTexts, leftTexts, oneOf, sameButTimeLeft, spanOf} from '../helpers/clock.js'
import {AWS_CLI, describeWith} from '../helpers/tools.js'
import {DEMO, makeWorld, type World} from '../helpers/world.js'

let world: World
let binDir: string

beforeEach(async () => {
  world = await makeWorld()
  // `mfa` on PATH, as after `npm link`: a wrapper that execs node, so mfa's parent is the shell.
  binDir = join(world.home, 'bin')
  mkdirSync(binDir)
  writeFileSync(join(binDir, 'mfa'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`, {mode: 0o755})
})
afterEach(async () => {
  await world.close()
})

const shellEnv = (extra: NodeJS.ProcessEnv = {}) => world.env({PATH: `${binDir}:${process.env.PATH}`, MFA_PROMPT_COLOR: '0', ...extra})
const inShell = (shell: string, script: string, extra: NodeJS.ProcessEnv = {}) => {
  const flags = shell === 'fish' ? ['--no-config', '-c'] : shell === 'zsh' ? ['-f', '-c'] : shell === 'bash' ? ['--noprofile', '--norc', '-c'] : ['-c']
  return world.run(shell, [...flags, script], {env: shellEnv(extra), cwd: world.home})
}

/** The cached session, as credential-process prints it. */
async function session(): Promise<{AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string}> {
  const r = await world.mfa(['credential-process'])
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout)
}

const PRINT_POSIX = `printf '%s|' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_SESSION_EXPIRATION" "$AWS_REGION" "$AWS_DEFAULT_REGION" "$MFA_PROFILE" "$MFA_EXPIRY" "\${AWS_PROFILE-unset}" "\${AWS_SECURITY_TOKEN-unset}"`
const PRINT_FISH = `for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_SESSION_EXPIRATION AWS_REGION AWS_DEFAULT_REGION MFA_PROFILE MFA_EXPIRY; printf '%s|' $$v; end; for v in AWS_PROFILE AWS_SECURITY_TOKEN; if set -q $v; printf '%s|' $$v; else; printf 'unset|'; end; end`

function expected(s: Awaited<ReturnType<typeof session>>): string {
  const epoch = String(Date.parse(s.Expiration) / 1000)
  return [s.AccessKeyId, s.SecretAccessKey, s.SessionToken, s.Expiration, s.Expiration, 'eu-west-1', 'eu-west-1', 'default', epoch, 'unset', 'unset'].join('|') + '|'
}

describe('eval "$(mfa env)" in each shell, the shell detected from the parent process', () => {
  for (const shell of ['bash', 'zsh', 'dash', 'fish']) {
    describeWith([shell], shell, () => {
      test('sets the session byte for byte, removes what competes, and chains', async () => {
        await world.mfa(['login', '-t', await world.freshCode()])
        const s = await session()
        const script =
          shell === 'fish'
            ? `mfa env | source; and ${PRINT_FISH}`
            : `set -eu; export AWS_PROFILE=default AWS_SECURITY_TOKEN=stale; eval "$(mfa env)" && ${PRINT_POSIX}`
        const r = await inShell(shell, script, shell === 'fish' ? {AWS_PROFILE: 'default', AWS_SECURITY_TOKEN: 'stale'} : {})
        expect(r.stderr).toBe('')
        expect(r.stdout).toBe(expected(s))
        expect(r.code).toBe(0)
      })

      test('--unset removes all of it and still chains', async () => {
        await world.mfa(['login', '-t', await world.freshCode()])
        const script =
          shell === 'fish'
            ? `mfa env | source; and mfa env --unset | source; and set -q AWS_ACCESS_KEY_ID MFA_PROFILE AWS_REGION; or echo gone`
            : `set -eu; eval "$(mfa env)" && eval "$(mfa env --unset)" && echo "\${AWS_ACCESS_KEY_ID-gone}\${MFA_PROFILE-}\${AWS_REGION-}"`
        const r = await inShell(shell, script)
        expect(r.stdout.trim()).toBe('gone')
        expect(r.code).toBe(0)
      })
    })
  }

  describeWith(['bash', AWS_CLI], 'the AWS CLI after eval', () => {
    test('eval "$(mfa env)" && aws sts get-caller-identity', async () => {
      await world.mfa(['login', '-t', await world.freshCode()])
      const r = await inShell('bash', `set -eu; eval "$(mfa env)" && ${AWS_CLI} sts get-caller-identity --endpoint-url ${world.sts.url} --query Arn --output text`, {AWS_PAGER: ''})
      expect(r.stdout.trim()).toBe(DEMO.userArn)
      expect(world.sts.calls.at(-1)!.accessKeyId).toMatch(/^ASIA/)
    })
  })

  describeWith(['fish', AWS_CLI], 'the AWS CLI after source in fish', () => {
    test('mfa env | source; and aws sts get-caller-identity', async () => {
      await world.mfa(['login', '-t', await world.freshCode()])
      const r = await inShell('fish', `mfa env | source; and ${AWS_CLI} sts get-caller-identity --endpoint-url ${world.sts.url} --query Arn --output text`, {AWS_PAGER: ''})
      expect(r.stdout.trim()).toBe(DEMO.userArn)
    })
  })
})

describe('mfa env: what it prints and refuses', () => {
  test('asks for the code like login does: with --token-code, a new session and a notice on stderr', async () => {
    const r = await world.mfa(['env', '--shell', 'json', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(new RegExp(`^mfa: new session for profile default until ${oneOf(clockTexts(world.expiration(), spanOf(r)))}\n$`))
    expect(JSON.parse(r.stdout)).toMatchObject({AWS_PROFILE: null, MFA_PROFILE: 'default', AWS_REGION: 'eu-west-1'})
  })

  test('no shell to detect: the supported names', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    // The CLI's parent is the test runner (node), and SHELL is not set.
    const r = await world.mfa(['env'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('mfa: cannot tell which shell this is\nhint: Name it with --shell: bash, zsh, fish, powershell, sh, json.\n')
    // $SHELL is the second opinion.
    const withShell = await world.mfa(['env'], {env: world.env({SHELL: '/usr/bin/fish'})})
    expect(withShell.stdout).toMatch(/^set -gx AWS_ACCESS_KEY_ID 'ASIA/m)
  })

  test('an unknown --shell lists the supported ones', async () => {
    const r = await world.mfa(['env', '--shell', 'tcsh'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^mfa: Expected --shell=tcsh to be one of: bash, zsh, fish, powershell, sh, json\n/)
  })

  test('the fast path and oclif print the same bytes', async () => {
    await world.mfa(['login', '-t', await world.freshCode()])
    for (const args of [['env', '--shell', 'bash'], ['env', '-s', 'fish', '--unset'], ['init', 'zsh'], ['prompt', '--no-color'], ['credential-process', '-p', 'default']]) {
      const fast = await world.mfa(args)
      const oclif = await world.mfa(args, {env: world.env({MFA_NO_FAST_PATH: '1'})})
      // Made a moment apart: the time left of the prompt may differ by the minute that passed.
      const stdout = sameButTimeLeft(fast.stdout, oclif.stdout)
      expect({args, code: oclif.code, stdout: stdout.b, stderr: oclif.stderr}).toEqual({args, code: fast.code, stdout: stdout.a, stderr: fast.stderr})
      expect({args, withinAMinute: stdout.same}).toEqual({args, withinAMinute: true})
      expect(fast.code).toBe(0)
    }
  })

  describeWith(['bash'], 'profile names and regions are data, never code', () => {
    test('a profile named $(touch PWNED) with a region full of quotes', async () => {
      const name = `x$(touch PWNED)\`touch PWNED\`'"`
      const region = `eu-west-1';touch PWNED;'`
      writeFileSync(world.configPath, `[profile ${name}]\nregion = ${region}\nmfa_serial = ${DEMO.mfaSerial}\n`)
      writeFileSync(world.credentialsPath, `[${name}]\naws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`)
      const r = await inShell('bash', `set -eu; eval "$(mfa env -p "$P" -t "$C")" && printf '%s\\n%s' "$MFA_PROFILE" "$AWS_REGION"`, {
        P: name,
        C: await world.freshCode(),
        // STS is called in a valid region (the SDK refuses a region that is not a host name); the profile's goes into the shell.
        AWS_REGION: 'eu-west-1',
      })
      expect(r.stderr).toMatch(/^mfa: new session/)
      expect(r.stdout).toBe(`${name}\n${region}`)
      expect(existsSync(join(world.home, 'PWNED'))).toBe(false)
      expect(readdirSync(world.home).filter(n => n.includes('PWNED'))).toEqual([])
    })
  })
})

describe('mfa init and mfa use / mfa clear with the real binary', () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    describeWith([shell], shell, () => {
      test('loads silently, then mfa use puts a session into this shell, the segment shows it, mfa clear takes it out', async () => {
        const code = await world.freshCode()
        const script =
          shell === 'fish'
            ? `mfa init fish | source; mfa use default -t ${code}; and echo "[$MFA_PROFILE]"(mfa_prompt); mfa clear; and set -q AWS_ACCESS_KEY_ID; or echo cleared; mfa doctor --json | string match -q '*the fish integration is loaded*'; and echo doctor-sees-it`
            : `eval "$(mfa init ${shell})"; mfa use default -t ${code} && echo "[$MFA_PROFILE]$(mfa_prompt)"; mfa clear && echo "\${AWS_ACCESS_KEY_ID-cleared}"; mfa doctor --json | grep -q 'the ${shell} integration is loaded' && echo doctor-sees-it`
        const r = await inShell(shell, script)
        const expiration = world.expiration()
        expect(r.stdout).toMatch(new RegExp(`^\\[default\\]aws:default ${oneOf(leftTexts(expiration, spanOf(r), 'seconds'))}\ncleared\ndoctor-sees-it\n$`))
        expect(r.stderr).toMatch(new RegExp(`^mfa: new session for profile default until ${oneOf(clockTexts(expiration, spanOf(r)))}\n$`))
        expect(world.sts.count('GetSessionToken')).toBe(1)
      })
    })
  }

  describeWith(['bash'], 'bash strict mode', () => {
    test('the real init output loads silently under -e -u -o pipefail', async () => {
      const r = await world.run('bash', ['--noprofile', '--norc', '-e', '-u', '-o', 'pipefail', '-c', 'eval "$(mfa init bash)"; eval "$(mfa init bash)"'], {env: shellEnv()})
      expect({code: r.code, stdout: r.stdout, stderr: r.stderr}).toEqual({code: 0, stdout: '', stderr: ''})
    })
  })
})

describe('mfa prompt', () => {
  test('the session in the environment, else the cached one; nothing without a session', async () => {
    expect((await world.mfa(['prompt'])).stdout).toBe('')
    await world.mfa(['login', '-t', await world.freshCode()])
    const cached = await world.mfa(['prompt'])
    expect(cached.stdout).toMatch(new RegExp(`^aws:default ${oneOf(leftTexts(world.expiration(), spanOf(cached), 'seconds'))}\n$`))
    const now = Math.floor(Date.now() / 1000)
    const expiry = (now + 5 * 60 + 30) * 1000
    const env = world.env({MFA_PROFILE: 'work', MFA_EXPIRY: String(expiry / 1000)})
    const plain = await world.mfa(['prompt'], {env})
    expect(plain.stdout).toMatch(new RegExp(`^aws:work ${oneOf(leftTexts(expiry, spanOf(plain), 'seconds'))}\n$`))
    const colored = await world.mfa(['prompt', '--color'], {env})
    expect(colored.stdout).toMatch(new RegExp(`^\u001B\\[33maws:work ${oneOf(leftTexts(expiry, spanOf(colored), 'seconds'))}\u001B\\[0m\n$`))
    expect((await world.mfa(['prompt', '--format', '%p (%t)'], {env: world.env({MFA_PROFILE: 'work', MFA_EXPIRY: String(now - 1)})})).stdout).toBe('work (expired)\n')
  })
})
