/**
 * Completion in the real shells: fish from shell/mfa.completion.fish, bash and zsh from oclif's
 * autocomplete plugin with the profile names of shell/mfa.completion.{bash,zsh} on top, all loaded
 * by `mfa init SHELL`; profile names from the temporary HOME's ~/.aws files.
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN, ROOT} from '../helpers/cli.js'
import {terminal} from '../helpers/tmux.js'
import {describeWith} from '../helpers/tools.js'
import {DEMO, makeWorld, type World} from '../helpers/world.js'

const CONFIG = `[default]
region = eu-west-1
mfa_serial = ${DEMO.mfaSerial}

[profile work]
source_profile = default
role_arn = arn:aws:iam::123456789012:role/admin
`

const CREDENTIALS = `[default]
aws_access_key_id = ${DEMO.accessKeyId}
aws_secret_access_key = ${DEMO.secretAccessKey}

[ops team]
aws_access_key_id = AKIAOPSOPSOPSOPSOPS1
aws_secret_access_key = secret
`

const PROFILES = ['default', 'ops team', 'work']

let world: World
beforeAll(async () => {
  world = await makeWorld({config: CONFIG, credentials: CREDENTIALS})
  // The session profile [mfa] that login writes is mfa's own: it is not offered.
  const login = await world.mfa(['login', '--token-code', await world.freshCode()])
  expect(login.code).toBe(0)
  expect(world.read(world.credentialsPath)).toContain('[mfa]')
  // The plugin's cache (bash and zsh functions, PowerShell's script) in HOME/.cache/mfa.
  const built = await world.mfa(['autocomplete', '--refresh-cache'])
  expect(built.code).toBe(0)
})
afterAll(async () => {
  await world?.close()
})

interface Manifest {
  commands: Record<string, {hidden?: boolean; flags: Record<string, {hidden?: boolean; char?: string}>}>
}
const manifest = () => JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as Manifest
const visible = () => Object.entries(manifest().commands).filter(([, c]) => !c.hidden)

/** The line of an rc file that loads the integration, with this checkout's mfa. */
const initLine = (shell: string) =>
  shell === 'fish' ? `'${process.execPath}' '${BIN}' init fish | source` : `eval "$('${process.execPath}' '${BIN}' init ${shell})"`

describe('mfa __complete-profiles', () => {
  test("prints the profiles of both files, one a line, without mfa's session profiles", async () => {
    const r = await world.mfa(['__complete-profiles'])
    expect(r).toMatchObject({code: 0, stderr: '', stdout: PROFILES.join('\n') + '\n'})
  })

  test('follows AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE', async () => {
    const config = join(world.home, 'other-config')
    writeFileSync(config, '[profile elsewhere]\nregion = eu-west-1\n')
    const r = await world.mfa(['__complete-profiles'], {env: world.env({AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(world.home, 'none')})})
    expect(r).toMatchObject({code: 0, stderr: '', stdout: 'elsewhere\n'})
  })

  test('prints nothing, and no error, when the files cannot be read', async () => {
    const r = await world.mfa(['__complete-profiles'], {env: world.env({AWS_CONFIG_FILE: world.home})})
    expect(r).toMatchObject({code: 0, stderr: '', stdout: ''})
  })

  test('is hidden from help', async () => {
    const r = await world.mfa(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain('complete-profiles')
  })
})

describe('mfa autocomplete (oclif plugin)', () => {
  test.each(['bash', 'zsh', 'powershell'])('%s: instructions, and a setup line that points at the cache', async shell => {
    const r = await world.mfa(['autocomplete', shell])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`mfa autocomplete script ${shell}`)
    const script = await world.mfa(['autocomplete', 'script', shell])
    expect(script.code).toBe(0)
    expect(script.stdout).toContain(join(world.home, '.cache', 'mfa', 'autocomplete'))
  })

  test('PowerShell gets a completer for mfa', () => {
    const ps1 = world.read(join(world.home, '.cache', 'mfa', 'autocomplete', 'functions', 'powershell', 'mfa.ps1'))
    expect(ps1).toContain('Register-ArgumentCompleter -Native -CommandName mfa')
    // A topic's commands (keys:add) are nested under the topic: "keys" = @{ "add" = @{ ... } }.
    for (const [id] of visible()) for (const word of id.split(':')) expect(ps1).toContain(`"${word}"`)
  })
})

