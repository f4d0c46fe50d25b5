// Token-for-token parity of the hand-written WordPiece, byte-level BPE and Unigram tokenizers with
// Hugging Face's maintained JavaScript implementation (@huggingface/tokenizers), on the fixture bases'
// tokenizer.json files and a list of awkward texts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers'
import { describe, expect, it } from 'vitest'
import { PretrainedTokenizer, tokenizerFromFiles, tokenizerFromJSON } from '../../../../src/main/engine/tokenizers'

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'bases')

/** Texts that have tripped tokenizers up: accents, CJK, emoji, punctuation runs, long words, whitespace, mixed scripts (shared with the fixture script). */
const AWKWARD_TEXTS = JSON.parse(readFileSync(join(FIXTURES, 'awkward-texts.json'), 'utf8')) as string[]

const load = (name: string, file: string) => JSON.parse(readFileSync(join(FIXTURES, name, file), 'utf8')) as Record<string, unknown>

const KINDS = [
  { name: 'bert-tiny', kind: 'wordpiece' },
  { name: 'roberta-tiny', kind: 'bpe' },
  { name: 'gpt2-tiny', kind: 'bpe' },
  { name: 'xlmr-tiny', kind: 'unigram' },
] as const

describe('pretrained tokenizers match the Hugging Face references token for token', () => {
  for (const { name, kind } of KINDS) {
    const tj = load(name, 'tokenizer.json')
    const tc = load(name, 'tokenizer_config.json')
    const ours = new PretrainedTokenizer(tokenizerFromFiles({ tokenizerJson: tj, tokenizerConfig: tc }))
    // Ids from the Rust library the checkpoints are made with (written by scripts/make-base-fixtures.py).
    const rust = (load(name, 'tokenizer-reference.json') as { ids: number[][] }).ids

    it(`${kind} (${name}): ids with special tokens equal the Rust tokenizers library's on every awkward text`, () => {
      expect(ours.kind).toBe(kind)
      expect(rust).toHaveLength(AWKWARD_TEXTS.length)
      const mismatches = AWKWARD_TEXTS.flatMap((text, i) => {
        const got = ours.encodeFramed(text).ids
        return JSON.stringify(got) === JSON.stringify(rust[i]) ? [] : [`${JSON.stringify(text)}: want ${JSON.stringify(rust[i])} got ${JSON.stringify(got)}`]
      })
      expect(mismatches).toEqual([])
    })

    it(`${kind} (${name}): ids equal @huggingface/tokenizers' wherever that port agrees with the Rust library`, () => {
      const js = new HfTokenizer(tj, tc)
      const mismatches: string[] = []
      const portDeviates: string[] = []
      AWKWARD_TEXTS.forEach((text, i) => {
        const want = js.encode(text).ids
        if (JSON.stringify(want) !== JSON.stringify(rust[i])) portDeviates.push(text)
        else if (JSON.stringify(want) !== JSON.stringify(ours.encodeFramed(text).ids)) mismatches.push(JSON.stringify(text))
      })
      expect(mismatches).toEqual([])
      // Where the port differs from the Rust library (code points above U+FFFF in BERT's CJK test, U+200D in
      // sentencepiece's map) the Rust library is followed; those must stay rare for this check to mean much.
      expect(portDeviates.length).toBeLessThanOrEqual(2)
    })
  }

  it('the unknown token appears where the small vocabularies lack characters (so the texts exercise it)', () => {
    const bert = new PretrainedTokenizer(tokenizerFromFiles({ tokenizerJson: load('bert-tiny', 'tokenizer.json'), tokenizerConfig: load('bert-tiny', 'tokenizer_config.json') }))
    const xlmr = new PretrainedTokenizer(tokenizerFromFiles({ tokenizerJson: load('xlmr-tiny', 'tokenizer.json'), tokenizerConfig: load('xlmr-tiny', 'tokenizer_config.json') }))
    expect(bert.encode('Привет').ids).toEqual([bert.special.unk])
    // 'ü' is left out of the Unigram fixture's pieces: a run of unknown characters is one <unk>.
    expect(xlmr.encode('üü').ids).toContain(xlmr.special.unk)
    expect(xlmr.encode('üü').ids.filter((i) => i === xlmr.special.unk)).toHaveLength(1)
  })

  it('round-trips through its JSON (what ships inside exported bundles) and decodes back to the text', () => {
    for (const { name } of KINDS) {
      const json = tokenizerFromFiles({ tokenizerJson: load(name, 'tokenizer.json'), tokenizerConfig: load(name, 'tokenizer_config.json') })
      const a = new PretrainedTokenizer(json)
      const b = tokenizerFromJSON(JSON.parse(JSON.stringify(a.toJSON())))
      for (const text of AWKWARD_TEXTS) expect(b.encode(text).ids).toEqual(a.encode(text).ids)
    }
    const gpt2 = new PretrainedTokenizer(tokenizerFromFiles({ tokenizerJson: load('gpt2-tiny', 'tokenizer.json'), tokenizerConfig: load('gpt2-tiny', 'tokenizer_config.json') }))
    const text = 'Café 中文 😀 — lossless bytes'
    expect(gpt2.decode(gpt2.encode(text).ids)).toBe(text)
    const bert = new PretrainedTokenizer(tokenizerFromFiles({ tokenizerJson: load('bert-tiny', 'tokenizer.json'), tokenizerConfig: load('bert-tiny', 'tokenizer_config.json') }))
    expect(bert.decode(bert.encodeFramed('Running runs').ids)).toBe('running runs')
  })
})

