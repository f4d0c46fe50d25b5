// Where a fine-tune starts: an earlier run's saved model (`finetune.fromRunId`) or a base
// (`finetune.baseId`: an imported checkpoint under bases/<id>/, or a completed pretraining run). It
// answers the model folder the trainer reads, the model shape the run records (the engine keeps the
// source's shape whatever the preset said), and the base for lineage (runs.base_id).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../shared/api'
import type { ModelConfig, RunConfig, RunConfigInput, TokenizerConfig } from '../../shared/config'
import type { BaseArch } from '../engine/bases/arch'
import { createBasesRepo } from '../store/bases-repo'
import type { Db } from '../store/db'
import type { RunRecord } from '../store/runs-repo'
import { runDirOf } from './run-folder'

/** A resolved starting point. */
export interface FinetuneStartPoint {
  /** The folder the trainer initialises from (a run's model/ or a base's folder). */
  modelDir: string
  /** The source's model shape (the run records it instead of the preset's). */
  model: ModelConfig
  /** The source's tokenizer settings, when it was trained here (imported bases bring their own tokenizer). */
  tokenizer: TokenizerConfig | null
  /** The base the run descends from (lineage), if any. */
  baseId: string | null
  /** The run it was fine-tuned from, if any. */
  parentRunId: string | null
  /** Settings that suit this start, applied under the user's own (null: the preset's stand). */
  defaults: RunConfigInput | null
}

// A masked-language model pretrained here is small and briefly trained, and nothing taught its [CLS] to
// summarise (there is no next-sentence task): fine-tuned on [CLS] with the body at a tenth of the rate it
// fell to the majority class on the State of the Union set (macro-F1 15%) and lost 15 points on Spam
// Assassin; mean pooling with the body at the full rate kept 52% and 95% (bench:pretrain, seed 1).
const MLM_BASE_DEFAULTS: RunConfigInput = { model: { pooling: 'mean' }, finetune: { bodyLrScale: 1 } }

/** Resolves fine-tune starting points and records lineage. */
export function createFinetuneStarts(deps: { db: Db; home: string; runRecord: (id: string) => RunRecord | null }) {
  const bases = createBasesRepo(deps.db)

  function fromRun(id: string, what: string): FinetuneStartPoint {
    const parent = deps.runRecord(id)
    if (!parent) throw new UserError(`The ${what} ("${id}") does not exist.`, 'not_found')
    const modelDir = join(parent.runDir, 'model')
    if (!existsSync(modelDir)) throw new UserError(`The run "${parent.run.name}" has no saved model to fine-tune from (it is ${parent.run.status}).`)
    const pretrainedHere = parent.run.config.task === 'pretrain' && parent.run.config.model.arch === 'encoder'
    return { modelDir, model: parent.run.config.model, tokenizer: parent.run.config.tokenizer, baseId: bases.byRun(id)?.id ?? null, parentRunId: id, defaults: pretrainedHere ? MLM_BASE_DEFAULTS : null }
  }

  const starts = {
    /** The start of a config's fine-tune, or null when it trains from scratch; refuses missing sources in plain words. */
    resolve(config: RunConfig): FinetuneStartPoint | null {
      const { fromRunId, baseId } = config.finetune
      if (fromRunId) return fromRun(fromRunId, 'run to fine-tune from')
      if (!baseId) return null
      const base = bases.get(baseId)
      if (!base) throw new UserError(`The base "${baseId}" does not exist.`, 'not_found')
      if (base.runId) return { ...fromRun(base.runId, `pretraining run of base "${base.name}"`), baseId, parentRunId: null }
      const modelDir = join(deps.home, 'bases', base.id)
      if (!existsSync(join(modelDir, 'base.json'))) throw new UserError(`The files of base "${base.name}" are missing from the data folder; import it again.`)
      const arch = (JSON.parse(readFileSync(join(modelDir, 'base.json'), 'utf8')) as { arch: BaseArch }).arch
      const model: ModelConfig = {
        ...config.model,
        arch: arch.causal ? 'decoder' : 'encoder',
        dModel: arch.dModel,
        nHeads: arch.nHeads,
        nKvHeads: 0,
        nLayers: arch.nLayers,
        ffnDim: arch.ffnDim,
        seqLen: Math.max(4, Math.min(2048, arch.maxLength - 1)),
        attention: 'full',
        positional: 'learned',
      }
      return { modelDir, model, tokenizer: null, baseId, parentRunId: null, defaults: null }
    },
    /**
     * The folder a queued fine-tune initialises from when it launches: the parent run's model/ (not
     * checked again: the trainer reports one deleted since) or the base's folder; null from scratch.
     */
    initFrom(config: RunConfig): string | null {
      const { fromRunId, baseId } = config.finetune
      if (fromRunId) return join(deps.runRecord(fromRunId)?.runDir ?? runDirOf(deps.home, fromRunId), 'model')
      return baseId ? (starts.resolve(config)?.modelDir ?? null) : null
    },
    /** Records the base a run descends from. */
    recordLineage(runId: string, baseId: string | null): void {
      if (baseId) bases.setRunBase(runId, baseId)
    },
  }
  return starts
}
