import crypto from 'node:crypto';
import express, { Router } from 'express';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-dist';
import type { ApiDeps } from './deps.js';
import { rejectDeepBody, rejectHostileUrl, rejectNulInBody, requireHostHeader } from './http/hostile-input.js';
import { errorHandler, notFoundHandler } from './http/problem.js';
import { boundTemporalCalls, createTemporalCircuit } from './http/dependencies.js';
import { mountRoutes, type RouteSpec } from './http/route.js';
import { buildOpenApi } from './openapi.js';
import { healthRoutes } from './routes/health.js';
import { iecMasterRoutes } from './routes/iec-master.js';
import { exporterRoutes } from './routes/exporters.js';
import { identityRoutes } from './routes/identity.js';
import { signatureRoutes } from './routes/signatures.js';
import { applicationListRoutes } from './routes/application-lists.js';
import { certificateRequestRoutes } from './routes/certificate-requests.js';
import { agencyOfficeRoutes } from './routes/agency-offices.js';
import { staffDecisionDeps, staffRoutes } from './routes/staff.js';
import { auditEventRoutes } from './routes/audit-events.js';
import { walletRoutes } from './routes/wallets.js';
import { draftRoutes } from './routes/drafts.js';
import { referenceRoutes } from './routes/reference.js';
import { applicationWorkflowRoutes } from './routes/application-workflow.js';
import { slackAdminRoutes } from './routes/slack-admin.js';
import { createSlackApp, SLACK_EVENTS_PATH } from '../channels/slack/app.js';
import { TemporalSlackBackend } from '../channels/slack/temporal-backend.js';
import { HELPDESK_SLACK_PATH, helpdeskSlackRouter } from '../channels/slack-helpdesk/app.js';
import { helpdeskRoutes } from './routes/helpdesk.js';
import { certificateRoutes } from './routes/certificates.js';
import { verificationPages, verificationRoutes } from './routes/verify.js';
import { paymentReturnPages } from './routes/payment-return.js';
import { createSandboxGateway } from './sandbox/payment-gateway.js';
import { checksumKeyOfMerchant } from '../services/payment/gateway-credentials.js';
import { CODEC_PATH, codecMiddleware, codecRoutes, codecSessionPages } from './routes/codec.js';

export function allRoutes(deps: ApiDeps): RouteSpec[] {
  return [...healthRoutes(deps), ...iecMasterRoutes(deps), ...exporterRoutes(deps), ...identityRoutes(deps), ...signatureRoutes(deps), ...referenceRoutes(deps), ...applicationListRoutes(deps), ...certificateRequestRoutes(deps), ...draftRoutes(deps), ...applicationWorkflowRoutes(deps), ...slackAdminRoutes(deps), ...agencyOfficeRoutes(deps), ...staffRoutes(deps), ...auditEventRoutes(deps), ...walletRoutes(deps), ...certificateRoutes(deps), ...verificationRoutes(deps), ...helpdeskRoutes(deps), ...codecRoutes(deps)];
}

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CoO back-office API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const docsInit = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true, persistAuthorization: true });`;

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // whose X-Forwarded-For names the client (req.ip, the per-client rate limits): TRUST_PROXY, by default nobody's
  app.set('trust proxy', deps.config.api.trustProxy);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : crypto.randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );

  // no Host header (HTTP/1.1), malformed percent-encoding and NUL characters never reach a route (a 400 naming where)
  app.use(requireHostHeader);
  app.use(rejectHostileUrl);
  // no request waits on Temporal longer than 25 s (registration waits up to 20 s for the IEC master); once a
  // call found Temporal unreachable, for the next 10 s calls get 1.5 s, so the outage answers 503 at once
  const temporalCircuit = createTemporalCircuit({ normalMs: 25_000, whileDownMs: 1_500, forMs: 10_000 });
  app.use(boundTemporalCalls(deps.temporal, temporalCircuit));

  const routes = allRoutes(deps);
  const openapi = buildOpenApi(routes, { title: 'CoO back-office API', version: '0.1.0', serverUrl: deps.config.api.publicBaseUrl });
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get(['/docs', '/docs/'], (_req, res) => {
    res.type('html').send(docsPage);
  });
  app.get('/docs/init.js', (_req, res) => {
    res.type('js').send(docsInit);
  });
  app.use('/docs/assets', express.static(swaggerUi.getAbsoluteFSPath(), { index: false, maxAge: '1h' }));

  if (deps.config.payment.sandbox) {
    // the local payment gateway (development and tests): checkout page, status API, callbacks
    const sandbox = createSandboxGateway({
      publicBaseUrl: () => deps.config.api.publicBaseUrl,
      // the sandbox plays the gateway's side: it knows the merchants' keys as the administrators set them
      checksumKeyOf: (merchantId) => checksumKeyOfMerchant(deps.orm.em.fork(), deps.config.temporal.codec, merchantId),
      em: () => deps.orm.em.fork(),
    });
    app.use('/sandbox/gateway', sandbox.router);
  }

  // officers in Slack, HTTP mode (channels/slack/README.md): Bolt verifies the signature over the raw
  // body, so its router comes before any JSON parser. Socket Mode runs from scripts/start.ts instead.
  const slack = deps.config.slack;
  if (slack?.mode === 'http') {
    const backend = new TemporalSlackBackend({ temporal: deps.temporal, em: () => deps.orm.em.fork(), logger: deps.logger });
    const bot = createSlackApp({
      backend,
      botToken: slack.botToken,
      ...(slack.signingSecret ? { signingSecret: slack.signingSecret } : {}),
      mode: 'http',
      ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
      logger: deps.logger.child({ component: 'slack' }),
      registrations: { em: () => deps.orm.em.fork(), decisionDeps: staffDecisionDeps(deps) },
    });
    if (bot.router) app.use(SLACK_EVENTS_PATH, bot.router);
  }
  // helpdesk staff in Slack (channels/slack-helpdesk): its own request URL, also before the JSON parser
  const helpdeskSlack = helpdeskSlackRouter(deps);
  if (helpdeskSlack) app.use(HELPDESK_SLACK_PATH, helpdeskSlack);

  // the codec server of the Temporal Web UI (routes/codec.ts): CORS for the UI's origin and its own body limit
  app.use(CODEC_PATH, ...codecMiddleware(deps));

  // JSON bodies only for the API's own routes: Slack's receiver reads its raw body itself.
  const api = Router();
  api.use(express.json({ limit: '2mb', strict: true, type: ['application/json', 'application/*+json'] }));
  api.use(rejectDeepBody);
  api.use(rejectNulInBody);
  mountRoutes(api, routes, deps.authenticator);
  app.use(api);
  // the public verification page (HTML, form posts): beside the JSON routes, before the 404
  app.use(verificationPages(deps));
  // where the payment gateway returns the browser after checkout (HTML, public, read-only)
  app.use(paymentReturnPages(deps));
  // a platform administrator's token for a Web UI without sign-in (routes/codec.ts)
  app.use(codecSessionPages(deps));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger, (dependency) => dependency === 'temporal' && temporalCircuit.noteDown()));
  return app;
}
