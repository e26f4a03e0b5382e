/** @module Steps: named units of work in a fixed order, month ranges, and the runner that records them. */

export type { Month, MonthRange, MonthRangeInput } from './month-range.ts'
export { monthRange } from './month-range.ts'
export { parkedReplayStep } from './parked-replay-step.ts'
export type { PushStepOptions } from './push-step.ts'
export { pushStep } from './push-step.ts'
export type { Step, StepContext, StepKind, StepProgress, StepSummary } from './step.ts'
export { defineStep } from './step.ts'
export type { StepErrorReason } from './step-error.ts'
export { StepError } from './step-error.ts'
export type {
  RunStepsOptions,
  StepEvent,
  StepOutcome,
  StepRunner,
  StepRunnerOptions,
  StepSelection,
  StepsReport,
} from './step-runner.ts'
export { createStepRunner, STEPS_RUN } from './step-runner.ts'
