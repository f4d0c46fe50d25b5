// Traces a saved classifier (encoder, decoder or bag of embeddings) into the neutral inference graph.
// Each function mirrors the engine's forward pass in models/ line for line, with dropout off and the
// LoRA adapters already merged by the model folder. Inputs take any length T up to seqLen (a symbolic
// dimension: constants sized for the maximum are cut to T at run time); padded keys get a -1e9 bias
// exactly as in the app, so they receive zero weight and change nothing.
import type { NamedArray } from '../tensor-file'
import type { ModelDims, ModelSpec } from '../models/types'
import { modelInfo } from '../../../shared/models'
import { DIM, GraphBuilder } from './graph-ir'

const NEG = -1e9
const LN_EPS = 1e-5
const LINEAR_EPS = 1e-6
const C1 = 2 * Math.sqrt(2 / Math.PI)
const C3 = C1 * 0.044715

/** Names of the traced graph's inputs and outputs. */
export const graphNames = { ids: 'ids', mask: 'mask', probabilities: 'probabilities', attention: (l: number) => `attention_${l}` } as const

/** A traced classifier and the facts a runtime needs about it. */
export interface TracedModel {
  graph: GraphBuilder
  /** Longest sequence the graph takes (counting [CLS]); any shorter length works too. */
  seqLen: number
  /** Number of attention outputs (one per layer; 0 for the bag baseline). */
  attentionLayers: number
  /** Which position the classifier reads ('first', 'last' real token, or the 'mean'). */
  pooled: 'first' | 'last' | 'mean'
}

/** Builds the inference graph of a classifier with its weights as constants. */
export function traceClassifier(spec: ModelSpec, weights: Map<string, NamedArray>, seqLen: number): TracedModel {
  if (spec.head !== 'classify') {
    throw new Error('This is a pretrained language model, not a classifier: fine-tune it on labelled data first, then export the fine-tuned run.')
  }
  if (spec.lora) throw new Error('LoRA adapters must be merged before export')
  const { dims } = spec
  const info = modelInfo(dims.arch)
  if (!info.capabilities.export) throw new Error(`The ${info.name.toLowerCase()} cannot be exported.`)
  const g = new GraphBuilder()
  const maxT = seqLen // constants are sized for the longest input
  const T = DIM.seq // the run-time length
  const D = dims.dModel
  const { w, dense } = weightAccess(g, weights)
  const ids = g.input(graphNames.ids, [DIM.batch, T], 'int32')
  const mask = g.input(graphNames.mask, [DIM.batch, T], 'float32')

  let logits: string
  let pooled: TracedModel['pooled']
  const attention: string[] = []
  if (!info.blocks) {
    const x = g.gather('embed', w('embed/tok'), ids) // [B, T] -> [B, T, D]
    pooled = 'mean'
    logits = dense('head', poolMean(g, x, mask), 'head/w', 'head/b') // [B, D] -> [B, C]
  } else {
    const causal = info.causal
    let x = embeddings(g, ids, dims, maxT, w)
    const bias = maskBias(g, mask, dims, maxT, causal) // [B, 1, T|1, T]
    for (let i = 0; i < dims.nLayers; i++) {
      x = block(g, x, mask, bias, causal, i, dims, maxT, w, dense)
      attention.push(lastAttention(g))
    }
    const p = `final_ln`
    const h = dims.finalLn === false ? x : layerNorm(g, p, x, w(`${p}/gamma`), w(`${p}/beta`), dims.lnEps) // [B, T, D]
    if (dims.pooling === 'mean') {
      pooled = 'mean'
      logits = dense('head', poolMean(g, h, mask), 'head/w', 'head/b')
    } else if (info.summary === 'last') {
      pooled = 'last'
      logits = dense('head', poolLast(g, h, mask, maxT, D), 'head/w', 'head/b')
    } else {
      pooled = 'first'
      const first = g.reshape('pool', g.slice('pool', h, 1, 0, 1), [-1, D]) // [B, T, D] -> [B, D]
      logits = dense('head', first, 'head/w', 'head/b')
    }
  }
  g.output(graphNames.probabilities, g.unary('head', 'softmax', logits)) // [B, C]
  attention.forEach((a, l) => g.output(graphNames.attention(l), a)) // [B, H, T, T] each
  // Every weight ships, used or not, so an import gets the complete model back.
  for (const [name, a] of weights) if (!g.consts.has(name)) g.weight(name, a.shape, a.data)
  g.prune()
  return { graph: g, seqLen: maxT, attentionLayers: attention.length, pooled }
}

