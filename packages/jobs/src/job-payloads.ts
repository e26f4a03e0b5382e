import * as z from 'zod'

/** A request to run steps for a tenant (the step runner's selection, range and step options). */
export const stepsJob = z
  .object({
    tenant: z.string().min(1),
    from: z.string().min(1).optional(),
    only: z.array(z.string().min(1)).min(1).optional(),
    range: z
      .object({ start: z.string().optional(), end: z.string().optional(), year: z.number().int().optional() })
      .strict()
      .optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    continueOnError: z.boolean().optional(),
  })
  .strict()

/** A steps job's data. */
export type StepsJob = z.infer<typeof stepsJob>

/** A request to replay a tenant's parked records (optionally of one entity). */
export const replayJob = z
  .object({ tenant: z.string().min(1), entity: z.string().min(1).optional() })
  .strict()

/** A replay job's data. */
export type ReplayJob = z.infer<typeof replayJob>

/** Formats zod issues as `field: message` lines, for errors that name what is wrong. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(job)'}: ${i.message}`).join('; ')
}
