// Presets sized by the data: one pure function turns a preset and a profile of the training rows
// (how many, how long, how varied) into model width and depth, sequence length, tokenizer and
// vocabulary, dropout, weight decay, epochs and patience, and says why it chose each.
import type { PresetName, RunConfigInput } from './config'

/** What sizing needs to know about a dataset's training rows. */
export interface DataProfile {
  nTrain: number
  nClasses: number
  /** Approximate tokens (words, punctuation, CJK characters) per training text. */
  tokens: { p50: number; p90: number; p95: number; max: number }
  /** Median characters per text. */
  charsP50: number
  /** Distinct lowercased words over the training texts. */
  distinctWords: number
}

/** One choice and its reason, as a code with parameters (translated by the UI, worded by `describeChoice`). */
export interface SizingChoice {
  setting: string
  value: number | string
  reason: 'sizeTier' | 'shortTexts' | 'vocabFromWords' | 'vocabForRows' | 'seqLenCovers' | 'seqLenCapped' | 'dropoutTier' | 'decayTier' | 'epochsForSteps' | 'patience'
  params: Record<string, number | string>
}

/** A preset adjusted to a dataset: overrides to merge over the preset, and why. */
export interface PresetSizing {
  preset: PresetName
  config: RunConfigInput
  choices: SizingChoice[]
}

/** Smallest vocabulary the rule below ever asks for (a subword tokenizer needs room for its characters). */
export const minUsefulVocab = 64

/**
 * The largest vocabulary a training set can teach: about four entries per training text. One rule
 * for both sides: presets never pick more, and a plan warns when a config asks for more.
 */
export function usefulVocabLimit(nTrain: number): number {
  return Math.max(minUsefulVocab, 4 * Math.max(0, Math.floor(nTrain)))
}

/** True when a (non-character) vocabulary is larger than the training rows can teach. */
export function vocabTooLarge(vocabSize: number, nTrain: number, tokenizerKind: string): boolean {
  return tokenizerKind !== 'char' && vocabSize > usefulVocabLimit(nTrain)
}

/** Size tiers by training rows. */
export type SizeTier = 'tiny' | 'small' | 'medium' | 'large'

export function sizeTier(nTrain: number): SizeTier {
  return nTrain < 500 ? 'tiny' : nTrain < 3000 ? 'small' : nTrain < 20_000 ? 'medium' : 'large'
}

/** Width, depth and heads per preset and tier: small data gets small models (they overfit less). */
const shapes: Record<PresetName, Record<SizeTier, { dModel: number; nLayers: number; nHeads: number }>> = {
  quick: {
    tiny: { dModel: 64, nLayers: 1, nHeads: 4 },
    small: { dModel: 64, nLayers: 1, nHeads: 4 },
    medium: { dModel: 64, nLayers: 1, nHeads: 4 },
    large: { dModel: 96, nLayers: 1, nHeads: 4 },
  },
  balanced: {
    tiny: { dModel: 64, nLayers: 1, nHeads: 4 },
    small: { dModel: 96, nLayers: 1, nHeads: 4 },
    medium: { dModel: 128, nLayers: 2, nHeads: 4 },
    large: { dModel: 192, nLayers: 2, nHeads: 6 },
  },
  thorough: {
    tiny: { dModel: 64, nLayers: 2, nHeads: 4 },
    small: { dModel: 128, nLayers: 2, nHeads: 4 },
    medium: { dModel: 192, nLayers: 3, nHeads: 6 },
    large: { dModel: 256, nLayers: 4, nHeads: 8 },
  },
}

/** Per preset: vocabulary cap, sequence cap, length percentile covered, optimiser steps aimed at, epoch range, patience. */
const plans: Record<PresetName, { vocabCap: number; seqCap: number; cover: 90 | 95; steps: number; minEpochs: number; maxEpochs: number; patience: number }> = {
  quick: { vocabCap: 4000, seqCap: 128, cover: 90, steps: 250, minEpochs: 3, maxEpochs: 8, patience: 2 },
  balanced: { vocabCap: 8000, seqCap: 256, cover: 95, steps: 800, minEpochs: 4, maxEpochs: 20, patience: 3 },
  thorough: { vocabCap: 16000, seqCap: 512, cover: 95, steps: 2500, minEpochs: 6, maxEpochs: 40, patience: 4 },
}

const dropoutByTier: Record<SizeTier, number> = { tiny: 0.3, small: 0.2, medium: 0.1, large: 0.1 }
const decayByTier: Record<SizeTier, number> = { tiny: 0.05, small: 0.05, medium: 0.01, large: 0.01 }

/** Subword pieces per word-level token, on average, for English-like text. */
const piecesPerToken = 1.3

function roundUp(x: number, step: number): number {
  return Math.ceil(x / step) * step
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x))
}

