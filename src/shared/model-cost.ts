// Cost models of the registered architectures: parameter count, work per token and activation memory,
// as small closed-form functions of a model spec. tfjs-free, so main can plan a run without the engine.
// The parameter count must equal the engine's weight shapes (a test checks every architecture); the
// other two are estimates that follow what the engine actually computes: sliding-window attention
// still builds the full T x T matrix, and linear attention only avoids it when it is bidirectional.
import { familyOf, type ModelDims, type ModelSpec } from './models'

/** How an architecture costs: exact weights, estimated work and memory. */
export interface CostModel {
  /** Number of weights of a spec (LoRA adapters included). */
  parameters(spec: ModelSpec): number
  /** Weights looked up rather than multiplied (embedding tables): they cost memory but no work per token. */
  lookupParameters(dims: ModelDims): number
  /** Forward + backward floating-point operations per token for sequences of T tokens. */
  flopsPerToken(spec: ModelSpec, T: number): number
  /** Floats the backward pass keeps for a batch of B sequences of T tokens (weights excluded). */
  activationFloats(spec: ModelSpec, B: number, T: number): number
}

const headParameters = (spec: ModelSpec) => {
  const { dModel: D, vocabSize: V } = spec.dims
  if (spec.head === 'lm') return familyOf(spec.dims).tiedLmHead ? 0 : D * V + V
  // Masked-language-model head: dense + layer norm, then the token embedding (tied) and a bias.
  if (spec.head === 'mlm') return D * D + D + 2 * D + V
  return D * spec.nClasses + spec.nClasses
}

/** Attention weights per query that the engine materialises (0 when none are). */
function attentionContext(dims: ModelDims, T: number, causal: boolean): number {
  // Sliding windows are a band mask over the full scores; causal linear attention uses the explicit form.
  return dims.attention === 'linear' && !causal ? 0 : T
}

/** Cost of a token embedding, a stack of pre-/post-LN blocks, a final norm and a head (encoder, decoder). */
export function transformerCost(causal: boolean): CostModel {
  // Token, position and token-type tables, E wide.
  const lookup = (d: ModelDims) => {
    const { embedSize: E, typeVocab } = familyOf(d)
    return (d.vocabSize + (d.positional === 'learned' ? d.maxLen : 0) + typeVocab) * E
  }
  const parameters = (spec: ModelSpec): number => {
    const { dModel: D, nHeads: H, nKvHeads: Hkv, headDim: Dh, ffnDim: F, nLayers: L } = spec.dims
    const f = familyOf(spec.dims)
    const embedExtra = (f.embedLn ? 2 * f.embedSize : 0) + (f.embedSize !== D ? f.embedSize * D + D : 0)
    const qkv = (H + 2 * Hkv) * Dh
    const attn = D * qkv + qkv + D * D + D
    const ffn = D * F + F + F * D + D
    const block = 2 * D + attn + 2 * D + ffn
    // Adapters on the fused QKV and the output projection of every block (and with `ffn` on both
    // feed-forward projections): r (Din + Dout) each.
    const r = spec.lora?.rank ?? 0
    const lora = spec.lora ? L * (r * (D + qkv) + r * (D + D) + (spec.lora.ffn ? r * (D + F) + r * (F + D) : 0)) : 0
    return lookup(spec.dims) + embedExtra + L * block + (f.finalLn ? 2 * D : 0) + headParameters(spec) + lora
  }
  return {
    lookupParameters: lookup,
    parameters,
    flopsPerToken(spec, T) {
      const d = spec.dims
      // A tied output matrix is the token table, multiplied as well as looked up (the masked head only at ~15% of positions).
      const tied = spec.head === 'lm' && familyOf(d).tiedLmHead ? d.vocabSize * d.dModel : spec.head === 'mlm' ? 0.15 * d.vocabSize * d.dModel : 0
      const multiplied = parameters(spec) - lookup(d) + tied
      const ctx = attentionContext(d, T, causal) || d.headDim // the linear form still mixes a Dh x Dh state
      return 6 * multiplied + 12 * d.nLayers * ctx * d.dModel + 6 * d.dModel
    },
    activationFloats(spec, B, T) {
      const { dModel: D, ffnDim: F, nHeads: H } = spec.dims
      // Per block the backward pass keeps about a dozen [B, T, D] tensors, the [B, T, F] hidden and the
      // [B, H, T, T] weights twice (scores and softmax).
      const perBlock = 12 * B * T * D + 2 * B * T * F + 2 * B * H * T * attentionContext(spec.dims, T, causal)
      const outputs = spec.head === 'lm' ? 2 * B * T * spec.dims.vocabSize : spec.head === 'mlm' ? 2 * Math.ceil(0.15 * B * T) * spec.dims.vocabSize : 0
      return perBlock * spec.dims.nLayers + 4 * B * T * D + outputs
    },
  }
}

