/**
 * @module The configuration API: tenants, connections (secrets write-only), module switches, field maps,
 * schedules, runs and the audit log, as one web-standard `Request -> Promise<Response>` handler, with the
 * signing helper its clients use.
 */

export type {
  ConfigApi,
  ConfigApiOptions,
  ConnectionTester,
  ConnectionTestResult,
  FieldMapValidation,
  FieldMapValidator,
} from './config-api.ts'
export { createConfigApi } from './config-api.ts'
export type { ConfigAuthOptions, ConfigAuthResult } from './config-auth.ts'
export { authenticateConfigRequest, CONFIG_HEADERS, signConfigRequest } from './config-auth.ts'
export { cronProblem } from './cron.ts'
