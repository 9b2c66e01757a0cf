/** Identifiers shared by the Block Kit builders and the handlers that receive their interactions. */
export const ActionId = {
  approve: 'coo_approve',
  deficiency: 'coo_raise_deficiency',
  reject: 'coo_reject',
  details: 'coo_details',
} as const;

export const CallbackId = {
  deficiency: 'coo_deficiency_modal',
  reject: 'coo_reject_modal',
  details: 'coo_details_modal',
  approve: 'coo_approve_modal',
} as const;

/** Input blocks of the modals; `response_action: 'errors'` is keyed by these. */
export const InputBlockId = {
  remarks: 'deficiency_remarks',
  documents: 'deficiency_documents',
  otherDocuments: 'deficiency_other_documents',
  reason: 'rejection_reason',
  attest: 'approve_attest',
  attestRemark: 'approve_attest_remark',
} as const;

export const InputActionId = {
  remarks: 'remarks',
  documents: 'documents',
  otherDocuments: 'other_documents',
  reason: 'reason',
  attest: 'attest',
  attestRemark: 'attest_remark',
} as const;

export const DEFAULT_COMMAND = '/coo';
