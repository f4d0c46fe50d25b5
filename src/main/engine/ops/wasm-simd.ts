// A small hand-assembled WebAssembly SIMD module that runs elementwise kernels over the tfjs wasm
// backend's own memory (it imports the backend's WebAssembly.Memory, so tensors are read and written in
// place, no copies). JS loops over Float32Array views cost ~1.4 ns per element; these 4-wide loops ~0.3,
// and GELU's sigmoid is computed inline (a Cephes-style exp) instead of by a separate scalar kernel.
// The bytes are emitted here (no wat toolchain); every kernel has a JS fallback and a numerical test.
import type { WasmBackendLike } from './wasm-heap'

/** The module's kernels; pointers are byte offsets into the backend's heap, counts are elements. */
export interface SimdKernels {
  /** y = x s, s = sigmoid(x (c1 + c3 x^2)) for n elements (n a multiple of 4). */
  geluForward(x: number, y: number, s: number, n: number): void
  /** out = dy (s + x s (1 - s) (c1 + 3 c3 x^2)) for n elements (n a multiple of 4). */
  geluBackward(dy: number, x: number, s: number, out: number, n: number): void
  /** Layer norm of `rows` rows of d (a multiple of 4) values: y, xhat [rows, d], rstd [rows]. */
  layerNormForward(x: number, gamma: number, beta: number, y: number, xhat: number, rstd: number, rows: number, d: number, eps: number): void
  /**
   * Seeded dropout of n8 elements (a multiple of 8): out = x * (keep or 0), four xorshift32 streams whose
   * states (4 int32 at byte offset `state`) are read and written back, each draw giving two 16-bit lanes.
   */
  dropout(x: number, out: number, n8: number, state: number, threshold: number, keep: number): void
  /** out [slices, c, r] = x [slices, r, c] transposed, r and c multiples of 4 (4 x 4 register blocks). */
  transpose(x: number, out: number, slices: number, r: number, c: number): void
  /** Softmax gradient per row of c (a multiple of 4) values: ds = p (dp - sum(dp p)). */
  softmaxGrad(dp: number, p: number, ds: number, rows: number, c: number): void
  /** out[j] += x[i, j] over `rows` rows of d (a multiple of 4) values (the caller zeroes out). */
  sumRows(x: number, out: number, rows: number, d: number): void
  /** Layer norm gradient: dx [rows, d], and dgamma, dbeta [d] accumulated (the caller zeroes them). */
  layerNormBackward(dy: number, xhat: number, rstd: number, gamma: number, dx: number, dgamma: number, dbeta: number, rows: number, d: number): void
}

// ---- encoding helpers ----
function uleb(v: number): number[] {
  const out: number[] = []
  do {
    let b = v & 0x7f
    v >>>= 7
    if (v !== 0) b |= 0x80
    out.push(b)
  } while (v !== 0)
  return out
}
function sleb(v: number): number[] {
  const out: number[] = []
  for (;;) {
    const b = v & 0x7f
    v >>= 7
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { out.push(b); return out }
    out.push(b | 0x80)
  }
}
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))]
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()]
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body]
const f32Bytes = (v: number): number[] => Array.from(new Uint8Array(new Float32Array([v]).buffer))

const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b
const get = (i: number) => [0x20, ...uleb(i)]
const set = (i: number) => [0x21, ...uleb(i)]
const tee = (i: number) => [0x22, ...uleb(i)]
const i32c = (v: number) => [0x41, ...sleb(v)]
const simd = (op: number) => [0xfd, ...uleb(op)]
const load = (offset = 0) => [...simd(0), 0, ...uleb(offset)] // v128.load, align hint 1 (any address works)
const store = (offset = 0) => [...simd(11), 0, ...uleb(offset)] // v128.store
const splat4 = (v: number) => [...simd(12), ...f32Bytes(v), ...f32Bytes(v), ...f32Bytes(v), ...f32Bytes(v)] // v128.const
const f32load = [0x2a, 2, 0], f32store = [0x38, 2, 0]
const I32_ADD = [0x6a], I32_GE_U = [0x4f], I32_SHL = [0x74]
const F32_ADD = [0x92], F32_DIV = [0x95], F32_SQRT = [0x91]
const F4_ADD = simd(228), F4_SUB = simd(229), F4_MUL = simd(230), F4_DIV = simd(231), F4_MIN = simd(232), F4_MAX = simd(233)
const F4_NEAREST = simd(106), F4_SPLAT = simd(19), I4_TRUNC = simd(248), I4_ADD = simd(174), I4_SHL = simd(171)
const I4_SHR_U = simd(173), I4_LT_S = simd(57), V_AND = simd(78), V_ANDNOT = simd(79), V_XOR = simd(81)
const lane = (l: number) => [...simd(31), l] // f32x4.extract_lane

