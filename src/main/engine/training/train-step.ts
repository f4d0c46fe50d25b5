// One optimiser step: forward, loss, gradients of the trainable weights, clipping, AdamW update.
// Kept apart from the loop (which adds batching, checkpoints and reporting) so the engine benchmark
// times exactly the code the product trains with.
import * as tf from '@tensorflow/tfjs-core'
import type { TextModel } from '../models/types'
import type { AdamW } from './adamw'
import { classificationLoss, languageModelLoss, maskedLmLoss } from './loss'

/** What a step trains for: class labels, the next token (decoder) or masked tokens (encoder). */
export type Objective = 'classify' | 'lm' | 'mlm'

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
  /** Objective 'mlm': the masked positions (flat b * T + t) and their original tokens; `ids` are already corrupted. */
  masked?: { positions: Int32Array; targets: Int32Array }
}

/** What stays fixed across the steps of one training session. */
export interface TrainStepSetup {
  model: TextModel
  objective: Objective
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

/** What gradients depend on: the model, its objective, the weights that train and label smoothing. */
export type GradientSetup = Pick<TrainStepSetup, 'model' | 'objective' | 'trainable' | 'labelSmoothing'>

/**
 * Forward and backward on one batch, without updating: the batch's loss [] and the gradient of every
 * trainable weight by weight name. Call inside tf.tidy; the caller keeps or disposes the results.
 */
export function batchGradients(s: GradientSetup, b: StepBatch, dropoutSeed: number): { value: tf.Scalar; grads: Record<string, tf.Tensor> } {
  const params = s.model.params
  const trainVars = s.trainable.map((n) => params.get(n)!)
  const byEngineName = new Map<string, string>()
  for (const name of s.trainable) byEngineName.set(params.get(name)!.name, name)
  const ids = tf.tensor2d(b.ids, [b.B, b.T], 'int32')
  const mask = tf.tensor2d(b.mask, [b.B, b.T])
  const y = s.objective === 'classify' ? tf.tensor1d(b.labels!, 'int32') : null
  const w = y && b.rowWeights ? tf.tensor1d(b.rowWeights) : null
  const positions = s.objective === 'mlm' ? tf.tensor1d(b.masked!.positions, 'int32') : undefined
  const targets = s.objective === 'mlm' ? tf.tensor1d(b.masked!.targets, 'int32') : null
  const { value, grads } = tf.variableGrads(() => {
    const { logits } = s.model.forward(ids, mask, { training: true, dropoutSeed, positions })
    if (s.objective === 'mlm') return maskedLmLoss(logits, targets!)
    return s.objective === 'lm' ? languageModelLoss(logits, ids, mask) : classificationLoss(logits, y!, w, s.labelSmoothing)
  }, trainVars)
  const named: Record<string, tf.Tensor> = {}
  for (const [engineName, g] of Object.entries(grads)) if (g) named[byEngineName.get(engineName)!] = g
  return { value, grads: named }
}

/** Builds the step function: (batch, learning rate, dropout seed) -> the batch's loss as a scalar tensor (caller disposes). */
export function makeTrainStep(s: TrainStepSetup): (batch: StepBatch, lr: number, dropoutSeed: number) => tf.Scalar {
  return (b, lr, dropoutSeed) =>
    tf.tidy(() => {
      const { value, grads } = batchGradients(s, b, dropoutSeed)
      s.opt.applyClipped(grads, s.gradClip, lr, s.lrScale, s.decay)
      return value
    })
}
