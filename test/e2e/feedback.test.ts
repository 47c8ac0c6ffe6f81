/**
 * What mfa shows while it works, in a real terminal (tmux): a spinner on stderr only when stderr is
 * a terminal (and not under CI), colours only on a terminal and never with NO_COLOR, and nothing of
 * it on stdout.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN} from '../helpers/cli.js'
import {terminal} from '../helpers/tmux.js'
import {clockTexts, oneOf, spanOf} from '../helpers/clock.js'
import {describeWith} from '../helpers/tools.js'
import {makeWorld, type World} from '../helpers/world.js'

const ESC = '\u001B'
const SPINNING = /Getting an MFA session from STS\.\.\. [^\sd]/

let world: World
beforeEach(async () => {
  world = await makeWorld()
  // Slow enough to see the spinner turn.
  world.sts.fail({fault: {kind: 'slow', delayMs: 2500}, actions: ['GetSessionToken']})
})
afterEach(async () => {
  await world.close()
})

/** `mfa ARGS` in a terminal; with stdoutToFile, `mfa ARGS > file`: stderr is the terminal, stdout a file. */
async function inTerminal(args: string[], env: NodeJS.ProcessEnv, options: {stdoutToFile?: boolean} = {}) {
  const out = join(world.home, 'stdout')
  const line = [process.execPath, BIN, ...args].map(w => `'${w}'`).join(' ') + (options.stdoutToFile ? ` > '${out}'` : '')
  const t = await terminal(['sh', '-c', line], {...env, TERM: 'xterm-256color'}, {cwd: world.home})
  return {t, stdout: () => readFileSync(out, 'utf8')}
}

describe('no terminal', () => {
  test('no spinner and no escape sequence on stderr or stdout', async () => {
    world.sts.clearFaults()
    const r = await world.mfa(['env', '--shell', 'sh', '-t', await world.freshCode()])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(new RegExp(`^mfa: new session for profile default until ${oneOf(clockTexts(world.expiration(), spanOf(r)))}\n$`))
    expect(r.stdout + r.stderr).not.toContain(ESC)
  })
})

describeWith(['tmux'], 'in a terminal', () => {
  test('a coloured spinner on stderr while STS answers', async () => {
    const {t} = await inTerminal(['login', '-t', await world.freshCode()], world.env())
    try {
      await t.waitFor(SPINNING)
      expect(await t.screen({escapes: true})).toContain(`${ESC}[35m`)
      expect(await t.exitCode()).toBe(0)
      expect(await t.screen()).toMatch(/^Getting an MFA session from STS\.\.\. done$/m)
    } finally {
      await t.close()
    }
  })

  // Colours follow stdout (oclif's ansis asks whether stdout is a terminal): in $(mfa env) there are none.
  test('`mfa env > file`: the spinner on stderr, without colour; the file gets only the statements', async () => {
    const {t, stdout} = await inTerminal(['env', '--shell', 'sh', '-t', await world.freshCode()], world.env(), {stdoutToFile: true})
    try {
      await t.waitFor(SPINNING)
      expect(await t.screen({escapes: true})).not.toContain(`${ESC}[`)
      expect(await t.exitCode()).toBe(0)
      expect(await t.screen()).toMatch(/^Getting an MFA session from STS\.\.\. done$/m)
      expect(stdout()).toMatch(/^export AWS_ACCESS_KEY_ID='ASIA/m)
      expect(stdout()).not.toContain(ESC)
      expect(stdout()).not.toContain('Getting')
    } finally {
      await t.close()
    }
  })

  test('NO_COLOR: the spinner turns without colour', async () => {
    const {t} = await inTerminal(['login', '-t', await world.freshCode()], world.env({NO_COLOR: '1'}))
    try {
      await t.waitFor(SPINNING)
      expect(await t.screen({escapes: true})).not.toContain(`${ESC}[`)
      expect(await t.exitCode()).toBe(0)
      expect(await t.screen({escapes: true})).not.toContain(`${ESC}[`)
    } finally {
      await t.close()
    }
  })

  test('CI: no spinner', async () => {
    const {t} = await inTerminal(['login', '-t', await world.freshCode()], world.env({CI: 'true'}))
    try {
      expect(await t.exitCode()).toBe(0)
      const screen = await t.screen()
      expect(screen).toMatch(/^mfa: session for \S+ \(profile default\) until/m)
      expect(screen).not.toContain('Getting')
    } finally {
      await t.close()
    }
  })

  test("oclif's help: bold headings on a terminal, no escape sequence with NO_COLOR, nor when stdout is not a terminal", async () => {
    const t = await terminal(['sh', '-c', `'${process.execPath}' '${BIN}' login --help`], world.env({TERM: 'xterm-256color'}), {cwd: world.home})
    try {
      expect(await t.exitCode()).toBe(0)
      expect(await t.screen({escapes: true})).toContain(`${ESC}[1mFLAG DESCRIPTIONS`)
    } finally {
      await t.close()
    }
    for (const [env, redirect] of [[{NO_COLOR: '1'}, false], [{}, true]] as const) {
      const line = `'${process.execPath}' '${BIN}' login --help${redirect ? ' | cat' : ''}`
      const t = await terminal(['sh', '-c', line], world.env({...env, TERM: 'xterm-256color'}), {cwd: world.home})
      try {
        expect(await t.exitCode()).toBe(0)
        const screen = await t.screen({escapes: true})
        expect(screen).toContain('FLAG DESCRIPTIONS')
        expect(screen).not.toContain(`${ESC}[`)
      } finally {
        await t.close()
      }
    }
  })
})
