// Size and memory of the model a config builds, before building it.
import { finetuneMode, type RunConfig } from '../../shared/config'
import { modelShapes, resolveDims } from './models'
import { pretrainObjective } from './pretrain-objective'

/** Parameters and approximate training memory (weights, gradients, AdamW moments, activations, runtime). */
export function estimatePlan(config: RunConfig, vocabSize: number, nClasses = 2): { parameters: number; memoryMb: number } {
  const dims = resolveDims(config.model, vocabSize)
  const lora = (config.finetune.fromRunId || config.finetune.baseId) && finetuneMode(config.finetune) === 'lora' ? { rank: config.finetune.lora.rank, alpha: config.finetune.lora.alpha, ffn: config.finetune.lora.ffn } : null
  const spec = { dims, head: config.task === 'pretrain' ? pretrainObjective(dims) : ('classify' as const), nClasses, lora }
  const parameters = modelShapes(spec).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0)
  const B = config.train.batchSize
  const T = config.model.seqLen
  const { dModel: D, ffnDim: F, nHeads: H } = dims
  const ctx = dims.attention === 'linear' ? 0 : T
  // Per block the backward pass keeps about a dozen [B, T, D] tensors, the [B, T, F] hidden and the
  // [B, H, T, T] weights twice (scores and softmax); the sliding variant still materialises T x T.
  const perBlock = dims.arch === 'bag' ? 0 : 12 * B * T * D + 2 * B * T * F + 2 * B * H * T * ctx
  const outputs = config.task === 'pretrain' ? 2 * B * T * vocabSize : 0
  const bytes = parameters * 4 * 4 + (perBlock * dims.nLayers + 4 * B * T * D + outputs) * 4
  return { parameters, memoryMb: Math.round(bytes / 2 ** 20 + 150) }
}
