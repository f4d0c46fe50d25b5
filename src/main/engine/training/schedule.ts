// Learning-rate schedule: linear warmup from 0, then cosine, linear or constant decay.
import type { TrainConfig } from '../../../shared/config'

/** The rate for optimiser step `step` (0-based) of `totalSteps`. */
export function learningRate(step: number, totalSteps: number, c: Pick<TrainConfig, 'learningRate' | 'warmupRatio' | 'schedule'>): number {
  const warmup = Math.round(c.warmupRatio * totalSteps)
  if (warmup > 0 && step < warmup) return (c.learningRate * (step + 1)) / warmup
  if (c.schedule === 'constant') return c.learningRate
  const span = Math.max(1, totalSteps - warmup)
  const progress = Math.min(1, (step - warmup) / span)
  if (c.schedule === 'linear') return c.learningRate * (1 - progress)
  return c.learningRate * 0.5 * (1 + Math.cos(Math.PI * progress))
}
