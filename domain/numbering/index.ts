export * from './application-number.js';
export * from './certificate-number.js';
