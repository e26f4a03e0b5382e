import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

// Entry points are derived from the exports map so the two can never drift apart.
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, { '@edusync/source': string }>
}
const entry = Object.fromEntries(
  Object.values(pkg.exports).map((target) => {
    const source = target['@edusync/source']
    return [source.replace(/^\.\/src\//, '').replace(/\.ts$/, ''), source]
  }),
)

export default defineConfig({
  entry,
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
})
