import { describe, expect, it } from 'vitest'
import { modelShapes } from '../../../src/main/engine/models'
import { planTableRun, tableSpec } from '../../../src/main/services/run-plan-table'
import { resolveConfig } from '../../../src/shared/config'
import type { JobData } from '../../../src/shared/trainer-protocol'

const data: JobData & { table: NonNullable<JobData['table']> } = {
  labels: ['hi', 'lo'],
  train: { texts: ['{}', '{}'], labels: [0, 1] },
  validation: { texts: ['{}'], labels: [0], indices: [0] },
  table: {
    columns: [
      { name: 'id', kind: 'id', reason: '', missing: 0, distinct: 3 },
      { name: 'width', kind: 'numeric', reason: '', missing: 0, distinct: 3 },
      { name: 'colour', kind: 'categorical', reason: '', missing: 0, distinct: 3 },
      { name: 'label', kind: 'label', reason: '', missing: 0, distinct: 2 },
    ],
  },
}

describe('the plan of a table run', () => {
  it('counts exactly the weights of the table encoder the trainer builds, with no text warnings', () => {
    const config = resolveConfig('quick', { model: { dModel: 32, nHeads: 4, nLayers: 2 } })
    const plan = planTableRun(config, data)
    const built = modelShapes(tableSpec(config, data)).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0)
    expect(plan.parameters).toBe(built)
    expect(plan.warnings).toEqual([])
    expect(plan.memoryMb).toBeGreaterThan(150)
  })
})
