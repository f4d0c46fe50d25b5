// Table runs through the app's own path, per preset: scikit-learn's bundled iris, wine and breast-cancer
// sets written to CSV, imported as tables by the terminal (`workbench datasets import --kind table`, its
// default 80/10/10 stratified split), trained with `workbench train --preset P` (the presets sized for
// tables) in a fresh data folder; prints test accuracy, the table baseline's accuracy on the same rows and
// the wall time of the train command. Needs /usr/bin/python3 with scikit-learn (or set PYTHON).
// Usage: npm run bench:tables:app [-- presets...]
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const presets = process.argv.slice(2).length ? process.argv.slice(2) : ['quick', 'balanced', 'thorough']
const python = process.env.PYTHON ?? '/usr/bin/python3'
const home = mkdtempSync(join(tmpdir(), 'wb-tables-app-'))
const cli = join(process.cwd(), 'src/main/cli.ts')
const dump = `
import sys, csv, sklearn.datasets as d
b = getattr(d, 'load_' + sys.argv[1])()
w = csv.writer(open(sys.argv[2], 'w', newline=''))
w.writerow([n.replace(' ', '_') for n in b.feature_names] + ['label'])
for x, y in zip(b.data, b.target): w.writerow([repr(float(v)) for v in x] + [b.target_names[y]])
`
function workbench(...args: string[]): { id: string; [k: string]: unknown } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--home', home, ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 })
  if (r.status !== 0) throw new Error(`workbench ${args.join(' ')}: ${r.stderr}`)
  return JSON.parse(r.stdout) as { id: string }
}
const pct = (x: number) => `${(100 * x).toFixed(1)}%`

console.log('| data set | rows | preset | model | epochs run | test accuracy | table baseline (logistic regression) | train command seconds |')
console.log('|---|---|---|---|---|---|---|---|')
try {
  for (const name of ['iris', 'wine', 'breast_cancer']) {
    const path = join(home, `${name}.csv`)
    execFileSync(python, ['-c', dump, name, path])
    const ds = workbench('datasets', 'import', path, '--kind', 'table')
    for (const preset of presets) {
      const t0 = performance.now()
      const run = workbench('train', '--dataset', ds.id, '--preset', preset) as unknown as {
        config: { model: { dModel: number; nLayers: number } }
        metrics: { accuracy: number; rows?: number; kept?: { epochsRun: number }; baseline?: { accuracy: number } }
      }
      const secs = (performance.now() - t0) / 1000
      const m = run.metrics
      console.log(`| ${name} | ${String(ds.rowCount)} | ${preset} | ${run.config.model.dModel} wide, ${run.config.model.nLayers} layer(s) | ${m.kept?.epochsRun ?? '?'} | ${pct(m.accuracy)} of ${m.rows ?? '?'} | ${m.baseline ? pct(m.baseline.accuracy) : 'n/a'} | ${secs.toFixed(1)} |`)
    }
  }
} finally {
  rmSync(home, { recursive: true, force: true })
}
