// Where each engine weight of a base comes from in a Hugging Face checkpoint, and how it is laid out:
// nn.Linear stores [out, in] (transposed here to the engine's [in, out]), GPT-2's Conv1D already stores
// [in, out], and BERT's separate query / key / value become the engine's fused [D, 3D] projection.
// Every source tensor's presence and shape is checked before anything is written.
import { archShapes, type BaseArch } from './arch'
import { CheckpointError, type TensorEntry } from './safetensors'

/** One engine weight: its source tensors (checkpoint names, prefix included) and how to combine them. */
export interface WeightSource {
  name: string
  shape: number[]
  sources: string[]
  /** copy: as stored; transpose: a [out, in] matrix; qkv: three [D, D] matrices -> [D, 3D]. */
  op: 'copy' | 'transpose' | 'qkv'
}

type Names = { [engineName: string]: [string[] | string, WeightSource['op']] }

function bertNames(a: BaseArch): Names {
  const n: Names = {
    'embed/tok': ['embeddings.word_embeddings.weight', 'copy'],
    'embed/pos': ['embeddings.position_embeddings.weight', 'copy'],
    'embed/ln/gamma': ['embeddings.LayerNorm.weight', 'copy'],
    'embed/ln/beta': ['embeddings.LayerNorm.bias', 'copy'],
  }
  if (a.typeVocab > 0) n['embed/type'] = ['embeddings.token_type_embeddings.weight', 'copy']
  if (a.embedSize !== a.dModel) {
    n['embed/proj'] = ['embeddings_project.weight', 'transpose']
    n['embed/proj_b'] = ['embeddings_project.bias', 'copy']
  }
  for (let i = 0; i < a.nLayers; i++) {
    const h = `encoder.layer.${i}.`
    const p = `block_${i}/`
    const q = ['query', 'key', 'value'].map((x) => `${h}attention.self.${x}`)
    Object.assign(n, {
      [`${p}attn/qkv`]: [q.map((x) => `${x}.weight`), 'qkv'],
      [`${p}attn/qkv_b`]: [q.map((x) => `${x}.bias`), 'copy'],
      [`${p}attn/out`]: [`${h}attention.output.dense.weight`, 'transpose'],
      [`${p}attn/out_b`]: [`${h}attention.output.dense.bias`, 'copy'],
      [`${p}ln1/gamma`]: [`${h}attention.output.LayerNorm.weight`, 'copy'],
      [`${p}ln1/beta`]: [`${h}attention.output.LayerNorm.bias`, 'copy'],
      [`${p}ffn/w1`]: [`${h}intermediate.dense.weight`, 'transpose'],
      [`${p}ffn/w1_b`]: [`${h}intermediate.dense.bias`, 'copy'],
      [`${p}ffn/w2`]: [`${h}output.dense.weight`, 'transpose'],
      [`${p}ffn/w2_b`]: [`${h}output.dense.bias`, 'copy'],
      [`${p}ln2/gamma`]: [`${h}output.LayerNorm.weight`, 'copy'],
      [`${p}ln2/beta`]: [`${h}output.LayerNorm.bias`, 'copy'],
    })
  }
  if (a.pooler) {
    n['pooler/w'] = ['pooler.dense.weight', 'transpose']
    n['pooler/b'] = ['pooler.dense.bias', 'copy']
  }
  return n
}

function distilbertNames(a: BaseArch): Names {
  const n: Names = {
    'embed/tok': ['embeddings.word_embeddings.weight', 'copy'],
    'embed/pos': ['embeddings.position_embeddings.weight', 'copy'],
    'embed/ln/gamma': ['embeddings.LayerNorm.weight', 'copy'],
    'embed/ln/beta': ['embeddings.LayerNorm.bias', 'copy'],
  }
  for (let i = 0; i < a.nLayers; i++) {
    const h = `transformer.layer.${i}.`
    const p = `block_${i}/`
    const q = ['q_lin', 'k_lin', 'v_lin'].map((x) => `${h}attention.${x}`)
    Object.assign(n, {
      [`${p}attn/qkv`]: [q.map((x) => `${x}.weight`), 'qkv'],
      [`${p}attn/qkv_b`]: [q.map((x) => `${x}.bias`), 'copy'],
      [`${p}attn/out`]: [`${h}attention.out_lin.weight`, 'transpose'],
      [`${p}attn/out_b`]: [`${h}attention.out_lin.bias`, 'copy'],
      [`${p}ln1/gamma`]: [`${h}sa_layer_norm.weight`, 'copy'],
      [`${p}ln1/beta`]: [`${h}sa_layer_norm.bias`, 'copy'],
      [`${p}ffn/w1`]: [`${h}ffn.lin1.weight`, 'transpose'],
      [`${p}ffn/w1_b`]: [`${h}ffn.lin1.bias`, 'copy'],
      [`${p}ffn/w2`]: [`${h}ffn.lin2.weight`, 'transpose'],
      [`${p}ffn/w2_b`]: [`${h}ffn.lin2.bias`, 'copy'],
      [`${p}ln2/gamma`]: [`${h}output_layer_norm.weight`, 'copy'],
      [`${p}ln2/beta`]: [`${h}output_layer_norm.bias`, 'copy'],
    })
  }
  return n
}

