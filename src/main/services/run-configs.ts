// A run's config from what the user asked: preset, the preset sized for the dataset, their
// overrides, and for a fine-tune the shape and tokenizer of the model it starts from. Invalid
// configs are refused in plain words.
import { UserError } from '../../shared/api'
import { ConfigError, resolveConfig, type PresetName, type RunConfig, type RunConfigInput } from '../../shared/config'
import { unknownKeyMessage } from '../../shared/config-keys'
import type { FinetuneStartPoint } from './finetune-start'
import type { PresetSizer } from './preset-sizer'
import { describePoint, dottedToNested, type SweepPoint } from './sweeps'

// Pretraining on a dataset's own text (a few thousand texts) needs many passes before its features beat a
// classifier trained from scratch. bench:pretrain (400 labelled, 2,000 unlabeled, fine-tuned with mean
// pooling and the body at the full rate, seed 1): 4 epochs at 3e-3 gave 52.2% on the State of the Union set
// and 95.4% on Spam Assassin (scratch: 55.0%, 96.2%); 16 epochs gave 58.6% and 95.4%.
const PRETRAIN_DEFAULTS: RunConfigInput = { train: { epochs: 16, learningRate: 3e-3 } }

/** Resolves run configs; `starts` finds a fine-tune's starting point, `countRuns` numbers default names. */
export function createRunConfigs(deps: { starts: { resolve(config: RunConfig): FinetuneStartPoint | null }; sizer: PresetSizer; countRuns: () => number }) {
  /** The preset's config with the overrides applied, or a UserError that says what is wrong. */
  function resolve(preset: PresetName | undefined, ...overrides: unknown[]): RunConfig {
    try {
      return resolveConfig(preset ?? null, ...overrides)
    } catch (err) {
      if (err instanceof ConfigError) throw new UserError(`This configuration cannot be used: ${err.message}`)
      throw err
    }
  }

  /** For a fine-tune: the config with the base model's shape and tokenizer (the engine cannot change them). */
  function withBase(config: RunConfig): RunConfig {
    const start = deps.starts.resolve(config)
    if (!start) return config
    return {
      ...config,
      model: { ...start.model, dropout: config.model.dropout, attnDropout: config.model.attnDropout, pooling: config.model.pooling },
      tokenizer: start.tokenizer ?? config.tokenizer,
    }
  }

  /** Refuse a setting name the config does not know (the user's input only: stored configs are never checked). */
  function checkKeys(overrides: unknown): void {
    const problem = unknownKeyMessage(overrides)
    if (problem) throw new UserError(`This configuration cannot be used: ${problem}`)
  }

  /** Settings measured to suit this kind of run, to go under the user's own (none: the preset's stand). */
  function measuredDefaults(config: RunConfig): RunConfigInput[] {
    const fromStart = deps.starts.resolve(config)?.defaults
    return [...(fromStart ? [fromStart] : []), ...(config.task === 'pretrain' ? [PRETRAIN_DEFAULTS] : [])]
  }

  return {
    resolve,
    withBase,
    checkKeys,

    /**
     * A run's config: the preset sized for the dataset when one is given, then the overrides. A
     * fine-tune records what actually trains (the base's shape), not the preset's defaults.
     */
    forRun(preset: PresetName | undefined, overrides: unknown, datasetId?: string): RunConfig {
      checkKeys(overrides)
      const sizing = datasetId ? deps.sizer(preset, datasetId, overrides) : null
      const config = resolve(preset, sizing?.config, overrides)
      // Settings measured to suit pretraining, or the start (a base pretrained here), go under the user's own.
      const defaults = measuredDefaults(config)
      return withBase(defaults.length ? resolve(preset, sizing?.config, ...defaults, overrides) : config)
    },

    /** One sweep point's config on top of the sweep's sized preset and overrides. */
    forSweepPoint(preset: PresetName | undefined, sized: unknown, overrides: unknown, point: SweepPoint): RunConfig {
      try {
        const config = resolveConfig(preset ?? null, sized, overrides, dottedToNested(point))
        const defaults = measuredDefaults(config)
        return withBase(defaults.length ? resolveConfig(preset ?? null, sized, ...defaults, overrides, dottedToNested(point)) : config)
      } catch (err) {
        if (err instanceof ConfigError) throw new UserError(`The sweep point ${describePoint(point)} is not a valid configuration: ${err.message}`)
        throw err
      }
    },

    /** "Balanced run 4", "Fine-tune run 5": the kind of run and its number in the history. */
    defaultName(preset: PresetName | undefined, config: RunConfig): string {
      const n = deps.countRuns() + 1
      const kind = config.finetune.fromRunId || config.finetune.baseId ? 'Fine-tune' : config.task === 'pretrain' ? 'Pretrain' : preset ? preset[0].toUpperCase() + preset.slice(1) : 'Custom'
      return `${kind} run ${n}`
    },
  }
}
