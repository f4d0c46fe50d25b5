// Small synthetic tables for the table tests: the label is a rule over a numeric and a categorical column.

/** Rows of a table whose label is "hi" when width > height (flipped for colour "blue"), else "lo"; ids count up. */
export function tinyTable(n: number, seed = 1): { columns: string[]; rows: Record<string, string>[] } {
  let s = seed
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  const colours = ['red', 'green', 'blue']
  const rows: Record<string, string>[] = []
  for (let i = 0; i < n; i++) {
    const x = rnd() * 100
    const y = rnd() * 100
    const colour = colours[Math.floor(rnd() * 3)]!
    const hi = (x > y) !== (colour === 'blue')
    rows.push({ id: String(1000 + i), width: x.toFixed(2), height: y.toFixed(2), colour, label: hi ? 'hi' : 'lo' })
  }
  return { columns: ['id', 'width', 'height', 'colour', 'label'], rows }
}

/** A table as CSV text (no quoting needed for these cells). */
export function tableCsv(t: { columns: string[]; rows: Record<string, string>[] }): string {
  return [t.columns.join(','), ...t.rows.map((r) => t.columns.map((c) => r[c] ?? '').join(','))].join('\n') + '\n'
}
