import { Migration } from '@mikro-orm/migrations';

/**
 * How each value-based origin criterion is measured on the exporter's cost sheet (seed 002 IV "Cost Sheet
 * Digitization"): the table, and one row per agreement and criterion, inserted only when missing so that a rule an
 * administrator changed keeps the change.
 *
 * The seeds give no thresholds and no formulas (they name the agreements and show "Preference Criterion Value (in %)"
 * only), so every row below is the published rule of origin of its agreement, chosen here and said so in `source`:
 * - every agreement listed computes the content with the build-down formula, (FOB − value of non-originating
 *   materials) / FOB × 100, on the FOB value; none of them defines a build-up formula, which the rules support for an
 *   agreement that does (domain/application/cost-sheet.ts);
 * - `cumulation` "partners" where the criterion counts the partner countries' materials as originating (regional or
 *   bilateral cumulation), "national" where only Indian materials count;
 * - the thresholds are the ones the trade_agreement rows' criteria already state (minimumPercent);
 * - `tolerance_percent`, how far the percentage claimed on the import-details tab may be from the cost sheet's, is
 *   0.50 percentage point everywhere: no agreement says how precisely the declared figure is written, and half a point
 *   lets an exporter round to a whole percent while a wrong figure is still caught.
 * SAPTA (closed to new applications, superseded by SAFTA) gets no rows.
 */
export class Migration20261208160000_value_content_rules extends Migration {

  override name = 'Migration20261208160000_value_content_rules';

  override up(): void | Promise<void> {
    this.addSql(`create table if not exists "value_content_rule" ("agreement_code" varchar(10) not null, "criterion_code" varchar(10) not null, "measure" varchar(30) not null, "formula" varchar(20) not null, "cumulation" varchar(20) not null, "threshold_percent" numeric(5,2) not null, "national_minimum_percent" numeric(5,2) null, "tolerance_percent" numeric(5,2) not null, "source" text not null, constraint "value_content_rule_pkey" primary key ("agreement_code", "criterion_code"));`);
    const rows: [string, string, string, string, string, string, string | null, string, string][] = [
      ['IOCEPA', 'VA', 'value-content', 'build-down', 'partners', '40.00', null, '0.50',
        'Seeds silent (seed 000 names the agreement only). Published rule chosen: the India-UAE CEPA rule the agreement\'s criteria follow, value addition of at least 40% of the FOB value, (FOB - non-originating materials) / FOB x 100, with bilateral accumulation (materials of Oman count as originating).'],
      ['AIFTA', 'RVC', 'value-content', 'build-down', 'partners', '35.00', null, '0.50',
        'Seeds silent on the figure. ASEAN-India FTA rules of origin: regional value content of at least 35% of the FOB value (with a change in tariff sub-heading), (FOB - non-originating materials) / FOB x 100; materials of ASEAN member states count as originating (cumulation).'],
      ['IKCEPA', 'RVC', 'value-content', 'build-down', 'partners', '35.00', null, '0.50',
        'Seeds silent. India-Korea CEPA rules of origin: regional value content of at least 35% of the FOB value (with a change in tariff sub-heading), (FOB - non-originating materials) / FOB x 100; materials of Korea count as originating (bilateral cumulation).'],
      ['SAFTA', 'B', 'value-content', 'build-down', 'national', '40.00', null, '0.50',
        'Seeds silent. SAFTA rules of origin for a non-LDC contracting state such as India: non-originating materials at most 60% of the FOB value, i.e. domestic value content of at least 40% (with a change in tariff heading).'],
      ['SAFTA', 'D', 'value-content', 'build-down', 'partners', '50.00', '20.00', '0.50',
        'Seeds silent. SAFTA cumulative rule of origin: aggregate content of the contracting states at least 50% of the FOB value, with at least 20% domestic content of the exporting state.'],
      ['APTA', 'B', 'value-content', 'build-down', 'national', '45.00', null, '0.50',
        'Seeds silent. APTA rules of origin: non-originating materials at most 55% of the FOB value, i.e. domestic content of at least 45% (the 35% of least developed participants does not apply to India).'],
      ['APTA', 'C', 'value-content', 'build-down', 'partners', '60.00', null, '0.50',
        'Seeds silent. APTA cumulative rule: aggregate content originating in the participating states at least 60% of the FOB value.'],
      ['ISLFTA', 'B', 'value-content', 'build-down', 'national', '35.00', null, '0.50',
        'Seeds silent. India-Sri Lanka FTA rules of origin: domestic value addition of at least 35% of the FOB value (non-originating materials at most 65%), with a change in tariff heading.'],
      ['INCHPTA', 'B', 'value-content', 'build-down', 'partners', '40.00', null, '0.50',
        'Seeds silent. India-Chile PTA rules of origin: regional value content of at least 40% of the FOB value (with a change in tariff heading); materials of Chile count as originating.'],
      ['GSTP', 'B', 'value-content', 'build-down', 'national', '50.00', null, '0.50',
        'Seeds silent. GSTP rules of origin: non-originating materials at most 50% of the FOB value, i.e. domestic content of at least 50%.'],
      ['GSTP', 'C', 'value-content', 'build-down', 'partners', '60.00', null, '0.50',
        'Seeds silent. GSTP cumulative rule: aggregate content originating in the participants at least 60% of the FOB value.'],
      ['GSP', 'Y', 'non-originating-content', 'build-down', 'national', '50.00', null, '0.50',
        'Seeds silent. GSP of the Eurasian Economic Union (Russia, Belarus, Kazakhstan), criterion Y: imported and undetermined-origin materials at most 50% of the FOB value; the percentage written after Y is that share.'],
    ];
    for (const [agreement, criterion, measure, formula, cumulation, threshold, national, tolerance, source] of rows) {
      this.addSql(
        `insert into "value_content_rule" ("agreement_code", "criterion_code", "measure", "formula", "cumulation", "threshold_percent", "national_minimum_percent", "tolerance_percent", "source") values (${[agreement, criterion, measure, formula, cumulation].map(quote).join(', ')}, ${threshold}, ${national ?? 'null'}, ${tolerance}, ${quote(source)}) on conflict ("agreement_code", "criterion_code") do nothing;`,
      );
    }
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "value_content_rule" cascade;`);
  }

}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
