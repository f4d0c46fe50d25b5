// The gradient workers of one training job. The job's own thread owns them: it starts them, hands each
// a shard of every batch, and stops them when the job ends. A worker that dies fails the step it was on
// (and every later one) with a plain sentence instead of hanging the run.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { WorkerAnswer, WorkerForward, WorkerInit, WorkerReply, WorkerStep } from './protocol'

/** Where the worker entry lives: the built JS next to the bundle, or the TS source under tsx. */
export function workerEntry(): { entry: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const built of [join(here, 'train-worker.js'), join(here, '..', 'train-worker.js')]) {
    if (existsSync(built)) return { entry: built, execArgv: [] }
  }
  return { entry: join(here, 'worker-entry.ts'), execArgv: ['--import', 'tsx'] }
}

interface Pending {
  resolve: (reply: WorkerAnswer) => void
  reject: (err: Error) => void
}

/** One worker thread and its gradient slot. */
export class GradientWorker {
  readonly grads: Float32Array
  private pending: Pending | null = null
  private failure: Error | null = null
  private exited = false

  constructor(private readonly worker: Worker, readonly slot: number, gradsBuffer: SharedArrayBuffer) {
    this.grads = new Float32Array(gradsBuffer)
    worker.on('message', (m: WorkerReply) => {
      if (m.type === 'grads' || m.type === 'probs') this.settle(null, m)
      else if (m.type === 'error') this.fail(new Error(`A training thread failed: ${m.message}`))
    })
    worker.on('error', (err) => this.fail(new Error(`A training thread failed: ${err.message}`)))
    worker.on('exit', (code) => {
      this.exited = true
      this.fail(new Error(`A training thread stopped unexpectedly (exit code ${code}).`))
    })
  }

  private settle(err: Error | null, reply?: WorkerAnswer): void {
    const p = this.pending
    this.pending = null
    if (!p) return
    if (err) p.reject(err)
    else p.resolve(reply!)
  }

  private fail(err: Error): void {
    this.failure ??= err
    this.settle(this.failure)
  }

  /** Sends one training step and waits for its gradient. */
  async step(msg: WorkerStep): Promise<Extract<WorkerReply, { type: 'grads' }>> {
    return (await this.request(msg)) as Extract<WorkerReply, { type: 'grads' }>
  }

  /** Sends one inference batch and waits for its probabilities. */
  async forward(msg: WorkerForward): Promise<Float32Array> {
    return ((await this.request(msg)) as Extract<WorkerReply, { type: 'probs' }>).probs
  }

  private request(msg: WorkerStep | WorkerForward): Promise<WorkerAnswer> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject }
      this.worker.postMessage(msg)
    })
  }

  async stop(): Promise<void> {
    this.failure ??= new Error('The training threads were stopped.')
    if (!this.exited) await this.worker.terminate()
  }
}

/** A started set of gradient workers sharing one weights area. */
export class GradientPool {
  private constructor(
    readonly workers: GradientWorker[],
    /** Every weight of the model, as the workers read them. */
    readonly weights: Float32Array,
  ) {}

  /** Starts n workers, each building the model and reading the weights already written to `weights`. */
  static async start(n: number, init: Omit<WorkerInit, 'type' | 'grads'>, opts: { crashAtStep?: { worker: number; step: number } } = {}): Promise<GradientPool> {
    const { entry, execArgv } = workerEntry()
    const workers: GradientWorker[] = []
    try {
      await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const grads = new SharedArrayBuffer(init.trainable.total * 4)
          const w = new Worker(entry, { execArgv })
          const gw = new GradientWorker(w, i, grads)
          workers.push(gw)
          await new Promise<void>((resolve, reject) => {
            const onMessage = (m: WorkerReply) => {
              if (m.type === 'ready') { w.off('message', onMessage); resolve() }
              else if (m.type === 'error') reject(new Error(`A training thread could not start: ${m.message}`))
            }
            w.on('message', onMessage)
            w.once('error', (err) => reject(new Error(`A training thread could not start: ${err.message}`)))
            w.once('exit', (code) => reject(new Error(`A training thread could not start (exit code ${code}).`)))
            const crash = opts.crashAtStep && opts.crashAtStep.worker === i ? opts.crashAtStep.step : undefined
            const msg: WorkerInit = { type: 'init', ...init, grads, ...(crash !== undefined ? { crashAtStep: crash } : {}) }
            w.postMessage(msg)
          })
        }),
      )
    } catch (err) {
      await Promise.all(workers.map((w) => w.stop()))
      throw err
    }
    workers.sort((a, b) => a.slot - b.slot)
    return new GradientPool(workers, new Float32Array(init.weights))
  }

  /** Stops every worker. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()))
  }
}
