// All SQL for runs and what hangs off them: metric history, stored predictions and sweeps
// (export records live in exports-repo.ts). Services speak in domain objects; rows and JSON columns stay in here.
import type { RunConfig } from '../../shared/config'
import type { MetricPoint, Run, RunMetrics, RunStatus } from '../../shared/domain'
import type { Db } from './db'

/** Filters and order for listing runs (the validated `runs.list` input). */
export interface RunFilter {
  search?: string
  status?: string[]
  datasetId?: string
  starred?: boolean
  tag?: string
  sweepId?: string
  sort?: 'createdAt' | 'name' | 'accuracy' | 'macroF1' | 'status'
  order?: 'asc' | 'desc'
  limit?: number
  offset?: number
}

/** What a new run row needs. */
export interface NewRun {
  id: string
  name: string
  status: RunStatus
  createdAt: string
  datasetId: string | null
  datasetVersionId: string | null
  config: RunConfig
  parentRunId: string | null
  parentKind: Run['parentKind']
  sweepId: string | null
  runDir: string
  notes?: string
  tags?: string[]
  ownerPid?: number | null
  ownerId?: string | null
}

/** Bookkeeping the service needs beyond the public Run shape. */
export interface RunRecord {
  run: Run
  runDir: string
  ownerPid: number | null
  ownerId: string | null
  heartbeatAt: number | null
  checkpointStep: number | null
  checkpointEpoch: number | null
  tokensPerSec: number | null
  control: 'cancel' | 'pause' | null
}

/** One stored validation prediction, keyed by the dataset row index. */
export interface StoredPrediction {
  index: number
  text: string
  label: string
  predicted: string
  probabilities: Record<string, number>
}

/** A stored sweep. */
export interface SweepRow {
  id: string
  name: string
  createdAt: string
  spec: unknown
  metric: string
}

/** Throughput measured by an earlier run, for duration estimates. */
export interface ThroughputSample {
  config: RunConfig
  tokensPerSec: number
}

interface RunRow {
  id: string
  name: string
  status: RunStatus
  created_at: string
  started_at: string | null
  finished_at: string | null
  dataset_id: string | null
  dataset_version_id: string | null
  config_json: string
  backend: string | null
  backend_detail: string | null
  parent_run_id: string | null
  parent_kind: Run['parentKind']
  sweep_id: string | null
  error: string | null
  metrics_json: string | null
  progress_json: string | null
  notes: string
  tags_json: string
  starred: number
  run_dir: string
  owner_pid: number | null
  owner_id: string | null
  heartbeat_at: number | null
  checkpoint_step: number | null
  checkpoint_epoch: number | null
  tokens_per_sec: number | null
  control: 'cancel' | 'pause' | null
}

interface MetricRow {
  split: 'train' | 'validation'
  step: number
  epoch: number
  loss: number
  accuracy: number | null
  macro_f1: number | null
  lr: number | null
  tokens_per_sec: number | null
  time: number
}

const sortColumns: Record<NonNullable<RunFilter['sort']>, string> = {
  createdAt: 'created_at',
  name: 'name COLLATE NOCASE',
  accuracy: 'accuracy',
  macroF1: 'macro_f1',
  status: 'status',
}

function toRun(r: RunRow): Run {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    datasetId: r.dataset_id,
    datasetVersionId: r.dataset_version_id,
    config: JSON.parse(r.config_json) as RunConfig,
    backend: r.backend,
    backendDetail: r.backend_detail ?? null,
    parentRunId: r.parent_run_id,
    parentKind: r.parent_kind,
    sweepId: r.sweep_id,
    error: r.error,
    metrics: r.metrics_json ? (JSON.parse(r.metrics_json) as RunMetrics) : null,
    progress: r.progress_json ? (JSON.parse(r.progress_json) as Run['progress']) : null,
    notes: r.notes,
    tags: JSON.parse(r.tags_json) as string[],
    starred: r.starred === 1,
  }
}

function toRecord(r: RunRow): RunRecord {
  return {
    run: toRun(r),
    runDir: r.run_dir,
    ownerPid: r.owner_pid,
    ownerId: r.owner_id,
    heartbeatAt: r.heartbeat_at,
    checkpointStep: r.checkpoint_step,
    checkpointEpoch: r.checkpoint_epoch,
    tokensPerSec: r.tokens_per_sec,
    control: r.control,
  }
}

