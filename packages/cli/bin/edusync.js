#!/usr/bin/env node
// The `edusync` command. A committed file (not dist/) so `pnpm install` can link it before a build; it
// loads the built entry point.
import { run } from '../dist/index.js'

process.exitCode = await run(process.argv.slice(2))
