// What a config will cost before it runs: parameter count, memory and duration estimates.
// Main never loads the engine (no tensors here), so the count is a small closed-form function
// of the config that mirrors the engine's layer shapes.
import type { RunConfig } from '../../shared/config'
import { finetuneModeOf } from '../../shared/finetune-modes'
import type { JobData } from '../../shared/trainer-protocol'

/** Special tokens every tokenizer adds ([PAD] [UNK] [CLS] [SEP] [MASK]); vocabSize counts them. */
const specialTokens = 5

/**
 * Parameters of the model a config builds, for `nClasses` output classes and a vocabulary of
 * `vocabSize` tokens (the tokenizer may learn fewer than the configured size on small data).
 */
export function countParameters(config: RunConfig, nClasses: number, vocabSize = config.tokenizer.vocabSize): number {
  const m = config.model
  const V = vocabSize
  const D = m.dModel
  const C = config.task === 'pretrain' ? V : Math.max(2, nClasses)
  const embed = V * D
  if (m.arch === 'bag') return embed + D * C + C
  const H = m.nHeads
  const Dh = D / H
  const Hkv = m.nKvHeads || H
  const F = m.ffnDim || 4 * D
  const positions = m.positional === 'learned' ? (m.seqLen + 1) * D : 0
  const attn = D * D + D /* Q */ + 2 * (D * Hkv * Dh + Hkv * Dh) /* K, V */ + D * D + D /* output */
  const ffn = D * F + F + F * D + D
  const block = 2 * D + attn + 2 * D + ffn
  // Adapters on the fused QKV and the output projection of every block: r (Din + Dout) each.
  const r = config.finetune.lora.rank
  const loraOn = finetuneModeOf(config)?.mode === 'lora' || config.finetune.lora.enabled
  const loraFfn = config.finetune.lora.ffn ? m.nLayers * (r * (D + F) + r * (F + D)) : 0
  const lora = loraOn ? m.nLayers * (r * (D + (H + 2 * Hkv) * Dh) + r * (D + D)) + loraFfn : 0
  return embed + positions + m.nLayers * block + 2 * D /* final LN */ + D * C + C + lora
}

/** Rough training memory in MB: weights, gradients and two AdamW moments, activations, runtime. */
export function estimateMemoryMb(config: RunConfig, parameters: number): number {
  const m = config.model
  const B = config.train.batchSize
  const T = m.seqLen
  const D = m.dModel
  const F = m.ffnDim || 4 * D
  // A fine-tune from a base may keep fewer copies (LoRA, frozen features) and no backward activations (frozen).
  const mode = finetuneModeOf(config)
  const weightBytes = parameters * 4 * (mode?.weightCopies ?? 4)
  // Per block the backward pass keeps ~ a dozen [B, T, D] tensors, the [B, T, F] hidden and the
  // [B, H, T, T] attention weights (twice: scores and softmax) unless attention is linear; a forward
  // pass alone holds about one block's worth at a time.
  const attnMaps = m.arch === 'bag' || m.attention === 'linear' ? 0 : 2 * B * m.nHeads * T * (m.attention === 'sliding' ? Math.min(T, 2 * m.window + 1) : T)
  const perBlock = m.arch === 'bag' ? 0 : (mode && !mode.keepsActivations ? 1 / Math.max(1, m.nLayers) : 1) * (12 * B * T * D + 2 * B * T * F + attnMaps)
  const activationBytes = (perBlock * m.nLayers + 4 * B * T * D) * 4
  const runtimeMb = 150
  return Math.round((weightBytes + activationBytes) / 2 ** 20 + runtimeMb)
}

/** Approximate forward+backward work per token, used to carry throughput across configs. */
export function flopsPerToken(config: RunConfig, nClasses: number): number {
  const m = config.model
  // Embedding rows are looked up, not multiplied: only the rest costs work per token.
  const embed = config.tokenizer.vocabSize * m.dModel
  const body = countParameters(config, nClasses) - embed
  const attnCtx = m.arch === 'bag' ? 0 : m.attention === 'sliding' ? Math.min(m.seqLen, 2 * m.window + 1) : m.attention === 'linear' ? m.dModel / m.nHeads : m.seqLen
  return 6 * body + 12 * m.nLayers * attnCtx * m.dModel + 6 * m.dModel
}

/** The vocabulary a tokenizer will learn on this data: word and char tokenizers stop at the distinct tokens. */
export function effectiveVocab(data: JobData, config: RunConfig): number {
  const max = config.tokenizer.vocabSize
  if (config.tokenizer.kind === 'subword') return max
  const texts = data.train.texts.length ? data.train.texts : (data.unlabeled ?? [])
  const seen = new Set<string>()
  for (const raw of texts) {
    const t = config.tokenizer.lowercase ? raw.toLowerCase() : raw
    const parts = config.tokenizer.kind === 'char' ? [...t] : t.split(/[\s\p{P}]+/u)
    for (const p of parts) {
      if (p) seen.add(p)
      if (seen.size + specialTokens >= max) return max
    }
  }
  return seen.size + specialTokens
}

