import { describe, expect, it } from 'vitest'
import { CLS_ID, PAD_ID, TokenizerError, encodeBatch, trainTokenizer } from '../../../../src/main/engine/tokenizers'
import { cfg } from './fixtures'

const tok = trainTokenizer(cfg('word', 50), ['a b c d e f', 'a b'])
const id = (w: string): number => tok.vocab.indexOf(w)

describe('encodeBatch', () => {
  it('pads to the longest row, with [CLS] first and a mask of 1 on real tokens', () => {
    const b = encodeBatch(tok, ['a b c', 'a'], { seqLen: 8, addCls: true, padTo: 'longest' })
    expect(b.B).toBe(2)
    expect(b.T).toBe(4)
    expect([...b.ids]).toEqual([CLS_ID, id('a'), id('b'), id('c'), CLS_ID, id('a'), PAD_ID, PAD_ID])
    expect([...b.mask]).toEqual([1, 1, 1, 1, 1, 1, 0, 0])
    expect(b.tokens).toEqual([
      ['[CLS]', 'a', 'b', 'c'],
      ['[CLS]', 'a'],
    ])
  })

  it('truncates to seqLen counting [CLS]', () => {
    const b = encodeBatch(tok, ['a b c d e f'], { seqLen: 4, addCls: true, padTo: 'longest' })
    expect(b.T).toBe(4)
    expect([...b.ids]).toEqual([CLS_ID, id('a'), id('b'), id('c')])
    const noCls = encodeBatch(tok, ['a b c d e f'], { seqLen: 4, addCls: false, padTo: 'longest' })
    expect([...noCls.ids]).toEqual([id('a'), id('b'), id('c'), id('d')])
  })

  it('pads to seqLen when asked for fixed shapes', () => {
    const b = encodeBatch(tok, ['a', 'b'], { seqLen: 5, addCls: false, padTo: 'max' })
    expect(b.T).toBe(5)
    expect(b.ids).toBeInstanceOf(Int32Array)
    expect(b.mask).toBeInstanceOf(Float32Array)
    expect([...b.mask]).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0])
    expect([...b.ids.slice(5)]).toEqual([id('b'), 0, 0, 0, 0])
  })

  it('gives empty texts an all-padding row and keeps a valid shape', () => {
    const b = encodeBatch(tok, ['', ''], { seqLen: 4, addCls: false, padTo: 'longest' })
    expect(b.T).toBe(1)
    expect([...b.ids]).toEqual([PAD_ID, PAD_ID])
    expect([...b.mask]).toEqual([0, 0])
  })

  it('refuses a sequence length with no room for text', () => {
    expect(() => encodeBatch(tok, ['a'], { seqLen: 1, addCls: true, padTo: 'max' })).toThrow(TokenizerError)
    expect(() => encodeBatch(tok, ['a'], { seqLen: 0, addCls: false, padTo: 'max' })).toThrow(/at least 1/)
  })
})
