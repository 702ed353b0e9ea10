// Deadlines for receiving a request on the Node HTTP server, and the error
// envelope for what Node refuses before the app sees a request.
//
// The body guard answers 408 when a body trickles in (NEXATRON_BODY_TIMEOUT_MS
// from when it starts reading). These server limits are the backstop for the
// rest: headers must arrive within min(30 s, body timeout), the whole request
// within headers + body timeout. They bound receiving the request only: a long
// SSE stream or CSV download (the response) is not cut.
import { STATUS_CODES, type Server, type ServerOptions } from 'node:http'
import type { Duplex } from 'node:stream'
import { newId } from '../ids'
import { AppError, errorBody, type ErrorCode } from './errors'

const MAX_HEADERS_TIMEOUT_MS = 30_000

export function requestTimeoutOptions(bodyTimeoutMs: number): Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'> {
  const headersTimeout = Math.min(MAX_HEADERS_TIMEOUT_MS, bodyTimeoutMs)
  return {
    headersTimeout,
    requestTimeout: headersTimeout + bodyTimeoutMs,
    // Node checks the deadlines on this tick (default 30 s, too coarse for short limits).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(bodyTimeoutMs / 4))),
  }
}

const PARSER_ERRORS: Record<string, { status: number; code: ErrorCode; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'the request did not arrive in time' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'bad_request', message: 'the request headers are too large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, code: 'payload_too_large', message: 'the chunk extensions are too large' },
}

/**
 * Answers what Node's parser refuses (a request too slow to arrive, headers
 * too large, malformed HTTP) with the error envelope instead of Node's bare
 * status line, then closes the connection.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex & { _httpMessage?: { headersSent?: boolean } }) => {
    // Nothing to answer on a reset socket, or once a response has begun on it.
    if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy()
      return
    }
    const known = PARSER_ERRORS[err.code ?? '']
    const { status, code, message } = known ?? { status: 400, code: 'bad_request' as const, message: 'malformed HTTP request' }
    const requestId = newId('req')
    const body = JSON.stringify(errorBody(new AppError(code, message), requestId))
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`
      + `Content-Type: application/json; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy())
  })
}