/** Size `preset` for a dataset with this profile (batch size as the run will use it). */
export function sizePreset(preset: PresetName, profile: DataProfile, batchSize = 32): PresetSizing {
  const tier = sizeTier(profile.nTrain)
  const shape = shapes[preset][tier]
  const plan = plans[preset]
  const choices: SizingChoice[] = []
  choices.push({ setting: 'model.dModel', value: shape.dModel, reason: 'sizeTier', params: { rows: profile.nTrain, tier, layers: shape.nLayers } })

  // Names, codes and one-word labels: spelling carries the signal, so read characters.
  const short = profile.tokens.p50 <= 2 && profile.charsP50 <= 24
  let kind: 'char' | 'subword'
  let vocabSize: number
  let seqLen: number
  const pTokens = plan.cover === 90 ? profile.tokens.p90 : profile.tokens.p95
  if (short) {
    kind = 'char'
    vocabSize = 512
    const chars = Math.max(profile.charsP50 * 2, 8)
    seqLen = clamp(roundUp(chars + 1, 8), 16, plan.seqCap)
    choices.push({ setting: 'tokenizer.kind', value: kind, reason: 'shortTexts', params: { words: profile.tokens.p50, chars: profile.charsP50 } })
  } else {
    kind = 'subword'
    vocabSize = clamp(roundUp(profile.distinctWords / 2, 500), 1000, plan.vocabCap)
    const limit = usefulVocabLimit(profile.nTrain)
    if (vocabSize > limit) {
      // Few rows: no more entries than they can teach (the plan's warning uses the same limit).
      vocabSize = Math.max(minUsefulVocab, Math.floor(limit / 50) * 50)
      choices.push({ setting: 'tokenizer.vocabSize', value: vocabSize, reason: 'vocabForRows', params: { rows: profile.nTrain, limit } })
    } else {
      choices.push({ setting: 'tokenizer.vocabSize', value: vocabSize, reason: 'vocabFromWords', params: { words: profile.distinctWords, cap: plan.vocabCap } })
    }
    const wanted = Math.ceil(pTokens * piecesPerToken) + 1
    seqLen = clamp(roundUp(wanted, 16), 16, plan.seqCap)
  }
  if (!short) {
    choices.push(
      seqLen < roundUp(Math.ceil(pTokens * piecesPerToken) + 1, 16)
        ? { setting: 'model.seqLen', value: seqLen, reason: 'seqLenCapped', params: { pct: plan.cover, tokens: Math.round(pTokens), cap: plan.seqCap } }
        : { setting: 'model.seqLen', value: seqLen, reason: 'seqLenCovers', params: { pct: plan.cover, tokens: Math.round(pTokens) } },
    )
  } else {
    choices.push({ setting: 'model.seqLen', value: seqLen, reason: 'seqLenCovers', params: { pct: 50, tokens: profile.charsP50 } })
  }

  const dropout = dropoutByTier[tier]
  const weightDecay = decayByTier[tier]
  choices.push({ setting: 'model.dropout', value: dropout, reason: 'dropoutTier', params: { rows: profile.nTrain } })
  choices.push({ setting: 'train.weightDecay', value: weightDecay, reason: 'decayTier', params: { rows: profile.nTrain } })

  const stepsPerEpoch = Math.max(1, Math.ceil(profile.nTrain / batchSize))
  const epochs = clamp(Math.ceil(plan.steps / stepsPerEpoch), plan.minEpochs, plan.maxEpochs)
  choices.push({ setting: 'train.epochs', value: epochs, reason: 'epochsForSteps', params: { steps: plan.steps, perEpoch: stepsPerEpoch } })
  choices.push({ setting: 'train.patience', value: plan.patience, reason: 'patience', params: { n: plan.patience } })

  return {
    preset,
    config: {
      model: { dModel: shape.dModel, nHeads: shape.nHeads, nLayers: shape.nLayers, seqLen, dropout, attnDropout: Math.min(dropout, 0.1), pooling: 'mean' },
      tokenizer: { kind, vocabSize },
      train: { epochs, patience: plan.patience, weightDecay },
    },
    choices,
  }
}

/** One choice in plain English (the terminal; the UI translates the reason code itself). */
export function describeChoice(c: SizingChoice): string {
  const p = c.params
  const v = String(c.value)
  switch (c.reason) {
    case 'sizeTier':
      return `width ${v}, ${String(p.layers)} layer(s): ${String(p.rows)} training rows is a ${String(p.tier)} dataset, and smaller models overfit less on less data`
    case 'shortTexts':
      return `tokenizer ${v}: texts are short (median ${String(p.words)} words, ${String(p.chars)} characters), so spelling carries the signal`
    case 'vocabFromWords':
      return `vocabulary ${v}: about half of the ${String(p.words)} distinct words (at most ${String(p.cap)})`
    case 'vocabForRows':
      return `vocabulary ${v}: ${String(p.rows)} training rows can teach about ${String(p.limit)} entries, so no more`
    case 'seqLenCovers':
      return `sequence length ${v}: covers ${String(p.pct)}% of texts (${String(p.tokens)} tokens or fewer)`
    case 'seqLenCapped':
      return `sequence length ${v}: the ${String(p.pct)}th percentile text has ${String(p.tokens)} tokens; capped at ${String(p.cap)} for speed (longer texts are cut)`
    case 'dropoutTier':
      return `dropout ${v}: ${String(p.rows)} training rows`
    case 'decayTier':
      return `weight decay ${v}: ${String(p.rows)} training rows`
    case 'epochsForSteps':
      return `up to ${v} epochs: about ${String(p.steps)} optimiser steps at ${String(p.perEpoch)} steps per epoch`
    case 'patience':
      return `stops after ${v} epochs without validation improvement, keeping the best one`
  }
}
