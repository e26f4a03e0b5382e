// Prints a real `edusync` session for the READMEs: the CLI as child processes against embedded PGlite in a
// temporary directory, a Zoho stand-in and the QuickBooks stand-in (the mock company of
// @edusync/quickbooks/testing) on loopback. Run: `pnpm --filter @edusync/cli session`.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startMockQuickBooks } from '../test/mock-quickbooks-server.ts'
import { startMockZoho } from '../test/mock-zoho.ts'

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const zoho = await startMockZoho(300)
const qb = await startMockQuickBooks()
const dir = mkdtempSync(join(tmpdir(), 'edusync-session-'))
const env = {
  PATH: process.env.PATH ?? '',
  HOME: dir,
  EDUSYNC_TENANT: 'acme-academy',
  ZOHO_CLIENT_ID: '1000.CLIENT',
  ZOHO_CLIENT_SECRET: 'zoho-secret',
  ZOHO_REFRESH_TOKEN: '1000.refresh',
  ZOHO_ACCOUNTS_URL: zoho.url,
  ZOHO_DEFAULT_CURRENCY: 'USD',
  QUICKBOOKS_REALM_ID: qb.mock.state.realmId,
  QUICKBOOKS_CLIENT_ID: 'qb-client-id',
  QUICKBOOKS_CLIENT_SECRET: 'qb-secret',
  QUICKBOOKS_REFRESH_TOKEN: 'rt-0',
  QUICKBOOKS_BASE_URL: qb.url,
  QUICKBOOKS_TOKEN_URL: qb.tokenUrl,
}

/** Runs one command and prints it with its stderr and stdout as they arrived. */
function edusync(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(`$ edusync ${args.join(' ')}\n`)
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, '--conditions=@edusync/source', bin, ...args],
      {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    child.stdout.pipe(process.stdout, { end: false })
    child.stderr.pipe(process.stdout, { end: false })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) process.stdout.write(`(exit ${code})\n`)
      resolve()
    })
  })
}

try {
  await edusync('migrate')
  await edusync('steps', 'list')
  await edusync(
    'sync',
    '--dry-run',
    '--from-step',
    'zoho:registration',
    '--start',
    '2024-03-01',
    '--end',
    '2024-07-01',
  )
  await edusync('sync', '--only', 'zoho:program', 'zoho:student')
  await edusync('customers', 'analyze')
  await edusync('customers', 'preview', '--limit', '1')
  await edusync('customers', 'sync')
  await edusync('customers', 'status')
  await edusync('runs', 'list', '--limit', '4')
} finally {
  await zoho.close()
  await qb.close()
  rmSync(dir, { recursive: true, force: true })
}
