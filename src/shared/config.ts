// Run configuration: one schema with defaults and limits, shared by the engine, the services,
// the terminal and the forms. Validated up front so a bad value is a sentence, not a stack trace.
import { z } from 'zod'
import { architectures, architecturesWith, imageSizes, modelInfo, textArchitectures } from './models'
import { backendSettings } from './backends'

/** Attention implementations the encoder and decoder can use. */
export const attentionKinds = ['full', 'sliding', 'linear'] as const
/** Model families the engine builds (listed once, in the model registry). */
export { architectures }
/** Tokenizers the engine can train on a dataset's own text. */
export const tokenizerKinds = ['char', 'word', 'subword'] as const

/** Model hyperparameters (names follow the Transformer paper). */
export const ModelConfigSchema = z.object({
  arch: z.enum(textArchitectures).default('encoder'),
  dModel: z.number().int().min(8).max(1024).default(128),
  nHeads: z.number().int().min(1).max(32).default(4),
  /** K/V heads: equal to nHeads is standard multi-head, 1 is multi-query, between is grouped-query. 0 = nHeads. */
  nKvHeads: z.number().int().min(0).max(32).default(0),
  nLayers: z.number().int().min(1).max(24).default(2),
  /** Feed-forward width; 0 means 4 x dModel. */
  ffnDim: z.number().int().min(0).max(8192).default(0),
  seqLen: z.number().int().min(4).max(2048).default(128),
  dropout: z.number().min(0).max(0.9).default(0.1),
  attnDropout: z.number().min(0).max(0.9).default(0.1),
  attention: z.enum(attentionKinds).default('full'),
  /** Half-width of the sliding window (tokens each side) for attention = 'sliding'. */
  window: z.number().int().min(1).max(2048).default(16),
  positional: z.enum(['learned', 'sinusoidal']).default('learned'),
  /** 'cls' pools the summary token (the last token in a causal decoder); 'mean' averages real tokens. */
  pooling: z.enum(['cls', 'mean']).default('cls'),
})

/** Tokenizer settings; the tokenizer is trained on the training split. */
export const TokenizerConfigSchema = z.object({
  kind: z.enum(tokenizerKinds).default('subword'),
  vocabSize: z.number().int().min(32).max(65536).default(8000),
  lowercase: z.boolean().default(true),
  normalize: z.enum(['NFC', 'NFKC', 'none']).default('NFKC'),
})