function gpt2Names(a: BaseArch): Names {
  const n: Names = { 'embed/tok': ['wte.weight', 'copy'], 'embed/pos': ['wpe.weight', 'copy'], 'final_ln/gamma': ['ln_f.weight', 'copy'], 'final_ln/beta': ['ln_f.bias', 'copy'] }
  for (let i = 0; i < a.nLayers; i++) {
    const h = `h.${i}.`
    const p = `block_${i}/`
    // Conv1D weights are stored [in, out]: copied as they are.
    Object.assign(n, {
      [`${p}ln1/gamma`]: [`${h}ln_1.weight`, 'copy'],
      [`${p}ln1/beta`]: [`${h}ln_1.bias`, 'copy'],
      [`${p}attn/qkv`]: [`${h}attn.c_attn.weight`, 'copy'],
      [`${p}attn/qkv_b`]: [`${h}attn.c_attn.bias`, 'copy'],
      [`${p}attn/out`]: [`${h}attn.c_proj.weight`, 'copy'],
      [`${p}attn/out_b`]: [`${h}attn.c_proj.bias`, 'copy'],
      [`${p}ln2/gamma`]: [`${h}ln_2.weight`, 'copy'],
      [`${p}ln2/beta`]: [`${h}ln_2.bias`, 'copy'],
      [`${p}ffn/w1`]: [`${h}mlp.c_fc.weight`, 'copy'],
      [`${p}ffn/w1_b`]: [`${h}mlp.c_fc.bias`, 'copy'],
      [`${p}ffn/w2`]: [`${h}mlp.c_proj.weight`, 'copy'],
      [`${p}ffn/w2_b`]: [`${h}mlp.c_proj.bias`, 'copy'],
    })
  }
  return n
}

/** The prefixes a family's bare model is saved under (task models add one; the bare model has none). */
const PREFIXES: Record<BaseArch['family'], string[]> = {
  bert: ['bert.', ''],
  roberta: ['roberta.', ''],
  'xlm-roberta': ['roberta.', ''],
  electra: ['electra.', ''],
  distilbert: ['distilbert.', ''],
  gpt2: ['transformer.', ''],
}

/** Expected stored shape of one source tensor of an engine weight. */
function sourceShape(w: { shape: number[]; op: WeightSource['op'] }, nSources: number): number[] {
  if (w.op === 'transpose') return [w.shape[1], w.shape[0]]
  if (w.op === 'qkv') return [w.shape[0], w.shape[0]]
  return nSources === 3 ? [w.shape[0] / 3] : w.shape
}

/**
 * Maps a checkpoint's tensors onto the engine's weights. Sets arch.pooler when the checkpoint has one.
 * Refuses, naming the first tensor, when one is missing or has another shape than config.json implies.
 */
export function mapWeights(arch: BaseArch, tensors: Map<string, TensorEntry>): WeightSource[] {
  const firstKey = arch.family === 'gpt2' ? 'wte.weight' : 'embeddings.word_embeddings.weight'
  const prefix = PREFIXES[arch.family].find((p) => tensors.has(p + firstKey))
  if (prefix === undefined) throw new CheckpointError(`The checkpoint is missing tensor ${PREFIXES[arch.family][0]}${firstKey} (the token embeddings).`)
  arch.pooler = arch.family !== 'gpt2' && arch.family !== 'distilbert' && tensors.has(prefix + 'pooler.dense.weight')
  const names = arch.family === 'gpt2' ? gpt2Names(arch) : arch.family === 'distilbert' ? distilbertNames(arch) : bertNames(arch)
  const out: WeightSource[] = []
  for (const [name, shape] of archShapes(arch)) {
    const entry = names[name]
    if (!entry) throw new Error(`No checkpoint mapping for ${name}`)
    const [src, op] = entry
    const sources = (Array.isArray(src) ? src : [src]).map((s) => prefix + s)
    const want = sourceShape({ shape, op }, sources.length)
    for (const s of sources) {
      const t = tensors.get(s)
      if (!t) throw new CheckpointError(`The checkpoint is missing tensor ${s}.`)
      if (t.shape.length !== want.length || t.shape.some((d, k) => d !== want[k])) {
        throw new CheckpointError(`Tensor ${s} has shape [${t.shape.join(', ')}], but config.json implies [${want.join(', ')}].`)
      }
    }
    out.push({ name, shape, sources, op })
  }
  return out
}

/** Builds one engine weight from its source arrays (already float32). */
export function combine(w: WeightSource, parts: Float32Array[]): Float32Array {
  if (w.op === 'copy') {
    if (parts.length === 1) return parts[0]
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
    let off = 0
    for (const p of parts) {
      out.set(p, off)
      off += p.length
    }
    return out
  }
  const [rows, cols] = w.shape // engine layout [in, out]
  const out = new Float32Array(rows * cols)
  if (w.op === 'transpose') {
    const src = parts[0] // [cols(out), rows(in)]
    for (let o = 0; o < cols; o++) for (let i = 0; i < rows; i++) out[i * cols + o] = src[o * rows + i]
    return out
  }
  // qkv: three [D(out), D(in)] -> [D(in), 3D(out)], q columns first.
  const D = rows
  parts.forEach((src, k) => {
    for (let o = 0; o < D; o++) for (let i = 0; i < D; i++) out[i * cols + k * D + o] = src[o * D + i]
  })
  return out
}
