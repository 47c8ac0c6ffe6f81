/**
 * Commands shown in hints (src/cli/hint.ts): words a person copies into a shell come back as they
 * were; plain words (profile names, ARNs) stay unquoted so the hint reads well.
 */
import {loginCommand, profileWords, quoteForHint} from '../../../src/cli/hint.js'

describe('quoteForHint', () => {
  test.each(['work', 'arn:aws:iam::123456789012:mfa/alice', 'a-b_c.d', 'me@corp', '50%', 'a+b', 'x,y', 'key=value', '/path/to'])('%s needs no quotes', word => {
    expect(quoteForHint([word])).toBe(word)
  })
  test('a word starting with = is quoted: zsh expands =cmd to the path of cmd', () => {
    expect(quoteForHint(['=ls'])).not.toBe('=ls')
    expect(quoteForHint(['=ls'])).toBe('\\=ls')
  })
  test('= later in a word is plain', () => {
    expect(quoteForHint(['a=ls'])).toBe('a=ls')
  })
  test('spaces, quotes and $ are quoted', () => {
    expect(quoteForHint(['my profile'])).toBe("'my profile'")
    expect(quoteForHint(['$HOME'])).toBe('\\$HOME')
    expect(quoteForHint(['~'])).toBe('\\~')
  })
  test('an empty word is kept as a word', () => {
    expect(quoteForHint([''])).toBe("''")
  })
  test('words are joined with one space', () => {
    expect(quoteForHint(['mfa', 'login', 'a b'])).toBe("mfa login 'a b'")
  })
})

describe('profileWords and loginCommand', () => {
  test('the default profile needs no -p', () => {
    expect(profileWords('default')).toBe('')
    expect(loginCommand('default')).toBe('mfa login')
  })
  test('another profile gets -p, quoted when needed', () => {
    expect(profileWords('work')).toBe(' -p work')
    expect(loginCommand('my work')).toBe("mfa login -p 'my work'")
  })
})
