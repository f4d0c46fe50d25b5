// The plan of a run on images: the Vision Transformer's size and memory from the registry's cost model (64
// patch tokens plus [CLS] at the run's image size), and no text warnings. Duration is left unknown: the text
// throughput samples do not carry over to image patches (bench:images measures them).
import type { RunPlan } from '../../shared/api'
import type { RunConfig } from '../../shared/config'
import { imageDims, modelInfo, patchSizeFor, type ModelSpec } from '../../shared/models'
import type { JobData } from '../../shared/trainer-protocol'

/** The ViT a config builds for these images. */
export function imageRunSpec(config: RunConfig, data: JobData): ModelSpec {
  const { size, channels } = config.image
  return { dims: imageDims(config.model, { size, channels, patch: patchSizeFor(size) }), head: 'classify', nClasses: Math.max(2, data.labels.length), lora: null }
}

/** Size and memory of an image run; duration unknown. */
export function planImageRun(config: RunConfig, data: JobData): RunPlan {
  const spec = imageRunSpec(config, data)
  const cost = modelInfo('image').cost
  const parameters = cost.parameters(spec)
  // Weights, gradients and two AdamW moments; the backward pass's activations; the decoded images as floats.
  const images = data.train.texts.length + data.validation.texts.length + (data.test?.texts.length ?? 0)
  const pixels = images * config.image.size * config.image.size * config.image.channels
  const activations = cost.activationFloats(spec, config.train.batchSize, spec.dims.maxLen)
  const memoryMb = Math.round((parameters * 4 * 4 + activations * 4 + pixels * 5) / 2 ** 20 + 150)
  return { config, parameters, memoryMb, estimatedSeconds: null, warnings: [], warningCodes: [] }
}
