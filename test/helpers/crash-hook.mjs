// Loaded with `node --import` by the tests that provoke a bug in scp without a back door in scp itself.
// SCP_TEST_CRASH=sync: the UUID generator throws (an exception inside the command);
// SCP_TEST_CRASH=uncaught: a timer throws outside any promise chain (an uncaught exception).
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

if (process.env.SCP_TEST_CRASH === 'sync') {
  crypto.randomUUID = () => {
    throw new TypeError('randomUUID exploded');
  };
  syncBuiltinESMExports();
}
if (process.env.SCP_TEST_CRASH === 'uncaught') {
  setTimeout(() => {
    throw new RangeError('a timer exploded');
  }, 50);
}
