import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import { QuickBooksError } from '../errors.ts'
import type { ApiCall } from '../http/api-client.ts'
import { decodeJson } from '../http/decode.ts'
import { jsonBody } from '../http/json-body.ts'
import type { QbEntity } from '../schemas/entities.ts'
import { qbEntity } from '../schemas/entities.ts'

/** Create, read and sparse update of one entity type (`Customer`, `Invoice`, `Payment`, `Item`, ...). */
export interface EntitiesApi {
  /** `POST /<entity>` with a deterministic `requestid`: a retried create returns the first result. */
  create(entity: string, body: Readonly<Record<string, unknown>>): ResultAsync<QbEntity, QuickBooksError>
  /** `GET /<entity>/<id>`. */
  read(entity: string, id: string): ResultAsync<QbEntity, QuickBooksError>
  /**
   * Sparse update (`"sparse": true`): only `changes` are written, other attributes are kept. `syncToken`
   * is the version the changes were made against; on `5010` (stale) the entity is re-read by Id and the
   * update is sent once more with the current SyncToken.
   */
  update(
    entity: string,
    id: string,
    syncToken: string,
    changes: Readonly<Record<string, unknown>>,
  ): ResultAsync<QbEntity, QuickBooksError>
}

const pathOf = (entity: string) => `/${entity.toLowerCase()}`

/** Reads `{"<Entity>": {...}}` out of a write or read answer. */
export function entityOf(json: unknown, entity: string): QbEntity | undefined {
  if (typeof json !== 'object' || json === null) return undefined
  const parsed = qbEntity.safeParse((json as Record<string, unknown>)[entity])
  return parsed.success ? parsed.data : undefined
}

/** Creates the entities resource. */
export function createEntitiesApi(call: ApiCall): EntitiesApi {
  const write = (entity: string, body: Record<string, unknown>) =>
    call({ method: 'POST', path: pathOf(entity), body: jsonBody(body) }).andThen((r) => unwrap(r, entity))

  const unwrap = (r: { json: unknown; status: number; intuitTid: string | undefined }, entity: string) => {
    const found = entityOf(r.json, entity)
    if (found) return ok(found)
    return decodeJson(r, qbEntity, `a ${entity} write`).andThen(() =>
      err(new QuickBooksError('Decode', `QuickBooks answered without a ${entity} object`)),
    )
  }

  async function update(
    entity: string,
    id: string,
    syncToken: string,
    changes: Readonly<Record<string, unknown>>,
  ): Promise<Result<QbEntity, QuickBooksError>> {
    const body = (token: string) => ({ ...changes, Id: id, SyncToken: token, sparse: true })
    const first = await write(entity, body(syncToken))
    if (first.isOk() || first.error.reason !== 'StaleObject') return first
    const current = await call({
      method: 'GET',
      path: `${pathOf(entity)}/${encodeURIComponent(id)}`,
    }).andThen((r) => unwrap(r, entity))
    if (current.isErr()) return err(current.error)
    return write(entity, body(current.value.SyncToken ?? syncToken))
  }

  return {
    create: (entity, body) => write(entity, { ...body }),
    read: (entity, id) =>
      call({ method: 'GET', path: `${pathOf(entity)}/${encodeURIComponent(id)}` }).andThen((r) =>
        unwrap(r, entity),
      ),
    update: (entity, id, syncToken, changes) => new ResultAsync(update(entity, id, syncToken, changes)),
  }
}
