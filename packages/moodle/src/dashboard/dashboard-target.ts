import type {
  EntityDefinition,
  EntityName,
  Link,
  OutboxTargets,
  PushItem,
  PushItemResult,
  PushTarget,
  Store,
  TenantId,
} from '@edusync/core'
import { entities } from '@edusync/core'
import type { ResultAsync } from 'neverthrow'
import { ResultAsync as RA } from 'neverthrow'
import type { MoodleError } from '../errors.ts'
import { MOODLE_SYSTEM } from '../map/ids.ts'
import type { DashboardApi, DashboardDeletable, PluginAnswer } from './dashboard-api.ts'
import { DASHBOARD_DELETES } from './dashboard-api.ts'
import type { DashboardNames, PayloadContext } from './dashboard-payloads.ts'
import {
  classPayload,
  enrollmentPayload,
  gradePayload,
  installmentItems,
  paymentPayload,
  registrationPayload,
  requestPayload,
  studentPayload,
  teacherPayload,
} from './dashboard-payloads.ts'

/** The ledger target name of the dashboard push. */
export const DASHBOARD_TARGET = 'moodle-dashboard'

/**
 * The entities the dashboard takes, parents first: student before registration before payment (and
 * before the student's requests), teacher before class before enrollment before grade.
 */
export const DASHBOARD_ENTITIES: readonly EntityDefinition[] = [
  entities.student,
  entities.teacher,
  entities.registration,
  entities.payment,
  entities.class,
  entities.enrollment,
  entities.grade,
  entities.request,
]

const DASHBOARD_NAMES = new Set(DASHBOARD_ENTITIES.map((e) => e.name))

/**
 * The Store outbox targets of the dashboard: `[name]` for the dashboard's entities of a tenant whose
 * switch is on, nothing otherwise. Pass it as the Store's `outbox.targets`.
 *
 * @example
 * ```ts
 * const store = createPgStore({ connectionString, outbox: { targets: dashboardOutboxTargets((t) => on.has(t)) } })
 * ```
 */
export function dashboardOutboxTargets(
  enabled: (tenant: TenantId) => boolean,
  name: string = DASHBOARD_TARGET,
): OutboxTargets {
  const on = [name]
  return (tenant, entity) => (DASHBOARD_NAMES.has(entity) && enabled(tenant) ? on : [])
}

/** Options of {@link createDashboardTarget}. */
export interface DashboardTargetOptions {
  /** The plugin's functions, usually `client.dashboard`. */
  readonly api: DashboardApi
  /** The ledger target name. @default "moodle-dashboard" */
  readonly name?: string
}

// Reasons that mean Moodle (or our access to it) is down rather than one record being wrong.
const OUTAGE = new Set(['Transport', 'Timeout', 'Unavailable', 'RateLimited', 'InvalidToken', 'AccessDenied'])

/**
 * The Moodle student dashboard as a {@link PushTarget}: each canonical record goes to its plugin function
 * (moodle-plugin-ws.md §2): student, teacher, registration (and then its whole instalment schedule),
 * payment, class, enrollment, grade, student request; a tombstone goes to the matching `local_mzi_delete_*`. One call per
 * record and function; the client's concurrency cap bounds how many run at once.
 *
 * Failures: Moodle unreachable, timing out, in maintenance or refusing the token is an outage (the run
 * stops and retries later); any other failure (`success: false`, a missing parent's `invalidparameter`)
 * is retried with backoff. A delete the plugin answers `invalidparameter` is done: its only argument is
 * the Zoho id, so the record is not there (`delete_grade` twice). A delete of a record never pushed, or of
 * an entity without a delete function (teacher), calls nothing.
 */
export function createDashboardTarget(options: DashboardTargetOptions): PushTarget {
  const { api } = options
  return {
    name: options.name ?? DASHBOARD_TARGET,
    entities: DASHBOARD_ENTITIES,
    push(tenant, entity, items, context) {
      return RA.fromSafePromise(payloadContext(context.store, tenant, entity, items)).andThen((ctx) =>
        RA.fromSafePromise(Promise.all(items.map((item) => pushOne(api, entity, item, ctx)))),
      )
    },
  }
}

