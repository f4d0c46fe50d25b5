// Runs engine jobs in a process of their own and turns the protocol into promises and callbacks.
// The process is an Electron utilityProcess on desktop and a child_process.fork under Node;
// both are hidden behind `SpawnTrainer`, so services never know which.
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BackendInfo, Prediction } from '../../shared/domain'
import type { HostMessage, TrainerJob, TrainerMessage } from '../../shared/trainer-protocol'
import { log } from '../logger'

/** A live trainer process. */
export interface TrainerHandle {
  readonly pid: number | undefined
  send(msg: HostMessage): void
  onMessage(cb: (msg: TrainerMessage) => void): void
  onExit(cb: (info: { code: number | null; signal: string | null }) => void): void
  kill(): void
}

/** Starts a trainer process. */
export type SpawnTrainer = () => TrainerHandle

/** The result a finished job sends back. */
export type JobResult = Extract<TrainerMessage, { type: 'done' }>['result']

/** A trainer process that ended without finishing its job. */
export class TrainerCrashError extends Error {
  override name = 'TrainerCrashError'
  constructor(
    message: string,
    /** True when the trainer said a checkpoint exists to resume from. */
    readonly resumable: boolean,
    /** True when the reason is something the user can fix (shown as is, answered as bad input). */
    readonly userFacing = false,
  ) {
    super(message)
  }
}

/** Where the trainer entry lives: the built JS next to this bundle, or the TS source under tsx. */
export function defaultTrainerEntry(): { entry: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url))
  // Built: this code sits in out/main or in a shared chunk below it; trainer.js is in out/main.
  for (const built of [join(here, 'trainer.js'), join(here, '..', 'trainer.js')]) {
    if (existsSync(built)) return { entry: built, execArgv: [] }
  }
  // Running from source (tests, tsx): src/main/services -> src/main/trainer/index.ts
  const source = join(here, '..', 'trainer', 'index.ts')
  return { entry: source, execArgv: ['--import', 'tsx'] }
}

/** A SpawnTrainer for plain Node: child_process.fork with an IPC channel. */
export function createNodeSpawner(opts: { entry?: string; execArgv?: string[]; env?: NodeJS.ProcessEnv } = {}): SpawnTrainer {
  const def = defaultTrainerEntry()
  const entry = opts.entry ?? def.entry
  const execArgv = opts.execArgv ?? def.execArgv
  return () => {
    const child = fork(entry, [], {
      execArgv,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    })
    return {
      get pid() {
        return child.pid
      },
      send: (msg) => {
        if (child.connected) child.send(msg)
      },
      onMessage: (cb) => child.on('message', (m) => cb(m as TrainerMessage)),
      onExit: (cb) => child.on('exit', (code, signal) => cb({ code, signal })),
      kill: () => {
        child.kill('SIGKILL')
      },
    }
  }
}

/** Options for one job. */
export interface RunJobOptions {
  /** Every message as it arrives (progress, metrics, logs, ready). */
  onMessage?: (msg: TrainerMessage) => void
  /** Abort with reason 'pause' to pause (checkpoint then stop); any other reason cancels. */
  signal?: AbortSignal
  /** Called with the process once it exists (for kill -9 in tests, pid bookkeeping). */
  onSpawn?: (handle: TrainerHandle) => void
  /** How long a cancelled trainer may take to stop before it is killed. */
  graceMs?: number
}

