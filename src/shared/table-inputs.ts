// A table row as an exported table graph takes it (see engine/export/trace-table.ts): ids [B, 1 + F] with
// 0 for [CLS], the numeric columns' missing flags and the categorical value ids offset into one shared
// table; values [B, Fn] the scaled numbers. Pure: the app's export check and the bundle's runtime share it.
import { encodeTableRows, type TablePrep } from './table-prep'

/** Graph inputs for rows of cells, row-major. */
export function tableGraphInputs(prep: TablePrep, rows: Record<string, string>[]): { ids: Int32Array; values: Float32Array; B: number; F: number; Fn: number } {
  const enc = encodeTableRows(prep, rows)
  const F = enc.width
  const Fn = prep.numeric.length
  const offsets: number[] = []
  let at = 0
  for (const c of prep.categorical) {
    offsets.push(at)
    at += c.values.length + 2
  }
  const B = rows.length
  const ids = new Int32Array(B * (1 + F))
  const values = new Float32Array(B * Fn)
  for (let r = 0; r < B; r++) {
    for (let j = 0; j < F; j++) ids[r * (1 + F) + 1 + j] = enc.ids[r * F + j]! + (j >= Fn ? offsets[j - Fn]! : 0)
    for (let j = 0; j < Fn; j++) values[r * Fn + j] = enc.values[r * F + j]!
  }
  return { ids, values, B, F, Fn }
}
