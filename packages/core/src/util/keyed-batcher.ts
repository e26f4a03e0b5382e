/** Options of {@link createKeyedBatcher}. */
export interface KeyedBatcherOptions<I, O> {
  /**
   * Groups of one key in flight at once. Items arriving while all are busy wait and form the next group,
   * so two keep a second database connection busy while the first group commits. At least 1.
   */
  readonly maxInFlight: number
  /**
   * Largest total weight of one group. A group always takes its first item however heavy it is, so an
   * item over the bound runs alone instead of waiting forever.
   */
  readonly maxWeight: number
  /** The weight of an item, read once when it is submitted. @default 1 (`maxWeight` counts items) */
  readonly weigh?: (item: I) => number
  /**
   * The ids an item touches, read once when it is submitted: two items sharing an id never share a
   * group (the later one waits for a later group, in arrival order). @default none
   */
  readonly ids?: (item: I) => Iterable<string>
  /**
   * Whether an item also waits while a group in flight holds one of its ids, so the groups touching an
   * id run strictly one after another instead of only apart. @default false
   */
  readonly idsWaitForInFlight?: boolean
  /**
   * Processes one group of one key: resolves with one answer per item, in the items' order. An answer
   * may be a promise of one, so an item can be answered by itself later (the group keeps its slot until
   * every such promise settles). Answers must not be thenables themselves.
   */
  readonly run: (key: string, items: readonly I[]) => PromiseLike<readonly (O | PromiseLike<O>)[]>
  /**
   * The answer for items whose group could not be run to an answer: `run` threw or rejected (every item
   * of the group gets one answer, built once), an answer's promise rejected, or an item got no answer.
   * A bug in `run` must not leave its callers waiting forever.
   */
  readonly failed: (cause: unknown) => O
}

/** Gathers concurrent callers' items into groups per key; see {@link createKeyedBatcher}. */
export interface KeyedBatcher<I, O> {
  /** Adds `item` to the next group of `key`; resolves with its own answer (never rejects). */
  submit(key: string, item: I): Promise<O>
}

interface Waiter<I, O> {
  readonly item: I
  readonly ids: readonly string[]
  readonly weight: number
  readonly done: (answer: O) => void
}

interface Queue<I, O> {
  inFlight: number
  /** An event-loop turn is scheduled to start the items submitted so far. */
  scheduled: boolean
  pending: Waiter<I, O>[]
  /** Ids held by the groups in flight (kept only with `idsWaitForInFlight`). */
  readonly busy: Set<string>
}

/**
 * Creates a per-key group queue: the items submitted for one key in the same turn of the event loop are
 * gathered into one group that one `run` call processes, and each caller gets its own answer. At most
 * `maxInFlight` groups of a key run at once; items arriving meanwhile wait for a slot and form the next
 * group. This is how concurrent webhooks share Store round trips (the claim groups of the webhook kit,
 * one statement per group) and engine batches (the sync coalescer, one batch per group).
 *
 * Guarantees: every submitted item is answered exactly once, by `run` or by `failed`. A group is never
 * empty, never weighs more than `maxWeight` unless it is one item, and never holds two items sharing an
 * id. A group takes every pending item that fits, in arrival order, skipping (not stopping at) the ones
 * that do not; but an item never overtakes an earlier one sharing an id, so the groups holding an id
 * start in the order its items arrived (with `idsWaitForInFlight`, each ends before the next starts).
 * Keys are independent: one key's slow or failing groups never delay or fail another's. A failing group
 * fails only its own items; the key's later groups still run. A key with nothing pending or in flight
 * holds no memory.
 *
 * @example
 * ```ts
 * const claims = createKeyedBatcher<Claim, Answer>({
 *   maxInFlight: 2,
 *   maxWeight: 500,
 *   ids: (claim) => [claim.key],
 *   run: (tenant, group) => claimAll(tenant, group),
 *   failed: (cause) => err(new StoreError('Corrupt', 'the Store failed unexpectedly', { cause })),
 * })
 * const answer = await claims.submit('acme', claim)
 * ```
 */