/**
 * A trace's access to the saved weights: `w` makes a weight a graph constant on first use (a missing one is
 * an error naming it), `dense` is x @ W (+ b when the model has that bias).
 */
export function weightAccess(g: GraphBuilder, weights: Map<string, NamedArray>): { w: (name: string) => string; dense: Dense } {
  const w = (name: string) => {
    const a = weights.get(name)
    if (!a) throw new Error(`The saved model has no weight ${name}.`)
    return g.consts.has(name) ? name : g.weight(name, a.shape, a.data)
  }
  const dense: Dense = (scope, x, wName, bName) => {
    const y = g.matmul(scope, x, w(wName)) // [N, Din] @ [Din, Dout] -> [N, Dout]
    return bName && weights.has(bName) ? g.binary(scope, 'add', y, w(bName)) : y
  }
  return { w, dense }
}

/**
 * The rest of an encoder whose every position is a real token with [CLS] first (table columns, image
 * patches): the blocks over `x` [B, T, D] (nothing masked), the final norm, the head on [CLS], the
 * outputs, and every weight shipped, used or not.
 */
export function traceClsEncoder(
  g: GraphBuilder,
  x: string,
  mask: string,
  T: number,
  dims: ModelDims,
  weights: Map<string, NamedArray>,
  { w, dense }: { w: (name: string) => string; dense: Dense },
): TracedModel {
  const D = dims.dModel
  const bias = g.scalar(0) // no padding: nothing is masked
  const attention: string[] = []
  for (let i = 0; i < dims.nLayers; i++) {
    x = block(g, x, mask, bias, false, i, dims, T, w, dense)
    attention.push(lastAttention(g))
  }
  const h = dims.finalLn === false ? x : layerNorm(g, 'final_ln', x, w('final_ln/gamma'), w('final_ln/beta'), dims.lnEps) // [B, T, D]
  const first = g.reshape('pool', g.slice('pool', h, 1, 0, 1), [-1, D]) // [B, T, D] -> [B, D]
  const logits = dense('head', first, 'head/w', 'head/b') // [B, D] -> [B, C]
  g.output(graphNames.probabilities, g.unary('head', 'softmax', logits)) // [B, C]
  attention.forEach((a, l) => g.output(graphNames.attention(l), a)) // [B, H, T, T] each
  for (const [name, a] of weights) if (!g.consts.has(name)) g.weight(name, a.shape, a.data)
  g.prune()
  return { graph: g, seqLen: T, attentionLayers: attention.length, pooled: 'first' }
}

/** The attention-weights node most recently added (the softmax or the linear-attention normaliser). */
export function lastAttention(g: GraphBuilder): string {
  for (let i = g.nodes.length - 1; i >= 0; i--) if (g.nodes[i].name.includes('/attn/weights/')) return g.nodes[i].name
  throw new Error('attention weights not found')
}

/** Token + position embedding, and what a pretrained base's family adds (type-0 row, layer norm, E -> D projection). */
function embeddings(g: GraphBuilder, ids: string, dims: ModelDims, maxT: number, w: (n: string) => string): string {
  let pos = positions(g, dims, maxT, w) // [T, E]
  if (dims.typeVocab) pos = g.binary('embed', 'add', pos, g.slice('embed', w('embed/type'), 0, 0, 1)) // + type 0: [T, E]
  let x = g.binary('embed', 'add', g.gather('embed', w('embed/tok'), ids), pos) // [B, T, E] + [T, E]
  if (dims.embedLn) x = layerNorm(g, 'embed/ln', x, w('embed/ln/gamma'), w('embed/ln/beta'), dims.lnEps)
  const E = dims.embedSize ?? dims.dModel
  if (E !== dims.dModel) {
    const flat = g.reshape('embed/proj', x, [DIM.rest, E]) // [B*T, E]
    const y = g.binary('embed/proj', 'add', g.matmul('embed/proj', flat, w('embed/proj')), w('embed/proj_b')) // [B*T, D]
    x = g.reshape('embed/proj', y, [DIM.batch, DIM.seq, dims.dModel]) // [B, T, D]
  }
  return x
}