// ---------------------------------------------------------------------------------------------
// fish

describeWith(['fish', 'fish_indent'], 'fish completion', () => {
  const fish = (code: string) => world.run('fish', ['--no-config', '--private', '-c', `${initLine('fish')}; ${code}`], {cwd: world.home})
  /** The candidates fish offers for a command line, without descriptions. */
  const candidates = async (line: string) => {
    const r = await fish(`complete -C '${line}'`)
    expect(r.stderr).toBe('')
    return r.stdout.split('\n').filter(Boolean).map(l => l.split('\t')[0])
  }

  test('the file is formatted as fish_indent would, and `mfa init fish | source` is silent', async () => {
    const file = join(ROOT, 'shell', 'mfa.completion.fish')
    const indent = await world.run('fish_indent', [], {input: readFileSync(file, 'utf8')})
    expect(indent.stdout).toBe(readFileSync(file, 'utf8'))
    expect(await fish('true')).toMatchObject({code: 0, stdout: '', stderr: ''})
  })

  test('--profile, -p, --profile= and `mfa use` complete the profile names', async () => {
    expect(await candidates('mfa login --profile ')).toEqual(PROFILES)
    expect(await candidates('mfa env -p ')).toEqual(PROFILES)
    expect(await candidates('mfa status --profile=w')).toEqual(['--profile=work'])
    expect(await candidates('mfa use ')).toEqual(PROFILES)
    expect(await candidates('mfa logout --profile o')).toEqual(['ops team'])
  })

  test('every command and every flag of the manifest is completed', async () => {
    const commands = await candidates('mfa ')
    for (const [id, c] of visible()) {
      // keys:add is typed `mfa keys add`.
      const [first, sub] = id.split(':')
      expect(commands).toContain(first)
      if (sub) expect([id, await candidates(`mfa ${first} `)]).toEqual([id, expect.arrayContaining([sub])])
      const flags = await candidates(`mfa ${id.replace(':', ' ')} -`)
      for (const [name, f] of Object.entries(c.flags).filter(([, f]) => !f.hidden)) {
        expect([id, flags]).toEqual([id, expect.arrayContaining([`--${name}`, ...(f.char ? [`-${f.char}`] : [])])])
      }
    }
    expect(await candidates('mfa init ')).toEqual(['bash', 'fish', 'powershell', 'zsh'])
    expect(await candidates('mfa env --shell ')).toEqual(['bash', 'fish', 'json', 'powershell', 'sh', 'zsh'])
  })

  test('after `mfa exec --`, the command and its own completion', async () => {
    expect(await candidates('mfa exec -- ech')).toContain('echo')
    expect(await candidates('mfa exec -- aws --profile ')).not.toEqual(PROFILES)
  })
})

// ---------------------------------------------------------------------------------------------
// bash

