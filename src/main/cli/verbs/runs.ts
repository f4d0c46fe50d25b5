// Run verbs: runs list/show/compare/resume/cancel/import.
import { resolve } from 'node:path'
import { describeRun, pct, runLine, table } from '../format'
import { createProgress, followRun } from '../progress'
import { defineVerb, need } from '../verb'

const runsList = defineVerb({
  words: ['runs', 'list'],
  usage: '[--dataset ID] [--status S]... [--search TEXT]',
  summary: 'List runs, newest first.',
  options: { dataset: { type: 'string' }, status: { type: 'string', multiple: true }, search: { type: 'string' } },
  async run({ api, flags, out }) {
    const runs = await api.runs.list({ datasetId: flags.dataset, status: flags.status, search: flags.search })
    await out.result(runs, () => (runs.length ? table([['id', 'name', 'status', 'accuracy', 'macro-F1', 'created'], ...runs.map(runLine)]) : 'No runs yet.'))
    return 0
  },
})

const runsShow = defineVerb({
  words: ['runs', 'show'],
  usage: 'ID',
  summary: "Show a run's status, settings and metrics.",
  options: {},
  async run({ api, args, out }) {
    const r = await api.runs.get({ id: need(args[0], 'a run id (workbench runs show ID)') })
    await out.result(r, () => describeRun(r))
    return 0
  },
})

const runsCompare = defineVerb({
  words: ['runs', 'compare'],
  usage: 'ID ID [ID [ID]]',
  summary: 'Compare two to four runs: the settings that differ and their metrics.',
  options: {},
  async run({ api, args, out }) {
    const c = await api.runs.compare({ ids: args })
    await out.result(c, () =>
      [
        table([['', ...c.runs.map((r) => r.name)], ...c.configDiff.map((d) => [d.label, ...d.values.map((v) => JSON.stringify(v))])]),
        '',
        table([['metric', ...c.runs.map((r) => r.name)], ['accuracy', ...c.metrics.map((m) => pct(m.metrics?.accuracy))], ['macro-F1', ...c.metrics.map((m) => pct(m.metrics?.macroF1))], ['baseline accuracy', ...c.metrics.map((m) => pct(m.metrics?.baseline?.accuracy))]]),
      ].join('\n'),
    )
    return 0
  },
})

const runsResume = defineVerb({
  words: ['runs', 'resume'],
  usage: 'ID',
  summary: 'Resume a paused or interrupted run from its last checkpoint and wait until it finishes.',
  options: {},
  async run({ api, app, args, out, tty }) {
    const id = need(args[0], 'a run id (workbench runs resume ID)')
    await api.runs.resume({ id })
    const progress = createProgress(tty)
    const stop = followRun(api, id, progress)
    const final = await app.services.runs.waitFor(id).finally(() => {
      stop()
      progress.done()
    })
    await out.result(final, () => describeRun(final))
    return final.status === 'completed' ? 0 : 2
  },
})

const runsCancel = defineVerb({
  words: ['runs', 'cancel'],
  usage: 'ID',
  summary: 'Cancel a queued or running run.',
  options: {},
  async run({ api, args, out }) {
    const r = await api.runs.cancel({ id: need(args[0], 'a run id (workbench runs cancel ID)') })
    await out.result(r, () => `Run ${r.id} is ${r.status}.`)
    return 0
  },
})

const runsImport = defineVerb({
  words: ['runs', 'import'],
  usage: 'BUNDLE [--name N]',
  summary: 'Bring an exported bundle (zip or folder) back as a run; its model must reproduce the predictions stored with it.',
  options: { name: { type: 'string' } },
  async run({ api, args, flags, out }) {
    const path = need(args[0], 'the bundle to import (workbench runs import BUNDLE)')
    const r = await api.exports.importBundle({ source: { kind: 'path', path: resolve(path) }, name: flags.name })
    await out.result(r, () => `Imported "${r.name}" as run ${r.id} (verified against the predictions stored in the bundle).`)
    return 0
  },
})

/** Run verbs, in help order. */
export const runVerbs = [runsList, runsShow, runsCompare, runsResume, runsCancel, runsImport]
