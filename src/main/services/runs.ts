// The runs service: turns training into a durable history. It validates and queues runs, runs
// each in a trainer process, records metrics, checkpoints and results, pauses/resumes/cancels,
// detects runs a dead process left behind, and serves sweeps, comparisons and predictions.
import { createFinetuneStarts, type FinetuneStartPoint } from './finetune-start'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { UserError, type RunPlan, type WorkbenchHandlers } from '../../shared/api'
import { ConfigError, resolveConfig, type PresetName, type RunConfig } from '../../shared/config'
import { type BackendInfo, type Run, type RunEvent, type RunMetrics, type RunStatus } from '../../shared/domain'
import type { JobData, TrainerJob, TrainerMessage } from '../../shared/trainer-protocol'
import type { Db } from '../store/db'
import { newId } from '../store/ids'
import { writeFileAtomic } from '../engine/tensor-file'
import { createRunsRepo, type RunRecord, type StoredPrediction } from '../store/runs-repo'
import { configDiff, predictionDiff, thinSeries } from './compare'
import { EventThrottle, MetricWriter } from './run-live'
import { createRunCalibrations, type Calibration } from './run-calibrations'
import { createOwner, ownerAlive } from './run-ownership'
import { createRunPredictions } from './run-predictions'
import { createRunFolder, runDirOf as runDirOfHome } from './run-folder'
import { joinPredictions, loadRunData, readJobData } from './run-job-data'
import { planRun, refuseAbsurd } from './run-planning'
import { modelInfo } from '../../shared/models'
import { allLabelledRows, evaluateJobData, reportedRows, runMetrics } from './run-scoring'
import { effectiveVocab } from './run-plan'
import { createPresetSizer } from './preset-sizer'
import { bestRun, checkSpaceKeys, describePoint, dottedToNested, expandSpace } from './sweeps'
import { AbortedError, runJob, TrainerCrashError, type JobResult, type SpawnTrainer, type TrainerHandle } from './trainer-host'

/** What the runs service needs from the rest of the app. */
export interface RunServiceDeps {
  db: Db
  home: string // run folders live in `${home}/runs/<runId>/`
  spawn: SpawnTrainer
  datasets: {
    resolveVersion(datasetId: string): { datasetId: string; versionId: string }
    loadSplitRows(versionId: string): JobData
  }
  emit: (e: RunEvent) => void
  /** Report the backend a trainer announced ('ready' message). */
  onBackend?: (b: BackendInfo) => void
  /** Runs training at once, default 1. */
  concurrency?: number
  /** Told of every run that completes (a pretraining run becomes a base). */
  onCompleted?: (run: Run) => void
}

/** The `runs` API plus what the entry points need for lifecycle. */
export type RunService = WorkbenchHandlers['runs'] & {
  /** Resolves when the run is completed, failed, cancelled, interrupted or paused. */
  waitFor(runId: string): Promise<Run>
  /** At startup: runs a dead process left running or queued become 'interrupted'. Returns how many. */
  recoverInterrupted(): number
  /** Stop scheduling and pause running jobs so they can resume later. */
  close(): Promise<void>
  /** Create a run group (stored like a sweep) for runs started together, e.g. by an Auto search. */
  createGroup(p: { name: string; spec: unknown; metric: string }): string
  /** Start a run inside a group made by createGroup. */
  startInGroup(input: StartInput, groupId: string): Run
  /** The folder of a run (model/, checkpoints/, data.json), for exports. */
  runDir(runId: string): string
}

/** States after which nothing more happens to a run unless the user acts. */
const settledStatuses: RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted', 'paused']
const heartbeatMs = 2_000
const flushMs = 250
/** How long cancel/pause wait for the trainer before answering with the run as it is. */
const answerWithinMs = 5_000

interface ActiveJob {
  controller: AbortController
  requested: 'cancel' | 'pause' | null
  checkpointed: boolean
  done: Promise<void>
  handle: TrainerHandle | null
  tpsSum: number
  tpsN: number
  /** False until the session's first step has cleared history at and after it. */
  historyCleared: boolean
}

