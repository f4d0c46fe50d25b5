// Crash safety of model, checkpoint and run-file writes: the target is either its old or its new
// contents, never half of one, and no temporary file is left behind when a write fails.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeContainer, writeFileAtomic } from '../../../src/main/engine/tensor-file'
import { tempDir } from '../../helpers/temp-dirs'

describe('atomic writes', () => {
  it('replaces the file whole and leaves nothing else in the folder', () => {
    const dir = tempDir('wb-atomic-')
    const path = join(dir, 'model.json')
    writeFileSync(path, 'old')
    writeFileAtomic(path, '{"new":', Buffer.from('true}'))
    expect(readFileSync(path, 'utf8')).toBe('{"new":true}')
    expect(readdirSync(dir)).toEqual(['model.json'])
  })

  it('on a failed rename keeps the old contents and removes the temporary file', () => {
    const dir = tempDir('wb-atomic-')
    const target = join(dir, 'weights.bin')
    mkdirSync(join(target, 'in-the-way'), { recursive: true }) // a folder where the file should go
    expect(() => writeFileAtomic(target, Buffer.alloc(1024))).toThrow()
    expect(readdirSync(dir)).toEqual(['weights.bin'])
    expect(readdirSync(target)).toEqual(['in-the-way'])
  })

  it('a checkpoint container written over an old one leaves no temporary file', () => {
    const dir = tempDir('wb-atomic-')
    const path = join(dir, 'checkpoint.bin')
    const arrays = new Map([['w', { shape: [2], data: new Float32Array([1, 2]) }]])
    writeContainer(path, { kind: 'checkpoint' }, arrays)
    writeContainer(path, { kind: 'checkpoint' }, arrays)
    expect(readdirSync(dir)).toEqual(['checkpoint.bin'])
  })

  it('removes what a process killed mid-write left behind, and leaves a live writer\'s file alone', () => {
    const dir = tempDir('wb-atomic-')
    const path = join(dir, 'checkpoint.bin')
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!
    writeFileSync(`${path}.tmp-${dead}`, 'half a checkpoint')
    writeFileSync(`${path}.tmp-${process.ppid}`, 'a live writer')
    writeFileAtomic(path, 'whole')
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.bin', `checkpoint.bin.tmp-${process.ppid}`])
  })
})
