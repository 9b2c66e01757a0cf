import {
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
  allHandlersFinished,
  patched,
  sleep,
} from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { Duration } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import { ErrorCode } from '../../lib/errors.js';
import { findApplicationFailure, isBusinessFailure } from '../../lib/workflow-failure.js';
import { SA } from '../search-attributes.js';
import { executionKey } from '../execution-key.js';
import { databaseWrite, gatewayCall, notification, slackCall, verification } from '../activity-options.js';
import {
  approveUpdate,
  certificateImagesUpdatedSignal,
  paymentCallbackSignal,
  prepareDeficiencyResponseUpdate,
  raiseDeficiencyUpdate,
  rejectUpdate,
  signCertificateUpdate,
  signingPayloadUpdate,
  signUpdate,
  startPaymentUpdate,
  stateQuery,
  type Actor,
  type ApplicationState,
  type ApplicationWorkflowInput,
  type AttestationDecline,
  type FileStatus,
  type OfficerDeadline,
  type OfficerRef,
  type PaymentCallback,
  type SignatureMethod,
  type SigningPayload,
} from './contract.js';

const db = proxyActivities<Activities>(databaseWrite);
const gateway = proxyActivities<Activities>(gatewayCall);
const verify = proxyActivities<Activities>(verification);
const notify = proxyActivities<Activities>(notification);
const slack = proxyActivities<Activities>(slackCall);

/** Statuses the officer's Slack message shows: from the file's arrival at the office on. */
const ON_OFFICERS_CARD: ReadonlySet<FileStatus> = new Set<FileStatus>(['In-Process', 'Deficient', 'Approved Pending Issuance', 'Approved', 'Rejected']);

const SYSTEM: Actor = { id: 'system', name: 'CoO back-office', channel: 'system' };

