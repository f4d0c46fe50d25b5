// Which language-model objective pretrains a model: a causal model predicts the next token, a
// bidirectional one the tokens hidden from it (masked-language model).
import type { ModelDims } from './models/types'

/** The pretraining head (and training objective) for a model's architecture. */
export function pretrainObjective(dims: Pick<ModelDims, 'arch'>): 'lm' | 'mlm' {
  if (dims.arch === 'bag') throw new Error('The bag-of-embeddings baseline cannot be pretrained')
  return dims.arch === 'decoder' ? 'lm' : 'mlm'
}
