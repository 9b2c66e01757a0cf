import { rgb, type RGB } from 'pdf-lib';

/** The colours shared by the documents we draw (certificate, tax invoice), so they look like one family. */
export const INK: RGB = rgb(0, 0, 0);
export const FRAME: RGB = rgb(0.18, 0.2, 0.26);
export const LABEL: RGB = rgb(0.22, 0.25, 0.32);
export const MUTED: RGB = rgb(0.38, 0.4, 0.45);
export const TINT: RGB = rgb(0.93, 0.945, 0.965);
export const RULE: RGB = rgb(0.78, 0.8, 0.84);
export const ACCENT: RGB = rgb(0.06, 0.22, 0.45);
export const ALERT: RGB = rgb(0.62, 0.08, 0.08);
