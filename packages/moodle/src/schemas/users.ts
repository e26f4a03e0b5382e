import * as z from 'zod'

const customField = z.object({
  type: z.string().optional(),
  shortname: z.string().optional(),
  name: z.string().optional(),
  value: z.union([z.string(), z.number()]).nullable().optional(),
})

/** A user as `core_user_get_users_by_field` returns it (most keys are optional: callers see what they may). */
export const moodleUser = z.object({
  id: z.number().int(),
  username: z.string().optional(),
  firstname: z.string().optional(),
  lastname: z.string().optional(),
  fullname: z.string().optional(),
  email: z.string().optional(),
  idnumber: z.string().optional(),
  phone1: z.string().optional(),
  phone2: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
  auth: z.string().optional(),
  suspended: z.boolean().optional(),
  confirmed: z.boolean().optional(),
  customfields: z.array(customField).optional(),
})

/** A Moodle user. */
export type MoodleUser = z.output<typeof moodleUser>

/** `core_user_create_users` result. */
export const createdUsers = z.array(z.object({ id: z.number().int(), username: z.string() }))

/** A `warnings` item of Moodle's external API. */
export const warning = z.object({
  item: z.string().optional(),
  itemid: z.number().int().optional(),
  warningcode: z.string(),
  message: z.string(),
})

/** A warning Moodle returned for one item of a call (the rest of the call succeeded). */
export type MoodleWarning = z.output<typeof warning>

/** `core_user_update_users` result: `null` before 4.0, `{warnings}` since. */
export const updateResult = z
  .union([z.null(), z.object({ warnings: z.array(warning).optional() })])
  .transform((v) => v?.warnings ?? [])
