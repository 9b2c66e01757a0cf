import { describe, expect, it } from 'vitest';
import {
  applicationMessageId,
  baseSubject,
  parseApplicationMessageId,
  parseMessageIdList,
  parseTicketMessageId,
  replyHeaders,
  ticketMessageId,
  ticketNumberFromSubject,
  ticketTag,
} from '../../../channels/email/message-id.js';

describe('Message-IDs', () => {
  it('are stable per application, event and round, and parse back', () => {
    const id = applicationMessageId({ applicationNumber: 'HQRCCOAPPLY00000019AM25', event: 'deficiency', round: 2, domain: 'coo.test' });
    expect(id).toBe('<app-HQRCCOAPPLY00000019AM25-deficiency-2@coo.test>');
    expect(applicationMessageId({ applicationNumber: 'HQRCCOAPPLY00000019AM25', event: 'deficiency', round: 2, domain: 'coo.test' })).toBe(id);
    expect(parseApplicationMessageId(id)).toEqual({ applicationNumber: 'HQRCCOAPPLY00000019AM25', event: 'deficiency', round: 2, domain: 'coo.test' });
    expect(parseApplicationMessageId('<app-MPEDA/2019/013/0000081A-reminder-payment-0@coo.test>')).toEqual({
      applicationNumber: 'MPEDA/2019/013/0000081A',
      event: 'reminder-payment',
      round: 0,
      domain: 'coo.test',
    });
    expect(parseApplicationMessageId('<CAF=abc@mail.gmail.com>')).toBeNull();
  });

  it('refuse values that would break the header', () => {
    expect(() => applicationMessageId({ applicationNumber: 'A B', event: 'submission', round: 0, domain: 'coo.test' })).toThrow(/cannot go into a Message-ID/);
    expect(() => applicationMessageId({ applicationNumber: 'X1', event: 'Bad Event', round: 0, domain: 'coo.test' })).toThrow(/lower-case/);
    expect(() => applicationMessageId({ applicationNumber: 'X1', event: 'approval', round: -1, domain: 'coo.test' })).toThrow(/whole number/);
    expect(() => applicationMessageId({ applicationNumber: 'X1', event: 'approval', round: 0, domain: 'coo.test>\r\nBcc: x' })).toThrow(/not a mail domain/);
  });

  it('ticket Message-IDs', () => {
    const id = ticketMessageId({ ticketNumber: 'HD-2025-000123', seq: 3, domain: 'coo.test' });
    expect(id).toBe('<ticket-HD-2025-000123-m3@coo.test>');
    expect(parseTicketMessageId(id)).toEqual({ ticketNumber: 'HD-2025-000123', seq: 3, domain: 'coo.test' });
  });

  it('parse Message-ID lists, with or without brackets', () => {
    expect(parseMessageIdList('<a@x> <b@y>\r\n <c@z>')).toEqual(['<a@x>', '<b@y>', '<c@z>']);
    expect(parseMessageIdList(['<a@x>', '<b@y>'])).toEqual(['<a@x>', '<b@y>']);
    expect(parseMessageIdList('a@x, b@y')).toEqual(['<a@x>', '<b@y>']);
    expect(parseMessageIdList(undefined)).toEqual([]);
  });

  it('build In-Reply-To and References for a reply, keeping the chain short', () => {
    expect(replyHeaders({ messageId: '<c@z>', references: '<a@x> <b@y>' })).toEqual({ inReplyTo: '<c@z>', references: ['<a@x>', '<b@y>', '<c@z>'] });
    expect(replyHeaders({ messageId: '<a@x>' })).toEqual({ inReplyTo: '<a@x>', references: ['<a@x>'] });
    const long = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const h = replyHeaders({ messageId: '<last@x>', references: long });
    expect(h.references).toHaveLength(20);
    expect(h.references[0]).toBe('<m0@x>');
    expect(h.references.at(-1)).toBe('<last@x>');
    expect(() => replyHeaders({ messageId: 'nothing' })).toThrow(/not a Message-ID/);
  });

  it('ticket tags and base subjects', () => {
    expect(ticketTag('HD-2025-000123')).toBe('[Ticket HD-2025-000123]');
    expect(ticketNumberFromSubject('RE: AW: Expired Certificate [ticket #hd-2025-000123]')).toBe('HD-2025-000123');
    expect(ticketNumberFromSubject('No tag here')).toBeNull();
    expect(baseSubject('RE: Fwd: AW: Re[2]: Expired Certificate')).toBe('Expired Certificate');
  });
});
