/** @module Background jobs for edusync on pg-boss: steps runs, parked replays, schedules, dead letters. */

export type { DeadLetter, EdusyncJobs, EdusyncJobsOptions, TenantWork, WorkOptions } from './edusync-jobs.ts'
export { createEdusyncJobs, QUEUES } from './edusync-jobs.ts'
export type { ReplayJob, StepsJob } from './job-payloads.ts'
export { replayJob, stepsJob } from './job-payloads.ts'
export type { JobsErrorReason } from './jobs-error.ts'
export { JobsError } from './jobs-error.ts'
export type {
  InvalidSchedule,
  ScheduleSyncOptions,
  ScheduleSyncReport,
  ScheduleWatcher,
  WatchSchedulesOptions,
} from './registry-schedules.ts'
export {
  REGISTRY_SCHEDULE_PREFIX,
  registryScheduleKey,
  syncRegistrySchedules,
  watchRegistrySchedules,
} from './registry-schedules.ts'
