/**
 * Default +86 mobile number-block allocations (MIIT numbering plan, as published by the operators).
 * Operators keep the live table in config; these are the defaults and the test reference.
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
