import { connect } from 'node:net'

/**
 * Sends raw bytes over one TCP connection (what `fetch` refuses to send: a hostile Host header, a body
 * shorter than its Content-Length, broken chunked encoding) and resolves with the response's status, or
 * `undefined` when the server closed without answering.
 */
export function rawRequest(
  url: string,
  text: string,
  options: { endAfterWrite?: boolean; timeoutMs?: number } = {},
): Promise<{ status: number | undefined; response: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let response = ''
    const done = () => {
      clearTimeout(timer)
      const match = /^HTTP\/1\.1 (\d{3})/.exec(response)
      resolve({ status: match ? Number(match[1]) : undefined, response })
    }
    const timer = setTimeout(() => {
      socket.destroy()
      done()
    }, options.timeoutMs ?? 5_000)
    socket.on('connect', () => {
      socket.write(text)
      if (options.endAfterWrite) socket.end()
    })
    socket.on('data', (chunk) => {
      response += chunk.toString('latin1')
      // One response is enough: stop once its head and declared body arrived.
      const head = response.indexOf('\r\n\r\n')
      const length = /content-length: (\d+)/i.exec(response)
      if (head >= 0 && length && response.length >= head + 4 + Number(length[1])) {
        socket.destroy()
        done()
      }
    })
    socket.on('close', done)
    socket.on('error', (error) => {
      clearTimeout(timer)
      if (response) done()
      else reject(error)
    })
  })
}