/** Run one job in a fresh trainer process; resolves with its result, rejects if it fails or dies. */
export function runJob(spawn: SpawnTrainer, job: TrainerJob, opts: RunJobOptions = {}): Promise<JobResult> {
  return new Promise<JobResult>((resolve, reject) => {
    let handle: TrainerHandle
    try {
      handle = spawn()
    } catch (err) {
      reject(new TrainerCrashError(`The trainer could not start: ${(err as Error).message}`, false))
      return
    }
    opts.onSpawn?.(handle)
    let settled = false
    let lastError: { message: string; resumable: boolean; userFacing: boolean } | null = null
    let killTimer: NodeJS.Timeout | null = null
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      if (killTimer) clearTimeout(killTimer)
      opts.signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onAbort = () => {
      const reason = opts.signal?.reason
      handle.send(reason === 'pause' ? { type: 'pause' } : { type: 'cancel' })
      killTimer = setTimeout(() => handle.kill(), opts.graceMs ?? 15_000)
    }
    handle.onMessage((msg) => {
      opts.onMessage?.(msg)
      if (msg.type === 'done') {
        finish(() => resolve(msg.result))
        // The trainer exits by itself after done; make sure it does.
        setTimeout(() => handle.kill(), 2000).unref()
      } else if (msg.type === 'error') {
        lastError = { message: msg.message, resumable: msg.resumable, userFacing: !!msg.userFacing }
        log(msg.userFacing ? 'warn' : 'error', `${job.kind} job failed: ${msg.message}`, undefined, `trainer ${handle.pid ?? '?'}`)
      } else if (msg.type === 'log' && msg.level !== 'info') {
        log(msg.level, msg.message, undefined, `trainer ${handle.pid ?? '?'}`)
      }
    })
    handle.onExit(({ code, signal }) => {
      finish(() => {
        if (opts.signal?.aborted && opts.signal.reason !== 'pause') reject(new AbortedError())
        else if (lastError) reject(new TrainerCrashError(lastError.message, lastError.resumable, lastError.userFacing))
        else {
          log('error', `${job.kind} trainer process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`)
          reject(
            new TrainerCrashError(
              `The trainer process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}).`,
              true,
            ),
          )
        }
      })
    })
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, { once: true })
    handle.send({ type: 'start', job })
  })
}

/** The job was cancelled on request. */
export class AbortedError extends Error {
  override name = 'AbortedError'
  constructor() {
    super('Cancelled.')
  }
}

/** A long-lived trainer process that answers predictions with models kept loaded. */
export interface PredictWorker {
  predict(job: { modelDir: string; texts: string[]; attention: boolean }): Promise<Prediction[]>
  close(): void
}

/** Start predictions in a warm process, spawned on first use and stopped after `idleMs` unused. */
export function createPredictWorker(spawn: SpawnTrainer, opts: { idleMs?: number; onBackend?: (b: BackendInfo) => void } = {}): PredictWorker {
  let handle: TrainerHandle | null = null
  let nextId = 1
  const pending = new Map<number, { resolve: (p: Prediction[]) => void; reject: (e: Error) => void }>()
  let idle: NodeJS.Timeout | null = null
  const stop = () => {
    handle?.kill()
    handle = null
  }
  const touch = () => {
    if (idle) clearTimeout(idle)
    idle = setTimeout(() => {
      if (pending.size === 0) stop()
    }, opts.idleMs ?? 5 * 60_000)
    idle.unref()
  }
  const ensure = (): TrainerHandle => {
    if (handle) return handle
    const h = spawn()
    h.onMessage((msg) => {
      if (msg.type === 'ready') opts.onBackend?.(msg.backend)
      if (msg.type !== 'response') return
      const p = pending.get(msg.id)
      if (!p) return
      pending.delete(msg.id)
      if (msg.error !== undefined || !msg.predictions) p.reject(new TrainerCrashError(msg.error ?? 'The model returned nothing.', false, !!msg.userFacing))
      else p.resolve(msg.predictions)
    })
    h.onExit(({ code, signal }) => {
      if (handle === h) handle = null
      for (const [id, p] of pending) {
        pending.delete(id)
        p.reject(new TrainerCrashError(`The prediction process stopped (${signal ? `signal ${signal}` : `exit code ${code}`}).`, false))
      }
    })
    handle = h
    return h
  }
  return {
    predict(job) {
      return new Promise<Prediction[]>((resolve, reject) => {
        const id = nextId++
        pending.set(id, { resolve, reject })
        touch()
        ensure().send({ type: 'request', id, job: { kind: 'predict', ...job } })
      })
    },
    close() {
      if (idle) clearTimeout(idle)
      stop()
    },
  }
}
