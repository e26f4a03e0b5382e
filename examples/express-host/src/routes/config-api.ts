import type { ConfigApi } from '@edusync/core/config-api'
import type { NextFunction, Request, Response } from 'express'
import { sendWebResponse, toWebRequest } from '../web-adapter.ts'

/**
 * `ALL /config/*`: the library's configuration API (tenants, connections, module switches, field maps,
 * schedules, runs, audit), mounted as is. It authenticates every request itself (admin bearer or HMAC).
 */
export function configApiRoute(api: ConfigApi, maxBodyBytes: number) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await sendWebResponse(res, await api(await toWebRequest(req, maxBodyBytes)))
    } catch (error) {
      next(error)
    }
  }
}
