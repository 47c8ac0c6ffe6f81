/**
 * The one error type users see (src/cli/errors.ts): a message, an optional hint, an exit code, and
 * an `instanceof` that holds across the two copies of the class (dist/fast.cjs bundles its own).
 */
import {MfaError} from '../../../src/cli/errors.js'

describe('MfaError', () => {
  test('message, hint, exit code 1 by default, its own name, no cause unless given', () => {
    const e = new MfaError('what happened', {hint: 'what to do'})
    expect([e.message, e.hint, e.exitCode, e.name]).toEqual(['what happened', 'what to do', 1, 'MfaError'])
    expect('cause' in e).toBe(false)
    expect(new MfaError('x').hint).toBeUndefined()
  })
  test('an exit code and a cause, when given', () => {
    const cause = new Error('inner')
    const e = new MfaError('x', {exitCode: 2, cause})
    expect(e.exitCode).toBe(2)
    expect(e.cause).toBe(cause)
  })
  test('instanceof asks for the brand that every copy of the class sets', () => {
    expect(new MfaError('x')).toBeInstanceOf(MfaError)
    expect({[Symbol.for('mfa.MfaError')]: true}).toBeInstanceOf(MfaError)
    expect({[Symbol.for('mfa.MfaError')]: 'yes'} instanceof MfaError).toBe(false)
    expect({} instanceof MfaError).toBe(false)
    expect(new Error('x') instanceof MfaError).toBe(false)
    expect((null as unknown) instanceof MfaError).toBe(false)
    expect(('mfa' as unknown) instanceof MfaError).toBe(false)
  })
})
