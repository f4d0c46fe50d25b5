// Which language-model objective pretrains a model: a causal model predicts the next token, a
// bidirectional one the tokens hidden from it (masked-language model). The registry says which.
import { modelInfo } from '../../shared/models'
import type { ModelDims } from './models/types'

/** The pretraining head (and training objective) for a model's architecture. */
export function pretrainObjective(dims: Pick<ModelDims, 'arch'>): 'lm' | 'mlm' {
  const info = modelInfo(dims.arch)
  if (!info.pretrain) throw new Error(`The ${info.name.toLowerCase()} cannot be pretrained`)
  return info.pretrain.head
}