/** Repository over the runs tables; create one per open database. */
export function createRunsRepo(db: Db) {
  const st = {
    insert: db.prepare(`
      INSERT INTO runs (id, name, status, created_at, dataset_id, dataset_version_id, config_json,
        parent_run_id, parent_kind, sweep_id, notes, tags_json, run_dir, owner_pid, owner_id, heartbeat_at, queue_pos)
      VALUES (@id, @name, @status, @createdAt, @datasetId, @datasetVersionId, @configJson,
        @parentRunId, @parentKind, @sweepId, @notes, @tagsJson, @runDir, @ownerPid, @ownerId, @heartbeatAt,
        CASE WHEN @status = 'queued' THEN (SELECT COALESCE(MAX(queue_pos), 0) + 1 FROM runs) END)`),
    get: db.prepare(`SELECT * FROM runs WHERE id = ?`),
    count: db.prepare(`SELECT COUNT(*) AS n FROM runs`),
    del: db.prepare(`DELETE FROM runs WHERE id = ?`),
    metricUpsert: db.prepare(`
      INSERT OR REPLACE INTO run_metrics (run_id, split, step, epoch, loss, accuracy, macro_f1, lr, tokens_per_sec, time)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    metrics: db.prepare(`
      SELECT split, step, epoch, loss, accuracy, macro_f1, lr, tokens_per_sec, time FROM run_metrics
      WHERE run_id = ? ORDER BY step, split`),
    metricsAfter: db.prepare(`DELETE FROM run_metrics WHERE run_id = ? AND step > ?`),
    metricsAll: db.prepare(`DELETE FROM run_metrics WHERE run_id = ?`),
    predDel: db.prepare(`DELETE FROM run_predictions WHERE run_id = ?`),
    predIns: db.prepare(`INSERT INTO run_predictions (run_id, idx, label, predicted, probs_json, text) VALUES (?, ?, ?, ?, ?, ?)`),
    preds: db.prepare(`SELECT idx, label, predicted, probs_json, text FROM run_predictions WHERE run_id = ? ORDER BY idx`),
    heartbeat: db.prepare(`UPDATE runs SET heartbeat_at = ? WHERE owner_id = ? AND status IN ('queued', 'running')`),
    nextQueued: db.prepare(`SELECT id FROM runs WHERE status = 'queued' AND owner_id = ? ORDER BY queue_pos, created_at LIMIT ?`),
    sweepIns: db.prepare(`INSERT INTO sweeps (id, name, created_at, spec_json, metric) VALUES (?, ?, ?, ?, ?)`),
    sweepGet: db.prepare(`SELECT * FROM sweeps WHERE id = ?`),
    throughput: db.prepare(`
      SELECT config_json, tokens_per_sec FROM runs WHERE tokens_per_sec > 0 AND status = 'completed'
      ORDER BY finished_at DESC LIMIT ?`),
  }

  const getRow = (id: string) => st.get.get(id) as RunRow | undefined

  /** Set any of the listed columns on one run. Column names come from this file only. */
  function setColumns(id: string, cols: Record<string, unknown>): void {
    const keys = Object.keys(cols)
    if (!keys.length) return
    db.prepare(`UPDATE runs SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...cols, id })
  }

  const insertMetricRows = db.transaction((rows: { runId: string; point: MetricPoint }[]) => {
    for (const { runId, point: p } of rows) {
      st.metricUpsert.run(
        runId,
        p.split,
        p.step,
        p.epoch,
        p.loss,
        p.accuracy ?? null,
        p.macroF1 ?? null,
        p.lr ?? null,
        p.tokensPerSec ?? null,
        p.time,
      )
    }
  })

  return {
    /** Insert a new run row; queued runs go to the end of the queue. */
    insert(r: NewRun): Run {
      st.insert.run({
        id: r.id,
        name: r.name,
        status: r.status,
        createdAt: r.createdAt,
        datasetId: r.datasetId,
        datasetVersionId: r.datasetVersionId,
        configJson: JSON.stringify(r.config),
        parentRunId: r.parentRunId,
        parentKind: r.parentKind,
        sweepId: r.sweepId,
        notes: r.notes ?? '',
        tagsJson: JSON.stringify(r.tags ?? []),
        runDir: r.runDir,
        ownerPid: r.ownerPid ?? null,
        ownerId: r.ownerId ?? null,
        heartbeatAt: r.ownerId ? Date.now() : null,
      })
      return toRun(getRow(r.id)!)
    },

    /** One run, or null. */
    /** How many runs exist (default run names count up from it). */
    count(): number {
      return (st.count.get() as { n: number }).n
    },

    get(id: string): Run | null {
      const r = getRow(id)
      return r ? toRun(r) : null
    },

    /** One run with its bookkeeping, or null. */
    record(id: string): RunRecord | null {
      const r = getRow(id)
      return r ? toRecord(r) : null
    },

    /** Runs matching a filter, in the requested order (newest first by default). */
    list(f: RunFilter = {}): Run[] {
      const where: string[] = []
      const params: Record<string, unknown> = {}
      if (f.search?.trim()) {
        where.push(`(name LIKE @q ESCAPE '\\' OR notes LIKE @q ESCAPE '\\' OR tags_json LIKE @q ESCAPE '\\' OR id LIKE @q ESCAPE '\\')`)
        params.q = `%${f.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      }
      if (f.status?.length) {
        where.push(`status IN (${f.status.map((_, i) => `@s${i}`).join(', ')})`)
        f.status.forEach((s, i) => (params[`s${i}`] = s))
      }
      if (f.datasetId) {
        where.push('dataset_id = @datasetId')
        params.datasetId = f.datasetId
      }
      if (f.starred !== undefined) {
        where.push('starred = @starred')
        params.starred = f.starred ? 1 : 0
      }
      if (f.tag) {
        where.push('EXISTS (SELECT 1 FROM json_each(runs.tags_json) WHERE value = @tag)')
        params.tag = f.tag
      }
      if (f.sweepId) {
        where.push('sweep_id = @sweepId')
        params.sweepId = f.sweepId
      }
      const col = sortColumns[f.sort ?? 'createdAt']
      const dir = (f.order ?? (f.sort && f.sort !== 'createdAt' && f.sort !== 'accuracy' && f.sort !== 'macroF1' ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC'
      const bare = col.split(' ')[0]
      const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${bare} IS NULL, ${col} ${dir}, id ${dir} LIMIT @limit OFFSET @offset`
      params.limit = f.limit ?? -1
      params.offset = f.offset ?? 0
      return (db.prepare(sql).all(params) as RunRow[]).map(toRun)
    },

    /** Change status, error and timings in one statement. */
    setStatus(
      id: string,
      status: RunStatus,
      extra: { error?: string | null; startedAt?: string; finishedAt?: string | null; requeue?: boolean } = {},
    ): void {
      const cols: Record<string, unknown> = { status }
      if (extra.error !== undefined) cols.error = extra.error
      if (extra.startedAt !== undefined) cols.started_at = extra.startedAt
      if (extra.finishedAt !== undefined) cols.finished_at = extra.finishedAt
      if (status !== 'running') cols.control = null
      setColumns(id, cols)
      if (extra.requeue) {
        db.prepare(`UPDATE runs SET queue_pos = (SELECT COALESCE(MAX(queue_pos), 0) + 1 FROM runs) WHERE id = ?`).run(id)
      }
    },

    /** User-editable fields. */
    updateMeta(id: string, m: { name?: string; notes?: string; tags?: string[]; starred?: boolean }): void {
      const cols: Record<string, unknown> = {}
      if (m.name !== undefined) cols.name = m.name
      if (m.notes !== undefined) cols.notes = m.notes
      if (m.tags !== undefined) cols.tags_json = JSON.stringify([...new Set(m.tags)])
      if (m.starred !== undefined) cols.starred = m.starred ? 1 : 0
      setColumns(id, cols)
    },

    /** Which process owns a run (null clears it). */
    setOwner(id: string, owner: { pid: number; id: string } | null): void {
      setColumns(id, { owner_pid: owner?.pid ?? null, owner_id: owner?.id ?? null, heartbeat_at: owner ? Date.now() : null })
    },

    /** Mark every queued/running run of an owner as alive now. */
    heartbeat(ownerId: string): void {
      st.heartbeat.run(Date.now(), ownerId)
    },

    /** The next queued runs of an owner, oldest in the queue first. */
    nextQueued(ownerId: string, limit: number): string[] {
      return (st.nextQueued.all(ownerId, limit) as { id: string }[]).map((r) => r.id)
    },

    /** Runs in any of these states (for recovery). */
    withStatus(statuses: RunStatus[]): RunRecord[] {
      const rows = db
        .prepare(`SELECT * FROM runs WHERE status IN (${statuses.map(() => '?').join(', ')})`)
        .all(...statuses) as RunRow[]
      return rows.map(toRecord)
    },

    /** The backend a run's trainer announced: its short name and its description (with the adapter). */
    setBackend(id: string, backend: string, detail: string | null = null): void {
      setColumns(id, { backend, backend_detail: detail })
    },

    setProgress(id: string, progress: Run['progress']): void {
      setColumns(id, { progress_json: progress ? JSON.stringify(progress) : null })
    },

    setCheckpoint(id: string, step: number | null, epoch: number | null): void {
      setColumns(id, { checkpoint_step: step, checkpoint_epoch: epoch })
    },

    /** Final metrics (also kept as sortable columns) and measured throughput. */
    setResult(id: string, metrics: RunMetrics | null, tokensPerSec: number | null): void {
      setColumns(id, {
        metrics_json: metrics ? JSON.stringify(metrics) : null,
        accuracy: metrics?.accuracy ?? null,
        macro_f1: metrics?.macroF1 ?? null,
        tokens_per_sec: tokensPerSec,
      })
    },

    /** Ask the process that owns a run to cancel or pause it. */
    setControl(id: string, control: 'cancel' | 'pause' | null): void {
      setColumns(id, { control })
    },

    /** Pending control requests for the running runs of an owner. */
    controlRequests(ownerId: string): { id: string; control: 'cancel' | 'pause' }[] {
      return db
        .prepare(`SELECT id, control FROM runs WHERE owner_id = ? AND control IS NOT NULL AND status IN ('running', 'queued')`)
        .all(ownerId) as { id: string; control: 'cancel' | 'pause' }[]
    },

    /** Delete a run row; metrics, predictions and exports go with it. */
    delete(id: string): boolean {
      return st.del.run(id).changes > 0
    },

    /** Append (or overwrite, by step) metric points of any number of runs in one transaction. */
    addMetrics(rows: { runId: string; point: MetricPoint }[]): void {
      if (rows.length) insertMetricRows(rows)
    },

    /** A run's history, ordered by step. */
    metrics(runId: string): MetricPoint[] {
      return (st.metrics.all(runId) as MetricRow[]).map((r) => {
        const p: MetricPoint = { step: r.step, epoch: r.epoch, split: r.split, loss: r.loss, time: r.time }
        if (r.accuracy !== null) p.accuracy = r.accuracy
        if (r.macro_f1 !== null) p.macroF1 = r.macro_f1
        if (r.lr !== null) p.lr = r.lr
        if (r.tokens_per_sec !== null) p.tokensPerSec = r.tokens_per_sec
        return p
      })
    },

    /** Forget history past a step (resuming from a checkpoint at that step); null forgets all. */
    truncateMetrics(runId: string, afterStep: number | null): void {
      if (afterStep === null) st.metricsAll.run(runId)
      else st.metricsAfter.run(runId, afterStep)
    },

    /** Replace a run's stored predictions in one transaction. */
    setPredictions: db.transaction((runId: string, preds: StoredPrediction[]) => {
      st.predDel.run(runId)
      for (const p of preds) st.predIns.run(runId, p.index, p.label, p.predicted, JSON.stringify(p.probabilities), p.text)
    }) as (runId: string, preds: StoredPrediction[]) => void,

    predictions(runId: string): StoredPrediction[] {
      return (
        st.preds.all(runId) as { idx: number; label: string; predicted: string; probs_json: string; text: string }[]
      ).map((r) => ({
        index: r.idx,
        text: r.text,
        label: r.label,
        predicted: r.predicted,
        probabilities: JSON.parse(r.probs_json) as Record<string, number>,
      }))
    },

    insertSweep(s: SweepRow): void {
      st.sweepIns.run(s.id, s.name, s.createdAt, JSON.stringify(s.spec), s.metric)
    },

    getSweep(id: string): SweepRow | null {
      const r = st.sweepGet.get(id) as { id: string; name: string; created_at: string; spec_json: string; metric: string } | undefined
      return r ? { id: r.id, name: r.name, createdAt: r.created_at, spec: JSON.parse(r.spec_json), metric: r.metric } : null
    },


    /** Throughput of the most recent completed runs on this machine. */
    throughput(limit = 10): ThroughputSample[] {
      return (st.throughput.all(limit) as { config_json: string; tokens_per_sec: number }[]).map((r) => ({
        config: JSON.parse(r.config_json) as RunConfig,
        tokensPerSec: r.tokens_per_sec,
      }))
    },

    /** Run any function in one transaction. */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)()
    },
  }
}

/** The runs repository. */
export type RunsRepo = ReturnType<typeof createRunsRepo>
