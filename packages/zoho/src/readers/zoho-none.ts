/** The option Zoho puts first in most picklists to mean "nothing chosen"; records can carry it literally. */
export const ZOHO_NONE = '-None-'

/**
 * Reads Zoho's empty picklist option as `null`. Every converter starts with it, so `-None-` is "no
 * value" for every kind (translated picklists, text-read picklists, the currency field), never the
 * string `"-None-"` and never an unknown picklist value.
 */
export function noneAsNull(raw: unknown): unknown {
  return raw === ZOHO_NONE ? null : raw
}
