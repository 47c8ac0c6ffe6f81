/**
 * A wrong code typed on the terminal is asked for again, up to 3 tries in all (a code STS refused
 * is not used up); a code from --token-code is not, since nobody is there to type another.
 */
import {describeWith} from '../helpers/tools.js'
import {terminalWorld} from '../helpers/tmux.js'

const tty = terminalWorld()

/** n different six-digit codes, none of which the device shows around now (STS accepts the windows either side). */
function wrongCodes(n: number): string[] {
  const near = new Set([-2, -1, 0, 1, 2].map(w => tty.world.code(tty.world.sts.now() + w * 30_000)))
  const codes: string[] = []
  for (let i = 0; codes.length < n; i++) {
    const code = String(i).padStart(6, '0')
    if (!near.has(code)) codes.push(code)
  }
  return codes
}
const wrongCode = () => wrongCodes(1)[0]

const refusedGst = () => tty.world.sts.count('GetSessionToken', c => !c.ok)

describeWith(['tmux'], 'a wrong code typed on the terminal', () => {
  test('is asked for again, and the right one then logs in', async () => {
    const term = await tty.mfa(['login'])
    await term.waitFor(/MFA code for default \(arn:aws:iam::123456789012:mfa\/demo\): $/m)
    await term.send(wrongCode(), {literal: true})
    await term.send('Enter')
    await term.waitFor(/mfa: STS refused that code \(wrong or expired\); type the code your device shows now \(2 tries left\)\n.*MFA code for default/)
    await term.send(await tty.world.freshCode(), {literal: true})
    await term.send('Enter')
    expect(await term.exitCode()).toBe(0)
    expect(await term.screen()).toMatch(/mfa: session for arn:aws:iam::123456789012:user\/demo \(profile default\) until/)
    expect([refusedGst(), tty.world.sts.count('GetSessionToken', c => c.ok)]).toEqual([1, 1])
  })

  test('three wrong codes: the third refusal ends it, exit 1, nothing written', async () => {
    const before = tty.world.snapshot()
    const term = await tty.mfa(['login'])
    // Each wrong code differs from the last, so none is "already used".
    const codes = wrongCodes(3)
    for (let i = 1; i <= 3; i++) {
      await term.waitFor(new RegExp(`(MFA code for default [^\\n]*: $)`, 'm'))
      await term.send(codes[i - 1], {literal: true})
      await term.send('Enter')
      if (i < 3) await term.waitFor(new RegExp(`\\(${3 - i} tr(y|ies) left\\)`))
    }
    expect(await term.exitCode()).toBe(1)
    expect(await term.screen()).toMatch(/mfa: STS refused the MFA code: it is wrong, expired, or was already used/)
    expect(refusedGst()).toBe(3)
    const after = tty.world.snapshot()
    expect(Object.keys(after).filter(k => !k.includes('/.aws/mfa/'))).toEqual(Object.keys(before))
  })
})

test('--token-code: a refused code is not asked for again', async () => {
  const r = await tty.world.mfa(['login', '-t', wrongCode()])
  expect(r.code).toBe(1)
  expect(r.stderr).toMatch(/^mfa: STS refused the MFA code/)
  expect(refusedGst()).toBe(1)
})
