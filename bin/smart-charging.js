#!/usr/bin/env node
'use strict';
// The same tool under a name that shadows nothing: never hands over to OpenSSH's scp.
require('../dist/launch.cjs').launch(__filename, { passthrough: false });
