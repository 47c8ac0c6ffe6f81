/**
 * The code asked on the terminal, answered in a real pseudo-terminal (tmux typing the keys).
 */
import {BIN, ROOT} from '../helpers/cli.js'
import {describeWith} from '../helpers/tools.js'
import {terminal, type Terminal} from '../helpers/tmux.js'
import {makeWorld, type World} from '../helpers/world.js'

let world: World
let term: Terminal | undefined
beforeEach(async () => {
  world = await makeWorld()
})
afterEach(async () => {
  await term?.close()
  term = undefined
  await world.close()
})

describeWith(['tmux'], 'the code asked on the terminal', () => {
  test('asks on the terminal, asks again until six digits, then logs in', async () => {
    term = await terminal([process.execPath, BIN, 'login'], world.env(), {cwd: ROOT})
    await term.waitFor(/MFA code for default \(arn:aws:iam::123456789012:mfa\/demo\): $/m)
    await term.send('12ab', {literal: true})
    await term.send('Enter')
    await term.waitFor(/The code is the 6 digits your device shows\. MFA code: $/m)
    await term.send(await world.freshCode(), {literal: true})
    await term.send('Enter')
    expect(await term.exitCode()).toBe(0)
    expect(await term.screen()).toMatch(/mfa: session for arn:aws:iam::123456789012:user\/demo \(profile default\) until/)
    expect(world.read(world.credentialsPath)).toMatch(/^\[mfa\]$/m)
  })

  test('Ctrl-C while asking exits 130 and writes nothing', async () => {
    const before = world.snapshot()
    term = await terminal([process.execPath, BIN, 'login'], world.env(), {cwd: ROOT})
    await term.waitFor(/MFA code for default/)
    await term.send('C-c')
    expect(await term.exitCode()).toBe(130)
    expect(await term.screen()).toMatch(/mfa: cancelled: no code was entered; nothing was changed/)
    expect(world.snapshot()).toEqual(before)
  })

  test('Ctrl-D while asking exits 130 and writes nothing', async () => {
    const before = world.snapshot()
    term = await terminal([process.execPath, BIN, 'login'], world.env(), {cwd: ROOT})
    await term.waitFor(/MFA code for default/)
    await term.send('C-d')
    expect(await term.exitCode()).toBe(130)
    expect(world.snapshot()).toEqual(before)
  })
})
