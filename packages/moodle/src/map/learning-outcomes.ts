/** A learning outcome as the plugin reports it (one per BTEC criterion of the grading definition). */
export interface PluginLearningOutcome {
  readonly code: string
  readonly description?: string | null
  /** The filling's score; the plugin sends it as a string, `""` when not scored. */
  readonly score?: string | number | null
  readonly feedback?: string | null
}

/** A canonical learning-outcome row (core's `learningOutcome`). */
export interface LearningOutcomeRow {
  readonly code: string
  readonly title: string | null
  readonly definition: string | null
  readonly score: number | null
  readonly feedback: string | null
}

/** Zoho's `LO_Title` holds at most 100 characters. */
export const LO_TITLE_MAX = 100

// Anything clean() would change: a tag, a run of spaces, a space other than ' ', or an edge space.
const NEEDS_CLEANING = /<|\s\s|[^\S ]|^\s|\s$/

const clean = (s: string | null | undefined): string | null => {
  if (s === null || s === undefined) return null
  // Most criteria are plain text already: one scan instead of three replacements.
  if (!NEEDS_CLEANING.test(s)) return s.length > 0 ? s : null
  const text = s
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return text.length > 0 ? text : null
}

/** The title of a criterion: its description cut to {@link LO_TITLE_MAX} characters (with an ellipsis). */
export function loTitle(description: string | null | undefined): string | null {
  return titleOf(clean(description))
}

function titleOf(text: string | null): string | null {
  if (text === null || text.length <= LO_TITLE_MAX) return text
  return `${text.slice(0, LO_TITLE_MAX - 1).trimEnd()}…`
}

/** A score string (`"3"`, `"2.5"`, `""`) as a number; `null` when empty or not a number. */
export function loScore(score: string | number | null | undefined): number | null {
  if (score === null || score === undefined) return null
  if (typeof score === 'number') return Number.isFinite(score) ? score : null
  const trimmed = score.trim()
  if (trimmed === '') return null
  const n = Number(trimmed)
  return Number.isFinite(n) ? n : null
}

/**
 * Learning outcomes -> canonical rows (which the Zoho field map writes as the `Learning_Outcomes_Assessm`
 * subform: `LO_Code`, `LO_Title`, `LO_Definition`, `LO_Score`, `LO_Feedback`). Rows keep the plugin's
 * order (criterion sortorder); a code seen twice keeps its last row.
 */
export function learningOutcomeRows(outcomes: readonly PluginLearningOutcome[]): LearningOutcomeRow[] {
  const byCode = new Map<string, LearningOutcomeRow>()
  for (const lo of outcomes) {
    const code = lo.code.trim()
    const definition = clean(lo.description)
    byCode.set(code, {
      code,
      title: titleOf(definition),
      definition,
      score: loScore(lo.score),
      feedback: clean(lo.feedback),
    })
  }
  return [...byCode.values()]
}
