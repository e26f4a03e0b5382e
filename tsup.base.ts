import { readFileSync } from 'node:fs'
import type { Options } from 'tsup'

/**
 * The tsup config every package builds with: ESM with declarations and source maps for Node 22, one entry
 * per subpath of the package's `exports` map (read from its `@edusync/source` condition), so the entries
 * and the exports map can never drift apart.
 *
 * @param packageUrl - `import.meta.url` of the package's `tsup.config.ts` (its package.json sits beside it).
 */
export function packageConfig(packageUrl: string): Options {
  const manifest = JSON.parse(readFileSync(new URL('./package.json', packageUrl), 'utf8')) as {
    exports: Record<string, { '@edusync/source': string }>
  }
  const entry = Object.fromEntries(
    Object.values(manifest.exports).map((target) => {
      const source = target['@edusync/source']
      return [source.replace(/^\.\/src\//, '').replace(/\.ts$/, ''), source]
    }),
  )
  return {
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node22',
  }
}
