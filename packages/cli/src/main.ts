import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import type { ConnectionsSetOptions } from './commands/connections.ts'
import { connectionsSetCommand, connectionsTestCommand } from './commands/connections.ts'
import type { CustomersSyncOptions, SubjectKind } from './commands/customers.ts'
import {
  customersAnalyzeCommand,
  customersPreviewCommand,
  customersRetryCommand,
  customersStatusCommand,
  customersSyncCommand,
} from './commands/customers.ts'
import { deleteCommand, deletionsListCommand, deletionsResolveCommand } from './commands/deletions.ts'
import { keysRotateCommand } from './commands/keys.ts'
import { mappingsSetCommand, mappingsValidateCommand } from './commands/mappings.ts'
import { migrateCommand } from './commands/migrate.ts'
import { parkedListCommand, parkedReplayCommand } from './commands/parked.ts'
import { runsListCommand, runsShowCommand } from './commands/runs.ts'
import { stepsListCommand } from './commands/steps.ts'
import type { SyncOptions } from './commands/sync.ts'
import { syncCommand } from './commands/sync.ts'
import {
  tenantsAddCommand,
  tenantsListCommand,
  tenantsShowCommand,
  tenantsSuspendCommand,
} from './commands/tenants.ts'
import type { TokensSetOptions } from './commands/tokens.ts'
import { TOKEN_SYSTEMS, tokensSetCommand, tokensStatusCommand } from './commands/tokens.ts'
import { ConfigError, loadConfig } from './config.ts'
import type { CliContext } from './context.ts'
import { openContext } from './context.ts'
import type { Io } from './output.ts'
import { EXIT } from './output.ts'
import { resolveQuickBooks } from './quickbooks.ts'
import type { RegistryApi } from './registry-api.ts'
import { openRegistryApi } from './registry-api.ts'

/** How {@link run} is wired to the outside world (tests pass their own). */
export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  readonly io?: Io
  /** Fires on Ctrl-C: the sync stops between batches and records the run as interrupted. */
  readonly signal?: AbortSignal
  /** Standard input's first line, for secrets piped in (`tokens set --refresh-token-stdin`). */
  readonly stdin?: () => Promise<string>
}

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name}: expected a positive integer`)
  return n
}

/**
 * Runs the `edusync` command line and returns its exit code: 0 done, 1 failures recorded, 2 bad usage or
 * configuration (nothing run). Results go to stdout (`--json` for scripts), progress and errors to stderr.
 *
 * @example
 * ```ts
 * process.exitCode = await run(process.argv.slice(2))
 * ```
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const io: Io = options.io ?? {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    interactive: process.stderr.isTTY === true,
  }
  const signal = options.signal ?? interruptSignal(io)
  const stdin = options.stdin ?? (() => firstLine(process.stdin))
  let code: number = EXIT.ok
  let context: CliContext | undefined
  let registryApi: RegistryApi | undefined

  const program = new Command('edusync')
    .description(
      'Keep Zoho CRM, Moodle and QuickBooks in agreement: run sync steps, push customers to QuickBooks, inspect runs and parked records, delete records and resolve quarantined deletions, replace dead OAuth refresh tokens.',
    )
    .option(
      '-c, --config <file>',
      'configuration file (JSON); default EDUSYNC_CONFIG or ./edusync.config.json',
    )
    .option('-t, --tenant <slug>', 'tenant to work on (overrides the configuration)')
    .option('--json', 'print machine-readable JSON on stdout')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .addHelpText(
      'after',
      `
Configuration: a JSON file { "tenant", "store": { "dataDir" | "connectionString", "schema" }, "zoho": { ... }, "quickbooks": { ... } }
with environment variables over it: EDUSYNC_TENANT, DATABASE_URL, EDUSYNC_DATA_DIR, EDUSYNC_PG_SCHEMA,
ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, ZOHO_DC, ZOHO_ACCOUNTS_URL, ZOHO_DEFAULT_CURRENCY,
QUICKBOOKS_REALM_ID, QUICKBOOKS_CLIENT_ID, QUICKBOOKS_CLIENT_SECRET, QUICKBOOKS_REFRESH_TOKEN (seeds an empty
token store; tokens set replaces a stored one), QUICKBOOKS_ENVIRONMENT, QUICKBOOKS_SUBJECTS_FILE. QuickBooks secrets come from the environment only.
Without a store, records live in embedded PGlite under .data/edusync.

