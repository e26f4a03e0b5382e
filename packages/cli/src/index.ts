/** @module The `edusync` command line: run it with `edusync --help`, or call {@link run} from a script. */

export type { CliConfig } from './config.ts'
export { ConfigError, cliConfig, loadConfig, redactConfig } from './config.ts'
export type { RunOptions } from './main.ts'
export { run } from './main.ts'
export type { Io } from './output.ts'
export { EXIT } from './output.ts'
