// Data-parallel training steps: the global batch is split into contiguous shards, the job's own thread
// computes the first while the gradient workers compute the rest, and the gradients are combined in the
// owner with each shard's share of the global loss. One AdamW step on the owner's weights follows, and the
// updated weights go to the shared area the workers read at their next step. The batch, its padding, the
// dropout masks (each shard draws its rows of the global masks) and the data order are the single-thread
// run's, so the result matches it within float rounding, whatever the number of threads.
import * as tf from '@tensorflow/tfjs-core'
import type { TextModel } from '../models/types'
import { batchGradients, type Objective, type StepBatch, type TrainStepSetup } from '../training/train-step'
import { GradientPool } from './pool'
import { flatLayout, type FlatLayout } from './protocol'
import { shardFactors, sliceBatch, splitRows } from './shards'

export { resolveThreads } from './threads'

type Need = 'none' | 'trainable' | 'all'

/** CPU time of the last step per thread (the owner's first): with a free core per thread, a step takes about the largest. */
export interface StepCpu {
  ownerMs: number
  workerMs: number[]
}

/** The owner's side of data-parallel training. */
export class DataParallel {
  private needs: Need[]
  /** CPU time of the last step, by thread (for benchmarks that estimate scaling on free cores). */
  lastStepCpu: StepCpu = { ownerMs: 0, workerMs: [] }
  private readonly allOffsets = new Map<string, number>()

  private constructor(
    private readonly model: TextModel,
    private readonly pool: GradientPool,
    private readonly trainable: FlatLayout,
    all: FlatLayout,
  ) {
    this.needs = pool.workers.map(() => 'all')
    for (const e of all.entries) this.allOffsets.set(e.name, e.offset)
    this.writeWeights(all.entries.map((e) => e.name))
  }

  /** Threads computing each step (the owner's included). */
  get threads(): number {
    return this.pool.workers.length + 1
  }

  /** Starts threads - 1 workers for the model; the owner's current weights are what they start from. */
  static async start(
    model: TextModel,
    opts: { threads: number; backend: 'wasm' | 'cpu'; seed: number; objective: Objective; trainable: string[]; labelSmoothing: number; lastBlockShortcut?: boolean; crashAtStep?: { worker: number; step: number } },
  ): Promise<DataParallel> {
    const shapes = (names: string[]): [string, number[]][] => names.map((n) => [n, model.params.get(n)!.shape.slice()])
    const all = flatLayout(shapes([...model.params.keys()]))
    const trainable = flatLayout(shapes(opts.trainable))
    const weights = new SharedArrayBuffer(all.total * 4)
    const pool = await GradientPool.start(
      opts.threads - 1,
      { backend: opts.backend, spec: model.spec, seed: opts.seed, objective: opts.objective, labelSmoothing: opts.labelSmoothing, shortcut: opts.lastBlockShortcut ?? true, all, trainable, weights },
      { crashAtStep: opts.crashAtStep },
    )
    return new DataParallel(model, pool, trainable, all)
  }

  /** Call when the owner's weights changed outside step() (a restored checkpoint): every worker rereads them all. */
  weightsChanged(): void {
    this.writeWeights([...this.allOffsets.keys()])
    this.needs = this.needs.map(() => 'all')
  }

  /** One optimiser step on the global batch; returns its loss. `step` counts from 1. */
  async step(s: TrainStepSetup, b: StepBatch, lr: number, dropoutSeed: number, step: number): Promise<number> {
    const cpu0 = process.threadCpuUsage()
    const shards = splitRows(b.B, this.threads)
    const factors = shardFactors(b, shards, s.objective)
    // A shard without a single masked position has no loss to take the mean of: this batch runs here whole.
    if (s.objective === 'mlm' && factors.some((f) => f === 0)) return this.stepHere(s, b, lr, dropoutSeed)
    const helpers = shards.slice(1).map((shard, i) => {
      const sync = this.needs[i]!
      this.needs[i] = 'none'
      return this.pool.workers[i]!.step({ type: 'step', step, batch: sliceBatch(b, shard), dropoutSeed, rowOffset: shard.from, sync })
    })
    // The owner's shard runs while the workers run theirs.
    const own = tf.tidy(() => batchGradients(s, sliceBatch(b, shards[0]!), dropoutSeed))
    let replies: Awaited<(typeof helpers)[number]>[]
    try {
      replies = await Promise.all(helpers)
    } catch (err) {
      tf.dispose([own.value, ...Object.values(own.grads)])
      throw err
    }
    const ownLoss = (await own.value.data())[0]!
    let loss = factors[0]! * ownLoss
    replies.forEach((r, i) => (loss += factors[i + 1]! * r.loss))
    tf.tidy(() => {
      const combined: Record<string, tf.Tensor> = {}
      for (const e of this.trainable.entries) {
        const g = own.grads[e.name]
        if (!g) continue // no gradient in one shard means none in any (the same graph): the weight is skipped, as in one thread
        const parts = [tf.mul(g, factors[0]!)]
        replies.forEach((_, i) => {
          const slot = this.pool.workers[i]!.grads.slice(e.offset, e.offset + e.size)
          parts.push(tf.mul(tf.tensor(slot, e.shape, 'float32'), factors[i + 1]!))
        })
        combined[e.name] = parts.length === 1 ? parts[0]! : tf.addN(parts)
      }
      s.opt.applyClipped(combined, s.gradClip, lr, s.lrScale, s.decay)
    })
    tf.dispose([own.value, ...Object.values(own.grads)])
    this.writeWeights(this.trainable.entries.map((e) => e.name))
    this.needs = this.needs.map((n) => (n === 'all' ? 'all' : 'trainable'))
    const cpu = process.threadCpuUsage(cpu0)
    this.lastStepCpu = { ownerMs: (cpu.user + cpu.system) / 1000, workerMs: replies.map((r) => r.cpuMs) }
    return loss
  }

  // The whole batch in the owner's thread (the single-thread step), the workers told to reread the weights.
  private async stepHere(s: TrainStepSetup, b: StepBatch, lr: number, dropoutSeed: number): Promise<number> {
    const value = tf.tidy(() => {
      const { value, grads } = batchGradients(s, b, dropoutSeed)
      s.opt.applyClipped(grads, s.gradClip, lr, s.lrScale, s.decay)
      return value
    })
    const loss = (await value.data())[0]!
    value.dispose()
    this.writeWeights(this.trainable.entries.map((e) => e.name))
    this.needs = this.needs.map((n) => (n === 'all' ? 'all' : 'trainable'))
    return loss
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    await this.pool.stop()
  }

  private writeWeights(names: string[]): void {
    for (const name of names) this.pool.weights.set(this.model.params.get(name)!.dataSync() as Float32Array, this.allOffsets.get(name)!)
  }
}
