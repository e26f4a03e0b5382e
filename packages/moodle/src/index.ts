/**
 * @module Moodle for edusync: a web services client (REST, PHP-style arguments, errors read from the body),
 * the plugin-event inbox processor, BTEC grade rules, and course provisioning / grade write-back flows.
 */
export type { MoodleClient } from './client.ts'
export { createMoodleClient } from './client.ts'
export { moodleConnectionTester } from './config/moodle-connection-tester.ts'
export type { MoodleConfig, MoodleRetryOptions, MoodleRoles, ResolvedMoodleConfig } from './config.ts'
export { DEFAULT_ROLES, resolveConfig } from './config.ts'
export type { DashboardApi, DashboardDeletable, PluginAnswer } from './dashboard/dashboard-api.ts'
export { createDashboardApi, DASHBOARD_DELETES, pluginAnswer } from './dashboard/dashboard-api.ts'
export type { DashboardNames, InstallmentItem, PayloadContext } from './dashboard/dashboard-payloads.ts'
export {
  classPayload,
  enrollmentPayload,
  gradePayload,
  installmentItems,
  paymentPayload,
  pluginMoney,
  registrationPayload,
  requestPayload,
  studentPayload,
  teacherPayload,
} from './dashboard/dashboard-payloads.ts'
export type { DashboardTargetOptions } from './dashboard/dashboard-target.ts'
export {
  createDashboardTarget,
  DASHBOARD_ENTITIES,
  DASHBOARD_TARGET,
  dashboardOutboxTargets,
} from './dashboard/dashboard-target.ts'
export type { MoodleErrorOptions, MoodleErrorReason } from './errors.ts'
export { MoodleError, redact } from './errors.ts'
export type { BtecTemplateOptions, TemplateOutcome } from './flows/btec-templates.ts'
export { syncBtecTemplate, unitMarker } from './flows/btec-templates.ts'
export type {
  GradeUpsert,
  PushedGrade,
  PushGradesOptions,
  PushGradesResult,
  UpsertItemResult,
} from './flows/grades-to-zoho.ts'
export { pushGradesToCrm } from './flows/grades-to-zoho.ts'
export type {
  DefaultCourseUser,
  ProvisionCourseOptions,
  ProvisionError,
  ProvisionResult,
} from './flows/provision-course.ts'
export { provisionCourse } from './flows/provision-course.ts'
export type { ProvisionedStudent, ProvisionStudentsOptions } from './flows/provision-users.ts'
export { provisionStudents } from './flows/provision-users.ts'
export type { WriteBackGradesOptions, WriteBackGradesResult } from './flows/write-back-grades.ts'
export { GRADE_WRITE_BACK_STEP, MAX_WAITING_GRADES, writeBackGrades } from './flows/write-back-grades.ts'
export type { WsCall, WsCallOptions } from './http/api-client.ts'
export type { WsValue } from './http/flatten.ts'
export { flattenArgs } from './http/flatten.ts'
export type { DeletionResult, EnrollmentDeletion } from './inbox/enrollment-deletion.ts'
export { applyEnrollmentDeletions } from './inbox/enrollment-deletion.ts'
export type {
  InboxError,
  InboxFailure,
  InboxIgnored,
  InboxReport,
  ProcessInboxOptions,
} from './inbox/process-inbox.ts'
export { MOODLE_EVENT_SOURCE, MOODLE_INBOX_STEP, processMoodleInbox } from './inbox/process-inbox.ts'
export type { BtecGradeInput, BtecLetter } from './map/btec-grade.ts'
export { btecLetter, gradeCompositeKey, INVALID_SUBMISSION_CODE, normaliseGrade } from './map/btec-grade.ts'
export { isMoodleDerivedId, MOODLE_SYSTEM, moodleDerivedId } from './map/ids.ts'
export type { LearningOutcomeRow, PluginLearningOutcome } from './map/learning-outcomes.ts'
export { LO_TITLE_MAX, learningOutcomeRows, loScore, loTitle } from './map/learning-outcomes.ts'
export type { ExistingRecord } from './map/to-canonical.ts'
export { toClass, toEnrollment, toGrade, toStudent, toTeacher } from './map/to-canonical.ts'
export type { PluginEvent } from './readers/plugin-events.ts'
export {
  courseEventData,
  enrollmentCreatedData,
  enrollmentDeletedData,
  gradeUpdatedData,
  PLUGIN_EVENT_TYPES,
  pluginEnvelope,
  readPluginEvent,
  userEventData,
} from './readers/plugin-events.ts'
export type {
  CourseField,
  CoursesApi,
  MoodleCourseUpdate,
  NewMoodleCategory,
  NewMoodleCourse,
} from './resources/courses.ts'
export type { EnrolApi, EnrolledUsersOptions, Enrolment, Unenrolment } from './resources/enrol.ts'
export { ENROL_CHUNK_SIZE } from './resources/enrol.ts'
export type { GradesApi, GradingDefinitionInput, GuideCriterionInput } from './resources/grades.ts'
export { REQUIRED_FUNCTIONS } from './resources/site-info.ts'
export type {
  CustomFieldValue,
  MoodleUserUpdate,
  NewMoodleUser,
  UserField,
  UsersApi,
} from './resources/users.ts'
export type { MoodleCategory, MoodleCourse } from './schemas/courses.ts'
export { moodleCategory, moodleCourse } from './schemas/courses.ts'
export type { EnrolledUser } from './schemas/enrol.ts'
export { enrolledUser } from './schemas/enrol.ts'
export type { GradeItem, UserGrades } from './schemas/grades.ts'
export { gradeItem, gradeItems } from './schemas/grades.ts'
export type { GradingArea, GradingDefinition } from './schemas/grading.ts'
export { gradingArea, gradingDefinition } from './schemas/grading.ts'
export type { SiteInfo } from './schemas/site-info.ts'
export { siteInfo } from './schemas/site-info.ts'
export type { MoodleUser, MoodleWarning } from './schemas/users.ts'
export { moodleUser, warning as moodleWarning } from './schemas/users.ts'
export type { DashboardPushStepOptions } from './steps/dashboard-push-step.ts'
export { DASHBOARD_PUSH_STEP, dashboardPushStep } from './steps/dashboard-push-step.ts'
export type { GradePushStepOptions } from './steps/grade-push-step.ts'
export { GRADE_PUSH_STEP, gradePushStep } from './steps/grade-push-step.ts'
export type { MoodleInboxStepOptions } from './steps/inbox-step.ts'
export { moodleInboxStep } from './steps/inbox-step.ts'