// for (i = 0; i < end; i += step) body  (i, end: i32 locals; byte offsets)
function loop(i: number, end: number, step: number, body: number[]): number[] {
  return [
    ...i32c(0), ...set(i),
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(i), ...get(end), ...I32_GE_U, 0x0d, 1, // br_if out
    ...body,
    ...get(i), ...i32c(step), ...I32_ADD, ...set(i),
    0x0c, 0, 0x0b, 0x0b, // br loop; end; end
  ]
}
const at = (ptr: number, i: number) => [...get(ptr), ...get(i), ...I32_ADD] // ptr + i
// Sum of the four lanes of v128 local v -> f32 on the stack.
const hsum = (v: number) => [...get(v), ...lane(0), ...get(v), ...lane(1), ...F32_ADD, ...get(v), ...lane(2), ...F32_ADD, ...get(v), ...lane(3), ...F32_ADD]

// exp of the v128 in local `x` (clobbered), using v128 locals fx, t: leaves exp(x) on the stack.
// Range-reduced to x = n ln2 + r, |r| <= ln2/2, a degree-6 polynomial for e^r, 2^n by exponent bits.
function expInline(x: number, fx: number, t: number): number[] {
  return [
    ...get(x), ...splat4(88.3762626647949), ...F4_MIN, ...splat4(-87.3365447505531), ...F4_MAX, ...set(x),
    ...get(x), ...splat4(Math.LOG2E), ...F4_MUL, ...F4_NEAREST, ...set(fx),
    ...get(x), ...get(fx), ...splat4(0.693359375), ...F4_MUL, ...F4_SUB,
    ...get(fx), ...splat4(-2.12194440e-4), ...F4_MUL, ...F4_SUB, ...set(x),
    // p = ((((( c5 x + c4) x + c3) x + c2) x + c1) x + c0) x^2 + x + 1
    ...splat4(1.9875691500e-4), ...get(x), ...F4_MUL, ...splat4(1.3981999507e-3), ...F4_ADD,
    ...get(x), ...F4_MUL, ...splat4(8.3334519073e-3), ...F4_ADD,
    ...get(x), ...F4_MUL, ...splat4(4.1665795894e-2), ...F4_ADD,
    ...get(x), ...F4_MUL, ...splat4(1.6666665459e-1), ...F4_ADD,
    ...get(x), ...F4_MUL, ...splat4(5.0000001201e-1), ...F4_ADD,
    ...get(x), ...get(x), ...F4_MUL, ...F4_MUL, ...get(x), ...F4_ADD, ...splat4(1), ...F4_ADD, ...set(t),
    // 2^n: (n + 127) << 23 as float bits
    ...get(fx), ...I4_TRUNC, ...simd(12), ...[127, 0, 0, 0, 127, 0, 0, 0, 127, 0, 0, 0, 127, 0, 0, 0], ...I4_ADD, ...i32c(23), ...I4_SHL,
    ...get(t), ...F4_MUL,
  ]
}

const C1 = 2 * Math.sqrt(2 / Math.PI)
const C3 = C1 * 0.044715

interface FnDef { name: string; params: number[]; locals: [number, number][]; body: number[] }

function geluForwardFn(): FnDef {
  // params: x 0, y 1, s 2, n 3; locals: i 4, end 5 (i32); v 6, u 7, fx 8, t 9 (v128)
  const [x, y, s, n, i, end, v, u, fx, t] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
  return {
    name: 'gelu_fwd', params: [I32, I32, I32, I32], locals: [[2, I32], [4, V128]],
    body: [
      ...get(n), ...i32c(2), ...I32_SHL, ...set(end),
      ...loop(i, end, 16, [
        ...at(x, i), ...load(), ...tee(v), ...get(v), ...F4_MUL, ...splat4(C3), ...F4_MUL, ...splat4(C1), ...F4_ADD, ...get(v), ...F4_MUL,
        ...splat4(-1), ...F4_MUL, ...set(u), // -u
        ...at(s, i), ...splat4(1), ...splat4(1), ...expInline(u, fx, t), ...F4_ADD, ...F4_DIV, ...tee(u), ...store(), // s = 1 / (1 + e^-u)
        ...at(y, i), ...get(v), ...get(u), ...F4_MUL, ...store(),
      ]),
    ],
  }
}

