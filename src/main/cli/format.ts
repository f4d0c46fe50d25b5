// Renderings for people: aligned tables (CJK and emoji counted by their display width),
// percentages, runs.
import stringWidth from 'string-width'
import type { Run } from '../../shared/domain'

/** Pad `text` on the right to `width` terminal columns. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)))
}

/** Rows as columns separated by two spaces, aligned by display width. */
export function table(rows: string[][]): string {
  if (!rows.length) return ''
  const cols = Math.max(...rows.map((r) => r.length))
  const widths = Array.from({ length: cols }, (_, i) => Math.max(...rows.map((r) => stringWidth(r[i] ?? ''))))
  return rows.map((r) => r.map((c, i) => padEnd(c, widths[i])).join('  ').trimEnd()).join('\n')
}

/** 0.9123 -> "91.2%"; missing -> "-". */
export const pct = (x: number | null | undefined): string => (x === undefined || x === null ? '-' : `${(x * 100).toFixed(1)}%`)

/** One row of the runs table. */
export function runLine(r: Run): string[] {
  return [r.id, r.name, r.status, pct(r.metrics?.accuracy), pct(r.metrics?.macroF1), r.createdAt]
}

/** Which rows a score comes from, in the words the UI uses. */
export function scoreCaption(m: { split?: string; rows?: number }): string {
  const rows = m.rows !== undefined ? `${m.rows} ` : ''
  if (m.split === 'test') return `score on ${rows}test rows`
  if (m.split === 'all') return `score on all ${rows}labelled rows`
  return `score on ${rows}validation rows`
}

/** A run's status, metrics and per-class table. */
export function describeRun(r: Run): string {
  const lines = [`${r.name} (${r.id})`, `status: ${r.status}${r.error ? ` — ${r.error}` : ''}`]
  // Where it computed: the backend in words, with the WebGPU adapter (vendor, architecture) when there was one.
  if (r.backend) lines.push(`computed on: ${r.backendDetail ?? r.backend}`)
  if (r.metrics) {
    const ci = r.metrics.accuracyInterval
    lines.push(`${scoreCaption(r.metrics)}: accuracy ${pct(r.metrics.accuracy)}${ci ? ` (95% interval ${pct(ci.low)}–${pct(ci.high)})` : ''}, macro-F1 ${pct(r.metrics.macroF1)}, loss ${r.metrics.loss.toFixed(4)}`)
    const b = r.metrics.baseline
    if (b) lines.push(`classic baseline (${b.kind === 'table-logreg' ? 'logistic regression on the columns' : b.kind === 'pixels-logreg' ? 'logistic regression on the pixels' : 'TF-IDF + logistic regression'}): accuracy ${pct(b.accuracy)}, macro-F1 ${pct(b.macroF1)} on ${b.rows} ${b.split} rows`)
    const v = r.metrics.validation
    const k = r.metrics.kept
    if (v && k) {
      lines.push(
        `kept epoch ${k.epoch} of ${k.epochsRun} trained${k.stoppedEarly ? ` (stopped early; ${k.epochs} planned)` : ''}, chosen by validation ${k.by === 'loss' ? 'loss' : 'macro-F1'}: validation accuracy ${pct(v.accuracy)}, macro-F1 ${pct(v.macroF1)} on ${v.rows} rows`,
      )
    }
    lines.push(
      table([
        ['class', 'precision', 'recall', 'f1', 'support'],
        ...Object.entries(r.metrics.perClass).map(([k, m]) => [k, pct(m.precision), pct(m.recall), pct(m.f1), String(m.support)]),
      ]),
    )
  }
  return lines.join('\n')
}
