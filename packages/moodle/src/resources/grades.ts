import type { ResultAsync } from 'neverthrow'
import type { MoodleError } from '../errors.ts'
import type { WsCall } from '../http/api-client.ts'
import type { WsValue } from '../http/flatten.ts'
import { nullResult } from '../schemas/enrol.ts'
import type { UserGrades } from '../schemas/grades.ts'
import { gradeItems } from '../schemas/grades.ts'
import type { GradingArea } from '../schemas/grading.ts'
import { gradingDefinitions } from '../schemas/grading.ts'

/** A marking-guide criterion to save: with `id` it is updated in place, without it is created. */
export interface GuideCriterionInput {
  readonly id?: number
  /** Always sent: Moodle 4.5 fails with `dmlwriteexception` without it, keeping what it wrote. */
  readonly sortorder: number
  readonly shortname: string
  readonly description: string
  readonly descriptionmarkers?: string
  readonly maxscore: number
}

/** A grading definition to save on one activity's grading area. */
export interface GradingDefinitionInput {
  readonly cmid: number
  readonly contextid: number
  readonly component: string
  readonly areaname: string
  /** The area's active method; always sent (a missing one clears it). */
  readonly activemethod: string
  readonly definition: {
    readonly id?: number
    readonly method: 'guide'
    readonly name: string
    readonly description?: string
    /** 20 = ready for use. @default 20 */
    readonly status?: number
    readonly criteria: readonly GuideCriterionInput[]
  }
}

/** The grade and grading functions of a client. */
export interface GradesApi {
  /**
   * Grade items of a course, per user (`gradereport_user_get_grade_items`; `core_grades_get_grades` was
   * removed in Moodle 4.0). The course total is the item with `itemtype: "course"`.
   */
  items(
    courseid: number,
    options?: { readonly userid?: number; readonly groupid?: number },
  ): ResultAsync<UserGrades[], MoodleError>
  /** Grading areas and definitions of activities (`core_grading_get_definitions`). */
  definitions(
    cmids: readonly number[],
    areaname: string,
    options?: { readonly activeOnly?: boolean },
  ): ResultAsync<GradingArea[], MoodleError>
  /** Saves marking-guide definitions (`core_grading_save_definitions`, no transaction on Moodle's side). */
  saveDefinitions(areas: readonly GradingDefinitionInput[]): ResultAsync<null, MoodleError>
}

/** Builds the {@link GradesApi}. */
export function createGradesApi(call: WsCall): GradesApi {
  return {
    items: (courseid, options = {}) =>
      call(
        'gradereport_user_get_grade_items',
        { courseid, userid: options.userid, groupid: options.groupid },
        gradeItems,
        { idempotent: true },
      ).map((r) => r.usergrades),
    definitions: (cmids, areaname, options = {}) =>
      call(
        'core_grading_get_definitions',
        { cmids: [...cmids], areaname, activeonly: options.activeOnly ?? false },
        gradingDefinitions,
        { idempotent: true },
      ).map((r) => r.areas),
    saveDefinitions: (areas) =>
      call('core_grading_save_definitions', { areas: areas.map(toArea) }, nullResult, { idempotent: true }),
  }
}

function toArea(area: GradingDefinitionInput): WsValue {
  const d = area.definition
  return {
    cmid: area.cmid,
    contextid: area.contextid,
    component: area.component,
    areaname: area.areaname,
    activemethod: area.activemethod,
    definitions: [
      {
        id: d.id,
        method: d.method,
        name: d.name,
        description: d.description ?? '',
        descriptionformat: 1,
        status: d.status ?? 20,
        copiedfromid: 0,
        timecreated: 0,
        usercreated: 0,
        timemodified: 0,
        usermodified: 0,
        timecopied: 0,
        guide: {
          guide_criteria: d.criteria.map((c) => ({
            id: c.id,
            sortorder: c.sortorder,
            shortname: c.shortname,
            description: c.description,
            descriptionformat: 1,
            descriptionmarkers: c.descriptionmarkers ?? '',
            descriptionmarkersformat: 1,
            maxscore: c.maxscore,
          })),
        },
      },
    ],
  }
}
