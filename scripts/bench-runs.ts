// Runs-service benchmark: how fast the history lists, and what metric logging costs a training run.
//
//   npx tsx scripts/bench-runs.ts            human-readable report
//   npx tsx scripts/bench-runs.ts --json     one JSON object
//   options: --runs N (default 1000)  --points N (default 100000)  --step-ms MS (training step time to
//            compare against; default: the measured step time of the engine benchmark's reference
//            workload is not known here, so the report also prints the step time at which logging
//            would cost exactly 1%)
//
// Listing: N runs with full summaries (config, final metrics with per-class table and confusion
// matrix, tags, notes) in a fresh database; the median of 30 calls to runs.list, several filters.
// Logging: the service's whole main-side path for one metric point and one progress message per step
// (trainer message -> batched SQLite write -> throttled live event), fed by an in-process trainer
// stand-in that sends points as fast as it can; total time over N points.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolveConfig } from '../src/shared/config'
import type { RunEvent, RunMetrics } from '../src/shared/domain'
import type { HostMessage, JobData, TrainerMessage } from '../src/shared/trainer-protocol'
import { createRunService } from '../src/main/services/runs'
import type { SpawnTrainer, TrainerHandle } from '../src/main/services/trainer-host'
import { openDb } from '../src/main/store/db'
import { createRunsRepo } from '../src/main/store/runs-repo'

interface Args { json: boolean; runs: number; points: number; stepMs: number | null }

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, runs: 1000, points: 100_000, stepMs: null }
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]
    if (k === '--json') a.json = true
    else if (k === '--runs') a.runs = Number(argv[++i])
    else if (k === '--points') a.points = Number(argv[++i])
    else if (k === '--step-ms') a.stepMs = Number(argv[++i])
    else throw new Error(`unknown option ${k}`)
  }
  return a
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function timeMs(fn: () => unknown, repeats = 30): number {
  fn() // warm the statement cache
  const t: number[] = []
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now()
    fn()
    t.push(performance.now() - t0)
  }
  return median(t)
}

function seedDataset(db: ReturnType<typeof openDb>): void {
  const now = new Date().toISOString()
  db.prepare(`INSERT INTO datasets (id, name, created_at) VALUES ('ds', 'reviews', ?)`).run(now)
  db.prepare(`INSERT INTO dataset_versions (id, dataset_id, created_at, content_hash, row_count, source_json) VALUES ('v1', 'ds', ?, 'h', 1000, '{}')`).run(now)
}

function benchListing(n: number) {
  const home = mkdtempSync(join(tmpdir(), 'bench-runs-'))
  const db = openDb(join(home, 'workbench.db'))
  seedDataset(db)
  const repo = createRunsRepo(db)
  const labels = ['business', 'sports', 'tech', 'world']
  const statuses = ['completed', 'completed', 'completed', 'failed', 'cancelled', 'interrupted'] as const
  repo.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `run_${String(i).padStart(6, '0')}`
      const config = resolveConfig(i % 3 === 0 ? 'quick' : i % 3 === 1 ? 'balanced' : 'thorough', { train: { learningRate: 1e-3 * (1 + (i % 5)) } })
      repo.insert({
        id, name: `Run ${i}`, status: statuses[i % statuses.length], createdAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
        datasetId: 'ds', datasetVersionId: 'v1', config, parentRunId: null, parentKind: null, sweepId: null, runDir: `runs/${id}`,
        notes: i % 10 === 0 ? 'baseline for the weekly comparison' : '', tags: i % 4 === 0 ? ['baseline', 'small'] : [],
      })
      const acc = 0.5 + ((i * 37) % 50) / 100
      const metrics: RunMetrics = {
        accuracy: acc, macroF1: acc - 0.02, weightedF1: acc - 0.01, loss: 1 - acc, labels,
        perClass: Object.fromEntries(labels.map((l) => [l, { precision: acc, recall: acc, f1: acc, support: 250 }])),
        confusion: labels.map((_, r) => labels.map((__, c) => (r === c ? 200 : 17))),
      }
      repo.setResult(id, metrics, 5000)
      repo.setProgress(id, { epoch: 5, step: 1000, totalSteps: 1000, etaSec: 0 })
    }
  })
  const service = createRunService({
    db, home, spawn: () => { throw new Error('no trainer in this benchmark') },
    datasets: { resolveVersion: () => { throw new Error('unused') }, loadSplitRows: () => { throw new Error('unused') } },
    emit: () => {},
  })
  const result = {
    list_all_ms: timeMs(() => service.list(undefined)),
    list_sorted_by_accuracy_ms: timeMs(() => service.list({ sort: 'accuracy' })),
    list_search_ms: timeMs(() => service.list({ search: 'baseline' })),
    list_filtered_ms: timeMs(() => service.list({ status: ['completed'], tag: 'small' })),
    list_page_of_50_ms: timeMs(() => service.list({ limit: 50, offset: 500 })),
    rows: (service.list(undefined) as unknown[]).length,
  }
  void service.close().then(() => {
    db.close()
    rmSync(home, { recursive: true, force: true })
  })
  return result
}

