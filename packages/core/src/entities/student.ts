import * as z from 'zod'
import { defineEntity } from '../types/entity.ts'
import {
  externalId,
  optionalDate,
  optionalEmail,
  optionalRef,
  optionalText,
  text,
} from '../types/primitives.ts'

/** Lifecycle status of a student, normalised from the CRM's picklist (OneRoster-style `active`, …). */
export const studentStatus = z.enum([
  'pending',
  'applicant',
  'approved',
  'active',
  'frozen',
  'withdrawn',
  'graduated',
  'blocked',
  'inactive',
])

/** A learner. `code` is the school's own student number (Zoho's autonumber `Name`, e.g. `A01B3011C`). */
export const student = defineEntity({
  name: 'student',
  shape: {
    id: externalId,
    code: optionalText,
    firstName: text,
    lastName: text,
    displayName: optionalText,
    email: optionalEmail,
    academicEmail: optionalEmail,
    phone: optionalText,
    birthDate: optionalDate,
    gender: optionalText,
    nationality: optionalText,
    nationalNumber: optionalText,
    address: optionalText,
    city: optionalText,
    country: optionalText,
    status: studentStatus,
    programId: optionalRef,
    studyMode: optionalText,
    currency: optionalText,
  },
  references: { programId: 'program' },
})
