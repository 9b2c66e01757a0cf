import type { FieldProblem } from '../../lib/errors.js';
import type { IecRecord } from '../reference/types.js';
import type { Declaration } from './schemas.js';

const P = 'declaration';

/**
 * Tab 7: the declaration is accepted, and made by a person of the firm: a director, partner or
 * registered user of the IEC (the DSC must carry "the name of any listed director", seed 001),
 * and the person who signs, when known. Names are compared ignoring case and extra spaces only;
 * the exact DSC match is the identity check's job at signing.
 */
export function checkDeclaration(declaration: Declaration, iec: IecRecord, signatoryName?: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!declaration.accepted) {
    problems.push({ path: `${P}/accepted`, message: 'Accept the declaration: the exporter declares the details true and the goods of Indian origin' });
  }
  const name = normaliseName(declaration.name);
  const people = [...iec.directors.map((d) => d.name), ...iec.users.map((u) => u.name)];
  if (!people.some((p) => normaliseName(p) === name)) {
    problems.push({
      path: `${P}/name`,
      message: `"${declaration.name}" is not a director, partner or registered user of IEC ${iec.iec} (${[...new Set(people)].join(', ')})`,
    });
  } else if (signatoryName !== undefined && normaliseName(signatoryName) !== name) {
    problems.push({
      path: `${P}/name`,
      message: `The declaration is in the name of "${declaration.name}" but "${signatoryName}" is signing; the person who signs makes the declaration`,
    });
  }
  if (/^[^\p{L}]*$/u.test(declaration.place)) {
    problems.push({ path: `${P}/place`, message: `Place "${declaration.place}" must be the name of a place` });
  }
  if (/^[^\p{L}]*$/u.test(declaration.designation)) {
    problems.push({ path: `${P}/designation`, message: `Designation "${declaration.designation}" must be a job title, such as Director` });
  }
  return problems;
}

function normaliseName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toUpperCase();
}