function positions(g: GraphBuilder, dims: ModelDims, T: number, w: (n: string) => string): string {
  const offset = dims.positionOffset ?? 0
  if (dims.positional === 'learned' && offset) {
    // Rows offset .. offset + T - 1 of the table (RoBERTa): a shifted copy of the table, cut to T rows at run time.
    const table = w('embed/pos')
    return g.sliceSeq('embed', g.slice('embed', table, 0, offset, dims.maxLen), [0]) // [maxLen - offset, E] -> [T, E]
  }
  if (dims.positional === 'learned') return g.sliceSeq('embed', w('embed/pos'), [0]) // [maxLen, D] -> [T, D]
  // Same formula and float32 rounding as the engine's sinusoidalPositions.
  const D = dims.dModel
  const pe = new Float32Array(T * D)
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < D; i += 2) {
      const angle = t / Math.pow(10000, i / D)
      pe[t * D + i] = Math.sin(angle)
      if (i + 1 < D) pe[t * D + i + 1] = Math.cos(angle)
    }
  }
  return g.sliceSeq('embed', g.constant('embed/sinusoidal', [T, D], pe), [0]) // [maxT, D] -> [T, D]
}

/** Additive mask: -1e9 on padded keys, plus the causal or sliding-window band when there is one. */
function maskBias(g: GraphBuilder, mask: string, dims: ModelDims, T: number, causal: boolean): string {
  const keys = g.reshape('mask', g.binary('mask', 'mul', g.binary('mask', 'sub', g.scalar(1), mask), g.scalar(NEG)), [DIM.batch, 1, 1, DIM.seq]) // [B, T] -> [B, 1, 1, T]
  const allowed = allowedPairs(T, dims.attention === 'sliding' ? dims.window : null, causal)
  if (!allowed) return keys
  const band = new Float32Array(T * T)
  for (let i = 0; i < band.length; i++) band[i] = (1 - allowed[i]) * NEG
  return g.binary('mask', 'add', keys, g.sliceSeq('mask', g.constant('mask/band', [1, 1, T, T], band), [2, 3])) // band cut to [1, 1, T, T] -> [B, 1, T, T]
}

/** 1 where query i may attend key j, as the engine's allowedPairs; null when every pair is allowed. */
function allowedPairs(T: number, window: number | null, causal: boolean): Float32Array | null {
  const windowed = window !== null && window < T - 1
  if (!causal && !windowed) return null
  const m = new Float32Array(T * T)
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) m[i * T + j] = (causal && j > i) || (windowed && Math.abs(i - j) > window) ? 0 : 1
  }
  return m
}

export function layerNorm(g: GraphBuilder, scope: string, x: string, gamma: string, beta: string, eps = LN_EPS): string {
  const axis = g.shape(x).length - 1
  const xc = g.binary(scope, 'sub', x, g.reduce(scope, 'mean', x, [axis], true)) // x - mean
  const variance = g.reduce(scope, 'mean', g.binary(scope, 'mul', xc, xc), [axis], true)
  const xhat = g.binary(scope, 'mul', xc, g.unary(scope, 'rsqrt', g.binary(scope, 'add', variance, g.scalar(eps))))
  return g.binary(scope, 'add', g.binary(scope, 'mul', xhat, gamma), beta)
}

/** GELU in the engine's form: x * sigmoid(x (C1 + C3 x^2)). */
function gelu(g: GraphBuilder, scope: string, x: string): string {
  const x2 = g.binary(scope, 'mul', x, x)
  const u = g.binary(scope, 'mul', x, g.binary(scope, 'add', g.binary(scope, 'mul', x2, g.scalar(C3)), g.scalar(C1)))
  return g.binary(scope, 'mul', x, g.unary(scope, 'sigmoid', u))
}

/** Exact GELU (BERT): x / 2 (1 + erf(x / sqrt 2)). */
function geluErf(g: GraphBuilder, scope: string, x: string): string {
  const e = g.unary(scope, 'erf', g.binary(scope, 'mul', x, g.scalar(Math.SQRT1_2)))
  return g.binary(scope, 'mul', g.binary(scope, 'mul', x, g.scalar(0.5)), g.binary(scope, 'add', e, g.scalar(1)))
}

