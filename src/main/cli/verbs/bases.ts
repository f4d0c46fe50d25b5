// Base verbs: bases import (a Hugging Face checkpoint folder), list, show, encode (tokens, ids and
// last-layer hidden states, for parity checks by anyone), delete.
import { resolve } from 'node:path'
import type { Base } from '../../../shared/domain'
import { table } from '../format'
import { createProgress } from '../progress'
import { defineVerb, need } from '../verb'

const describeBase = (b: Base) =>
  [
    `${b.name} (${b.id})`,
    `family: ${b.family}`,
    `parameters: ${b.params.toLocaleString('en')}`,
    `vocabulary: ${b.vocabSize}`,
    `max length: ${b.maxLength} tokens`,
    `size: ${b.nLayers} layers, ${b.dModel} wide, ${b.nHeads} heads`,
    `languages: ${b.languages.length ? b.languages.join(', ') : 'not stated'}`,
    `licence: ${b.license ?? 'not stated'}`,
    b.runId ? `from pretraining run: ${b.runId}` : `imported from: ${b.sourcePath ?? '?'}`,
    `runs started from it: ${b.runsUsing}`,
  ].join('\n')

const basesImport = defineVerb({
  words: ['bases', 'import'],
  usage: 'DIR [--name N]',
  summary: 'Import a pretrained checkpoint folder (Hugging Face layout: config.json, model.safetensors, tokenizer files) as a base.',
  options: { name: { type: 'string' } },
  async run({ api, flags, args, out, tty }) {
    const path = resolve(need(args[0], 'the checkpoint folder to import (workbench bases import DIR)'))
    const progress = createProgress(tty)
    const stop = api.subscribe('base', (e) => {
      if (e.type === 'progress' && e.path === path) progress.update(e.done / Math.max(1, e.total), `converted ${e.done} of ${e.total} weights`)
    })
    try {
      const base = await api.bases.import({ source: { kind: 'path', path }, name: flags.name })
      progress.done()
      await out.result(base, () => `Imported base "${base.name}" (${base.id}): ${base.family}, ${base.params.toLocaleString('en')} parameters, vocabulary ${base.vocabSize}, up to ${base.maxLength} tokens`)
      return 0
    } finally {
      stop()
    }
  },
})

const basesList = defineVerb({
  words: ['bases', 'list'],
  usage: '',
  summary: 'List the bases: imported checkpoints and completed pretraining runs.',
  options: {},
  async run({ api, out }) {
    const rows = await api.bases.list()
    await out.result(rows, () =>
      rows.length
        ? table([
            ['id', 'name', 'family', 'parameters', 'vocabulary', 'max length', 'from'],
            ...rows.map((b) => [b.id, b.name, b.family, String(b.params), String(b.vocabSize), String(b.maxLength), b.runId ?? b.sourcePath ?? '']),
          ])
        : 'No bases yet. Import one with: workbench bases import DIR',
    )
    return 0
  },
})

const basesShow = defineVerb({
  words: ['bases', 'show'],
  usage: 'ID',
  summary: 'Show one base: family, size, vocabulary, languages, licence, where it came from.',
  options: {},
  async run({ api, args, out }) {
    const b = await api.bases.get({ id: need(args[0], 'a base id (workbench bases show ID)') })
    await out.result(b, () => describeBase(b))
    return 0
  },
})

const basesEncode = defineVerb({
  words: ['bases', 'encode'],
  usage: 'ID --text T',
  summary: "A text's tokens, ids and the base's last-layer hidden states (one row per token, special tokens included).",
  options: { text: { type: 'string' } },
  async run({ api, args, flags, out }) {
    const id = need(args[0], 'a base id (workbench bases encode ID --text T)')
    const text = flags.text ?? need(undefined, 'the text to encode (--text T)')
    const r = await api.bases.encode({ id, text })
    await out.result(r, () => r.tokens.map((t, i) => `${String(r.ids[i]).padStart(6)}  ${t}  [${r.hidden[i].slice(0, 4).map((v) => v.toFixed(4)).join(', ')}, ...]`).join('\n'))
    return 0
  },
})

const basesDelete = defineVerb({
  words: ['bases', 'delete'],
  usage: 'ID',
  summary: 'Delete a base (refused while runs started from it).',
  options: {},
  async run({ api, args, out }) {
    const id = need(args[0], 'a base id (workbench bases delete ID)')
    const r = await api.bases.delete({ id })
    await out.result(r, () => `Deleted base ${id}.`)
    return 0
  },
})

export const baseVerbs = [basesImport, basesList, basesShow, basesEncode, basesDelete]
