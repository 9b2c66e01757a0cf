export * from './calculate-fee.js';
export * from './select-fee-entry.js';
export * from './format-paise.js';
export * from './amount-in-words.js';