export function createKeyedBatcher<I, O>(options: KeyedBatcherOptions<I, O>): KeyedBatcher<I, O> {
  const { maxInFlight, maxWeight, run, failed } = options
  if (!(maxInFlight >= 1)) throw new RangeError(`maxInFlight must be at least 1, received ${maxInFlight}`)
  const weigh = options.weigh ?? (() => 1)
  const idsOf = options.ids ?? (() => [])
  const waitForInFlight = options.idsWaitForInFlight ?? false
  const queues = new Map<string, Queue<I, O>>()

  // Takes the next group: pending items in arrival order, skipping those over the weight bound or sharing
  // an id with an earlier pending item (taken or skipped: a later version never overtakes an earlier one)
  // or, when asked, with a group in flight. The skipped keep their order.
  function take(queue: Queue<I, O>): Waiter<I, O>[] {
    const taken: Waiter<I, O>[] = []
    const rest: Waiter<I, O>[] = []
    const seen = new Set<string>()
    let weight = 0
    for (const waiter of queue.pending) {
      const fits = taken.length === 0 || weight + waiter.weight <= maxWeight
      const collides = waiter.ids.some((id) => seen.has(id) || (waitForInFlight && queue.busy.has(id)))
      if (fits && !collides) {
        taken.push(waiter)
        weight += waiter.weight
      } else rest.push(waiter)
      for (const id of waiter.ids) seen.add(id)
    }
    queue.pending = rest
    return taken
  }

  function flush(key: string, queue: Queue<I, O>): void {
    while (queue.inFlight < maxInFlight && queue.pending.length > 0) {
      const group = take(queue)
      // Everything pending waits for a group in flight (directly, or behind an earlier item sharing an
      // id): that group's end flushes again.
      if (group.length === 0) break
      start(key, queue, group)
    }
    if (queue.inFlight === 0 && queue.pending.length === 0 && !queue.scheduled && queues.get(key) === queue)
      queues.delete(key)
  }

  function start(key: string, queue: Queue<I, O>, group: readonly Waiter<I, O>[]): void {
    queue.inFlight++
    if (waitForInFlight) for (const waiter of group) for (const id of waiter.ids) queue.busy.add(id)
    void runGroup(key, group).then(() => {
      queue.inFlight--
      if (waitForInFlight) for (const waiter of group) for (const id of waiter.ids) queue.busy.delete(id)
      flush(key, queue)
    })
  }

  // Never rejects: whatever `run` does, each waiter is answered (a settled promise ignores a second answer).
  async function runGroup(key: string, group: readonly Waiter<I, O>[]): Promise<void> {
    let answers: readonly (O | PromiseLike<O>)[]
    try {
      answers = await run(
        key,
        group.map((waiter) => waiter.item),
      )
    } catch (cause) {
      const answer = failed(cause)
      for (const waiter of group) waiter.done(answer)
      return
    }
    const later: Promise<void>[] = []
    for (const [i, waiter] of group.entries()) {
      const answer = answers[i]
      if (i >= answers.length) {
        waiter.done(failed(new Error(`run answered ${answers.length} of the group's ${group.length} items`)))
      } else if (isPromiseLike(answer)) {
        later.push(Promise.resolve(answer).then(waiter.done, (cause: unknown) => waiter.done(failed(cause))))
      } else waiter.done(answer as O)
    }
    if (later.length > 0) await Promise.all(later)
  }

  return {
    submit: (key, item) =>
      new Promise<O>((done) => {
        let queue = queues.get(key)
        if (!queue) {
          queue = { inFlight: 0, scheduled: false, pending: [], busy: new Set() }
          queues.set(key, queue)
        }
        queue.pending.push({ item, ids: [...idsOf(item)], weight: weigh(item), done })
        // Items that reach this point in the same turn of the event loop share a group.
        if (!queue.scheduled) {
          const scheduled = queue
          scheduled.scheduled = true
          setImmediate(() => {
            scheduled.scheduled = false
            flush(key, scheduled)
          })
        }
      }),
  }
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}