/** Cost of the bag-of-embeddings baseline: an embedding table and a linear head. */
export const bagCost: CostModel = {
  lookupParameters: (d) => d.vocabSize * d.dModel,
  parameters: (spec) => spec.dims.vocabSize * spec.dims.dModel + headParameters(spec),
  flopsPerToken: (spec) => 6 * headParameters(spec) + 6 * spec.dims.dModel,
  activationFloats: (spec, B, T) => 4 * B * T * spec.dims.dModel,
}

/**
 * Cost of the table encoder (FT-Transformer): per numeric column a vector, a bias and a "missing" vector;
 * per categorical column a table of its values plus missing and other, and a bias; a [CLS] vector; then
 * the encoder's blocks and head. Each column is one token.
 */
export const tableCost: CostModel = (() => {
  const lookup = (d: ModelDims) => (d.table?.categorical ?? []).reduce((n, c) => n + (c.size + 2) * d.dModel, 0)
  const parameters = (spec: ModelSpec): number => {
    const { dModel: D, nHeads: H, nKvHeads: Hkv, headDim: Dh, ffnDim: F, nLayers: L } = spec.dims
    const t = spec.dims.table ?? { numeric: [], categorical: [] }
    const qkv = (H + 2 * Hkv) * Dh
    const block = 4 * D + (D * qkv + qkv + D * D + D) + (D * F + F + F * D + D)
    const columns = D + 3 * t.numeric.length * D + lookup(spec.dims) + t.categorical.length * D
    return columns + L * block + (familyOf(spec.dims).finalLn ? 2 * D : 0) + headParameters(spec)
  }
  return {
    lookupParameters: lookup,
    parameters,
    flopsPerToken: (spec, T) => 6 * (parameters(spec) - lookup(spec.dims)) + 12 * spec.dims.nLayers * T * spec.dims.dModel + 6 * spec.dims.dModel,
    activationFloats(spec, B, T) {
      const { dModel: D, ffnDim: F, nHeads: H, nLayers: L } = spec.dims
      return L * (12 * B * T * D + 2 * B * T * F + 2 * B * H * T * T) + 4 * B * T * D
    },
  }
})()

/**
 * Cost of the image encoder (ViT): a linear patch embedding (P*P*C -> D, with bias), a [CLS] vector, learned
 * row and column positions (G each), the encoder's blocks and head. Each patch is one token.
 */
export const imageCost: CostModel = (() => {
  const lookup = (d: ModelDims) => (d.image ? 2 * (d.image.size / d.image.patch) * d.dModel : 0)
  const parameters = (spec: ModelSpec): number => {
    const { dModel: D, nHeads: H, nKvHeads: Hkv, headDim: Dh, ffnDim: F, nLayers: L } = spec.dims
    const im = spec.dims.image ?? { size: 0, channels: 3, patch: 1 }
    const qkv = (H + 2 * Hkv) * Dh
    const block = 4 * D + (D * qkv + qkv + D * D + D) + (D * F + F + F * D + D)
    const embed = im.patch * im.patch * im.channels * D + D + D + lookup(spec.dims)
    return embed + L * block + (familyOf(spec.dims).finalLn ? 2 * D : 0) + headParameters(spec)
  }
  return {
    lookupParameters: lookup,
    parameters,
    flopsPerToken: (spec, T) => 6 * (parameters(spec) - lookup(spec.dims)) + 12 * spec.dims.nLayers * T * spec.dims.dModel + 6 * spec.dims.dModel,
    activationFloats(spec, B, T) {
      const { dModel: D, ffnDim: F, nHeads: H, nLayers: L } = spec.dims
      return L * (12 * B * T * D + 2 * B * T * F + 2 * B * H * T * T) + 4 * B * T * D
    },
  }
})()
