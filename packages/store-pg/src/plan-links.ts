import type { Link } from '@edusync/core'

/** @internal The net effect of applying links one after another (an external id names one record). */
export interface LinkPlan {
  /** The links that remain after the whole list is applied in order. */
  readonly kept: readonly Link[]
  /** (entity, id, system) keys the list set and then moved away again: their stored links are deleted. */
  readonly dropped: readonly Link[]
}

/**
 * Replays a list of links in order, as the memory Store does, so the set-based SQL can write only the
 * end state: a later link of the same external id takes it from an earlier one.
 */
export function planLinks(links: readonly Link[]): LinkPlan {
  const key = (l: Link) => `${l.entity}\u0000${l.id}\u0000${l.system}`
  const extKey = (l: Link) => `${l.system}\u0000${l.entity}\u0000${l.externalId}`
  const kept = new Map<string, Link>()
  const owner = new Map<string, string>()
  const touched = new Map<string, Link>()
  for (const link of links) {
    const k = key(link)
    const previousOwner = owner.get(extKey(link))
    if (previousOwner !== undefined && previousOwner !== k) kept.delete(previousOwner)
    const previous = kept.get(k)
    if (previous) owner.delete(extKey(previous))
    kept.set(k, link)
    owner.set(extKey(link), k)
    touched.set(k, link)
  }
  return { kept: [...kept.values()], dropped: [...touched].filter(([k]) => !kept.has(k)).map(([, l]) => l) }
}
