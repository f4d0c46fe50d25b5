// A data-parallel shard must drop exactly the units the whole batch would drop in its rows: the
// xorshift jump lands where stepping would, and a shard's masks (aligned to an 8-element group or not,
// through the wasm kernel and the plain path) equal the rows of the whole batch's masks.
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { dropout, dropoutMask, withDropoutRowOffset } from '../../../../src/main/engine/ops'
import { xorshiftJump } from '../../../../src/main/engine/ops/xorshift-jump'
import { BACKENDS, on, rand } from '../ops/helpers'

describe('xorshift jump-ahead', () => {
  it('lands on the state that stepping n times reaches', () => {
    for (const seed of [1, 0x9e3779b9 | 0, -5]) {
      let s = seed
      for (let n = 0; n <= 300; n++) {
        expect(xorshiftJump(seed, n)).toBe(s | 0)
        s ^= s << 13; s ^= s >>> 17; s ^= s << 5
      }
    }
  })
})

describe.each(BACKENDS)('shard dropout masks on %s', (backend) => {
  // [B, T, D] with row sizes that are and are not multiples of 8 elements.
  for (const shape of [[6, 4, 8], [5, 7, 3], [4, 1, 5]]) {
    it(`rows of ${JSON.stringify(shape)} split at 2 match the whole batch`, async () => {
      const [B, ...rest] = shape as [number, ...number[]]
      const rowSize = rest.reduce((a, b) => a * b, 1)
      const [whole, mask] = await on(backend, () => {
        const x = rand(shape, 11)
        return [dropout(x, 0.3, 1234), dropoutMask(shape, 0.3, 1234)]
      })
      for (const [from, to] of [[0, 2], [2, B], [1, B - 1]] as const) {
        const [part, partMask] = await on(backend, () => {
          const x = tf.slice(rand(shape, 11), [from], [to - from])
          return withDropoutRowOffset(from, () => [dropout(x, 0.3, 1234), dropoutMask([to - from, ...rest], 0.3, 1234)])
        })
        expect(Array.from(part!)).toEqual(Array.from(whole!.subarray(from * rowSize, to * rowSize)))
        expect(Array.from(partMask!)).toEqual(Array.from(mask!.subarray(from * rowSize, to * rowSize)))
      }
    })
  }
})
