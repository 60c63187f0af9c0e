// Preloaded (node -r) by test/e2e/lazy.e2e.test.ts: at exit, writes the Node built-in modules the run loaded
// (process.moduleLoadList) to the file $SCP_TEST_BUILTINS, one per line.
'use strict';
process.on('exit', () => require('node:fs').writeFileSync(process.env.SCP_TEST_BUILTINS, process.moduleLoadList.join('\n')));
