import { describe, expect, it } from 'vitest'
import { presetNames, resolveConfig } from '../../src/shared/config'
import { describeChoice, sizePreset, usefulVocabLimit, vocabTooLarge, type DataProfile } from '../../src/shared/preset-sizing'

const profile = (over: Partial<DataProfile> = {}): DataProfile => ({
  nTrain: 2100,
  nClasses: 4,
  tokens: { p50: 60, p90: 90, p95: 110, max: 400 },
  charsP50: 320,
  distinctWords: 9000,
  ...over,
})

const names: DataProfile = { nTrain: 2100, nClasses: 2, tokens: { p50: 1, p90: 1, p95: 1, max: 2 }, charsP50: 6, distinctWords: 2100 }
const tweets: DataProfile = { nTrain: 300, nClasses: 3, tokens: { p50: 18, p90: 30, p95: 34, max: 60 }, charsP50: 90, distinctWords: 1500 }
const mails: DataProfile = { nTrain: 2100, nClasses: 2, tokens: { p50: 250, p90: 900, p95: 1400, max: 9000 }, charsP50: 1500, distinctWords: 40000 }
const big: DataProfile = { nTrain: 50_000, nClasses: 10, tokens: { p50: 40, p90: 80, p95: 100, max: 500 }, charsP50: 200, distinctWords: 120_000 }

describe('sizePreset', () => {
  it('gives every preset a valid configuration for every profile', () => {
    for (const p of presetNames) {
      for (const prof of [profile(), names, tweets, mails, big]) {
        const s = sizePreset(p, prof)
        expect(() => resolveConfig(p, s.config)).not.toThrow()
        expect(s.choices.length).toBeGreaterThanOrEqual(6)
        for (const c of s.choices) expect(describeChoice(c)).toContain(String(c.value))
      }
    }
  })

  it('grows the model with the data, and never gives Balanced a smaller one than Quick', () => {
    const widths = [tweets, profile(), profile({ nTrain: 8000 }), big].map((p) => sizePreset('balanced', p).config.model!)
    for (let i = 1; i < widths.length; i++) {
      expect(widths[i].dModel! * widths[i].nLayers!).toBeGreaterThanOrEqual(widths[i - 1].dModel! * widths[i - 1].nLayers!)
    }
    expect(widths[0].dModel! * widths[0].nLayers!).toBeLessThan(widths[3].dModel! * widths[3].nLayers!)
    for (const prof of [tweets, profile(), big]) {
      const q = sizePreset('quick', prof).config
      const b = sizePreset('balanced', prof).config
      expect(b.model!.dModel!).toBeGreaterThanOrEqual(q.model!.dModel!)
      expect(b.train!.epochs!).toBeGreaterThanOrEqual(q.train!.epochs!)
    }
  })

  it('chooses the sequence length from the length distribution, capped per preset', () => {
    const s = sizePreset('balanced', tweets)
    // 95th percentile 34 words -> ~45 subword pieces + [CLS] -> 48.
    expect(s.config.model!.seqLen).toBe(48)
    expect(s.choices.find((c) => c.setting === 'model.seqLen')!.reason).toBe('seqLenCovers')
    const long = sizePreset('quick', mails)
    expect(long.config.model!.seqLen).toBe(128)
    expect(long.choices.find((c) => c.setting === 'model.seqLen')!.reason).toBe('seqLenCapped')
    expect(sizePreset('balanced', mails).config.model!.seqLen).toBe(256)
  })

  it('reads characters when texts are single words (names), words otherwise', () => {
    expect(sizePreset('balanced', names).config.tokenizer!.kind).toBe('char')
    expect(sizePreset('balanced', names).config.model!.seqLen).toBeLessThanOrEqual(32)
    expect(sizePreset('balanced', tweets).config.tokenizer!.kind).toBe('subword')
  })

  it('sizes the vocabulary from distinct words within the preset cap', () => {
    expect(sizePreset('balanced', tweets).config.tokenizer!.vocabSize).toBe(1000)
    expect(sizePreset('balanced', profile()).config.tokenizer!.vocabSize).toBe(4500)
    expect(sizePreset('quick', big).config.tokenizer!.vocabSize).toBe(4000)
    expect(sizePreset('thorough', big).config.tokenizer!.vocabSize).toBe(16000)
  })

  it('regularises small data harder and trains it for more epochs', () => {
    const small = sizePreset('balanced', tweets).config
    const large = sizePreset('balanced', big).config
    expect(small.model!.dropout!).toBeGreaterThan(large.model!.dropout!)
    expect(small.train!.weightDecay!).toBeGreaterThan(large.train!.weightDecay!)
    // 300 rows at batch 32 = 10 steps per epoch: 800 steps would be 80 epochs, capped at 20.
    expect(small.train!.epochs).toBe(20)
    // 50,000 rows = 1563 steps per epoch: the floor of 4 epochs applies.
    expect(large.train!.epochs).toBe(4)
    // Fewer steps per epoch at a larger batch: more epochs for the same number of steps.
    expect(sizePreset('balanced', profile(), 64).config.train!.epochs).toBeGreaterThan(sizePreset('balanced', profile(), 16).config.train!.epochs!)
  })
})

describe('one vocabulary rule for sizing and the plan warning', () => {
  it('never sizes a vocabulary the plan would call too large, and says why it capped one', () => {
    for (const nTrain of [10, 40, 128, 250, 499, 900, 3000, 50_000]) {
      for (const p of presetNames) {
        const s = sizePreset(p, profile({ nTrain, distinctWords: 3000 }))
        const vocab = s.config.tokenizer!.vocabSize!
        expect(vocabTooLarge(vocab, nTrain, s.config.tokenizer!.kind!), `${p} at ${nTrain} rows: ${vocab}`).toBe(false)
        expect(() => resolveConfig(p, s.config)).not.toThrow()
      }
    }
    // 128 rows teach about 512 entries: the preset picks 500, not 1500, and says so.
    const small = sizePreset('balanced', profile({ nTrain: 128, distinctWords: 3000 }))
    expect(small.config.tokenizer!.vocabSize).toBe(500)
    const why = small.choices.find((c) => c.setting === 'tokenizer.vocabSize')!
    expect(why).toMatchObject({ reason: 'vocabForRows', params: { rows: 128, limit: 512 } })
    expect(describeChoice(why)).toBe('vocabulary 500: 128 training rows can teach about 512 entries, so no more')
    // With enough rows the words decide, as before.
    expect(sizePreset('balanced', profile({ nTrain: 3000, distinctWords: 3000 })).config.tokenizer!.vocabSize).toBe(1500)
  })

  it('the limit grows with the rows, has a floor, and characters are never too many', () => {
    expect(usefulVocabLimit(128)).toBe(512)
    expect(usefulVocabLimit(3)).toBe(64)
    expect(vocabTooLarge(1500, 128, 'subword')).toBe(true)
    expect(vocabTooLarge(512, 128, 'subword')).toBe(false)
    expect(vocabTooLarge(1500, 128, 'char')).toBe(false)
  })
})
