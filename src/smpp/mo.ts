/**
 * Mobile-originated messages (deliver_sm / data_sm that are not receipts): sender, recipient, text and
 * concatenation, read from the PDU's fields (sm-fields.ts).
 */
import type { Mo } from '../types.js';
import { smFields, smText, type SmFields } from './sm-fields.js';

/** An MO as SMPP carries it: the protocol-neutral Mo and its data_coding. */
export interface SmppMo extends Mo { dataCoding: number }

/** Decodes an MO deliver_sm / data_sm: a whole PDU buffer (preferred) or a record decoded by `smpp`. */
export function decodeMo(pdu: Buffer | Record<string, any>): SmppMo {
  return moFromFields(smFields(pdu));
}

/** decodeMo on fields already read. */
export function moFromFields(f: SmFields): SmppMo {
  const { text, concat } = smText(f);
  const mo: SmppMo = { from: f.from, to: f.to, text, dataCoding: f.dataCoding };
  if (concat) mo.concat = concat;
  return mo;
}
