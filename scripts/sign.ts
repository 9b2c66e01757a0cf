/**
 * Plays the exporter's DSC USB token from a .p12 file: makes a detached CMS/PKCS#7 signature over the
 * bytes the server handed out.
 *
 *   npx tsx scripts/sign.ts --p12 .data/pki/exporter-raj.p12 --password test1234 --in payload.bin
 *   npx tsx scripts/sign.ts --p12 file.p12 --password test1234 --in - --out sig.p7s   (stdin in, DER out)
 *
 * Without --out the signature is printed as base64 on stdout (what the API accepts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isAppError } from '../lib/errors.js';
import { sha256Hex } from '../domain/identity/canonical.js';
import { createDetachedSignature, loadPkcs12 } from '../domain/identity/create-signature.js';
import { commonName, parseCertificate } from '../domain/identity/parse-certificate.js';

const USAGE = `Usage: npx tsx scripts/sign.ts --p12 <file.p12> --password <password> --in <file|-> [--out <sig.p7s>] [--quiet]

  --p12        PKCS#12 key store holding the DSC and its private key (the test PKI's are in .data/pki)
  --password   its password (the test PKI uses test1234); or set P12_PASSWORD
  --in         the bytes to sign, exactly as the server gave them; "-" reads standard input
  --out        write the DER signature to this file instead of printing base64
  --quiet      print nothing but the signature`;

class UsageError extends Error {}

async function readInput(path: string): Promise<Buffer> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `Input file not found: ${path}` : `Cannot read input file ${path}: ${(e as Error).message}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  let values: { p12?: string; password?: string; in?: string; out?: string; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        p12: { type: 'string' },
        password: { type: 'string' },
        in: { type: 'string' },
        out: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const password = values.password ?? process.env.P12_PASSWORD;
  const missing = [!values.p12 && '--p12', password === undefined && '--password', !values.in && '--in'].filter(Boolean);
  if (missing.length) {
    console.error(`Missing ${missing.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  try {
    let p12: Buffer;
    try {
      p12 = await readFile(values.p12!);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(code === 'ENOENT' ? `PKCS#12 file not found: ${values.p12}` : `Cannot read ${values.p12}: ${(e as Error).message}`);
    }
    const signer = loadPkcs12(p12, password!);
    const content = await readInput(values.in!);
    const signature = createDetachedSignature({ content, signer });
    if (!values.quiet) {
      const cert = parseCertificate(signer.certificatePem);
      console.error(`Signed ${content.length} bytes (SHA-256 ${sha256Hex(content)}) as "${commonName(cert.subject) ?? ''}" (certificate ${cert.fingerprintSha256.slice(0, 16)}…)`);
    }
    if (values.out) {
      await writeFile(values.out, signature);
      if (!values.quiet) console.error(`DER signature written to ${values.out}`);
    } else {
      process.stdout.write(`${signature.toString('base64')}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError || isAppError(e)) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`Signing failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
