import type { ResultAsync } from 'neverthrow'
import { errAsync, okAsync } from 'neverthrow'
import * as z from 'zod'
import { MoodleError } from '../errors.ts'
import type { WsCall } from '../http/api-client.ts'
import type { InstallmentItem } from './dashboard-payloads.ts'

/**
 * What every `local_mzi_*` function answers: `success`, a `message`, and function-specific keys
 * (`student_id`, `registration_id`, `count`, `enrol_status`, ...; moodle-plugin-ws.md §2). Other keys are
 * kept as they came.
 */
export const pluginAnswer = z.looseObject({
  success: z.boolean(),
  message: z.string().optional(),
})

/** A `local_mzi_*` answer with `success: true`. */
export type PluginAnswer = z.output<typeof pluginAnswer>

/** The entities that have a `local_mzi_delete_*` function, with its argument (§2.13). */
export const DASHBOARD_DELETES = {
  student: 'zoho_student_id',
  registration: 'zoho_registration_id',
  payment: 'zoho_payment_id',
  class: 'zoho_class_id',
  enrollment: 'zoho_enrollment_id',
  grade: 'zoho_grade_id',
  request: 'zoho_request_id',
} as const

/** An entity with a delete function. */
export type DashboardDeletable = keyof typeof DASHBOARD_DELETES

/**
 * The school plugin's dashboard functions (`local_moodle_zoho_sync`, moodle-plugin-ws.md): every upsert is
 * keyed by the Zoho id and rewrites the whole row, so each call is safe to repeat and is sent as
 * `idempotent` (retried by the client after a timeout or a 5xx, which is what makes a payment recorded
 * once even when Moodle committed before the answer was lost). A JSON payload goes as one string
 * argument, as the plugin reads it. An answer with `success: false` is a `Failed` {@link MoodleError}
 * carrying the plugin's message.
 */
export interface DashboardApi {
  /** `local_mzi_update_student` (`studentdata`). */
  updateStudent(data: Readonly<Record<string, unknown>>): ResultAsync<PluginAnswer, MoodleError>
  /** `local_mzi_sync_teacher` (`teacherdata`). */
  syncTeacher(data: Readonly<Record<string, unknown>>): ResultAsync<PluginAnswer, MoodleError>
  /** `local_mzi_create_registration` (`registrationdata`); the student must be in the plugin already. */
  createRegistration(data: Readonly<Record<string, unknown>>): ResultAsync<PluginAnswer, MoodleError>
  /** `local_mzi_sync_installments`: replaces the registration's whole schedule (`[]` empties it). */
  syncInstallments(
    zohoRegistrationId: string,
    items: readonly InstallmentItem[],
  ): ResultAsync<PluginAnswer, MoodleError>
  /** `local_mzi_record_payment` (`paymentdata`); the registration must be in the plugin already. */
  recordPayment(data: Readonly<Record<string, unknown>>): ResultAsync<PluginAnswer, MoodleError>
  /** `local_mzi_create_class` (`classdata`). */
  createClass(data: Readonly<Record<string, unknown>>): ResultAsync<PluginAnswer, MoodleError>
  /** `local_mzi_update_enrollment` (`enrollmentdata`); also enrols the student when the course is known. */
  updateEnrollment(data: Readonly<Record<string, unknown>>): ResultAsync<PluginAnswer, MoodleError>
  /** `local_mzi_submit_grade` (`gradedata`). */
  submitGrade(data: Readonly<Record<string, unknown>>): ResultAsync<PluginAnswer, MoodleError>
  /** `local_mzi_update_request_status` (`requestdata`). */
  updateRequestStatus(data: Readonly<Record<string, unknown>>): ResultAsync<PluginAnswer, MoodleError>
  /** `local_mzi_delete_<entity>` with the Zoho id (soft deletes, except grades, which the plugin removes). */
  delete(entity: DashboardDeletable, zohoId: string): ResultAsync<PluginAnswer, MoodleError>
}

/** Builds the {@link DashboardApi} over a client's {@link WsCall}. */
export function createDashboardApi(call: WsCall): DashboardApi {
  const invoke = (wsfunction: string, args: Readonly<Record<string, string>>) =>
    call(wsfunction, args, pluginAnswer, { idempotent: true }).andThen((answer) =>
      answer.success
        ? okAsync(answer)
        : errAsync(
            new MoodleError(
              'Failed',
              `${wsfunction}: ${answer.message ?? 'the plugin answered success: false'}`,
              {
                wsfunction,
              },
            ),
          ),
    )
  const json = (wsfunction: string, param: string) => (data: Readonly<Record<string, unknown>>) =>
    invoke(wsfunction, { [param]: JSON.stringify(data) })
  return {
    updateStudent: json('local_mzi_update_student', 'studentdata'),
    syncTeacher: json('local_mzi_sync_teacher', 'teacherdata'),
    createRegistration: json('local_mzi_create_registration', 'registrationdata'),
    syncInstallments: (zohoRegistrationId, items) =>
      invoke('local_mzi_sync_installments', {
        zoho_registration_id: zohoRegistrationId,
        installmentsdata: JSON.stringify(items),
      }),
    recordPayment: json('local_mzi_record_payment', 'paymentdata'),
    createClass: json('local_mzi_create_class', 'classdata'),
    updateEnrollment: json('local_mzi_update_enrollment', 'enrollmentdata'),
    submitGrade: json('local_mzi_submit_grade', 'gradedata'),
    updateRequestStatus: json('local_mzi_update_request_status', 'requestdata'),
    delete: (entity, zohoId) => invoke(`local_mzi_delete_${entity}`, { [DASHBOARD_DELETES[entity]]: zohoId }),
  }
}
