// Turns a checkpoint's tokenizer files (already read and parsed) into the app's PretrainedTokenizerJSON:
// tokenizer.json (Hugging Face tokenizers format), else BERT's vocab.txt, else GPT-2 / RoBERTa's
// vocab.json + merges.txt, with tokenizer_config.json for the special tokens and casing. Anything
// this runtime could not reproduce exactly is refused with a sentence naming it.
import { TokenizerError } from '../tokenizer-error'
import { flattenNormalizer } from './normalizers'
import { flattenPreTokenizer } from './pre-tokenizers'
import type { AddedToken, PretrainedModelJSON, PretrainedTokenizerJSON, SpecialIds } from './types'

/** The tokenizer files a checkpoint folder may have (parsed JSON or raw text). */
export interface TokenizerFiles {
  tokenizerJson?: unknown
  tokenizerConfig?: Record<string, unknown>
  vocabTxt?: string
  vocabJson?: Record<string, number>
  mergesTxt?: string
  /** config.json's model_type, to choose defaults when only vocabulary files exist. */
  modelType?: string
}

type Obj = Record<string, unknown>

const tokenName = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as Obj).content === 'string' ? ((v as Obj).content as string) : undefined

function vocabArray(map: Map<string, number>, added: AddedToken[]): string[] {
  const size = Math.max(-1, ...map.values(), ...added.map((t) => t.id)) + 1
  const vocab = new Array<string>(size).fill('')
  for (const [t, i] of map) vocab[i] = t
  for (const t of added) vocab[t.id] = t.content
  return vocab
}

function specialIds(ids: Map<string, number>, config: Obj, template: { before: number[]; after: number[] }): SpecialIds {
  const find = (key: string, guesses: string[]): number | null => {
    const named = tokenName(config[key])
    for (const name of named !== undefined ? [named] : guesses) {
      const id = ids.get(name)
      if (id !== undefined) return id
    }
    return null
  }
  return {
    pad: find('pad_token', ['[PAD]', '<pad>']),
    unk: find('unk_token', ['[UNK]', '<unk>']),
    cls: find('cls_token', ['[CLS]', '<s>']) ?? template.before[0] ?? null,
    sep: find('sep_token', ['[SEP]', '</s>']) ?? template.after[template.after.length - 1] ?? null,
    mask: find('mask_token', ['[MASK]', '<mask>']),
    bos: find('bos_token', ['<s>', '<|endoftext|>']),
    eos: find('eos_token', ['</s>', '<|endoftext|>']),
  }
}

function templateOf(post: unknown, ids: Map<string, number>): { before: number[]; after: number[] } {
  if (post === null || post === undefined) return { before: [], after: [] }
  const p = post as Obj
  const pair = (v: unknown): number => {
    const [name, id] = v as [string, number]
    return typeof id === 'number' ? id : (ids.get(name) ?? -1)
  }
  switch (p.type) {
    case 'BertProcessing':
    case 'RobertaProcessing':
      return { before: [pair(p.cls)], after: [pair(p.sep)] }
    case 'ByteLevel':
      return { before: [], after: [] }
    case 'Sequence': {
      const parts = ((p.processors as unknown[]) ?? []).map((x) => templateOf(x, ids))
      return { before: parts.flatMap((x) => x.before), after: parts.flatMap((x) => x.after) }
    }
    case 'TemplateProcessing': {
      const specials = (p.special_tokens ?? {}) as Record<string, { ids: number[] }>
      const before: number[] = []
      const after: number[] = []
      let seen = false
      for (const item of (p.single as Obj[]) ?? []) {
        if ('Sequence' in item) seen = true
        else if ('SpecialToken' in item) {
          const name = (item.SpecialToken as Obj).id as string
          const idsOf = specials[name]?.ids ?? [ids.get(name) ?? -1]
          ;(seen ? after : before).push(...idsOf)
        }
      }
      return { before, after }
    }
    default:
      throw new TokenizerError(`The tokenizer's post-processor "${String(p.type)}" is not supported.`)
  }
}

