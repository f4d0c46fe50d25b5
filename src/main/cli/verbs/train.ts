// Training verbs: train (blocks until the run settles) and sweep (queues runs, reports the best).
import { sweepMetrics, sweepStrategies, UserError } from '../../../shared/api'
import { finetuneModes, presetNames, type PresetName } from '../../../shared/config'
import type { Run } from '../../../shared/domain'
import { finetuneModeOf } from '../../../shared/finetune-modes'
import { textArchitectures } from '../../../shared/models'
import { describeChoice } from '../../../shared/preset-sizing'
import { describeRun, pct, runLine, table } from '../format'
import { createProgress, followRun } from '../progress'
import { defineVerb, need, type VerbContext } from '../verb'

/** Parse `key=value` overrides into a nested partial config; values are JSON when they parse. */
export function parseSets(sets: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const s of sets) {
    const eq = s.indexOf('=')
    if (eq <= 0) throw new UserError(`--set expects key=value, got "${s}".`)
    const path = s.slice(0, eq).trim().split('.')
    let node = out
    path.forEach((key, i) => {
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) throw new UserError(`--set: "${path.join('.')}" is not a setting name.`)
      if (i === path.length - 1) node[key] = parseValue(s.slice(eq + 1).trim())
      else node = (node[key] ??= {}) as Record<string, unknown>
    })
  }
  return out
}

/** Set `config[group][key]`, keeping what --set already put in that group. */
function put(config: Record<string, unknown>, group: string, key: string, value: unknown): void {
  const current = config[group]
  config[group] = { ...(typeof current === 'object' && current !== null ? current : {}), [key]: value }
}

/** A JSON value when it parses, else the bare word (e.g. model.attention=linear). */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

/** Parse `--vary key=v1,v2` into a sweep space: dotted key -> candidate values. */
export function parseVary(varies: readonly string[] = []): Record<string, (number | string | boolean)[]> {
  const space: Record<string, (number | string | boolean)[]> = {}
  for (const v of varies) {
    const eq = v.indexOf('=')
    if (eq <= 0 || eq === v.length - 1) throw new UserError(`--vary expects key=value1,value2, got "${v}".`)
    const key = v.slice(0, eq).trim()
    if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/.test(key)) throw new UserError(`--vary: "${key}" is not a setting name.`)
    space[key] = v
      .slice(eq + 1)
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => {
        const value = parseValue(x)
        return typeof value === 'number' || typeof value === 'boolean' ? value : x
      })
  }
  if (!Object.keys(space).length) throw new UserError('A sweep needs at least one --vary key=value1,value2.')
  return space
}

function preset(name: string | undefined): PresetName | undefined {
  if (name === undefined) return undefined
  const found = presetNames.find((p) => p === name)
  if (!found) throw new UserError(`Unknown preset "${name}". Choose one of: ${presetNames.join(', ')}, auto.`)
  return found
}

