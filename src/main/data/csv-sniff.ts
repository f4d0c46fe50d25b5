// Sniff a delimited file's separator by trial-parsing a sample with each candidate.
import { parse } from 'csv-parse/sync'

const candidates = [',', '\t', ';', '|']

/** The delimiter that splits the sample into the most consistent number (> 1) of fields. */
export function sniffDelimiter(sample: string, preferTab = false): string {
  // Only whole lines: the sample may end mid-row.
  const cut = sample.lastIndexOf('\n')
  const text = cut > 0 ? sample.slice(0, cut) : sample
  let best = preferTab ? '\t' : ','
  let bestScore = -1
  for (const delimiter of candidates) {
    let records: string[][]
    try {
      records = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to: 200 }) as string[][]
    } catch {
      continue
    }
    if (records.length === 0) continue
    const counts = new Map<number, number>()
    for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1)
    const [mode, freq] = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]
    if (mode < 2) continue
    const score = freq / records.length + (delimiter === '\t' && preferTab ? 0.5 : 0) + Math.min(mode, 10) * 0.001
    if (score > bestScore) {
      bestScore = score
      best = delimiter
    }
  }
  return best
}
