/**
 * Units of quantity: the GST "Unique Quantity Codes" (UQC), which Indian invoices and shipping
 * bills use and which the seeds show ("NUMBERS (NOS)", "SQUARE METER (SQM)").
 */
export const UNITS_OF_QUANTITY = [
  'BAG', 'BAL', 'BDL', 'BKL', 'BOU', 'BOX', 'BTL', 'BUN', 'CAN', 'CBM', 'CCM', 'CMS', 'CTN', 'DOZ',
  'DRM', 'GGK', 'GMS', 'GRS', 'GYD', 'KGS', 'KLR', 'KME', 'LTR', 'MLT', 'MTR', 'MTS', 'NOS', 'OTH',
  'PAC', 'PCS', 'PRS', 'QTL', 'ROL', 'SET', 'SQF', 'SQM', 'SQY', 'TBS', 'TGM', 'THD', 'TON', 'TUB',
  'UGS', 'UNT', 'YDS',
] as const;
export type UnitOfQuantity = (typeof UNITS_OF_QUANTITY)[number];

export const UNIT_NAMES: Readonly<Record<UnitOfQuantity, string>> = {
  BAG: 'BAGS', BAL: 'BALE', BDL: 'BUNDLES', BKL: 'BUCKLES', BOU: 'BILLION OF UNITS', BOX: 'BOX',
  BTL: 'BOTTLES', BUN: 'BUNCHES', CAN: 'CANS', CBM: 'CUBIC METERS', CCM: 'CUBIC CENTIMETERS',
  CMS: 'CENTIMETERS', CTN: 'CARTONS', DOZ: 'DOZENS', DRM: 'DRUMS', GGK: 'GREAT GROSS', GMS: 'GRAMMES',
  GRS: 'GROSS', GYD: 'GROSS YARDS', KGS: 'KILOGRAMS', KLR: 'KILOLITRE', KME: 'KILOMETRE',
  LTR: 'LITRES', MLT: 'MILILITRE', MTR: 'METERS', MTS: 'METRIC TON', NOS: 'NUMBERS', OTH: 'OTHERS',
  PAC: 'PACKS', PCS: 'PIECES', PRS: 'PAIRS', QTL: 'QUINTAL', ROL: 'ROLLS', SET: 'SETS',
  SQF: 'SQUARE FEET', SQM: 'SQUARE METERS', SQY: 'SQUARE YARDS', TBS: 'TABLETS', TGM: 'TEN GROSS',
  THD: 'THOUSANDS', TON: 'TONNES', TUB: 'TUBES', UGS: 'US GALLONS', UNT: 'UNITS', YDS: 'YARDS',
};
