import { describe, expect, it } from 'vitest';
import { matchNames, normaliseName, type Difference } from '../../../domain/identity/match-names.js';

function mismatch(profileName: string, certificateName: string, kind?: 'person' | 'organisation'): { differences: Difference[]; explanation: string } {
  const r = matchNames({ profileName, certificateName, ...(kind ? { kind } : {}) });
  if (r.match) throw new Error(`expected "${profileName}" and "${certificateName}" not to match`);
  return r;
}

describe('matchNames: what passes', () => {
  it('passes identical names', () => {
    expect(matchNames({ profileName: 'RAJ KUMAR SHARMA', certificateName: 'RAJ KUMAR SHARMA' })).toEqual({ match: true });
  });

  it('passes a difference in letter case only', () => {
    expect(matchNames({ profileName: 'Raj Kumar Sharma', certificateName: 'RAJ KUMAR SHARMA' }).match).toBe(true);
  });

  it('passes composed and decomposed forms of the same letters', () => {
    expect(matchNames({ profileName: 'JOSE\u0301 D\u2019SOUZA', certificateName: 'JOS\u00c9 D\u2019SOUZA' }).match).toBe(true);
    expect(matchNames({ profileName: 'क\u093c', certificateName: '\u0958' }).match).toBe(true);
  });

  it('passes compatibility variants nobody can see (full-width letters, no-break space)', () => {
    expect(matchNames({ profileName: 'ＲＡＪ\u00a0KUMAR SHARMA', certificateName: 'RAJ KUMAR SHARMA' }).match).toBe(true);
  });

  it('ignores leading and trailing whitespace (and invisible zero-width spaces)', () => {
    expect(matchNames({ profileName: '  RAJ KUMAR SHARMA\t', certificateName: 'RAJ KUMAR SHARMA' }).match).toBe(true);
    expect(matchNames({ profileName: 'RAJ\u200b KUMAR SHARMA', certificateName: 'RAJ KUMAR SHARMA' }).match).toBe(true);
    expect(normaliseName('  A  B ')).toBe('A  B');
  });

  it('passes identical Devanagari names', () => {
    expect(matchNames({ profileName: 'राज कुमार शर्मा', certificateName: 'राज कुमार शर्मा' }).match).toBe(true);
  });
});

