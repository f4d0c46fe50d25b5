// The Train form: dataset, task, preset, every hyperparameter, inline validation and the plan
// (size, memory, duration) the services estimate for it.
import { defineStore } from 'pinia'
import { computed, ref, toRaw, watch } from 'vue'
import type { RunPlan } from '../../../shared/api'
import { mergeConfig, presets as sharedPresets, resolveConfig, type FinetuneMode, type PresetName, type RunConfig } from '../../../shared/config'
import { modelInfo, textArchitectures } from '../../../shared/models'
import { errorMessage, useApi } from '../api'
import { setPath, validateConfig } from '../lib/config-fields'
import { useAppStore } from './app'

// Deep copy of state that may be a reactive proxy (structuredClone refuses proxies).
function plain<T>(v: T): T {
  return structuredClone(toRaw(v))
}

/** What changed from `before` to `after`, as a partial object of only the changed leaves (null: nothing). */
function editsBetween(before: unknown, after: unknown): unknown {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (!isObj(before) || !isObj(after)) return JSON.stringify(before) === JSON.stringify(after) ? null : after
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(after)) {
    const d = editsBetween(before[k], after[k])
    if (d !== null) out[k] = d
  }
  return Object.keys(out).length ? out : null
}

function presetConfig(name: PresetName): RunConfig {
  const fromServer = useAppStore().presets?.[name]?.config
  return plain(fromServer ?? resolveConfig(name))
}

