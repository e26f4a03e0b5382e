import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const root = new URL('../', import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  bin: Record<string, string>
  files: string[]
}

describe('package bins', () => {
  // Issue 8 (also): the bin pointed at dist/cli.js, so every `pnpm install` of a fresh clone (no build
  // yet) warned "Failed to create bin ... edusync-pg-migrate".
  it.each(Object.entries(pkg.bin))('%s is a committed, shipped script outside dist/', (_name, path) => {
    expect(path.startsWith('./dist/')).toBe(false)
    expect(existsSync(new URL(path, root))).toBe(true)
    expect(pkg.files).toContain(path.replace(/^\.\//, '').split('/')[0])
    const source = readFileSync(new URL(path, root), 'utf8')
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true)
    // It runs the built CLI's entry point, which the exports map also publishes as ./cli.
    expect(source).toContain("from '../dist/cli.js'")
    expect(source).toContain('main(process.argv.slice(2), process.env)')
  })
})
