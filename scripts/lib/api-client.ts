/**
 * A small client of the HTTP API for the scripts that drive it (the demo, the benchmarks) and the
 * end-to-end tests: fetch() with an optional bearer token, the answer's JSON parsed when it is JSON.
 */

/** Where the API answers: the running system (`npm start`) or an in-process stack. */
export interface ApiTarget {
  baseUrl: string;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** The status, headers and body (parsed when it is JSON, else the text). */
export async function readApiResponse(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}

/** fetch() against the API with an optional bearer token; returns status, headers and parsed body. */
export async function api(
  target: ApiTarget,
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const res = await fetch(target.baseUrl + url, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
  });
  return readApiResponse(res);
}
