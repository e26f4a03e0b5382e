import * as z from 'zod'
import { warning } from './users.ts'

/** A course as `core_course_get_courses_by_field` returns it (the keys the flows read). */
export const moodleCourse = z.object({
  id: z.number().int(),
  fullname: z.string(),
  shortname: z.string(),
  displayname: z.string().optional(),
  categoryid: z.number().int(),
  categoryname: z.string().optional(),
  idnumber: z.string().nullable().optional(),
  summary: z.string().optional(),
  format: z.string().optional(),
  startdate: z.number().int().optional(),
  enddate: z.number().int().optional(),
  visible: z.number().int().optional(),
})

/** A Moodle course. */
export type MoodleCourse = z.output<typeof moodleCourse>

/** `core_course_get_courses_by_field` result. */
export const coursesByField = z.object({
  courses: z.array(moodleCourse),
  warnings: z.array(warning).optional(),
})

/** `core_course_create_courses` result. */
export const createdCourses = z.array(z.object({ id: z.number().int(), shortname: z.string() }))

/** `core_course_update_courses` result. */
export const updatedCourses = z
  .union([z.null(), z.object({ warnings: z.array(warning).optional() })])
  .transform((v) => v?.warnings ?? [])

/** A course category (`core_course_get_categories`). */
export const moodleCategory = z.object({
  id: z.number().int(),
  name: z.string(),
  idnumber: z.string().nullable().optional(),
  parent: z.number().int(),
  path: z.string().optional(),
  visible: z.number().int().optional(),
})

/** A Moodle course category. */
export type MoodleCategory = z.output<typeof moodleCategory>

/** `core_course_create_categories` result. */
export const createdCategories = z.array(z.object({ id: z.number().int(), name: z.string() }))