function decoderOf(node: unknown): PretrainedTokenizerJSON['decoder'] {
  const t = (node as Obj | null)?.type
  if (t === 'Sequence') {
    const types = (((node as Obj).decoders as Obj[]) ?? []).map((d) => d.type)
    return types.includes('ByteLevel') || types.includes('ByteFallback') ? 'ByteLevel' : types.includes('Metaspace') ? 'Metaspace' : 'none'
  }
  return t === 'WordPiece' || t === 'ByteLevel' || t === 'Metaspace' ? t : 'none'
}

function fromTokenizerJson(tj: Obj, config: Obj): PretrainedTokenizerJSON {
  const model = tj.model as Obj | undefined
  if (!model || typeof model !== 'object') throw new TokenizerError('tokenizer.json has no "model" section.')
  const added: AddedToken[] = ((tj.added_tokens as Obj[]) ?? []).map((t) => ({
    id: Number(t.id),
    content: String(t.content),
    lstrip: t.lstrip === true,
    rstrip: t.rstrip === true,
    normalized: t.normalized === true,
    special: t.special === true,
  }))
  const ids = new Map<string, number>()
  let m: PretrainedModelJSON
  let kind: PretrainedTokenizerJSON['kind']
  if (model.type === 'WordPiece') {
    kind = 'wordpiece'
    for (const [t, i] of Object.entries(model.vocab as Record<string, number>)) ids.set(t, i)
    m = {
      type: 'WordPiece',
      unk: String(model.unk_token ?? '[UNK]'),
      prefix: String(model.continuing_subword_prefix ?? '##'),
      maxInputChars: Number(model.max_input_chars_per_word ?? 100),
    }
  } else if (model.type === 'BPE') {
    kind = 'bpe'
    if (model.dropout !== null && model.dropout !== undefined && model.dropout !== 0) throw new TokenizerError('The BPE tokenizer uses dropout, which makes encoding random; it is not supported.')
    if (model.continuing_subword_prefix || model.end_of_word_suffix) throw new TokenizerError('BPE tokenizers with word prefixes or suffixes are not supported (GPT-2 and RoBERTa style byte-level BPE is).')
    for (const [t, i] of Object.entries(model.vocab as Record<string, number>)) ids.set(t, i)
    const merges = ((model.merges as unknown[]) ?? []).map((x) => (Array.isArray(x) ? [String(x[0]), String(x[1])] : (String(x).split(' ', 2) as [string, string]))) as [string, string][]
    m = { type: 'BPE', merges, unk: typeof model.unk_token === 'string' ? model.unk_token : null, byteFallback: model.byte_fallback === true, ignoreMerges: model.ignore_merges === true, fuseUnk: model.fuse_unk === true }
  } else if (model.type === 'Unigram') {
    kind = 'unigram'
    const v = (model.vocab as [string, number][]) ?? []
    v.forEach(([t], i) => {
      if (!ids.has(t)) ids.set(t, i)
    })
    const scores = v.map(([, s]) => Number(s))
    m = { type: 'Unigram', scores, unkId: typeof model.unk_id === 'number' ? model.unk_id : null, byteFallback: model.byte_fallback === true }
  } else {
    throw new TokenizerError(`The tokenizer model "${String(model.type)}" is not supported (WordPiece, BPE and Unigram are).`)
  }
  for (const t of added) ids.set(t.content, t.id)
  const template = templateOf(tj.post_processor, ids)
  const vocab = vocabArray(ids, added)
  return {
    format: 'attention-workbench-tokenizer',
    version: 1,
    kind,
    lowercase: false,
    normalize: 'none',
    vocab,
    model: m,
    normalizer: flattenNormalizer(tj.normalizer),
    preTokenizer: flattenPreTokenizer(tj.pre_tokenizer),
    decoder: decoderOf(tj.decoder),
    addedTokens: added,
    template,
    special: specialIds(ids, config, template),
  }
}

function specialAdded(names: (string | undefined)[], ids: Map<string, number>, lstrip: string[] = []): AddedToken[] {
  const out: AddedToken[] = []
  for (const name of new Set(names)) {
    const id = name === undefined ? undefined : ids.get(name)
    if (name !== undefined && id !== undefined) out.push({ id, content: name, lstrip: lstrip.includes(name), rstrip: false, normalized: false, special: true })
  }
  return out
}

