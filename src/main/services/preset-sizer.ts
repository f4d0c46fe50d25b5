// Sizes a preset for the dataset a run trains on (see shared/preset-sizing.ts), caching each
// dataset version's profile so planning as the user types stays cheap.
import type { PresetName } from '../../shared/config'
import { sizePreset, type DataProfile, type PresetSizing } from '../../shared/preset-sizing'
import type { JobData } from '../../shared/trainer-protocol'
import { profileOf } from './data-profile'
import { sizeTablePreset } from '../../shared/preset-sizing-table'
import { sizeImagePreset } from '../../shared/preset-sizing-image'

/** What the sizer needs from the datasets service. */
export interface SizerDatasets {
  resolveVersion(datasetId: string): { versionId: string; kind?: string }
  loadSplitRows(versionId: string): JobData
}

/** Returns the sizing of a preset for a dataset, or null where sizing does not apply. */
export type PresetSizer = (preset: PresetName | undefined, datasetId: string, overrides: unknown) => PresetSizing | null

/** Build a sizer over the datasets service (profiles cached per dataset version). */
export function createPresetSizer(datasets: SizerDatasets): PresetSizer {
  const profiles = new Map<string, DataProfile>()
  const tables = new Map<string, number>()
  return (preset, datasetId, overrides) => {
    const o = (overrides ?? {}) as { task?: unknown; finetune?: { fromRunId?: unknown; baseId?: unknown }; train?: { batchSize?: unknown } }
    // Pretraining and fine-tunes keep their own shapes.
    if (o.task === 'pretrain' || o.finetune?.fromRunId || o.finetune?.baseId) return null
    const { versionId, kind } = datasets.resolveVersion(datasetId)
    const batch = typeof o.train?.batchSize === 'number' ? o.train.batchSize : 32
    if (kind === 'table' || kind === 'image') {
      // A table or an image set is always sized (the text defaults would be far too big, or train far too few
      // steps for images): balanced when no preset is named.
      let n = tables.get(versionId)
      if (n === undefined) {
        n = datasets.loadSplitRows(versionId).train.texts.length
        tables.set(versionId, n)
        if (tables.size > 32) tables.delete(tables.keys().next().value!)
      }
      return (kind === 'image' ? sizeImagePreset : sizeTablePreset)(preset ?? 'balanced', n, batch)
    }
    if (!preset) return null
    let profile = profiles.get(versionId)
    if (!profile) {
      const data = datasets.loadSplitRows(versionId)
      if (!data.train.texts.length) return null
      profile = profileOf(data)
      profiles.set(versionId, profile)
      if (profiles.size > 32) profiles.delete(profiles.keys().next().value!)
    }
    return sizePreset(preset, profile, batch)
  }
}
