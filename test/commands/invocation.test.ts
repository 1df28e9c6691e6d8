import t from 'tap';
import { commandName } from '../../src/commands/invocation.js';

t.test('a hint names `smppd` when run through an installed bin or from node_modules, the script only from a checkout', async (t) => {
  t.equal(commandName('/usr/local/bin/smppd', '/usr/local/lib/node_modules/smppd/'), 'smppd', 'npm install -g: the bin link');
  t.equal(commandName('/srv/app/node_modules/.bin/smppd', '/srv/app/node_modules/smppd/'), 'smppd', 'npx');
  t.equal(commandName('/srv/app/node_modules/smppd/dist/src/main.js', '/srv/app/node_modules/smppd/'), 'smppd', 'main.js of an installed package');
  t.equal(commandName('/home/me/smppd/dist/src/main.js', '/home/me/smppd/'), 'node dist/src/main.js', 'npm start in a checkout');
  t.equal(commandName('/home/me/smppd/src/main.ts', '/home/me/smppd/'), 'npx tsx src/main.ts', 'npm run dev in a checkout');
  t.equal(commandName(undefined, '/home/me/smppd/'), 'smppd');
});
