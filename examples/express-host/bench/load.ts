import http from 'node:http'

/** One HTTP POST result as the load generator sees it. */
export interface Sent {
  readonly status: number
  readonly body: string
  readonly ms: number
}

/**
 * A keep-alive poster on loopback: cheaper per request than fetch, so the sender steals less CPU. A
 * request not answered within `timeoutMs` (when given) is abandoned and rejects, as a sender giving up.
 */
export function createPoster(baseUrl: string, connections: number, timeoutMs?: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections })
  const { hostname, port } = new URL(baseUrl)
  const post = (path: string, body: string, headers: Record<string, string>): Promise<Sent> =>
    new Promise((resolve, reject) => {
      const started = performance.now()
      const req = http.request(
        {
          agent,
          hostname,
          port,
          path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString(),
              ms: performance.now() - started,
            }),
          )
        },
      )
      req.on('error', reject)
      if (timeoutMs !== undefined) {
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
      }
      req.end(body)
    })
  return { post, close: () => agent.destroy() }
}

/**
 * Runs `count` jobs with `concurrency` workers, stopping early after `maxMs`. Each job is retried while the
 * host answers 503/409 (what a real sender does), so every record is eventually delivered.
 */
export async function runLoad(
  count: number,
  concurrency: number,
  maxMs: number,
  job: (i: number) => Promise<Sent>,
): Promise<{ done: number; elapsedMs: number; latencies: number[]; retries: number; failures: string[] }> {
  const latencies: number[] = []
  const failures: string[] = []
  let next = 0
  let retries = 0
  const started = performance.now()
  const worker = async () => {
    while (next < count && performance.now() - started < maxMs) {
      const i = next++
      for (let attempt = 0; ; attempt++) {
        const r = await job(i)
        latencies.push(r.ms)
        if (r.status === 200) break
        if ((r.status === 503 || r.status === 409) && attempt < 20) {
          retries++
          await new Promise((res) => setTimeout(res, 50))
          continue
        }
        failures.push(`job ${i}: HTTP ${r.status} ${r.body.slice(0, 200)}`)
        break
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { done: Math.min(next, count), elapsedMs: performance.now() - started, latencies, retries, failures }
}

/** The p-th percentile (0-100) of some numbers. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}
