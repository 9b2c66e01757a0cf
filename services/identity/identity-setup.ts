import fs from 'node:fs/promises';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { Config } from '../../lib/config.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import { iecRuleFromConfig, type IecRule } from '../../domain/identity/extract-iec.js';
import { parseCertificate, splitPemBundle } from '../../domain/identity/parse-certificate.js';
import { createESignSandbox, SANDBOX_RESIDENTS } from './esign-sandbox.js';
import type { ESignProvider } from './esign.js';
import { createRevocationChecker, type RevocationChecker } from './revocation.js';

/** What every signature check needs: trust anchors, the IEC rule, the accepted eSign providers. */
export interface IdentitySetup {
  trustedCaPems: string[];
  iecRule: IecRule;
  espFingerprintsSha256: string[];
  /** null when no eSign provider is configured */
  esign: ESignProvider | null;
  /** this system's helpdesk address (HELPDESK_ADDRESS), named in the messages of a frozen account */
  helpdeskAddress: string;
  /** revocation checks of DSCs (DSC_REVOCATION); absent: none */
  revocation?: RevocationChecker;
}

/** Loads the setup on first use (files may be created after start-up, e.g. the test PKI) and keeps it. */
export type IdentitySetupSource = () => Promise<IdentitySetup>;

async function readPem(file: string, what: string, variable: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new AppError(
      ErrorCode.DependencyUnavailable,
      `Digital signatures cannot be checked: ${what} (${file}) cannot be read. Set ${variable}; for development create the test PKI with "npx tsx scripts/pki/test-pki.ts".`,
      { cause: e },
    );
  }
}

export function identitySetupFromConfig(cfg: Config['identity'], opts: { helpdeskAddress: string; esign?: ESignProvider; logger?: Pick<Logger, 'warn'> }): IdentitySetupSource {
  let ready: IdentitySetup | undefined;
  const revocation = createRevocationChecker(cfg.revocation, { logger: opts.logger ?? createLogger({ level: 'warn', service: 'dsc-revocation' }) });
  return async () => {
    if (ready) return ready;
    const bundle = await readPem(cfg.trustedCaFile, 'the trusted certifying authorities file', 'DSC_TRUSTED_CA_FILE');
    const trustedCaPems = splitPemBundle(bundle);
    if (trustedCaPems.length === 0) {
      throw new AppError(ErrorCode.DependencyUnavailable, `Digital signatures cannot be checked: ${cfg.trustedCaFile} holds no certificate (DSC_TRUSTED_CA_FILE).`);
    }
    const espFingerprintsSha256: string[] = [];
    for (const f of cfg.esign.espCertFiles) {
      espFingerprintsSha256.push(parseCertificate(await readPem(f, 'an eSign service provider certificate', 'ESIGN_ESP_CERT_FILES')).fingerprintSha256);
    }
    let esign: ESignProvider | null = opts.esign ?? null;
    if (!esign && cfg.esign.provider === 'sandbox') {
      esign = createESignSandbox({
        signer: {
          certificatePem: await readPem(cfg.esign.sandboxCertFile, 'the eSign sandbox certificate', 'ESIGN_SANDBOX_CERT_FILE'),
          privateKey: await readPem(cfg.esign.sandboxKeyFile, 'the eSign sandbox key', 'ESIGN_SANDBOX_KEY_FILE'),
        },
        residents: SANDBOX_RESIDENTS,
      });
    }
    ready = { trustedCaPems, iecRule: iecRuleFromConfig(cfg.iecOid, cfg.iecPattern), espFingerprintsSha256, esign, helpdeskAddress: opts.helpdeskAddress, revocation };
    return ready;
  };
}
