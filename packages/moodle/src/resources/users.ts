import type { ResultAsync } from 'neverthrow'
import * as z from 'zod'
import type { MoodleError } from '../errors.ts'
import type { WsCall } from '../http/api-client.ts'
import type { MoodleUser, MoodleWarning } from '../schemas/users.ts'
import { createdUsers, moodleUser, updateResult } from '../schemas/users.ts'

/** A profile field value (`type` is the profile field's shortname). */
export interface CustomFieldValue {
  readonly type: string
  readonly value: string
}

/** A user to create. `username` is lower-cased before sending (Moodle rejects any other case). */
export interface NewMoodleUser {
  readonly username: string
  readonly firstname: string
  readonly lastname: string
  readonly email: string
  /** A password, or `createpassword: true` to have Moodle e-mail one. */
  readonly password?: string
  readonly createpassword?: boolean
  /** @default 'manual' */
  readonly auth?: string
  readonly idnumber?: string
  readonly phone1?: string
  readonly city?: string
  /** Two-letter country code. */
  readonly country?: string
  readonly lang?: string
  readonly customfields?: readonly CustomFieldValue[]
}

/** Changes to one user, by id. */
export interface MoodleUserUpdate extends Partial<Omit<NewMoodleUser, 'createpassword'>> {
  readonly id: number
  readonly suspended?: boolean
}

/** Lookup fields of `core_user_get_users_by_field`. */
export type UserField = 'id' | 'idnumber' | 'username' | 'email'

const lower = <T extends { username?: string }>(u: T): T =>
  u.username === undefined ? u : { ...u, username: u.username.trim().toLowerCase() }

/** The user functions of a client. */
export interface UsersApi {
  /** Creates users in one call (Moodle: all or nothing); returns `[{id, username}]` in input order. */
  create(users: readonly NewMoodleUser[]): ResultAsync<{ id: number; username: string }[], MoodleError>
  /**
   * Updates users. Since Moodle 4.0 each user is its own transaction and a refused one comes back as a
   * warning (`useremailduplicate`, `invaliduserid`, ...): those are returned, never swallowed.
   */
  update(users: readonly MoodleUserUpdate[]): ResultAsync<MoodleWarning[], MoodleError>
  /** Users whose `field` is one of `values` (`[]` when none match). Usernames are lower-cased first. */
  getByField(field: UserField, values: readonly (string | number)[]): ResultAsync<MoodleUser[], MoodleError>
}

/** Builds the {@link UsersApi}. */
export function createUsersApi(call: WsCall): UsersApi {
  return {
    create: (users) => call('core_user_create_users', { users: users.map(lower) }, createdUsers),
    update: (users) =>
      call('core_user_update_users', { users: users.map(lower) }, updateResult, { idempotent: true }),
    getByField: (field, values) =>
      call(
        'core_user_get_users_by_field',
        {
          field,
          values: values.map((v) => (field === 'username' ? String(v).trim().toLowerCase() : String(v))),
        },
        z.array(moodleUser),
        { idempotent: true },
      ),
  }
}