function geluBackwardFn(): FnDef {
  // params: dy 0, x 1, s 2, out 3, n 4; locals: i 5, end 6; v 7, sv 8
  const [dy, x, s, out, n, i, end, v, sv] = [0, 1, 2, 3, 4, 5, 6, 7, 8]
  return {
    name: 'gelu_bwd', params: [I32, I32, I32, I32, I32], locals: [[2, I32], [2, V128]],
    body: [
      ...get(n), ...i32c(2), ...I32_SHL, ...set(end),
      ...loop(i, end, 16, [
        ...at(out, i),
        ...at(dy, i), ...load(),
        ...at(s, i), ...load(), ...set(sv),
        ...at(x, i), ...load(), ...set(v),
        // s + x s (1 - s) (c1 + 3 c3 x^2)
        ...get(sv),
        ...get(v), ...get(sv), ...F4_MUL, ...splat4(1), ...get(sv), ...F4_SUB, ...F4_MUL,
        ...get(v), ...get(v), ...F4_MUL, ...splat4(3 * C3), ...F4_MUL, ...splat4(C1), ...F4_ADD, ...F4_MUL,
        ...F4_ADD, ...F4_MUL, ...store(),
      ]),
    ],
  }
}

function layerNormForwardFn(): FnDef {
  // params: x 0, g 1, b 2, y 3, xh 4, rs 5, rows 6, d 7, eps 8 (f32)
  // locals: r 9, j 10, end 11, row 12 (i32); mean 13, rstd 14 (f32); acc 15, mv 16, rv 17, c 18 (v128)
  const [x, g, b, y, xh, rs, rows, d, eps, r, j, end, row, mean, rstd, acc, mv, rv, c] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]
  const rowAt = (ptr: number) => [...get(ptr), ...get(row), ...I32_ADD, ...get(j), ...I32_ADD]
  const dF = [...get(d), 0xb2] // f32.convert_i32_s
  return {
    name: 'ln_fwd', params: [I32, I32, I32, I32, I32, I32, I32, I32, F32], locals: [[4, I32], [2, F32], [4, V128]],
    body: [
      ...get(d), ...i32c(2), ...I32_SHL, ...set(end),
      ...i32c(0), ...set(r), ...i32c(0), ...set(row),
      0x02, 0x40, 0x03, 0x40,
      ...get(r), ...get(rows), ...I32_GE_U, 0x0d, 1,
      ...splat4(0), ...set(acc),
      ...loop(j, end, 16, [...get(acc), ...rowAt(x), ...load(), ...F4_ADD, ...set(acc)]),
      ...hsum(acc), ...dF, ...F32_DIV, ...tee(mean), ...F4_SPLAT, ...set(mv),
      ...splat4(0), ...set(acc),
      ...loop(j, end, 16, [...rowAt(x), ...load(), ...get(mv), ...F4_SUB, ...tee(c), ...get(c), ...F4_MUL, ...get(acc), ...F4_ADD, ...set(acc)]),
      ...[0x43, ...f32Bytes(1)], ...hsum(acc), ...dF, ...F32_DIV, ...get(eps), ...F32_ADD, ...F32_SQRT, ...F32_DIV, ...set(rstd),
      ...get(rs), ...get(r), ...i32c(2), ...I32_SHL, ...I32_ADD, ...get(rstd), ...f32store,
      ...get(rstd), ...F4_SPLAT, ...set(rv),
      ...loop(j, end, 16, [
        ...rowAt(xh), ...rowAt(x), ...load(), ...get(mv), ...F4_SUB, ...get(rv), ...F4_MUL, ...tee(c), ...store(),
        ...rowAt(y), ...get(c), ...at(g, j), ...load(), ...F4_MUL, ...at(b, j), ...load(), ...F4_ADD, ...store(),
      ]),
      ...get(r), ...i32c(1), ...I32_ADD, ...set(r),
      ...get(row), ...get(end), ...I32_ADD, ...set(row),
      0x0c, 0, 0x0b, 0x0b,
    ],
  }
}

