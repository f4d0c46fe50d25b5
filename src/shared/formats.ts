// The file formats, listed once: what an import reads and what an export writes. The API schema, the
// data readers, the terminal and the renderer derive their lists and types from these.

/** Formats an import reads (a folder holds one sub-folder of text files per label). */
export const importFormats = ['csv', 'tsv', 'json', 'jsonl', 'xlsx', 'folder'] as const
/** One import format. */
export type ImportFormat = (typeof importFormats)[number]

/** Formats an export writes (every export includes the tfjs bundle; zip packs everything written). */
export const exportFormats = ['tfjs', 'onnx', 'zip'] as const
/** One export format. */
export type ExportFormat = (typeof exportFormats)[number]

/** True when `f` names an import format. */
export function isImportFormat(f: string): f is ImportFormat {
  return (importFormats as readonly string[]).includes(f)
}