describeWith(['bash', 'shellcheck'], 'bash completion', () => {
  /** Runs the completion function as bash does on Tab, for the words of `line` (the last may be ''). */
  const complete = async (words: string[]) => {
    const quoted = words.map(w => `'${w.replace(/'/g, `'\\''`)}'`).join(' ')
    const code = `${initLine('bash')}
      COMP_WORDS=(${quoted}); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
      __mfa_complete mfa "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
      printf '%s\\n' "\${COMPREPLY[@]}"`
    const r = await world.run('bash', ['--noprofile', '--norc', '-e', '-u', '-o', 'pipefail', '-c', code], {cwd: world.home})
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    return r.stdout.split('\n').filter(Boolean)
  }

  test('shellcheck finds nothing in the completion file', async () => {
    const r = await world.run('shellcheck', ['--enable=all', join(ROOT, 'shell', 'mfa.completion.bash')])
    expect(r).toMatchObject({code: 0, stdout: '', stderr: ''})
  })

  test('`mfa init bash` loads silently under -e -u -o pipefail, twice, and registers the completion', async () => {
    const r = await world.run('bash', ['--noprofile', '--norc', '-e', '-u', '-o', 'pipefail', '-c', `${initLine('bash')}; ${initLine('bash')}; complete -p mfa`])
    expect(r).toMatchObject({code: 0, stderr: '', stdout: 'complete -F __mfa_complete mfa\n'})
  })

  test('--profile, -p, --profile= and `mfa use` complete the profile names, quoted', async () => {
    const quoted = ['default', 'ops\\ team', 'work']
    expect(await complete(['mfa', 'login', '--profile', ''])).toEqual(quoted)
    expect(await complete(['mfa', 'exec', '-p', 'w'])).toEqual(['work'])
    // bash splits --profile=o at the = (COMP_WORDBREAKS).
    expect(await complete(['mfa', 'status', '--profile', '=', 'o'])).toEqual(['ops\\ team'])
    expect(await complete(['mfa', 'status', '--profile', '='])).toEqual(quoted)
    expect(await complete(['mfa', 'use', ''])).toEqual(quoted)
  })

  test("commands and flags come from the plugin's completion", async () => {
    expect(await complete(['mfa', 'lo'])).toEqual(['login', 'logout'])
    const all = await complete(['mfa', ''])
    for (const [id] of visible()) expect(all).toContain(id.split(':')[0])
    expect(await complete(['mfa', 'env', '--sh'])).toEqual(['--shell'])
    // A topic's commands after the topic: mfa keys add.
    const subs = visible().filter(([id]) => id.startsWith('keys:')).map(([id]) => id.slice('keys:'.length)).sort()
    expect(await complete(['mfa', 'keys', ''])).toEqual(subs)
    expect(await complete(['mfa', 'keys', 'rotate', '--t'])).toEqual(['--token-code'])
  })

  test('after `--` the words are left to bash (the command mfa exec runs)', async () => {
    expect(await complete(['mfa', 'exec', '--', 'aws', '--profile', ''])).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------
// zsh, in a terminal: the completion system only runs in an interactive shell

describeWith(['zsh', 'tmux'], 'zsh completion', () => {
  test('`mfa init zsh` loads silently under -e -u -o pipefail, with and without compinit', async () => {
    for (const before of ['', 'autoload -Uz compinit && compinit -u -d "$HOME/.zcompdump";']) {
      const r = await world.run('zsh', ['-f', '-e', '-u', '-o', 'pipefail', '-c', `${before} ${initLine('zsh')}; ${initLine('zsh')}`])
      expect(r).toMatchObject({code: 0, stdout: '', stderr: ''})
    }
  })

  // compinit before or after the init line: the completion registers itself before the first prompt.
  test.each([
    ['before', `autoload -Uz compinit && compinit -u\n${initLine('zsh')}\n`],
    ['after', `${initLine('zsh')}\nautoload -Uz compinit && compinit -u\n`],
  ])('compinit %s the init line: profiles, commands and flags on Tab', async (_order, zshrc) => {
    const dotdir = join(world.home, `zdot-${_order}`)
    mkdirSync(dotdir)
    writeFileSync(join(dotdir, '.zshrc'), `${zshrc}PROMPT='zsh> '\n`)
    const t = await terminal(['zsh', '-i'], world.env({ZDOTDIR: dotdir, TERM: 'xterm-256color'}), {cwd: world.home})
    try {
      await t.waitFor(/^zsh> $/m)
      await t.send('mfa login --profile ', {literal: true})
      await t.send('Tab')
      await t.waitFor(/^default +ops\\ team +work$/m)
      await t.send('C-c')
      await t.send('mfa e', {literal: true})
      await t.send('Tab')
      await t.waitFor(/^env +-- Print shell statements/m)
      await t.waitFor(/^exec +-- Run a command/m)
      await t.send('C-c')
      await t.send('mfa status --j', {literal: true})
      await t.send('Tab')
      await t.waitFor(/mfa status --json $/m)
    } finally {
      await t.close()
    }
  })
})
