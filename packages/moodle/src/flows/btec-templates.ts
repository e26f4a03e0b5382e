import type { Unit } from '@edusync/core'
import type { Result } from 'neverthrow'
import { err, ok, ResultAsync } from 'neverthrow'
import type { MoodleClient } from '../client.ts'
import { MoodleError } from '../errors.ts'
import type { GradingDefinitionInput, GuideCriterionInput } from '../resources/grades.ts'

/** Options of {@link syncBtecTemplate}. */
export interface BtecTemplateOptions {
  readonly moodle: MoodleClient
  /** The unit with its criteria (P1-P10, M1-M9, D1-D6 from Zoho's `BTEC` module). */
  readonly unit: Pick<Unit, 'id' | 'name'> & {
    readonly criteria?: readonly { code: string; description: string }[] | null
  }
  /** Course modules (assignments) that grade the unit. */
  readonly cmids: readonly number[]
  /** @default 'submissions' (assignments) */
  readonly areaname?: string
  /** Score of an achieved criterion. @default 1 */
  readonly maxScore?: number
}

/** What happened on one activity. */
export type TemplateOutcome =
  | { readonly cmid: number; readonly status: 'created' | 'updated'; readonly criteria: number }
  /** The activity's marking guide belongs to another unit: left alone. */
  | { readonly cmid: number; readonly status: 'other-unit'; readonly definitionName: string }

/** The marker a definition's name carries so it is found by the unit's id, never by its name. */
export const unitMarker = (unitId: string) => `[unit:${unitId}]`

const LEVEL_ORDER: Record<string, number> = { P: 0, M: 1, D: 2 }
const byCode = (a: { code: string }, b: { code: string }) =>
  (LEVEL_ORDER[a.code[0] ?? ''] ?? 9) - (LEVEL_ORDER[b.code[0] ?? ''] ?? 9) ||
  Number(a.code.slice(1)) - Number(b.code.slice(1))

/**
 * Writes a unit's BTEC criteria as a marking-guide grading definition on each given assignment, in one
 * `core_grading_save_definitions` call. The definition is matched by the unit's id (a marker in its name),
 * so renaming the unit renames it; criteria that exist (same code) are updated in place with their ids,
 * so fillings that point at them survive; criteria no longer in the unit are kept, never deleted; every
 * criterion carries its sortorder (Moodle 4.5 half-writes a definition without one).
 */
export function syncBtecTemplate(options: BtecTemplateOptions): ResultAsync<TemplateOutcome[], MoodleError> {
  const { moodle, unit } = options
  const areaname = options.areaname ?? 'submissions'
  const maxscore = options.maxScore ?? 1
  const run = async (): Promise<Result<TemplateOutcome[], MoodleError>> => {
    const criteria = [...(unit.criteria ?? [])].sort(byCode)
    if (criteria.length === 0) {
      return err(
        new MoodleError(
          'InvalidParameter',
          `unit ${unit.id} has no criteria: Moodle cannot save an empty guide`,
        ),
      )
    }
    if (options.cmids.length === 0) return ok([])
    const areas = await moodle.grades.definitions(options.cmids, areaname)
    if (areas.isErr()) return err(areas.error)
    const marker = unitMarker(unit.id)
    const name = `${unit.name} ${marker}`
    const outcomes: TemplateOutcome[] = []
    const inputs: GradingDefinitionInput[] = []
    for (const area of areas.value) {
      const guide = area.definitions.find((d) => d.method === 'guide')
      if (guide && !guide.name.includes(marker)) {
        outcomes.push({ cmid: area.cmid, status: 'other-unit', definitionName: guide.name })
        continue
      }
      const existing = new Map((guide?.guide?.guide_criteria ?? []).map((c) => [c.shortname, c]))
      const rows: GuideCriterionInput[] = criteria.map((c, i) => ({
        ...(existing.get(c.code) ? { id: existing.get(c.code)?.id } : {}),
        sortorder: i + 1,
        shortname: c.code,
        description: c.description,
        maxscore: existing.get(c.code)?.maxscore ?? maxscore,
      }))
      const wanted = new Set(criteria.map((c) => c.code))
      for (const kept of guide?.guide?.guide_criteria ?? []) {
        if (wanted.has(kept.shortname)) continue
        rows.push({
          id: kept.id,
          sortorder: rows.length + 1,
          shortname: kept.shortname,
          description: kept.description ?? '',
          maxscore: kept.maxscore,
        })
      }
      inputs.push({
        cmid: area.cmid,
        contextid: area.contextid,
        component: area.component,
        areaname: area.areaname,
        activemethod: 'guide',
        definition: {
          ...(guide ? { id: guide.id } : {}),
          method: 'guide',
          name,
          description: unit.name,
          criteria: rows,
        },
      })
      outcomes.push({ cmid: area.cmid, status: guide ? 'updated' : 'created', criteria: rows.length })
    }
    if (inputs.length > 0) {
      const saved = await moodle.grades.saveDefinitions(inputs)
      if (saved.isErr()) return err(saved.error)
    }
    return ok(outcomes)
  }
  return new ResultAsync(run())
}
