#!/usr/bin/env node
// Development entry (`pnpm --filter @edusync/cli edusync ...` runs it from source); the published bin is
// bin/edusync.js, which loads the built run().
import { run } from './main.ts'

process.exitCode = await run(process.argv.slice(2))
