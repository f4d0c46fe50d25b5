// Jump-ahead for the xorshift32 (13, 17, 5) generator that draws dropout masks. The step is linear over
// GF(2), so n steps are one 32x32 bit-matrix product: the matrices for 2^i steps are built once by squaring,
// and jumping n steps applies the ones for n's set bits (at most 32 matrix-vector products of 32 words).
// A data-parallel shard uses it to start its slice of a mask exactly where the whole batch's mask would be.

// A matrix is 32 columns: column j is the image of the state with only bit j set.
type BitMatrix = Uint32Array

function apply(m: BitMatrix, v: number): number {
  let out = 0
  for (let j = 0; v !== 0; j++, v >>>= 1) if (v & 1) out ^= m[j]!
  return out >>> 0
}

function step(s: number): number {
  s ^= s << 13; s ^= s >>> 17; s ^= s << 5
  return s >>> 0
}

let powers: BitMatrix[] | null = null

// powers[i] advances a state by 2^i steps.
function stepPowers(): BitMatrix[] {
  if (powers) return powers
  const first = new Uint32Array(32)
  for (let j = 0; j < 32; j++) first[j] = step((1 << j) >>> 0)
  powers = [first]
  for (let i = 1; i < 32; i++) {
    const prev = powers[i - 1]!
    const sq = new Uint32Array(32)
    for (let j = 0; j < 32; j++) sq[j] = apply(prev, prev[j]!)
    powers.push(sq)
  }
  return powers
}

/** The xorshift32 state after n (0 <= n < 2^32) steps from s, without taking them. */
export function xorshiftJump(s: number, n: number): number {
  const p = stepPowers()
  let v = s >>> 0
  for (let i = 0; n > 0; i++, n = Math.floor(n / 2)) if (n % 2 === 1) v = apply(p[i]!, v)
  return v | 0
}
