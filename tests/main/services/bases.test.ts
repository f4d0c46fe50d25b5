// The bases service: import (rows, folders, card info), list/show, lineage, the pretraining-run hook,
// delete refused while runs use a base, and every refusal leaves the store exactly as it was.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../../src/shared/config'
import type { BaseEvent, Run } from '../../../src/shared/domain'
import { createBaseService } from '../../../src/main/services/bases'
import { createBasesRepo } from '../../../src/main/store/bases-repo'
import { openDb } from '../../../src/main/store/db'
import { createRunsRepo } from '../../../src/main/store/runs-repo'
import { tempDir } from '../../helpers/temp-dirs'

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'bases')

function setup(memoryBytes?: number) {
  const home = tempDir('wb-bases-')
  const db = openDb(join(home, 'workbench.db'))
  const events: BaseEvent[] = []
  const spawn = () => {
    throw new Error('no trainer in this test')
  }
  const service = createBaseService({ db, home, spawn, emit: (e) => events.push(e), memoryBytes })
  return { home, db, events, service }
}

/** A copy of a fixture folder with one file changed. */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = join(tempDir('wb-ckpt-'), name)
  cpSync(join(FIXTURES, name), dir, { recursive: true })
  edit(dir)
  return dir
}

const editJson = (path: string, fn: (j: Record<string, unknown>) => void) => {
  const j = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  fn(j)
  writeFileSync(path, JSON.stringify(j))
}

