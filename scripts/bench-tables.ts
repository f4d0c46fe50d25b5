// Accuracy and time of the table encoder (FT-Transformer) on public tables: scikit-learn's bundled
// iris, wine and breast-cancer sets (Debian's python3-sklearn), written to CSV and read back through the
// app's own table reader. Each set is split 70/15/15, stratified and seeded; a scikit-learn logistic
// regression on the same split (standardised features) is the reference.
// Needs /usr/bin/python3 with scikit-learn (or set PYTHON). Usage: npm run bench:tables [-- seeds]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initBackend } from '../src/main/engine/backend'
import { trainTable } from '../src/main/engine/train-table'
import { openTable } from '../src/main/data/open-table'
import { stratifiedSplit } from '../src/main/data/stratified-split'
import { resolveConfig } from '../src/shared/config'

const seeds = Number(process.argv[2] ?? 3)
const python = process.env.PYTHON ?? '/usr/bin/python3'
const tmp = mkdtempSync(join(tmpdir(), 'wb-tables-'))
const sets = ['iris', 'wine', 'breast_cancer']
const sizes = {
  small: { dModel: 32, nHeads: 4, nLayers: 2, dropout: 0.1, attnDropout: 0.1 },
  medium: { dModel: 64, nHeads: 4, nLayers: 3, dropout: 0.1, attnDropout: 0.1 },
}
const dump = `
import sys, csv, sklearn.datasets as d
b = getattr(d, 'load_' + sys.argv[1])()
w = csv.writer(open(sys.argv[2], 'w', newline=''))
w.writerow([n.replace(' ', '_') for n in b.feature_names] + ['label'])
for x, y in zip(b.data, b.target): w.writerow([repr(float(v)) for v in x] + [b.target_names[y]])
`
const reference = `
import sys, json, numpy as np, sklearn.datasets as d
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
b = getattr(d, 'load_' + sys.argv[1])(); codes = np.array(json.loads(sys.argv[2]))
s = StandardScaler().fit(b.data[codes == 1]); m = LogisticRegression(max_iter=2000).fit(s.transform(b.data[codes == 1]), b.target[codes == 1])
print(m.score(s.transform(b.data[codes == 3]), b.target[codes == 3]))
`
const quiet = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }
const pct = (x: number) => `${(100 * x).toFixed(1)}%`
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

await initBackend(['wasm'])
console.log(`| data set | rows | size | table encoder test acc (mean of ${seeds} seeds) | logistic regression | seconds per training |`)
console.log('|---|---|---|---|---|---|')
try {
  for (const name of sets) {
    const path = join(tmp, `${name}.csv`)
    execFileSync(python, ['-c', dump, name, path])
    const { reader } = await openTable(path)
    const rows: Record<string, string>[] = []
    for await (const r of reader.records) rows.push(r.values)
    reader.close()
    const labelIds = rows.map((r) => r.label!)
    const classes = [...new Set(labelIds)]
    for (const [size, model] of Object.entries(sizes)) {
      const acc: number[] = []
      const ref: number[] = []
      const secs: number[] = []
      for (let seed = 1; seed <= seeds; seed++) {
        const codes = stratifiedSplit(labelIds.map((l) => classes.indexOf(l)), { train: 0.7, validation: 0.15, test: 0.15, seed })
        const pick = (c: number) => rows.filter((_, i) => codes[i] === c)
        const config = resolveConfig(null, { model, train: { epochs: 60, batchSize: 32, learningRate: 1e-3, patience: 10, seed } })
        const t0 = performance.now()
        const r = await trainTable({ columns: reader.columns, train: pick(1), validation: pick(2), test: pick(3) }, config, quiet, new AbortController().signal)
        secs.push((performance.now() - t0) / 1000)
        acc.push(r.testAccuracy)
        for (const v of r.model.params.values()) v.dispose()
        ref.push(Number(execFileSync(python, ['-c', reference, name, JSON.stringify(Array.from(codes))], { encoding: 'utf8' })))
      }
      console.log(`| ${name} | ${rows.length} | ${size} | ${pct(mean(acc))} (${acc.map(pct).join(', ')}) | ${pct(mean(ref))} | ${mean(secs).toFixed(1)} |`)
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
