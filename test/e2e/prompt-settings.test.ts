/**
 * `mfa prompt` honours the segment's settings as the shell functions do: MFA_PROMPT_FORMAT, and
 * MFA_PROMPT_COLOR=0 (no colour even on a terminal); --format and --color/--no-color come first.
 * An expired session makes the text independent of the clock ("expired").
 */
import {BIN, ROOT} from '../helpers/cli.js'
import {describeWith} from '../helpers/tools.js'
import {terminal, type Terminal} from '../helpers/tmux.js'
import {makeWorld, type World} from '../helpers/world.js'
import {caseEnv, SEGMENT_CASES} from '../helpers/segment-cases.js'

let world: World
let term: Terminal | undefined
beforeAll(async () => {
  world = await makeWorld()
})
afterEach(async () => {
  await term?.close()
  term = undefined
})
afterAll(() => world.close())

const expired = (extra: NodeJS.ProcessEnv = {}) => world.env({MFA_PROFILE: 'work', MFA_EXPIRY: String(Math.floor(Date.now() / 1000) - 1), ...extra})

test('MFA_PROMPT_FORMAT sets the text; --format comes before it', async () => {
  expect((await world.mfa(['prompt'], {env: expired({MFA_PROMPT_FORMAT: '[%p|%t] 100%%'})})).stdout).toBe('[work|expired] 100%\n')
  expect((await world.mfa(['prompt', '--format', '%p'], {env: expired({MFA_PROMPT_FORMAT: '[%p|%t]'})})).stdout).toBe('work\n')
  expect((await world.mfa(['prompt'], {env: expired({MFA_PROMPT_FORMAT: ''})})).stdout).toBe('aws:work expired\n')
})

test('MFA_PROMPT_COLOR=0 does not turn off an explicit --color', async () => {
  expect((await world.mfa(['prompt', '--color'], {env: expired({MFA_PROMPT_COLOR: '0'})})).stdout).toBe('\u001B[31maws:work expired\u001B[0m\n')
})

// Colour follows a terminal here, and the test has none: the flag says what the case's settings say.
test.each(SEGMENT_CASES.map(c => [c.name, c] as const))('the table of segment cases (test/helpers/segment-cases.ts): %s', async (_, c) => {
  const color = c.color !== '0' && !c.noColor ? '--color' : '--no-color'
  const r = await world.mfa(['prompt', color], {env: world.env(caseEnv(c, Math.floor(Date.now() / 1000)))})
  expect(r).toMatchObject({code: 0, stderr: ''})
  expect(r.stdout).toBe(c.want && `${c.want}\n`)
})

describeWith(['tmux'], 'on a terminal', () => {
  const screenOf = async (env: NodeJS.ProcessEnv) => {
    term = await terminal([process.execPath, BIN, 'prompt'], env, {cwd: ROOT})
    expect(await term.exitCode()).toBe(0)
    return term.screen({escapes: true})
  }

  test('coloured by default', async () => {
    expect(await screenOf(expired())).toMatch(/\u001B\[31maws:work expired/)
  })

  test('MFA_PROMPT_COLOR=0: no colour', async () => {
    const screen = await screenOf(expired({MFA_PROMPT_COLOR: '0'}))
    expect(screen).toMatch(/aws:work expired/)
    expect(screen).not.toMatch(/\u001B\[3\dm/)
  })
})
