// Checks the classic baseline (TF-IDF + logistic regression, written in TypeScript) against
// scikit-learn on the same splits of public data sets: accuracy should agree within a point.
// Needs Debian's python3 with scikit-learn (/usr/bin/python3, or set PYTHON).
// Usage: npm run bench:baseline [-- rows]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { trainBaseline } from '../src/main/engine/baseline'
import { allSets, splitSet } from './lib/public-datasets'

const rows = Number(process.argv[2] ?? 3000)
const python = process.env.PYTHON ?? '/usr/bin/python3'
const tmp = mkdtempSync(join(tmpdir(), 'wb-baseline-'))
const pct = (x: number) => `${(100 * x).toFixed(1)}%`
const table: string[][] = [['data set', 'rows (train/val/test)', 'ours acc', 'sklearn acc', 'diff (points)', 'ours F1', 'sklearn F1', 'ours C', 'sklearn C', 'features', 'ours s', 'sklearn s']]
try {
  for (const set of allSets(rows)) {
    const data = splitSet(set)
    const path = join(tmp, `${set.name}.json`)
    writeFileSync(path, JSON.stringify(data))
    const ours = trainBaseline(data).metrics
    const ref = JSON.parse(execFileSync(python, [join(import.meta.dirname, 'bench-baseline-sklearn.py'), path], { encoding: 'utf8' })) as {
      accuracy: number
      macroF1: number
      C: number
      features: number
      seconds: number
    }
    table.push([
      set.name,
      `${data.train.texts.length}/${data.validation.texts.length}/${data.test!.texts.length}`,
      pct(ours.accuracy),
      pct(ref.accuracy),
      (100 * (ours.accuracy - ref.accuracy)).toFixed(1),
      ours.macroF1.toFixed(3),
      ref.macroF1.toFixed(3),
      String(ours.C),
      String(ref.C),
      `${ours.features}/${ref.features}`,
      ours.seconds.toFixed(1),
      ref.seconds.toFixed(1),
    ])
    console.error(`done: ${set.name}`)
  }
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)))
for (const [i, r] of table.entries()) {
  console.log(`| ${r.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`)
  if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
}
