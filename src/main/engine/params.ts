// Named model weights. Every weight lives in one flat map under a hierarchical name
// (`embed/tok`, `block_0/attn/qkv`, `head/w`), so freezing, LoRA, checkpoints and export
// select weights by name instead of walking layer objects.
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from './rng'

/** The weights of one model by name. */
export type Params = Map<string, tf.Variable>

/** How a new weight is initialised. */
export type Init = { kind: 'normal'; std: number } | { kind: 'zeros' } | { kind: 'ones' }

/** Creates weights in a fixed order from one seeded generator (same seed -> same numbers on every backend). */
export class ParamBuilder {
  readonly params: Params = new Map()
  private readonly rng: Rng

  constructor(seed: number) {
    this.rng = new Rng(seed)
  }

  /** Adds a weight; the name must be new. */
  add(name: string, shape: number[], init: Init): tf.Variable {
    if (this.params.has(name)) throw new Error(`Weight ${name} defined twice`)
    const size = shape.reduce((a, b) => a * b, 1)
    const values = new Float32Array(size)
    if (init.kind === 'ones') values.fill(1)
    else if (init.kind === 'normal') for (let i = 0; i < size; i++) values[i] = this.rng.normal() * init.std
    // tidy frees the initial tensor (the variable keeps its own reference); engine-wide variable
    // names must be unique, so our names live in the map only.
    const v = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true))
    this.params.set(name, v)
    return v
  }
}

/** Looks a weight up, with a clear error when a model file lacks it. */
export function param(params: Params, name: string): tf.Variable {
  const v = params.get(name)
  if (!v) throw new Error(`The model has no weight named ${name}`)
  return v
}

/** Copies every weight's values out (for checkpoints and the model folder). */
export async function readParams(params: Params, names?: string[]): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>()
  for (const name of names ?? [...params.keys()]) {
    const v = param(params, name)
    out.set(name, { shape: v.shape.slice(), data: (await v.data()) as Float32Array })
  }
  return out
}

/** Assigns stored values to existing weights; shapes must match. */
export function assignParams(params: Params, values: Map<string, { shape: number[]; data: Float32Array }>, opts: { allowMissing?: boolean } = {}): string[] {
  const assigned: string[] = []
  for (const [name, v] of params) {
    const src = values.get(name)
    if (!src) {
      if (opts.allowMissing) continue
      throw new Error(`The saved weights lack ${name}`)
    }
    if (src.shape.join(',') !== v.shape.join(',')) {
      if (opts.allowMissing) continue
      throw new Error(`The saved weight ${name} has shape [${src.shape}] but the model expects [${v.shape}]`)
    }
    tf.tidy(() => v.assign(tf.tensor(src.data, src.shape, 'float32')))
    assigned.push(name)
  }
  return assigned
}

/** Frees every weight. */
export function disposeParams(params: Params): void {
  for (const v of params.values()) v.dispose()
  params.clear()
}

/** Total number of scalar weights. */
export function countParams(params: Params): number {
  let n = 0
  for (const v of params.values()) n += v.size
  return n
}
