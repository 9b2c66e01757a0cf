/**
 * Real mail servers for a test file (scripts/mail/temporary-mail-servers.ts): a private Dovecot (IMAP + LMTP)
 * and an SMTP relay delivering into it, in a temporary folder, on free ports of the range reserved for mail
 * tests (14000–14099); and the IMAP helpers to read them.
 */
export { startTemporaryMailServers as startMailServers } from '../../scripts/mail/temporary-mail-servers.js';
export type { CapturedMessage, MailServers, MailUser } from '../../scripts/mail/mail-servers.js';
export { appendMessage, imapClient, readMailbox, waitForMailboxMessage, type MailboxMessage } from '../../scripts/mail/mailbox.js';
