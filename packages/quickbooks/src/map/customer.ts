import { createHash } from 'node:crypto'
import type { Applicant, Registration, Student } from '@edusync/core'
import { canonicalJson } from '@edusync/core'
import type { QbCustomer } from '../schemas/entities.ts'
import type { CustomerLookups } from './enrich.ts'
import { enrich } from './enrich.ts'
import type { CustomerNoteKey } from './notes.ts'
import { formatCustomerNotes } from './notes.ts'
import { cleanName, isQuickBooksEmail, oneLine } from './text.ts'

/**
 * A person to keep as a QuickBooks customer: an applicant or a student, flattened to what the mapping
 * needs. Build it with {@link subjectFromApplicant} / {@link subjectFromStudent}, or directly from another
 * source. The same person as applicant and as student is two subjects (two customers), as seed 002 wants.
 */
export interface CustomerSubject {
  /** Which canonical entity the subject is; also the push ledger's entity. */
  readonly kind: 'applicant' | 'student'
  /** The canonical record id. */
  readonly id: string
  readonly firstName: string
  readonly lastName: string
  readonly email?: string | null
  readonly phone?: string | null
  /** Student registration number (seed `reg_no`). */
  readonly regNo?: string | null
  /** Applicant application id (seed `appl_Id`). */
  readonly applicationId?: string | null
  readonly trackingId?: string | null
  readonly gender?: string | null
  readonly nationalId?: string | null
  readonly birthCountry?: string | null
  readonly campusId?: string | null
  readonly intakeId?: string | null
  readonly programId?: string | null
  readonly programModeId?: string | null
  readonly programType?: string | null
  readonly levelId?: string | null
}

/** The subject of a canonical applicant. */
export function subjectFromApplicant(applicant: Applicant): CustomerSubject {
  return {
    kind: 'applicant',
    id: applicant.id,
    firstName: applicant.firstName,
    lastName: applicant.lastName,
    email: applicant.email ?? null,
    phone: applicant.phone ?? null,
    applicationId: applicant.applicationNumber ?? applicant.id,
    trackingId: applicant.trackingId ?? null,
    gender: applicant.gender ?? null,
    nationalId: applicant.nationalId ?? null,
    birthCountry: applicant.birthCountry ?? null,
    campusId: applicant.campusId ?? null,
    intakeId: applicant.intakeId ?? null,
    programId: applicant.programId ?? null,
    programModeId: applicant.programModeId ?? null,
  }
}

/** What the seed takes "from registration" for a student (campus, intake, program, level, type). */
export interface StudentContext {
  readonly registration?: Registration | null
  readonly campusId?: string | null
  readonly levelId?: string | null
  readonly programType?: string | null
}

/** The subject of a canonical student, with its current registration when known. */
export function subjectFromStudent(student: Student, context: StudentContext = {}): CustomerSubject {
  const registration = context.registration ?? null
  return {
    kind: 'student',
    id: student.id,
    firstName: student.firstName,
    lastName: student.lastName,
    email: student.email ?? null,
    phone: student.phone ?? null,
    regNo: registration?.registrationNumber ?? student.code ?? null,
    gender: student.gender ?? null,
    nationalId: student.nationalNumber ?? null,
    birthCountry: null,
    campusId: context.campusId ?? null,
    intakeId: registration?.intake ?? null,
    programId: registration?.programId ?? student.programId ?? null,
    programModeId: registration?.studyMode ?? student.studyMode ?? null,
    programType: context.programType ?? null,
    levelId: context.levelId ?? null,
  }
}

/** The Customer attributes edusync writes (sparse updates send only the ones that changed). */
export interface CustomerFields {
  readonly GivenName: string
  readonly FamilyName: string
  readonly PrimaryPhone?: { readonly FreeFormNumber: string }
  readonly PrimaryEmailAddr?: { readonly Address: string }
  readonly Notes: string
}

/** A subject mapped for QuickBooks: the fields, the DisplayName candidates and the fingerprint. */
export interface MappedCustomer {
  readonly subject: CustomerSubject
  readonly fields: CustomerFields
  /** DisplayNames to try in order: the real name, then disambiguated ones (see {@link displayNameCandidates}). */
  readonly candidates: readonly string[]
  /** SHA-256 of the mapped customer: a change in any written value (enrichment included) re-pushes it. */
  readonly fingerprint: string
  /** `kind/id`: the owner marker in Notes. */
  readonly owner: string
}

