/**
 * The AWS files as the AWS CLI reads them (issue: hardening, the AWS files side): mfa edits only
 * what it wrote, reads the dialect botocore reads, keeps every byte, and checks what it can before
 * a one-time code is spent. Each case runs bin/run.cjs against the local STS server; botocore
 * (through the real AWS CLI v2) is the second reader.
 */
import {chownSync, existsSync, linkSync, lstatSync, mkdirSync, rmSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN} from '../helpers/cli.js'
import {AWS_CLI, describeWith} from '../helpers/tools.js'
import {DEMO, DEMO_CONFIG, DEMO_CREDENTIALS, makeWorld, type World} from '../helpers/world.js'

let world: World
beforeEach(async () => {
  world = await makeWorld()
})
afterEach(async () => {
  await world.close()
})

const gst = () => world.sts.count('GetSessionToken', c => c.ok)
const usedCodes = () => (existsSync(world.cacheDir) ? readdirSync(world.cacheDir).filter(n => n.startsWith('used-')) : [])
const bytes = (path: string) => readFileSync(path)
const KEYS = `aws_access_key_id = ${DEMO.accessKeyId}\naws_secret_access_key = ${DEMO.secretAccessKey}\n`
const DEV_CONFIG = `[profile dev]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\n`

/** The AWS CLI v2 (botocore) on the world's files. */
function aws(args: string[], extra: NodeJS.ProcessEnv = {}) {
  const endpoint = args.includes('sts') ? ['--endpoint-url', world.sts.url] : []
  return world.run(AWS_CLI, [...args, ...endpoint, '--output', 'json'], {env: world.env({AWS_PAGER: '', ...extra})})
}

describe("a user's [dev-mfa] of any spelling is never taken over", () => {
  const cases: Array<[string, {config?: string; credentials?: string}]> = [
    ['upper-case key names in the credentials file', {credentials: `[dev]\n${KEYS}\n[dev-mfa]\nAWS_ACCESS_KEY_ID = AKIAUSER\nAWS_SECRET_ACCESS_KEY = userSecret\nAWS_SESSION_TOKEN = userToken\nX_SECURITY_TOKEN_EXPIRES = 2030-01-01T00:00:00Z\n`}],
    ['a role profile named dev-mfa in the config file', {config: `${DEV_CONFIG}\n[profile dev-mfa]\nrole_arn = ${DEMO.roleArn}\nsource_profile = dev\n`}],
    ['a credential_process profile named dev-mfa in the config file', {config: `${DEV_CONFIG}\n[profile dev-mfa]\ncredential_process = /bin/echo {}\n`}],
    ['credential_process in [dev-mfa] of the credentials file', {credentials: `[dev]\n${KEYS}\n# mine\n[dev-mfa]\ncredential_process = /bin/echo {}\n`}],
    ['a session of my own with a comment and another key', {credentials: `[dev]\n${KEYS}\n[dev-mfa]\naws_access_key_id = ASIAUSER\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2030-01-01T00:00:00Z\nregion = us-east-1\n`}],
  ]
  test.each(cases)('%s: login stops before the code, logout leaves it', async (_name, files) => {
    writeFileSync(world.configPath, files.config ?? DEV_CONFIG)
    writeFileSync(world.credentialsPath, files.credentials ?? `[dev]\n${KEYS}`)
    const before = world.snapshot()
    const r = await world.mfa(['login', '-p', 'dev', '-t', await world.freshCode()])
    expect(r.stderr).toMatch(/^mfa: \[(profile )?dev-mfa\] in ~\/\.aws\/(credentials|config) is not a section mfa wrote; mfa would keep the session of profile "dev" there, and will not take it over\nhint: Rename your profile "dev-mfa"/)
    expect(r.code).toBe(1)
    expect(gst()).toBe(0)
    expect(usedCodes()).toEqual([])
    // Without a code at all, the same refusal comes before any question for one.
    expect((await world.mfa(['login', '-p', 'dev'])).stderr).toMatch(/is not a section mfa wrote/)
    expect((await world.mfa(['logout', '-p', 'dev'])).code).toBe(0)
    expect((await world.mfa(['logout', '--all'])).code).toBe(0)
    const after = world.snapshot()
    for (const path of Object.keys(before)) expect(after[path]).toBe(before[path])
  })
})