function formatSeconds(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`
}

const trainOptions = {
  dataset: { type: 'string' },
  preset: { type: 'string' },
  model: { type: 'string' },
  set: { type: 'string', multiple: true },
  from: { type: 'string' },
  base: { type: 'string' },
  name: { type: 'string' },
  minutes: { type: 'string' },
} as const

/** Block until `runId` settles, showing its progress on stderr; Ctrl-C cancels it. */
async function follow(ctx: Pick<VerbContext<typeof trainOptions>, 'api' | 'app' | 'tty'>, runId: string): Promise<Run> {
  const progress = createProgress(ctx.tty)
  const stop = followRun(ctx.api, runId, progress)
  const onSigint = () => void ctx.api.runs.cancel({ id: runId }).catch(() => {})
  process.once('SIGINT', onSigint)
  try {
    return await ctx.app.services.runs.waitFor(runId)
  } finally {
    process.off('SIGINT', onSigint)
    stop()
    progress.done()
  }
}


const train = defineVerb({
  words: ['train'],
  usage: `--dataset ID [--preset ${[...presetNames, 'auto'].join('|')}] [--minutes M] [--model ${textArchitectures.join('|')}] [--set key=value]... [--from RUN | --base BASE [--set finetune.mode=${finetuneModes.join('|')}]] [--name N]`,
  summary: 'Train a classifier on a dataset and wait until it finishes; progress on stderr, Ctrl-C cancels. --preset auto searches for M minutes (default 5).',
  options: trainOptions,
  async run(ctx) {
    const { api, flags, out } = ctx
    const datasetId = need(flags.dataset, '--dataset ID')
    if (flags.preset === 'auto') return runAuto(ctx, datasetId)
    const config = parseSets(flags.set)
    if (flags.model) put(config, 'model', 'arch', flags.model)
    if (flags.from) put(config, 'finetune', 'fromRunId', flags.from)
    if (flags.base) put(config, 'finetune', 'baseId', flags.base)
    const chosen = preset(flags.preset)
    if (chosen) {
      // Say what the preset picked for this dataset and why, before the run starts.
      const { sizing } = await api.runs.plan({ datasetId, preset: chosen, config })
      if (sizing) await out.note([`The ${chosen} preset, sized for this dataset:`, ...sizing.choices.map((c) => `  ${describeChoice(c)}`)].join('\n'))
    }
    if (flags.from || flags.base) {
      // A fine-tune says how it trains and what it will cost before it starts.
      const plan = await api.runs.plan({ datasetId, preset: chosen, config })
      const mode = finetuneModeOf(plan.config)
      if (mode) await out.note(`Fine-tune mode ${mode.mode}: ${mode.description} Estimate: ${plan.estimatedSeconds ? `about ${formatSeconds(plan.estimatedSeconds)}` : 'time unknown until a first run is measured'}, about ${plan.memoryMb} MB of memory.`)
    }
    const run = await api.runs.start({ datasetId, preset: chosen, config, name: flags.name })
    await out.note(`Training run ${run.id} (${run.name})`)
    const final = await follow(ctx, run.id)
    await out.result(final, () => describeRun(final))
    if (final.status === 'completed') return 0
    await out.note(`Run ${final.status}${final.error ? `: ${final.error}` : ''}`)
    return final.status === 'cancelled' ? 1 : 2
  },
})

/** `train --preset auto`: a time-boxed search; prints the leaderboard (validation) and the winner's test score. */
async function runAuto(ctx: VerbContext<typeof trainOptions>, datasetId: string): Promise<number> {
  const { api, flags, out } = ctx
  if (flags.set?.length || flags.model || flags.from) throw new UserError('--preset auto chooses the settings itself; leave out --set, --model and --from.')
  const minutes = flags.minutes === undefined ? 5 : Number(flags.minutes)
  if (!(Number.isFinite(minutes) && minutes >= 0.5 && minutes <= 24 * 60)) throw new UserError('--minutes must be a number of minutes between 0.5 and 1440.')
  const started = await api.auto.start({ datasetId, budgetSeconds: Math.round(minutes * 60), name: flags.name })
  await out.note(`Auto search ${started.autoId}: up to ${minutes} min, trials compared by validation macro-F1`)
  const onSigint = () => void Promise.resolve(api.auto.cancel({ autoId: started.autoId })).catch(() => {})
  process.once('SIGINT', onSigint)
  let seen = 0
  const timer = setInterval(() => {
    void Promise.resolve(api.auto.get({ autoId: started.autoId })).then((s) => {
      const finished = s.leaderboard.filter((r) => r.kind === 'model').length
      if (finished > seen) {
        seen = finished
        void out.note(`  ${finished} trial(s) done, ${Math.round(s.elapsedSeconds)} s`)
      }
    }).catch(() => {})
  }, 2000)
  let result
  try {
    result = await ctx.app.services.auto.waitFor(started.autoId)
  } finally {
    clearInterval(timer)
    process.off('SIGINT', onSigint)
  }
  const w = result.winner
  await out.result(result, () =>
    [
      table([['rank', 'candidate', 'status', 'validation macro-F1', 'seconds', 'run'], ...result.leaderboard.map((r, i) => [String(i + 1), r.label, r.status, pct(r.validationMacroF1), String(Math.round(r.seconds)), r.runId ?? '-'])]),
      '',
      w
        ? `Winner: ${w.label}${w.runId ? ` (${w.runId})` : ''}; ${w.test ? `${w.test.split} accuracy ${pct(w.test.accuracy)}${w.test.accuracyInterval ? ` (95% interval ${pct(w.test.accuracyInterval.low)}–${pct(w.test.accuracyInterval.high)})` : ''}, macro-F1 ${pct(w.test.macroF1)} on ${w.test.rows} rows` : 'no test score'}`
        : 'No trial completed.',
    ].join('\n'),
  )
  return w ? 0 : result.status === 'cancelled' ? 1 : 2
}

const sweep = defineVerb({
  words: ['sweep'],
  usage: `--dataset ID --vary key=v1,v2 [--vary ...] [--preset P] [--set key=value]... [--strategy ${sweepStrategies.join('|')}] [--budget N] [--metric ${sweepMetrics.join('|')}] [--name N]`,
  summary: 'Train one run per combination of the varied settings, one after another, and report the best (--json: the best run).',
  options: {
    ...trainOptions,
    vary: { type: 'string', multiple: true },
    strategy: { type: 'string' },
    budget: { type: 'string' },
    metric: { type: 'string' },
  },
  async run(ctx) {
    const { api, flags, out } = ctx
    const datasetId = need(flags.dataset, '--dataset ID')
    const space = parseVary(flags.vary)
    const strategy = sweepStrategies.find((s) => s === (flags.strategy ?? 'grid'))
    if (!strategy) throw new UserError(`Unknown strategy "${flags.strategy}". Choose one of: ${sweepStrategies.join(', ')}.`)
    const metric = sweepMetrics.find((m) => m === (flags.metric ?? 'macroF1'))
    if (!metric) throw new UserError(`Unknown metric "${flags.metric}". Choose one of: ${sweepMetrics.join(', ')}.`)
    const budget = flags.budget === undefined ? undefined : Number(flags.budget)
    if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1)) throw new UserError('--budget must be a whole number of runs, 1 or more.')
    const config = parseSets(flags.set)
    if (flags.model) put(config, 'model', 'arch', flags.model)
    const { sweepId, runs } = await api.runs.sweep({ datasetId, preset: preset(flags.preset), config, space, strategy, budget, metric, name: flags.name })
    await out.note(`Sweep ${sweepId}: ${runs.length} runs`)
    for (const [i, r] of runs.entries()) {
      await out.note(`run ${i + 1}/${runs.length}: ${r.name}`)
      const final = await follow(ctx, r.id)
      await out.note(`  ${final.status}${final.metrics ? `, ${metric} ${metric === 'loss' ? final.metrics.loss.toFixed(4) : pct(final.metrics[metric])}` : ''}${final.error ? `: ${final.error}` : ''}`)
      if (final.status === 'cancelled') break
    }
    const result = await api.runs.sweepResult({ sweepId })
    const best = result.runs.find((r) => r.id === result.bestRunId) ?? null
    if (out.machine) await out.result(best, () => '')
    else {
      await out.result(result, () =>
        [table([['id', 'name', 'status', 'accuracy', 'macro-F1', 'created'], ...result.runs.map(runLine)]), '', best ? `Best by ${metric}: ${best.name} (${best.id})` : 'No run completed.'].join('\n'),
      )
    }
    return best ? 0 : 2
  },
})

/** Training verbs, in help order. */
export const trainVerbs = [train, sweep]
