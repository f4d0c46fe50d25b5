// The plan of a run on images: the ViT's weights as the engine builds them, memory including the decoded
// images, and no duration guessed from text throughput; planRun sends image data there.
import { describe, expect, it } from 'vitest'
import { modelShapes } from '../../../src/main/engine/models'
import { imageRunSpec, planImageRun } from '../../../src/main/services/run-plan-image'
import { planRun } from '../../../src/main/services/run-planning'
import { resolveConfig } from '../../../src/shared/config'
import type { JobData } from '../../../src/shared/trainer-protocol'

const ref = { path: '/x.png', sha256: 'ab' }
const data: JobData = {
  labels: ['a', 'b', 'c'],
  train: { texts: Array(100).fill('a/x.png'), labels: Array(100).fill(0), images: Array(100).fill(ref) },
  validation: { texts: ['b/y.png'], labels: [1], indices: [0], images: [ref] },
}

describe('planning an image run', () => {
  it("counts the ViT's weights exactly, leaves the duration unknown, and is what planRun answers for images", () => {
    const config = resolveConfig('quick', { image: { size: 48, channels: 3 } })
    const plan = planImageRun(config, data)
    const spec = imageRunSpec(config, data)
    expect(spec.dims.image).toEqual({ size: 48, channels: 3, patch: 6 })
    expect(plan.parameters).toBe(modelShapes(spec).reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0))
    expect(plan.estimatedSeconds).toBeNull()
    expect(plan.memoryMb).toBeGreaterThan(150)
    expect(planImageRun(resolveConfig('quick', { image: { size: 64 } }), data).memoryMb).toBeGreaterThan(plan.memoryMb)
    expect(planRun(config, data, undefined, () => [])).toEqual(plan)
  })
})
