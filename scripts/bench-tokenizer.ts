// Tokenizer benchmark: trains each tokenizer kind on synthetic texts and prints one JSON line per
// kind with training time and encoding throughput. Usage: tsx scripts/bench-tokenizer.ts [texts] [words]
import { encodeBatch, trainTokenizer } from '../src/main/engine/tokenizers'
import { tokenizerKinds } from '../src/shared/config'

const nTexts = Number(process.argv[2] ?? 50_000)
const nWords = Number(process.argv[3] ?? 50)

// Seeded generator so every run measures the same corpus.
let seed = 12345
const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), seed / 4294967296)

// A Zipf-like lexicon of 20,000 pseudo-words built from syllables, plus punctuation.
const syllables = 'ka to ri mu sen da lo pi ne vu ar el is on ur tha mer quo bli st'.split(' ')
const lexicon = Array.from({ length: 20_000 }, () =>
  Array.from({ length: 1 + Math.floor(rand() * 4) }, () => syllables[Math.floor(rand() * syllables.length)]).join(''),
)
const pickWord = (): string => lexicon[Math.floor(lexicon.length * Math.pow(rand(), 3))]
const texts = Array.from({ length: nTexts }, () => {
  const words: string[] = []
  for (let i = 0; i < nWords; i++) words.push(i % 12 === 11 ? pickWord() + (rand() < 0.5 ? ',' : '.') : pickWord())
  const t = words.join(' ')
  return t[0].toUpperCase() + t.slice(1)
})
const chars = texts.reduce((n, t) => n + t.length, 0)

for (const kind of tokenizerKinds) {
  const vocabSize = kind === 'char' ? 200 : 8000
  const t0 = performance.now()
  const tok = trainTokenizer({ kind, vocabSize, lowercase: true, normalize: 'NFKC' }, texts)
  const trainMs = performance.now() - t0
  const sample = texts.slice(0, 5000)
  const t1 = performance.now()
  let tokens = 0
  for (let i = 0; i < sample.length; i += 32) {
    const b = encodeBatch(tok, sample.slice(i, i + 32), { seqLen: 128, addCls: true, padTo: 'longest' })
    for (const m of b.mask) tokens += m
  }
  const encodeMs = performance.now() - t1
  console.log(
    JSON.stringify({
      kind,
      texts: nTexts,
      words_per_text: nWords,
      chars,
      vocab: tok.vocabSize,
      train_s: +(trainMs / 1000).toFixed(2),
      encode_texts_per_s: Math.round(sample.length / (encodeMs / 1000)),
      encode_tokens_per_s: Math.round(tokens / (encodeMs / 1000)),
    }),
  )
}