describe('tokenizers from vocabulary files (no tokenizer.json)', () => {
  const viaJson = (name: string) => new PretrainedTokenizer(tokenizerFromFiles({ tokenizerJson: load(name, 'tokenizer.json'), tokenizerConfig: load(name, 'tokenizer_config.json') }))

  it("BERT's vocab.txt with do_lower_case encodes like its tokenizer.json", () => {
    const json = load('bert-tiny', 'tokenizer.json') as { model: { vocab: Record<string, number> } }
    const lines: string[] = []
    for (const [t, i] of Object.entries(json.model.vocab)) lines[i] = t
    const ours = new PretrainedTokenizer(tokenizerFromFiles({ vocabTxt: lines.join('\n') + '\n', tokenizerConfig: { do_lower_case: true } }))
    const want = viaJson('bert-tiny')
    for (const text of AWKWARD_TEXTS) expect(ours.encodeFramed(text).ids, text).toEqual(want.encodeFramed(text).ids)
  })

  for (const [name, modelType] of [['gpt2-tiny', 'gpt2'], ['roberta-tiny', 'roberta']] as const) {
    it(`${modelType}'s vocab.json + merges.txt encode like its tokenizer.json`, () => {
      const json = load(name, 'tokenizer.json') as { model: { vocab: Record<string, number>; merges: string[] } }
      const ours = new PretrainedTokenizer(
        tokenizerFromFiles({ vocabJson: json.model.vocab, mergesTxt: '#version: 0.2\n' + json.model.merges.join('\n') + '\n', tokenizerConfig: load(name, 'tokenizer_config.json'), modelType }),
      )
      const want = viaJson(name)
      for (const text of AWKWARD_TEXTS) expect(ours.encodeFramed(text).ids, text).toEqual(want.encodeFramed(text).ids)
    })
  }

  it('refuses a folder with no tokenizer it can read, and tokenizer.json steps it does not implement', () => {
    expect(() => tokenizerFromFiles({})).toThrow(/no tokenizer this app can read/)
    const tj = load('bert-tiny', 'tokenizer.json')
    expect(() => tokenizerFromFiles({ tokenizerJson: { ...tj, pre_tokenizer: { type: 'CharDelimiterSplit', delimiter: '_' } } })).toThrow(/pre-tokenisation step "CharDelimiterSplit"/)
  })
})

describe('batches of a base tokenizer', () => {
  it("frame every row with the base's own special tokens, cut inside them, and pad with its pad id", async () => {
    const { encodeBatch } = await import('../../../../src/main/engine/tokenizers')
    const tok = new PretrainedTokenizer(tokenizerFromFiles({ tokenizerJson: load('roberta-tiny', 'tokenizer.json'), tokenizerConfig: load('roberta-tiny', 'tokenizer_config.json') }))
    const b = encodeBatch(tok, ['attention is all you need attention attention', 'hi'], { seqLen: 6, addCls: true, padTo: 'max' })
    const row = (i: number) => Array.from(b.ids.slice(i * 6, i * 6 + 6))
    expect(row(0)[0]).toBe(tok.special.cls)
    expect(row(0)[5]).toBe(tok.special.sep) // cut to fit, the end token kept
    expect(row(0).slice(1, 5)).toEqual(tok.encodeIds('attention is all you need attention attention').slice(0, 4))
    const short = tok.encodeFramed('hi').ids
    expect(row(1).slice(0, short.length)).toEqual(short)
    expect(row(1).slice(short.length)).toEqual(new Array(6 - short.length).fill(tok.special.pad))
    expect(Array.from(b.mask.slice(6, 12))).toEqual([...new Array(short.length).fill(1), ...new Array(6 - short.length).fill(0)])
  })
})
