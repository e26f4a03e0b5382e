// Writes each benchmark suite's committed results (bench/results/<suite>.json) into the READMEs that show
// them, between `<!-- bench:<suite> -->` and `<!-- /bench:<suite> -->`, so a README's figures are always
// the rows of one run, with the machine's load printed beside them.
// Usage: `pnpm bench:readmes` after `pnpm bench`; `--check` fails (exit 1) when a README differs from the
// results it names (CI runs that, so figures and results cannot drift apart).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const check = process.argv.includes('--check')

function readmes() {
  const files = [join(root, 'README.md')]
  for (const group of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const file = join(root, group, name, 'README.md')
      if (existsSync(file)) files.push(file)
    }
  }
  return files
}

const format = (value) =>
  Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 3 })

/** The block for one suite: where the figures come from, the load they were measured at, every row. */
function render(suite) {
  const file = join(root, 'bench', 'results', `${suite}.json`)
  if (!existsSync(file))
    throw new Error(`bench/results/${suite}.json: no such file (run pnpm bench ${suite})`)
  const rows = JSON.parse(readFileSync(file, 'utf8'))
  const load = rows.filter((row) => row.unit === 'load').map((row) => `${row.name} ${format(row.value)}`)
  const lines = [
    `Rows of \`bench/results/${suite}.json\` (one run; written by \`pnpm bench:readmes\`). Machine: ${
      load.length > 0 ? load.join(', ') : 'load not in these rows (stated beside them)'
    }. A \`share\` row is the row's figure over its same-run ceiling.`,
    '',
    '| row | value | unit |',
    '| --- | ---: | --- |',
    ...rows
      .filter((row) => row.unit !== 'load')
      .map((row) => `| ${row.name} | ${format(row.value)} | ${row.unit} |`),
  ]
  return lines.join('\n')
}

const marker = /<!-- bench:([a-z0-9-]+) -->\n[\s\S]*?<!-- \/bench:\1 -->/g
const stale = []
let blocks = 0
for (const file of readmes()) {
  const text = readFileSync(file, 'utf8')
  const next = text.replace(marker, (_, suite) => {
    blocks += 1
    return `<!-- bench:${suite} -->\n${render(suite)}\n<!-- /bench:${suite} -->`
  })
  if (next === text) continue
  if (check) stale.push(relative(root, file))
  else {
    writeFileSync(file, next)
    console.log(`updated ${relative(root, file)}`)
  }
}
if (check && stale.length > 0) {
  console.error(
    `benchmark figures differ from bench/results in: ${stale.join(', ')} (run pnpm bench:readmes)`,
  )
  process.exit(1)
}
console.log(
  `${blocks} benchmark block${blocks === 1 ? '' : 's'} ${check ? 'match their results' : 'written'}`,
)
