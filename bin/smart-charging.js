#!/usr/bin/env node
// The same tool under a name that shadows nothing: never hands over to OpenSSH's scp.
import { run } from '../dist/cli.js';

await run();