describe('logout is the exact inverse of login', () => {
  test('a last line without a line ending, a last blank line, a file mfa created: all as they were', async () => {
    const credentials = `# keys\n[default]\n${KEYS}\n`
    const config = `[default]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}`
    for (const [creds, conf] of [[credentials, config], [credentials.trimEnd(), config + '\n\n']]) {
      writeFileSync(world.credentialsPath, creds)
      writeFileSync(world.configPath, conf)
      expect((await world.mfa(['login', '--force', '-t', await world.freshCode()])).code).toBe(0)
      expect(world.read(world.credentialsPath)).toMatch(/\[mfa\]/)
      expect((await world.mfa(['logout'])).code).toBe(0)
      expect(world.read(world.credentialsPath)).toBe(creds)
      expect(world.read(world.configPath)).toBe(conf)
    }
  })

  test('a credentials file that did not exist is removed again', async () => {
    // The long-term keys are in the config file (botocore reads them there too): no credentials file.
    writeFileSync(world.configPath, `${DEMO_CONFIG}${KEYS}`)
    rmSync(world.credentialsPath)
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    expect(world.read(world.credentialsPath)).toMatch(/^\[mfa\]\n/)
    expect((await world.mfa(['logout'])).code).toBe(0)
    expect(existsSync(world.credentialsPath)).toBe(false)
    expect(world.read(world.configPath)).toBe(`${DEMO_CONFIG}${KEYS}`)
  })
})

describe('bytes are kept', () => {
  test('a Latin-1 é in a comment of either file survives login and logout, byte for byte', async () => {
    const latin1 = (s: string) => Buffer.from(s, 'latin1')
    const creds = Buffer.concat([latin1('# cl\xe9s de d\xe9mo\n'), Buffer.from(DEMO_CREDENTIALS)])
    const conf = Buffer.concat([latin1('; r\xe9gion\n'), Buffer.from(DEMO_CONFIG)])
    writeFileSync(world.credentialsPath, creds)
    writeFileSync(world.configPath, conf)
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    expect(bytes(world.credentialsPath).subarray(0, creds.length).equals(creds)).toBe(true)
    expect((await world.mfa(['logout'])).code).toBe(0)
    expect(bytes(world.credentialsPath).equals(creds)).toBe(true)
    expect(bytes(world.configPath).equals(conf)).toBe(true)
  })
})

