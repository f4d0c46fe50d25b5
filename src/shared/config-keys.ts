// The setting names a run config may hold, read from the config schema, and the check that refuses
// a name it does not know (a typo would otherwise be dropped silently and the run would train with
// the default). Applied to what the user gives (API input, --set), never to stored configs, so an
// old run with a setting since retired still reads.
import type { z } from 'zod'
import { RunConfigSchema } from './config'

/** Every leaf setting as a dotted name ("train.learningRate"), in schema order. */
export const knownConfigKeys: readonly string[] = leaves(RunConfigSchema, '')

/** Groups of settings (objects): a value given for one of these must itself be an object of known keys. */
const groups = new Set(groupsOf(RunConfigSchema, ''))

/** Wrappers (default, prefault, optional, nullable) down to the schema that holds the shape. */
function unwrap(s: z.core.$ZodType): z.core.$ZodType {
  let cur = s
  for (let i = 0; i < 10; i++) {
    const inner = (cur._zod.def as { innerType?: z.core.$ZodType }).innerType
    if (!inner) break
    cur = inner
  }
  return cur
}

function shapeOf(s: z.core.$ZodType): Record<string, z.core.$ZodType> | null {
  const u = unwrap(s)
  return u._zod.def.type === 'object' ? (u._zod.def as unknown as { shape: Record<string, z.core.$ZodType> }).shape : null
}

function leaves(s: z.core.$ZodType, prefix: string): string[] {
  const shape = shapeOf(s)
  if (!shape) return [prefix]
  return Object.entries(shape).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k))
}

function groupsOf(s: z.core.$ZodType, prefix: string): string[] {
  const shape = shapeOf(s)
  if (!shape) return []
  return [prefix, ...Object.entries(shape).flatMap(([k, v]) => groupsOf(v, prefix ? `${prefix}.${k}` : k))]
}

/** The first setting name in `input` (a partial run config) that the schema does not know, or null. */
export function firstUnknownKey(input: unknown, prefix = ''): string | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null
  for (const [k, v] of Object.entries(input)) {
    const path = prefix ? `${prefix}.${k}` : k
    if (groups.has(path)) {
      const inner = firstUnknownKey(v, path)
      if (inner) return inner
    } else if (!knownConfigKeys.includes(path)) {
      return path
    }
  }
  return null
}

/** A sentence refusing the unknown setting `key`, naming the known one nearest to it; null when every name is known. */
export function unknownKeyMessage(input: unknown): string | null {
  const key = firstUnknownKey(input)
  if (key === null) return null
  return `There is no setting "${key}"; the nearest known one is "${nearestKey(key)}".`
}

/** The known setting (or group of settings) closest to `key` by edit distance (on the whole dotted name, and on its last part alone). */
export function nearestKey(key: string): string {
  const leaf = key.slice(key.lastIndexOf('.') + 1).toLowerCase()
  let best = knownConfigKeys[0]
  let bestScore = Infinity
  for (const k of [...groups, ...knownConfigKeys]) {
    if (!k) continue
    const kLeaf = k.slice(k.lastIndexOf('.') + 1).toLowerCase()
    const score = Math.min(distance(key.toLowerCase(), k.toLowerCase()), distance(leaf, kLeaf) + 0.5)
    if (score < bestScore) {
      bestScore = score
      best = k
    }
  }
  return best
}

/** Levenshtein distance (names are short: at most a few dozen characters). */
function distance(a: string, b: string): number {
  if (a.length > 200 || b.length > 200) return Math.max(a.length, b.length)
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]
}
