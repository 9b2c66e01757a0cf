import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../channels/email/html-to-text.js';
import { splitReply, stripReply, stripReplyHtml } from '../../../channels/email/strip-reply.js';

describe('stripReply (plain text)', () => {
  it('removes a Gmail attribution, the quote under it and the sign-off block', () => {
    const text = [
      'Dear Sir,',
      '',
      'Please find attached the revised commercial invoice as requested. The HS code has been',
      'corrected to 61046200.',
      '',
      'Regards,',
      'Raj Kumar Sharma',
      'Raj Overseas Pvt Ltd',
      '+91 98200 12345',
      '',
      'On Mon, 3 Mar 2025 at 10:15, CoO Helpdesk <helpdesk@coo.test> wrote:',
      '> Dear Exporter,',
      '>',
      '> The officer has raised a deficiency on application HQRCCOAPPLY00000019AM25:',
      '> > Invoice value does not match the sum of items.',
    ].join('\r\n');
    expect(stripReply(text)).toBe(
      'Dear Sir,\n\nPlease find attached the revised commercial invoice as requested. The HS code has been\ncorrected to 61046200.',
    );
  });

  it('recognises an attribution wrapped over two lines', () => {
    const text = 'Invoice attached.\n\nOn Mon, Mar 3, 2025 at 10:15 AM CoO Helpdesk <\nhelpdesk+abc@coo.test> wrote:\n\n> Dear Exporter,\n> Please attach the invoice.\n';
    const split = splitReply(text);
    expect(split.reply).toBe('Invoice attached.');
    expect(split.history).toContain('wrote:');
    expect(split.history).toContain('> Please attach the invoice.');
  });

  it('cuts an Outlook header block and the underscore rule above it', () => {
    const text = [
      'Hi,',
      '',
      'The certificate of origin shows the wrong port of discharge. Kindly correct it to Muscat.',
      '',
      'Thanks & Regards',
      'Anita Menon | Export Manager',
      'Sea Pearl Exports Pvt. Ltd.',
      'Mob: +91-9876543210',
      '',
      '________________________________',
      'From: CoO Helpdesk <helpdesk@coo.test>',
      'Sent: Monday, March 3, 2025 10:15 AM',
      'To: Anita Menon <anita@seapearl.in>',
      'Subject: Deficiency in application HQRCCOAPPLY00000019AM25',
      '',
      'Dear Exporter,',
      'The officer has raised the following deficiency.',
    ].join('\n');
    const split = splitReply(text);
    expect(split.reply).toBe('Hi,\n\nThe certificate of origin shows the wrong port of discharge. Kindly correct it to Muscat.');
    expect(split.signature).toMatch(/^Thanks & Regards\nAnita Menon/);
    expect(split.history).toMatch(/^_{10,}\nFrom: CoO Helpdesk/);
  });

  it('cuts at "-----Original Message-----"', () => {
    const text = [
      'Please see the attached bill of lading.',
      '',
      '-----Original Message-----',
      'From: helpdesk@coo.test [mailto:helpdesk@coo.test]',
      'Sent: 03 March 2025 10:15',
      'To: exports@texco.in',
      'Subject: RE: Deficiency',
      '',
      'Kindly attach the bill of lading.',
    ].join('\n');
    expect(stripReply(text)).toBe('Please see the attached bill of lading.');
  });

  it('cuts an Outlook header block written with bold markers and "Date:"', () => {
    const text = 'Done, see attachment.\n\n*From:* CoO Helpdesk <helpdesk@coo.test>\n*Date:* Monday, 3 March 2025 at 10:15\n*To:* exports@texco.in\n*Subject:* Deficiency\n\nOld text';
    expect(stripReply(text)).toBe('Done, see attachment.');
  });

  it('removes "Sent from my iPhone" and the quote after it', () => {
    const text = 'Revised invoice attached. Sorry for the delay.\n\nSent from my iPhone\n\n> On 03-Mar-2025, at 10:15 AM, CoO Helpdesk <helpdesk@coo.test> wrote:\n> \n> Dear Exporter,';
    expect(stripReply(text)).toBe('Revised invoice attached. Sorry for the delay.');
  });

  it('removes "Get Outlook for Android" footers', () => {
    expect(stripReply('Payment done today, UTR 412345678901.\n\nGet Outlook for Android')).toBe('Payment done today, UTR 412345678901.');
  });

  it('removes a "-- " signature (Thunderbird) and the quote below it', () => {
    const text = 'The description has been corrected.\n\n-- \nSenthil Murugan\nTexco Chennai Pvt Ltd\n\nOn 03/03/25 10:15 am, CoO Helpdesk wrote:\n> Dear Exporter,\n> Please correct the description.';
    const split = splitReply(text);
    expect(split.reply).toBe('The description has been corrected.');
    expect(split.signature).toBe('--\nSenthil Murugan\nTexco Chennai Pvt Ltd');
  });

  it('removes an Indian business letter sign-off with "For <company> / Authorised Signatory" and a disclaimer', () => {
    const text = [
      'Respected Sir/Madam,',
      '',
      'With reference to the above subject, we are submitting herewith the corrected packing list and invoice.',
      '',
      'Kindly process our application at the earliest.',
      '',
      'Thanking you,',
      'Yours faithfully,',
      'For RAJ OVERSEAS PVT LTD',
      '',
      'Authorised Signatory',
      'Disclaimer: This e-mail and any files transmitted with it are confidential and intended solely for the addressee.',
    ].join('\n');
    expect(stripReply(text)).toBe(
      'Respected Sir/Madam,\n\nWith reference to the above subject, we are submitting herewith the corrected packing list and invoice.\n\nKindly process our application at the earliest.',
    );
  });

  it('keeps the answers of an interleaved (bottom-posted) reply', () => {
    const text = [
      'On Mon, 3 Mar 2025, CoO Helpdesk wrote:',
      '> 1. Please confirm the port of discharge.',
      'Muscat, Oman.',
      '> 2. Please confirm the invoice date.',
      '12/02/2025.',
    ].join('\n');
    expect(stripReply(text)).toBe('Muscat, Oman.\n12/02/2025.');
  });

  it('recognises a Gmail attribution in Hindi', () => {
    const text = 'संशोधित चालान संलग्न है।\n\nसोम, 3 मार्च 2025 को 10:15 am बजे CoO Helpdesk <helpdesk@coo.test> ने लिखा:\n> प्रिय निर्यातक';
    expect(stripReply(text)).toBe('संशोधित चालान संलग्न है।');
  });

  it('leaves a message with no history or signature as it is (trimmed)', () => {
    expect(stripReply('\n\nMy DSC shows "Expired Certificate" while registering.\nPlease help.\n\n')).toBe(
      'My DSC shows "Expired Certificate" while registering.\nPlease help.',
    );
  });

  it('does not take a mid-message "Regards" or a "Thanks for …" sentence for a signature', () => {
    const body = Array.from({ length: 14 }, (_, i) => `Item ${i + 1}: corrected.`);
    const text = ['Regards the items listed below:', ...body].join('\n');
    expect(stripReply(text)).toBe(text);
    expect(stripReply('Thanks for the quick response, the issue is resolved now.')).toBe('Thanks for the quick response, the issue is resolved now.');
    const midRegards = ['Regards', ...body].join('\n');
    expect(stripReply(midRegards)).toBe(midRegards);
  });

  it('does not take "X wrote:" in the text for an attribution when no quote follows', () => {
    const text = 'The officer wrote:\nInvoice value does not match.\nWe have now corrected the item values.';
    expect(stripReply(text)).toBe(text);
  });

  it('keeps "Regards, Raj" with the name on the same line out of the reply', () => {
    expect(stripReply('Corrected invoice attached.\n\nRegards, Raj Kumar')).toBe('Corrected invoice attached.');
  });
});