function layerNormBackwardFn(): FnDef {
  // params: dy 0, xh 1, rs 2, g 3, dx 4, dg 5, db 6, rows 7, d 8
  // locals: r 9, j 10, end 11, row 12 (i32); a1 13, a2 14, e 15, h 16, dh 17, m1 18, m2 19, rv 20 (v128)
  const [dy, xh, rs, g, dx, dg, db, rows, d, r, j, end, row, a1, a2, e, h, dh, m1, m2, rv] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
  const rowAt = (ptr: number) => [...get(ptr), ...get(row), ...I32_ADD, ...get(j), ...I32_ADD]
  const dF = [...get(d), 0xb2]
  return {
    name: 'ln_bwd', params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], locals: [[4, I32], [8, V128]],
    body: [
      ...get(d), ...i32c(2), ...I32_SHL, ...set(end),
      ...i32c(0), ...set(r), ...i32c(0), ...set(row),
      0x02, 0x40, 0x03, 0x40,
      ...get(r), ...get(rows), ...I32_GE_U, 0x0d, 1,
      ...splat4(0), ...set(a1), ...splat4(0), ...set(a2),
      ...loop(j, end, 16, [
        ...rowAt(dy), ...load(), ...set(e), ...rowAt(xh), ...load(), ...set(h),
        ...get(e), ...at(g, j), ...load(), ...F4_MUL, ...tee(dh), ...get(a1), ...F4_ADD, ...set(a1),
        ...get(dh), ...get(h), ...F4_MUL, ...get(a2), ...F4_ADD, ...set(a2),
        ...at(dg, j), ...at(dg, j), ...load(), ...get(e), ...get(h), ...F4_MUL, ...F4_ADD, ...store(),
        ...at(db, j), ...at(db, j), ...load(), ...get(e), ...F4_ADD, ...store(),
      ]),
      ...hsum(a1), ...dF, ...F32_DIV, ...F4_SPLAT, ...set(m1),
      ...hsum(a2), ...dF, ...F32_DIV, ...F4_SPLAT, ...set(m2),
      ...get(rs), ...get(r), ...i32c(2), ...I32_SHL, ...I32_ADD, ...f32load, ...F4_SPLAT, ...set(rv),
      // dx = rstd (dy g - m1 - xhat m2)
      ...loop(j, end, 16, [
        ...rowAt(dx),
        ...rowAt(dy), ...load(), ...at(g, j), ...load(), ...F4_MUL, ...get(m1), ...F4_SUB,
        ...rowAt(xh), ...load(), ...get(m2), ...F4_MUL, ...F4_SUB, ...get(rv), ...F4_MUL, ...store(),
      ]),
      ...get(r), ...i32c(1), ...I32_ADD, ...set(r),
      ...get(row), ...get(end), ...I32_ADD, ...set(row),
      0x0c, 0, 0x0b, 0x0b,
    ],
  }
}

function sumRowsFn(): FnDef {
  // params: x 0, out 1, rows 2, d 3; locals: r 4, j 5, end 6, row 7 (i32)
  const [x, out, rows, d, r, j, end, row] = [0, 1, 2, 3, 4, 5, 6, 7]
  return {
    name: 'sum_rows', params: [I32, I32, I32, I32], locals: [[4, I32]],
    body: [
      ...get(d), ...i32c(2), ...I32_SHL, ...set(end),
      ...i32c(0), ...set(r), ...get(x), ...set(row),
      0x02, 0x40, 0x03, 0x40,
      ...get(r), ...get(rows), ...I32_GE_U, 0x0d, 1,
      ...loop(j, end, 16, [...at(out, j), ...at(out, j), ...load(), ...at(row, j), ...load(), ...F4_ADD, ...store()]),
      ...get(r), ...i32c(1), ...I32_ADD, ...set(r),
      ...get(row), ...get(end), ...I32_ADD, ...set(row),
      0x0c, 0, 0x0b, 0x0b,
    ],
  }
}

