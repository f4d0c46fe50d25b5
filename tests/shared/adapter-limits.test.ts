// A run's largest arrays against a WebGPU adapter's buffer limit: nothing to say when they fit, else one
// sentence naming the array, its size, the limit and the setting to lower (with a value that fits).
import { describe, expect, it } from 'vitest'
import { adapterFitProblem, largestArrays } from '../../src/shared/adapter-limits'
import { resolveConfig } from '../../src/shared/config'
import { specForConfig } from '../../src/shared/run-cost'

const MiB = 2 ** 20
const spec = (over: Parameters<typeof resolveConfig>[1], nClasses = 2) => {
  const config = resolveConfig(null, over)
  return { spec: specForConfig(config, nClasses), batch: config.train.batchSize }
}

describe('WebGPU buffer limits', () => {
  it('the default text models fit the smallest limit WebGPU guarantees (128 MiB)', () => {
    for (const arch of ['encoder', 'decoder', 'bag'] as const) {
      const s = spec({ model: { arch } })
      expect(adapterFitProblem(s.spec, s.batch, 128 * MiB)).toBeNull()
    }
  })

  it('long sequences: the attention scores are named, with the batch size that fits', () => {
    const s = spec({ model: { arch: 'encoder', seqLen: 512, nHeads: 8, dModel: 256 }, train: { batchSize: 64 } })
    const [first] = largestArrays(s.spec, s.batch)
    // [64, 8, 513, 513] floats
    expect(first!.bytes).toBe(4 * 64 * 8 * 513 * 513)
    expect(adapterFitProblem(s.spec, s.batch, 128 * MiB)).toBe(
      'This run needs the attention scores (batch 64 x 8 heads x 513 x 513 positions) in one array of 515 MiB, ' +
        "more than the 128 MiB this graphics card's WebGPU allows for one buffer. Lower the batch size to 15 or less, or choose another backend.",
    )
    // A batch of 15 then fits.
    const fits = spec({ model: { arch: 'encoder', seqLen: 512, nHeads: 8, dModel: 256 }, train: { batchSize: 15 } })
    expect(adapterFitProblem(fits.spec, fits.batch, 128 * MiB)).toBeNull()
    // The same run fits an adapter that allows 2 GiB.
    expect(adapterFitProblem(s.spec, s.batch, 2048 * MiB)).toBeNull()
  })

  it('a huge vocabulary: the embedding table is named, with the vocabulary that fits', () => {
    const s = spec({ model: { arch: 'bag', dModel: 768, nHeads: 12 }, tokenizer: { kind: 'word', vocabSize: 50_000 } })
    expect(adapterFitProblem(s.spec, s.batch, 128 * MiB)).toBe(
      'This run needs the word-embedding table (50000 words x 768) in one array of 147 MiB, ' +
        "more than the 128 MiB this graphics card's WebGPU allows for one buffer. Lower the vocabulary size to 43690 or less, or the model width, or choose another backend.",
    )
  })

  it("a decoder's pretraining counts its predicted-word scores; bidirectional linear attention has no score matrix", () => {
    const lm = spec({ task: 'pretrain', model: { arch: 'decoder', seqLen: 256 }, tokenizer: { kind: 'word', vocabSize: 30_000 }, train: { batchSize: 64 } })
    expect(largestArrays(lm.spec, lm.batch)[0]!.what).toBe('the predicted-word scores (batch 64 x 257 positions x 30000 words)')
    const linear = spec({ model: { arch: 'encoder', attention: 'linear' } })
    expect(largestArrays(linear.spec, linear.batch).map((a) => a.what).join()).not.toMatch(/attention scores/)
  })
})
