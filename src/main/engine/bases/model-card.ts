// Languages and licence as a checkpoint's config.json or its README model card (YAML front matter) state them.

/** What the folder says about itself, when it says anything. */
export interface CardInfo {
  languages: string[]
  license: string | null
}

function frontMatter(readme: string): string[] {
  const lines = readme.split(/\r?\n/)
  if (lines[0]?.trim() !== '---') return []
  const end = lines.indexOf('---', 1)
  return end > 0 ? lines.slice(1, end) : []
}

const clean = (s: string) => s.trim().replace(/^["']|["']$/g, '')

/** Reads `language:` (a value, a [list] or "- item" lines) and `license:` from the card, then config.json. */
export function readCardInfo(readme: string | null, config: Record<string, unknown>): CardInfo {
  const languages: string[] = []
  let license: string | null = null
  const lines = readme ? frontMatter(readme) : []
  for (let i = 0; i < lines.length; i++) {
    const m = /^(language|languages|license):\s*(.*)$/.exec(lines[i])
    if (!m) continue
    const [, key, rest] = m
    let values: string[]
    if (rest.trim().startsWith('[')) values = rest.replace(/[[\]]/g, '').split(',').map(clean).filter(Boolean)
    else if (rest.trim() !== '') values = [clean(rest)]
    else {
      values = []
      while (i + 1 < lines.length && /^\s*-\s+/.test(lines[i + 1])) values.push(clean(lines[++i].replace(/^\s*-\s+/, '')))
    }
    if (key === 'license') license = values[0] ?? null
    else languages.push(...values)
  }
  const cfgLang = config.language ?? config.languages
  if (!languages.length && typeof cfgLang === 'string') languages.push(cfgLang)
  if (!languages.length && Array.isArray(cfgLang)) languages.push(...cfgLang.filter((x): x is string => typeof x === 'string'))
  if (license === null && typeof config.license === 'string') license = config.license
  return { languages: languages.slice(0, 200), license }
}