/** Optimiser, schedule and loop settings. */
export const TrainConfigSchema = z.object({
  epochs: z.number().int().min(1).max(500).default(5),
  batchSize: z.number().int().min(1).max(1024).default(32),
  learningRate: z.number().min(1e-7).max(1).default(1e-3),
  weightDecay: z.number().min(0).max(1).default(0.01),
  warmupRatio: z.number().min(0).max(0.5).default(0.1),
  schedule: z.enum(['cosine', 'linear', 'constant']).default('cosine'),
  /** Global-norm gradient clipping; 0 turns it off. */
  gradClip: z.number().min(0).max(100).default(1),
  labelSmoothing: z.number().min(0).max(0.5).default(0),
  classWeights: z.enum(['none', 'balanced']).default('none'),
  /** Epochs without validation-loss improvement before stopping; 0 turns early stopping off. */
  patience: z.number().int().min(0).max(100).default(3),
  /**
   * Which validation figure picks the kept epoch and drives early stopping: macro-F1 (the quality the
   * UI shows; ties go to the lower loss) or the validation loss.
   */
  keepBest: z.enum(['macroF1', 'loss']).default('macroF1'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  /** Optional hard cap on optimiser steps (0 = no cap). */
  maxSteps: z.number().int().min(0).max(10_000_000).default(0),
  /** Threads that compute each step (data-parallel; results do not depend on it). 0 = one per core. */
  workers: z.number().int().min(0).max(64).default(0),
  /** Compute backend: auto (the first that loads: GPU ones first, a software WebGPU adapter never) or one pinned; a pinned one that cannot start fails the run. */
  backend: z.enum(backendSettings).default('auto'),
})

/** How a fine-tune from a base trains: every weight, low-rank adapters, or only a head on cached features. */
export const finetuneModes = ['full', 'lora', 'frozen'] as const

/** Fine-tuning from an earlier run (classifier or pretrained model) or from a base. */
export const FinetuneConfigSchema = z.object({
  fromRunId: z.string().min(1).max(64).nullable().default(null),
  /** A base (imported checkpoint or pretraining run) to start from. */
  baseId: z.string().min(1).max(64).nullable().default(null),
  /** full: every weight (the body at bodyLrScale); lora: adapters + head; frozen: the body runs once per text, only the head trains. */
  mode: z.enum(finetuneModes).default('full'),
  freezeEmbeddings: z.boolean().default(false),
  /** Freeze the lowest N blocks. */
  freezeLayers: z.number().int().min(0).max(24).default(0),
  lora: z
    .object({
      enabled: z.boolean().default(false),
      rank: z.number().int().min(1).max(256).default(8),
      alpha: z.number().min(0.1).max(1024).default(16),
      /** Adapters on the feed-forward projections too (not only attention). */
      ffn: z.boolean().default(false),
    })
    .prefault({}),
  /** Learning-rate multiplier for the body (the head uses 1). */
  bodyLrScale: z.number().min(0).max(1).default(0.1),
  /** Full mode: fit the new head on the frozen body's features first, then train everything (linear probe, then fine-tune). */
  probeFirst: z.boolean().default(true),
})

/** Pretraining on unlabeled text: masked-language model for an encoder, next-token prediction for a decoder. */
export const PretrainConfigSchema = z.object({
  /** Share of tokens an encoder hides per text (of those, 80% become [MASK], 10% a random token, 10% stay). */
  maskRate: z.number().min(0.05).max(0.5).default(0.15),
  /** A folder of .txt files whose paragraphs are pretrained on besides the dataset's own texts. */
  textDir: z.string().min(1).max(4096).nullable().default(null),
})

/**
 * Images (datasets of kind 'image'): the square size they are resized to (centre crop, then resize), colour or
 * grey, and the augmentation applied to each training batch (validation and test images are never changed).
 */
export const ImageConfigSchema = z.object({
  size: z
    .number()
    .int()
    .refine((n) => (imageSizes as readonly number[]).includes(n), { message: `The image size must be one of ${imageSizes.join(', ')} pixels.` })
    .default(32),
  /** 3 reads colour (RGB), 1 reads grey. */
  channels: z.union([z.literal(1), z.literal(3)]).default(3),
  augment: z
    .object({
      /** Mirror left-right at random (off by default: it changes what digits, text and left/right mean). */
      flip: z.boolean().default(false),
      /** Shift by up to an eighth of the side at random, edges repeated (a random crop of the padded image). */
      crop: z.boolean().default(true),
      /** Random brightness, contrast and colour balance, up to this share (0 = off). */
      jitter: z.number().min(0).max(0.5).default(0.1),
    })
    .prefault({}),
})

/** What a run does: train a classifier, or pretrain a base (encoder or decoder) on unlabeled text. */
export const taskKinds = ['classify', 'pretrain'] as const

/** The full, resolved configuration of one run. */
export const RunConfigSchema = z
  .object({
    task: z.enum(taskKinds).default('classify'),
    model: ModelConfigSchema.prefault({}),
    tokenizer: TokenizerConfigSchema.prefault({}),
    train: TrainConfigSchema.prefault({}),
    finetune: FinetuneConfigSchema.prefault({}),
    pretrain: PretrainConfigSchema.prefault({}),
    image: ImageConfigSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    const m = c.model
    if (m.dModel % m.nHeads !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'nHeads'],
        message: `The model width (dModel = ${m.dModel}) must be divisible by the number of heads (${m.nHeads}).`,
      })
    }
    const kv = m.nKvHeads || m.nHeads
    if (m.nHeads % kv !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'nKvHeads'],
        message: `The number of heads (${m.nHeads}) must be a multiple of the key/value heads (${kv}).`,
      })
    }
    if (c.task === 'pretrain' && !modelInfo(m.arch).capabilities.pretrain) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'arch'],
        message: `Pretraining on unlabeled text needs a Transformer: ${architecturesWith('pretrain').map((a) => `the ${a} (${modelInfo(a).pretrain!.predicts})`).join(' or ')}.`,
      })
    }
    if (c.finetune.fromRunId && c.finetune.baseId) {
      ctx.addIssue({
        code: 'custom',
        path: ['finetune', 'baseId'],
        message: 'Start from either a base or an earlier run, not both.',
      })
    }
  })

export type ModelConfig = z.output<typeof ModelConfigSchema>
export type TokenizerConfig = z.output<typeof TokenizerConfigSchema>
export type TrainConfig = z.output<typeof TrainConfigSchema>
export type FinetuneConfig = z.output<typeof FinetuneConfigSchema>
export type FinetuneMode = (typeof finetuneModes)[number]
export type PretrainConfig = z.output<typeof PretrainConfigSchema>
export type ImageConfig = z.output<typeof ImageConfigSchema>
export type RunConfig = z.output<typeof RunConfigSchema>
/** A partial config as a user or a preset writes it; defaults fill the rest. */
export type RunConfigInput = z.input<typeof RunConfigSchema>

