// Plain data types shared by the readers, the doctor, the fixes and the splitter. No I/O here.
import type { SplitName } from '../../shared/domain'
import type { ImportFormat } from '../../shared/formats'

/** File formats the readers understand. */
export type DataFormat = ImportFormat

/** One record as a reader yields it: cell values by column name, and where it came from. */
export interface SourceRecord {
  /** 1-based line (text formats), row (xlsx), item (json array) or file number (folder). */
  line: number
  values: Record<string, string>
}

/** Which columns become the text, the label and the split. */
export interface ColumnMapping {
  textColumns: string[]
  labelColumn: string | null
  splitColumn: string | null
}

/** A row ready to store. */
export interface MappedRow {
  text: string
  label: string | null
  /** The split the file declared for this row, if any. */
  split: SplitName | null
}

/** One stored row as the doctor, fixes and splitter see it. */
export interface StoredRow {
  idx: number
  text: string
  label: string | null
  split: SplitName | null
}

/** Split codes used in compact per-row arrays (0 = none). */
export const splitCodes: Record<SplitName, number> = { train: 1, validation: 2, test: 3 }
/** The inverse of `splitCodes`. */
export const splitByCode: (SplitName | null)[] = [null, 'train', 'validation', 'test']

/** Ratios and seed of a stratified split. */
export interface SplitSpec {
  train: number
  validation: number
  test: number
  seed: number
}

/** The split every import gets unless the file declares one. */
export const defaultSplit: SplitSpec = { train: 0.8, validation: 0.1, test: 0.1, seed: 42 }
