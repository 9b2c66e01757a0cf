/** The one polling helper (scripts/lib/wait-for.ts), shared with the scripts. */
export { waitFor, type WaitForOptions } from '../../scripts/lib/wait-for.js';