/** Estimated tokens per text for a tokenizer kind, capped at the sequence length. */
export function approxTokens(text: string, config: RunConfig): number {
  let n: number
  if (config.tokenizer.kind === 'char') n = [...text].length
  else {
    const words = text.split(/\s+/).filter(Boolean).length
    // CJK text has no spaces: count its characters as words.
    const cjk = (text.match(/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/g) ?? []).length
    n = words + cjk
    if (config.tokenizer.kind === 'subword') n = Math.ceil(n * 1.3)
  }
  return Math.min(config.model.seqLen, n + 1) // + [CLS]
}

/** Tokens one epoch processes (sampled for large datasets). */
export function tokensPerEpoch(data: JobData, config: RunConfig): number {
  const texts = data.train.texts.length ? data.train.texts : (data.unlabeled ?? [])
  if (!texts.length) return 0
  const stride = Math.max(1, Math.floor(texts.length / 2000))
  let sum = 0
  let n = 0
  for (let i = 0; i < texts.length; i += stride) {
    sum += approxTokens(texts[i], config)
    n++
  }
  return Math.round((sum / n) * texts.length)
}

/**
 * Seconds a run will take, from the throughput earlier runs measured on this machine, scaled by
 * how much work per token each config does. Null when nothing has been measured yet.
 */
export function estimateSeconds(
  config: RunConfig,
  nClasses: number,
  epochTokens: number,
  nTrain: number,
  samples: { config: RunConfig; tokensPerSec: number; nClasses: number }[],
): number | null {
  if (!samples.length || !epochTokens) return null
  const rates = samples
    .map((s) => s.tokensPerSec * flopsPerToken(s.config, s.nClasses))
    .sort((a, b) => a - b)
  const flopsPerSec = rates[Math.floor(rates.length / 2)]
  return secondsFor(config, epochTokens, nTrain, flopsPerSec / flopsPerToken(config, nClasses))
}

/** Epochs a run will actually train (maxSteps can end it early). */
function plannedEpochs(config: RunConfig, nTrain: number): number {
  const stepsPerEpoch = Math.max(1, Math.ceil(nTrain / config.train.batchSize))
  return config.train.maxSteps ? Math.min(config.train.epochs, config.train.maxSteps / stepsPerEpoch) : config.train.epochs
}

/** Seconds to train `epochTokens` per epoch at `tokensPerSec`, with the validation overhead. */
function secondsFor(config: RunConfig, epochTokens: number, nTrain: number, tokensPerSec: number): number {
  // Validation adds a forward pass over ~1/8 of the data per epoch: about 5% more. Frozen features run
  // the body once over the texts (no epochs); LoRA skips the body's weight gradients.
  const mode = finetuneModeOf(config)
  const epochs = mode?.mode === 'frozen' ? 1 : plannedEpochs(config, nTrain)
  const seconds = (epochs * (mode?.workFactor ?? 1) * epochTokens * 1.05) / tokensPerSec
  return Math.max(1, Math.round(seconds))
}

/**
 * Seconds a run will take at a throughput measured for this very config (a calibration), so no
 * scaling across configs is needed. Null when there is nothing to train.
 */
export function estimateSecondsAt(config: RunConfig, epochTokens: number, nTrain: number, tokensPerSec: number): number | null {
  if (!epochTokens || !(tokensPerSec > 0)) return null
  return secondsFor(config, epochTokens, nTrain, tokensPerSec)
}

/** Above these a config cannot train on a desktop; the user gets a sentence instead of an OOM. */
export const planLimits = { maxParameters: 300_000_000, maxMemoryMb: 16_000 }

/** Plain-language warnings about a config for this dataset (nothing blocking). */
export function planWarnings(config: RunConfig, data: JobData, memoryMb: number): string[] {
  const w: string[] = []
  const nTrain = data.train.texts.length
  if (config.task === 'classify' && data.validation.texts.length === 0) {
    w.push('The dataset has no validation rows, so training cannot measure accuracy or stop early. Split the dataset first.')
  }
  if (config.task === 'classify' && nTrain > 0 && nTrain < 50) {
    w.push(`Only ${nTrain} training examples: expect unstable results; the bag-of-embeddings baseline may do better.`)
  }
  if (config.tokenizer.vocabSize > 4 * Math.max(1, nTrain) && config.tokenizer.kind !== 'char') {
    w.push(`The vocabulary (${config.tokenizer.vocabSize}) is large for ${nTrain} examples; most entries would never be learned.`)
  }
  if (memoryMb > 4000) w.push(`Training needs about ${(memoryMb / 1024).toFixed(1)} GB of memory; reduce the batch size or sequence length if the machine has less.`)
  if (config.model.seqLen >= 512 && config.model.attention === 'full') {
    w.push('Long sequences with full attention are slow; sliding-window or linear attention costs less.')
  }
  return w
}