/**
 * DisplayName candidates, deterministic so a rerun tries the same names in the same order: the real name
 * (`"Jean Uwase"`), then the name with the record's school number (`"Jean Uwase (2026/BIT/042)"`: RegNo
 * for students, ApplicationID for applicants), then with the kind and canonical id
 * (`"Jean Uwase (Student STU-42)"`), which is unique by construction.
 */
export function displayNameCandidates(subject: CustomerSubject): string[] {
  const base = cleanName(`${subject.firstName} ${subject.lastName}`, 400) || cleanName(subject.id, 400)
  const number = cleanName(subject.kind === 'student' ? subject.regNo : subject.applicationId, 60)
  const kind = subject.kind === 'student' ? 'Student' : 'Applicant'
  const out = [base]
  if (number) out.push(`${base} (${number})`)
  out.push(`${base} (${kind} ${cleanName(subject.id, 90)})`)
  return [...new Set(out)]
}

/** Maps a subject to its Customer fields with enrichment (fallback: name, id as text, empty). */
export function mapCustomer(subject: CustomerSubject, lookups?: CustomerLookups): MappedCustomer {
  const note: Partial<Record<CustomerNoteKey, string>> = {
    CustomerType: subject.kind === 'student' ? 'Student' : 'Applicant',
    ApplicationID: subject.kind === 'applicant' ? (subject.applicationId ?? '') : '',
    RegNo: subject.kind === 'student' ? (subject.regNo ?? '') : '',
    TrackingID: subject.trackingId ?? '',
    Gender: subject.gender ?? '',
    NationalID: subject.nationalId ?? '',
    BirthCountry: subject.birthCountry ?? '',
    Campus: enrich(lookups, 'campus', subject.campusId),
    Intake: enrich(lookups, 'intake', subject.intakeId),
    Program: enrich(lookups, 'program', subject.programId),
    ProgramMode: enrich(lookups, 'programMode', subject.programModeId),
    ProgramType: subject.programType ?? '',
    Level: enrich(lookups, 'level', subject.levelId),
  }
  const phone = oneLine(subject.phone, 30)
  const email = (subject.email ?? '').trim()
  const fields: CustomerFields = {
    GivenName: cleanName(subject.firstName, 100),
    FamilyName: cleanName(subject.lastName, 100),
    ...(phone ? { PrimaryPhone: { FreeFormNumber: phone } } : {}),
    ...(isQuickBooksEmail(email) ? { PrimaryEmailAddr: { Address: email } } : {}),
    Notes: formatCustomerNotes({ entity: subject.kind, id: subject.id, fields: note }),
  }
  const candidates = displayNameCandidates(subject)
  const fingerprint = createHash('sha256').update(canonicalJson({ fields, candidates })).digest('hex')
  return { subject, fields, candidates, fingerprint, owner: `${subject.kind}/${subject.id}` }
}

/** One attribute's planned change. */
export interface FieldChange {
  readonly from: unknown
  readonly to: unknown
}

/**
 * The attributes of `fields` that differ from an existing customer (what a sparse update sends). Removing
 * a phone or e-mail is not expressible in a sparse update, so a value that disappeared is left as it is.
 */
export function customerChanges(existing: QbCustomer, fields: CustomerFields): Record<string, FieldChange> {
  const out: Record<string, FieldChange> = {}
  const compare = (key: string, from: unknown, to: unknown) => {
    if (to !== undefined && JSON.stringify(from ?? null) !== JSON.stringify(to))
      out[key] = { from: from ?? null, to }
  }
  compare('GivenName', existing.GivenName, fields.GivenName)
  compare('FamilyName', existing.FamilyName, fields.FamilyName)
  compare('PrimaryPhone', existing.PrimaryPhone?.FreeFormNumber, fields.PrimaryPhone?.FreeFormNumber)
  compare('PrimaryEmailAddr', existing.PrimaryEmailAddr?.Address, fields.PrimaryEmailAddr?.Address)
  compare('Notes', existing.Notes, fields.Notes)
  return out
}

/** The sparse-update body of some changes (values in QuickBooks' shapes). */
export function changesBody(
  fields: CustomerFields,
  changes: Readonly<Record<string, FieldChange>>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const key of Object.keys(changes)) body[key] = fields[key as keyof CustomerFields]
  return body
}
