/** Limits and choices of the officers' modals, shared by the modal builders and the validators. */
export const LIMITS = {
  remarksMin: 10,
  remarksMax: 3000,
  reasonMin: 10,
  reasonMax: 3000,
  documentNameMax: 200,
  otherDocumentsMax: 2000,
  documentsMax: 15,
  attestRemarkMax: 1000,
} as const;

/** Documents officers most often ask for (seeds 001 and 004); "Other documents" covers the rest. */
export const COMMON_DOCUMENTS = [
  { value: 'commercial_invoice', label: 'Commercial invoice' },
  { value: 'packing_list', label: 'Packing list' },
  { value: 'bill_of_lading', label: 'Bill of lading / airway bill' },
  { value: 'shipping_bill', label: 'Shipping bill' },
  { value: 'cost_sheet', label: 'Cost sheet' },
  { value: 'purchase_invoices', label: 'Purchase invoices of raw materials' },
  { value: 'bill_of_entry', label: 'Bill of entry for imported inputs' },
  { value: 'supplier_declaration', label: "Supplier's origin declaration" },
] as const;
