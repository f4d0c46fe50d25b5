// The plan of a run on a table: the table encoder's size and memory from the registry's cost model (one
// token per feature column, no vocabulary), and no text warnings. Duration is left unknown until runs on
// tables have been measured: the text throughput samples do not carry over to column tokens.
import type { RunPlan } from '../../shared/api'
import type { RunConfig } from '../../shared/config'
import { modelInfo, tableDims, type ModelSpec } from '../../shared/models'
import { maxValues } from '../../shared/table-prep'
import type { JobData } from '../../shared/trainer-protocol'

/** The table encoder a config builds on this table (category sizes as the import counted them, at most maxValues). */
export function tableSpec(config: RunConfig, data: JobData & { table: NonNullable<JobData['table']> }): ModelSpec {
  const cols = data.table.columns
  const columns = {
    numeric: cols.filter((c) => c.kind === 'numeric').map((c) => c.name),
    categorical: cols.filter((c) => c.kind === 'categorical').map((c) => ({ name: c.name, size: Math.min(maxValues, c.distinct) })),
  }
  return { dims: tableDims(config.model, columns), head: 'classify', nClasses: Math.max(2, data.labels.length), lora: null }
}

/** Size and memory of a table run; duration unknown. */
export function planTableRun(config: RunConfig, data: JobData & { table: NonNullable<JobData['table']> }): RunPlan {
  const spec = tableSpec(config, data)
  const cost = modelInfo('table').cost
  const parameters = cost.parameters(spec)
  const activations = cost.activationFloats(spec, config.train.batchSize, spec.dims.maxLen)
  const memoryMb = Math.round((parameters * 4 * 4 + activations * 4) / 2 ** 20 + 150)
  return { config, parameters, memoryMb, estimatedSeconds: null, warnings: [], warningCodes: [] }
}
