// GPT-2's reversible byte <-> printable-character map (Radford et al. 2019, encoder.py bytes_to_unicode):
// printable Latin-1 bytes map to themselves, the other 68 to U+0100 onward, so every byte string has a
// visible, whitespace-free spelling that a BPE vocabulary can hold.

function buildMaps(): { toChar: string[]; toByte: Map<string, number> } {
  const bs: number[] = []
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b)
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b)
  for (let b = 0xae; b <= 0xff; b++) bs.push(b)
  const toChar = new Array<string>(256)
  for (const b of bs) toChar[b] = String.fromCharCode(b)
  let n = 0
  for (let b = 0; b < 256; b++) if (toChar[b] === undefined) toChar[b] = String.fromCharCode(256 + n++)
  const toByte = new Map<string, number>()
  toChar.forEach((c, b) => toByte.set(c, b))
  return { toChar, toByte }
}

const maps = buildMaps()
const utf8 = new TextEncoder()

/** A text's UTF-8 bytes spelled with the byte-level alphabet. */
export function bytesToUnicode(text: string): string {
  let out = ''
  for (const b of utf8.encode(text)) out += maps.toChar[b]
  return out
}

/** Back from the byte-level alphabet to text (invalid UTF-8 shows as U+FFFD). */
export function unicodeToText(spelled: string): string {
  const bytes: number[] = []
  for (const c of spelled) {
    const b = maps.toByte.get(c)
    if (b !== undefined) bytes.push(b)
  }
  return new TextDecoder().decode(new Uint8Array(bytes))
}
