/**
 * @module Deterministic, realistic sample data for benchmarks, demos and Store tests: canonical programs,
 * students and registrations (with payment schedules) that reference each other. No test-runner
 * dependency, so benchmarks and scripts can import it.
 */
export type { RegistrationMix, RegistrationStream } from './registrations.ts'
export {
  makePrograms,
  makeRegistration,
  makeRegistrations,
  makeStudents,
  payNextInstalment,
  prng,
  programId,
  registrationId,
  streamRegistrations,
  studentId,
} from './registrations.ts'