/** Form state for starting runs. */
export const useTrainStore = defineStore('train', () => {
  const datasetId = ref<string | null>(null)
  const preset = ref<PresetName>('quick')
  const config = ref<RunConfig>(resolveConfig('quick'))
  const name = ref('')
  const showAdvanced = ref(false)
  const plan = ref<RunPlan | null>(null)
  const planError = ref<string | null>(null)
  const planning = ref(false)
  /** "Measure speed": a short calibration on this machine, its error shown in place. */
  const measuring = ref(false)
  const measureError = ref<string | null>(null)
  /** The dataset and preset whose data-sized settings are already in the form (applied once per pair). */
  let sizedFor: string | null = null
  let planTimer: ReturnType<typeof setTimeout> | null = null
  let planSeq = 0

  /** Text typed into a number field that is not a number, by path (the config keeps its last good value). */
  const badText = ref<Record<string, string>>({})
  const validation = computed(() => validateConfig(config.value))
  const issues = computed<Record<string, string>>(() => (validation.value.ok ? {} : validation.value.issues))
  const valid = computed(() => validation.value.ok && !Object.keys(badText.value).length)

  /** Record (or clear, with null) what was typed into a number field that is not a number. */
  function setBadText(path: string, text: string | null): void {
    const next = { ...badText.value }
    if (text === null) delete next[path]
    else next[path] = text
    badText.value = next
  }
  const presetDescriptions = computed(() =>
    Object.fromEntries(Object.entries(sharedPresets).map(([k, v]) => [k, useAppStore().presets?.[k as PresetName]?.description ?? v.description])),
  )

  /** Pick a preset; task and fine-tuning choices survive the switch. */
  function choosePreset(p: PresetName): void {
    const keep = { task: config.value.task, finetune: plain(config.value.finetune), arch: config.value.model.arch }
    preset.value = p
    sizedFor = null
    badText.value = {}
    const c = presetConfig(p)
    c.task = keep.task
    c.finetune = keep.finetune
    c.model.arch = keep.arch
    config.value = c
  }

  /** Change one setting by dotted path ("train.learningRate"). */
  function set(path: string, value: unknown): void {
    const c = plain(config.value)
    setPath(c, path, value)
    config.value = c
  }

  /** Switch between classifying and pretraining a base model on unlabeled text. */
  function setTask(task: RunConfig['task']): void {
    const c = plain(config.value)
    c.task = task
    if (task === 'pretrain') {
      // The encoder pretrains as a masked-language model, the decoder by next-token prediction.
      if (!modelInfo(c.model.arch).capabilities.pretrain) c.model.arch = textArchitectures.find((a) => modelInfo(a).capabilities.pretrain)!
      c.finetune.fromRunId = null
      c.finetune.baseId = null
    }
    config.value = c
  }

  /** Fine-tune from an earlier run (null: train from scratch). */
  function setFinetuneFrom(runId: string | null): void {
    const c = plain(config.value)
    c.finetune.fromRunId = runId
    if (runId) {
      c.task = 'classify'
      c.finetune.baseId = null
    }
    config.value = c
  }

  /** Fine-tune from a base (null: train from scratch). */
  function setBase(baseId: string | null): void {
    const c = plain(config.value)
    c.finetune.baseId = baseId
    if (baseId) {
      c.task = 'classify'
      c.finetune.fromRunId = null
    }
    config.value = c
  }

  /** How a fine-tune trains: every weight, LoRA adapters, or a head on frozen features. */
  function setFinetuneMode(mode: FinetuneMode): void {
    const c = plain(config.value)
    c.finetune.mode = mode
    c.finetune.lora.enabled = false
    config.value = c
  }

  function input(queue = false) {
    return {
      datasetId: datasetId.value!,
      name: name.value.trim() || undefined,
      preset: preset.value,
      config: plain(config.value),
      queue,
    }
  }

  /** Ask the services what this config will cost (debounced while the user types). */
  function schedulePlan(delay = 400): void {
    if (planTimer) clearTimeout(planTimer)
    planTimer = setTimeout(() => void refreshPlan(), delay)
  }

  async function refreshPlan(): Promise<void> {
    if (!datasetId.value || !valid.value) {
      // Nothing to estimate: no answer still in flight may land, and nothing shows as pending.
      planSeq++
      plan.value = null
      planning.value = false
      return
    }
    const seq = ++planSeq
    planning.value = true
    try {
      const asked = input()
      const p = await useApi().runs.plan(asked)
      if (seq === planSeq) {
        plan.value = p
        planError.value = null
        applySizing(p, asked.datasetId, asked.config)
      }
    } catch (err) {
      if (seq === planSeq) {
        plan.value = null
        planError.value = errorMessage(err)
      }
    } finally {
      if (seq === planSeq) planning.value = false
    }
  }

  /**
   * The services sized the preset for this dataset: put those settings into the form once per
   * dataset and preset, so what the user then changes stays changed.
   */
  function applySizing(p: RunPlan, forDataset: string, asked: RunConfig): void {
    const key = `${forDataset}|${preset.value}`
    if (!p.sizing || p.sizing.preset !== preset.value || sizedFor === key || datasetId.value !== forDataset) return
    sizedFor = key
    if (config.value.task !== 'classify' || config.value.finetune.fromRunId) return
    // Fields the user edited while this plan was on its way keep the user's values.
    const edits = editsBetween(asked, plain(config.value))
    config.value = mergeConfig(plain(config.value), plain(p.sizing.config), edits ?? undefined)
  }

  /** Time a few training steps of this config so the plan's duration is measured, not guessed. */
  async function measure(): Promise<void> {
    if (!datasetId.value || !valid.value || measuring.value) return
    const asked = input()
    const stamp = JSON.stringify([asked.datasetId, asked.preset, asked.config])
    measuring.value = true
    measureError.value = null
    try {
      const p = await useApi().runs.calibrate(asked)
      // A config changed meanwhile gets its own plan (which reuses the measurement when it can).
      const now = input()
      if (JSON.stringify([now.datasetId, now.preset, now.config]) === stamp) {
        planSeq++ // an older plan still in flight must not replace the measured one
        planning.value = false
        plan.value = p
        planError.value = null
      }
    } catch (err) {
      measureError.value = errorMessage(err)
    } finally {
      measuring.value = false
    }
  }

  /** The chosen preset's own settings, to show beside each field's limits. */
  const presetSettings = computed(() => presetConfig(preset.value))

  watch([config, datasetId, badText], () => {
    measureError.value = null
    schedulePlan()
  }, { deep: true })

  return {
    datasetId,
    preset,
    config,
    name,
    showAdvanced,
    plan,
    planError,
    planning,
    measuring,
    measureError,
    issues,
    valid,
    badText,
    setBadText,
    presetSettings,
    presetDescriptions,
    choosePreset,
    set,
    setTask,
    setFinetuneFrom,
    setBase,
    setFinetuneMode,
    input,
    refreshPlan,
    measure,
  }
})