describe('stripReplyHtml', () => {
  it('handles Gmail HTML: gmail_quote and gmail_signature', () => {
    const html =
      '<div dir="ltr"><div>Dear Sir,</div><div><br></div><div>Revised invoice attached. Item value is now USD&nbsp;1,500.</div><div><br></div>' +
      '<div>-- <br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature"><div>Raj Kumar Sharma</div><div>Director</div></div></div></div><br>' +
      '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 3 Mar 2025 at 10:15, CoO Helpdesk &lt;<a href="mailto:helpdesk@coo.test">helpdesk@coo.test</a>&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div>Dear Exporter,<br>The officer has raised a deficiency.</div></blockquote></div>';
    expect(stripReplyHtml(html)).toBe('Dear Sir,\n\nRevised invoice attached. Item value is now USD 1,500.');
  });

  it('handles Outlook on the web: divRplyFwdMsg after an <hr tabindex="-1">', () => {
    const html =
      '<html><head><style>p{margin:0}</style></head><body><div style="font-family:Calibri"><p>Please find the packing list attached.</p><p>Thanks &amp; Regards,<br>Anita</p></div>' +
      '<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> CoO Helpdesk &lt;helpdesk@coo.test&gt;<br><b>Sent:</b> Monday, March 3, 2025 10:15 AM<br><b>To:</b> Anita<br><b>Subject:</b> Deficiency</font></div>' +
      '<div>Dear Exporter, please attach the packing list.</div></body></html>';
    expect(stripReplyHtml(html)).toBe('Please find the packing list attached.');
  });

  it('handles Outlook desktop HTML (MsoNormal paragraphs, conditional comments, header block in a bordered div)', () => {
    const html = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]--><style><!-- p.MsoNormal {margin:0cm} --></style></head>
<body lang="EN-IN"><div class="WordSection1"><p class="MsoNormal">Dear Sir,<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Amount of Rs. 392 was debited from our account on 04-03-2025 but the application still shows Pending Payment.<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">Regards,<o:p></o:p></p><p class="MsoNormal">Senthil<o:p></o:p></p>
<div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>From:</b> CoO Helpdesk &lt;helpdesk@coo.test&gt; <br><b>Sent:</b> 03 March 2025 10:15<br><b>To:</b> exports@texco.in<br><b>Subject:</b> Payment<o:p></o:p></p></div></div>
<p class="MsoNormal">Old message<o:p></o:p></p></div></body></html>`;
    expect(stripReplyHtml(html)).toBe('Dear Sir,\n\nAmount of Rs. 392 was debited from our account on 04-03-2025 but the application still shows Pending Payment.');
  });

  it('handles Thunderbird HTML: moz-signature and moz-cite-prefix + blockquote type=cite', () => {
    const html =
      '<html><body><p>Corrected route: Chennai to Muscat by sea.</p><div class="moz-signature">-- <br>Senthil Murugan<br>Texco Chennai Pvt Ltd</div>' +
      '<div class="moz-cite-prefix">On 03/03/25 10:15 am, CoO Helpdesk wrote:<br></div><blockquote type="cite">Dear Exporter,<br>The route must contain both ports.</blockquote></body></html>';
    expect(stripReplyHtml(html)).toBe('Corrected route: Chennai to Muscat by sea.');
  });

  it('handles Apple Mail HTML (blockquote type=cite after "On … wrote:")', () => {
    const html =
      '<html><body dir="auto"><div>Attached.</div><div><br></div><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">On 03-Mar-2025, at 10:15 AM, CoO Helpdesk &lt;helpdesk@coo.test&gt; wrote:<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">Dear Exporter</div></blockquote></body></html>';
    expect(stripReplyHtml(html)).toBe('Attached.');
  });
});

describe('htmlToText', () => {
  it('turns blocks into lines, decodes entities, drops scripts and styles, prefixes quotes', () => {
    const html =
      '<style>.x{}</style><script>alert(1)</script><p>Invoice &amp; packing list &#8211; &#x20B9;392</p><ul><li>One</li><li>Two</li></ul><blockquote>Quoted<br>text</blockquote><pre>  keep\n  spacing</pre>';
    expect(htmlToText(html)).toBe('Invoice & packing list \u2013 \u20b9392\n\n- One\n- Two\n\n> Quoted\n> text\n\n  keep\n  spacing');
  });

  it('survives broken markup', () => {
    expect(htmlToText('<div><p>Unclosed <b>bold</div> tail < not a tag &bogus; <!-- never closed')).toBe('Unclosed bold\n\ntail < not a tag &bogus;');
  });
});
