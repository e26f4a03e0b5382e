import type { Store, StoreError, SyncEngine } from '@edusync/core'
import type {
  InboxReport,
  MoodleClient,
  MoodleError,
  ProvisionedStudent,
  ProvisionResult,
  WriteBackGradesResult,
} from '@edusync/moodle'
import {
  createMoodleClient,
  processMoodleInbox,
  provisionCourse,
  provisionStudents,
  writeBackGrades,
} from '@edusync/moodle'
import type { ZohoClient, ZohoError } from '@edusync/zoho'
import { createZohoClient, setClassMoodleCourseIds, upsertGrades } from '@edusync/zoho'
import type { ResultAsync } from 'neverthrow'
import { okAsync } from 'neverthrow'
import type { HostConfig } from '../config.ts'
import { tenantOf } from '../context.ts'
import type { Logger } from '../logging.ts'

/** What one drain did: the inbox report and, when the tenant has Zoho, the grade write-back. */
export interface DrainResult {
  readonly inbox: InboxReport
  readonly writeBack?: WriteBackGradesResult
}

/** A provisioned course and whether its id reached Zoho's `Moodle_Class_ID`. */
export interface ProvisionReply extends ProvisionResult {
  readonly zohoWriteBack: 'written' | 'skipped' | 'failed'
}

/**
 * The host's Moodle side: composes `@edusync/moodle` (inbox processor, provisioning, grade write-back)
 * with `@edusync/zoho` (the CRM write-back), which the adapters may not do themselves.
 */
export interface MoodleSide {
  /**
   * Drains a tenant's Moodle inbox, then writes the grades it stored to Zoho. Concurrent calls for one
   * tenant share the running drain and cause one more afterwards (events that arrived meanwhile), so a
   * burst of plugin events costs two drains, not one each. Never rejects: a failure is logged, the
   * events stay pending, and the drain is tried again by itself (backoff from `retryDelayMs.min` doubling
   * to `max`) until one succeeds, so events accepted while the Store was failing never wait for the next
   * event, or a restart, to be processed.
   */
  drain(tenant: string): Promise<DrainResult | undefined>
  /** Provisions a class's course and writes the course id back to Zoho. */
  provision(
    tenant: string,
    classId: string,
    studentIds: readonly string[],
  ): ResultAsync<ProvisionReply, MoodleError | StoreError>
  /** Gives students Moodle accounts (found by username first) and links them. */
  provisionStudents(
    tenant: string,
    studentIds: readonly string[],
  ): ResultAsync<ProvisionedStudent[], MoodleError | StoreError>
  /**
   * Checks at start that the tenant's token may call every function the flows use (site info preflight)
   * and logs the site's release, or the missing functions by name. Resolves `false` when the check failed.
   */
  preflight(tenant: string): Promise<boolean>
  /** The tenant's Moodle client, when it configures a site. */
  client(tenant: string): MoodleClient | undefined
}

/** Options of {@link createMoodleSide}. */
export interface MoodleSideOptions {
  readonly config: HostConfig
  readonly store: Store
  readonly engine: SyncEngine
  readonly logger: Logger
  /** The Zoho client of a tenant; by default built from its `zoho` credentials. */
  readonly zohoFor?: ((tenant: string) => ZohoClient | undefined) | undefined
  /** Delays between retries of a failed drain. @default { min: 1000, max: 30000 } */
  readonly retryDelayMs?: { readonly min: number; readonly max: number } | undefined
}

