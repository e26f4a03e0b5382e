#!/usr/bin/env node
// `edusync-pg-migrate`. A committed file (not dist/) so `pnpm install` can link it before a build (a bin
// pointing into dist/ made every fresh install warn "Failed to create bin"); it runs the built CLI.
import { main } from '../dist/cli.js'

process.exitCode = await main(process.argv.slice(2), process.env)
