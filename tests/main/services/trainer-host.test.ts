import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../../src/shared/config'
import type { TrainerMessage } from '../../../src/shared/trainer-protocol'
import { AbortedError, createNodeSpawner, createPredictWorker, runJob, TrainerCrashError, type SpawnTrainer, type TrainerHandle } from '../../../src/main/services/trainer-host'
import { tempDir } from '../../helpers/temp-dirs'
import { writeTinyJobData } from '../../helpers/tiny-data'

const spawn = createNodeSpawner({ env: { WORKBENCH_BACKEND: 'cpu' } })

function trainJob(epochs: number) {
  const runDir = tempDir('wb-host-')
  return {
    kind: 'train' as const,
    runId: 'run_test',
    runDir,
    dataPath: writeTinyJobData(runDir, 256, 32),
    config: resolveConfig('quick', { model: { dModel: 16, nHeads: 2, seqLen: 16 }, train: { epochs, batchSize: 8 }, tokenizer: { kind: 'word', vocabSize: 64 } }),
    resume: false,
    initFrom: null,
  }
}

describe('trainer host', () => {
  it('starts a trainer process that reports its backend', async () => {
    const seen: TrainerMessage[] = []
    const result = await runJob(spawn, { kind: 'probe' }, { onMessage: (m) => seen.push(m) })
    expect(result.kind).toBe('probe')
    const ready = seen.find((m) => m.type === 'ready')
    expect(ready && ready.type === 'ready' && ready.backend.name).toBe('cpu')
  })

  it('streams progress from a training job and stops it on cancel', async () => {
    const controller = new AbortController()
    const progress: TrainerMessage[] = []
    let handle: TrainerHandle | undefined
    const done = runJob(spawn, trainJob(50), {
      signal: controller.signal,
      onSpawn: (h) => (handle = h),
      onMessage: (m) => {
        if (m.type === 'progress') {
          progress.push(m)
          if (progress.length === 3) controller.abort('cancel')
        }
      },
    })
    await expect(done).rejects.toBeInstanceOf(AbortedError)
    expect(progress.length).toBeGreaterThanOrEqual(3)
    expect(handle?.pid).toBeGreaterThan(0)
    // The process is gone after cancel.
    expect(() => process.kill(handle!.pid!, 0)).toThrow()
  })

  it('reports a trainer killed with SIGKILL as a crash', async () => {
    let killed = false
    let handleRef: TrainerHandle | undefined
    const done = runJob(spawn, trainJob(50), {
      onMessage: (m) => {
        if (m.type === 'progress' && !killed) {
          killed = true
          process.kill(handleRef!.pid!, 'SIGKILL')
        }
      },
      onSpawn: (h) => (handleRef = h),
    })
    const err = await done.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TrainerCrashError)
    expect((err as Error).message).toMatch(/SIGKILL/)
  })

  it('turns an engine error into a rejected job with the reason', async () => {
    const job = { ...trainJob(1), dataPath: '/nonexistent/data.json' }
    const err = await runJob(spawn, job).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TrainerCrashError)
    expect((err as Error).message).toMatch(/ENOENT|no such file/)
  })

  it('answers predictions from one warm process and starts a new one after a crash', async () => {
    const job = trainJob(1)
    const trained = await runJob(spawn, job)
    expect(trained.kind).toBe('train')
    const handles: TrainerHandle[] = []
    const counting: SpawnTrainer = () => {
      const h = spawn()
      handles.push(h)
      return h
    }
    const worker = createPredictWorker(counting)
    const modelDir = join(job.runDir, 'model')
    try {
      const [a] = await worker.predict({ modelDir, texts: ['the movie was great'], attention: true })
      const [b, c] = await worker.predict({ modelDir, texts: ['a dreadful story', 'the movie was great'], attention: false })
      expect(handles).toHaveLength(1)
      expect(Object.keys(a.probabilities).sort()).toEqual(['negative', 'positive'])
      expect(a.attention?.tokens.length).toBeGreaterThan(0)
      expect(b.attention).toBeUndefined()
      expect(c.probabilities.positive).toBeCloseTo(a.probabilities.positive, 6)
      // A crashed worker fails what it had in flight, and the next call starts a fresh one.
      const inFlight = worker.predict({ modelDir, texts: ['x'], attention: false })
      process.kill(handles[0].pid!, 'SIGKILL')
      await expect(inFlight).rejects.toBeInstanceOf(TrainerCrashError)
      const [d] = await worker.predict({ modelDir, texts: ['the movie was great'], attention: false })
      expect(handles).toHaveLength(2)
      expect(d.label).toBe(a.label)
      const missing = await worker.predict({ modelDir: join(job.runDir, 'nope'), texts: ['x'], attention: false }).catch((e: Error) => e)
      expect((missing as Error).message).toMatch(/nope|no such file|not found/i)
    } finally {
      worker.close()
    }
  })
})
