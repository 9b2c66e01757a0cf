import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import type { Principal, Role } from '../../lib/auth/roles.js';
import { authenticate, type Authenticator } from './auth.js';

/**
 * A route is declared once, with the zod schemas that validate its input; the same declaration
 * mounts it on Express and describes it in the OpenAPI document (api/openapi.ts).
 */
export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express syntax: /v1/iec-master/:iec */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** roles allowed; 'public' needs no token */
  auth: Role[] | 'public';
  params?: P;
  query?: Q;
  body?: B;
  /** a raw binary body (uploads), for the OpenAPI document: read by the handler itself */
  rawBody?: { contentTypes: string[]; description: string };
  responses: Record<number, RouteResponse>;
  handler: (ctx: {
    req: Request;
    res: Response;
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    principal: Principal | undefined;
  }) => Promise<unknown>;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}

export function zodProblems(error: z.ZodError, prefix: string): FieldProblem[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('/'),
    message: i.message,
  }));
}

function parsePart(schema: z.ZodType | undefined, value: unknown, part: string): unknown {
  if (!schema) return value;
  const r = schema.safeParse(value);
  if (!r.success) {
    const problems = zodProblems(r.error, part);
    throw new AppError(ErrorCode.ValidationFailed, `The request is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
      problems,
    });
  }
  return r.data;
}

export function mountRoutes(router: Router, routes: RouteSpec[], auth: Authenticator): void {
  for (const route of routes) {
    const handler: RequestHandler = async (req, res) => {
      let principal: Principal | undefined;
      if (route.auth !== 'public') {
        principal = await authenticate(auth, req);
        if (!route.auth.some((r) => principal!.roles.includes(r))) {
          throw new AppError(ErrorCode.Forbidden, `This operation needs one of these roles: ${route.auth.join(', ')}.`);
        }
      }
      const params = parsePart(route.params, req.params, 'params');
      const query = parsePart(route.query, req.query, 'query');
      const body = parsePart(route.body, req.body, 'body');
      const result = await route.handler({ req, res, params, query, body, principal } as never);
      if (!res.headersSent) {
        if (result === undefined) res.status(204).end();
        else res.status(res.statusCode === 200 ? 200 : res.statusCode).json(result);
      }
    };
    router[route.method](route.path, handler);
  }
}