describe('checked before a code is spent', () => {
  test('a profile name with brackets is written as botocore reads it, where it was refused after the code', async () => {
    writeFileSync(world.configPath, `[profile x[y]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\n`)
    writeFileSync(world.credentialsPath, `[x[y]\n${KEYS}`)
    const r = await world.mfa(['login', '-p', 'x[y', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    expect(world.read(world.credentialsPath)).toMatch(/^\[x\[y-mfa\]$/m)
  })

  test('a read-only credentials file is found before the code is used', async () => {
    const script = `set -e
      mount --bind -o ro "$HOME/.aws/credentials" "$HOME/.aws/credentials" 2>/dev/null || { mount --bind "$HOME/.aws/credentials" "$HOME/.aws/credentials"; mount -o remount,bind,ro "$HOME/.aws/credentials"; }
      set +e; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} login -t "$CODE"; echo "exit=$?"`
    const r = await world.run('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {env: world.env({CODE: await world.freshCode()})})
    expect(r.stderr).toMatch(/^mfa: cannot write ~\/\.aws\/credentials: the file system is read-only; no code was used\nhint: /)
    expect(r.stdout).toBe('exit=1\n')
    expect(gst()).toBe(0)
  })
})

describe('a read-only ~/.aws: env and exec need only the cache', () => {
  test('they warn once per new session and go on', async () => {
    const mfaCmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`
    const script = `set -e
      mount --bind "$HOME/.aws" "$HOME/.aws" && mount -o remount,bind,ro "$HOME/.aws"
      set +e
      ${mfaCmd} env --shell bash -t "$CODE" >/tmp/ro-out 2>/tmp/ro-err1; echo "env=$?"
      ${mfaCmd} exec -- sh -c 'test -n "$AWS_SESSION_TOKEN"' 2>/tmp/ro-err2; echo "exec=$?"
      grep -c AWS_SESSION_TOKEN /tmp/ro-out; cat /tmp/ro-err1 /tmp/ro-err2`
    const env = world.env({CODE: await world.freshCode(), MFA_CACHE_DIR: join(world.home, 'cache')})
    const r = await world.run('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {env})
    const [envCode, execCode, exported, ...stderr] = r.stdout.trimEnd().split('\n')
    expect([envCode, execCode, exported]).toEqual(['env=0', 'exec=0', '1'])
    const warnings = stderr.filter(l => /not kept in profile "mfa"/.test(l))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^mfa: the session is cached, but not kept in profile "mfa": could not write ~\/\.aws\/(credentials|config): the file system is read-only/)
    expect(gst()).toBe(1)
  })
})

describe('mfa exec and bytes that are not UTF-8', () => {
  test('an argument or a variable that Node cannot pass on unchanged is refused before the code', async () => {
    const script = (prefix: string, arg: string) => `${prefix} ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} exec -t "$CODE" -- printf %s ${arg}`
    const arg = await world.run('sh', ['-c', script('', '"$(printf "caf\\351")"')], {env: world.env({CODE: await world.freshCode()})})
    expect(arg.stderr).toMatch(/^mfa: an argument holds bytes that are not UTF-8; mfa exec cannot pass them on unchanged and will not run a different command\nhint: /)
    expect(arg.code).toBe(1)
    expect(arg.stdout).toBe('')
    const variable = await world.run('sh', ['-c', script('LATIN="$(printf "caf\\351")"', 'ok')], {env: world.env({CODE: await world.freshCode()})})
    expect(variable.stderr).toMatch(/^mfa: the environment variable LATIN holds bytes that are not UTF-8/)
    expect(variable.stdout).toBe('')
    expect(gst()).toBe(0)
  })
})

describe('the dialect botocore reads', () => {
  test('key: value, continuation lines, CR-only line endings and upper-case names anywhere do not stop mfa', async () => {
    const other = '[profile other]\routput: json\rdescription = first\r  second\rREGION = us-east-1\r'
    writeFileSync(world.configPath, `${other}\r[default]\rRegion = eu-west-1\rmfa_serial: ${DEMO.mfaSerial}\r`)
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.stderr).not.toMatch(/line \d/)
    expect(r.code).toBe(0)
    // The region was read from `Region`, and the new section has the file's own line endings.
    expect(world.read(world.configPath)).toBe(`${other}\r[default]\rRegion = eu-west-1\rmfa_serial: ${DEMO.mfaSerial}\r\r[profile mfa]\rregion = eu-west-1\rmfa_source_profile = default\r`)
  })

  test('a line botocore refuses too is refused, with its line number and without its content', async () => {
    writeFileSync(world.configPath, `${DEMO_CONFIG}[profile other]\nsecretwithoutdelimiter\n`)
    const r = await world.mfa(['login', '-t', await world.freshCode()])
    expect(r.stderr).toMatch(/^mfa: ~\/\.aws\/config line 5: expected "key = value", "\[section\]" or a comment\n/)
    expect(r.stderr).not.toMatch(/secretwithoutdelimiter/)
    expect(gst()).toBe(0)
  })
})

describe('large AWS files (over 256 KiB, searched a block at a time)', () => {
  test('login, env, the AWS CLI and logout work on them as on small ones, and logout gives back every byte', async () => {
    let config = ''
    let credentials = ''
    for (let i = 0; i < 4000; i++) {
      config += `[profile p${i}]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/user${i}\n`
      credentials += `[p${i}]\naws_access_key_id = AKIA${String(i).padStart(12, '0')}\naws_secret_access_key = ${'x'.repeat(40)}\n`
    }
    config += DEMO_CONFIG
    credentials += DEMO_CREDENTIALS
    writeFileSync(world.configPath, config)
    writeFileSync(world.credentialsPath, credentials)
    expect(Math.min(config.length, credentials.length)).toBeGreaterThan(256 * 1024)
    const before = world.snapshot()
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    const env = await world.mfa(['env', '--shell', 'bash'])
    expect(env.code).toBe(0)
    const id = /^export AWS_ACCESS_KEY_ID=(\S+)$/m.exec(env.stdout)?.[1]
    expect(id).toMatch(/^'?ASIA/)
    // botocore reads the session profile mfa kept at the end of the large credentials file.
    const who = aws(['sts', 'get-caller-identity', '--profile', 'mfa'])
    expect((await who).code).toBe(0)
    expect(world.read(world.credentialsPath)).toContain(`[mfa]\naws_access_key_id = ${id!.replace(/'/g, '')}\n`)
    expect((await world.mfa(['logout'])).code).toBe(0)
    const after = world.snapshot()
    for (const path of [world.configPath, world.credentialsPath]) expect(after[path]).toBe(before[path])
  })
})

describe('paths and what is not a regular file', () => {
  test('AWS_SHARED_CREDENTIALS_FILE is expanded like botocore: $VAR and ~', async () => {
    writeFileSync(join(world.home, 'creds'), DEMO_CREDENTIALS)
    const cwd = join(world.home, 'cwd')
    mkdirSync(cwd)
    const r = await world.mfa(['login', '-t', await world.freshCode()], {env: world.env({AWS_SHARED_CREDENTIALS_FILE: '$HOME/creds'}), cwd})
    expect(r.code).toBe(0)
    expect(world.read(join(world.home, 'creds'))).toMatch(/\[mfa\]/)
    expect(readdirSync(cwd)).toEqual([])
  })

  test('a character device as the credentials file is refused and left alone', async () => {
    const r = await world.mfa(['login', '-t', await world.freshCode()], {env: world.env({AWS_SHARED_CREDENTIALS_FILE: '/dev/null'})})
    expect(r.stderr).toMatch(/^mfa: \/dev\/null is not a regular file/)
    expect(r.code).toBe(1)
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true)
    expect(gst()).toBe(0)
  })

  test('a dangling dotfiles link stays a link: the file is created where it points', async () => {
    const dotfiles = join(world.home, 'dotfiles')
    mkdirSync(dotfiles)
    const link = join(world.home, 'aws-config')
    symlinkSync(join(dotfiles, 'aws-config'), link)
    // The profile's settings come from the credentials file; the config link points nowhere yet.
    writeFileSync(world.credentialsPath, `[default]\n${KEYS}mfa_serial = ${DEMO.mfaSerial}\nregion = eu-west-1\n`)
    expect((await world.mfa(['login', '-t', await world.freshCode()], {env: world.env({AWS_CONFIG_FILE: link})})).code).toBe(0)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(dotfiles, 'aws-config'), 'utf8')).toMatch(/\[profile mfa\]/)
  })

  test('a hard-linked credentials file is written in place: both names still share it', async () => {
    const other = join(world.home, 'credentials-link')
    linkSync(world.credentialsPath, other)
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    expect(statSync(other).ino).toBe(statSync(world.credentialsPath).ino)
    expect(readFileSync(other, 'utf8')).toMatch(/\[mfa\]/)
  })

  test('root editing a user’s files keeps their owner and group', async () => {
    if (process.getuid?.() !== 0) return
    chownSync(world.credentialsPath, 4321, 4322)
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    const st = statSync(world.credentialsPath)
    expect([st.uid, st.gid]).toEqual([4321, 4322])
  })
})

describeWith([AWS_CLI], "the README's credential_process recipe, read by the AWS CLI", () => {
  test('keeps calling mfa after the session expires: no static keys shadow the recipe', async () => {
    const codeFile = join(world.home, 'code')
    writeFileSync(
      world.configPath,
      `[profile admin]\nregion = eu-west-1\nmfa_serial = ${DEMO.mfaSerial}\nmfa_process = cat ${codeFile}\n\n[profile admin-mfa]\nregion = eu-west-1\ncredential_process = ${process.execPath} ${BIN} credential-process --profile admin\n`,
    )
    writeFileSync(world.credentialsPath, `[admin]\n${KEYS}`)
    const identity = async () => {
      writeFileSync(codeFile, world.sts.code(DEMO.mfaSerial) + '\n')
      return aws(['--profile', 'admin-mfa', 'sts', 'get-caller-identity'])
    }
    const first = await identity()
    expect(first.stderr).toBe('')
    expect(JSON.parse(first.stdout).Arn).toBe(DEMO.userArn)
    expect(world.read(world.credentialsPath)).toBe(`[admin]\n${KEYS}`)
    // Its time comes, for the server and for mfa's cache (no waiting: the server ends it, and the
    // cache entry says what the clock would).
    world.sts.expireIssued()
    const cached = join(world.cacheDir, readdirSync(world.cacheDir).find(n => n.startsWith('session-'))!)
    const entry = JSON.parse(readFileSync(cached, 'utf8'))
    entry.Credentials.Expiration = new Date(Date.now() - 60_000).toISOString()
    writeFileSync(cached, JSON.stringify(entry))
    // The code file gets the next window's code: the first one is spent.
    world.sts.setClockOffset(30_000)
    const later = await identity()
    expect(later.stderr).toBe('')
    expect(JSON.parse(later.stdout).Arn).toBe(DEMO.userArn)
    expect(gst()).toBe(2)
  })

  test('keys the user adds to [profile mfa] with `aws configure set` stay after logout', async () => {
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    expect((await aws(['configure', 'set', 'output', 'text', '--profile', 'mfa'])).code).toBe(0)
    expect((await world.mfa(['logout'])).code).toBe(0)
    expect(world.read(world.configPath)).toBe(`${DEMO_CONFIG}\n[profile mfa]\noutput = text\n`)
    expect(world.read(world.credentialsPath)).toBe(DEMO_CREDENTIALS)
  })

  test('after login with odd but valid files, botocore still reads every profile', async () => {
    writeFileSync(world.configPath, `[profile other]\noutput: json\nREGION = us-east-1\n\n${DEMO_CONFIG}`)
    expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
    const r = await aws(['--profile', 'mfa', 'sts', 'get-caller-identity'])
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout).Arn).toBe(DEMO.userArn)
    expect((await aws(['configure', 'get', 'region', '--profile', 'other'])).stdout).toBe('us-east-1\n')
  })
})
