// Presets sized for images: a Vision Transformer small enough to train on a CPU (64 patch tokens plus [CLS] at
// every image size), with the optimiser steps each preset aims at turned into epochs for the dataset's size.
// Images need many more steps than the text presets' few epochs: on scikit-learn's digits, Quick's three text
// epochs left the ViT at 21% test accuracy (bench:images).
import type { PresetName } from './config'
import { sizeTier, type PresetSizing, type SizingChoice } from './preset-sizing'

/** Image size, width, depth, heads and the optimiser steps aimed at, per preset, for images. */
const imagePlans: Record<PresetName, { size: number; dModel: number; nLayers: number; nHeads: number; lr: number; steps: number; minEpochs: number; maxEpochs: number; patience: number }> = {
  quick: { size: 32, dModel: 64, nLayers: 1, nHeads: 4, lr: 2e-3, steps: 600, minEpochs: 5, maxEpochs: 40, patience: 4 },
  balanced: { size: 32, dModel: 96, nLayers: 2, nHeads: 4, lr: 1e-3, steps: 1500, minEpochs: 8, maxEpochs: 80, patience: 6 },
  thorough: { size: 48, dModel: 128, nLayers: 4, nHeads: 4, lr: 7e-4, steps: 4000, minEpochs: 10, maxEpochs: 150, patience: 8 },
}

/** Size `preset` for images with `nTrain` training images (batch size as the run will use it). */
export function sizeImagePreset(preset: PresetName, nTrain: number, batchSize = 32): PresetSizing {
  const p = imagePlans[preset]
  const tier = sizeTier(nTrain)
  const stepsPerEpoch = Math.max(1, Math.ceil(nTrain / batchSize))
  const epochs = Math.min(p.maxEpochs, Math.max(p.minEpochs, Math.ceil(p.steps / stepsPerEpoch)))
  const choices: SizingChoice[] = [
    { setting: 'model.dModel', value: p.dModel, reason: 'sizeTier', params: { rows: nTrain, tier, layers: p.nLayers } },
    { setting: 'train.epochs', value: epochs, reason: 'epochsForSteps', params: { steps: p.steps, perEpoch: stepsPerEpoch } },
    { setting: 'train.patience', value: p.patience, reason: 'patience', params: { n: p.patience } },
  ]
  return {
    preset,
    config: {
      model: { dModel: p.dModel, nHeads: p.nHeads, nLayers: p.nLayers, dropout: 0.1, attnDropout: 0.1 },
      train: { epochs, patience: p.patience, weightDecay: 0.05, learningRate: p.lr },
      image: { size: p.size },
    },
    choices,
  }
}
