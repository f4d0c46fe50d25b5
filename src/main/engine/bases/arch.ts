// The architecture description of a pretrained base: every way the supported families differ is a
// field here (read by the shared embedding and block code), never a copy of the model per family.
import { CheckpointError } from './safetensors'

/** Families whose checkpoints can be imported. */
export const BASE_FAMILIES = ['bert', 'roberta', 'xlm-roberta', 'distilbert', 'electra', 'gpt2'] as const
export type BaseFamily = (typeof BASE_FAMILIES)[number]

/** Sizes and variants of a pretrained Transformer body (names follow the engine's ModelDims). */
export interface BaseArch {
  family: BaseFamily
  vocabSize: number
  dModel: number
  nHeads: number
  nLayers: number
  ffnDim: number
  /** Width of the embeddings; differs from dModel only for ELECTRA, which then projects E -> D. */
  embedSize: number
  /** Rows of the position table. */
  positions: number
  /** Position ids start here (RoBERTa: padding_idx + 1 = 2); the usable length is positions - positionOffset. */
  positionOffset: number
  /** Token-type (segment) embedding rows; 0 = none. Texts use type 0. */
  typeVocab: number
  /** 'post': LN(x + sublayer(x)) as BERT; 'pre': x + sublayer(LN(x)) as GPT-2. */
  norm: 'post' | 'pre'
  /** Exact GELU with erf (BERT) or the tanh approximation (GPT-2's gelu_new). */
  gelu: 'erf' | 'tanh'
  lnEps: number
  /** A layer norm right after the embeddings (BERT family), or none (GPT-2). */
  embedLn: boolean
  /** A layer norm after the last block (GPT-2's ln_f). */
  finalLn: boolean
  /** Causal self-attention (decoders). */
  causal: boolean
  /** BERT's pooler (dense + tanh on [CLS]) came with the checkpoint. */
  pooler: boolean
  /** The language-model head reuses the token embedding (nothing else stored for it). */
  tiedLmHead: boolean
  /** Longest input the base accepts, special tokens included. */
  maxLength: number
}

type Cfg = Record<string, unknown>

const num = (cfg: Cfg, key: string, fallback?: number): number => {
  const v = cfg[key] ?? fallback
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new CheckpointError(`config.json has no usable "${key}".`)
  return v
}

// Far beyond any checkpoint of these families; a config past them is damaged or hostile.
const LIMITS: [keyof BaseArch, number][] = [['vocabSize', 4_000_000], ['dModel', 65_536], ['nHeads', 1024], ['nLayers', 1024], ['ffnDim', 1_048_576], ['positions', 1_048_576], ['typeVocab', 1024]]

function checked(a: BaseArch): BaseArch {
  for (const [k, max] of LIMITS) {
    const v = a[k] as number
    if (!Number.isInteger(v) || v > max || (v < 1 && k !== 'typeVocab')) throw new CheckpointError(`config.json gives ${k} = ${v}, which is not a size this app can build (1 to ${max}).`)
  }
  if (a.dModel % a.nHeads !== 0) throw new CheckpointError(`config.json says ${a.dModel} wide with ${a.nHeads} heads, which does not divide evenly.`)
  if (a.maxLength < 2) throw new CheckpointError('config.json leaves room for fewer than 2 positions.')
  return a
}

function geluOf(act: unknown): BaseArch['gelu'] {
  if (act === 'gelu' || act === undefined) return 'erf'
  if (act === 'gelu_new' || act === 'gelu_pytorch_tanh' || act === 'gelu_fast') return 'tanh'
  throw new CheckpointError(`The model uses the activation "${String(act)}"; only GELU (exact or tanh) is supported.`)
}

