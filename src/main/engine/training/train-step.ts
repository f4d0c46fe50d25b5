// One optimiser step: forward, loss, gradients of the trainable weights, clipping, AdamW update.
// Kept apart from the loop (which adds batching, checkpoints and reporting) so the engine benchmark
// times exactly the code the product trains with.
import * as tf from '@tensorflow/tfjs-core'
import type { TextModel } from '../models/types'
import type { AdamW } from './adamw'
import { classificationLoss, languageModelLoss } from './loss'

/** A padded batch as the step consumes it: ids int32 and mask (1 = real token) row-major [B, T]. */
export interface StepBatch {
  ids: Int32Array
  mask: Float32Array
  B: number
  T: number
  /** Class per row (classify), or null for the language-model objective. */
  labels: number[] | null
  /** Loss weight per row (class weights), or null for equal weights. */
  rowWeights: number[] | null
}

/** What stays fixed across the steps of one training session. */
export interface TrainStepSetup {
  model: TextModel
  objective: 'classify' | 'lm'
  /** Names of the weights that train. */
  trainable: string[]
  opt: AdamW
  /** Global-norm clipping threshold; 0 turns clipping off. */
  gradClip: number
  labelSmoothing: number
  /** Learning-rate multiplier per weight name. */
  lrScale: (name: string) => number
  /** Whether a weight gets weight decay. */
  decay: (name: string) => boolean
}

/** Builds the step function: (batch, learning rate, dropout seed) -> the batch's loss as a scalar tensor (caller disposes). */
export function makeTrainStep(s: TrainStepSetup): (batch: StepBatch, lr: number, dropoutSeed: number) => tf.Scalar {
  const params = s.model.params
  const byEngineName = new Map<string, string>()
  for (const name of s.trainable) byEngineName.set(params.get(name)!.name, name)
  const trainVars = s.trainable.map((n) => params.get(n)!)
  return (b, lr, dropoutSeed) =>
    tf.tidy(() => {
      const ids = tf.tensor2d(b.ids, [b.B, b.T], 'int32')
      const mask = tf.tensor2d(b.mask, [b.B, b.T])
      const y = s.objective === 'classify' ? tf.tensor1d(b.labels!, 'int32') : null
      const w = y && b.rowWeights ? tf.tensor1d(b.rowWeights) : null
      const { value, grads } = tf.variableGrads(() => {
        const { logits } = s.model.forward(ids, mask, { training: true, dropoutSeed })
        return s.objective === 'lm' ? languageModelLoss(logits, ids, mask) : classificationLoss(logits, y!, w, s.labelSmoothing)
      }, trainVars)
      const named: Record<string, tf.Tensor> = {}
      for (const [engineName, g] of Object.entries(grads)) if (g) named[byEngineName.get(engineName)!] = g
      s.opt.applyClipped(named, s.gradClip, lr, s.lrScale, s.decay)
      return value
    })
}
