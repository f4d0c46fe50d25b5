// Reports English that the zh-CN UI would show: messages the Chinese table leaves identical to the
// English one, and text written straight into templates instead of going through the message
// tables. Run: npm run check:zh (exit 1 when something is found; --json prints the list).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse } from 'vue/compiler-sfc'

/** Words that are the same in both languages: names of formats, products and metrics. */
const sameInBoth = new Set([
  'F1', 'ONNX', 'WebAssembly', 'WebGPU', 'MiB', 'TensorFlow', 'TensorFlow.js', 'JavaScript', 'LoRA', 'NFC', 'NFKC', 'SIMD', 'JSON', 'JSONL', 'CSV', 'TSV',
  'Excel', 'PNG', 'UTF', 'Unicode', 'Node.js', 'npm', 'GPU', 'CPU', 'Markdown', 'Transformer', 'AdamW', 'ID', 'API', 'Python', 'C#',
  'dModel', 'opset', 'ids', 'mask', 'int32', 'int64', 'float32', 'batch', 'seqLen', 'tfjs', 'node', 'predict.mjs', 'json', 'attention',
  'check', 'tensorflow', 'dropout', 'probabilities', 'Attention', 'Workbench', 'zip', 'html', 'md', 'onnx', 'bin', 'png', 'Zip',
])

/** One finding: where, and the English. */
export interface Untranslated {
  where: string
  text: string
}

function leaves(o: unknown, prefix = ''): [string, string][] {
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
    v && typeof v === 'object' ? leaves(v, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)] as [string, string]],
  )
}

/** Latin words a Chinese reader would have to read in English (placeholders, file names and known terms removed). */
function englishWords(text: string): string[] {
  const stripped = text
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b[\w-]+\.(json|mjs|md|onnx|html|zip|bin|png|xlsx|csv)\b/g, ' ')
    .replace(/--[\w-]+/g, ' ')
  return (stripped.match(/[A-Za-z][A-Za-z.#-]*[A-Za-z]/g) ?? []).filter((w) => !sameInBoth.has(w) && !sameInBoth.has(w.replace(/\.$/, '')))
}

/** Messages whose Chinese text is still the English one. */
export function sameAsEnglish(en: object, zhCN: object): Untranslated[] {
  const zh = new Map(leaves(zhCN))
  return leaves(en)
    // A language's own name is written in that language in every UI.
    .filter(([k, v]) => !k.startsWith('language.') && zh.get(k) === v && englishWords(v).length > 0)
    .map(([k, v]) => ({ where: `i18n ${k}`, text: v }))
}

function vueFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? vueFiles(p) : p.endsWith('.vue') ? [p] : []
  })
}

interface TemplateNode {
  type: number
  content?: string
  props?: { type: number; name: string; value?: { content: string } }[]
  children?: TemplateNode[]
  loc: { start: { line: number } }
}

/** Text written straight into templates (text between tags, or static title/placeholder/aria-label/label attributes). */
export function hardCodedInTemplates(root: string): Untranslated[] {
  const out: Untranslated[] = []
  for (const file of vueFiles(join(root, 'src', 'renderer', 'src'))) {
    const { descriptor } = parse(readFileSync(file, 'utf8'), { filename: file })
    const ast = descriptor.template?.ast as TemplateNode | undefined
    if (!ast) continue
    const where = relative(root, file)
    const walk = (n: TemplateNode) => {
      // 2 = text; 1 = element, whose static attributes (prop type 6) are shown text too.
      if (n.type === 2 && n.content && englishWords(n.content.trim()).length) out.push({ where: `${where}:${n.loc.start.line}`, text: n.content.trim() })
      for (const p of n.props ?? []) {
        if (p.type === 6 && ['title', 'placeholder', 'aria-label', 'label', 'description'].includes(p.name) && p.value && englishWords(p.value.content).length) {
          out.push({ where: `${where}:${n.loc.start.line} ${p.name}=`, text: p.value.content })
        }
      }
      for (const c of n.children ?? []) walk(c)
    }
    walk(ast)
  }
  return out
}

/** Everything found. */
export function untranslated(root: string, en: object, zhCN: object): Untranslated[] {
  return [...sameAsEnglish(en, zhCN), ...hardCodedInTemplates(root)]
}

/** The renderer's message tables (loaded by path: they belong to the renderer's build). */
export async function tables(root: string): Promise<[object, object]> {
  const load = async (name: string) => ((await import(pathToFileURL(join(root, 'src', 'renderer', 'src', 'i18n', `${name}.ts`)).href)) as { default: object }).default
  return [await load('en'), await load('zh-cn')]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const found = untranslated(root, ...(await tables(root)))
  if (process.argv.includes('--json')) console.log(JSON.stringify(found, null, 2))
  else if (!found.length) console.log('zh-CN: no untranslated strings found.')
  else {
    console.log(`zh-CN: ${found.length} untranslated string(s):`)
    for (const f of found) console.log(`  ${f.where}: ${f.text}`)
  }
  process.exitCode = found.length ? 1 : 0
}
