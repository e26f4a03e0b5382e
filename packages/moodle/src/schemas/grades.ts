import * as z from 'zod'
import { warning } from './users.ts'

const num = z.number().nullable().optional()
const text = z.string().nullable().optional()

/** One grade item of one user (`gradereport_user_get_grade_items`). */
export const gradeItem = z.object({
  id: z.number().int(),
  itemname: text,
  itemtype: z.string(),
  itemmodule: text,
  iteminstance: z.number().int().nullable().optional(),
  idnumber: text,
  cmid: z.number().int().nullable().optional(),
  graderaw: num,
  gradeformatted: text,
  grademin: num,
  grademax: num,
  gradedategraded: num,
  feedback: text,
})

/** A user's grade on one grade item. */
export type GradeItem = z.output<typeof gradeItem>

/** `gradereport_user_get_grade_items` result. */
export const gradeItems = z.object({
  usergrades: z.array(
    z.object({
      courseid: z.number().int(),
      courseidnumber: text,
      userid: z.number().int(),
      userfullname: text,
      useridnumber: text,
      gradeitems: z.array(gradeItem),
    }),
  ),
  warnings: z.array(warning).optional(),
})

/** One user's grade items in a course. */
export type UserGrades = z.output<typeof gradeItems>['usergrades'][number]
