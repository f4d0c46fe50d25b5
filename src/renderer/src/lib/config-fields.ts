// The hyperparameter form's fields, read from the shared config schema so limits and defaults
// never drift from what the services accept. Help texts live in i18n under `fields.<group>.<key>`.
import type { z } from 'zod'
import {
  FinetuneConfigSchema,
  ModelConfigSchema,
  RunConfigSchema,
  TokenizerConfigSchema,
  TrainConfigSchema,
  PretrainConfigSchema,
  ImageConfigSchema,
  type RunConfig,
} from '../../../shared/config'
import { imageSizes } from '../../../shared/models'

/** One editable setting of a run config. */
export interface ConfigField {
  /** The config section it belongs to (every object-valued key of RunConfig). */
  group: Exclude<keyof RunConfig, 'task'>
  key: string
  /** Dotted path into RunConfig, e.g. "model.dModel". */
  path: string
  kind: 'int' | 'number' | 'enum' | 'boolean'
  min?: number
  max?: number
  options?: string[]
  /** An enum whose options are numbers (shown as text, stored as numbers), e.g. the image size. */
  numeric?: boolean
  default: unknown
}

type Def = { type: string; innerType?: z.ZodType; defaultValue?: unknown }
type Inner = z.ZodType & { minValue?: number | null; maxValue?: number | null; isInt?: boolean; options?: string[] }

function fieldsOf(group: ConfigField['group'], shape: Record<string, z.ZodType>): ConfigField[] {
  const out: ConfigField[] = []
  for (const [key, schema] of Object.entries(shape)) {
    const def = (schema as unknown as { _zod: { def: Def } })._zod.def
    if (def.type !== 'default') continue
    const inner = def.innerType as Inner
    const type = (inner as unknown as { _zod: { def: Def } })._zod.def.type
    const base = { group, key, path: `${group}.${key}`, default: def.defaultValue }
    if (type === 'number') {
      out.push({ ...base, kind: inner.isInt ? 'int' : 'number', min: inner.minValue ?? undefined, max: inner.maxValue ?? undefined })
    } else if (type === 'enum') {
      out.push({ ...base, kind: 'enum', options: [...(inner.options ?? [])] })
    } else if (type === 'boolean') {
      out.push({ ...base, kind: 'boolean' })
    }
  }
  return out
}

// LoRA settings sit one level deeper (finetune.lora.*), inside a prefault wrapper.
function loraFields(): ConfigField[] {
  const def = (FinetuneConfigSchema.shape.lora as unknown as { _zod: { def: Def } })._zod.def
  const obj = def.innerType as unknown as { shape: Record<string, z.ZodType> }
  return fieldsOf('finetune', obj.shape).map((f) => ({ ...f, key: `lora.${f.key}`, path: `finetune.lora.${f.key}` }))
}

// Image settings (datasets of kind 'image'): the size and channels are a short list of numbers, the
// augmentation switches sit one level deeper (image.augment.*).
function imageFields(): ConfigField[] {
  const defaults = ImageConfigSchema.parse({})
  const augment = (ImageConfigSchema.shape.augment as unknown as { _zod: { def: Def } })._zod.def.innerType as unknown as {
    shape: Record<string, z.ZodType>
  }
  return [
    { group: 'image', key: 'size', path: 'image.size', kind: 'enum', numeric: true, options: imageSizes.map(String), default: defaults.size },
    { group: 'image', key: 'channels', path: 'image.channels', kind: 'enum', numeric: true, options: ['3', '1'], default: defaults.channels },
    ...fieldsOf('image', augment.shape).map((f) => ({ ...f, key: `augment.${f.key}`, path: `image.augment.${f.key}` })),
  ]
}

/** Every field of the Advanced panel, grouped as the schema groups them. */
export const configFields: ConfigField[] = [
  ...fieldsOf('model', ModelConfigSchema.shape),
  ...fieldsOf('tokenizer', TokenizerConfigSchema.shape),
  ...fieldsOf('train', TrainConfigSchema.shape),
  ...fieldsOf('finetune', FinetuneConfigSchema.shape),
  ...loraFields(),
  ...fieldsOf('pretrain', PretrainConfigSchema.shape),
  ...imageFields(),
]

/** A field's own range problem, or null (cross-field rules come from validateConfig). */
export function rangeProblem(field: ConfigField, value: unknown): 'required' | 'integer' | 'range' | null {
  if (field.kind !== 'int' && field.kind !== 'number') return null
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return 'required'
  if (typeof value !== 'number') return 'required'
  if (field.kind === 'int' && !Number.isInteger(value)) return 'integer'
  if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) return 'range'
  return null
}

/** Read a dotted path from a config. */
export function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj)
}

/** Write a dotted path into a config (mutates; creates missing objects). */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let o = obj
  for (const k of keys.slice(0, -1)) {
    if (!o[k] || typeof o[k] !== 'object') o[k] = {}
    o = o[k] as Record<string, unknown>
  }
  o[keys[keys.length - 1]] = value
}

/** Cross-field rules: the field the schema reports them on -> the other fields they involve. */
const relatedFields: Record<string, string[]> = {
  'model.nHeads': ['model.dModel'],
  'model.nKvHeads': ['model.nHeads'],
}

/** Validate a full config; problems keyed by dotted path so each shows under its own field. */
export function validateConfig(config: unknown): { ok: true; config: RunConfig } | { ok: false; issues: Record<string, string> } {
  const parsed = RunConfigSchema.safeParse(config)
  if (parsed.success) return { ok: true, config: parsed.data }
  const issues: Record<string, string> = {}
  for (const i of parsed.error.issues) {
    const key = i.path.join('.') || '_'
    issues[key] ??= i.message
    // A rule between two fields shows beside both of them.
    for (const other of relatedFields[key] ?? []) issues[other] ??= i.message
  }
  return { ok: false, issues }
}