function refuse(type: ErrorCode, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

/**
 * One CoO application from the exporter's signature to the certificate or a rejection (seed 004):
 * Pending Signature → Pending Payment → In-Process ⇄ Deficient → Approved Pending Issuance → Approved,
 * or Rejected / Expired. Every wait on a person is a condition with a timeout from the input.
 */
export async function cooApplication(input: ApplicationWorkflowInput): Promise<ApplicationState> {
  return fileLifecycle(input);
}

/**
 * The lifecycle of a file, an application's or a request's (workflows/certificate-request): what differs
 * between them is read by the activities from the file's kind.
 */
export async function fileLifecycle(input: ApplicationWorkflowInput): Promise<ApplicationState> {
  const { workflowId } = workflowInfo();
  const key = (name: string) => executionKey(name);
  const t = input.timings;
  // decided once, at the first workflow task: histories recorded before these existed replay without them
  const officerCard = patched('officer-card-activity');
  const officerDeadlines = patched('officer-review-deadlines');
  const state: ApplicationState = {
    status: 'Pending Signature',
    applicationNumber: input.applicationNumber,
    deficiencies: [],
    history: [],
  };

  // --- handlers ----------------------------------------------------------------------------------
  let signingInFlight = false;
  let signed: { payload: SigningPayload; by: Actor; method: SignatureMethod } | undefined;
  let paymentInFlight = false;
  let paid = false;
  let paymentChanged = false;
  const callbacks: PaymentCallback[] = [];
  const ownOrders = new Set<string>();
  let pendingDecision:
    | { kind: 'approve' | 'deficiency' | 'reject'; officer: OfficerRef; remarks?: string; documents?: string[]; reason?: string; declineAttestation?: AttestationDecline[] }
    | undefined;
  let responseInFlight = false;
  let pendingResponse: { kind: 'edit' | 'clarification'; clarification?: string; attachmentIds?: string[]; actor: Actor } | undefined;

  setHandler(stateQuery, () => state);

  let preparationFailure: string | undefined;
  setHandler(signingPayloadUpdate, async () => {
    await condition(() => state.signing !== undefined || state.status !== 'Pending Signature' || preparationFailure !== undefined);
    if (preparationFailure !== undefined) refuse(ErrorCode.ValidationFailed, preparationFailure);
    return state;
  });

  setHandler(
    signUpdate,
    async (sig) => {
      signingInFlight = true;
      const payload = state.signing!;
      try {
        const stepKey = key(`sign/${payload.purpose}/${payload.round}/${payload.sha256}`);
        const r =
          sig.method === 'smime'
            ? await verify.acceptSmimeSignedResponse({ applicationId: input.applicationId, iec: input.iec, stepKey, payload, signerId: sig.signerId, mailId: sig.smime!.mailId })
            : await verify.verifyAndRecordSignature({ applicationId: input.applicationId, iec: input.iec, stepKey, payload, signature: sig });
        // the method the signature proved (a result recorded before it was returned: the one named)
        const method = (r as { method?: SignatureMethod }).method ?? sig.method;
        signed = { payload, by: { id: sig.signerId, name: sig.signerId, channel: sig.channel }, method };
        state.signing = undefined;
        return { sha256: r.sha256 };
      } finally {
        signingInFlight = false;
      }
    },
    {
      validator: (sig) => {
        if (!state.signing) refuse(ErrorCode.IllegalTransition, `Nothing is waiting for a signature: the file is ${state.status}.`);
        if (signingInFlight) refuse(ErrorCode.IllegalTransition, 'A signature for this step is already being verified.');
        if (!sig.signatureB64 || sig.signatureB64.length > 200_000) refuse(ErrorCode.ValidationFailed, 'The signature is missing or too large.');
        if (sig.method === 'smime') {
          if (!sig.smime?.mailId) refuse(ErrorCode.ValidationFailed, 'An S/MIME signature needs the stored e-mail it came in.');
          if (state.signing?.purpose !== 'clarification') refuse(ErrorCode.ValidationFailed, 'A signed e-mail can only sign a clarification (the "No" response).');
        }
      },
    },
  );

  let certificateSigned = false;
  let certificateSigningInFlight = false;
  setHandler(
    signCertificateUpdate,
    async (sig) => {
      certificateSigningInFlight = true;
      try {
        const r = await verify.signCertificateAsOfficer({ certificateNumber: state.certificateSigning!.certificateNumber, signerId: sig.signerId, signatureB64: sig.signatureB64 });
        certificateSigned = true;
        return { sha256: r.sha256 };
      } finally {
        certificateSigningInFlight = false;
      }
    },
    {
      validator: (sig) => {
        if (!state.certificateSigning || certificateSigned) refuse(ErrorCode.IllegalTransition, `No certificate of this file is waiting for a signature: the file is ${state.status}.`);
        if (certificateSigningInFlight) refuse(ErrorCode.IllegalTransition, 'A signature of this certificate is already being checked.');
        if (sig.signerId !== state.certificateSigning!.signer.id) {
          refuse(ErrorCode.Forbidden, `The certificate is signed by the officer who approved the file, ${state.certificateSigning!.signer.name}.`);
        }
        if (!sig.signatureB64 || sig.signatureB64.length > 200_000) refuse(ErrorCode.ValidationFailed, 'The signature is missing or too large.');
      },
    },
  );

  setHandler(
    startPaymentUpdate,
    async ({ method, actor }) => {
      const fee = state.fee!;
      if (method === 'gateway') {
        if (state.payment?.method === 'gateway' && state.payment.status === 'open') return state.payment;
        const orderId = uuid4();
        ownOrders.add(orderId);
        paymentInFlight = true;
        try {
          const { checkoutUrl } = await gateway.createGatewayOrder({ applicationId: input.applicationId, orderId, amountPaise: fee.totalPaise, officeCode: input.officeCode });
          state.payment = { method, orderId, status: 'open', checkoutUrl };
        } finally {
          paymentInFlight = false;
        }
        paymentChanged = true;
        log.info('gateway order opened', { orderId, by: actor.id });
        return state.payment;
      }
      const orderId = uuid4();
      paymentInFlight = true;
      try {
        await verify.debitWallet({ applicationId: input.applicationId, orderId, iec: input.iec, officeCode: input.officeCode, amountPaise: fee.totalPaise });
      } finally {
        paymentInFlight = false;
      }
      state.payment = { method, orderId, status: 'paid' };
      paid = true;
      return state.payment;
    },
    {
      validator: ({ method }) => {
        if (state.status !== 'Pending Payment' || paid) refuse(ErrorCode.IllegalTransition, `Payment is not expected now: the file is ${state.status}.`);
        if (paymentInFlight) refuse(ErrorCode.IllegalTransition, 'A payment for this application is already being processed.');
        if (method !== 'gateway' && method !== 'ewallet') refuse(ErrorCode.ValidationFailed, 'Payment method must be "gateway" or "ewallet".');
      },
    },
  );

  setHandler(paymentCallbackSignal, (cb) => {
    callbacks.push(cb);
  });

  let imagesUpdated = false;
  setHandler(certificateImagesUpdatedSignal, () => {
    imagesUpdated = true;
  });

  const decisionValidator = (officer: OfficerRef) => {
    if (officer.officeCode !== input.officeCode) {
      refuse(ErrorCode.Forbidden, `This file belongs to office ${input.officeCode}; officers of ${officer.officeCode} cannot decide it.`);
    }
    if (state.decision) {
      const d = state.decision;
      const what = d.kind === 'approve' ? 'approved' : d.kind === 'reject' ? 'rejected' : 'raised a deficiency on';
      refuse(ErrorCode.AlreadyDecided, `${d.by.name} already ${what} this file at ${d.at}.`);
    }
    if (state.status !== 'In-Process') refuse(ErrorCode.IllegalTransition, `Only a file In-Process can be decided; this one is ${state.status}.`);
  };
  const decide = async (d: NonNullable<typeof pendingDecision>): Promise<ApplicationState> => {
    state.decision = { kind: d.kind, by: { id: d.officer.officerId, name: d.officer.name, channel: d.officer.channel }, at: new Date(Date.now()).toISOString() };
    pendingDecision = d;
    await condition(() => state.status !== 'In-Process');
    return state;
  };
  setHandler(
    approveUpdate,
    (a) => {
      const { declineAttestation, ...officer } = a;
      return decide({ kind: 'approve', officer, ...(declineAttestation?.length ? { declineAttestation } : {}) });
    },
    {
      validator: (a) => {
        decisionValidator(a);
        const declines = a.declineAttestation ?? [];
        if (declines.length > 20) refuse(ErrorCode.ValidationFailed, 'An application has at most 20 attachments to decline.');
        for (const d of declines) {
          if (!d.attachmentId) refuse(ErrorCode.ValidationFailed, 'Name the attachment whose attestation is declined.');
          if (!d.remark?.trim()) refuse(ErrorCode.ValidationFailed, 'Say why the document is not attested: the exporter reads the remark.');
          if (d.remark.length > 1000) refuse(ErrorCode.ValidationFailed, 'A remark can be at most 1000 characters.');
        }
      },
    },
  );
  setHandler(
    raiseDeficiencyUpdate,
    (d) => decide({ kind: 'deficiency', officer: d, remarks: d.remarks.trim(), documents: d.documentsRequested }),
    {
      validator: (d) => {
        decisionValidator(d);
        if (!d.remarks?.trim()) refuse(ErrorCode.ValidationFailed, 'Write the remarks the exporter must answer.');
        if (d.remarks.length > 4000) refuse(ErrorCode.ValidationFailed, 'Remarks can be at most 4000 characters.');
      },
    },
  );
  setHandler(rejectUpdate, (r) => decide({ kind: 'reject', officer: r, reason: r.reason.trim() }), {
    validator: (r) => {
      decisionValidator(r);
      if (!r.reason?.trim()) refuse(ErrorCode.ValidationFailed, 'Give the reason for the rejection: the exporter will read it.');
      if (r.reason.length > 4000) refuse(ErrorCode.ValidationFailed, 'The reason can be at most 4000 characters.');
    },
  });

  setHandler(
    prepareDeficiencyResponseUpdate,
    async (r) => {
      responseInFlight = true;
      try {
        const round = state.deficiencies.length;
        const payload = await verify.prepareSigningPayload({
          applicationId: input.applicationId,
          purpose: r.kind === 'edit' ? 'deficiency-edit' : 'clarification',
          round,
          ...(r.clarification !== undefined ? { clarification: r.clarification } : {}),
          ...(r.attachmentIds ? { attachmentIds: r.attachmentIds } : {}),
        });
        state.signing = payload;
        pendingResponse = r;
        return payload;
      } finally {
        responseInFlight = false;
      }
    },
    {
      validator: (r) => {
        if (state.status !== 'Deficient') refuse(ErrorCode.IllegalTransition, `There is no deficiency to answer: the file is ${state.status}.`);
        if (responseInFlight || signingInFlight) refuse(ErrorCode.IllegalTransition, 'A response is already being prepared or verified.');
        if (r.kind !== 'edit' && r.kind !== 'clarification') refuse(ErrorCode.ValidationFailed, 'A response is "edit" (Yes: the application was changed) or "clarification" (No).');
        if ((r.attachmentIds?.length ?? 0) > 5) refuse(ErrorCode.ValidationFailed, 'A deficiency response can carry at most 5 files.');
      },
    },
  );

  // --- transitions -------------------------------------------------------------------------------
  let transitionNo = 0;
  /** The read model first, then the live state: whoever sees the new status can act on it through the API. */
  async function transition(
    status: FileStatus,
    actor: Actor,
    action: string,
    opts: { note?: string; set?: Record<string, unknown>; details?: Record<string, unknown>; signatureMethod?: SignatureMethod } = {},
  ) {
    const at = new Date(Date.now()).toISOString();
    await db.recordTransition({
      applicationId: input.applicationId,
      eventKey: key(`t${++transitionNo}/${status}`),
      status,
      actor,
      action,
      ...(opts.details || opts.signatureMethod ? { details: { ...(opts.details ?? {}), ...(opts.signatureMethod ? { signatureMethod: opts.signatureMethod } : {}) } } : {}),
      set: { workflowId, ...(opts.set ?? {}) },
    });
    state.status = status;
    state.history.push({ at, status, actor, ...(opts.note ? { note: opts.note } : {}), ...(opts.signatureMethod ? { signatureMethod: opts.signatureMethod } : {}) });
    upsertSearchAttributes([
      { key: SA.fileStatus, value: status },
      ...(state.fileNumber ? [{ key: SA.fileNumber, value: state.fileNumber }] : []),
      ...(state.certificateNumber ? [{ key: SA.certificateNumber, value: state.certificateNumber }] : []),
    ]);
    if (officerCard && ON_OFFICERS_CARD.has(status)) refreshOfficerCard();
  }

  // --- the officer's Slack message -----------------------------------------------------------------
  // Refreshed after each transition by its own activity, one at a time and in order, beside the
  // workflow: a decision or the certificate never waits on Slack. Each refresh carries the state it
  // shows and a version, so a retried or late one never puts an older state back.
  let cards: Promise<void> = Promise.resolve();
  function refreshOfficerCard() {
    const view = {
      applicationId: input.applicationId,
      version: transitionNo,
      status: state.status,
      deficiencies: state.deficiencies.map((d) => ({ ...d })),
      ...(state.decision ? { decision: { ...state.decision } } : {}),
      ...(state.rejectionReason ? { rejectionReason: state.rejectionReason } : {}),
      ...(state.certificateNumber ? { certificateNumber: state.certificateNumber } : {}),
    };
    cards = cards
      .then(() => slack.refreshOfficerCard(view))
      .then(
        () => undefined,
        (e: unknown) => log.warn('officer card not refreshed', { version: view.version, error: (e as Error).message }),
      );
  }

  const finish = async () => {
    await condition(allHandlersFinished);
    await cards;
    return state;
  };

  // --- waits on an officer: reminders, then the administrators ---------------------------------------
  /**
   * Waits until `done()`, telling the officer at each reminder offset and the agency's administrators at
   * the escalation offset (e-mail always, Slack when configured); then waits on without a further notice.
   */
  async function waitOnOfficer(
    done: () => boolean,
    wait: OfficerDeadline['wait'],
    plan: { reminders?: Duration[] | undefined; escalation?: Duration | undefined },
    keyPrefix: string,
    officer?: Actor,
  ): Promise<void> {
    if (!officerDeadlines || (!plan.reminders?.length && plan.escalation === undefined)) {
      await condition(done);
      return;
    }
    const since = Date.now();
    const escalateAt = plan.escalation !== undefined ? since + msToNumber(plan.escalation) : Infinity;
    const steps: { at: number; step: OfficerDeadline['step']; number: number }[] = [
      ...(plan.reminders ?? []).map((d, i) => ({ at: since + msToNumber(d), step: 'reminder' as const, number: i + 1 })).filter((x) => x.at < escalateAt),
      ...(escalateAt < Infinity ? [{ at: escalateAt, step: 'escalation' as const, number: 1 }] : []),
    ].sort((a, b) => a.at - b.at);
    for (const next of steps) {
      if (await condition(done, Math.max(1, next.at - Date.now()))) return;
      await notify.notifyOfficerDeadline({
        applicationId: input.applicationId,
        key: key(`${keyPrefix}/${next.step}/${next.number}`),
        wait,
        step: next.step,
        number: next.number,
        waitingSince: new Date(since).toISOString(),
        ...(officer ? { officer } : {}),
      });
    }
    await condition(done);
  }

  // --- 1. sign -----------------------------------------------------------------------------------
  await transition('Pending Signature', SYSTEM, 'submitted-for-signature');
  for (;;) {
    try {
      state.signing = await verify.prepareSigningPayload({ applicationId: input.applicationId, purpose: 'submission', round: 0 });
      break;
    } catch (e) {
      // an outage that outlasted the retries is no reason to give up the application: wait, then try again
      if (!isBusinessFailure(e) && patched('preparation-outlasts-outages')) {
        log.warn('signing payload not prepared: trying again after an outage', { error: (e as Error).message });
        await sleep('1 minute');
        continue;
      }
      // the application changed between the API's check and now: back to draft, nothing lost
      preparationFailure = (e as Error).message;
      await db.recordTransition({ applicationId: input.applicationId, eventKey: key('back-to-draft'), status: 'Draft', actor: SYSTEM, action: 'returned-to-draft', details: { reason: String((e as Error).message) } });
      throw e;
    }
  }
  if (!(await condition(() => signed !== undefined, t.signatureWindow))) {
    await transition('Expired', SYSTEM, 'expired', { note: 'not signed in time' });
    await notify.notifyApplicationEvent({ applicationId: input.applicationId, key: key('expired'), event: { kind: 'expired', reason: 'the application was not signed in time' } });
    return finish();
  }
  state.signedHash = signed!.payload.sha256;

  // --- 2. pay ------------------------------------------------------------------------------------
  state.fee = await db.quoteFee(input.applicationId);
  await transition('Pending Payment', signed!.by, 'signed', { details: { sha256: state.signedHash, feePaise: state.fee.totalPaise }, signatureMethod: signed!.method });
  const paymentStart = Date.now();
  const paymentDeadline = paymentStart + msToNumber(t.paymentWindow);
  const reminderAt = t.paymentReminders.map((d) => paymentStart + msToNumber(d)).filter((x) => x < paymentDeadline);
  let reminderNo = 0;
  let lastReconcile = paymentStart;
  while (!paid) {
    const now = Date.now();
    if (now >= paymentDeadline) break;
    const open = state.payment?.method === 'gateway' && state.payment.status === 'open';
    const wake = Math.min(paymentDeadline, reminderAt[reminderNo] ?? Infinity, open ? lastReconcile + msToNumber(t.reconcileEvery) : Infinity);
    await condition(() => paid || callbacks.length > 0 || paymentChanged, Math.max(1, wake - now));
    if (paymentChanged) {
      paymentChanged = false;
      lastReconcile = Date.now();
    }
    while (callbacks.length > 0 && !paid) {
      const cb = callbacks.shift()!;
      if (!ownOrders.has(cb.orderId)) {
        log.warn('callback for an order this application did not open', { orderId: cb.orderId });
        continue;
      }
      const r = await db.recordGatewayOutcome({ ...cb, via: 'callback' });
      if (r.status === 'paid') {
        state.payment = { ...state.payment!, orderId: cb.orderId, status: 'paid', gatewayTxnId: cb.gatewayTxnId };
        paid = true;
      } else if (r.status === 'failed' && state.payment?.orderId === cb.orderId) {
        state.payment = { ...state.payment, status: 'failed', failureReason: 'the bank declined the payment' };
      }
    }
    if (paid) break;
    if (reminderNo < reminderAt.length && Date.now() >= reminderAt[reminderNo]!) {
      reminderNo++;
      await notify.notifyApplicationEvent({
        applicationId: input.applicationId,
        key: key(`payment-reminder/${reminderNo}`),
        event: { kind: 'payment-reminder', reminderNumber: reminderNo, amountDuePaise: state.fee.totalPaise, payBy: new Date(paymentDeadline).toISOString() },
      });
    }
    const p = state.payment;
    if (p?.method === 'gateway' && p.status === 'open' && Date.now() >= lastReconcile + msToNumber(t.reconcileEvery)) {
      lastReconcile = Date.now();
      const s = await gateway.getGatewayOrderStatus({ orderId: p.orderId, officeCode: input.officeCode });
      if ((s.status === 'SUCCESS' || s.status === 'FAILED') && s.gatewayTxnId) {
        const r = await db.recordGatewayOutcome({ orderId: p.orderId, status: s.status, gatewayTxnId: s.gatewayTxnId, amountPaise: s.amountPaise ?? state.fee.totalPaise, via: 'reconciliation' });
        if (r.status === 'paid') {
          state.payment = { ...p, status: 'paid', gatewayTxnId: s.gatewayTxnId };
          paid = true;
        } else if (r.status === 'failed') {
          state.payment = { ...p, status: 'failed', failureReason: 'the bank declined the payment' };
        }
      }
    }
  }
  if (!paid) {
    await transition('Expired', SYSTEM, 'expired', { note: 'not paid within the payment window' });
    await notify.notifyApplicationEvent({ applicationId: input.applicationId, key: key('expired'), event: { kind: 'expired', reason: 'the fee was not paid within the payment window' } });
    return finish();
  }

  // --- 3. submit ---------------------------------------------------------------------------------
  const invoice = await db.issueTaxInvoice({ applicationId: input.applicationId, orderId: state.payment!.orderId, fee: state.fee });
  state.taxInvoiceNumber = invoice.number;
  state.fileNumber = await db.assignFileNumber(input.applicationId);
  await transition('In-Process', SYSTEM, 'paid-and-submitted', {
    set: { fileNumber: state.fileNumber, submittedAt: new Date(Date.now()).toISOString() },
    details: { orderId: state.payment!.orderId, method: state.payment!.method, taxInvoice: invoice.number },
  });
  await notify.notifyApplicationEvent({ applicationId: input.applicationId, key: key('submitted'), event: { kind: 'submitted', amountPaidPaise: state.fee.totalPaise } });

  // --- 4./5. review, deficiency rounds -----------------------------------------------------------
  for (;;) {
    await waitOnOfficer(() => pendingDecision !== undefined, 'review', { reminders: t.reviewReminders, escalation: t.reviewEscalation }, `review/${state.deficiencies.length}`);
    const d = pendingDecision!;
    pendingDecision = undefined;
    const officer: Actor = { id: d.officer.officerId, name: d.officer.name, channel: d.officer.channel };
    const decidedAt = state.decision!.at;

    if (d.kind === 'approve') {
      if (d.declineAttestation) state.attestationDeclined = d.declineAttestation;
      await transition('Approved Pending Issuance', officer, 'approved', {
        set: { decidedAt, decidedBy: officer.id },
        ...(d.declineAttestation ? { details: { attestationDeclined: d.declineAttestation } } : {}),
      });
      break;
    }
    if (d.kind === 'reject') {
      state.rejectionReason = d.reason!;
      await transition('Rejected', officer, 'rejected', { note: d.reason!, set: { decidedAt, decidedBy: officer.id, rejectionReason: d.reason! } });
      await notify.notifyApplicationEvent({ applicationId: input.applicationId, key: key('rejected'), event: { kind: 'rejected', reason: d.reason! } });
      return finish();
    }

    const round = state.deficiencies.length + 1;
    state.deficiencies.push({ round, raisedAt: decidedAt, raisedBy: officer, remarks: d.remarks!, documentsRequested: d.documents ?? [] });
    await transition('Deficient', officer, 'deficiency-raised', { note: d.remarks!, set: { deficiencyRound: round }, details: { round, documentsRequested: d.documents ?? [] } });
    const raisedAt = Date.now();
    const respondBy = raisedAt + msToNumber(t.deficiencyWindow);
    await notify.notifyApplicationEvent({
      applicationId: input.applicationId,
      key: key(`deficiency/${round}`),
      event: { kind: 'deficiency-raised', round, remarks: d.remarks!, respondBy: new Date(respondBy).toISOString() },
    });
    const remindAt = t.deficiencyReminders.map((x) => raisedAt + msToNumber(x)).filter((x) => x < respondBy);
    let remindNo = 0;
    let answered = false;
    for (;;) {
      const now = Date.now();
      if (now >= respondBy) break;
      const wake = Math.min(respondBy, remindAt[remindNo] ?? Infinity);
      answered = await condition(() => signed?.payload.round === round && signed.payload.purpose !== 'submission', Math.max(1, wake - now));
      if (answered) break;
      if (remindNo < remindAt.length && Date.now() >= remindAt[remindNo]!) {
        remindNo++;
        await notify.notifyApplicationEvent({
          applicationId: input.applicationId,
          key: key(`deficiency/${round}/reminder/${remindNo}`),
          event: { kind: 'deficiency-reminder', round, remarks: d.remarks!, respondBy: new Date(respondBy).toISOString(), reminderNumber: remindNo },
        });
      }
    }
    if (!answered) {
      // Documented rule (README): an unanswered deficiency closes the file as Rejected once the window ends.
      const reason = `No response to deficiency ${round} within the response window.`;
      state.rejectionReason = reason;
      await transition('Rejected', SYSTEM, 'closed-unanswered', { note: reason, set: { rejectionReason: reason, decidedAt: new Date(Date.now()).toISOString(), decidedBy: 'system' } });
      await notify.notifyApplicationEvent({ applicationId: input.applicationId, key: key('rejected'), event: { kind: 'rejected', reason } });
      return finish();
    }
    const resp = pendingResponse!;
    const payload = signed!.payload;
    state.deficiencies[round - 1]!.response = {
      at: new Date(Date.now()).toISOString(),
      by: signed!.by,
      kind: resp.kind,
      ...(resp.clarification ? { clarification: resp.clarification } : {}),
      ...(resp.attachmentIds ? { attachmentIds: resp.attachmentIds } : {}),
      sha256: payload.sha256,
      signatureMethod: signed!.method,
    };
    if (payload.purpose === 'deficiency-edit') state.signedHash = payload.sha256;
    pendingResponse = undefined;
    state.decision = undefined;
    await transition('In-Process', signed!.by, 'deficiency-answered', { details: { round, kind: resp.kind, sha256: payload.sha256 }, signatureMethod: signed!.method });
    await notify.notifyApplicationEvent({ applicationId: input.applicationId, key: key(`response/${round}`), event: { kind: 'response-received', round, responseKind: resp.kind } });
  }

  // --- 6. issue ----------------------------------------------------------------------------------
  const approver = state.decision!.by;
  const cert = await db.createCertificateRecord({ applicationId: input.applicationId, officer: approver });
  // a certificate that cannot be drawn for want of the office's stamp or the officer's signature image,
  // or signed for want of the office's e-seal, waits in Approved Pending Issuance, says why, tells the
  // agency's administrators, and is drawn as soon as the image or e-seal is uploaded (signal) or at the
  // next recheck; decided once, here. A missing e-seal was retried by the activity before it was a
  // refusal, so no history holds one: it holds whatever the patch says.
  const waitForImages = patched('issuance-waits-for-images');
  const holds = (code: string | null | undefined) => code === ErrorCode.EsealMissing || (waitForImages && code === ErrorCode.ImagesMissing);
  async function drawn<T>(draw: () => Promise<T>): Promise<T> {
    for (;;) {
      // an upload signalled while this attempt runs (or while its notice goes out) triggers the next one
      imagesUpdated = false;
      try {
        const r = await draw();
        state.issuanceHeld = undefined;
        return r;
      } catch (e) {
        if (!holds(findApplicationFailure(e)?.type)) throw e;
        const reason = findApplicationFailure(e)!.message;
        if (state.issuanceHeld?.reason !== reason) {
          state.issuanceHeld = { reason, since: new Date(Date.now()).toISOString() };
          await transition('Approved Pending Issuance', SYSTEM, 'issuance-held', { note: reason, details: { reason } });
          await notify.notifyApplicationEvent({ applicationId: input.applicationId, key: key(`issuance-held/${transitionNo}`), event: { kind: 'issuance-held', reason } });
        }
        await condition(() => imagesUpdated, t.issuanceRecheck ?? '1 hour');
      }
    }
  }
  const signing = patched('officer-dsc-signing')
    ? await drawn(() => db.prepareCertificateSigning({ certificateNumber: cert.certificateNumber, officeCode: input.officeCode }))
    : ({ mode: 'eseal' } as const);
  if (signing.mode === 'officer-dsc') {
    // the office's certificates carry the issuing officer's own digital signature: wait for it (seed 002)
    state.certificateSigning = { certificateNumber: cert.certificateNumber, contentSha256: signing.contentSha256, signer: approver, requestedAt: new Date(Date.now()).toISOString() };
    await transition('Approved Pending Issuance', approver, 'certificate-awaiting-signature', { note: `certificate ${cert.certificateNumber} drawn; waiting for ${approver.name}'s digital signature` });
    await waitOnOfficer(
      () => certificateSigned,
      'certificate-signature',
      { reminders: t.certificateSignatureReminders, escalation: t.certificateSignatureEscalation },
      'certificate-signature',
      approver,
    );
    state.certificateSigning = undefined;
  } else {
    await drawn(() => db.issueCertificateDocument({ applicationId: input.applicationId, certificateNumber: cert.certificateNumber }));
  }
  // the attachments marked "Attest": attested copies sealed like the certificate, or declined with the remark;
  // before Approved, so the approval e-mail lists them. Histories recorded before this step replay without it.
  if (patched('attested-documents')) {
    const declined = state.attestationDeclined ?? [];
    await drawn(() => db.issueAttestedDocuments({ applicationId: input.applicationId, certificateNumber: cert.certificateNumber, officer: { id: approver.id, name: approver.name }, declined }));
  }
  state.certificateNumber = cert.certificateNumber;
  await transition('Approved', approver, 'certificate-issued', { set: { certificateNumber: cert.certificateNumber } });
  await notify.notifyApplicationEvent({ applicationId: input.applicationId, key: key('approved'), event: { kind: 'approved' } });
  return finish();
}
