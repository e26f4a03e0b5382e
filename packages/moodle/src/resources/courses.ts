import type { ResultAsync } from 'neverthrow'
import * as z from 'zod'
import type { MoodleError } from '../errors.ts'
import type { WsCall } from '../http/api-client.ts'
import type { MoodleCategory, MoodleCourse } from '../schemas/courses.ts'
import {
  coursesByField,
  createdCategories,
  createdCourses,
  moodleCategory,
  updatedCourses,
} from '../schemas/courses.ts'
import type { MoodleWarning } from '../schemas/users.ts'

/** A course to create. */
export interface NewMoodleCourse {
  readonly fullname: string
  readonly shortname: string
  readonly categoryid: number
  /** The key edusync finds the course by again: the canonical class id. */
  readonly idnumber?: string
  readonly summary?: string
  readonly format?: string
  /** Unix seconds. */
  readonly startdate?: number
  readonly enddate?: number
  readonly visible?: boolean
}

/** Changes to one course, by id. */
export interface MoodleCourseUpdate extends Partial<NewMoodleCourse> {
  readonly id: number
}

/** Lookup fields of `core_course_get_courses_by_field`. */
export type CourseField = 'id' | 'ids' | 'shortname' | 'idnumber' | 'category'

/** A category to create. */
export interface NewMoodleCategory {
  readonly name: string
  /** @default 0 (top level) */
  readonly parent?: number
  readonly idnumber?: string
  readonly description?: string
}

/** The course and category functions of a client. */
export interface CoursesApi {
  /** Creates courses in one call (all or nothing). Not retried after a lost answer: see the flows. */
  create(courses: readonly NewMoodleCourse[]): ResultAsync<{ id: number; shortname: string }[], MoodleError>
  /** Courses whose `field` equals `value` (`ids`: comma-separated); never the site course. */
  getByField(field: CourseField, value: string | number): ResultAsync<MoodleCourse[], MoodleError>
  /** Updates courses; per-course refusals come back as warnings. */
  update(courses: readonly MoodleCourseUpdate[]): ResultAsync<MoodleWarning[], MoodleError>
  /** Categories matching every `criteria` key (`id`, `name`, `idnumber`, `parent`, ...); all when empty. */
  categories(
    criteria?: Readonly<Record<string, string | number>>,
    options?: { readonly addSubcategories?: boolean },
  ): ResultAsync<MoodleCategory[], MoodleError>
  /** Creates categories in one call. */
  createCategories(
    categories: readonly NewMoodleCategory[],
  ): ResultAsync<{ id: number; name: string }[], MoodleError>
}

/** Builds the {@link CoursesApi}. */
export function createCoursesApi(call: WsCall): CoursesApi {
  return {
    create: (courses) => call('core_course_create_courses', { courses }, createdCourses),
    getByField: (field, value) =>
      call('core_course_get_courses_by_field', { field, value: String(value) }, coursesByField, {
        idempotent: true,
      }).map((r) => r.courses.filter((c) => c.categoryid !== 0 && c.format !== 'site')),
    update: (courses) =>
      call('core_course_update_courses', { courses }, updatedCourses, { idempotent: true }),
    categories: (criteria = {}, options = {}) =>
      call(
        'core_course_get_categories',
        {
          criteria: Object.entries(criteria).map(([key, value]) => ({ key, value: String(value) })),
          addsubcategories: options.addSubcategories ?? false,
        },
        z.array(moodleCategory),
        { idempotent: true },
      ),
    createCategories: (categories) =>
      call('core_course_create_categories', { categories }, createdCategories),
  }
}
