// Loaded with `node --import` by the tests that provoke a bug in scp without a back door in scp itself.
// SCP_TEST_CRASH=sync: the request id generator throws (an exception inside the command): both its sources,
// /dev/urandom and node:crypto (src/transport/random.ts), fail;
// SCP_TEST_CRASH=uncaught: a timer throws outside any promise chain (an uncaught exception).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

if (process.env.SCP_TEST_CRASH === 'sync') {
  crypto.randomUUID = () => {
    throw new TypeError('randomUUID exploded');
  };
  crypto.randomBytes = () => {
    throw new TypeError('randomUUID exploded');
  };
  const openSync = fs.openSync;
  fs.openSync = (path, ...rest) => {
    if (path === '/dev/urandom') throw new Error('no /dev/urandom here');
    return openSync(path, ...rest);
  };
  syncBuiltinESMExports();
}
if (process.env.SCP_TEST_CRASH === 'uncaught') {
  setTimeout(() => {
    throw new RangeError('a timer exploded');
  }, 50);
}
