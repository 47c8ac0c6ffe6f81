import {assertSectionName, blockSource, firstHeader, firstHeaderInBytes, hasSection, lineNumberAt, parseIni, readSections, removeKeys, removeKeysOrSection, removeSection, sectionSpans, sectionSpansInBytes, setSection, writtenKey} from '../../../src/aws/ini.js'
import {decodeBytes, encodeText} from '../../../src/aws/bytes.js'
import {loadIniFile} from '../../../src/aws/files.js'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {MfaError} from '../../../src/cli/errors.js'

const doc = (text: string) => parseIni(text, 'credentials')
const session = {aws_access_key_id: 'ASIAEXAMPLE', aws_secret_access_key: 'secret', aws_session_token: 'token', x_security_token_expires: '2026-11-28T17:00:00Z'}

describe('parseIni / readSections', () => {
  test('reads sections and keys like the SDKs, later duplicate keys winning', () => {
    const text = '# top\n[default]\naws_access_key_id = AKIA1\n; note\n[profile work]\nregion=eu-west-1\n[default]\naws_access_key_id=AKIA2\n'
    const sections = readSections(doc(text))
    expect(sections.get('default')).toEqual({aws_access_key_id: 'AKIA2'})
    expect(sections.get('profile work')).toEqual({region: 'eu-west-1'})
  })

  test('nested settings are kept as key.sub and do not end the section', () => {
    const text = '[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\nregion = x\n'
    expect(readSections(doc(text)).get('services local')).toEqual({sts: '', 'sts.endpoint_url': 'http://127.0.0.1:1', region: 'x'})
  })

  test('malformed lines fail with the line number and never show a value', () => {
    expect(() => doc('[default]\naws_secret_access_key = s\nthis is not ini\n')).toThrow(/credentials line 3/)
    expect(() => doc('key = value\n')).toThrow(/line 1: a setting outside of any \[section\]/)
    expect(() => doc('[default\n')).toThrow(/line 1: malformed section header/)
    const secretLine = () => doc('[a]\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYxxxx\n')
    expect(secretLine).toThrow(MfaError)
    expect(secretLine).toThrow(/^credentials line 2: expected "key = value", "\[section\]" or a comment$/)
  })

  test('CRLF files and a missing final newline parse', () => {
    const sections = readSections(doc('[a]\r\nk = v\r\n[b]\r\nx=1'))
    expect(sections.get('a')).toEqual({k: 'v'})
    expect(sections.get('b')).toEqual({x: '1'})
  })
})

describe('the dialect botocore reads', () => {
  test('key: value, upper-case names, continuation lines, CR-only line endings', () => {
    const text = '[default]\routput: json\rREGION = eu-west-1\rdescription = one\r  two\r# c\r    three\r[b]\rk=v'
    const sections = readSections(doc(text))
    expect(sections.get('default')).toEqual({output: 'json', region: 'eu-west-1', description: 'one\ntwo\nthree'})
    expect(sections.get('b')).toEqual({k: 'v'})
    expect(doc(text).eol).toBe('\r')
  })

  test('a header is read up to its last bracket; what follows it is ignored, as configparser does', () => {
    expect([...readSections(doc('[a] ; note\nk = v\n[x[y]\nk = w\n')).keys()]).toEqual(['a', 'x[y'])
  })

  test('what botocore refuses is refused, with the line number', () => {
    expect(() => doc('[a]\nk = v\nno delimiter here\n')).toThrow(/line 3/)
    expect(() => doc('# top\nk = v\n')).toThrow(/line 2: a setting outside/)
    expect(() => doc('[a]\n= v\n')).toThrow(/line 2/)
  })
})

describe('bytes that are not UTF-8', () => {
  test('decode and encode give back every byte', () => {
    const bytes = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0x20, 0xff, 0xc3]), Buffer.from(' é ok\n[a]\nk = v\n')])
    const {text, encoding} = decodeBytes(bytes)
    expect(encoding).toBe('surrogateescape')
    expect(readSections(doc(text)).get('a')).toEqual({k: 'v'})
    expect(encodeText(setSection(doc(text), 'mfa', {x: '1'}), encoding).subarray(0, bytes.length).equals(bytes)).toBe(true)
    expect(encodeText(removeSection(doc(setSection(doc(text), 'mfa', {x: '1'})), 'mfa'), encoding).equals(bytes)).toBe(true)
  })
})

