// What a run's model will cost, from its config alone: the registry's cost model applied to the spec
// the engine will build. The one cost model of the app (main's planning and the engine share it).
import type { RunConfig } from './config'
import { finetuneModeOf } from './finetune-modes'
import { modelInfo, resolveDims, type ModelSpec } from './models'

/** The spec a config builds, for `nClasses` classes and a vocabulary of `vocabSize` tokens. */
export function specForConfig(config: RunConfig, nClasses: number, vocabSize = config.tokenizer.vocabSize): ModelSpec {
  const info = modelInfo(config.model.arch)
  const head = config.task === 'pretrain' && info.pretrain ? info.pretrain.head : 'classify'
  const { lora } = config.finetune
  return {
    dims: resolveDims(config.model, vocabSize),
    head,
    nClasses: head === 'classify' ? Math.max(2, nClasses) : 0,
    // As the plan always counted them: adapters when the fine-tune mode is LoRA, or whenever they are switched on.
    lora: (finetuneModeOf(config)?.mode === 'lora' || lora.enabled) && info.capabilities.lora ? { rank: lora.rank, alpha: lora.alpha, ffn: lora.ffn } : null,
  }
}

/**
 * Parameters of the model a config builds, for `nClasses` output classes and a vocabulary of
 * `vocabSize` tokens (the tokenizer may learn fewer than the configured size on small data).
 */
export function countParameters(config: RunConfig, nClasses: number, vocabSize = config.tokenizer.vocabSize): number {
  return modelInfo(config.model.arch).cost.parameters(specForConfig(config, nClasses, vocabSize))
}

/** Rough training memory in MB: weights, gradients and two AdamW moments, activations, runtime. */
export function estimateMemoryMb(config: RunConfig, parameters: number, nClasses = 2, vocabSize = config.tokenizer.vocabSize): number {
  const spec = specForConfig(config, nClasses, vocabSize)
  // A fine-tune from a base may keep fewer copies (LoRA, frozen features) and no backward activations (frozen):
  // a forward pass alone holds about one block's worth at a time.
  const mode = finetuneModeOf(config)
  const activations = modelInfo(config.model.arch).cost.activationFloats(spec, config.train.batchSize, config.model.seqLen)
  const kept = mode && !mode.keepsActivations ? activations / Math.max(1, config.model.nLayers) : activations
  const runtimeMb = 150
  return Math.round((parameters * 4 * (mode?.weightCopies ?? 4) + kept * 4) / 2 ** 20 + runtimeMb)
}

/** Approximate forward+backward work per token, used to carry throughput across configs. */
export function flopsPerToken(config: RunConfig, nClasses: number): number {
  return modelInfo(config.model.arch).cost.flopsPerToken(specForConfig(config, nClasses), config.model.seqLen)
}
