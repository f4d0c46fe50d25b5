// Inference across threads: the batches of an evaluation or of a file's predictions (sorted by length,
// each padded to its own longest row) are shared out between the owner's thread and worker threads that
// hold a copy of the model. Every batch is computed whole by one replica with the same weights, so the
// probabilities are exactly those of one thread.
import * as tf from '@tensorflow/tfjs-core'
import type { TextModel } from '../models/types'
import { evalBatches, padRows, type Row } from '../training/batching'
import { GradientPool } from './pool'
import { flatLayout } from './protocol'
import { resolveThreads } from './threads'

/** Fewer rows than this are classified in the owner's thread alone (starting workers costs more). */
export const MIN_PARALLEL_ROWS = 512

/** Worker threads holding a copy of one model for inference. */
export class InferencePool {
  private constructor(private readonly model: TextModel, private readonly pool: GradientPool) {}

  /** Starts threads - 1 workers (threads from the `train.workers` rule, 0 = one per core); null when that is 1. */
  static async start(model: TextModel, threads = 0): Promise<InferencePool | null> {
    const backend = tf.getBackend()
    const n = resolveThreads(threads, backend)
    if (n <= 1) return null
    const all = flatLayout([...model.params].map(([name, v]) => [name, v.shape.slice()]))
    const weights = new SharedArrayBuffer(all.total * 4)
    const area = new Float32Array(weights)
    for (const e of all.entries) area.set(model.params.get(e.name)!.dataSync() as Float32Array, e.offset)
    const pool = await GradientPool.start(n - 1, {
      backend: backend as 'wasm' | 'cpu', spec: model.spec, seed: 0, objective: 'classify', labelSmoothing: 0, shortcut: true, // the app's forward default
      all, trainable: flatLayout([]), weights,
    })
    return new InferencePool(model, pool)
  }

  /** As classifyRows: probabilities per row in input order and the mean cross-entropy against labels (NaN without). */
  async classifyRows(rows: Row[], labels: number[] | null, batchSize = 64): Promise<{ probs: number[][]; loss: number }> {
    const batches = evalBatches(rows.map((r) => r.length), batchSize)
    const results: Float32Array[] = new Array(batches.length)
    let next = 0
    const ownTurns = async () => {
      while (next < batches.length) {
        const k = next++
        const b = padRows(rows, batches[k]!)
        const p = tf.tidy(() => tf.softmax(this.model.forward(tf.tensor2d(b.ids, [b.B, b.T], 'int32'), tf.tensor2d(b.mask, [b.B, b.T]), { training: false }).logits)) // [B, C]
        results[k] = (await p.data()) as Float32Array
        p.dispose()
        await new Promise<void>((resolve) => setImmediate(resolve)) // let the workers' answers in
      }
    }
    const workerTurns = this.pool.workers.map(async (w) => {
      while (next < batches.length) {
        const k = next++
        const b = padRows(rows, batches[k]!)
        results[k] = await w.forward({ type: 'forward', batch: { ids: b.ids, mask: b.mask, B: b.B, T: b.T } })
      }
    })
    await Promise.all([ownTurns(), ...workerTurns])
    const probs: number[][] = new Array(rows.length)
    let lossSum = 0
    batches.forEach((idx, k) => {
      const data = results[k]!
      const C = data.length / idx.length
      idx.forEach((row, i) => {
        const pr = Array.from(data.subarray(i * C, (i + 1) * C))
        probs[row] = pr
        if (labels) lossSum += -Math.log(Math.max(pr[labels[row]!]!, 1e-12))
      })
    })
    return { probs, loss: labels && rows.length ? lossSum / rows.length : NaN }
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    await this.pool.stop()
  }
}
