/** Phone numbers to E.164 ("+" and 8-15 digits, ITU-T E.164 §6). */

const SEPARATORS = /[\s\-.()]/g;
const CHINA_MOBILE = /^1[3-9]\d{9}$/;

/** True when `national` is acceptable after country code `cc` (China: mobiles only). */
function nationalOk(cc: string, national: string): boolean {
  if (cc === '86') return CHINA_MOBILE.test(national);
  const total = cc.length + national.length;
  return national.length > 0 && national[0] !== '0' && total >= 8 && total <= 15;
}

/**
 * Normalises `raw` to "+<digits>", or null when it is not a valid number. Numbers without a country
 * code are taken as `countryCode`'s; "+CC…" and "00CC…" as international.
 */
export function normaliseNumber(raw: string, countryCode = '86'): string | null {
  if (typeof raw !== 'string' || raw.length > 32) return null;
  let s = raw.replace(SEPARATORS, '');
  let international = false;
  if (s.startsWith('+')) {
    international = true;
    s = s.slice(1);
  } else if (s.startsWith('00')) {
    international = true;
    s = s.slice(2);
  }
  if (!/^\d+$/.test(s)) return null;

  if (international) {
    if (s.length < 8 || s.length > 15 || s[0] === '0') return null;
    // Only the home country's rules are known here; other countries get the E.164 length check.
    if (s.startsWith(countryCode)) return nationalOk(countryCode, s.slice(countryCode.length)) ? '+' + s : null;
    return '+' + s;
  }
  // National form, or the country code written without "+" ("86 138-0013-8000").
  if (nationalOk(countryCode, s)) return '+' + countryCode + s;
  if (s.startsWith(countryCode) && nationalOk(countryCode, s.slice(countryCode.length))) return '+' + s;
  // Trunk prefix "0" before a national number (not used for Chinese mobiles, common elsewhere).
  if (s[0] === '0' && nationalOk(countryCode, s.slice(1))) return '+' + countryCode + s.slice(1);
  return null;
}
