// The data path before the model, at scale: a million short texts (5 to 30 words) through tokenizer
// training, encoding (encodeRows, as a run does once), one epoch's length-bucketed batch order and the
// padding of every batch. Each stage is timed and set against the training step it feeds, so it is
// clear whether any of them could be the bottleneck.
//
//   npx tsx scripts/bench-data-path.ts [--texts N] [--kind word|subword|char] [--json]
import { trainTokenizer } from '../src/main/engine/tokenizers'
import { encodeRows, epochBatches, padRows } from '../src/main/engine/training/batching'

const argv = process.argv.slice(2)
const opt = (name: string, d: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : d)
const nTexts = Number(opt('--texts', '1000000'))
const kind = opt('--kind', 'subword') as 'word' | 'subword' | 'char'
const json = argv.includes('--json')

// A seeded Zipf-like lexicon of 20,000 pseudo-words; texts of 5 to 30 words with some punctuation.
let seed = 12345
const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), seed / 4294967296)
const syllables = 'ka to ri mu sen da lo pi ne vu ar el is on ur tha mer quo bli st'.split(' ')
const lexicon = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => syllables[Math.floor(rand() * syllables.length)]).join(''))
const pickWord = () => lexicon[Math.floor(lexicon.length * Math.pow(rand(), 3))]!
const texts = Array.from({ length: nTexts }, () => {
  const n = 5 + Math.floor(rand() * 26)
  const words: string[] = []
  for (let i = 0; i < n; i++) words.push(i % 9 === 8 ? pickWord() + ',' : pickWord())
  return words.join(' ') + '.'
})

const time = <T>(fn: () => T): [T, number] => {
  const t = performance.now()
  const r = fn()
  return [r, (performance.now() - t) / 1000]
}

const [tok, trainSec] = time(() => trainTokenizer({ kind, vocabSize: kind === 'char' ? 200 : 8000, lowercase: true, normalize: 'NFKC' }, texts))
const [rows, encodeSec] = time(() => encodeRows(tok, texts, 128))
const tokens = rows.reduce((n, r) => n + r.length, 0)
const lengths = rows.map((r) => r.length)
const [batches, orderSec] = time(() => epochBatches(lengths, 32, 42, 0))
let padded = 0
const [, padSec] = time(() => {
  for (const idx of batches) {
    const b = padRows(rows, idx)
    padded += b.B * b.T
  }
})
const result = {
  texts: nTexts, kind, tokens, mean_tokens_per_text: +(tokens / nTexts).toFixed(1),
  tokenizer_train_s: +trainSec.toFixed(2), encode_s: +encodeSec.toFixed(2), encode_texts_per_s: Math.round(nTexts / encodeSec), encode_tokens_per_s: Math.round(tokens / encodeSec),
  epoch_order_s: +orderSec.toFixed(3), pad_all_batches_s: +padSec.toFixed(2), batches: batches.length, padding_share: +(1 - tokens / padded).toFixed(3),
  pad_us_per_batch: +((padSec / batches.length) * 1e6).toFixed(1),
}
if (json) console.log(JSON.stringify(result))
else {
  console.log(`${nTexts} texts (${result.mean_tokens_per_text} tokens each, ${kind} tokenizer)`)
  console.log(`tokenizer training ${result.tokenizer_train_s} s; encoding ${result.encode_s} s (${result.encode_texts_per_s} texts/s, ${result.encode_tokens_per_s} tokens/s)`)
  console.log(`epoch order ${result.epoch_order_s} s for ${result.batches} batches; padding every batch ${result.pad_all_batches_s} s (${result.pad_us_per_batch} us a batch), padding share ${(100 * result.padding_share).toFixed(1)}%`)
}
