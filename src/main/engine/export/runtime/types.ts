// The files of an exported bundle as the standalone runtime reads them (plain JSON types).
import type { TokenizerJSON } from '../../tokenizers'
import type { TfjsGraphModelJson } from '../tfjs-graph'
import type { TablePrep } from '../../../../shared/table-prep'
import type { ImageInput } from './image-input'

/** preprocessing.json: how text becomes the model's inputs, and what comes out. */
export interface Preprocessing {
  format: 'attention-workbench-preprocessing'
  version: 1
  /** Applied by the tokenizer before splitting (also recorded in tokenizer.json). */
  lowercase: boolean
  normalize: 'NFC' | 'NFKC' | 'none'
  /** Every input is cut or padded to exactly this many tokens, [CLS] included. */
  seqLen: number
  /** A [CLS] token (id clsId) is put first. */
  addCls: true
  clsId: number
  /** Padding id (mask 0 there). */
  padId: number
  /** Which position the classifier reads: the first ([CLS]), the last real token, or the mean. */
  pooled: 'first' | 'last' | 'mean'
  inputs: { ids: string; mask: string }
  outputs: { probabilities: string; attention: string[] }
  /**
   * Table models: each input is a row of cells as a JSON object; the prep (scaling, category lists) turns it
   * into the graph's ids (`inputs.ids`) and scaled numbers (`values`, null without numeric columns); `mask` is unused.
   */
  table?: { prep: TablePrep; values: string | null }
  /**
   * Image models: each input is an image resized to size x size (centre crop of the largest square, then resize;
   * transparency laid on white; grey for 1 channel), its pixels 0..255 row-major with channels last, as a JSON
   * list (runtime/image-input.ts); the graph rescales them itself. `ids` and `mask` are unused.
   */
  image?: ImageInput & { resize: 'centre-crop-then-resize'; range: [0, 255]; layout: 'rows, columns, channels' }
}

/** Everything the runtime needs, already read into memory. */
export interface BundleFiles {
  model: TfjsGraphModelJson
  /** The weights file named in the model's manifest. */
  weights: Uint8Array
  tokenizer: TokenizerJSON
  preprocessing: Preprocessing
  labels: string[]
}

/** checks.json: inputs and the probabilities the app computed for them, for self-tests and imports. */
export interface BundleChecks {
  texts: string[]
  probabilities: number[][]
}