/** Creates the host's {@link MoodleSide}. */
export function createMoodleSide(options: MoodleSideOptions): MoodleSide {
  const { config, store, engine, logger } = options
  const moodleClients = new Map<string, MoodleClient | undefined>()
  const zohoClients = new Map<string, ZohoClient | undefined>()
  const zohoFor =
    options.zohoFor ??
    ((tenant: string) => {
      if (!zohoClients.has(tenant)) {
        const zoho = tenantOf(config, tenant)?.zoho
        zohoClients.set(tenant, zoho ? createZohoClient(zoho) : undefined)
      }
      return zohoClients.get(tenant)
    })
  const client = (tenant: string) => {
    if (!moodleClients.has(tenant)) {
      const site = tenantOf(config, tenant)?.moodle
      moodleClients.set(
        tenant,
        site
          ? createMoodleClient({
              url: site.url,
              token: site.token,
              ...(site.roles ? { roles: site.roles } : {}),
            })
          : undefined,
      )
    }
    return moodleClients.get(tenant)
  }

  async function drainOnce(tenant: string): Promise<DrainResult | undefined> {
    const processed = await processMoodleInbox({ store, engine, tenant })
    if (processed.isErr()) {
      logger.warn('moodle inbox drain failed; events stay pending', {
        tenant,
        reason: processed.error.reason,
      })
      return undefined
    }
    const inbox = processed.value
    if (inbox.read > 0) {
      logger.info('moodle inbox drained', {
        tenant,
        read: inbox.read,
        handled: inbox.handled,
        pending: inbox.failures.length,
        counts: inbox.counts,
      })
    }
    const zoho = zohoFor(tenant)
    // After any processed event, not only new grades: grades that waited for a CRM record are retried.
    if (inbox.read === 0 || zoho === undefined) return { inbox }
    const pushed = await writeBackGrades<ZohoError>({
      store,
      tenant,
      gradeIds: inbox.grades,
      upsert: (grades) => upsertGrades(zoho, grades),
    })
    if (pushed.isErr()) {
      logger.warn('grade write-back to Zoho failed', { tenant, reason: pushed.error.reason })
      return { inbox }
    }
    const tally = { SENT: 0, DEFERRED: 0, FAILED: 0 }
    for (const g of pushed.value.grades) tally[g.status]++
    if (pushed.value.grades.length > 0) logger.info('grades written back to Zoho', { tenant, ...tally })
    return { inbox, writeBack: pushed.value }
  }

  const running = new Map<string, Promise<DrainResult | undefined>>()
  const again = new Set<string>()
  const { min: retryMin, max: retryMax } = options.retryDelayMs ?? { min: 1_000, max: 30_000 }
  const retryTimers = new Map<string, ReturnType<typeof setTimeout>>()
  const retryDelay = new Map<string, number>()
  // A failed drain (the Store unreachable) is tried again by itself: the plugin already had its 202 and
  // will not send those events again.
  function retryLater(tenant: string) {
    if (retryTimers.has(tenant)) return
    const delay = retryDelay.get(tenant) ?? retryMin
    retryDelay.set(tenant, Math.min(retryMax, delay * 2))
    const timer = setTimeout(() => {
      retryTimers.delete(tenant)
      void drain(tenant)
    }, delay)
    // Never what keeps a stopping process alive; pending events are drained again at the next start.
    timer.unref?.()
    retryTimers.set(tenant, timer)
  }

  function drain(tenant: string): Promise<DrainResult | undefined> {
    const current = running.get(tenant)
    if (current) {
      again.add(tenant)
      return current
    }
    const loop = (async () => {
      let result: DrainResult | undefined
      try {
        do {
          again.delete(tenant)
          result = await drainOnce(tenant)
        } while (again.has(tenant))
      } catch (error) {
        result = undefined
        logger.error('moodle inbox drain threw', { tenant, error })
      } finally {
        running.delete(tenant)
      }
      // Only a drain that failed leaves undefined (see drainOnce).
      if (result === undefined) retryLater(tenant)
      else retryDelay.delete(tenant)
      return result
    })()
    running.set(tenant, loop)
    return loop
  }

  function provision(tenant: string, classId: string, studentIds: readonly string[]) {
    const site = tenantOf(config, tenant)?.moodle
    const moodle = client(tenant)
    if (!site || !moodle) throw new TypeError(`tenant ${tenant} has no Moodle site configured`)
    return provisionCourse({
      moodle,
      store,
      tenant,
      classId,
      categories: site.categories,
      ...(site.defaultCategoryId !== undefined ? { defaultCategoryId: site.defaultCategoryId } : {}),
      defaultUsers: site.defaultUsers,
      studentIds,
    }).andThen((result): ResultAsync<ProvisionReply, never> => {
      const zoho = zohoFor(tenant)
      if (!zoho) return okAsync({ ...result, zohoWriteBack: 'skipped' })
      return setClassMoodleCourseIds(zoho, [{ classId, moodleCourseId: result.courseId }])
        .map((items) => items.every((i) => i.status === 'success'))
        .orElse((error) => {
          logger.warn('Moodle_Class_ID write-back failed', { tenant, classId, reason: error.reason })
          return okAsync(false)
        })
        .map((written) => ({
          ...result,
          zohoWriteBack: written ? ('written' as const) : ('failed' as const),
        }))
    })
  }

  function students(tenant: string, studentIds: readonly string[]) {
    const moodle = client(tenant)
    if (!moodle) throw new TypeError(`tenant ${tenant} has no Moodle site configured`)
    return provisionStudents({ moodle, store, tenant, studentIds })
  }

  async function preflight(tenant: string): Promise<boolean> {
    const moodle = client(tenant)
    if (!moodle) return true
    const checked = await moodle.preflight()
    if (checked.isOk()) {
      logger.info('moodle site ready', {
        tenant,
        site: checked.value.siteurl,
        release: checked.value.release,
      })
      return true
    }
    logger.warn('moodle preflight failed', {
      tenant,
      reason: checked.error.reason,
      missingFunctions: checked.error.missingFunctions,
      message: checked.error.message,
    })
    return false
  }

  return { drain, provision, provisionStudents: students, preflight, client }
}