export type Dense = (scope: string, x: string, w: string, b: string | null) => string

export function block(
  g: GraphBuilder,
  x: string,
  mask: string,
  bias: string,
  causal: boolean,
  i: number,
  dims: ModelDims,
  T: number,
  w: (n: string) => string,
  dense: Dense,
): string {
  const p = `block_${i}`
  const D = dims.dModel
  // Pre-LN normalises each sub-layer's input; post-LN (BERT) normalises after each residual sum.
  const post = dims.norm === 'post'
  const ln = (y: string, k: 1 | 2) => layerNorm(g, `${p}/ln${k}`, y, w(`${p}/ln${k}/gamma`), w(`${p}/ln${k}/beta`), dims.lnEps)
  const act = dims.gelu === 'erf' ? geluErf : gelu
  const h1 = post ? x : ln(x, 1) // [B, T, D]
  const attend = dims.attention === 'linear' ? linearAttention(g, h1, mask, causal, `${p}/attn`, dims, T, dense) : softmaxAttention(g, h1, bias, `${p}/attn`, dims, T, dense)
  x = g.binary(p, 'add', x, attend) // [B, T, D]
  if (post) x = ln(x, 1)
  const h2 = g.reshape(`${p}/ffn`, post ? x : ln(x, 2), [DIM.rest, D]) // [B*T, D]
  const hidden = act(g, `${p}/ffn`, dense(`${p}/ffn`, h2, `${p}/ffn/w1`, `${p}/ffn/w1_b`)) // [B*T, D] -> [B*T, F]
  const ffn = g.reshape(`${p}/ffn`, dense(`${p}/ffn`, hidden, `${p}/ffn/w2`, `${p}/ffn/w2_b`), [DIM.batch, DIM.seq, D]) // [B*T, F] -> [B, T, D]
  const out = g.binary(p, 'add', x, ffn)
  return post ? ln(out, 2) : out
}

/** Fused QKV projection split into q [B, H, T, Dh] and k, v [B, Hkv, T, Dh]. */
function projectQkv(g: GraphBuilder, x: string, prefix: string, dims: ModelDims, T: number, dense: Dense) {
  const { dModel: D, nHeads: H, nKvHeads: Hkv, headDim: Dh } = dims
  const qkv = dense(prefix, g.reshape(prefix, x, [DIM.rest, D]), `${prefix}/qkv`, `${prefix}/qkv_b`) // [B*T, D] -> [B*T, (H + 2 Hkv) Dh]
  const part = (start: number, heads: number) => {
    const flat = g.slice(prefix, qkv, 1, start, start + heads * Dh) // [B*T, heads*Dh]
    return g.transpose(prefix, g.reshape(prefix, flat, [DIM.batch, DIM.seq, heads, Dh]), [0, 2, 1, 3]) // -> [B, heads, T, Dh]
  }
  return { q: part(0, H), k: part(H * Dh, Hkv), v: part((H + Hkv) * Dh, Hkv) }
}

/** Heads [B, H, T, Dh] -> output projection [B, T, D]. */
function mergeHeads(g: GraphBuilder, heads: string, prefix: string, dims: ModelDims, T: number, dense: Dense): string {
  const merged = g.reshape(prefix, g.transpose(prefix, heads, [0, 2, 1, 3]), [DIM.rest, dims.dModel]) // [B, H, T, Dh] -> [B*T, D]
  return g.reshape(prefix, dense(prefix, merged, `${prefix}/out`, `${prefix}/out_b`), [DIM.batch, DIM.seq, dims.dModel]) // -> [B, T, D]
}

