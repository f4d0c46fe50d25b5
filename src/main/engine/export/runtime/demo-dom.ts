// What both demo pages (the model's and the classic baseline's) need from the browser, typed here: the
// pages are compiled for the browser but type-checked with the Node sources, which have no DOM library.
import type { TfLike } from './classifier'

/** The few element features the pages use. */
export interface El {
  textContent: string | null
  value: string
  className: string
  title: string
  id: string
  dataset: Record<string, string>
  style: { cssText: string }
  placeholder: string
  append(...nodes: (El | string)[]): void
  before(...nodes: (El | string)[]): void
  replaceChildren(...nodes: (El | string)[]): void
  addEventListener(type: string, cb: () => void): void
  /** Set by the model's page: re-run the prediction after a form field changed (tables). */
  dispatch?: () => void
}

/** The page's globals: the document, TensorFlow.js from tf.min.js and the model from model-data.js. */
export interface DemoPage<Model> {
  document: { getElementById(id: string): El | null; createElement(tag: string): El; body: El }
  createImageBitmap(file: unknown): Promise<{ width: number; height: number; close(): void }>
  atob(b64: string): string
  tf: TfLike & { setBackend(name: string): Promise<boolean>; ready(): Promise<void> }
  WORKBENCH_MODEL: Model
}

/** The page's globals, typed with the model data its model-data.js sets. */
export const demoPage = <Model>(): DemoPage<Model> => globalThis as unknown as DemoPage<Model>

/** Bytes of a base64 string (the weights inside model-data.js). */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = globalThis.atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** A new element with properties, inline style and children. */
export function el(tag: string, props: { className?: string; textContent?: string; title?: string; id?: string; style?: string } = {}, ...children: (El | string)[]): El {
  const e = demoPage<unknown>().document.createElement(tag)
  const { style, ...rest } = props
  Object.assign(e, rest)
  if (style) e.style.cssText = style
  e.append(...children)
  return e
}
