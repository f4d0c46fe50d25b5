// The plan's WebGPU check: when a run will train on WebGPU (pinned, or the automatic choice on this
// machine), its largest arrays against the adapter's one-buffer limit, as a plan warning with the
// setting to lower (the engine refuses such a run when it starts; this says so before).
import type { PlanWarning } from '../../shared/api'
import { adapterFit, mib } from '../../shared/adapter-limits'
import type { RunConfig } from '../../shared/config'
import type { BackendInfo } from '../../shared/domain'
import { specForConfig } from '../../shared/run-cost'

/** The buffer limit a run with this backend setting will meet, from the backend trainers announced; null when not WebGPU or unknown. */
export function webgpuBufferLimit(setting: RunConfig['train']['backend'], announced: BackendInfo | null): number | null {
  if (!announced?.adapter || announced.name !== 'webgpu') return null
  return setting === 'auto' || setting === 'webgpu' ? announced.adapter.maxBufferBytes : null
}

/** A plan warning when one array of the run is past the limit (codes and numbers for the UI's languages). */
export function gpuBufferNotice(config: RunConfig, nClasses: number, vocabSize: number, limitBytes: number | null): PlanWarning | null {
  if (!limitBytes) return null
  const fit = adapterFit(specForConfig(config, nClasses, vocabSize), config.train.batchSize, limitBytes)
  if (!fit) return null
  return {
    code: 'gpuBuffer',
    params: { array: fit.array.kind, mib: mib(fit.array.bytes), limit: mib(limitBytes), setting: fit.setting, value: fit.value ?? '' },
    text: fit.text,
  }
}
