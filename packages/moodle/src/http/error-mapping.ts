import type { MoodleErrorReason } from '../errors.ts'
import { MoodleError } from '../errors.ts'

// Keyed on `errorcode`, never on `exception`: class names are namespaced since 4.2 and plain in 4.1.
const BY_CODE: Readonly<Record<string, MoodleErrorReason>> = {
  invalidtoken: 'InvalidToken',
  accessexception: 'AccessDenied',
  nopermissions: 'AccessDenied',
  restrictedcontextexception: 'AccessDenied',
  requireloginerror: 'AccessDenied',
  servicerequireslogin: 'AccessDenied',
  servicenotavailable: 'AccessDenied',
  wsaccessusersuspended: 'AccessDenied',
  wsaccessusernologin: 'AccessDenied',
  wsaccessuserdeleted: 'AccessDenied',
  wsaccessuserunconfirmed: 'AccessDenied',
  wsaccessuserexpired: 'AccessDenied',
  wsaccessusernologinauth: 'AccessDenied',
  usernotconfirmed: 'AccessDenied',
  wsusercannotassign: 'AccessDenied',
  wscannotenrol: 'AccessDenied',
  wscannotunenrol: 'AccessDenied',
  invalidparameter: 'InvalidParameter',
  codingerror: 'InvalidParameter',
  invalidrecord: 'NotFound',
  invalidrecordunknown: 'NotFound',
  invaliduser: 'NotFound',
  invaliduserid: 'NotFound',
  invalidcourseid: 'NotFound',
  wsnoinstance: 'NotFound',
  manualpluginnotinstalled: 'NotFound',
  errorcatcontextnotvalid: 'NotFound',
  shortnametaken: 'Conflict',
  courseidnumbertaken: 'Conflict',
  usernameexists: 'Conflict',
  emailexists: 'Conflict',
  sitemaintenance: 'Unavailable',
}

/** The reason for a Moodle `errorcode` (unknown codes are `Failed`). */
export function reasonOf(errorCode: string | undefined): MoodleErrorReason {
  if (errorCode === undefined) return 'Failed'
  // A password-policy failure puts the policy's HTML into `errorcode` itself.
  if (errorCode.startsWith('<')) return 'InvalidParameter'
  return BY_CODE[errorCode] ?? 'Failed'
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined)

/**
 * Reads Moodle's JSON error envelope `{exception, errorcode, message, debuginfo}` (REST), or
 * `/login/token.php`'s `{error, errorcode}`. Returns `undefined` for a body that is not an error.
 */
export function jsonError(body: unknown, wsfunction: string, status: number): MoodleError | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
  const o = body as Record<string, unknown>
  const exception = str(o.exception)
  const errorCode = str(o.errorcode)
  if (exception === undefined && (errorCode === undefined || !('error' in o))) return undefined
  const message = str(o.message) ?? str(o.error) ?? errorCode ?? exception ?? 'Moodle error'
  const debugInfo = str(o.debuginfo)
  return new MoodleError(reasonOf(errorCode), describe(wsfunction, errorCode, message, debugInfo), {
    wsfunction,
    status,
    ...(errorCode !== undefined ? { errorCode } : {}),
    ...(exception !== undefined ? { exception } : {}),
    ...(debugInfo !== undefined ? { debugInfo } : {}),
  })
}

const xmlText = (xml: string, tag: string): string | undefined => {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)
  return m?.[1] === undefined ? undefined : decodeEntities(m[1]).trim() || undefined
}

const decodeEntities = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')

/** Reads the XML form `<EXCEPTION class=".."><ERRORCODE/><MESSAGE/><DEBUGINFO/></EXCEPTION>`. */
export function xmlError(text: string, wsfunction: string, status: number): MoodleError | undefined {
  if (!/<EXCEPTION[\s>]/.test(text)) return undefined
  const exception = /<EXCEPTION\s+class="([^"]*)"/.exec(text)?.[1]
  const errorCode = xmlText(text, 'ERRORCODE')
  const message = xmlText(text, 'MESSAGE') ?? errorCode ?? 'Moodle error'
  const debugInfo = xmlText(text, 'DEBUGINFO')
  return new MoodleError(reasonOf(errorCode), describe(wsfunction, errorCode, message, debugInfo), {
    wsfunction,
    status,
    ...(errorCode !== undefined ? { errorCode } : {}),
    ...(exception !== undefined ? { exception } : {}),
    ...(debugInfo !== undefined ? { debugInfo } : {}),
  })
}

function describe(wsfunction: string, code: string | undefined, message: string, debug: string | undefined) {
  const head = `${wsfunction}: ${code && !code.startsWith('<') ? `${code}: ` : ''}${stripTags(message)}`
  return debug ? `${head} (${stripTags(debug)})` : head
}

const stripTags = (s: string) =>
  s
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