describe('setSection keeps every other byte', () => {
  const original = '# my keys\n[default]\naws_access_key_id = AKIA1\naws_secret_access_key = s1 \n\n; work account\n[work]\naws_access_key_id=AKIA2\n'

  test('appends a new section after a blank line', () => {
    const out = setSection(doc(original), 'mfa', session)
    expect(out.startsWith(original)).toBe(true)
    expect(out.slice(original.length)).toBe(
      '\n[mfa]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = secret\naws_session_token = token\nx_security_token_expires = 2026-11-28T17:00:00Z\n',
    )
  })

  test('adding then removing gives the original back, byte for byte', () => {
    const added = setSection(doc(original), 'mfa', session)
    expect(removeSection(doc(added), 'mfa')).toBe(original)
  })

  test('updates an existing section in place, keeping its comments and other keys', () => {
    const text = '[mfa]\n# ours\nregion = eu-west-1\naws_access_key_id = OLD\naws_session_token = OLDTOKEN\n\n[work]\nk = v\n'
    const out = setSection(doc(text), 'mfa', session)
    expect(out).toBe(
      '[mfa]\n# ours\nregion = eu-west-1\naws_access_key_id = ASIAEXAMPLE\naws_session_token = token\naws_secret_access_key = secret\nx_security_token_expires = 2026-11-28T17:00:00Z\n\n[work]\nk = v\n',
    )
  })

  test('no trailing newline: the file still ends without one after an update', () => {
    const out = setSection(doc('[mfa]\naws_access_key_id = OLD'), 'mfa', {aws_access_key_id: 'NEW', aws_session_token: 't'})
    expect(out).toBe('[mfa]\naws_access_key_id = NEW\naws_session_token = t')
  })

  test('no trailing newline: a new section starts on a line of its own and ends bare, so removing it gives the bytes back', () => {
    const out = setSection(doc('[a]\nk = v'), 'mfa', {x: '1'})
    expect(out).toBe('[a]\nk = v\n\n[mfa]\nx = 1')
    expect(removeSection(doc(out), 'mfa')).toBe('[a]\nk = v')
  })

  test('a last blank line survives adding and removing a section', () => {
    const text = '[a]\nk = v\n\n'
    expect(removeSection(doc(setSection(doc(text), 'mfa', {x: '1'})), 'mfa')).toBe(text)
  })

  test('removeKeysOrSection keeps the keys the user added, and the header with them', () => {
    const text = '[a]\nk = v\n\n[profile mfa]\nregion = eu-west-1\noutput = json\nmfa_source_profile = default\n'
    expect(removeKeysOrSection(doc(text), 'profile mfa', new Set(['region', 'mfa_source_profile']))).toBe('[a]\nk = v\n\n[profile mfa]\noutput = json\n')
  })

  test('CRLF files get CRLF lines', () => {
    const text = '[a]\r\nk = v\r\n'
    const out = setSection(doc(text), 'mfa', {x: '1'})
    expect(out).toBe('[a]\r\nk = v\r\n\r\n[mfa]\r\nx = 1\r\n')
    expect(removeSection(doc(out), 'mfa')).toBe(text)
  })

  test('an empty file gets just the section', () => {
    expect(setSection(doc(''), 'mfa', {x: '1'})).toBe('[mfa]\nx = 1\n')
  })

  test('duplicate sections: the first is updated, later copies of it removed, others untouched', () => {
    const text = '[mfa]\naws_access_key_id = A\n\n[work]\nk = v\n\n[mfa]\naws_access_key_id = B\n\n# end\n'
    const out = setSection(doc(text), 'mfa', {aws_access_key_id: 'C'})
    expect(out).toBe('[mfa]\naws_access_key_id = C\n\n[work]\nk = v\n\n# end\n')
  })

  test('removing a section in the middle keeps the comment that introduces the next one', () => {
    const text = '[a]\nk = v\n\n[mfa]\nx = 1\n\n# prod below\n[prod]\ny = 2\n'
    expect(removeSection(doc(text), 'mfa')).toBe('[a]\nk = v\n\n# prod below\n[prod]\ny = 2\n')
  })

  test('refuses names and values that would not read back the same', () => {
    expect(() => setSection(doc(''), ' a', {x: '1'})).toThrow(MfaError)
    expect(() => setSection(doc(''), 'a\nb', {x: '1'})).toThrow(MfaError)
    expect(() => setSection(doc(''), 'ok', {x: 'line\nbreak'})).toThrow(MfaError)
  })

  test('brackets in a name are read back as botocore reads them', () => {
    const out = setSection(doc(''), 'x[y]z-mfa', {x: '1'})
    expect(readSections(doc(out)).get('x[y]z-mfa')).toEqual({x: '1'})
  })

  test('profile names with spaces round-trip', () => {
    const out = setSection(doc(''), 'my profile-mfa', {x: '1'})
    expect(readSections(doc(out)).get('my profile-mfa')).toEqual({x: '1'})
  })
})

