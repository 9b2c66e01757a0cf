import path from 'node:path';
import nodemailer from 'nodemailer';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../lib/config.js';
import type { Orm } from '../db/orm.js';
import { createLogger } from '../lib/logger.js';
import { temporalDataConverter } from '../lib/temporal-codec.js';
import { createSlackActivityDeps } from '../services/slack/deps.js';
import type { ActivityDeps } from '../activities/index.js';
import { LocalIecDirectory } from '../services/iec/iec-directory.js';
import { identitySetupFromConfig } from '../services/identity/identity-setup.js';
import { identitySignatureVerifier } from '../services/identity/signature-verifier.js';
import { HttpPaymentGateway } from '../services/payment/gateway.js';
import { createGatewayCredentialSource } from '../services/payment/gateway-credentials.js';
import { OutboxNotifier } from '../services/notification/notifier.js';
import { cachedReferenceIndex } from '../db/reference-index.js';
import { helpdeskSettingsFromConfig } from '../services/helpdesk/settings.js';
import { createApplicationCertificateRenderer } from '../services/certificate/application-certificate-renderer.js';
import { createEsealSource, NoEsealError } from '../services/certificate/eseal-source.js';

/** Everything the activities need, built from the configuration: the worker's and the tests' single recipe. */
export function createActivityDeps(config: Config, orm: Orm, overrides: Partial<ActivityDeps> = {}): ActivityDeps {
  const em = () => orm.em.fork();
  const identity =
    overrides.identity ??
    identitySetupFromConfig(config.identity, {
      helpdeskAddress: config.mail.helpdeskAddress,
      logger: createLogger({ level: config.logLevel, service: 'dsc-revocation' }),
    });
  // the reference data as the database holds it (what the API's rules read too), re-read every 2 s
  const reference = cachedReferenceIndex(em);
  const mailer = config.mail.smtpUrl
    ? nodemailer.createTransport(config.mail.smtpUrl)
    : nodemailer.createTransport({ jsonTransport: true });
  // officers in Slack: the application workflow refreshes the channel message and sends the deadline notices there
  const slack =
    overrides.slack ??
    (config.slack
      ? createSlackActivityDeps({
          slack: config.slack,
          em,
          temporal: new Client({ connection: Connection.lazy({ address: config.temporal.address ?? `127.0.0.1:${config.temporal.port}` }), namespace: config.temporal.namespace, dataConverter: temporalDataConverter(config.temporal.codec) }),
          logger: createLogger({ level: config.logLevel, service: 'worker-slack' }),
        })
      : undefined);
  const eseals = createEsealSource({ settings: config.certificates.eseal, em, keys: config.temporal.codec });
  return {
    em,
    identity,
    iecDirectory: new LocalIecDirectory(path.resolve('db/fixtures/iec-master.json')),
    reference,
    signatureVerifier: identitySignatureVerifier({ em, identity }),
    paymentGateway: new HttpPaymentGateway(config.payment.gatewayUrl),
    gatewayCredentials: createGatewayCredentialSource({ em, reference, keys: config.temporal.codec }),
    notifier: new OutboxNotifier({ em, mailer, from: config.mail.from }),
    publicBaseUrl: config.api.publicBaseUrl,
    // tax invoices are sealed with the office's e-seal, like its certificates; without one they are not sealed
    async taxInvoiceSeal(officeCode) {
      try {
        const signer = await eseals.signerFor(officeCode);
        const city = (await reference({ office: officeCode })).office(officeCode)?.address.city;
        return { signer, name: signer.identity.commonName, location: city ? `${city}, INDIA` : officeCode, contactInfo: config.mail.helpdeskAddress };
      } catch (e) {
        if (e instanceof NoEsealError) return null;
        throw e;
      }
    },
    mail: {
      context: { platformName: 'CoO Trade Connect', portalUrl: config.api.publicBaseUrl, helpdeskAddress: config.mail.helpdeskAddress },
      domain: config.mail.domain,
      replyMailbox: config.mail.helpdeskAddress,
      replySecret: config.mail.replyTokenSecret,
    },
    helpdesk: helpdeskSettingsFromConfig(config),
    // the signed PDF of every approved application (issue 5)
    certificateRenderer: createApplicationCertificateRenderer({
      em,
      reference,
      settings: config.certificates,
      keys: config.temporal.codec,
      publicBaseUrl: () => config.api.publicBaseUrl,
      contactInfo: config.mail.helpdeskAddress,
    }),
    ...(slack ? { slack } : {}),
    ...overrides,
  };
}
