/**
 * Time zone of a number's country for quiet hours, for countries with a single zone.
 * Countries spanning several zones (US, RU, BR, AU, ID…) are left to the job's `tz` or the default.
 */
const SINGLE_ZONE: Record<string, string> = {
  '86': 'Asia/Shanghai',
  '852': 'Asia/Hong_Kong',
  '853': 'Asia/Macau',
  '886': 'Asia/Taipei',
  '81': 'Asia/Tokyo',
  '82': 'Asia/Seoul',
  '65': 'Asia/Singapore',
  '60': 'Asia/Kuala_Lumpur',
  '66': 'Asia/Bangkok',
  '84': 'Asia/Ho_Chi_Minh',
  '63': 'Asia/Manila',
  '91': 'Asia/Kolkata',
  '44': 'Europe/London',
  '33': 'Europe/Paris',
  '49': 'Europe/Berlin',
  '39': 'Europe/Rome',
};

/** Zone for `e164` ("+…"), or `fallback` when the country is unknown or spans several zones. */
export function zoneForNumber(e164: string, fallback: string): string {
  for (let len = 3; len >= 1; len--) {
    const zone = SINGLE_ZONE[e164.slice(1, 1 + len)];
    if (zone !== undefined) return zone;
  }
  return fallback;
}