type StartInput = Parameters<WorkbenchHandlers['runs']['start']>[0]

/** Build the runs service over an open database. */
export function createRunService(deps: RunServiceDeps): RunService {
  const { db, home, spawn, datasets, emit } = deps
  const repo = createRunsRepo(db)
  const starts = createFinetuneStarts({ db, home, runRecord: (id) => repo.record(id) })
  const concurrency = Math.max(1, deps.concurrency ?? 1)
  const sizer = createPresetSizer(datasets)
  const owner = createOwner()
  const active = new Map<string, ActiveJob>()
  const waiters = new Map<string, Set<(r: Run) => void>>()
  const writer = new MetricWriter(repo)
  const throttle = new EventThrottle(emit)
  let closed = false
  const calibrations = createRunCalibrations(spawn, (b) => deps.onBackend?.(b))
  const noteBackend = calibrations.noteBackend

  const flushTimer = setInterval(() => safely(() => writer.flush()), flushMs)
  flushTimer.unref()
  const beatTimer = setInterval(() => safely(beat), heartbeatMs)
  beatTimer.unref()

  function safely(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      // A failed background write must not take the process down; the next tick retries.
      console.error('runs:', (err as Error).message)
    }
  }

  /** Heartbeat for our runs, and act on cancel/pause requests other processes left for us. */
  function beat(): void {
    if (closed) return
    repo.heartbeat(owner.id)
    for (const req of repo.controlRequests(owner.id)) {
      repo.setControl(req.id, null)
      void Promise.resolve()
        .then(() => (req.control === 'cancel' ? service.cancel({ id: req.id }) : service.pause({ id: req.id })))
        .catch(() => {})
    }
  }

  const runDirOf = (id: string) => runDirOfHome(home, id)

  /** Refuses attention requests for a run whose architecture has no attention maps (the bag baseline). */
  function requireAttentionMaps(rec: RunRecord): void {
    const info = modelInfo(rec.run.config.model.arch)
    if (!info.capabilities.attentionMaps) throw new UserError(`The run "${rec.run.name}" is a ${info.name.toLowerCase()} model; it has no attention to show.`)
  }

  function mustGet(id: string): RunRecord {
    const rec = repo.record(id)
    if (!rec) throw new UserError(`There is no run with id "${id}".`, 'not_found')
    return rec
  }

  function setStatus(id: string, status: RunStatus, extra: Parameters<typeof repo.setStatus>[2] = {}): void {
    repo.setStatus(id, status, extra)
    if (status !== 'running' && status !== 'queued') repo.setOwner(id, null)
    emit({ type: 'status', runId: id, status, error: extra.error ?? null })
    if (settledStatuses.includes(status)) notify(id)
  }

  function notify(id: string): void {
    const ws = waiters.get(id)
    if (!ws) return
    const run = repo.get(id)
    if (!run) return
    waiters.delete(id)
    for (const w of ws) w(run)
  }

  function resolve(preset: PresetName | undefined, ...overrides: unknown[]): RunConfig {
    try {
      return resolveConfig(preset ?? null, ...overrides)
    } catch (err) {
      if (err instanceof ConfigError) throw new UserError(`This configuration cannot be used: ${err.message}`)
      throw err
    }
  }

  /** The plan of a config on this data, with this session's calibration of it when there is one. */
  function planFor(config: RunConfig, data: JobData, measured?: Calibration): RunPlan {
    const known = measured ?? calibrations.known(config, effectiveVocab(data, config), data.labels.length)
    return planRun(config, data, known, () => repo.throughput())
  }

  /** Where a fine-tune starts (an earlier run or a base), checked to exist; null from scratch. */
  function finetuneParent(config: RunConfig): FinetuneStartPoint | null {
    return starts.resolve(config)
  }

  /**
   * Resolve a run's config. A fine-tune keeps the base model's shape and tokenizer (the engine
   * cannot change them), so the run records what actually trains, not the preset's defaults.
   */
  function resolveRun(preset: PresetName | undefined, overrides: unknown, datasetId?: string): RunConfig {
    const sizing = datasetId ? sizer(preset, datasetId, overrides) : null
    return withBase(resolve(preset, sizing?.config, overrides))
  }

  /** For a fine-tune: the config with the base model's shape and tokenizer. */
  function withBase(config: RunConfig): RunConfig {
    const start = finetuneParent(config)
    if (!start) return config
    return {
      ...config,
      model: { ...start.model, dropout: config.model.dropout, attnDropout: config.model.attnDropout, pooling: config.model.pooling },
      tokenizer: start.tokenizer ?? config.tokenizer,
    }
  }

  function defaultName(preset: PresetName | undefined, config: RunConfig): string {
    const n = (db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n + 1
    const kind = config.finetune.fromRunId || config.finetune.baseId ? 'Fine-tune' : config.task === 'pretrain' ? 'Pretrain' : preset ? preset[0].toUpperCase() + preset.slice(1) : 'Custom'
    return `${kind} run ${n}`
  }

  // ---- scheduling -----------------------------------------------------------------------------

  function pump(): void {
    if (closed) return
    const free = concurrency - active.size
    if (free <= 0) return
    for (const id of repo.nextQueued(owner.id, free)) {
      try {
        launch(id)
      } catch (err) {
        setStatus(id, 'failed', { error: `The run could not start: ${(err as Error).message}`, finishedAt: new Date().toISOString() })
      }
    }
  }

  function launch(id: string): void {
    const rec = mustGet(id)
    const run = rec.run
    const dataPath = join(rec.runDir, 'data.json')
    if (!existsSync(dataPath)) throw new Error('its data file is missing from the run folder')
    // Resuming continues from the trainer's last checkpoint and replays the steps after it. That
    // checkpoint can be newer than the one recorded here (the app died between the trainer writing
    // it and reporting it), so old rows are dropped from the first step the new session reports.
    const resume = rec.checkpointStep !== null
    if (!resume) repo.truncateMetrics(id, null)
    const from = run.config.finetune.fromRunId
    const initFrom = run.config.finetune.baseId && !from ? (starts.resolve(run.config)?.modelDir ?? null) : from ? join(repo.record(from)?.runDir ?? runDirOf(from), 'model') : null
    const job: TrainerJob = { kind: 'train', runId: id, runDir: rec.runDir, config: run.config, dataPath, resume, initFrom }
    repo.setOwner(id, owner)
    setStatus(id, 'running', { startedAt: run.startedAt ?? new Date().toISOString(), finishedAt: null, error: null })
    const a: ActiveJob = {
      controller: new AbortController(),
      requested: null,
      checkpointed: resume,
      done: Promise.resolve(),
      handle: null,
      tpsSum: 0,
      tpsN: 0,
      historyCleared: !resume,
    }
    active.set(id, a)
    a.done = runJob(spawn, job, {
      signal: a.controller.signal,
      onSpawn: (h) => (a.handle = h),
      onMessage: (m) => safely(() => onTrainerMessage(id, a, m)),
    })
      .then(
        (res) => finishOk(id, a, res),
        (err) => finishErr(id, a, err as Error),
      )
      .catch((err) => {
        setStatus(id, 'failed', { error: `Recording the result failed: ${(err as Error).message}`, finishedAt: new Date().toISOString() })
      })
      .finally(() => {
        active.delete(id)
        pump()
      })
  }

  function onTrainerMessage(id: string, a: ActiveJob, m: TrainerMessage): void {
    if (!a.historyCleared && (m.type === 'progress' || m.type === 'metric')) {
      const step = m.type === 'progress' ? m.step : m.point.step
      writer.flush()
      repo.truncateMetrics(id, step - 1)
      a.historyCleared = true
    }
    switch (m.type) {
      case 'ready':
        repo.setBackend(id, m.backend.name)
        noteBackend(m.backend)
        break
      case 'progress': {
        if (m.tokensPerSec > 0) {
          a.tpsSum += m.tokensPerSec
          a.tpsN++
        }
        writer.setProgress(id, { epoch: m.epoch, step: m.step, totalSteps: m.totalSteps, etaSec: m.etaSec })
        throttle.progress({ ...m, runId: id })
        break
      }
      case 'metric':
        writer.add(id, m.point)
        throttle.metric(id, m.point)
        break
      case 'checkpoint':
        // Everything up to the checkpoint must be durable before the checkpoint is recorded.
        writer.flush()
        repo.setCheckpoint(id, m.step, m.epoch)
        a.checkpointed = true
        break
      case 'log':
        emit({ type: 'log', runId: id, level: m.level, message: m.message })
        break
    }
  }

  function settleLive(id: string): void {
    writer.flush()
    throttle.flush(id)
  }

  async function finishOk(id: string, a: ActiveJob, res: JobResult): Promise<void> {
    settleLive(id)
    const now = () => new Date().toISOString()
    if (res.kind !== 'train') {
      setStatus(id, 'failed', { error: 'The trainer returned an unexpected result.', finishedAt: now() })
      return
    }
    if (res.paused || a.requested === 'pause') {
      setStatus(id, 'paused')
      return
    }
    const rec = mustGet(id)
    let scored: { metrics: RunMetrics; split: 'test' | 'validation' } | null = null
    if (rec.run.config.task === 'classify') {
      try {
        const evaluated = await scoreReported(rec)
        if (evaluated) {
          repo.setPredictions(id, evaluated.predictions)
          scored = evaluated
        }
      } catch (err) {
        emit({ type: 'log', runId: id, level: 'warn', message: `The test rows could not be scored: ${(err as Error).message}` })
      }
    }
    let metrics = rec.run.config.task === 'classify' ? runMetrics(res, rec.run.config, scored) : res.metrics
    if (metrics && res.baseline) metrics = { ...metrics, baseline: res.baseline }
    repo.setResult(id, metrics, a.tpsN ? a.tpsSum / a.tpsN : null)
    const p = rec.run.progress
    // Progress ends where training ended: an early stop stays at its step and epoch.
    if (p) {
      const kept = metrics?.kept
      const step = res.stoppedEarly ? p.step : p.totalSteps || p.step
      repo.setProgress(id, { ...p, step, epoch: kept?.epochsRun ?? p.epoch, etaSec: 0 })
    }
    setStatus(id, 'completed', { finishedAt: now(), error: null })
    try {
      deps.onCompleted?.(mustGet(id).run)
    } catch (err) {
      emit({ type: 'log', runId: id, level: 'warn', message: `The finished run could not be recorded as a base: ${(err as Error).message}` })
    }
  }

  function finishErr(id: string, a: ActiveJob, err: Error): void {
    settleLive(id)
    const now = new Date().toISOString()
    if (a.requested === 'pause') setStatus(id, 'paused')
    else if (err instanceof AbortedError || a.requested === 'cancel') setStatus(id, 'cancelled', { finishedAt: now })
    else if (err instanceof TrainerCrashError && err.resumable) {
      setStatus(id, 'interrupted', {
        error: `${err.message} ${a.checkpointed ? 'Resume to continue from the last checkpoint.' : 'Resume to start it again.'}`,
      })
    } else setStatus(id, 'failed', { error: err.message || String(err), finishedAt: now })
  }

  /** Score the finished model on the rows its reported score comes from (test, else validation). */
  async function scoreReported(
    rec: RunRecord,
  ): Promise<{ metrics: RunMetrics; predictions: StoredPrediction[]; split: 'test' | 'validation' } | null> {
    if (!existsSync(join(rec.runDir, 'model'))) return null
    const data = readJobData(join(rec.runDir, 'data.json'))
    const { split, rows } = reportedRows(data)
    if (!rows.texts.length) return null
    const path = join(rec.runDir, 'scoring.json')
    writeFileAtomic(path, JSON.stringify(evaluateJobData(data.labels, rows)))
    try {
      const res = await runJob(spawn, { kind: 'evaluate', modelDir: join(rec.runDir, 'model'), dataPath: path })
      if (res.kind !== 'evaluate') return null
      return { metrics: res.metrics, predictions: joinPredictions(data, rows, res.predictions), split }
    } finally {
      rmSync(path, { force: true })
    }
  }

  /** Create a queued run (row + folder + data file) without scheduling it. */
  function createRun(p: {
    name: string
    config: RunConfig
    datasetId: string
    versionId: string
    dataFile: { data?: JobData; linkFrom?: string }
    sweepId?: string | null
  }): Run {
    const id = newId('run')
    const dir = createRunFolder(home, id, p.dataFile)
    const from = p.config.finetune.fromRunId
    const start = from || p.config.finetune.baseId ? starts.resolve(p.config) : null
    const run = repo.insert({
      id,
      name: p.name,
      status: 'queued',
      createdAt: new Date().toISOString(),
      datasetId: p.datasetId,
      datasetVersionId: p.versionId,
      config: p.config,
      parentRunId: from,
      parentKind: from ? 'finetune' : null,
      sweepId: p.sweepId ?? null,
      runDir: dir,
      ownerPid: owner.pid,
      ownerId: owner.id,
    })
    starts.recordLineage(id, start?.baseId ?? null)
    return run
  }

  const predictions = createRunPredictions(spawn, noteBackend)

  /**
   * Ask a running job to cancel or pause. Waits until it has stopped, or at most `waitMs`: a trainer
   * busy in a long step answers later, and the caller gets the run as it is then (a status event
   * follows). The trainer host kills a trainer that ignores the request for too long.
   */
  async function stopActive(id: string, a: ActiveJob, how: 'cancel' | 'pause', waitMs = Infinity): Promise<Run> {
    a.requested = how
    a.controller.abort(how)
    if (waitMs === Infinity) await a.done
    else {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([a.done, new Promise<void>((res) => (timer = setTimeout(res, waitMs)))])
      clearTimeout(timer)
    }
    return repo.get(id)!
  }

  /** Validate, create and queue a run (in a run group such as an Auto search when sweepId is set). */
  function startRun(input: StartInput, sweepId: string | null): Run {
    if (closed) throw new UserError('The app is shutting down; start the run again after it restarts.', 'conflict')
    const config = resolveRun(input.preset, input.config, input.datasetId)
    const { versionId, data } = loadRunData(datasets, input.datasetId, config)
    refuseAbsurd(planFor(config, data))
    if (input.queue === false && active.size >= concurrency) {
      throw new UserError('Another run is training. Add this one to the queue, or wait until it finishes.', 'conflict')
    }
    const run = createRun({
      name: input.name?.trim() || defaultName(input.preset, config),
      config,
      datasetId: input.datasetId,
      versionId,
      dataFile: { data },
      sweepId,
    })
    emit({ type: 'status', runId: run.id, status: 'queued', error: null })
    pump()
    return repo.get(run.id)!
  }

  // ---- the API ----------------------------------------------------------------------------------

  const service: RunService = {
    list: (q) => repo.list(q ?? {}),

    get: ({ id }) => mustGet(id).run,

    plan: (input) => {
      const config = resolveRun(input.preset, input.config, input.datasetId)
      const { data } = loadRunData(datasets, input.datasetId, config)
      const sizing = sizer(input.preset, input.datasetId, input.config)
      return { ...planFor(config, data), ...(sizing ? { sizing } : {}) }
    },

    calibrate: async (input) => {
      const config = resolveRun(input.preset, input.config, input.datasetId)
      const { data } = loadRunData(datasets, input.datasetId, config)
      const plan = planFor(config, data)
      // Refuse what could never train before spending a trainer process on it.
      refuseAbsurd(plan)
      const calibration = await calibrations.measure(config, effectiveVocab(data, config), data.labels.length)
      return planFor(config, data, calibration)
    },

    start: (input: StartInput) => startRun(input, null),

    createGroup: (p) => {
      const id = newId('sweep')
      repo.insertSweep({ id, name: p.name, createdAt: new Date().toISOString(), spec: p.spec, metric: p.metric })
      return id
    },

    startInGroup: (input, groupId) => startRun(input, groupId),


    cancel: async ({ id }) => {
      const rec = mustGet(id)
      const a = active.get(id)
      if (a) return stopActive(id, a, 'cancel', answerWithinMs)
      const s = rec.run.status
      if (s === 'running' || s === 'queued') {
        if (ownerAlive(rec) && rec.ownerId !== owner.id) {
          // Another process trains it: leave a request its heartbeat picks up.
          repo.setControl(id, 'cancel')
          return repo.get(id)!
        }
      }
      if (s === 'completed' || s === 'failed' || s === 'cancelled') {
        throw new UserError(`This run has already ended (${s}).`, 'conflict')
      }
      setStatus(id, 'cancelled', { finishedAt: new Date().toISOString() })
      return repo.get(id)!
    },

    pause: async ({ id }) => {
      const rec = mustGet(id)
      const a = active.get(id)
      if (a) return stopActive(id, a, 'pause', answerWithinMs)
      const s = rec.run.status
      if ((s === 'running' || s === 'queued') && ownerAlive(rec) && rec.ownerId !== owner.id) {
        repo.setControl(id, 'pause')
        return repo.get(id)!
      }
      if (s === 'queued') {
        setStatus(id, 'paused')
        return repo.get(id)!
      }
      if (s === 'paused') return rec.run
      throw new UserError(`Only a queued or training run can be paused; this one is ${s}.`, 'conflict')
    },

    resume: ({ id }) => {
      if (closed) throw new UserError('The app is shutting down; resume the run after it restarts.', 'conflict')
      const rec = mustGet(id)
      const s = rec.run.status
      if ((s === 'running' || s === 'queued') && ownerAlive(rec)) {
        if (s === 'queued' && rec.ownerId === owner.id) return rec.run
        throw new UserError('This run is already training.', 'conflict')
      }
      if (!['paused', 'interrupted', 'running', 'queued'].includes(s)) {
        throw new UserError(`Only a paused or interrupted run can be resumed; this one is ${s}.`, 'conflict')
      }
      if (!existsSync(join(rec.runDir, 'data.json'))) {
        throw new UserError("This run's data file is missing from its folder, so it cannot resume. Start a new run instead.")
      }
      repo.setOwner(id, owner)
      setStatus(id, 'queued', { error: null, finishedAt: null, requeue: true })
      pump()
      return repo.get(id)!
    },

    update: ({ id, ...meta }) => {
      mustGet(id)
      if (meta.name !== undefined && !meta.name.trim()) throw new UserError('A run needs a name.')
      repo.updateMeta(id, { ...meta, name: meta.name?.trim(), tags: meta.tags?.map((t) => t.trim()).filter(Boolean) })
      return repo.get(id)!
    },

    delete: async ({ id }) => {
      const rec = repo.record(id)
      if (!rec) return { deleted: false }
      const a = active.get(id)
      if (a) await stopActive(id, a, 'cancel')
      else if ((rec.run.status === 'running' || rec.run.status === 'queued') && ownerAlive(rec)) {
        throw new UserError('This run is training in another window or terminal. Cancel it first.', 'conflict')
      }
      const deleted = repo.delete(id)
      predictions.forget(id)
      rmSync(rec.runDir, { recursive: true, force: true })
      return { deleted }
    },

    metrics: ({ id }) => {
      mustGet(id)
      writer.flush()
      return repo.metrics(id)
    },

    compare: ({ ids }) => {
      if (new Set(ids).size !== ids.length) throw new UserError('Pick different runs to compare.')
      const recs = ids.map(mustGet)
      writer.flush()
      const runs = recs.map((r) => r.run)
      const diffInput = runs.map((r) => ({ ...r.config, dataset: { version: r.datasetVersionId } }))
      const base = runs[0]
      const basePreds = repo.predictions(base.id)
      return {
        runs,
        configDiff: configDiff(diffInput).map((d) => (d.key === 'dataset.version' ? { ...d, label: 'Dataset version' } : d)),
        series: runs.map((r) => ({ runId: r.id, points: thinSeries(repo.metrics(r.id)) })),
        metrics: runs.map((r) => ({ runId: r.id, metrics: r.metrics })),
        predictionDiff: runs.slice(1).flatMap((other) => {
          if (!base.datasetVersionId || other.datasetVersionId !== base.datasetVersionId || !basePreds.length) return []
          const otherPreds = repo.predictions(other.id)
          if (!otherPreds.length) return []
          return [{ baseRunId: base.id, otherRunId: other.id, ...predictionDiff(basePreds, otherPreds) }]
        }),
      }
    },

    sweep: (input) => {
      if (closed) throw new UserError('The app is shutting down; start the sweep after it restarts.', 'conflict')
      const sized = sizer(input.preset, input.datasetId, input.config)?.config
      const base = resolve(input.preset, sized, input.config)
      checkSpaceKeys(input.space, base)
      const points = expandSpace(input.space, input.strategy, input.budget, base.train.seed)
      const configs = points.map((pt) => {
        try {
          return withBase(resolveConfig(input.preset ?? null, sized, input.config, dottedToNested(pt)))
        } catch (err) {
          if (err instanceof ConfigError) throw new UserError(`The sweep point ${describePoint(pt)} is not a valid configuration: ${err.message}`)
          throw err
        }
      })
      finetuneParent(base)
      const { versionId, data } = loadRunData(datasets, input.datasetId, base)
      for (const c of configs) refuseAbsurd(planFor(c, data))
      const sweepId = newId('sweep')
      const name = input.name?.trim() || `Sweep of ${Object.keys(input.space).map((k) => k.split('.').pop()).join(', ')}`
      repo.insertSweep({ id: sweepId, name, createdAt: new Date().toISOString(), spec: input, metric: input.metric })
      const runs: Run[] = []
      let first: string | null = null
      for (const [i, config] of configs.entries()) {
        const run = createRun({
          name: `${name} #${i + 1} (${describePoint(points[i])})`,
          config,
          datasetId: input.datasetId,
          versionId,
          dataFile: first ? { linkFrom: first } : { data },
          sweepId,
        })
        first ??= join(runDirOf(run.id), 'data.json')
        runs.push(run)
        emit({ type: 'status', runId: run.id, status: 'queued', error: null })
      }
      pump()
      return { sweepId, runs: runs.map((r) => repo.get(r.id)!) }
    },

    sweepResult: ({ sweepId }) => {
      const sweep = repo.getSweep(sweepId)
      if (!sweep) throw new UserError(`There is no sweep with id "${sweepId}".`, 'not_found')
      const runs = repo.list({ sweepId, sort: 'createdAt', order: 'asc' })
      return { sweepId, metric: sweep.metric, runs, bestRunId: bestRun(runs, sweep.metric)?.id ?? null }
    },

    evaluate: async ({ id, datasetId }) => {
      const rec = mustGet(id)
      const modelDir = join(rec.runDir, 'model')
      if (!existsSync(modelDir)) throw new UserError(`The run "${rec.run.name}" has no trained model yet (it is ${rec.run.status}).`)
      const runDataPath = join(rec.runDir, 'data.json')
      const own = !datasetId || (datasetId === rec.run.datasetId && !!rec.run.datasetVersionId)
      // On its own dataset the answer is the run's reported score, with the very predictions it came from.
      const stored = own && rec.run.metrics?.split ? repo.predictions(id) : []
      if (own && rec.run.metrics?.split && stored.length === rec.run.metrics.rows) {
        return { runId: id, datasetId: rec.run.datasetId ?? '', metrics: rec.run.metrics, split: rec.run.metrics.split, rows: stored.length, predictions: stored }
      }
      let data: JobData
      let scored: { split: 'test' | 'validation' | 'all'; rows: JobData['validation'] }
      let unknownLabel = 0
      if (own) {
        if (!existsSync(runDataPath)) throw new UserError("This run's data file is missing; evaluate it on a dataset instead.")
        data = readJobData(runDataPath)
        scored = reportedRows(data)
      } else {
        const v = datasets.resolveVersion(datasetId)
        const loaded = datasets.loadSplitRows(v.versionId)
        const modelLabels = existsSync(runDataPath) ? readJobData(runDataPath).labels : (rec.run.metrics?.labels ?? loaded.labels)
        const all = allLabelledRows(loaded, modelLabels)
        unknownLabel = all.unknownLabel
        data = { labels: modelLabels, train: { texts: [], labels: [] }, validation: all.rows }
        scored = { split: 'all', rows: all.rows }
        if (!all.rows.texts.length && unknownLabel) {
          throw new UserError(`None of the ${unknownLabel} labelled rows of that dataset has a label this model knows (${modelLabels.join(', ')}).`)
        }
      }
      const rows = scored.rows
      if (!rows.texts.length) throw new UserError('The dataset has no labelled rows to evaluate on. Split it first.')
      const dataPath = join(rec.runDir, `evaluate-${Date.now().toString(36)}.json`)
      writeFileAtomic(dataPath, JSON.stringify(evaluateJobData(data.labels, rows)))
      try {
        const res = await runJob(spawn, { kind: 'evaluate', modelDir, dataPath })
        if (res.kind !== 'evaluate') throw new Error('The trainer returned an unexpected result.')
        const preds = joinPredictions(data, rows, res.predictions)
        return {
          runId: id,
          datasetId: datasetId ?? rec.run.datasetId ?? '',
          metrics: { ...res.metrics, split: scored.split, rows: rows.texts.length },
          split: scored.split,
          rows: rows.texts.length,
          ...(unknownLabel ? { unknownLabel } : {}),
          predictions: preds.map((p) => ({ index: p.index, text: p.text, label: p.label, predicted: p.predicted, probabilities: p.probabilities })),
        }
      } finally {
        rmSync(dataPath, { force: true })
      }
    },

    predict: async ({ id, text, attention }) => {
      const rec = mustGet(id)
      if (attention) requireAttentionMaps(rec)
      return predictions.predict(rec, text, attention ?? false)
    },

    predictMany: async ({ id, texts, attention }) => {
      const rec = mustGet(id)
      if (attention) requireAttentionMaps(rec)
      return predictions.predictMany(rec, texts, attention ?? false)
    },

    attention: async ({ ids, text }) => {
      const recs = ids.map(mustGet)
      for (const r of recs) requireAttentionMaps(r)
      const preds = await Promise.all(recs.map((r) => predictions.predict(r, text, true)))
      return {
        text,
        runs: recs.map((r, i) => {
          const attention = preds[i].attention
          if (!attention) throw new Error(`The run "${r.run.name}" returned no attention weights.`)
          return { runId: r.run.id, prediction: { ...preds[i], attention } }
        }),
      }
    },

    waitFor: (runId) => {
      const run = mustGet(runId).run
      if (settledStatuses.includes(run.status)) return Promise.resolve(run)
      return new Promise<Run>((res) => {
        let set = waiters.get(runId)
        if (!set) waiters.set(runId, (set = new Set()))
        // Another process may own the run: poll the store as well as listening.
        const poll = setInterval(() => {
          const r = repo.get(runId)
          if (!r || settledStatuses.includes(r.status)) done(r ?? run)
        }, 500)
        const done = (r: Run) => {
          clearInterval(poll)
          set.delete(done)
          res(r)
        }
        set.add(done)
      })
    },

    recoverInterrupted: () => {
      let n = 0
      for (const rec of repo.withStatus(['running', 'queued'])) {
        if (ownerAlive(rec)) continue
        const wasRunning = rec.run.status === 'running'
        setStatus(rec.run.id, 'interrupted', {
          error: wasRunning
            ? `The app stopped while this run was training. ${rec.checkpointStep !== null ? 'Resume it to continue from its last checkpoint.' : 'Resume it to start it again.'}`
            : 'The app stopped before this queued run started. Resume it to start it.',
        })
        n++
      }
      return n
    },

    close: async () => {
      if (closed) return
      closed = true
      clearInterval(beatTimer)
      calibrations.close()
      predictions.close()
      const running = [...active.entries()]
      await Promise.all(running.map(([id, a]) => stopActive(id, a, 'pause')))
      clearInterval(flushTimer)
      writer.flush()
      owner.release()
    },

    runDir: (runId) => mustGet(runId).runDir,
  }
  return service
}
