// Fuzzes every public reader, parser and the engine with hostile inputs for a fixed time:
//   pnpm fuzz                 # 10 minutes in total, split evenly over the properties
//   pnpm fuzz --minutes 60    # longer
// Runs the *.property.test.ts files (the same properties CI runs 100,000 times each) one file after
// another, each property with fresh random seeds until its share of the time is spent. A counterexample
// fails the run and prints its seed; replay it with EDUSYNC_PROPERTY_SEED=<seed> pnpm exec vitest run <file>.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const args = process.argv.slice(2)
const at = args.indexOf('--minutes')
const minutes = at >= 0 ? Number(args[at + 1]) : 10
if (!(minutes > 0)) {
  console.error('usage: pnpm fuzz [--minutes N]')
  process.exit(2)
}

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) find(path, out)
    else if (name.endsWith('.property.test.ts')) out.push(path)
  }
  return out
}

const files = [...find(join(root, 'packages')), ...find(join(root, 'examples'))]
// Each property checked with checkProperty() gets an equal share of the time.
const properties = files.reduce(
  (n, f) => n + (readFileSync(f, 'utf8').match(/checkProperty\(/g)?.length ?? 0),
  0,
)
if (properties === 0) {
  console.error('no properties found')
  process.exit(2)
}
const share = Math.floor((minutes * 60_000) / properties)
console.log(`fuzzing ${properties} properties in ${files.length} files, ${Math.round(share / 1000)} s each`)
const run = spawnSync(
  'pnpm',
  ['exec', 'vitest', 'run', '--no-file-parallelism', ...files.map((f) => relative(root, f))],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, EDUSYNC_FUZZ_MS: String(share), EDUSYNC_PROPERTY_RUNS: undefined },
  },
)
console.log(
  run.status === 0 ? `fuzz: nothing found in ${minutes} minutes` : 'fuzz: a property failed (see above)',
)
process.exit(run.status ?? 1)
