// The plan's closed-form parameter count must match the engine's real weight shapes, so the size
// the UI shows before training is the size that trains. (Main never imports the engine; this test may.)
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../../src/shared/config'
import { modelInfo } from '../../../src/shared/models'
import { modelShapes, resolveDims } from '../../../src/main/engine/models'
import { countParameters, estimateMemoryMb } from '../../../src/shared/run-cost'
import { effectiveVocab, estimateSeconds } from '../../../src/main/services/run-estimates'
import { twoClassData } from './runs-fixtures'

function engineCount(config: ReturnType<typeof resolveConfig>, nClasses: number, vocab: number): number {
  const spec = {
    dims: resolveDims(config.model, vocab),
    head: config.task === 'pretrain' ? modelInfo(config.model.arch).pretrain!.head : ('classify' as const),
    nClasses,
    lora: config.finetune.lora.enabled ? { rank: config.finetune.lora.rank, alpha: config.finetune.lora.alpha, ffn: config.finetune.lora.ffn } : null,
  }
  return modelShapes(spec).reduce((sum, [, shape]) => sum + shape.reduce((a, b) => a * b, 1), 0)
}

describe('run plan', () => {
  const cases: [string, Record<string, unknown>, number][] = [
    ['encoder, learned positions', { model: { dModel: 32, nHeads: 4, nLayers: 2 } }, 3],
    ['grouped-query attention, sinusoidal positions, custom ffn', { model: { dModel: 48, nHeads: 6, nKvHeads: 2, ffnDim: 100, positional: 'sinusoidal' } }, 5],
    ['bag-of-embeddings baseline', { model: { arch: 'bag', dModel: 64 } }, 4],
    ['decoder pretraining with a language-model head', { task: 'pretrain', model: { arch: 'decoder', dModel: 32, nHeads: 2, nLayers: 3 } }, 2],
    ['encoder pretraining with a masked-language-model head', { task: 'pretrain', model: { dModel: 32, nHeads: 2, nLayers: 2 } }, 2],
    ['LoRA adapters', { model: { dModel: 32, nHeads: 4, nKvHeads: 1 }, finetune: { lora: { enabled: true, rank: 4 } } }, 2],
    ['LoRA adapters on the feed-forward too', { model: { dModel: 32, nHeads: 4 }, finetune: { lora: { enabled: true, rank: 4, ffn: true } } }, 3],
  ]
  for (const [name, over, nClasses] of cases) {
    it(`counts parameters exactly like the engine: ${name}`, () => {
      const config = resolveConfig(null, { tokenizer: { vocabSize: 500 } }, over)
      expect(countParameters(config, nClasses)).toBe(engineCount(config, nClasses, 500))
      expect(countParameters(config, nClasses, 123)).toBe(engineCount(config, nClasses, 123))
    })
  }

  it('estimates the vocabulary a word or char tokenizer will actually learn', () => {
    const data = twoClassData()
    const word = resolveConfig(null, { tokenizer: { kind: 'word', vocabSize: 1000 } })
    expect(effectiveVocab(data, word)).toBe(new Set(data.train.texts.flatMap((t) => t.split(' '))).size + 5)
    expect(effectiveVocab(data, resolveConfig(null, { tokenizer: { kind: 'word', vocabSize: 32 } }))).toBe(32)
    expect(effectiveVocab(data, resolveConfig(null, { tokenizer: { kind: 'subword', vocabSize: 900 } }))).toBe(900)
  })

  it('grows memory with batch and sequence length, and scales duration with work', () => {
    const small = resolveConfig('quick')
    const big = resolveConfig('quick', { model: { seqLen: 256 }, train: { batchSize: 128 } })
    expect(estimateMemoryMb(big, countParameters(big, 2))).toBeGreaterThan(estimateMemoryMb(small, countParameters(small, 2)))
    const sample = [{ config: small, tokensPerSec: 10_000, nClasses: 2 }]
    // Same config as the measured one: epochs x tokens / (tokens/s), plus 5% for validation.
    expect(estimateSeconds(small, 2, 100_000, 1000, sample)).toBe(Math.round((3 * 100_000 * 1.05) / 10_000))
    expect(estimateSeconds(resolveConfig('balanced'), 2, 100_000, 1000, sample)!).toBeGreaterThan(estimateSeconds(small, 2, 100_000, 1000, sample)!)
    expect(estimateSeconds(small, 2, 100_000, 1000, [])).toBeNull()
  })
})
