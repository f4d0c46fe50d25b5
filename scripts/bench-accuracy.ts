// Accuracy benchmark on public text data sets from the npm registry (see scripts/lib/public-datasets.ts):
// Quick, Balanced and Auto through the real runs service and trainer processes, beside the classic
// baseline, on the same 70/15/15 split of each set. Prints test accuracy (95% interval) and time.
//
//   npm run bench:accuracy                       all sets, 2,000 rows each, Auto for 5 minutes
//   npm run bench:accuracy -- --rows 3000 --auto-minutes 3 --sets spam,names --skip-auto (or --skip-presets)
//
// Timings are wall-clock on this machine, training one run at a time; run it with `nice` on a shared
// machine and expect noise.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAutoService } from '../src/main/services/auto/auto-service'
import { createRunService } from '../src/main/services/runs'
import { createNodeSpawner } from '../src/main/services/trainer-host'
import { openDb } from '../src/main/store/db'
import type { Run } from '../src/shared/domain'
import type { JobData } from '../src/shared/trainer-protocol'
import { allSets, splitSet, type PublicSet } from './lib/public-datasets'

interface Args { rows: number; autoMinutes: number; sets: string[] | null; skipAuto: boolean; skipPresets: boolean }
function parseArgs(argv: string[]): Args {
  const a: Args = { rows: 2000, autoMinutes: 5, sets: null, skipAuto: false, skipPresets: false }
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]
    if (k === '--rows') a.rows = Number(argv[++i])
    else if (k === '--auto-minutes') a.autoMinutes = Number(argv[++i])
    else if (k === '--sets') a.sets = String(argv[++i]).split(',')
    else if (k === '--skip-auto') a.skipAuto = true
    else if (k === '--skip-presets') a.skipPresets = true
    else throw new Error(`unknown option ${k}`)
  }
  return a
}

const pct = (x: number | undefined | null) => (x === undefined || x === null ? '—' : `${(100 * x).toFixed(1)}%`)
const range = (i?: { low: number; high: number }) => (i ? ` (${(100 * i.low).toFixed(0)}–${(100 * i.high).toFixed(0)})` : '')
const secs = (r: Run) => (r.startedAt && r.finishedAt ? (Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000 : NaN)

async function benchSet(set: PublicSet, args: Args): Promise<string[][]> {
  const data: JobData = splitSet(set)
  const home = mkdtempSync(join(tmpdir(), 'wb-bench-acc-'))
  const db = openDb(join(home, 'workbench.db'))
  const now = new Date().toISOString()
  db.prepare('INSERT INTO datasets (id, name, created_at, current_version_id) VALUES (?, ?, ?, NULL)').run('ds', set.name, now)
  db.prepare(`INSERT INTO dataset_versions (id, dataset_id, created_at, content_hash, row_count, source_json) VALUES ('v1', 'ds', ?, 'h', ?, '{}')`).run(now, set.texts.length)
  db.prepare(`UPDATE datasets SET current_version_id = 'v1' WHERE id = 'ds'`).run()
  const runs = createRunService({
    db,
    home,
    spawn: createNodeSpawner(),
    datasets: { resolveVersion: () => ({ datasetId: 'ds', versionId: 'v1' }), loadSplitRows: () => structuredClone(data) },
    emit: () => {},
  })
  const auto = createAutoService(runs)
  const rows: string[][] = []
  const sizes = `${data.train.texts.length}/${data.validation.texts.length}/${data.test!.texts.length}`
  try {
    let baselineRow: string[] | null = null
    for (const preset of args.skipPresets ? [] : (['quick', 'balanced'] as const)) {
      const started = await runs.start({ datasetId: 'ds', preset })
      const r = await runs.waitFor(started.id)
      const m = r.metrics
      const c = r.config
      rows.push([set.name, sizes, preset, r.status === 'completed' ? `${pct(m?.accuracy)}${range(m?.accuracyInterval)}` : r.status, pct(m?.macroF1), secs(r).toFixed(0), `${c.model.dModel}x${c.model.nLayers} ${c.tokenizer.kind} T${c.model.seqLen} e${m?.kept?.epochsRun ?? '?'}/${c.train.epochs}`])
      console.error(`${set.name} ${preset}: ${pct(m?.accuracy)} in ${secs(r).toFixed(0)} s`)
      const b = m?.baseline
      if (b && !baselineRow) baselineRow = [set.name, sizes, 'classic baseline', `${pct(b.accuracy)}${range(b.accuracyInterval)}`, pct(b.macroF1), b.seconds.toFixed(1), `TF-IDF + LR, C=${b.C}, ${b.features} features`]
    }
    if (!args.skipAuto) {
      const a = await auto.start({ datasetId: 'ds', budgetSeconds: Math.round(args.autoMinutes * 60) })
      const res = await auto.waitFor(a.autoId)
      const w = res.winner
      const tried = res.leaderboard.filter((e) => e.kind === 'model' && e.status === 'completed').length
      rows.push([set.name, sizes, `auto (${args.autoMinutes} min)`, w?.test ? `${pct(w.test.accuracy)}${range(w.test.accuracyInterval)}` : res.status, pct(w?.test?.macroF1), res.elapsedSeconds.toFixed(0), `winner: ${w?.label ?? '—'}; ${tried} trials`])
      console.error(`${set.name} auto: ${w?.label} ${pct(w?.test?.accuracy)} in ${res.elapsedSeconds.toFixed(0)} s`)
    }
    if (baselineRow) rows.push(baselineRow)
  } finally {
    await runs.close()
    db.close()
    rmSync(home, { recursive: true, force: true })
  }
  return rows
}

const args = parseArgs(process.argv.slice(2))
const table: string[][] = [['data set', 'train/val/test', 'model', 'test accuracy (95% interval)', 'test macro-F1', 'seconds', 'what trained']]
for (const set of allSets(args.rows).filter((s) => !args.sets || args.sets.includes(s.name))) table.push(...(await benchSet(set, args)))
const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)))
for (const [i, r] of table.entries()) {
  console.log(`| ${r.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`)
  if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
}