describe('bases service', () => {
  it('imports a checkpoint folder: a row with its sizes, languages and licence, weights under bases/<id>/, progress events', async () => {
    const { home, service, events } = setup()
    const base = await service.import({ source: { kind: 'path', path: join(FIXTURES, 'bert-tiny') }, name: 'tiny' })
    expect(base).toMatchObject({ name: 'tiny', family: 'bert', source: 'import', vocabSize: 168, maxLength: 40, dModel: 16, nLayers: 2, nHeads: 4, languages: ['en'], license: 'apache-2.0', runsUsing: 0, runId: null })
    expect(base.params).toBeGreaterThan(8000)
    expect(existsSync(join(home, 'bases', base.id, 'weights.safetensors'))).toBe(true)
    expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThan(5)
    expect(events[events.length - 1]).toEqual({ type: 'done', path: join(FIXTURES, 'bert-tiny'), baseId: base.id })
    expect(service.list().map((b) => b.id)).toEqual([base.id])
    expect(service.get({ id: base.id }).name).toBe('tiny')
  })

  it('a completed pretraining run appears in the list with its run id; other runs do not', () => {
    const { service, db } = setup()
    const runs = createRunsRepo(db)
    const config = resolveConfig('quick', { task: 'pretrain', model: { arch: 'decoder' } })
    const run = runs.insert({ id: 'run_pre', name: 'pretrained here', status: 'completed', createdAt: new Date().toISOString(), datasetId: null, datasetVersionId: null, config, parentRunId: null, parentKind: null, sweepId: null, runDir: '/tmp/x' })
    service.recordPretrainRun(run)
    service.recordPretrainRun(run) // twice: still one base
    const classify = { ...run, id: 'run_cls', config: resolveConfig('quick') } as Run
    service.recordPretrainRun(classify)
    const list = service.list()
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ source: 'pretrain', runId: 'run_pre', family: 'decoder', name: 'pretrained here' })
  })

  it('refuses to delete a base while a run started from it, then deletes it and its folder', async () => {
    const { service, db, home } = setup()
    const base = await service.import({ source: { kind: 'path', path: join(FIXTURES, 'gpt2-tiny') } })
    const runs = createRunsRepo(db)
    runs.insert({ id: 'run_ft', name: 'ft', status: 'completed', createdAt: new Date().toISOString(), datasetId: null, datasetVersionId: null, config: resolveConfig('quick'), parentRunId: null, parentKind: null, sweepId: null, runDir: '/tmp/y' })
    createBasesRepo(db).setRunBase('run_ft', base.id)
    expect(service.get({ id: base.id }).runsUsing).toBe(1)
    expect(() => service.delete({ id: base.id })).toThrow(/cannot be deleted: 1 run started from it/)
    expect(existsSync(join(home, 'bases', base.id))).toBe(true)
    runs.delete('run_ft')
    expect(service.delete({ id: base.id })).toEqual({ deleted: true })
    expect(existsSync(join(home, 'bases', base.id))).toBe(false)
    expect(service.list()).toEqual([])
  })

  const refusals: [string, () => string, RegExp, number?][] = [
    [
      'a pickle checkpoint, never opened',
      () =>
        variant('bert-tiny', (d) => {
          rmSync(join(d, 'model.safetensors'))
          writeFileSync(join(d, 'pytorch_model.bin'), Buffer.from('\x80\x02cos\nsystem\n(Vecho pwned\ntR.', 'latin1'))
        }),
      /only a PyTorch pickle checkpoint \(pytorch_model\.bin\).*never opens them/,
    ],
    ['an unsupported model_type', () => variant('bert-tiny', (d) => editJson(join(d, 'config.json'), (j) => (j.model_type = 't5'))), /model_type is "t5", which the app cannot import/],
    [
      'a missing tensor, named',
      () => variant('bert-tiny', (d) => editJson(join(d, 'config.json'), (j) => (j.num_hidden_layers = 3))),
      /missing tensor bert\.encoder\.layer\.2\.attention\.output\.LayerNorm\.weight\./,
    ],
    [
      'a tensor of another shape, named',
      () => variant('roberta-tiny', (d) => editJson(join(d, 'config.json'), (j) => (j.intermediate_size = 48))),
      /Tensor encoder\.layer\.0\.intermediate\.dense\.weight has shape \[32, 16\], but config\.json implies \[48, 16\]/,
    ],
    [
      'a tokenizer with ids beyond the vocabulary',
      () =>
        variant('xlmr-tiny', (d) =>
          editJson(join(d, 'tokenizer.json'), (j) => {
            ;(j.added_tokens as unknown[]).push({ id: 400, content: '<extra>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })
          }),
        ),
      /tokenizer does not fit the model: it uses token ids up to 400, but the model's vocabulary has only \d+ rows/,
    ],
    ['a config with impossible sizes', () => variant('gpt2-tiny', (d) => editJson(join(d, 'config.json'), (j) => (j.n_layer = 1e9))), /config\.json gives nLayers = 1000000000, which is not a size this app can build/],
    ['a model too large for the memory', () => join(FIXTURES, 'bert-tiny'), /too large for this machine: 0\.0 million parameters are 0\.0 GB as float32.*this machine has 0\.0 GB/, 50_000],
  ]

  for (const [what, make, message, memory] of refusals) {
    it(`refuses ${what} with a plain sentence and leaves the store unchanged`, async () => {
      const { service, home, events } = setup(memory)
      const path = make()
      await expect(service.import({ source: { kind: 'path', path } })).rejects.toThrow(message)
      expect(service.list()).toEqual([])
      expect(existsSync(join(home, 'bases')) ? readdirSync(join(home, 'bases')) : []).toEqual([])
      expect(events.at(-1)?.type).toBe('error')
    })
  }
})

describe('bases and the runs service', () => {
  it('a pretraining run appears in bases list as soon as it completes (the runs service tells the bases service)', async () => {
    const { createFakeSpawner } = await import('./runs-fake-trainer')
    const { makeEnv, tinyConfig } = await import('./runs-fixtures')
    let bases: ReturnType<typeof createBaseService> | null = null
    const fake = createFakeSpawner()
    const env = makeEnv(fake.spawn, { onCompleted: (run) => bases!.recordPretrainRun(run) })
    try {
      bases = createBaseService({ db: env.db, home: env.home, spawn: fake.spawn, emit: () => {} })
      const pre = await env.service.start({ datasetId: 'ds1', config: { ...tinyConfig(), task: 'pretrain', model: { ...tinyConfig().model, arch: 'decoder' } } })
      expect(bases.list()).toEqual([])
      const done = await env.service.waitFor(pre.id)
      expect(done.status).toBe('completed')
      expect(bases.list().map((b) => [b.source, b.runId])).toEqual([['pretrain', pre.id]])
      const cls = await env.service.waitFor((await env.service.start({ datasetId: 'ds1', config: tinyConfig() })).id)
      expect(cls.status).toBe('completed')
      expect(bases.list()).toHaveLength(1)
    } finally {
      await env.cleanup()
    }
  })
})
