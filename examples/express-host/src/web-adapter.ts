import type { Request as ExpressRequest, Response as ExpressResponse } from 'express'

/**
 * Turns an Express request into a web-standard `Request` carrying the untouched body bytes, so the core
 * handlers verify signatures over exactly what was sent. Routes using it must not have a body parser.
 *
 * The body is collected here because a Node stream bridged to a web stream costs more per request than
 * the copy. Past `maxBytes` the rest is drained, not kept (memory stays bounded; destroying the request
 * would also kill the socket the 413 must go out on); the core handler then answers 413.
 */
export async function toWebRequest(
  req: ExpressRequest,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<Request> {
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string)
    } catch {
      // A header the fetch standard refuses (Node's parser is more lenient) is dropped, not a 500.
    }
  }
  const url = requestUrl(req.originalUrl)
  if (req.method === 'GET' || req.method === 'HEAD') return new Request(url, { method: req.method, headers })
  const declared = Number(req.headers['content-length'])
  let body: Uint8Array
  if (Number.isFinite(declared) && declared > maxBytes) {
    // Refused by size before reading; the handler answers 413 from Content-Length alone.
    body = new Uint8Array(0)
  } else {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.byteLength
      if (size <= maxBytes + chunk.byteLength) chunks.push(chunk)
    }
    body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
  }
  return new Request(url, { method: req.method, headers, body })
}

/**
 * The request's URL on a fixed origin. Never built from the `Host` header: it is whatever the client
 * sent, and a Host holding `/`, `?` or `#` would move part of it into the path or query the handlers
 * read (the module segment, `?secret=`). Leading slashes are collapsed so `//evil/x` stays a path.
 */
export function requestUrl(originalUrl: string): string {
  return `http://localhost/${originalUrl.replace(/^\/+/, '')}`
}

/** Sends a web-standard `Response` through Express. */
export async function sendWebResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status)
  response.headers.forEach((value, key) => {
    res.setHeader(key, value)
  })
  res.end(Buffer.from(await response.arrayBuffer()))
}
