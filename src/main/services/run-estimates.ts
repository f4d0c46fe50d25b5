// Estimates behind a run's plan (run-planning.ts puts them together): the vocabulary and tokens a
// run will see, its duration, and notices. The model's own size and work come from the registry's
// cost model (shared/run-cost).
import type { PlanWarning, PlanWarningCode } from '../../shared/api'
import type { RunConfig } from '../../shared/config'
import { finetuneModeOf } from '../../shared/finetune-modes'
import { usefulVocabLimit, vocabTooLarge } from '../../shared/preset-sizing'
import { flopsPerToken } from '../../shared/run-cost'
import type { JobData } from '../../shared/trainer-protocol'

/** Special tokens every tokenizer adds ([PAD] [UNK] [CLS] [SEP] [MASK]); vocabSize counts them. */
const specialTokens = 5

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

/** Plain-language warnings about a config for this dataset (nothing blocking), with their codes for the UI's languages. */
export function planNotices(config: RunConfig, data: JobData, memoryMb: number): PlanWarning[] {
  const w: PlanWarning[] = []
  const nTrain = data.train.texts.length
  const add = (code: PlanWarningCode, params: PlanWarning['params'], text: string) => w.push({ code, params, text })
  if (config.task === 'classify' && data.validation.texts.length === 0) {
    add('noValidation', {}, 'The dataset has no validation rows, so training cannot measure accuracy or stop early. Split the dataset first.')
  }
  if (config.task === 'classify' && nTrain > 0 && nTrain < 50) {
    add('fewExamples', { n: nTrain }, `Only ${nTrain} training examples: expect unstable results; the bag-of-embeddings baseline may do better.`)
  }
  if (vocabTooLarge(config.tokenizer.vocabSize, nTrain, config.tokenizer.kind)) {
    const limit = usefulVocabLimit(nTrain)
    add('vocabLarge', { vocab: config.tokenizer.vocabSize, n: nTrain, limit }, `The vocabulary (${config.tokenizer.vocabSize}) is large for ${nTrain} examples, which can teach about ${limit} entries; most would never be learned.`)
  }
  if (memoryMb > 4000) {
    const gb = (memoryMb / 1024).toFixed(1)
    add('memory', { gb }, `Training needs about ${gb} GB of memory; reduce the batch size or sequence length if the machine has less.`)
  }
  if (config.model.seqLen >= 512 && config.model.attention === 'full') {
    add('longFullAttention', {}, 'Long sequences with full attention are slow; sliding-window or linear attention costs less.')
  }
  return w
}