/** Named starting points with a sentence on what each trades. */
export const presets = {
  quick: {
    description: 'Small model, 3 epochs: the fastest first answer (see the estimate).',
    config: {
      model: { dModel: 64, nHeads: 4, nLayers: 1, seqLen: 64 },
      tokenizer: { kind: 'word', vocabSize: 4000 },
      train: { epochs: 3, batchSize: 32, learningRate: 2e-3 },
      image: { size: 32 },
    },
  },
  balanced: {
    description: 'Medium model, 8 epochs with early stopping: good accuracy at moderate cost.',
    config: {
      model: { dModel: 128, nHeads: 4, nLayers: 2, seqLen: 128 },
      tokenizer: { kind: 'subword', vocabSize: 8000 },
      train: { epochs: 8, batchSize: 32, learningRate: 1e-3 },
      image: { size: 32 },
    },
  },
  thorough: {
    description: 'Larger model, up to 20 epochs: best accuracy, takes much longer.',
    config: {
      model: { dModel: 192, nHeads: 6, nLayers: 4, seqLen: 256 },
      tokenizer: { kind: 'subword', vocabSize: 12000 },
      train: { epochs: 20, batchSize: 32, learningRate: 5e-4, patience: 4 },
      image: { size: 48 },
    },
  },
} as const satisfies Record<string, { description: string; config: RunConfigInput }>

export type PresetName = keyof typeof presets
export const presetNames = Object.keys(presets) as PresetName[]

/** The fine-tune mode a config means (the older `lora.enabled` switch reads as mode 'lora'). */
export function finetuneMode(ft: FinetuneConfig): FinetuneMode {
  return ft.mode === 'full' && ft.lora.enabled ? 'lora' : ft.mode
}

/** Deep-merge plain objects (later wins); arrays and scalars replace. */
export function mergeConfig<T>(base: T, ...overrides: unknown[]): T {
  let out: unknown = base
  for (const o of overrides) out = mergeTwo(out, o)
  return out as T
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function mergeTwo(a: unknown, b: unknown): unknown {
  if (b === undefined) return a
  if (!isPlain(a) || !isPlain(b)) return b
  const out: Record<string, unknown> = { ...a }
  for (const [k, v] of Object.entries(b)) out[k] = mergeTwo(a[k], v)
  return out
}

/** Resolve a preset plus overrides into a full config, or throw a readable error. */
export function resolveConfig(preset: PresetName | null, ...overrides: unknown[]): RunConfig {
  const base = preset ? presets[preset].config : {}
  const merged = mergeConfig<unknown>(structuredClone(base), ...overrides)
  const parsed = RunConfigSchema.safeParse(merged)
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues))
  return parsed.data
}

/** A configuration the user can fix; its message is meant to be shown as is. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Turn schema issues into one plain-language sentence per problem. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const where = i.path.length ? `${i.path.join('.')}: ` : 'the input '
      return `${where}${plainMessage(i)}`
    })
    .join('; ')
}

/** What a value of the expected type is, in plain words ("undefined" is what a method taking nothing expects). */
function expectedWords(expected: string): string {
  const words: Record<string, string> = {
    int: 'must be a whole number',
    number: 'must be a number',
    string: 'must be text',
    boolean: 'must be true or false',
    object: 'must be a group of named values',
    array: 'must be a list',
    record: 'must be a group of named values',
    undefined: 'takes no value here: leave it out',
    null: 'must be empty',
    never: 'is not expected here: leave it out',
  }
  return words[expected] ?? `is not the right kind of value (expected ${expected})`
}

/** Schema messages in the words a non-programmer would use. */
function plainMessage(i: z.core.$ZodIssue): string {
  switch (i.code) {
    case 'too_big':
      return i.origin === 'array' || i.origin === 'string'
        ? `is too long (at most ${String(i.maximum)}${i.origin === 'string' ? ' characters' : ' items'})`
        : `must be at most ${String(i.maximum)}`
    case 'too_small':
      return i.origin === 'array' || i.origin === 'string'
        ? i.minimum === 1
          ? 'must not be empty'
          : `is too short (at least ${String(i.minimum)}${i.origin === 'string' ? ' characters' : ' items'})`
        : `must be at least ${String(i.minimum)}`
    case 'invalid_type':
      return expectedWords(i.expected)
    case 'invalid_value':
      return `must be one of: ${i.values.map((v) => String(v)).join(', ')}`
    case 'unrecognized_keys':
      return `unknown setting${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}`
    default:
      return i.message
  }
}