function dropoutFn(): FnDef {
  // params: x 0, out 1, n8 2, state 3, threshold 4 (i32), keep 5 (f32); locals: i 6, end 7 (i32); st 8, th 9, kv 10 (v128)
  const [x, out, n8, state, threshold, keep, i, end, st, th, kv] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
  const xorshift = [
    ...get(st), ...get(st), ...i32c(13), ...I4_SHL, ...V_XOR, ...set(st),
    ...get(st), ...get(st), ...i32c(17), ...I4_SHR_U, ...V_XOR, ...set(st),
    ...get(st), ...get(st), ...i32c(5), ...I4_SHL, ...V_XOR, ...set(st),
  ]
  // x * (keep where draw >= threshold, else 0); draw on the stack
  const scaled = (offset: number, draw: number[]) => [
    ...at(out, i), ...at(x, i), ...load(offset),
    ...get(kv), ...draw, ...get(th), ...I4_LT_S, ...V_ANDNOT, ...F4_MUL, ...store(offset),
  ]
  return {
    name: 'dropout', params: [I32, I32, I32, I32, I32, F32], locals: [[2, I32], [3, V128]],
    body: [
      ...get(n8), ...i32c(2), ...I32_SHL, ...set(end),
      ...get(state), ...load(), ...set(st),
      ...get(threshold), ...simd(17), ...set(th), // i32x4.splat
      ...get(keep), ...F4_SPLAT, ...set(kv),
      ...loop(i, end, 32, [
        ...xorshift,
        ...scaled(0, [...get(st), ...simd(12), ...[0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0], ...V_AND]),
        ...scaled(16, [...get(st), ...i32c(16), ...I4_SHR_U]),
      ]),
      ...get(state), ...get(st), ...store(),
    ],
  }
}

// for (i = 0; i < end; i += step) body with a step held in local `step`.
function loopBy(i: number, end: number, step: number, body: number[]): number[] {
  return [
    ...i32c(0), ...set(i),
    0x02, 0x40, 0x03, 0x40,
    ...get(i), ...get(end), ...I32_GE_U, 0x0d, 1,
    ...body,
    ...get(i), ...get(step), ...I32_ADD, ...set(i),
    0x0c, 0, 0x0b, 0x0b,
  ]
}

// i8x16.shuffle picking f32 lanes (0-3 from the first operand, 4-7 from the second).
const shuffle = (lanes: number[]) => [...simd(13), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])]

function transposeFn(): FnDef {
  // params: x 0, out 1, slices 2, r 3, c 4
  // locals (i32): s 5, i 6, j 7, rowB 8, colB 9, sliceB 10, endS 11, endI 12, endJ 13, src 14, dst 15; (v128) a0-a3 16-19, t0-t3 20-23
  const [x, out, slices, r, c, sI, i, j, rowB, colB, sliceB, endS, endI, endJ, src, dst] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
  const [a0, a1, a2, a3, t0, t1, t2, t3] = [16, 17, 18, 19, 20, 21, 22, 23]
  const I32_SHR_U = [0x76]
  const stepOf = (ptr: number, stride: number, k: number) => [...get(ptr), ...get(stride), ...i32c(k), 0x6c, ...I32_ADD] // ptr + k * stride
  return {
    name: 'transpose', params: [I32, I32, I32, I32, I32], locals: [[11, I32], [8, V128]],
    body: [
      ...get(c), ...i32c(2), ...I32_SHL, ...set(rowB),
      ...get(r), ...i32c(2), ...I32_SHL, ...set(colB),
      ...get(rowB), ...get(r), 0x6c, ...set(sliceB),
      ...get(sliceB), ...get(slices), 0x6c, ...set(endS),
      ...get(colB), ...set(endI), ...get(rowB), ...set(endJ),
      ...loopBy(sI, endS, sliceB, loop(i, endI, 16, loop(j, endJ, 16, [
        // src = x + s + (i / 4) * rowB + j; dst = out + s + (j / 4) * colB + i
        ...get(x), ...get(sI), ...I32_ADD, ...get(i), ...i32c(2), ...I32_SHR_U, ...get(rowB), 0x6c, ...I32_ADD, ...get(j), ...I32_ADD, ...set(src),
        ...get(out), ...get(sI), ...I32_ADD, ...get(j), ...i32c(2), ...I32_SHR_U, ...get(colB), 0x6c, ...I32_ADD, ...get(i), ...I32_ADD, ...set(dst),
        ...get(src), ...load(), ...set(a0),
        ...stepOf(src, rowB, 1), ...load(), ...set(a1),
        ...stepOf(src, rowB, 2), ...load(), ...set(a2),
        ...stepOf(src, rowB, 3), ...load(), ...set(a3),
        ...get(a0), ...get(a1), ...shuffle([0, 4, 1, 5]), ...set(t0),
        ...get(a0), ...get(a1), ...shuffle([2, 6, 3, 7]), ...set(t1),
        ...get(a2), ...get(a3), ...shuffle([0, 4, 1, 5]), ...set(t2),
        ...get(a2), ...get(a3), ...shuffle([2, 6, 3, 7]), ...set(t3),
        ...get(dst), ...get(t0), ...get(t2), ...shuffle([0, 1, 4, 5]), ...store(),
        ...stepOf(dst, colB, 1), ...get(t0), ...get(t2), ...shuffle([2, 3, 6, 7]), ...store(),
        ...stepOf(dst, colB, 2), ...get(t1), ...get(t3), ...shuffle([0, 1, 4, 5]), ...store(),
        ...stepOf(dst, colB, 3), ...get(t1), ...get(t3), ...shuffle([2, 3, 6, 7]), ...store(),
      ]))),
    ],
  }
}

