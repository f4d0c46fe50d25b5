// A run's plan before it starts: size, memory and duration from the registry's cost model and the
// throughput measured on this machine, warnings, and the limits past which a config is refused.
import { UserError, type RunPlan } from '../../shared/api'
import type { RunConfig } from '../../shared/config'
import { countParameters, estimateMemoryMb } from '../../shared/run-cost'
import type { JobData } from '../../shared/trainer-protocol'
import type { Calibration } from './run-calibrations'
import { gpuBufferNotice } from './run-gpu-limits'
import { planTableRun } from './run-plan-table'
import { planImageRun } from './run-plan-image'
import { effectiveVocab, estimateSeconds, estimateSecondsAt, planLimits, planNotices, tokensPerEpoch } from './run-estimates'

/** Tokens per second an earlier run measured for its config. */
export interface ThroughputSample {
  config: RunConfig
  tokensPerSec: number
}

/**
 * The plan of a config on this data: `known` is a calibration of this very config, if there is one;
 * `gpuBufferLimit` the one-buffer limit of the WebGPU adapter the run will train on, if it will.
 */
export function planRun(config: RunConfig, data: JobData, known: Calibration | undefined, throughput: () => ThroughputSample[], gpuBufferLimit: number | null = null): RunPlan {
  if (data.table) return planTableRun(config, data as JobData & { table: NonNullable<JobData['table']> })
  if (data.train.images) return planImageRun(config, data)
  const nClasses = data.labels.length
  const vocab = effectiveVocab(data, config)
  const parameters = countParameters(config, nClasses, vocab)
  const memoryMb = estimateMemoryMb(config, parameters, nClasses, vocab)
  const gpu = gpuBufferNotice(config, nClasses, vocab, gpuBufferLimit)
  const notices = [...planNotices(config, data, memoryMb), ...(gpu ? [gpu] : [])]
  const warnings = notices.map((n) => n.text)
  const warningCodes = notices
  const epochTokens = tokensPerEpoch(data, config)
  const nTrain = data.train.texts.length
  // A calibration of this very config beats scaling other configs' throughput.
  const calibration = known
  if (calibration) {
    const estimatedSeconds = estimateSecondsAt(config, epochTokens, nTrain, calibration.tokensPerSec)
    return { config, parameters, memoryMb, estimatedSeconds, warnings, warningCodes, calibration }
  }
  const samples = throughput().map((s) => ({ ...s, nClasses: 2 }))
  const estimatedSeconds = estimateSeconds(config, nClasses, epochTokens, nTrain, samples)
  return { config, parameters, memoryMb, estimatedSeconds, warnings, warningCodes }
}

/** Refuses, in plain words, a plan past what a desktop can train. */
export function refuseAbsurd(plan: RunPlan): void {
  if (plan.parameters > planLimits.maxParameters) {
    throw new UserError(
      `This model would have ${(plan.parameters / 1e6).toFixed(0)} million parameters; the limit is ${planLimits.maxParameters / 1e6} million. Use a smaller width, fewer layers or a smaller vocabulary.`,
    )
  }
  if (plan.memoryMb > planLimits.maxMemoryMb) {
    throw new UserError(
      `Training this model would need about ${(plan.memoryMb / 1024).toFixed(0)} GB of memory. Reduce the batch size, the sequence length or the model width.`,
    )
  }
}
