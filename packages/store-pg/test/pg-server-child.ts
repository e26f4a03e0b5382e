// A process that starts a throw-away cluster (test/pg-server.ts), prints its directory as one JSON line,
// then ends the way its argument says: `exit` (returns), `throw` (an uncaught error) or `wait` (until a
// signal). pg-server.test.ts checks that no way of ending leaves the cluster behind.
import { startPostgres } from './pg-server.ts'

const how = process.argv[2]
const server = await startPostgres()
process.stdout.write(`${JSON.stringify({ dir: server.dir, url: server.url })}\n`)
if (how === 'throw') {
  setTimeout(() => {
    throw new Error('an uncaught error after the cluster started')
  }, 10)
} else if (how === 'wait') {
  setInterval(() => {}, 60_000)
}
