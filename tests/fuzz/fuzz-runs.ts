// How many cases each property runs: a bounded number in CI, more on demand (FUZZ_RUNS=2000).
import fc from 'fast-check'

/** Cases per property: FUZZ_RUNS when set, else `ci`. */
export function fuzzRuns(ci: number): number {
  const n = Number(process.env.FUZZ_RUNS)
  return Number.isInteger(n) && n > 0 ? n : ci
}

/** The seed of `npm test`: fixed, so the suite is the same on every machine and a red CI is a change, not chance. */
export const defaultFuzzSeed = 20261201

/**
 * fast-check parameters: the case count, and the seed: FUZZ_SEED=N replays the seed a failure printed,
 * FUZZ_SEED=random explores new cases (fast-check picks a seed and prints it on failure), else the fixed seed.
 */
export function fuzzParams(ci: number): fc.Parameters<unknown> {
  const asked = process.env.FUZZ_SEED
  if (asked === 'random') return { numRuns: fuzzRuns(ci) }
  const seed = Number(asked)
  return { numRuns: fuzzRuns(ci), seed: asked !== undefined && asked !== '' && Number.isInteger(seed) ? seed : defaultFuzzSeed }
}

/** Mutations of a valid file: flipped, inserted, deleted and duplicated bytes, truncation. */
export function mutated(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }), times: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  )
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let b = Buffer.from(valid)
    for (const e of edits) {
      const at = b.length ? e.at % b.length : 0
      if (e.kind === 'flip' && b.length) b[at] = e.value
      else if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), e.bytes, b.subarray(at)])
      else if (e.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.length)])
      else if (e.kind === 'repeat') b = Buffer.concat([b.subarray(0, at), ...Array<Buffer>(e.times).fill(b.subarray(at, at + e.length)), b.subarray(at)])
      else if (e.kind === 'truncate') b = b.subarray(0, at)
    }
    return new Uint8Array(b)
  })
}
