/**
 * Default +86 mobile number-block allocations (MIIT numbering plan, as published by the operators).
 * The one list: a carrier's config names a table (`prefixes: ["china:cmcc"]`, expandPrefixes) instead
 * of copying it, so the example configs cannot fall behind it. Literal prefixes may be added beside it.
 * Longer prefixes win: 1349 (satellite, China Telecom) inside China Mobile's 134.
 */
function cc86(national: string[]): string[] {
  return national.map((p) => '86' + p);
}

export const CHINA_PREFIXES: { cmcc: string[]; cucc: string[]; ctcc: string[] } = {
  cmcc: cc86([
    '134', '135', '136', '137', '138', '139', '147', '148', '150', '151', '152', '157', '158', '159',
    '165', // MVNO numbers carried by China Mobile
    '172', '178', '182', '183', '184', '187', '188', '195', '197', '198', '1440',
    '1703', '1705', '1706', // MVNO blocks on China Mobile
    '192', // China Broadnet: its 5G subscribers ride China Mobile's network, which carries its SMS
  ]),
  cucc: cc86([
    '130', '131', '132', '145', '146', '155', '156', '166', '167', '171', '175', '176', '185', '186', '196',
    '1704', '1707', '1708', '1709',
  ]),
  ctcc: cc86([
    '133', '149', '153', '162', '173', '174', '177', '180', '181', '189', '190', '191', '193', '199',
    '1349', '1700', '1701', '1702',
  ]),
};

/** The name a carrier's `prefixes` uses for a built-in table: `china:cmcc`, `china:cucc`, `china:ctcc`. */
export const TABLE_NAMES = Object.keys(CHINA_PREFIXES).map((k) => `china:${k}`);

export function isTableName(entry: string): boolean { return TABLE_NAMES.includes(entry); }

/** A carrier's `prefixes` with each table name replaced by the table's prefixes. */
export function expandPrefixes(entries: readonly string[]): string[] {
  return entries.flatMap((e) => (isTableName(e) ? CHINA_PREFIXES[e.slice(6) as keyof typeof CHINA_PREFIXES] : [e]));
}
