// Stands in for `lru-cache` in the bundle (see src/build/build.mjs); CommonJS, as its user require()s it. MQTT.js
// requires it at start for topic aliases (topic-alias-send.js), which scp never asks for, and evaluating the real
// module was ~0.5 ms of every round trip's start (#29). The real one is required, and evaluated, on first use, so
// what a cache does is lru-cache's own.
'use strict';

let real;

class LRUCache {
  constructor(options) {
    real ??= require('../../node_modules/lru-cache/dist/commonjs/index.js');
    // A constructor may return another object: callers get the real cache itself.
    return new real.LRUCache(options);
  }
}

module.exports = { LRUCache };
