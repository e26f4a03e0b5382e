import * as z from 'zod'
import { warning } from './users.ts'

/** A marking-guide criterion as `core_grading_get_definitions` returns it. */
export const guideCriterion = z.object({
  id: z.number().int(),
  sortorder: z.number().int(),
  shortname: z.string(),
  description: z.string().nullable().optional(),
  descriptionformat: z.number().int().nullable().optional(),
  descriptionmarkers: z.string().nullable().optional(),
  descriptionmarkersformat: z.number().int().nullable().optional(),
  maxscore: z.number(),
})

/** A grading definition (only the marking guide's criteria are read; other methods keep theirs). */
export const gradingDefinition = z.object({
  id: z.number().int(),
  method: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  descriptionformat: z.number().int().nullable().optional(),
  status: z.number().int(),
  guide: z.object({ guide_criteria: z.array(guideCriterion) }).optional(),
})

/** A grading definition of an activity. */
export type GradingDefinition = z.output<typeof gradingDefinition>

/** One grading area of an activity. */
export const gradingArea = z.object({
  cmid: z.number().int(),
  contextid: z.number().int(),
  component: z.string(),
  areaname: z.string(),
  activemethod: z.string().nullable().optional(),
  definitions: z.array(gradingDefinition),
})

/** A grading area with its definitions. */
export type GradingArea = z.output<typeof gradingArea>

/** `core_grading_get_definitions` result. */
export const gradingDefinitions = z.object({
  areas: z.array(gradingArea),
  warnings: z.array(warning).optional(),
})
