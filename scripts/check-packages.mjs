// Checks the packages as a user would receive them: packs every publishable package (after `pnpm build`),
// runs publint and @arethetypeswrong/cli (--profile esm-only) on each tarball, checks what a release must
// carry (LICENSE, metadata, no test fixtures, @edusync/core as a peer of every adapter, every @edusync/*
// package the build imports declared), then installs the tarballs into a temporary project OUTSIDE the
// workspace, runs a script that syncs records through embedded PGlite, and typechecks that script with
// `moduleResolution: nodenext`.
//
// Usage: node scripts/check-packages.mjs [--skip-consumer]
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
// What a first-time user writes: sync a batch into embedded PGlite, sync it again, read the counts.
const SMOKE_SCRIPT = `import { createSyncEngine } from '@edusync/core'
import { createPgStore } from '@edusync/store-pg'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dataDir = mkdtempSync(join(tmpdir(), 'edusync-smoke-'))
const store = createPgStore({ dataDir })
const engine = createSyncEngine({ store })
const records = [
  { id: '6493490000000200001', firstName: 'Ayse', lastName: 'Yilmaz', status: 'active' },
  { id: '6493490000000200002', firstName: 'Omar', lastName: 'Haddad', status: 'applicant' },
  { id: '6493490000000200003', firstName: '', lastName: 'Invalid', status: 'active' },
]
try {
  const first = await engine.syncBatch({ tenant: 'smoke-academy', entity: 'student', records })
  const second = await engine.syncBatch({ tenant: 'smoke-academy', entity: 'student', records })
  if (first.isErr() || second.isErr()) throw new Error('sync failed')
  const a = first.value.counts
  const b = second.value.counts
  if (a.new !== 2 || a.invalid !== 1 || b.unchanged !== 2) throw new Error(\`unexpected counts \${JSON.stringify([a, b])}\`)
  console.log('smoke ok', JSON.stringify({ first: a, second: b }))
} finally {
  // What a user's script should do too: the throw-away data directory goes, whatever happened.
  await store.close()
  rmSync(dataDir, { recursive: true, force: true })
}
`

const skipConsumer = process.argv.includes('--skip-consumer')
const work = mkdtempSync(join(tmpdir(), 'edusync-packages-'))
// The packs and the consumer project go however the check ends: normally, on an uncaught error (the
// 'exit' event runs then too), or interrupted.
process.on('exit', () => rmSync(work, { recursive: true, force: true }))
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.on(signal, () => process.exit(code))
}
const packs = join(work, 'packs')
mkdirSync(packs)
const problems = []

const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options })

function step(label, fn) {
  process.stderr.write(`check-packages: ${label}\n`)
  try {
    return fn()
  } catch (error) {
    const output = [error.stdout, error.stderr].filter(Boolean).join('\n').trim()
    problems.push(`${label}: ${output || error.message}`)
    return undefined
  }
}

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private)

// What a release must carry, checked on the manifest (the tarball checks below see the packed result).
for (const { dir, manifest } of packages) {
  const name = manifest.name
  if (!existsSync(join(dir, 'LICENSE'))) problems.push(`${name}: no LICENSE file`)
  if (!existsSync(join(dir, 'README.md'))) problems.push(`${name}: no README.md`)
  for (const field of ['description', 'license', 'repository', 'homepage', 'keywords']) {
    if (manifest[field] === undefined) problems.push(`${name}: package.json has no "${field}"`)
  }
  if (!manifest.files?.includes('!src/**/__fixtures__')) {
    problems.push(`${name}: "files" must exclude test fixtures ("!src/**/__fixtures__")`)
  }
  if (name !== '@edusync/core') {
    // Two copies of core (one bundled under an adapter) would break instanceof-based retry decisions.
    if (manifest.dependencies?.['@edusync/core']) {
      problems.push(`${name}: @edusync/core must be a peerDependency, not a dependency`)
    }
    if (!manifest.peerDependencies?.['@edusync/core'] && usesCore(manifest)) {
      problems.push(`${name}: @edusync/core missing from peerDependencies`)
    }
  }
  for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
    if (/^>=|^\*$|^x$/.test(range)) problems.push(`${name}: peer ${peer} has an unbounded range "${range}"`)
  }
  // A sibling the build imports (e.g. @edusync/http under the adapters) must be installed with the package:
  // a devDependency would pass in the workspace and fail for every user.
  for (const sibling of siblingImports(join(dir, 'dist'))) {
    if (sibling !== name && !manifest.dependencies?.[sibling] && !manifest.peerDependencies?.[sibling]) {
      problems.push(`${name}: dist imports ${sibling}, which is neither a dependency nor a peer`)
    }
  }
}

