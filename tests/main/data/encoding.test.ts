import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { bomOf, canonicalEncoding, checkEncoding, detectEncoding, isUtf8 } from '../../../src/main/data/encoding'
import { assertText, guessFormat } from '../../../src/main/data/file-kind'

describe('detectEncoding', () => {
  it('trusts a BOM first', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61]), true)).toMatchObject({ encoding: 'utf-8', basis: 'bom' })
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x61, 0x00]), true)).toMatchObject({ encoding: 'utf-16le', basis: 'bom' })
    expect(bomOf(Buffer.from([0xfe, 0xff, 0x00, 0x61]))).toEqual({ encoding: 'utf-16be', length: 2 })
  })

  it('recognises UTF-16 without a BOM from its zero bytes', () => {
    expect(detectEncoding(iconv.encode('text,label\nhello there,x\n', 'utf-16le'), true).encoding).toBe('utf-16le')
    expect(detectEncoding(iconv.encode('text,label\nhello there,x\n', 'utf-16be'), true).encoding).toBe('utf-16be')
  })

  it('calls valid UTF-8 UTF-8 even when the sample cuts a character in half', () => {
    const bytes = Buffer.from('naïve café 日本語', 'utf8')
    expect(isUtf8(bytes.subarray(0, bytes.length - 1), false)).toBe(true)
    expect(isUtf8(bytes.subarray(0, bytes.length - 1), true)).toBe(false)
    expect(detectEncoding(bytes, true)).toMatchObject({ encoding: 'utf-8', basis: 'utf-8' })
  })

  it('guesses legacy encodings and offers alternatives', () => {
    const zh = iconv.encode('这部电影非常好看，演员的表演也很精彩。我很喜欢这个故事。'.repeat(4), 'gb18030')
    const g = detectEncoding(zh, true)
    expect(g).toMatchObject({ encoding: 'gb18030', basis: 'guess' })
    expect(g.candidates).toEqual(expect.arrayContaining(['utf-8', 'shift_jis', 'windows-1252']))
  })

  it('maps aliases and rejects unknown names', () => {
    expect(canonicalEncoding('ISO-8859-1')).toBe('windows-1252')
    expect(canonicalEncoding('GBK')).toBe('gb18030')
    expect(canonicalEncoding('Shift_JIS')).toBe('shift_jis')
    expect(() => checkEncoding('nope-1')).toThrow(/Unknown text encoding "nope-1"/)
    expect(detectEncoding(Buffer.from('abc'), true, 'latin1')).toMatchObject({ encoding: 'windows-1252', basis: 'override' })
  })
})

describe('file kinds', () => {
  it('names binary formats instead of parsing them', () => {
    expect(() => assertText(Buffer.from('%PDF-1.4 ...'), 'utf-8', 'x.csv')).toThrow(/"x\.csv" is a PDF document/)
    expect(() => assertText(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]), 'utf-8', 'y.csv')).toThrow(/zip archive.*xlsx/)
    expect(() => assertText(Buffer.from('ok,fine\nline two,\u0000\u0001\u0002\u0003\u0004'), 'utf-8', 'z.csv')).toThrow(/line 2 already contains binary data/)
    expect(() => assertText(Buffer.from('text,label\nhello,x\n'), 'utf-8', 'ok.csv')).not.toThrow()
  })

  it('guesses the format from the extension and first bytes', () => {
    expect(guessFormat('a.tsv', Buffer.from('x'))).toBe('tsv')
    expect(guessFormat('a.json', Buffer.from('{"a":1}\n{"a":2}\n'))).toBe('jsonl')
    expect(guessFormat('a.json', Buffer.from('[{"a":1}]'))).toBe('json')
    expect(guessFormat('data', Buffer.from('  [ {"a": 1} ]'))).toBe('json')
    expect(guessFormat('data', Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBe('xlsx')
    expect(() => guessFormat('old.xls', Buffer.from('x'))).toThrow(/old Excel \.xls/)
  })
})
