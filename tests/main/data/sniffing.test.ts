import { describe, expect, it } from 'vitest'
import { guessColumns } from '../../../src/main/data/column-guess'
import { sniffDelimiter } from '../../../src/main/data/csv-sniff'
import { headerColumns, looksLikeHeader } from '../../../src/main/data/header-sniff'
import { checkMapping, mapRecord, parseSplitValue } from '../../../src/main/data/row-mapping'
import { countTokens, lengthHistogram } from '../../../src/main/data/tokens'

describe('sniffing', () => {
  it('finds the delimiter that gives consistent fields, even with delimiters inside quotes', () => {
    expect(sniffDelimiter('a,b,c\n1,2,3\n4,5,6\n')).toBe(',')
    expect(sniffDelimiter('a;b\n"x, y, z";1\n"p, q";2\n')).toBe(';')
    expect(sniffDelimiter('a\tb\nsome, text\tx\nmore, text\ty\n')).toBe('\t')
    expect(sniffDelimiter('a|b\n1|2\n3|4\n5|')).toBe('|')
  })

  it('tells a header from data', () => {
    expect(looksLikeHeader(['text', 'label'], [['hi', 'x']])).toBe(true)
    expect(looksLikeHeader(['Produktbewertung', 'Note'], [['ein sehr langer Text über das Produkt', '5'], ['noch ein langer Text hier drin', '3']])).toBe(true)
    expect(looksLikeHeader(['a long sentence about the weather today', 'pos'], [['another long sentence about food', 'neg'], ['one more sentence that is long', 'pos']])).toBe(false)
    expect(looksLikeHeader(['12', 'x'], [['13', 'y']])).toBe(false)
    expect(headerColumns(['text', '', 'text', ' label '])).toEqual(['text', 'column2', 'text_2', 'label'])
  })

  it('guesses text, label and split columns by name, then by content', () => {
    expect(guessColumns(['id', 'Review Text', 'Sentiment'], [{ id: '1', 'Review Text': 'nice', Sentiment: 'pos' }])).toEqual({ textColumns: ['Review Text'], labelColumn: 'Sentiment', splitColumn: null })
    const rows = Array.from({ length: 20 }, (_, i) => ({ a: `k${i % 3}`, b: `a long free text sentence number ${i}`, c: i % 4 ? 'train' : 'test' }))
    expect(guessColumns(['a', 'b', 'c'], rows)).toEqual({ textColumns: ['b'], labelColumn: 'a', splitColumn: 'c' })
  })

  it('maps records, joining text columns and reading split aliases', () => {
    const mapping = { textColumns: ['t1', 't2'], labelColumn: 'y', splitColumn: 's' }
    expect(mapRecord({ line: 2, values: { t1: 'Title', t2: 'Body', y: ' ', s: 'dev' } }, mapping, 'f.csv')).toEqual({ text: 'Title\nBody', label: null, split: 'validation' })
    expect(parseSplitValue('Training')).toBe('train')
    expect(parseSplitValue('')).toBeNull()
    expect(parseSplitValue('later')).toBeUndefined()
    expect(() => checkMapping({ textColumns: ['y'], labelColumn: 'y', splitColumn: null }, ['y'])).toThrow(/both a text column and the label/)
  })
})

describe('token counts', () => {
  it('counts words at spaces and each CJK character as one', () => {
    expect(countTokens('hello  world, again')).toBe(3)
    expect(countTokens('我喜欢这部电影')).toBe(7)
    expect(countTokens('I love 東京 too')).toBe(5)
    expect(countTokens('こんにちは world')).toBe(6)
    expect(countTokens('   ')).toBe(0)
  })

  it('bins lengths with the sequence length on a bin edge and a tail bin', () => {
    const lengths = [1, 2, 3, 10, 50, 127, 128, 129, 400, 5000]
    const bins = lengthHistogram(lengths, 128)
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(lengths.length)
    expect(bins.some((b) => b.binStart === 128)).toBe(true)
    expect(bins[bins.length - 1].binEnd).toBeGreaterThan(5000)
    for (let i = 1; i < bins.length; i++) expect(bins[i].binStart).toBe(bins[i - 1].binEnd)
  })
})