Exit codes: 0 done, 1 failures recorded, 2 bad usage or configuration.`,
    )

  const globals = () => program.opts<{ config?: string; tenant?: string; json?: boolean }>()
  const open = async (): Promise<CliContext> => {
    const g = globals()
    const config = loadConfig({
      file: g.config,
      env: g.tenant ? { ...env, EDUSYNC_TENANT: g.tenant } : env,
      cwd,
    })
    context = openContext(config, await resolveQuickBooks(config, env), cwd)
    return context
  }
  const action =
    <A extends unknown[]>(fn: (ctx: CliContext, asJson: boolean, ...args: A) => Promise<number> | number) =>
    async (...args: A) => {
      code = await fn(await open(), globals().json === true, ...args)
    }

  program
    .command('migrate')
    .description('apply pending Store migrations')
    .action(action((ctx, asJson) => migrateCommand(ctx, io, asJson)))

  program
    .command('steps')
    .description('the sync steps')
    .command('list')
    .description('list the steps in their fixed execution order')
    .action(action((ctx, asJson) => stepsListCommand(ctx, io, asJson)))

  program
    .command('sync')
    .description('run the steps in order, recording every run')
    .option('--from-step <step>', 'start from this step (and run every later one)')
    .option('--only <step...>', 'run only these steps')
    .option('--start <YYYY-MM-01>', 'first month (inclusive, the first of a month)')
    .option('--end <YYYY-MM-01>', 'end month (exclusive, the first of a month)')
    .addOption(
      new Option('--year <year>', 'year to process when no --start/--end (default: this year)').argParser(
        positiveInt('--year'),
      ),
    )
    .option('--full', 'pull everything, not only what changed since the last pull')
    .option('--option <key=value...>', 'a step option (see steps list), e.g. kinds=student batchSize=50')
    .option('--dry-run', 'print the steps and months that would run, and run nothing')
    .option('--continue-on-error', 'go on with the next step when one fails')
    .option('--resume <run-id>', 'resume a failed or interrupted steps run from the step that did not finish')
    .action(action((ctx, asJson, opts: SyncOptions) => syncCommand(ctx, io, opts, asJson, signal)))

  const runs = program.command('runs').description('recorded runs')
  runs
    .command('list')
    .description('recent runs, newest first')
    .option('--step <step>', 'only runs of this step')
    .option('--status <status>', 'only runs with this status (pending, running, completed, failed)')
    .addOption(new Option('--limit <n>', 'how many').default(20).argParser(positiveInt('--limit')))
    .action(
      action((ctx, asJson, opts: { step?: string; status?: string; limit: number }) =>
        runsListCommand(ctx, io, opts, asJson),
      ),
    )
  runs
    .command('show')
    .description('one run: counts, parameters, error')
    .argument('<id>', 'run id')
    .action(action((ctx, asJson, id: string) => runsShowCommand(ctx, io, id, asJson)))

  const kindOption = () =>
    new Option('--kind <kind>', 'only applicants or only students').choices(['applicant', 'student'])
  const customers = program
    .command('customers')
    .description('applicants and students as QuickBooks customers (QUICKBOOKS_* or a registry connection)')
  customers
    .command('analyze')
    .description('how many records are not synced, in progress, synced or failed; reads only')
    .addOption(kindOption())
    .action(
      action((ctx, asJson, opts: { kind?: SubjectKind }) => customersAnalyzeCommand(ctx, io, opts, asJson)),
    )
  customers
    .command('preview')
    .description('the records a sync would push, with each field now and after; sends nothing')
    .addOption(kindOption())
    .addOption(
      new Option('--limit <n>', 'records per page (1-100)').default(10).argParser(positiveInt('--limit')),
    )
    .addOption(
      new Option('--offset <n>', 'records to skip').default(0).argParser((v) => {
        const n = Number(v)
        if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('--offset: expected 0 or more')
        return n
      }),
    )
    .action(
      action((ctx, asJson, opts: { kind?: SubjectKind; limit: number; offset: number }) =>
        customersPreviewCommand(ctx, io, opts, asJson),
      ),
    )
  customers
    .command('sync')
    .description(
      'push new and changed records (a recorded run: Ctrl-C stops between chunks, --resume carries on)',
    )
    .addOption(kindOption())
    .addOption(
      new Option('--batch-size <n>', 'records per chunk (1-1000, default 30)').argParser(
        positiveInt('--batch-size'),
      ),
    )
    .option('--resume <run-id>', 'carry on an interrupted or failed customers run')
    .action(
      action((ctx, asJson, opts: CustomersSyncOptions) =>
        customersSyncCommand(ctx, io, opts, asJson, signal),
      ),
    )
  customers
    .command('status')
    .description('push state per type and status, failed records with their errors')
    .addOption(kindOption())
    .option('--ids <id...>', 'show these records (with --kind)')
    .action(
      action((ctx, asJson, opts: { kind?: SubjectKind; ids?: string[] }) =>
        customersStatusCommand(ctx, io, opts, asJson),
      ),
    )
  customers
    .command('retry')
    .description('make failed records (parked ones too) due again')
    .addOption(kindOption())
    .option('--ids <id...>', 'only these records (with --kind)')
    .action(
      action((ctx, asJson, opts: { kind?: SubjectKind; ids?: string[] }) =>
        customersRetryCommand(ctx, io, opts, asJson),
      ),
    )

  const tokens = program
    .command('tokens')
    .description("a tenant's OAuth refresh tokens in the token store (-t TENANT); tokens are never printed")
  tokens
    .command('set')
    .description(
      'replace the refresh token after checking it with one real refresh (from stdin or an env var, never an argument)',
    )
    .addArgument(new Argument('<system>', 'the system').choices(TOKEN_SYSTEMS))
    .option('--refresh-token-stdin', 'read the new refresh token from standard input (first line)')
    .option('--refresh-token-env <name>', 'read the new refresh token from this environment variable')
    .action(
      action((ctx, asJson, system: string, opts: TokensSetOptions) =>
        tokensSetCommand(ctx, io, env, stdin, system, opts, asJson),
      ),
    )
  tokens
    .command('status')
    .description('per system: stored or configured refresh token, last written, expiry dates')
    .action(action((ctx, asJson) => tokensStatusCommand(ctx, io, asJson)))

  const parked = program.command('parked').description('records waiting for a parent (DEFERRED)')
  parked
    .command('list')
    .description('parked records and what each waits for')
    .option('--entity <entity>', 'only this entity')
    .addOption(new Option('--limit <n>', 'how many').default(50).argParser(positiveInt('--limit')))
    .action(
      action((ctx, asJson, opts: { entity?: string; limit: number }) =>
        parkedListCommand(ctx, io, opts, asJson),
      ),
    )
  parked
    .command('replay')
    .description('replay parked records whose parents have arrived')
    .option('--entity <entity>', 'only this entity')
    .action(action((ctx, asJson, opts: { entity?: string }) => parkedReplayCommand(ctx, io, opts, asJson)))

  program
    .command('delete')
    .description('delete records (tombstones: their last data is kept), through policies and the guard')
    .argument('<entity>', 'entity, e.g. enrollment')
    .argument('<ids...>', 'record ids')
    .requiredOption('--reason <why>', 'why, kept on every tombstone')
    .option('--source <who>', 'who asks, kept on every tombstone', 'cli')
    .action(
      action((ctx, asJson, entity: string, ids: string[], opts: { reason: string; source: string }) =>
        deleteCommand(ctx, io, entity, ids, opts, asJson),
      ),
    )

  const deletions = program
    .command('deletions')
    .description('deletion waves the mass-deletion guard held for approval')
  deletions
    .command('list')
    .description('held waves, oldest first, with why and how many records')
    .option('--status <status>', 'pending, approved or discarded')
    .addOption(new Option('--limit <n>', 'how many').default(20).argParser(positiveInt('--limit')))
    .action(
      action((ctx, asJson, opts: { status?: string; limit: number }) =>
        deletionsListCommand(ctx, io, opts, asJson),
      ),
    )
  for (const verb of ['approve', 'discard'] as const) {
    deletions
      .command(verb)
      .description(verb === 'approve' ? 'apply a held wave (once)' : 'drop a held wave, deleting nothing')
      .argument('<id>', 'wave id (from deletions list)')
      .action(action((ctx, asJson, id: string) => deletionsResolveCommand(ctx, io, verb, id, asJson)))
  }
  // Registry commands: the config API in-process over the configured database. `slug` (when the command
  // names a tenant) is the tenant; tenant-wide commands (list, rotate) need none, so any valid slug does.
  const registryAction =
    <A extends unknown[]>(
      fn: (api: RegistryApi, tenant: string, asJson: boolean, ...args: A) => Promise<number>,
      options: { slugArgument?: boolean } = {},
    ) =>
    async (...args: A) => {
      const g = globals()
      const slug = options.slugArgument ? (args[0] as string) : undefined
      const tenant = slug ?? g.tenant ?? env.EDUSYNC_TENANT ?? 'all'
      const config = loadConfig({ file: g.config, env: { ...env, EDUSYNC_TENANT: tenant }, cwd })
      registryApi = openRegistryApi(config, env)
      code = await fn(registryApi, config.tenant, g.json === true, ...args)
    }

  const tenants = program.command('tenants').description('the tenant registry (needs EDUSYNC_CONFIG_KEYS)')
  tenants
    .command('list')
    .description('registered tenants')
    .action(registryAction((api, _t, asJson) => tenantsListCommand(api, io, asJson)))
  tenants
    .command('add')
    .description('register a tenant')
    .argument('<slug>', 'tenant id (lower-case letters, digits, dashes)')
    .requiredOption('--name <name>', 'display name')
    .option('--suspended', 'register it suspended (serves nothing until resumed)')
    .action(
      registryAction(
        (api, _t, asJson, slug: string, opts: { name: string; suspended?: boolean }) =>
          tenantsAddCommand(api, io, slug, opts, asJson),
        { slugArgument: true },
      ),
    )
  tenants
    .command('show')
    .description('a tenant with its connections (secrets masked), module switches and schedules')
    .argument('<slug>', 'tenant id')
    .action(
      registryAction((api, _t, asJson, slug: string) => tenantsShowCommand(api, io, slug, asJson), {
        slugArgument: true,
      }),
    )
  tenants
    .command('suspend')
    .description('stop serving a tenant (its configuration is kept); --resume serves it again')
    .argument('<slug>', 'tenant id')
    .option('--resume', 'set it active again')
    .action(
      registryAction(
        (api, _t, asJson, slug: string, opts: { resume?: boolean }) =>
          tenantsSuspendCommand(api, io, slug, opts, asJson),
        { slugArgument: true },
      ),
    )

  const connections = program.command('connections').description("a tenant's system connections (-t TENANT)")
  connections
    .command('set')
    .description(
      'create or update a connection: settings by --set, secrets by --secret-env (never as arguments)',
    )
    .argument('<system>', 'zoho, moodle, quickbooks or webhook')
    .option('--set <key=value...>', 'settings (JSON values accepted: numbers, objects)')
    .option('--secret-env <name=ENV_VAR...>', 'a secret read from an environment variable')
    .action(
      registryAction((api, tenant, asJson, system: string, opts: ConnectionsSetOptions) =>
        connectionsSetCommand(api, io, env, tenant, system, opts, asJson),
      ),
    )
  connections
    .command('test')
    .description("call the system's cheapest authenticated endpoint with the stored connection")
    .argument('<system>', 'zoho, moodle, quickbooks or webhook')
    .action(
      registryAction((api, tenant, asJson, system: string) =>
        connectionsTestCommand(api, io, tenant, system, asJson),
      ),
    )

  const mappings = program.command('mappings').description("a tenant's Zoho field-map overrides (-t TENANT)")
  mappings
    .command('validate')
    .description('check overrides (JSON file) against the live Zoho field metadata; saves nothing')
    .argument('<file>', 'JSON file of field-map overrides')
    .action(
      registryAction((api, tenant, asJson, file: string) =>
        mappingsValidateCommand(api, io, tenant, file, asJson),
      ),
    )
  mappings
    .command('set')
    .description('validate and save overrides (JSON file)')
    .argument('<file>', 'JSON file of field-map overrides')
    .action(
      registryAction((api, tenant, asJson, file: string) =>
        mappingsSetCommand(api, io, tenant, file, asJson),
      ),
    )

  program
    .command('keys')
    .description('the key ring sealing secrets at rest (EDUSYNC_CONFIG_KEYS: new key first, old after)')
    .command('rotate')
    .description('re-wrap every stored secret under the current (first) key')
    .action(registryAction((api, _t, asJson) => keysRotateCommand(api, io, asJson)))

  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)
      return done ? EXIT.ok : EXIT.usage
    }
    if (error instanceof ConfigError) {
      io.err(`edusync: ${error.message}`)
      return EXIT.usage
    }
    io.err(`edusync: ${error instanceof Error ? error.message : String(error)}`)
    return EXIT.failures
  } finally {
    await context?.close()
    await registryApi?.close()
  }
  return code
}

/** The first line of a stream (a secret piped in), then lets go of it so the process can exit. */
function firstLine(stream: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    const finish = () => {
      stream.off('data', onData)
      stream.off('end', finish)
      stream.off('error', reject)
      stream.pause()
      stream.unref?.()
      resolve(text.split(/\r?\n/)[0] ?? '')
    }
    const onData = (chunk: string) => {
      text += chunk
      if (text.includes('\n')) finish()
    }
    stream.setEncoding('utf8')
    stream.on('data', onData)
    stream.once('end', finish)
    stream.once('error', reject)
  })
}

/** Ctrl-C once: stop between batches and record the run as interrupted. Twice: leave at once. */
function interruptSignal(io: Io): AbortSignal {
  const controller = new AbortController()
  process.once('SIGINT', () => {
    io.err('interrupting: finishing the current batch (Ctrl-C again to quit at once)')
    controller.abort(new Error('interrupted (SIGINT)'))
    process.once('SIGINT', () => process.exit(130))
  })
  return controller.signal
}