function softmaxAttention(g: GraphBuilder, x: string, bias: string, prefix: string, dims: ModelDims, T: number, dense: Dense): string {
  const { nHeads: H, nKvHeads: Hkv, headDim: Dh } = dims
  const { q, k, v } = projectQkv(g, x, prefix, dims, T, dense)
  // As in the engine, the 1/sqrt(Dh) scale goes on q rather than on the [T, T] scores.
  const qg = g.reshape(prefix, g.binary(prefix, 'mul', q, g.scalar(1 / Math.sqrt(Dh))), [DIM.batch, Hkv, DIM.rest, Dh]) // [B, H, T, Dh] -> [B, Hkv, g*T, Dh]
  const raw = g.matmul(prefix, qg, g.transpose(prefix, k, [0, 1, 3, 2])) // [B, Hkv, g*T, Dh] @ [B, Hkv, Dh, T] -> [B, Hkv, g*T, T]
  const scores = g.binary(prefix, 'add', g.reshape(prefix, raw, [DIM.batch, H, DIM.seq, DIM.seq]), bias) // [B, H, T, T]
  const weights = g.unary(`${prefix}/weights`, 'softmax', scores) // [B, H, T, T], rows sum to 1
  const heads = g.matmul(prefix, g.reshape(prefix, weights, [DIM.batch, Hkv, DIM.rest, DIM.seq]), v) // -> [B, Hkv, g*T, Dh]
  return mergeHeads(g, g.reshape(prefix, heads, [DIM.batch, H, DIM.seq, Dh]), prefix, dims, T, dense)
}

/** Linear attention in its explicit T x T form (the one that yields weights for highlighting). */
function linearAttention(g: GraphBuilder, x: string, mask: string, causal: boolean, prefix: string, dims: ModelDims, T: number, dense: Dense): string {
  const { nHeads: H, nKvHeads: Hkv, headDim: Dh } = dims
  const { q, k, v } = projectQkv(g, x, prefix, dims, T, dense)
  const phi = (t: string) => g.binary(prefix, 'add', g.unary(prefix, 'elu', t), g.scalar(1)) // elu(x) + 1
  const phiQ = g.reshape(prefix, phi(q), [DIM.batch, Hkv, DIM.rest, Dh]) // [B, Hkv, g*T, Dh]
  const phiK = g.binary(prefix, 'mul', phi(k), g.reshape(prefix, mask, [DIM.batch, 1, DIM.seq, 1])) // [B, Hkv, T, Dh], padded keys zeroed
  let a = g.reshape(prefix, g.matmul(prefix, phiQ, g.transpose(prefix, phiK, [0, 1, 3, 2])), [DIM.batch, H, DIM.seq, DIM.seq]) // [B, H, T, T]
  const allowed = allowedPairs(T, null, causal)
  if (allowed) a = g.binary(prefix, 'mul', a, g.sliceSeq(prefix, g.constant(`${prefix}/causal`, [1, 1, T, T], allowed), [2, 3]))
  const weights = g.binary(`${prefix}/weights`, 'div', a, g.binary(prefix, 'add', g.reduce(prefix, 'sum', a, [3], true), g.scalar(LINEAR_EPS)))
  const heads = g.matmul(prefix, g.reshape(prefix, weights, [DIM.batch, Hkv, DIM.rest, DIM.seq]), v) // -> [B, Hkv, g*T, Dh]
  return mergeHeads(g, g.reshape(prefix, heads, [DIM.batch, H, DIM.seq, Dh]), prefix, dims, T, dense)
}

/** Mean over real positions: [B, T, D], mask [B, T] -> [B, D]. */
function poolMean(g: GraphBuilder, x: string, mask: string): string {
  const m = g.reshape('pool', mask, [DIM.batch, DIM.seq, 1]) // [B, T, 1]
  return g.binary('pool', 'div', g.reduce('pool', 'sum', g.binary('pool', 'mul', x, m), [1], false), g.binary('pool', 'max', g.reduce('pool', 'sum', m, [1], false), g.scalar(1)))
}

/**
 * The last real position: mask[t] - mask[t+1] is 1 exactly there for right-padded rows. The shift is a
 * product with a constant (1 at [t+1, t]) cut to [T, T], so it works for any run-time length.
 */
function poolLast(g: GraphBuilder, x: string, mask: string, T: number, D: number): string {
  const shift = new Float32Array(T * T)
  for (let t = 0; t + 1 < T; t++) shift[(t + 1) * T + t] = 1
  const shifted = g.matmul('pool', mask, g.sliceSeq('pool', g.constant('pool/shift', [T, T], shift), [0, 1])) // [B, T] @ [T, T]: mask[t + 1], 0 at the end
  const pick = g.reshape('pool', g.binary('pool', 'sub', mask, shifted), [DIM.batch, DIM.seq, 1]) // [B, T, 1]
  return g.reshape('pool', g.reduce('pool', 'sum', g.binary('pool', 'mul', x, pick), [1], false), [-1, D]) // [B, D]
}
