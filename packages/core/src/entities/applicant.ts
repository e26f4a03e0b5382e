import * as z from 'zod'
import { defineEntity } from '../types/entity.ts'
import { externalId, optionalDate, optionalRef, optionalText, text } from '../types/primitives.ts'

/** Where an application stands. */
export const applicantStatus = z.enum([
  'submitted',
  'under_review',
  'admitted',
  'rejected',
  'withdrawn',
  'enrolled',
])

/**
 * A person who applied to the school (an online application), before or without becoming a student. The
 * same person as applicant and as student is two records: the application keeps its own id, tracking id
 * and choices. Campus, intake and program mode are ids of the school's own lookups (no canonical entity
 * of their own), enriched to names where they are shown.
 */
export const applicant = defineEntity({
  name: 'applicant',
  shape: {
    id: externalId,
    /** The school's application number (the seed's `appl_Id`). */
    applicationNumber: optionalText,
    /** The application's tracking id given to the applicant (the seed's `tracking_id`). */
    trackingId: optionalText,
    firstName: text,
    lastName: text,
    email: z.email({ message: 'expected an e-mail address' }).nullable().optional(),
    phone: optionalText,
    gender: optionalText,
    birthDate: optionalDate,
    birthCountry: optionalText,
    /** National id or passport number. */
    nationalId: optionalText,
    campusId: optionalText,
    intakeId: optionalText,
    /** The first-choice program (the seed's `opt_1`). */
    programId: optionalRef,
    programModeId: optionalText,
    status: applicantStatus.nullable().optional(),
    appliedAt: optionalDate,
  },
  references: { programId: 'program' },
})