function softmaxGradFn(): FnDef {
  // params: dp 0, p 1, ds 2, rows 3, c 4; locals: r 5, j 6, end 7, row 8 (i32); acc 9, dot 10 (v128)
  const [dp, p, ds, rows, c, r, j, end, row, acc, dot] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
  const rowAt = (ptr: number) => [...get(ptr), ...get(row), ...I32_ADD, ...get(j), ...I32_ADD]
  return {
    name: 'softmax_grad', params: [I32, I32, I32, I32, I32], locals: [[4, I32], [2, V128]],
    body: [
      ...get(c), ...i32c(2), ...I32_SHL, ...set(end),
      ...i32c(0), ...set(r), ...i32c(0), ...set(row),
      0x02, 0x40, 0x03, 0x40,
      ...get(r), ...get(rows), ...I32_GE_U, 0x0d, 1,
      ...splat4(0), ...set(acc),
      ...loop(j, end, 16, [...rowAt(dp), ...load(), ...rowAt(p), ...load(), ...F4_MUL, ...get(acc), ...F4_ADD, ...set(acc)]),
      ...hsum(acc), ...F4_SPLAT, ...set(dot),
      ...loop(j, end, 16, [...rowAt(ds), ...rowAt(p), ...load(), ...rowAt(dp), ...load(), ...get(dot), ...F4_SUB, ...F4_MUL, ...store()]),
      ...get(r), ...i32c(1), ...I32_ADD, ...set(r),
      ...get(row), ...get(end), ...I32_ADD, ...set(row),
      0x0c, 0, 0x0b, 0x0b,
    ],
  }
}

/** The module's bytes. */
export function simdModuleBytes(): Uint8Array {
  const fns = [geluForwardFn(), geluBackwardFn(), layerNormForwardFn(), layerNormBackwardFn(), sumRowsFn(), dropoutFn(), transposeFn(), softmaxGradFn()]
  const types = fns.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0])
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, 0x00]])), // memory, min 0 pages, no max
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(fns.map((f) => {
      const body = [...vec(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body, 0x0b]
      return [...uleb(body.length), ...body]
    }))),
  ]
  return new Uint8Array(bytes)
}

// The WebAssembly JS API, typed locally (the main-process type config has no DOM or wasm lib).
interface WasmJsApi {
  Memory: abstract new (...args: never[]) => object
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
  validate(bytes: Uint8Array): boolean
}
const WA = (globalThis as unknown as { WebAssembly: WasmJsApi }).WebAssembly

/** True when this engine accepts the module (wasm SIMD available). */
export function simdModuleValid(): boolean {
  return WA.validate(simdModuleBytes())
}

const cache = new WeakMap<WasmBackendLike, SimdKernels | null>()

/** The backend's memory, when its Emscripten module exposes it (tfjs-backend-wasm 4.x does, as asm.memory). */
function backendMemory(be: WasmBackendLike): { buffer: unknown } | null {
  const w = be.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown }
  const m = w.asm?.memory ?? w.wasmMemory
  return m instanceof WA.Memory ? (m as { buffer: unknown }) : null
}

/** The SIMD kernels instantiated over `be`'s memory, or null where that is not possible (no SIMD, no memory). */
export function simdKernels(be: WasmBackendLike): SimdKernels | null {
  if (cache.has(be)) return cache.get(be)!
  let k: SimdKernels | null = null
  try {
    const memory = backendMemory(be)
    if (memory && memory.buffer === be.wasm.HEAPU8.buffer) {
      const inst = new WA.Instance(new WA.Module(simdModuleBytes()), { env: { memory } })
      const e = inst.exports as Record<string, (...a: number[]) => void>
      k = {
        geluForward: e.gelu_fwd!, geluBackward: e.gelu_bwd!,
        layerNormForward: e.ln_fwd!, layerNormBackward: e.ln_bwd!, sumRows: e.sum_rows!, dropout: e.dropout!,
        transpose: e.transpose!, softmaxGrad: e.softmax_grad!,
      }
    }
  } catch {
    k = null // an engine without wasm SIMD: the JS kernels run instead
  }
  cache.set(be, k)
  return k
}