describe('matchNames: explanations of a mismatch', () => {
  it('an extra space', () => {
    const r = mismatch('RAJ KUMAR  SHARMA', 'RAJ KUMAR SHARMA');
    expect(r.differences).toHaveLength(1);
    expect(r.differences[0]!.kind).toBe('extra-space');
    expect(r.differences[0]!.description).toMatch(/^extra space after 'KUMAR'/);
    expect(r.explanation).toContain("extra space after 'KUMAR'");
    expect(r.explanation).toContain('"RAJ KUMAR  SHARMA"');
  });

  it('a missing space', () => {
    const r = mismatch('RAJKUMAR SHARMA', 'RAJ KUMAR SHARMA');
    expect(r.differences.map((d) => d.kind)).toEqual(['missing-space']);
    expect(r.differences[0]!.description).toBe("missing space between 'RAJ' and 'KUMAR'");
  });

  it('a space the certificate does not have', () => {
    const r = mismatch('RAJ KUMAR SHARMA', 'RAJKUMAR SHARMA');
    expect(r.differences[0]!.kind).toBe('extra-space');
    expect(r.differences[0]!.description).toBe("extra space between 'RAJ' and 'KUMAR' (the certificate writes 'RAJKUMAR')");
  });

  it('a space in the wrong place', () => {
    const r = mismatch('RAJK UMAR SHARMA', 'RAJ KUMAR SHARMA');
    expect(r.differences[0]!.kind).toBe('misplaced-space');
    expect(r.differences[0]!.description).toBe("space in the wrong place: 'RAJK UMAR' in your profile, 'RAJ KUMAR' in the certificate");
  });

  it('an abbreviation (PVT / PRIVATE)', () => {
    const r = mismatch('SEA PEARL EXPORTS PRIVATE LIMITED', 'SEA PEARL EXPORTS PVT LIMITED', 'organisation');
    expect(r.differences).toHaveLength(1);
    expect(r.differences[0]!.kind).toBe('abbreviation');
    expect(r.differences[0]!.description).toContain("'PVT' in the certificate, 'PRIVATE' in your profile");
    expect(r.differences[0]!.certificateText).toBe('PVT');
    expect(r.differences[0]!.profileText).toBe('PRIVATE');
  });

  it('two abbreviations are two differences', () => {
    const r = mismatch('SEA PEARL EXPORTS PVT LTD', 'SEA PEARL EXPORTS PRIVATE LIMITED', 'organisation');
    expect(r.differences.map((d) => d.description)).toEqual([
      "'PRIVATE' in the certificate, 'PVT' in your profile (your profile uses the abbreviation)",
      "'LIMITED' in the certificate, 'LTD' in your profile (your profile uses the abbreviation)",
    ]);
    expect(r.explanation).toContain('2 differences: 1) ');
  });

  it('a missing full stop', () => {
    const r = mismatch('RAJ K SHARMA', 'RAJ K. SHARMA');
    expect(r.differences.map((d) => [d.kind, d.description])).toEqual([['missing-punctuation', "missing full stop after 'K'"]]);
  });

  it('an extra full stop and a different apostrophe', () => {
    expect(mismatch('RAJ KUMAR SHARMA.', 'RAJ KUMAR SHARMA').differences[0]!.description).toBe("extra full stop after 'SHARMA'");
    expect(mismatch("ANITA D'SOUZA", 'ANITA D\u2019SOUZA').differences[0]!.description).toBe(
      "straight apostrophe (') where the certificate has a curly apostrophe (\u2019), after 'D'",
    );
  });

  it('a hyphen where the certificate has a space', () => {
    const r = mismatch('RAJ KUMAR-SHARMA', 'RAJ KUMAR SHARMA');
    expect(r.differences[0]!.kind).toBe('different-punctuation');
    expect(r.differences[0]!.description).toContain("hyphen where the certificate has a space, after 'KUMAR'");
  });

  it('transposed letters', () => {
    const r = mismatch('RAJ KUMAR SHRAMA', 'RAJ KUMAR SHARMA');
    expect(r.differences[0]!.kind).toBe('transposed-letters');
    expect(r.differences[0]!.description).toMatch(/^letters swapped in 'SHRAMA' \(certificate has 'SHARMA'\)/);
  });

  it('a different middle name, with the letter that differs', () => {
    const r = mismatch('RAJ KUMAAR SHARMA', 'RAJ KUMAR SHARMA');
    expect(r.differences[0]!.kind).toBe('different-word');
    expect(r.differences[0]!.description).toBe(
      "different middle name: 'KUMAR' in the certificate, 'KUMAAR' in your profile (an extra 'A' after 'KUMA')",
    );
  });

  it('the generated name-variant certificate against the profile name', () => {
    const r = mismatch('RAJ KUMAR SHARMA', 'RAJ KUMAAR SHARMA');
    expect(r.differences[0]!.description).toBe("different middle name: 'KUMAAR' in the certificate, 'KUMAR' in your profile (missing 'A' after 'KUMA')");
  });

  it('a different letter and a different last name', () => {
    expect(mismatch('RAJ KUMAR SHERMA', 'RAJ KUMAR SHARMA').differences[0]!.description).toBe(
      "different last name: 'SHARMA' in the certificate, 'SHERMA' in your profile ('E' where the certificate has 'A', after 'SH')",
    );
    expect(mismatch('RAJ KUMAR VERMA', 'RAJ KUMAR SHARMA').differences[0]!.description).toBe(
      "different last name: 'SHARMA' in the certificate, 'VERMA' in your profile",
    );
  });

  it('an initial instead of the full name', () => {
    const r = mismatch('R KUMAR SHARMA', 'RAJ KUMAR SHARMA');
    expect(r.differences[0]!.kind).toBe('initial');
  });

  it('missing, extra and moved words', () => {
    expect(mismatch('RAJ SHARMA', 'RAJ KUMAR SHARMA').differences[0]!.description).toBe(
      "missing word 'KUMAR' between 'RAJ' and 'SHARMA' (the certificate has it, your profile does not)",
    );
    expect(mismatch('RAJ KUMAR SHARMA JI', 'RAJ KUMAR SHARMA').differences[0]!.kind).toBe('extra-word');
    const moved = mismatch('SHARMA RAJ KUMAR', 'RAJ KUMAR SHARMA');
    expect(moved.differences.map((d) => d.description)).toEqual(["'SHARMA' is in a different place: last in the certificate, first in your profile"]);
  });

  it('several differences at once, in reading order', () => {
    const r = mismatch('RAJKUMAR  SHRAMA', 'RAJ KUMAR SHARMA');
    expect(r.differences.map((d) => d.kind)).toEqual(['missing-space', 'extra-space', 'transposed-letters']);
    expect(r.explanation).toMatch(/3 differences: 1\) missing space between 'RAJ' and 'KUMAR'; 2\) extra space after 'RAJKUMAR'/);
  });

  it('Devanagari: a missing conjunct and a missing space', () => {
    const r = mismatch('राज कुमार शमा', 'राज कुमार शर्मा');
    expect(r.differences[0]!.description).toBe("different last name: 'शर्मा' in the certificate, 'शमा' in your profile ('मा' where the certificate has 'र्मा', after 'श')");
    expect(mismatch('राजकुमार शर्मा', 'राज कुमार शर्मा').differences[0]!.description).toBe("missing space between 'राज' and 'कुमार'");
  });

  it('reports a zero-width joiner as an invisible character', () => {
    const r = mismatch('क्\u200dष', 'क्ष');
    expect(r.differences[0]!.kind).toBe('invisible-character');
  });

  it('gives ranges that point at the differing text', () => {
    const r = mismatch('RAJ KUMAAR SHARMA', 'RAJ KUMAR SHARMA');
    expect(r.differences[0]!.certificateRange).toEqual([4, 9]);
    expect(r.differences[0]!.profileRange).toEqual([4, 10]);
  });

  it('an empty profile name', () => {
    expect(mismatch('', 'RAJ KUMAR SHARMA').differences[0]!.description).toBe("your profile has no name; the certificate has 'RAJ KUMAR SHARMA'");
  });
});