/** A trainer stand-in that streams `points` steps (metric + progress each) as fast as the host takes them. */
function streamingSpawner(points: number): SpawnTrainer {
  return () => {
    let onMsg: (m: TrainerMessage) => void = () => {}
    let onExit: (i: { code: number | null; signal: string | null }) => void = () => {}
    const handle: TrainerHandle = {
      pid: undefined,
      send(msg: HostMessage) {
        if (msg.type !== 'start' || msg.job.kind !== 'train') return
        let step = 0
        const chunk = () => {
          const end = Math.min(points, step + 1000)
          for (; step < end; ) {
            step++
            onMsg({ type: 'metric', point: { step, epoch: 1 + Math.floor(step / 10_000), split: 'train', loss: 1 / step, lr: 1e-3, tokensPerSec: 5000, time: step / 100 } })
            onMsg({ type: 'progress', step, epoch: 1, totalSteps: points, loss: 1 / step, lr: 1e-3, tokensPerSec: 5000, etaSec: points - step })
          }
          if (step < points) setImmediate(chunk)
          else {
            onMsg({ type: 'done', result: { kind: 'train', metrics: null, stoppedEarly: false, bestEpoch: 1 } })
            setImmediate(() => onExit({ code: 0, signal: null }))
          }
        }
        setImmediate(chunk)
      },
      onMessage: (cb) => (onMsg = cb),
      onExit: (cb) => (onExit = cb),
      kill: () => {},
    }
    return handle
  }
}

async function benchLogging(points: number) {
  const home = mkdtempSync(join(tmpdir(), 'bench-runs-'))
  const db = openDb(join(home, 'workbench.db'))
  seedDataset(db)
  const data: JobData = {
    labels: ['a', 'b'],
    train: { texts: ['one two', 'three four'], labels: [0, 1] },
    validation: { texts: ['five', 'six'], labels: [0, 1], indices: [0, 1] },
  }
  let events = 0
  const service = createRunService({
    db, home, spawn: streamingSpawner(points),
    datasets: { resolveVersion: (datasetId) => ({ datasetId, versionId: 'v1' }), loadSplitRows: () => data },
    emit: (e: RunEvent) => void (e.type !== 'status' && events++),
  })
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const run = await service.start({ datasetId: 'ds', config: { task: 'pretrain', model: { arch: 'decoder', dModel: 16, nHeads: 2 }, train: { epochs: 1 } } })
  const done = await service.waitFor(run.id)
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const stored = (service.metrics({ id: run.id }) as unknown[]).length
  await service.close()
  db.close()
  rmSync(home, { recursive: true, force: true })
  return { status: done.status, stored, events, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const listing = benchListing(args.runs)
  const log = await benchLogging(args.points)
  const usPerPoint = (log.wallMs * 1000) / args.points
  // Logging costs 1% of training when a step (one point) takes 100x the per-point cost.
  const breakEvenStepMs = (usPerPoint * 100) / 1000
  const out = {
    runs_listed: listing.rows,
    list_1000_ms: Number(listing.list_all_ms.toFixed(2)),
    list_sorted_by_accuracy_ms: Number(listing.list_sorted_by_accuracy_ms.toFixed(2)),
    list_search_ms: Number(listing.list_search_ms.toFixed(2)),
    list_filtered_ms: Number(listing.list_filtered_ms.toFixed(2)),
    list_page_of_50_ms: Number(listing.list_page_of_50_ms.toFixed(2)),
    metric_points: args.points,
    metric_points_stored: log.stored,
    live_events_sent: log.events,
    logging_total_ms: Math.round(log.wallMs),
    logging_cpu_ms: Math.round(log.cpuMs),
    logging_us_per_point: Number(usPerPoint.toFixed(2)),
    one_percent_break_even_step_ms: Number(breakEvenStepMs.toFixed(3)),
    step_ms_compared: args.stepMs,
    logging_percent_of_training: args.stepMs ? Number(((usPerPoint / 1000 / args.stepMs) * 100).toFixed(4)) : null,
  }
  if (log.status !== 'completed' || log.stored !== args.points) throw new Error(`logging run ended ${log.status} with ${log.stored} points stored`)
  if (args.json) {
    console.log(JSON.stringify(out))
    return
  }
  console.log(`listing ${out.runs_listed} runs with summaries: ${out.list_1000_ms} ms (median of 30)`)
  console.log(`  sorted by accuracy ${out.list_sorted_by_accuracy_ms} ms, search ${out.list_search_ms} ms, filtered ${out.list_filtered_ms} ms, a page of 50 ${out.list_page_of_50_ms} ms`)
  console.log(`logging ${out.metric_points} metric points (+ as many progress messages): ${out.logging_total_ms} ms wall, ${out.logging_cpu_ms} ms CPU, ${out.logging_us_per_point} µs per point`)
  console.log(`  ${out.live_events_sent} live events sent (throttled); all ${out.metric_points_stored} points stored`)
  console.log(`  logging stays under 1% of training while a training step takes more than ${out.one_percent_break_even_step_ms} ms`)
  if (out.logging_percent_of_training !== null) console.log(`  with ${args.stepMs} ms steps: ${out.logging_percent_of_training}% of training time`)
}

void main()