describe('edges the SDKs agree on', () => {
  test('a section header may carry a comment', () => {
    expect(readSections(doc('[default] # note\nk = v\n[b] ; x\ny = 1\n')).get('default')).toEqual({k: 'v'})
    expect(readSections(doc('[b] ; x\ny = 1\n')).get('b')).toEqual({y: '1'})
  })
  test('a header with only spaces inside is refused', () => {
    expect(() => doc('[ ]\n')).toThrow('credentials line 1: malformed section header')
  })
  test('text after a header is ignored, as botocore reads it (the header ends at the last ])', () => {
    expect(readSections(doc('[a] b\nk = v\n')).get('a')).toEqual({k: 'v'})
  })
  test('a setting without a key is refused', () => {
    expect(() => doc('[a]\n= value\n')).toThrow('credentials line 2: expected "key = value", "[section]" or a comment')
  })
  test('an indented header and spaces around a name are read', () => {
    expect(readSections(doc('  [ my profile ]  \nk = v\n')).get('my profile')).toEqual({k: 'v'})
  })
  test('a comment starting with ; or # after spaces', () => {
    expect(readSections(doc('[a]\n  ; x = 1\n  # y = 2\nk = v\n')).get('a')).toEqual({k: 'v'})
  })
  test('an empty value, and = inside a value', () => {
    expect(readSections(doc('[a]\nk =\nurl = http://x/?a=b\n')).get('a')).toEqual({k: '', url: 'http://x/?a=b'})
  })
  test('a value keeps inner spaces, loses outer ones', () => {
    expect(readSections(doc('[a]\nk =   two  words  \n')).get('a')).toEqual({k: 'two  words'})
  })
  test('an indented line after a plain value continues that value, as in botocore', () => {
    expect(readSections(doc('[a]\nk = v\n  region = x\n')).get('a')).toEqual({k: 'v\nregion = x'})
  })
  test('a sub-setting block ends at a key that is not indented; an indented line after it continues its value', () => {
    expect(readSections(doc('[s]\nsts =\n  endpoint_url = u\nregion = r\n  other = o\n')).get('s')).toEqual({sts: '', 'sts.endpoint_url': 'u', region: 'r\nother = o'})
  })
  test('a new section ends a sub-setting block', () => {
    expect(readSections(doc('[s]\nsts =\n[t]\n  k = v\n')).get('t')).toEqual({k: 'v'})
  })
  test('the file\'s line ending is the one most lines use', () => {
    expect(doc('a\r\n'.replace('a', '[a]') + 'k = v\n').eol).toBe('\n')
    expect(doc('[a]\r\nk = v\r\nx = 1\n').eol).toBe('\r\n')
    expect(doc('[a]').eol).toBe('\n')
  })
  test('line numbers count every line, blank ones too', () => {
    expect(() => doc('[a]\n\n\nbad line\n')).toThrow('credentials line 4:')
  })
  test('the hint of a malformed line never shows it', () => {
    try {
      doc('[a]\nsecretvalue\n')
    } catch (error) {
      expect((error as MfaError).hint).toBe('Fix that line (its content is not shown: it may hold a secret), then try again.')
    }
    expect.assertions(1)
  })
  test('hasSection', () => {
    expect(hasSection(doc('[a]\n'), 'a')).toBe(true)
    expect(hasSection(doc('[a]\nb = 1\n'), 'b')).toBe(false)
  })
})

