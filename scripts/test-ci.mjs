// Runs vitest across the workspace and ends with one line "N passed, N failed" (what CI reads).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// The JSON report goes to a directory of its own, removed once read (whatever the run's outcome).
const reportDir = mkdtempSync(join(tmpdir(), 'edusync-vitest-'))
const out = join(reportDir, 'results.json')
const run = spawnSync(
  'pnpm',
  ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`],
  {
    stdio: 'inherit',
  },
)
let passed = 0
let failed = 0
let skipped = 0
try {
  const report = JSON.parse(readFileSync(out, 'utf8'))
  passed = report.numPassedTests
  failed =
    report.numFailedTests +
    (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? report.numFailedTestSuites : 0)
  skipped = report.numPendingTests + report.numTodoTests
} catch {
  failed = Math.max(1, failed)
} finally {
  rmSync(reportDir, { recursive: true, force: true })
}
if (run.status !== 0 && failed === 0) failed = 1
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(run.status === 0 && failed === 0 ? 0 : 1)