function fromVocabTxt(text: string, config: Obj): PretrainedTokenizerJSON {
  const ids = new Map<string, number>()
  text.split(/\r?\n/).forEach((line, i) => {
    if (line !== '' && !ids.has(line)) ids.set(line, i)
  })
  const names = ['unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'].map((k) => tokenName(config[k]))
  const added = specialAdded([...names, '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'], ids)
  const lowercase = config.do_lower_case !== false
  const template = { before: [ids.get(tokenName(config.cls_token) ?? '[CLS]') ?? -1], after: [ids.get(tokenName(config.sep_token) ?? '[SEP]') ?? -1] }
  if (template.before[0] < 0 || template.after[0] < 0) throw new TokenizerError('vocab.txt has no [CLS] or [SEP] token.')
  return {
    format: 'attention-workbench-tokenizer',
    version: 1,
    kind: 'wordpiece',
    lowercase: false,
    normalize: 'none',
    vocab: vocabArray(ids, added),
    model: { type: 'WordPiece', unk: tokenName(config.unk_token) ?? '[UNK]', prefix: '##', maxInputChars: 100 },
    normalizer: [{ type: 'BertNormalizer', clean_text: true, handle_chinese_chars: config.tokenize_chinese_chars !== false, strip_accents: config.strip_accents ?? null, lowercase }],
    preTokenizer: [{ type: 'BertPreTokenizer' }],
    decoder: 'WordPiece',
    addedTokens: added,
    template,
    special: specialIds(ids, config, template),
  }
}

function fromVocabMerges(vocabJson: Record<string, number>, merges: string, config: Obj, modelType: string | undefined): PretrainedTokenizerJSON {
  const ids = new Map(Object.entries(vocabJson))
  const pairs = merges
    .split(/\r?\n/)
    .filter((l) => l !== '' && !l.startsWith('#version'))
    .map((l) => l.split(' ', 2) as [string, string])
  const roberta = modelType !== 'gpt2' && ids.has('<s>') && ids.has('</s>')
  const names = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'].map((k) => tokenName(config[k]))
  const added = specialAdded([...names, '<|endoftext|>', '<s>', '</s>', '<pad>', '<unk>', '<mask>'], ids, ['<mask>'])
  const template = roberta ? { before: [ids.get('<s>')!], after: [ids.get('</s>')!] } : { before: [], after: [] }
  return {
    format: 'attention-workbench-tokenizer',
    version: 1,
    kind: 'bpe',
    lowercase: false,
    normalize: 'none',
    vocab: vocabArray(ids, added),
    model: { type: 'BPE', merges: pairs, unk: tokenName(config.unk_token) ?? null, byteFallback: false, ignoreMerges: false, fuseUnk: false },
    normalizer: [],
    preTokenizer: [{ type: 'ByteLevel', add_prefix_space: config.add_prefix_space === true, use_regex: true }],
    decoder: 'ByteLevel',
    addedTokens: added,
    template,
    special: specialIds(ids, config, template),
  }
}

/** Builds the tokenizer from whichever files the folder has; refuses when it has none it can use. */
export function tokenizerFromFiles(files: TokenizerFiles): PretrainedTokenizerJSON {
  const config = (files.tokenizerConfig ?? {}) as Obj
  if (files.tokenizerJson !== undefined) {
    if (!files.tokenizerJson || typeof files.tokenizerJson !== 'object') throw new TokenizerError('tokenizer.json is not a JSON object.')
    return fromTokenizerJson(files.tokenizerJson as Obj, config)
  }
  if (files.vocabTxt !== undefined) return fromVocabTxt(files.vocabTxt, config)
  if (files.vocabJson !== undefined && files.mergesTxt !== undefined) return fromVocabMerges(files.vocabJson, files.mergesTxt, config, files.modelType)
  throw new TokenizerError('The folder has no tokenizer this app can read: it needs tokenizer.json, or vocab.txt, or vocab.json with merges.txt.')
}
