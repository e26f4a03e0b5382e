import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/** The snippet files, in the order the README shows them. */
const SNIPPETS = [
  'src/edusync.ts',
  'src/hono.ts',
  'src/next/app/webhooks/[tenant]/zoho/[module]/route.ts',
  'src/express.ts',
  'src/fastify.ts',
]

/** The text between a file's `// #region readme` and `// #endregion` lines, without their common indent. */
function readmeRegion(text: string): string {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.trim() === '// #region readme')
  const end = lines.findIndex((l, i) => i > start && l.trim() === '// #endregion')
  if (start < 0 || end < 0) throw new Error('no "// #region readme" ... "// #endregion" in the file')
  const region = lines.slice(start + 1, end)
  const indent = Math.min(...region.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length))
  return region.map((l) => l.slice(indent)).join('\n')
}

/** The ```ts blocks of the README's "Your own server" section. */
function readmeBlocks(): string[] {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
  const section = readme.split('\n## Your own server\n')[1]?.split('\n## ')[0] ?? ''
  return [...section.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '')
}

describe("the README's 'Your own server' section", () => {
  it('shows exactly the code the snippet tests run, file by file (copy a changed region into the README)', () => {
    const regions = SNIPPETS.map((file) =>
      readmeRegion(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')),
    )
    expect(readmeBlocks()).toEqual(regions)
  })

  it('reads a region without its markers and indent', () => {
    expect(readmeRegion('x\n  // #region readme\n  a()\n    b()\n  // #endregion\ny')).toBe('a()\n  b()')
    expect(() => readmeRegion('a()')).toThrow(/region readme/)
  })
})
