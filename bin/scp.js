#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json): Node starts a CommonJS entry a few milliseconds sooner than an ES module.
require('../dist/launch.cjs').launch(__filename);
