// The trainer's encode job: each text's tokens, ids and last-layer hidden states (one row per token,
// special tokens included) through a base. An imported checkpoint (bases/<id>/) frames the text with
// its own special tokens; a base pretrained here (a pretraining run's model/) reads it as the app's
// classifiers do: its own tokenizer, [CLS] in front, cut to its sequence length.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { loadModel } from '../predict'
import { encodeBatch } from '../tokenizers'
import { bodyHiddenStates, encodeText, loadBase } from './base-model'

/** One text through a base. */
export interface TextEncoding {
  tokens: string[]
  ids: number[]
  hidden: number[][]
}

/** Loads the base in `dir` (an imported base's folder or a saved model folder), encodes each text, frees it. */
export async function encodeBaseTexts(dir: string, texts: string[]): Promise<TextEncoding[]> {
  const out: TextEncoding[] = []
  if (existsSync(join(dir, 'base.json'))) {
    const base = loadBase(dir)
    try {
      for (const t of texts) out.push(await encodeText(base, t))
    } finally {
      base.dispose()
    }
    return out
  }
  const m = await loadModel(dir)
  try {
    const { dims } = m.model.spec
    for (const t of texts) {
      const enc = encodeBatch(m.tokenizer, [t], { seqLen: dims.maxLen - 1, addCls: true, padTo: 'longest' })
      const ids = Array.from(enc.ids.subarray(0, enc.tokens[0].length))
      out.push({ tokens: enc.tokens[0], ids, hidden: await bodyHiddenStates(dims, m.model.params, ids) })
    }
  } finally {
    m.dispose()
  }
  return out
}