/** Reads config.json into an architecture description; refuses unsupported families and variants. */
export function describeArch(cfg: Cfg): BaseArch {
  const type = cfg.model_type
  if (!(BASE_FAMILIES as readonly unknown[]).includes(type)) {
    throw new CheckpointError(
      `This checkpoint's model_type is "${String(type)}", which the app cannot import. Supported: ${BASE_FAMILIES.join(', ')}.`,
    )
  }
  const family = type as BaseFamily
  if (family === 'gpt2') {
    if (cfg.scale_attn_by_inverse_layer_idx === true) throw new CheckpointError('GPT-2 checkpoints with scale_attn_by_inverse_layer_idx are not supported.')
    const d = num(cfg, 'n_embd')
    const positions = num(cfg, 'n_positions')
    return checked({
      family, vocabSize: num(cfg, 'vocab_size'), dModel: d, nHeads: num(cfg, 'n_head'), nLayers: num(cfg, 'n_layer'),
      ffnDim: typeof cfg.n_inner === 'number' ? cfg.n_inner : 4 * d, embedSize: d, positions, positionOffset: 0, typeVocab: 0,
      norm: 'pre', gelu: geluOf(cfg.activation_function ?? 'gelu_new'), lnEps: num(cfg, 'layer_norm_epsilon', 1e-5),
      embedLn: false, finalLn: true, causal: true, pooler: false, tiedLmHead: cfg.tie_word_embeddings !== false, maxLength: positions,
    })
  }
  if (family === 'distilbert') {
    const positions = num(cfg, 'max_position_embeddings')
    const d = num(cfg, 'dim')
    return checked({
      family, vocabSize: num(cfg, 'vocab_size'), dModel: d, nHeads: num(cfg, 'n_heads'), nLayers: num(cfg, 'n_layers'),
      ffnDim: num(cfg, 'hidden_dim'), embedSize: d, positions, positionOffset: 0, typeVocab: 0, norm: 'post',
      gelu: geluOf(cfg.activation ?? 'gelu'), lnEps: 1e-12, embedLn: true, finalLn: false, causal: false, pooler: false,
      tiedLmHead: true, maxLength: positions,
    })
  }
  if (cfg.position_embedding_type !== undefined && cfg.position_embedding_type !== 'absolute') {
    throw new CheckpointError(`Position embeddings of type "${String(cfg.position_embedding_type)}" are not supported (absolute ones are).`)
  }
  const d = num(cfg, 'hidden_size')
  const positions = num(cfg, 'max_position_embeddings')
  // RoBERTa numbers positions from padding_idx + 1 (fairseq's make_positions).
  const offset = family === 'roberta' || family === 'xlm-roberta' ? num(cfg, 'pad_token_id', 1) + 1 : 0
  return checked({
    family, vocabSize: num(cfg, 'vocab_size'), dModel: d, nHeads: num(cfg, 'num_attention_heads'), nLayers: num(cfg, 'num_hidden_layers'),
    ffnDim: num(cfg, 'intermediate_size'), embedSize: family === 'electra' ? num(cfg, 'embedding_size', d) : d, positions, positionOffset: offset,
    typeVocab: num(cfg, 'type_vocab_size', 2), norm: 'post', gelu: geluOf(cfg.hidden_act), lnEps: num(cfg, 'layer_norm_eps', 1e-12),
    embedLn: true, finalLn: false, causal: false, pooler: false, tiedLmHead: cfg.tie_word_embeddings !== false, maxLength: positions - offset,
  })
}

/** Weights of the body, by the engine's names, with the shapes the description implies. */
export function archShapes(a: BaseArch): [string, number[]][] {
  const { vocabSize: V, dModel: D, ffnDim: F, embedSize: E } = a
  const s: [string, number[]][] = [['embed/tok', [V, E]], ['embed/pos', [a.positions, E]]]
  if (E < 1 || !Number.isInteger(E)) throw new CheckpointError(`config.json gives an embedding size of ${E}.`)
  if (a.typeVocab > 0) s.push(['embed/type', [a.typeVocab, E]])
  if (a.embedLn) s.push(['embed/ln/gamma', [E]], ['embed/ln/beta', [E]])
  if (E !== D) s.push(['embed/proj', [E, D]], ['embed/proj_b', [D]])
  for (let i = 0; i < a.nLayers; i++) {
    const p = `block_${i}`
    s.push(
      [`${p}/ln1/gamma`, [D]], [`${p}/ln1/beta`, [D]],
      [`${p}/attn/qkv`, [D, 3 * D]], [`${p}/attn/qkv_b`, [3 * D]], [`${p}/attn/out`, [D, D]], [`${p}/attn/out_b`, [D]],
      [`${p}/ln2/gamma`, [D]], [`${p}/ln2/beta`, [D]],
      [`${p}/ffn/w1`, [D, F]], [`${p}/ffn/w1_b`, [F]], [`${p}/ffn/w2`, [F, D]], [`${p}/ffn/w2_b`, [D]],
    )
  }
  if (a.finalLn) s.push(['final_ln/gamma', [D]], ['final_ln/beta', [D]])
  if (a.pooler) s.push(['pooler/w', [D, D]], ['pooler/b', [D]])
  return s
}

/** Number of weights in the body. */
export function archParams(a: BaseArch): number {
  return archShapes(a).reduce((n, [, shape]) => n + shape.reduce((x, y) => x * y, 1), 0)
}
