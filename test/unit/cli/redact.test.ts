import {redact} from '../../../src/cli/redact.js'

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
