// Labels numbered in order of first appearance, as every pass over a dataset's rows needs them
// (import, fixes, re-splits): -1 for a row without a label.

/** Gives each distinct label a small integer id, in order of first appearance. */
export class LabelIndex {
  private readonly ids = new Map<string, number>()

  /** The label's id (a new one for a label not seen yet), or -1 for no label. */
  idOf(label: string | null): number {
    if (label === null) return -1
    let id = this.ids.get(label)
    if (id === undefined) this.ids.set(label, (id = this.ids.size))
    return id
  }

  /** The labels in id order. */
  names(): string[] {
    return [...this.ids.keys()]
  }
}

/** Growable Int32 array for per-row label ids during a streaming import. */
export class IntList {
  data = new Int32Array(1024)
  length = 0
  push(v: number) {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = v
  }
  view() {
    return this.data.subarray(0, this.length)
  }
}
