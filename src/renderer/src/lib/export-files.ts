// What each file of an export is for, keyed for the i18n texts `exportFiles.<key>` (a plain
// sentence and, behind "details", the technical note).

/** The i18n key that explains an exported file, or 'other'. */
export function exportFileKey(name: string): string {
  const known: Record<string, string> = {
    'model.json': 'model',
    'tokenizer.json': 'tokenizer',
    'labels.json': 'labels',
    'preprocessing.json': 'preprocessing',
    'workbench.json': 'meta',
    'checks.json': 'checks',
    'model.onnx': 'onnx',
    'predict.mjs': 'predict',
    'index.html': 'demo',
    'MODEL_CARD.md': 'card',
    'verification.json': 'verification',
    'model-bundle.zip': 'zip',
    'vectorizer.json': 'vectorizer',
  }
  if (known[name]) return known[name]
  if (name.endsWith('.bin')) return 'weights'
  if (name.endsWith('.png')) return 'picture'
  return 'other'
}