describe('setSection: edges', () => {
  test('an indented key keeps its indentation when rewritten', () => {
    expect(setSection(doc('[mfa]\n  aws_session_token = OLD\n'), 'mfa', {aws_session_token: 'NEW'})).toBe('[mfa]\n  aws_session_token = NEW\n')
  })
  test('a sub-setting with the same name is not rewritten as the key', () => {
    const text = '[mfa]\nsts =\n  region = x\n'
    expect(setSection(doc(text), 'mfa', {region: 'y'})).toBe('[mfa]\nsts =\n  region = x\nregion = y\n')
  })
  test('new keys go after the last setting, before blank lines and the next section\'s comment', () => {
    const text = '[mfa]\nk = v\n\n# next\n[b]\n'
    expect(setSection(doc(text), 'mfa', {x: '1'})).toBe('[mfa]\nk = v\nx = 1\n\n# next\n[b]\n')
  })
  test('a section with no settings gets its keys right after the header', () => {
    expect(setSection(doc('[mfa]\n[b]\n'), 'mfa', {x: '1'})).toBe('[mfa]\nx = 1\n[b]\n')
  })
  test('a new section is always set off by one blank line of its own, so that removing it gives the bytes back', () => {
    expect(setSection(doc('[a]\n\n'), 'mfa', {x: '1'})).toBe('[a]\n\n\n[mfa]\nx = 1\n')
    expect(removeSection(doc('[a]\n\n\n[mfa]\nx = 1\n'), 'mfa')).toBe('[a]\n\n')
  })
  test.each([
    ['empty', ''],
    ['outer space', ' a'],
    ['a trailing space', 'a '],
    ['a line break', 'a\nb'],
    ['a carriage return', 'a\rb'],
  ])('a section name with %s is refused, with a hint', (_why, name) => {
    // The name is shown with its control characters made visible.
    expect(() => setSection(doc(''), name, {x: '1'})).toThrow('cannot write a section named "')
    expect(() => assertSectionName(name)).toThrow(expect.objectContaining({hint: 'Rename the profile so that it has none of those.'}))
  })
  test('a section name with [ is written: botocore reads the header up to its last ]', () => {
    expect(readSections(doc(setSection(doc(''), 'a[b', {x: '1'}))).get('a[b')).toEqual({x: '1'})
  })
  test.each([
    ['a line break', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a leading space', ' a'],
    ['a trailing space', 'a '],
  ])('a value with %s is refused, naming the key', (_why, value) => {
    expect(() => setSection(doc(''), 'ok', {aws_session_token: value})).toThrow('cannot write aws_session_token: a value with line breaks or outer spaces does not survive the file format')
  })
  test('removing a section that is not there changes nothing', () => {
    expect(removeSection(doc('[a]\nk = v\n'), 'mfa')).toBe('[a]\nk = v\n')
  })
  test('removing the first section takes the blank lines after it', () => {
    expect(removeSection(doc('[mfa]\nx = 1\n\n[a]\nk = v\n'), 'mfa')).toBe('[a]\nk = v\n')
  })
  test('removing the only section leaves an empty file', () => {
    expect(removeSection(doc('[mfa]\nx = 1\n'), 'mfa')).toBe('')
  })
})

describe('removeKeys keeps every other byte', () => {
  test('removes the settings from every copy of the section, keeps the header, comments and other sections', () => {
    const text = '# keys\r\n[default]\r\naws_access_key_id = AKIA1\r\n; mine\r\naws_secret_access_key=s1\r\nregion = x\r\n\r\n[work]\r\naws_access_key_id = AKIA2\r\n[default]\r\naws_access_key_id = AKIA3'
    expect(removeKeys(doc(text), 'default', ['aws_access_key_id', 'aws_secret_access_key'])).toBe(
      '# keys\r\n[default]\r\n; mine\r\nregion = x\r\n\r\n[work]\r\naws_access_key_id = AKIA2\r\n[default]\r\n',
    )
  })

  test('with dropEmpty, a section left empty goes, so that set then remove gives back the original bytes', () => {
    for (const original of ['', '[default]\nregion = x\n', '[default]\nregion = x', '# c\n[profile a]\nregion = y\n\n[profile b]\nk = v\n']) {
      for (const section of ['profile a', 'profile new', 'default']) {
        const added = setSection(doc(original), section, {mfa_keyring: 'AKIA0000000000000000'})
        const dropEmpty = !original.includes(`[${section}]`)
        const back = removeKeys(doc(added), section, ['mfa_keyring'], {dropEmpty})
        // A file that ended without a line ending gets one: the line before the added setting needs it.
        expect([original, section, back]).toEqual([original, section, original === '' || original.endsWith('\n') ? original : original + '\n'])
      }
    }
  })

  test('a missing section or key changes nothing', () => {
    const text = '[a]\nk = v\n'
    expect(removeKeys(doc(text), 'b', ['k'], {dropEmpty: true})).toBe(text)
    expect(removeKeys(doc(text), 'a', ['x'], {dropEmpty: true})).toBe(text)
  })
})

describe('a section read alone is the section read with the whole file', () => {
  const texts = [
    '# top\n[default]\nregion = a\n\n[profile x]\nk: v\n  more\n[default]\nregion = b\nREGION2 = c\n[x]y]\nk = 1\n[ spaced ] # note\nk = 2\n',
    '[a]\r\nk = v\r\n  [b]\r\n[b]\r\nk = w',
    '[a]\rk = v\r[b]\rk = w\r',
    '[a]\nk = v\n[broken\n',
    '[a]\nk = v\n[]\n',
    '[a.b]\nk = v\n[a*b]\nk = w\n',
    '[a]\nk = v\n[b]\n  [a]\nx = 1\n',
    '[b]\nk =\n  [a]\n[a]\ny = 2\n',
    '  [a]\nk = v\n',
  ]
  test.each(texts.map((t, i) => [i, t]))('text %i', (_i, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-ini-'))
    const path = join(dir, 'f')
    writeFileSync(path, text)
    let whole: Map<string, Record<string, string>> | Error
    try {
      whole = readSections(doc(text))
    } catch (error) {
      whole = error as Error
    }
    // A bad line is found when a section that is read runs into it (the rest of the file is not read).
    for (const name of whole instanceof Error ? ['a'] : [...whole.keys(), 'missing', 'a']) {
      const alone = () => loadIniFile(path, {HOME: dir}).sections.get(name)
      if (whole instanceof Error) expect(alone).toThrow(whole.message.replace(/^credentials /, ''))
      else expect(alone()).toEqual(whole.get(name))
    }
    rmSync(dir, {recursive: true})
  })
})

/** Files where finding a header in the bytes is not plain: blanks, `]` and `[` lines, line endings, bytes that are not ASCII. */
const TRICKY_FILES = [
  '[default]\nregion = a\n[profile x]\nk = v\n',
  '[p1]\nmfa_serial = default\n[ default ]\nk = 1\n[default]extra\nk = 2\n',
  'x = 1\n[default]\n',
  '[default]]\nk = v\n[default]\nk = w',
  '[a]\n  [default]\nk = v\n',
  '[a]\nk = v\n[de[fault]\n[default]\r\nk = v\r\n[x\nq = 1\n',
  '\uFEFF[default]\nk = v\n',
  '[\u00A0default]\nk = v\n',
  '[profile mfa]\nmfa_serial = arn:mfa\n[mfa]\r[profile mfa]\rk = v\r',
  '[ profile mfa\t]\nk = v\n[profile mfa]\n',
]

describe('sectionSpansInBytes: the spans sectionSpans finds, on undecoded bytes', () => {
  const files = TRICKY_FILES
  const names = ['default', 'profile x', 'profile mfa', 'mfa', 'x', 'de[fault']
  test.each(files)('%j', content => {
    const bytes = Buffer.from(content, 'utf8')
    const byteAt = (offset: number) => Buffer.byteLength(content.slice(0, offset))
    for (const name of names) {
      const got = sectionSpansInBytes(bytes, name)
      // undefined sends the caller to the text; when it answers, it answers as the text does.
      if (got === undefined) continue
      expect([name, got]).toEqual([name, sectionSpans(content, name)?.map(([from, to]) => [byteAt(from), byteAt(to)])])
    }
  })
  test('it answers for the plain forms, and gives up where the text would', () => {
    const plain = Buffer.from('[p1]\nmfa_serial = default\n[ default ]\nk = 1\n[default]extra\nk = 2\n')
    expect(sectionSpansInBytes(plain, 'default')).toEqual([
      [26, 44],
      [44, 65],
    ])
    expect(sectionSpansInBytes(Buffer.from('[a]\n  [default]\n'), 'default')).toBeUndefined()
    expect(sectionSpansInBytes(Buffer.from('\uFEFF[default]\n'), 'default')).toBeUndefined()
    expect(sectionSpansInBytes(Buffer.from('[default]\n[x\n'), 'default')).toBeUndefined()
  })
  test('a file of 10,000 sections: the section is found, the others are not decoded', () => {
    let content = ''
    for (let i = 0; i < 10_000; i++) content += `[profile p${i}]\nmfa_serial = arn:aws:iam::1:mfa/default\n`
    content += '[default]\nregion = eu-west-1\n'
    const bytes = Buffer.from(content)
    expect(sectionSpansInBytes(bytes, 'default')).toEqual([[content.length - 29, content.length]])
    expect(sectionSpansInBytes(bytes, 'profile p9999')).toEqual(sectionSpans(content, 'profile p9999'))
  })
})

describe('blockSource: a file searched a block at a time finds what the bytes in memory give', () => {
  let many = ''
  for (let i = 0; i < 100; i++) many += `[profile p${i}]\nmfa_serial = arn:aws:iam::1:mfa/u${i}\nmfa.x = [mfa ]\n`
  const files = [
    ...TRICKY_FILES,
    '# no header at all\n',
    '',
    `${many}[mfa]\nk = v\n[ mfa\t]\nk = w\n[mfa]x]\n[p]\n[default]\n`,
  ]
  const names = ['default', 'profile x', 'profile mfa', 'mfa', 'x', 'de[fault', 'p']
  // Every block size from one byte: each header, name, line end and `[` line meets a block's edge somewhere.
  test.each(files.map((f, i) => [i, f]))('file %i', (_i, content) => {
    const bytes = Buffer.from(content as string, 'utf8')
    const read = (buffer: Buffer, position: number) => bytes.copy(buffer, 0, position, position + buffer.length)
    for (const blockSize of [1, 2, 3, 5, 8, 13, 64, 1000]) {
      const source = () => blockSource(bytes.length, read, blockSize)
      for (const name of names) {
        expect([blockSize, name, sectionSpansInBytes(source(), name)]).toEqual([blockSize, name, sectionSpansInBytes(bytes, name)])
      }
      expect([blockSize, firstHeaderInBytes(source())]).toEqual([blockSize, firstHeaderInBytes(bytes)])
      expect(source().slice(3, 20)).toEqual(bytes.subarray(3, 20))
    }
  })
  test('names expected are found in the pass of the next search, as separate passes find them', () => {
    const content = files.at(-1)!
    const bytes = Buffer.from(content, 'utf8')
    for (const blockSize of [8, 64, 1000]) {
      const reading = (expected: boolean) => {
        let bytesRead = 0
        const read = (buffer: Buffer, position: number) => {
          const n = bytes.copy(buffer, 0, position, position + buffer.length)
          bytesRead += n
          return n
        }
        const source = blockSource(bytes.length, read, blockSize)
        if (expected) source.expect(names.map(n => Buffer.from(n, 'utf8')))
        const spans = names.map(name => sectionSpansInBytes(source, name))
        return {spans, bytesRead}
      }
      const together = reading(true)
      const apart = reading(false)
      expect(together.spans).toEqual(names.map(name => sectionSpansInBytes(bytes, name)))
      expect(together.spans).toEqual(apart.spans)
      // Six passes over the file fewer (and the same looking around each hit).
      expect(together.bytesRead + (names.length - 1) * bytes.length).toBeLessThanOrEqual(apart.bytesRead)
    }
  })
  test('looking around a hit reads a few KiB, not a whole block: a large file is read about once', () => {
    let content = ''
    for (let i = 0; i < 3000; i++) content += `[profile p${i}]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::1:mfa/u${i}\n`
    content += '[default]\nk = v\n[profile mfa]\nk = w\n'
    const bytes = Buffer.from(content, 'utf8')
    let bytesRead = 0
    const read = (buffer: Buffer, position: number) => {
      const n = bytes.copy(buffer, 0, position, position + buffer.length)
      bytesRead += n
      return n
    }
    const source = blockSource(bytes.length, read)
    source.expect([Buffer.from('profile mfa')])
    expect([sectionSpansInBytes(source, 'default'), sectionSpansInBytes(source, 'profile mfa')]).toEqual([sectionSpansInBytes(bytes, 'default'), sectionSpansInBytes(bytes, 'profile mfa')])
    expect(bytes.length).toBeGreaterThan(150_000)
    // The search's pass (each block also holds the longest name's length after it), then 4 KiB windows.
    expect(bytesRead).toBeLessThanOrEqual(bytes.length + 4 * 12 + 4 * 4097)
  })
  test('a file that is shorter than its size said (cut meanwhile) reads as ending there', () => {
    const bytes = Buffer.from('[a]\nk = v\n[default]\nk = w\n')
    const read = (buffer: Buffer, position: number) => bytes.copy(buffer, 0, position, position + buffer.length)
    const source = blockSource(bytes.length + 100, read, 8)
    expect(sectionSpansInBytes(source, 'default')).toEqual([[10, bytes.length + 100]])
    expect([source.byte(bytes.length + 5), source.slice(10, 200)]).toEqual([-1, bytes.subarray(10)])
  })
})

test('sectionSpansInBytes: a name that is part of many keys is found as the text finds it', () => {
  let content = ''
  for (let i = 0; i < 200; i++) content += `[profile p${i}]\nmfa_serial = arn:aws:iam::1:mfa/u${i}\nmfa.x = [mfa ]\n`
  content += '[mfa]\nk = v\n[ mfa\t]\nk = w\n[mfa]x]\n[p]\n'
  expect(sectionSpansInBytes(Buffer.from(content), 'mfa')).toEqual(sectionSpans(content, 'mfa'))
  expect(sectionSpansInBytes(Buffer.from(content), 'mfa')).toHaveLength(2)
})

describe('the lines as parsed', () => {
  test('every line has its kind', () => {
    expect(doc('# c\n[a]\nk = v\n  more\n\n; d\n').lines.map(l => l.kind)).toEqual(['comment', 'section', 'key', 'continuation', 'blank', 'comment'])
  })
  test('the line ending most lines use; CRLF wins a tie with CR', () => {
    expect(doc('[a]\r\nk = v\rx = 1\ry = 2\r').eol).toBe('\r')
    expect(doc('[a]\r\nk = v\r').eol).toBe('\r\n')
  })
  test('a sub-setting needs no spaces around its =', () => {
    expect(readSections(doc('[s]\nsts =\n  endpoint_url=http://x\n')).get('s')).toEqual({sts: '', 'sts.endpoint_url': 'http://x'})
  })
  test('an empty value continued on indented lines is those lines, without a leading line break', () => {
    expect(readSections(doc('[a]\nk =\n  one\n  two\n')).get('a')).toEqual({k: 'one\ntwo'})
  })
  test('hasSection finds a section among others', () => {
    expect(hasSection(doc('[a]\n[b]\n'), 'a')).toBe(true)
  })
  test('a refused section name is shown on one line', () => {
    expect(() => assertSectionName('a\nb\rc')).toThrow('cannot write a section named "a b c" (line breaks and outer spaces do not survive a [header])')
  })
})

describe('finding a section without parsing the file', () => {
  test('sectionSpans: from the header to the next header, every occurrence', () => {
    const text = '# c\n[a]\nk = v\n[b] ; note\nx = 1\n[a]\nk = w'
    expect(sectionSpans(text, 'a')).toEqual([[4, 14], [31, 40]])
    expect(sectionSpans(text, 'b')).toEqual([[14, 31]])
    expect(sectionSpans(text, 'missing')).toEqual([])
    expect(sectionSpans('[a]\rk = v\r[b]\r', 'a')).toEqual([[0, 10]])
  })
  test('sectionSpans: a name is matched as written, not as a pattern', () => {
    expect(sectionSpans('[axb]\nk = v\n', 'a.b')).toEqual([])
    expect(sectionSpans('[ a.b ]\nk = v\n', 'a.b')).toEqual([[0, 14]])
  })
  test('sectionSpans gives up (undefined) when it cannot be sure: an indented header, or a [ line that is no plain header', () => {
    expect(sectionSpans('  [a]\nk = v\n', 'a')).toBeUndefined()
    expect(sectionSpans('[b]\n  [a]\nk = v\n', 'a')).toBeUndefined()
    expect(sectionSpans('[a]\nk = v\n[x\n', 'a')).toBeUndefined()
    expect(sectionSpans('[a]\nk = v\n[ ]\n', 'a')).toBeUndefined()
  })
  test('firstHeader: where the first section starts', () => {
    expect(firstHeader('[a]\n')).toBe(0)
    expect(firstHeader('# c\n[a]\n')).toBe(4)
    expect(firstHeader('# c\r[a]\n')).toBe(4)
    expect(firstHeader('# x[a]\n')).toBe(7)
    expect(firstHeader('')).toBe(0)
  })
  test('lineNumberAt counts CRLF, CR and LF as one line break each, before the offset', () => {
    const text = 'a\r\nb\rc\nd'
    expect([0, 1, 3, 5, 7].map(offset => lineNumberAt(text, offset))).toEqual([1, 1, 2, 3, 4])
  })
  test('writtenKey: the name as written, before botocore lower-cases it', () => {
    const key = (text: string) => writtenKey(doc(`[a]\n${text}\n`).lines[1])
    expect(key('  AWS_Access_Key_ID  = x')).toBe('AWS_Access_Key_ID')
    expect(key('Region: eu-west-1')).toBe('Region')
    expect(key('k=v')).toBe('k')
  })
})

describe('editing: more edges', () => {
  test('a new section after a file whose last line has no line ending', () => {
    expect(setSection(doc('[a]\nk = v\nx = 1'), 'mfa', {y: '2'})).toBe('[a]\nk = v\nx = 1\n\n[mfa]\ny = 2')
  })
  test('a line ending other than the file\'s is kept on the line that has it', () => {
    expect(setSection(doc('[a]\nk = v\nx = 1\r\n'), 'mfa', {y: '2'})).toBe('[a]\nk = v\nx = 1\r\n\n[mfa]\ny = 2\n')
    expect(setSection(doc('[mfa]\nk = v\r\n'), 'mfa', {x: '1'})).toBe('[mfa]\nk = v\r\nx = 1\n')
  })
  test('rewriting every key of a section at the end of a file without a line ending adds none', () => {
    expect(setSection(doc('[mfa]\nk = OLD'), 'mfa', {k: 'NEW'})).toBe('[mfa]\nk = NEW')
  })
  test('three copies of a section: the first is kept, both later ones go', () => {
    const text = '[mfa]\nx = 1\n\n[a]\nk = v\n\n[mfa]\nx = 2\n\n[b]\nk = w\n\n[mfa]\nx = 3\n'
    expect(setSection(doc(text), 'mfa', {x: '9'})).toBe('[mfa]\nx = 9\n\n[a]\nk = v\n\n[b]\nk = w\n\n')
  })
  test('removeSection removes every copy, the last one with the blank line before it', () => {
    expect(removeSection(doc('[mfa]\nx = 1\n\n[a]\nk = v\n\n[mfa]\ny = 2\n'), 'mfa')).toBe('[a]\nk = v\n')
  })
  test('removing the last section keeps the line before it when that is no blank line', () => {
    expect(removeSection(doc('[a]\nk = v\n[mfa]\nx = 1\n'), 'mfa')).toBe('[a]\nk = v\n')
  })
  test('a removed key takes its continuation lines; comments and the other keys stay', () => {
    const text = '[p]\nk = v\n  more\n# note\nother = 1\n'
    expect(removeKeysOrSection(doc(text), 'p', new Set(['k']))).toBe('[p]\n# note\nother = 1\n')
    expect(removeKeys(doc(text), 'p', ['k'])).toBe('[p]\n# note\nother = 1\n')
  })
  test('with dropEmpty, a section that keeps only comments goes; the comments stay', () => {
    expect(removeKeys(doc('[a]\nk = v\n\n[p]\n# note\nk = v\n'), 'p', ['k'], {dropEmpty: true})).toBe('[a]\nk = v\n\n# note\n')
  })
})
