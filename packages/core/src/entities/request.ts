import * as z from 'zod'
import { blankAsNull } from '../parse/blank.ts'
import { defineEntity } from '../types/entity.ts'
import { externalId, isoInstant, optionalText } from '../types/primitives.ts'

/**
 * Where a student request stands: the school's `BTEC_Student_Requests.Status` picklist (Zoho's
 * `Pending (Default)` is `pending`).
 */
export const requestStatus = z.enum(['pending', 'approved', 'rejected', 'cancelled', 'completed'])

/**
 * A student's request to the school (enrol next semester, drop a class, late submission, student card,
 * change of information). Entity name `request`; exported as `studentRequest` because `Request` is the
 * fetch API's. `requestDate` is an instant (Zoho's `Request_Date` is a datetime), normalised to UTC.
 */
export const studentRequest = defineEntity({
  name: 'request',
  shape: {
    id: externalId,
    code: optionalText,
    studentId: externalId,
    type: optionalText,
    description: optionalText,
    status: requestStatus.nullable().optional(),
    // `.pipe(z.string())` states the normalised output is a string, so the Store's write check can trust it.
    requestDate: z.preprocess(blankAsNull, isoInstant.pipe(z.string()).nullable().optional()),
  },
  references: { studentId: 'student' },
})
