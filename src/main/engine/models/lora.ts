// LoRA (Hu et al. 2021): a frozen projection W gains a trainable low-rank update (alpha / r) A B.
// Only A [Din, r] and B [r, Dout] train, about r (Din + Dout) numbers per projection instead of Din Dout.
// Adapters sit on the attention projections (fused QKV and output) of every block, and with `ffn` on the
// two feed-forward projections too.
import { modelInfo } from '../../../shared/models'
import type { WeightKind } from './block'
import type { ModelSpec } from './types'

/** Names and shapes of every adapter weight; A draws small random values, B starts at zero. */
export function loraShapes(spec: ModelSpec): [string, number[], WeightKind | 'loraA'][] {
  if (!spec.lora || !modelInfo(spec.dims.arch).capabilities.lora) return []
  const { dModel: D, nHeads: H, nKvHeads: Hkv, headDim: Dh } = spec.dims
  const r = spec.lora.rank
  const s: [string, number[], WeightKind | 'loraA'][] = []
  for (let i = 0; i < spec.dims.nLayers; i++) {
    for (const [proj, dOut] of [['qkv', (H + 2 * Hkv) * Dh], ['out', D]] as const) {
      s.push([`block_${i}/attn/${proj}_lora_a`, [D, r], 'loraA'], [`block_${i}/attn/${proj}_lora_b`, [r, dOut], 'b'])
    }
    if (spec.lora.ffn) {
      const F = spec.dims.ffnDim
      s.push([`block_${i}/ffn/w1_lora_a`, [D, r], 'loraA'], [`block_${i}/ffn/w1_lora_b`, [r, F], 'b'])
      s.push([`block_${i}/ffn/w2_lora_a`, [F, r], 'loraA'], [`block_${i}/ffn/w2_lora_b`, [r, D], 'b'])
    }
  }
  return s
}

/** True for adapter weights. */
export function isLoraWeight(name: string): boolean {
  return /_lora_[ab]$/.test(name)
}
