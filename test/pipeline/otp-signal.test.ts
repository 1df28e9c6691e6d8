import t from 'tap';
import { otpComing } from '../../src/pipeline/otp-signal.js';

const carrier = (otpActive: boolean) => ({ dispatcher: { otpActive } });

t.test('OTPs are coming when any one carrier has them, and not when none has', async (t) => {
  t.equal(otpComing([carrier(false), carrier(true), carrier(false)]), true);
  t.equal(otpComing([carrier(false), carrier(false)]), false);
  t.equal(otpComing([]), false, 'no carriers, no OTPs');
});
