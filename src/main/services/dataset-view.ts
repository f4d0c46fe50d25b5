// A stored dataset as the contract shows it: its current version's summary, source, kind and, for
// tables, the role of each column.
import type { Dataset } from '../../shared/domain'
import type { DatasetRecord, VersionSummary } from '../store/datasets-repo'

/** The contract's Dataset from a stored record; `runCount` is how many runs used it. */
export function toDataset(r: DatasetRecord, runCount: number): Dataset {
  const v = r.version
  const summary: VersionSummary = v?.summary ?? { labels: [], labelCounts: {}, splitCounts: {} }
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    kind: r.kind,
    createdAt: r.createdAt,
    versionId: v?.id ?? '',
    versions: r.versions,
    rowCount: v?.rowCount ?? 0,
    labels: summary.labels,
    labelCounts: summary.labelCounts,
    splitCounts: summary.splitCounts,
    source: {
      fileName: v?.source.fileName ?? '',
      format: v?.source.format ?? '',
      encoding: v?.source.encoding ?? '',
      textColumns: v?.source.textColumns ?? [],
      labelColumn: v?.source.labelColumn ?? null,
    },
    ...(v?.columns ? { columns: v.columns } : {}),
    contentHash: v?.contentHash ?? '',
    runCount,
  }
}
