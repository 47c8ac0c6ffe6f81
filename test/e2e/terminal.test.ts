/**
 * The code asked on the terminal, answered in a real pseudo-terminal (tmux typing the keys).
 */
import {describeWith} from '../helpers/tools.js'
import {terminalWorld} from '../helpers/tmux.js'

const tty = terminalWorld()

describeWith(['tmux'], 'the code asked on the terminal', () => {
  test('asks on the terminal, asks again until six digits, then logs in', async () => {
    const term = await tty.mfa(['login'])
    await term.waitFor(/MFA code for default \(arn:aws:iam::123456789012:mfa\/demo\): $/m)
    await term.send('12ab', {literal: true})
    await term.send('Enter')
    await term.waitFor(/The code is the 6 digits your device shows\. MFA code: $/m)
    await term.send(await tty.world.freshCode(), {literal: true})
    await term.send('Enter')
    expect(await term.exitCode()).toBe(0)
    expect(await term.screen()).toMatch(/mfa: session for arn:aws:iam::123456789012:user\/demo \(profile default\) until/)
    expect(tty.world.read(tty.world.credentialsPath)).toMatch(/^\[mfa\]$/m)
  })

  test('Ctrl-C while asking exits 130 and writes nothing', async () => {
    const before = tty.world.snapshot()
    const term = await tty.mfa(['login'])
    await term.waitFor(/MFA code for default/)
    await term.send('C-c')
    expect(await term.exitCode()).toBe(130)
    expect(await term.screen()).toMatch(/mfa: cancelled: no code was entered; nothing was changed/)
    expect(tty.world.snapshot()).toEqual(before)
  })

  test('Ctrl-D while asking exits 130 and writes nothing', async () => {
    const before = tty.world.snapshot()
    const term = await tty.mfa(['login'])
    await term.waitFor(/MFA code for default/)
    await term.send('C-d')
    expect(await term.exitCode()).toBe(130)
    expect(tty.world.snapshot()).toEqual(before)
  })
})
