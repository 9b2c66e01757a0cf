/**
 * The deficiency response an e-mail carries: the clarification (the new text, quoted history and
 * signature stripped) and the files. For an S/MIME-verified message both come from the signed MIME
 * entity only, so what is passed to the officer is exactly what the exporter signed; the same
 * function derives them when the response is prepared and when the signature is accepted.
 */
import { simpleParser, type Attachment } from 'mailparser';
import { checkAttachments, type AttachmentCheck, type IncomingAttachment } from '../../channels/email/attachments.js';
import { htmlToText } from '../../channels/email/html-to-text.js';
import type { InboundMessage } from '../../channels/email/parse-message.js';
import { splitReply } from '../../channels/email/strip-reply.js';

export interface ResponseContent {
  clarification: string;
  files: AttachmentCheck;
  /** true when text and files were read from the signed part of an S/MIME message */
  fromSignedPart: boolean;
}

const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature', 'application/pkcs7-mime', 'application/x-pkcs7-mime']);

function clarificationOf(text: string, html: string | null): string {
  if (text.trim() !== '' || html === null) return splitReply(text).reply.trim();
  return splitReply(htmlToText(html, { forReply: true })).reply.trim();
}

/** Text and files of a signed MIME entity (the bytes an S/MIME signature covers). */
export async function signedPartContent(content: Buffer): Promise<{ clarification: string; attachments: IncomingAttachment[] }> {
  const parsed = await simpleParser(content, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true });
  return {
    clarification: clarificationOf(parsed.text ?? '', typeof parsed.html === 'string' ? parsed.html : null),
    attachments: parsed.attachments
      .filter((a: Attachment) => !SIGNATURE_TYPES.has(a.contentType.toLowerCase()))
      .map((a: Attachment) => ({ filename: a.filename ?? null, content: a.content, contentType: a.contentType, embedded: a.related === true })),
  };
}

export async function responseContent(mail: InboundMessage): Promise<ResponseContent> {
  const v = mail.smime.verification;
  if (v?.ok) {
    const signed = await signedPartContent(v.content);
    return { clarification: signed.clarification, files: await checkAttachments(signed.attachments), fromSignedPart: true };
  }
  return { clarification: mail.text.reply.trim(), files: await checkAttachments(mail.attachments), fromSignedPart: false };
}
