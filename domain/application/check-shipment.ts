import type { FieldProblem } from '../../lib/errors.js';
import type { Shipment } from './schemas.js';

const P = 'shipment';

const DOCUMENT_LABELS: Record<NonNullable<Shipment['shipmentDocumentType']>, string> = {
  bill_of_lading: 'Bill of Lading',
  airway_bill: 'Airway Bill',
  lorry_receipt: 'Lorry Receipt',
  railway_receipt: 'Railway Receipt',
  multimodal_transport_document: 'Multimodal Transport Document',
};

/** Which transport documents go with which mode; multimodal shipments may carry any of them. */
const DOCUMENTS_FOR_MODE: Record<Shipment['modeOfTransport'], ReadonlyArray<NonNullable<Shipment['shipmentDocumentType']>>> = {
  sea: ['bill_of_lading', 'multimodal_transport_document'],
  air: ['airway_bill', 'multimodal_transport_document'],
  road: ['lorry_receipt', 'multimodal_transport_document'],
  rail: ['railway_receipt', 'multimodal_transport_document'],
  multimodal: ['bill_of_lading', 'airway_bill', 'lorry_receipt', 'railway_receipt', 'multimodal_transport_document'],
};

/**
 * Tab 5: "Others" as port of discharge needs the port's name; the route shows both ports
 * ("Ensure Same Port of Shipment and Port of Discharge shall be visible in Route", seed 004);
 * the shipment document is given whole (type, number, date) or not at all, and fits the mode.
 */
export function checkShipment(shipment: Shipment): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const others = isOthers(shipment.portOfDischarge);
  if (others && shipment.portOfDischargeOther === undefined) {
    problems.push({ path: `${P}/portOfDischargeOther`, message: 'Port of discharge is "Others": type the name of the port' });
  }
  if (!others && shipment.portOfDischargeOther !== undefined) {
    problems.push({
      path: `${P}/portOfDischargeOther`,
      message: `A port name is typed although the port of discharge is ${shipment.portOfDischarge}; choose "Others" to use the typed name, or clear it`,
    });
  }
  const discharge = others ? shipment.portOfDischargeOther : shipment.portOfDischarge;

  if (!routeMentions(shipment.route, shipment.portOfShipment)) {
    problems.push({
      path: `${P}/route`,
      message: `Route "${shipment.route}" does not show the port of shipment (${shipment.portOfShipment}); the certificate must show both ports in the route`,
    });
  }
  if (discharge !== undefined && !routeMentions(shipment.route, discharge)) {
    problems.push({
      path: `${P}/route`,
      message: `Route "${shipment.route}" does not show the port of discharge (${discharge}); the certificate must show both ports in the route`,
    });
  }

  const doc = [shipment.shipmentDocumentType, shipment.shipmentDocumentNumber, shipment.shipmentDate];
  const given = doc.filter((d) => d !== undefined).length;
  if (given > 0 && given < 3) {
    const missing = [
      shipment.shipmentDocumentType === undefined ? 'document type' : undefined,
      shipment.shipmentDocumentNumber === undefined ? 'number' : undefined,
      shipment.shipmentDate === undefined ? 'date' : undefined,
    ].filter((m) => m !== undefined);
    problems.push({
      path: `${P}/shipmentDocumentType`,
      message: `Give the shipment document's type, number and date together (missing: ${missing.join(', ')}), or none of them before shipment`,
    });
  }
  const type = shipment.shipmentDocumentType;
  if (type !== undefined && !DOCUMENTS_FOR_MODE[shipment.modeOfTransport].includes(type)) {
    const expected = DOCUMENTS_FOR_MODE[shipment.modeOfTransport].map((t) => DOCUMENT_LABELS[t]).join(' or ');
    problems.push({
      path: `${P}/shipmentDocumentType`,
      message: `${capitalise(withArticle(DOCUMENT_LABELS[type]))} does not go with transport by ${shipment.modeOfTransport}; use ${withArticle(expected)}`,
    });
  }
  return problems;
}

function withArticle(noun: string): string {
  return `${/^[AEIOU]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function isOthers(port: string): boolean {
  return /^\s*others?\s*$/i.test(port);
}

/**
 * Whether the route shows the port. Ports from the customs list are written "CODE - NAME, CITY"
 * (seed 004: "INTKD6-ICD TUGHLAKABAD, NEW DELHI 110020-EDI"): the route may show the whole text,
 * the code, or the name before the first comma. Comparison ignores case, accents and punctuation.
 */
export function routeMentions(route: string, port: string): boolean {
  const r = ` ${normalise(route)} `;
  return portForms(port).some((form) => form.length > 0 && r.includes(` ${form} `));
}

function portForms(port: string): string[] {
  const forms = new Set<string>([normalise(port)]);
  const coded = /^\s*([A-Z]{2}[A-Z0-9]{3,4})\s*-\s*(.+)$/i.exec(port);
  const name = coded?.[2] ?? port;
  if (coded?.[1] !== undefined) forms.add(normalise(coded[1]));
  const beforeComma = name.split(',')[0];
  if (beforeComma !== undefined) forms.add(normalise(beforeComma));
  forms.add(normalise(name));
  return [...forms];
}

function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}