function pushOne(
  api: DashboardApi,
  entity: EntityName,
  item: PushItem,
  ctx: PayloadContext,
): Promise<PushItemResult> {
  if (item.kind === 'delete') {
    if (!item.everPushed || !(entity in DASHBOARD_DELETES)) return Promise.resolve(ok(item))
    return settle(item, api.delete(entity as DashboardDeletable, item.id), null, true)
  }
  const { id, data } = item
  switch (entity) {
    case 'student':
      return settle(item, api.updateStudent(studentPayload(id, data, ctx)), 'student_id')
    case 'teacher':
      return settle(item, api.syncTeacher(teacherPayload(id, data)), 'teacher_id')
    case 'registration':
      return settle(
        item,
        api
          .createRegistration(registrationPayload(id, data, ctx))
          .andThen((answer) => api.syncInstallments(id, installmentItems(data)).map(() => answer)),
        'registration_id',
      )
    case 'payment':
      return settle(item, api.recordPayment(paymentPayload(id, data)), 'payment_id')
    case 'class':
      return settle(item, api.createClass(classPayload(id, data, ctx)), 'class_id')
    case 'enrollment':
      return settle(item, api.updateEnrollment(enrollmentPayload(id, data)), 'enrollment_id')
    case 'grade':
      return settle(item, api.submitGrade(gradePayload(id, data)), 'grade_id')
    case 'request':
      return settle(item, api.updateRequestStatus(requestPayload(id, data)), 'request_id')
    default:
      return Promise.resolve({
        id,
        ok: false,
        error: `the Moodle dashboard does not take ${entity} records`,
        retryable: false,
      })
  }
}

const ok = (item: PushItem, targetId?: string): PushItemResult => ({
  id: item.id,
  ok: true,
  targetId: targetId ?? item.targetId ?? item.id,
})

async function settle(
  item: PushItem,
  call: ResultAsync<PluginAnswer, MoodleError>,
  idKey: string | null,
  isDelete = false,
): Promise<PushItemResult> {
  const result = await call
  if (result.isOk()) {
    const value = idKey === null ? undefined : result.value[idKey]
    return ok(item, typeof value === 'number' || typeof value === 'string' ? String(value) : undefined)
  }
  const error = result.error
  if (isDelete && error.reason === 'InvalidParameter') return ok(item)
  const outage =
    OUTAGE.has(error.reason) || (error.reason === 'NotFound' && error.errorCode === 'invalidrecord')
  const message = `${error.reason}: ${error.message}`
  return outage
    ? { id: item.id, ok: false, error: message, retryable: true, outage: true }
    : { id: item.id, ok: false, error: message, retryable: true }
}

// Names of referenced programs, teachers and units, and the Moodle ids edusync linked: one read per
// referenced entity for the whole batch, only for the entities whose payload shows them.
async function payloadContext(
  store: Store,
  tenant: TenantId,
  entity: EntityName,
  items: readonly PushItem[],
): Promise<PayloadContext> {
  const names: { -readonly [K in keyof DashboardNames]: Map<string, string> } = {
    program: new Map(),
    teacher: new Map(),
    unit: new Map(),
  }
  const moodleIds = new Map<string, string>()
  const live = items.filter((i) => i.kind === 'upsert')
  if (live.length === 0) return { names, moodleIds }
  const wanted: [keyof DashboardNames, string][] =
    entity === 'registration'
      ? [['program', 'programId']]
      : entity === 'class'
        ? [
            ['teacher', 'teacherId'],
            ['unit', 'unitId'],
          ]
        : []
  await Promise.all(
    wanted.map(async ([parent, field]) => {
      const ids = [
        ...new Set(live.map((i) => i.data[field]).filter((v): v is string => typeof v === 'string')),
      ]
      if (ids.length === 0) return
      const read = await store.readRecords(tenant, parent, ids)
      // A name is a nicety: an unreadable parent leaves it blank rather than failing the push.
      for (const [id, record] of read.unwrapOr(new Map())) {
        if (typeof record.data.name === 'string') names[parent].set(id, record.data.name)
      }
    }),
  )
  if (entity === 'student' || entity === 'class') {
    const links = await store.readLinks(
      tenant,
      entity,
      live.map((i) => i.id),
    )
    for (const [id, list] of links.unwrapOr(new Map<string, readonly Link[]>())) {
      const moodle = list.find((l) => l.system === MOODLE_SYSTEM)
      if (moodle) moodleIds.set(id, moodle.externalId)
    }
  }
  return { names, moodleIds }
}
