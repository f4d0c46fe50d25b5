// sentencepiece's compiled normaliser (the precompiled_charsmap XLM-R's tokenizer.json carries) read from
// its double-array trie and applied as the Rust tokenizers library applies it: equal to that library's
// output (written by scripts/make-base-fixtures.py) on the awkward texts, on mixed strings of combining
// marks, conjuncts, jamo, emoji modifiers and joiners, and on every code point the map changes.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tokenizerFromFiles } from '../../../../src/main/engine/tokenizers'
import { applyNormalizer, flattenNormalizer } from '../../../../src/main/engine/tokenizers/pretrained/normalizers'

const DIR = join(__dirname, '..', '..', '..', 'fixtures', 'bases', 'xlmr-tiny')
const tj = JSON.parse(readFileSync(join(DIR, 'tokenizer.json'), 'utf8')) as { normalizer: { normalizers: Record<string, unknown>[] } }
const ref = JSON.parse(readFileSync(join(DIR, 'normalizer-reference.json'), 'utf8')) as { texts: [string, string][]; changed: Record<string, string> }
const [step] = flattenNormalizer(tj.normalizer.normalizers[0])

describe('precompiled charsmap', () => {
  it('the fixture carries the compiled map, and the step keeps it (it ships with the tokenizer)', () => {
    expect(typeof step.precompiled_charsmap).toBe('string')
    expect((step.precompiled_charsmap as string).length).toBeGreaterThan(100_000)
  })

  it("normalises every reference text exactly as the Rust library does", () => {
    expect(ref.texts.length).toBeGreaterThan(600)
    const mismatches = ref.texts.filter(([text, want]) => applyNormalizer(step, text) !== want).map(([t]) => JSON.stringify(t))
    expect(mismatches).toEqual([])
  })

  it('changes every code point the Rust library changes, the same way, and leaves others as they are', () => {
    const changed = Object.entries(ref.changed)
    expect(changed.length).toBeGreaterThan(4000)
    const wrong = changed.filter(([cp, want]) => applyNormalizer(step, String.fromCodePoint(Number(cp))) !== want).map(([cp]) => cp)
    expect(wrong).toEqual([])
    const kept: number[] = []
    for (let cp = 0; cp < 0x110000; cp += 61) if (!(cp >= 0xd800 && cp <= 0xdfff) && !(cp in ref.changed)) kept.push(cp)
    expect(kept.filter((cp) => applyNormalizer(step, String.fromCodePoint(cp)) !== String.fromCodePoint(cp))).toEqual([])
  })

  it('a damaged map is refused in a sentence when the tokenizer is read', () => {
    const broken = structuredClone(tj)
    broken.normalizer.normalizers[0].precompiled_charsmap = 'AAAA'
    expect(() => tokenizerFromFiles({ tokenizerJson: broken as unknown as Record<string, unknown>, tokenizerConfig: {} })).toThrow(/precompiled normalisation map cannot be read/)
  })
})
