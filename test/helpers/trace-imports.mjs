// Loaded with `node --import`: records every module specifier resolved, one per line, in $SCP_TRACE_FILE,
// so a test can prove that a fast path never loads MQTT.js or the prompt library.
import { register } from 'node:module';

register(new URL('./trace-hooks.mjs', import.meta.url), { data: { file: process.env.SCP_TRACE_FILE } });
