import http, { type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '../../lib/errors.js';

/**
 * Requests Node's HTTP parser refuses before Express sees them (a byte outside ASCII or a space in the URL,
 * URL and headers beyond the header size limit, a Content-Length that is not a number, a malformed chunked
 * body, a request not received in time) get the same problem+json as every other error, with what is wrong,
 * instead of Node's bare "400 Bad Request" without a body. The connection is closed afterwards: the parser
 * cannot know where the next request would begin.
 */
export function clientErrorProblem(err: { code?: unknown }, maxHeaderSize = http.maxHeaderSize): { status: number; detail: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: `The request's URL and headers are larger than this service reads (${Math.round(maxHeaderSize / 1024)} KB in all).` };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return { status: 408, detail: 'The request did not arrive in time.' };
    case 'HPE_INVALID_URL':
      return { status: 400, detail: 'The URL contains a character that must be percent-encoded (a space, a control character or a byte outside ASCII).' };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, detail: 'The Content-Length header is not valid (a number of bytes, sent once, and not together with Transfer-Encoding: chunked).' };
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return { status: 400, detail: 'The chunked request body is malformed.' };
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      return { status: 400, detail: 'A header of the request is malformed (a name or value with a character HTTP does not allow).' };
    case 'HPE_INVALID_METHOD':
      return { status: 400, detail: 'The request method is not a valid HTTP method.' };
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_CONSTANT':
      return { status: 400, detail: 'The request line is not "METHOD /path HTTP/1.1".' };
    default:
      return { status: 400, detail: 'The request is not valid HTTP/1.1.' };
  }
}

export function problemResponse(p: { status: number; detail: string }): string {
  const body = JSON.stringify({ type: `/problems/${ErrorCode.ValidationFailed}`, title: http.STATUS_CODES[p.status] ?? 'Bad Request', status: p.status, detail: p.detail, code: ErrorCode.ValidationFailed });
  return (
    `HTTP/1.1 ${p.status} ${http.STATUS_CODES[p.status] ?? 'Bad Request'}\r\n` +
    'Content-Type: application/problem+json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/** Installs the answer on a server. */
export function answerMalformedRequests(server: Server): Server {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex & { _httpMessage?: { headersSent?: boolean } | null }) => {
    // nothing can be said on a connection the client has closed, or once an answer on it has begun (Node's own
    // default handler makes the same check on the response in flight)
    if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(problemResponse(clientErrorProblem(err)));
  });
  return server;
}

/**
 * The API's HTTP server (api/main.ts, and the stacks the tests and scripts start): malformed requests answered
 * as above, and an HTTP/1.1 request without a Host header left to the app, which refuses it as problem+json
 * (api/http/hostile-input.ts) where Node would answer a bare 400.
 */
export function createApiServer(app: RequestListener): Server {
  const server = http.createServer({ requireHostHeader: false }, app);
  // a client that sends its request and then closes its side (printf … | nc) still gets the answer of a route
  // that answers asynchronously; by default Node drops the request when the client's side ends
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  return answerMalformedRequests(server);
}