/** The `@edusync/*` packages a built package imports (dist/ must exist: run after `pnpm build`). */
function siblingImports(dist) {
  const found = new Set()
  if (!existsSync(dist)) return found
  for (const file of readdirSync(dist, { recursive: true })) {
    if (!String(file).endsWith('.js')) continue
    const text = readFileSync(join(dist, String(file)), 'utf8')
    for (const m of text.matchAll(/from\s*["'](@edusync\/[a-z0-9-]+)/g)) found.add(m[1])
  }
  return found
}

function usesCore(manifest) {
  return Boolean(manifest.devDependencies?.['@edusync/core'] || manifest.peerDependencies?.['@edusync/core'])
}

const tarballs = new Map()
for (const { dir, manifest } of packages) {
  const tarball = step(`pack ${manifest.name}`, () => {
    run('pnpm', ['pack', '--pack-destination', packs], { cwd: dir })
    const file = readdirSync(packs).find(
      (f) => f.startsWith(manifest.name.replace('@', '').replace('/', '-')) && f.endsWith('.tgz'),
    )
    if (!file) throw new Error('no tarball produced')
    return join(packs, file)
  })
  if (!tarball) continue
  tarballs.set(manifest.name, tarball)
  const listing = run('tar', ['tzf', tarball])
  for (const entry of listing.split('\n')) {
    if (/__fixtures__|\.test\.ts$|\.test-d\.ts$/.test(entry))
      problems.push(`${manifest.name}: ships ${entry}`)
  }
  if (!listing.includes('package/LICENSE')) problems.push(`${manifest.name}: tarball has no LICENSE`)
  step(`publint ${manifest.name}`, () => {
    const out = run('pnpm', ['exec', 'publint', 'run', tarball, '--strict'])
    if (!/All good/.test(out)) throw Object.assign(new Error('publint'), { stdout: out })
  })
  step(`attw ${manifest.name}`, () =>
    run('pnpm', ['exec', 'attw', tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color']),
  )
}

if (!skipConsumer && problems.length === 0) consumerSmokeTest()

if (problems.length > 0) {
  console.error(`check-packages: ${problems.length} problem(s)\n- ${problems.join('\n- ')}`)
  process.exit(1)
}
console.error(
  `check-packages: ${tarballs.size} packages packed, publint and attw clean${skipConsumer ? '' : ', consumer smoke test passed'}`,
)

// A project outside the workspace installs the tarballs from disk (their own dependencies from the npm
// registry), then runs and typechecks a script that syncs records through PGlite.
function consumerSmokeTest() {
  const app = join(work, 'consumer')
  mkdirSync(app)
  const storePg = JSON.parse(readFileSync(join(root, 'packages/store-pg/package.json'), 'utf8'))
  const dependencies = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]))
  dependencies['@electric-sql/pglite'] = storePg.peerDependencies['@electric-sql/pglite']
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'edusync-consumer-smoke',
        private: true,
        type: 'module',
        dependencies,
        devDependencies: { typescript: '~5.9.2', '@types/node': '^24.3.0' },
      },
      null,
      2,
    ),
  )
  const tsconfig = (include, skipLibCheck) =>
    JSON.stringify({
      compilerOptions: {
        target: 'es2023',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        skipLibCheck,
        types: ['node'],
      },
      include,
    })
  // Our declarations are checked in full (skipLibCheck: false). A package whose dependency ships
  // declarations that do not typecheck themselves is imported from a second file checked with
  // skipLibCheck: true (its use of our types is still checked): pg-boss 12's own .d.ts files reference a
  // type they do not export (ResolvedConstructorOptions) and need @types/pg.
  const LIB_CHECK_EXEMPT = new Set(['@edusync/jobs'])
  writeFileSync(join(app, 'tsconfig.json'), tsconfig(['smoke.ts'], false))
  writeFileSync(join(app, 'tsconfig.exempt.json'), tsconfig(['smoke-exempt.ts'], true))
  // Every entry point of every package is imported too (`@edusync/quickbooks/handlers`, ...), so each one
  // resolves, loads and typechecks from its tarball; `./testing` entries import test tools (msw, vitest)
  // a consumer installs only for its tests, so they are left to publint and attw.
  const manifests = new Map(packages.map(({ manifest }) => [manifest.name, manifest]))
  const others = [...tarballs.keys()].flatMap((name) =>
    Object.keys(manifests.get(name)?.exports ?? { '.': '' })
      .filter((subpath) => subpath !== './testing')
      .map((subpath) => (subpath === '.' ? name : `${name}/${subpath.slice(2)}`))
      .filter((specifier) => specifier !== '@edusync/core' && specifier !== '@edusync/store-pg'),
  )
  const importsOf = (names) =>
    names
      .map(
        (name, i) =>
          `import * as package${i} from '${name}'\nif (Object.keys(package${i}).length === 0) throw new Error('${name} exports nothing')`,
      )
      .join('\n')
  const packageOf = (specifier) => specifier.split('/').slice(0, 2).join('/')
  const checked = others.filter((name) => !LIB_CHECK_EXEMPT.has(packageOf(name)))
  const exempt = others.filter((name) => LIB_CHECK_EXEMPT.has(packageOf(name)))
  writeFileSync(join(app, 'smoke-exempt.ts'), `${importsOf(exempt)}\nexport {}\n`)
  writeFileSync(join(app, 'smoke.ts'), `${importsOf(checked)}\n${SMOKE_SCRIPT}`)
  step('consumer install (npm, outside the workspace)', () =>
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app }),
  )
  if (problems.length > 0) return
  step('consumer typecheck (moduleResolution: nodenext)', () => {
    run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.exempt.json'], { cwd: app })
    run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: app })
  })
  step('consumer run (sync through PGlite)', () => {
    run(process.execPath, ['smoke-exempt.ts'], { cwd: app })
    const out = run(process.execPath, ['smoke.ts'], { cwd: app })
    process.stderr.write(out)
    if (!out.includes('smoke ok'))
      throw Object.assign(new Error('smoke script did not finish'), { stdout: out })
  })
}
