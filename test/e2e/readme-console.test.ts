/**
 * README's first console example is what a terminal shows: `mfa login` in a real pseudo-terminal
 * (tmux), against the local STS server, compared line by line with the example; only the code,
 * the names in the ARNs and the times may differ.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN, ROOT} from '../helpers/cli.js'
import {describeWith} from '../helpers/tools.js'
import {terminal, type Terminal} from '../helpers/tmux.js'
import {makeWorld, type World} from '../helpers/world.js'

let world: World
let term: Terminal | undefined
beforeAll(async () => {
  world = await makeWorld()
})
afterAll(async () => {
  await term?.close()
  await world.close()
})

/** The first ```console block of README, up to the first command that is not mfa's. */
function firstExample(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const block = /^```console\n([\s\S]*?)^```$/m.exec(readme)![1]
  const lines = block.split('\n')
  return lines.slice(1, lines.findIndex((l, i) => i > 0 && l.startsWith('$ ')))
}

/** A line of the example as a pattern: what varies from run to run (code, names, times) varies. */
function pattern(line: string): RegExp {
  const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const varying = escaped
    .replace(/\d{6}$/, '\\d{6}')
    .replace(/(mfa|user)\/\w+/g, '$1/\\w+')
    .replace(/until (?:\w{3} \d{1,2} \w{3} )?\d\d:\d\d/, 'until (?:\\w{3} \\d{1,2} \\w{3} )?\\d\\d:\\d\\d')
    .replace(/\(\d+h\d\dm\)/, '\\(\\d+h\\d\\dm\\)')
  return new RegExp(`^${varying}$`)
}

describeWith(['tmux'], 'README', () => {
  test('the first console example is what `mfa login` shows on a terminal', async () => {
    const example = firstExample()
    expect(example[0]).toMatch(/^MFA code for default/)
    term = await terminal([process.execPath, BIN, 'login'], world.env(), {cwd: ROOT})
    await term.waitFor(/MFA code for default .*: $/m)
    await term.send(await world.freshCode(), {literal: true})
    await term.send('Enter')
    expect(await term.exitCode()).toBe(0)
    const screen = (await term.screen()).split('\n').map(l => l.trimEnd()).filter(Boolean)
    expect(screen).toHaveLength(example.length)
    for (const [i, line] of example.entries()) expect(screen[i]).toMatch(pattern(line))
  })
})
