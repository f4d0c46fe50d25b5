// Token-for-token parity of the hand-written WordPiece, byte-level BPE and Unigram tokenizers with
// Hugging Face's maintained JavaScript implementation (@huggingface/tokenizers), on the fixture bases'
// tokenizer.json files and a list of awkward texts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers'
import { describe, expect, it } from 'vitest'
import { PretrainedTokenizer, tokenizerFromFiles, tokenizerFromJSON } from '../../../../src/main/engine/tokenizers'

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'bases')

/** Texts that have tripped tokenizers up: accents, CJK, emoji, punctuation runs, long words, whitespace, mixed scripts. */
export const AWKWARD_TEXTS = [
  '',
  ' ',
  '   \t\n  ',
  'Hello world',
  'hello   world  ',
  '  leading and trailing  ',
  'The quick brown fox jumps over the lazy dog.',
  'Café crème brûlée, naïve Zürich — déjà vu!',
  'ÀÉÎÕÜ àéîõü Ñ ñ Ç ç ß ẞ',
  'İstanbul ıi Σίσυφος ΣΑΣ',
  '中文文本很好',
  '日本語もカタカナも 한국어도',
  'mixed中文and English文本',
  'emoji 😀😃 and 👍🏽 and 👨‍👩‍👧 family',
  '!!!???...;;;---',
  'a,b.c;d:e!f?g',
  '"quoted" (parens) [brackets] {braces} <angles>',
  "Don't stop; it's fine, we'll see, they're here, I'm sure, you've won, he'd go.",
  'supercalifragilisticexpialidocious'.repeat(4),
  'x'.repeat(120),
  'unbelievably believable believers',
  'Running runner runs 123 2024 3.14 1,000,000',
  'tabs\tand\nnewlines\r\nand\u00a0nbsp\u3000ideographic space',
  'zero\u200bwidth\u200djoiner and soft\u00adhyphen',
  'control\u0007bell and \u0000null and \ufffdreplacement',
  'Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３',
  'ﬁ ligature ① circled ㎏ squared',
  'Привет мир, Ελληνικά, עברית, العربية, हिन्दी',
  '$100 + 50% = €150 ~ £ # @ ^ ` | \\ /',
  'email@example.com https://example.org/path?q=1&r=2',
  'CamelCaseWords and snake_case_words and kebab-case-words',
  '  multiple   spaces    between     words  ',
  'The [MASK] sat on the <mask> mat',
  'attention is all you need attention attention',
]

const load = (name: string, file: string) => JSON.parse(readFileSync(join(FIXTURES, name, file), 'utf8')) as Record<string, unknown>

const KINDS = [
  { name: 'bert-tiny', kind: 'wordpiece' },
  { name: 'roberta-tiny', kind: 'bpe' },
  { name: 'gpt2-tiny', kind: 'bpe' },
  { name: 'xlmr-tiny', kind: 'unigram' },
] as const

describe('pretrained tokenizers match the Hugging Face reference token for token', () => {
  for (const { name, kind } of KINDS) {
    it(`${kind} (${name}): ids with special tokens agree on every awkward text`, () => {
      const tj = load(name, 'tokenizer.json')
      const tc = load(name, 'tokenizer_config.json')
      const ref = new HfTokenizer(tj, tc)
      const ours = new PretrainedTokenizer(tokenizerFromFiles({ tokenizerJson: tj, tokenizerConfig: tc }))
      expect(ours.kind).toBe(kind)
      const mismatches: string[] = []
      for (const text of AWKWARD_TEXTS) {
        const want = ref.encode(text).ids
        const got = ours.encodeFramed(text).ids
        if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${JSON.stringify(text)}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`)
      }
      expect(mismatches).toEqual([])
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
