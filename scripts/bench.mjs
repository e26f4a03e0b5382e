// Runs every benchmark (packages/*/bench/*.bench.ts and examples/*/bench/*.bench.ts), then prints one
// table of all results in bench/results/*.json. Usage: `pnpm bench [filter]`, e.g. `pnpm bench core`
// runs only the benchmark files whose path contains "core".
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const filter = process.argv[2]

function benchFiles() {
  const files = []
  for (const group of ['packages', 'examples']) {
    const dir = join(root, group)
    if (!existsSync(dir)) continue
    for (const pkg of readdirSync(dir).sort()) {
      const bench = join(dir, pkg, 'bench')
      if (!existsSync(bench)) continue
      for (const file of readdirSync(bench).sort()) {
        if (file.endsWith('.bench.ts')) files.push(join(bench, file))
      }
    }
  }
  return files
}

const selected = benchFiles().filter((file) => !filter || relative(root, file).includes(filter))
if (selected.length === 0) {
  console.error(`no benchmark matches ${JSON.stringify(filter ?? '')}`)
  process.exit(1)
}

const failed = []
for (const file of selected) {
  const name = relative(root, file)
  console.log(`\n=== ${name}`)
  // --expose-gc lets a benchmark collect between rounds, so one round's garbage does not inflate the next's
  // peak RSS; it changes nothing otherwise.
  const args = ['--expose-gc', '--import', 'tsx', '--conditions=@edusync/source', file]
  const run = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
  })
  if (run.status !== 0) failed.push(name)
}

const resultsDir = join(root, 'bench', 'results')
const rows = []
if (existsSync(resultsDir)) {
  for (const file of readdirSync(resultsDir).sort()) {
    if (!file.endsWith('.json')) continue
    try {
      for (const row of JSON.parse(readFileSync(join(resultsDir, file), 'utf8'))) rows.push(row)
    } catch (error) {
      console.error(`unreadable ${file}: ${error.message}`)
    }
  }
}
if (rows.length > 0) {
  const width = Math.max(...rows.map((r) => String(r.name).length), 4)
  console.log(`\n${'name'.padEnd(width)}  ${'value'.padStart(14)}  unit`)
  for (const row of rows) {
    const value = typeof row.value === 'number' ? row.value.toLocaleString('en-US') : String(row.value)
    console.log(`${String(row.name).padEnd(width)}  ${value.padStart(14)}  ${row.unit}`)
  }
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`)
  process.exit(1)
}
