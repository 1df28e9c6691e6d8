/** A carrier with a CMPP channel first and an SMPP one second, as tests build it before the YAML form exists. */
import type { CarrierConfig, CmppChannelOptions } from '../../src/config/types.js';
import { testCarrier } from './test-config.js';

export const CMPP_OPTIONS: CmppChannelOptions = {
  version: '3.0', spNumber: '1065712345', serviceId: 'MXX0001', feeUserType: 2, feeTerminalId: '', feeType: '01',
  feeCode: '000000', msgLevel: 1, tpPid: 0, linkId: 'LINK1',
};

/** `cmcc` with channels `cmcc-cmpp` (CMPP `version`, Msg_src 901234) and `cmcc-smpp`. */
export function twoChannelCarrier(version: '2.0' | '3.0' = '3.0', prefixes = ['86138']): CarrierConfig {
  const c = testCarrier('cmcc', 2775, prefixes);
  const smpp = c.channels[0]!;
  return {
    ...c,
    channels: [
      { ...smpp, name: 'cmcc-cmpp', protocol: 'cmpp', systemId: '901234', cmpp: { ...CMPP_OPTIONS, version } },
      { ...smpp, name: 'cmcc-smpp', priority: 2 },
    ],
  };
}
