// Presets sized for a table: the table encoder needs far less than a text model (a token per column, no
// vocabulary), so every preset is small; more rows buy more epochs' worth of steps, not width.
import type { PresetName } from './config'
import { sizeTier, type PresetSizing, type SizingChoice } from './preset-sizing'

/** Width, depth and heads per preset, and the optimiser steps aimed at, for tables. */
const tablePlans: Record<PresetName, { dModel: number; nLayers: number; nHeads: number; steps: number; minEpochs: number; maxEpochs: number; patience: number }> = {
  quick: { dModel: 32, nLayers: 1, nHeads: 4, steps: 300, minEpochs: 10, maxEpochs: 40, patience: 5 },
  balanced: { dModel: 32, nLayers: 2, nHeads: 4, steps: 1000, minEpochs: 20, maxEpochs: 100, patience: 10 },
  thorough: { dModel: 64, nLayers: 3, nHeads: 4, steps: 2500, minEpochs: 30, maxEpochs: 200, patience: 15 },
}

/** Size `preset` for a table with `nTrain` training rows (batch size as the run will use it). */
export function sizeTablePreset(preset: PresetName, nTrain: number, batchSize = 32): PresetSizing {
  const p = tablePlans[preset]
  const tier = sizeTier(nTrain)
  const stepsPerEpoch = Math.max(1, Math.ceil(nTrain / batchSize))
  const epochs = Math.min(p.maxEpochs, Math.max(p.minEpochs, Math.ceil(p.steps / stepsPerEpoch)))
  const choices: SizingChoice[] = [
    { setting: 'model.dModel', value: p.dModel, reason: 'sizeTier', params: { rows: nTrain, tier, layers: p.nLayers } },
    { setting: 'model.dropout', value: 0.1, reason: 'dropoutTier', params: { rows: nTrain } },
    { setting: 'train.weightDecay', value: 0.01, reason: 'decayTier', params: { rows: nTrain } },
    { setting: 'train.epochs', value: epochs, reason: 'epochsForSteps', params: { steps: p.steps, perEpoch: stepsPerEpoch } },
    { setting: 'train.patience', value: p.patience, reason: 'patience', params: { n: p.patience } },
  ]
  return {
    preset,
    config: {
      model: { dModel: p.dModel, nHeads: p.nHeads, nLayers: p.nLayers, dropout: 0.1, attnDropout: 0.1 },
      train: { epochs, patience: p.patience, weightDecay: 0.01, learningRate: 1e-3 },
    },
    choices,
  }
}
