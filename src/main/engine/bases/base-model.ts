// A pretrained base on the engine: its description becomes ModelDims for the shared embedding and
// blocks, its weights become named variables, and encode() gives the last layer's hidden states.
// This is what fine-tuning from a base starts from.
import * as tf from '@tensorflow/tfjs-core'
import { modelInfo } from '../../../shared/models'
import { buildMasks } from '../models/masks'
import { runBody } from '../models/body'
import { tokenEmbedding } from '../models/embedding'
import type { ForwardContext, ModelDims } from '../models/types'
import type { Params } from '../params'
import { PretrainedTokenizer } from '../tokenizers'
import type { BaseArch } from './arch'
import { readBaseFolder, type BaseFile } from './import-base'

/** The engine's model sizes and variants for a base (dropout as BERT and GPT-2 were trained with). */
export function baseDims(arch: BaseArch, opts: { dropout?: number; pooling?: ModelDims['pooling'] } = {}): ModelDims {
  return {
    arch: arch.causal ? 'decoder' : 'encoder',
    vocabSize: arch.vocabSize,
    dModel: arch.dModel,
    nHeads: arch.nHeads,
    nKvHeads: arch.nHeads,
    headDim: arch.dModel / arch.nHeads,
    nLayers: arch.nLayers,
    ffnDim: arch.ffnDim,
    maxLen: arch.positions,
    dropout: opts.dropout ?? 0.1,
    attnDropout: opts.dropout ?? 0.1,
    attention: 'full',
    window: 16,
    positional: 'learned',
    pooling: opts.pooling ?? 'cls',
    norm: arch.norm,
    lnEps: arch.lnEps,
    gelu: arch.gelu,
    finalLn: arch.finalLn,
    typeVocab: arch.typeVocab,
    positionOffset: arch.positionOffset,
    embedLn: arch.embedLn,
    embedSize: arch.embedSize,
    tiedLmHead: arch.tiedLmHead,
  }
}

/** A base loaded for use: description, dims, weights as variables, tokenizer. */
export interface LoadedBase {
  file: BaseFile
  dims: ModelDims
  params: Params
  tokenizer: PretrainedTokenizer
  dispose(): void
}

/** Loads a base folder (bases/<id>/ in the app's home) onto the current backend. */
export function loadBase(dir: string, opts: { trainable?: boolean } = {}): LoadedBase {
  const { file, tokenizer, weights } = readBaseFolder(dir)
  const params: Params = new Map()
  for (const [name, w] of weights) params.set(name, tf.tidy(() => tf.variable(tf.tensor(w.data, w.shape, 'float32'), opts.trainable ?? false)))
  return {
    file,
    dims: baseDims(file.arch, { dropout: 0 }),
    params,
    tokenizer: new PretrainedTokenizer(tokenizer),
    dispose: () => params.forEach((v) => v.dispose()),
  }
}

/** Last-layer hidden states [T][D] for one sequence of ids (no padding; special tokens as given). */
export async function hiddenStates(base: LoadedBase, ids: number[]): Promise<number[][]> {
  return bodyHiddenStates(base.dims, base.params, ids)
}

/** Last-layer hidden states [T][D] of any body (an imported base's or a model trained here) for one sequence of ids. */
export async function bodyHiddenStates(dims: ModelDims, params: Params, ids: number[]): Promise<number[][]> {
  const T = ids.length
  if (T === 0) return []
  const ctx: ForwardContext = { training: false, seeds: null, loraScale: 0, attention: null }
  const h = tf.tidy(() => {
    const idsT = tf.tensor2d(Int32Array.from(ids), [1, T], 'int32')
    const mask = tf.ones([1, T])
    const x = tokenEmbedding(dims).embed(idsT, params, ctx) // [1, T] -> [1, T, D]
    return runBody(x, buildMasks(mask, dims, modelInfo(dims.arch).causal), params, dims, ctx) // [1, T, D]
  })
  const data = await h.data()
  h.dispose()
  const D = dims.dModel
  return Array.from({ length: T }, (_, t) => Array.from(data.subarray(t * D, (t + 1) * D)))
}

/** A text through the base: its tokens (special tokens included, cut to the base's length) and hidden states. */
export async function encodeText(base: LoadedBase, text: string): Promise<{ tokens: string[]; ids: number[]; hidden: number[][] }> {
  const enc = base.tokenizer.encodeFramed(text, base.file.arch.maxLength)
  return { tokens: enc.tokens, ids: enc.ids, hidden: await hiddenStates(base, enc.ids) }
}
