import * as z from 'zod'

/** `enrol_manual_enrol_users` / `enrol_manual_unenrol_users`: the literal `null`. */
export const nullResult = z.null()

/** A user of `core_enrol_get_enrolled_users` (the keys the flows read). */
export const enrolledUser = z.object({
  id: z.number().int(),
  username: z.string().optional(),
  firstname: z.string().optional(),
  lastname: z.string().optional(),
  fullname: z.string().optional(),
  email: z.string().optional(),
  idnumber: z.string().optional(),
  roles: z
    .array(z.object({ roleid: z.number().int(), name: z.string().optional(), shortname: z.string() }))
    .optional(),
})

/** A user enrolled in a course. */
export type EnrolledUser = z.output<typeof enrolledUser>

/** `core_enrol_get_enrolled_users` result. */
export const enrolledUsers = z.array(enrolledUser)
