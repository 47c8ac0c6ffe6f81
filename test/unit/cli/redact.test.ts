import {keepName, maskKeyId, redact, rememberSecret} from '../../../src/cli/redact.js'

describe('redact', () => {
  test('secret keys, session tokens and codes after token-code are removed', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    const token = 'IQoJb3JpZ2luX2VjEPH//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6example+token=='
    expect(redact(`key=${secret} token "${token}" --token-code 123456 TokenCode=654321`)).toBe(
      'key=[redacted] token "[redacted]" --token-code [redacted] TokenCode=[redacted]',
    )
  })

  test('what people need stays: ARNs, paths, access key ids, dates', () => {
    const text = 'arn:aws:iam::123456789012:mfa/alice ~/.aws/credentials /home/alice/.aws/mfa/session-default-0123456789abcdef.json AKIAIOSFODNN7EXAMPLE 2026-11-28T17:00:00Z'
    expect(redact(text)).toBe(text)
  })
})

describe('redact: secret keys and tokens', () => {
  const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
  test('exactly 40 characters of base64 is a secret', () => {
    expect(redact(key)).toBe('[redacted]')
  })
  test('39 characters are left alone', () => {
    expect(redact(key.slice(1))).toBe(key.slice(1))
  })
  test('the padding goes with it', () => {
    expect(redact(`${key}== x`)).toBe('[redacted] x')
  })
  test('a run inside a longer word of base64 characters is not cut out of it', () => {
    expect(redact(`${key}${key}`)).toBe('[redacted]')
  })
  test('a path made of base64 characters after a slash is left alone', () => {
    const path = `/${'a'.repeat(45)}`
    expect(redact(path)).toBe(path)
  })
  test('every secret in the text, not only the first', () => {
    expect(redact(`${key} and ${key}`)).toBe('[redacted] and [redacted]')
  })
})

describe('redact: codes after token code', () => {
  test.each([
    ['--token-code 123456', '--token-code [redacted]'],
    ['--token-code=123456', '--token-code=[redacted]'],
    ['token_code: 123456', 'token_code: [redacted]'],
    ['tokencode 123456', 'tokencode [redacted]'],
    ['Token Code 123456', 'Token Code [redacted]'],
    ['"TokenCode": "123456"', '"TokenCode": "[redacted]"'],
    ["TokenCode='123456'", "TokenCode='[redacted]'"],
  ])('%s', (text, out) => {
    expect(redact(text)).toBe(out)
  })
  test('every code, not only the first', () => {
    expect(redact('token-code 111111 token-code 222222')).toBe('token-code [redacted] token-code [redacted]')
  })
  test('six digits that are not after token code stay', () => {
    expect(redact('account 123456 code 654321')).toBe('account 123456 code 654321')
  })
  test('a longer number after token code is not a code', () => {
    expect(redact('token-code 1234567')).toBe('token-code 1234567')
  })
})

describe('maskKeyId', () => {
  test('the first and last four characters', () => {
    expect(maskKeyId('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA…MPLE')
  })
  test('nine characters are masked the same way', () => {
    expect(maskKeyId('AKIA1MPLE')).toBe('AKIA…MPLE')
  })
  test('eight characters or fewer show nothing', () => {
    expect(maskKeyId('AKIAMPLE')).toBe('…')
  })
})

describe("redact: profile names are the user's own text, secrets held are never shown", () => {
  // The registries are per process: each test uses values of its own.
  test('a profile name of 40 or more base64 characters is shown as written', () => {
    const name = 'TeamAlphaProductionAccountAdministrators42'
    expect(redact(`profile "${name}" is not in ~/.aws/config`)).toBe('profile "[redacted]" is not in ~/.aws/config')
    keepName(name)
    expect(redact(`profile "${name}" is not in ~/.aws/config; hint: mfa login -p ${name}`)).toBe(`profile "${name}" is not in ~/.aws/config; hint: mfa login -p ${name}`)
  })
  test('a run inside a name that is quoted apart in a hint stays too', () => {
    const tail = 'b'.repeat(45)
    keepName(`it's${tail}`)
    expect(redact(`mfa login -p 'it'\\''s${tail}'`)).toBe(`mfa login -p 'it'\\''s${tail}'`)
  })
  test('a secret held is removed wherever it is, even inside a longer word or shorter than 40', () => {
    const held = 'Xy7/short+secretKey22'
    rememberSecret(held)
    expect(redact(`key=${held} in a${held}b`)).toBe('key=[redacted] in a[redacted]b')
  })
  test('a secret held is removed even from a name that holds it', () => {
    const held = 'Q'.repeat(20) + 'zz/9+'.repeat(5)
    rememberSecret(held)
    keepName(`p-${held}`)
    expect(redact(`profile "p-${held}"`)).toBe('profile "p-[redacted]"')
  })
  test('a secret never held still looks like one, next to a name that does not contain it', () => {
    keepName('short')
    expect(redact('wJalrXUtnFEMI/K7MDENG/bPxRfiCYNEWKEYXXXXX and short')).toBe('[redacted] and short')
  })
  test('values shorter than 16 characters are not remembered (they could be words)', () => {
    rememberSecret('123456')
    expect(redact('account 123456')).toBe('account 123456')
  })
  test('a value of exactly 16 characters is remembered', () => {
    rememberSecret('sixteen-chars-ok')
    expect(redact('it was sixteen-chars-ok.')).toBe('it was [redacted].')
  })
  test('no name given (no --profile, no AWS_PROFILE) keeps nothing and breaks nothing', () => {
    keepName(undefined)
    keepName('')
    expect(redact('C'.repeat(44))).toBe('[redacted]')
  })
  test("a name that looks like a base64 run with its padding: the whole padding is the name's too", () => {
    const name = 'D'.repeat(42)
    keepName(name)
    expect(redact(`${name}==`)).toBe(`${name}==`)
    expect(redact(`${name}=`)).toBe(`${name}=`)
  })
})
