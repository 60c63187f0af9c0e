// Stands in for the `debug` package in the bundle (see src/build/build.mjs); CommonJS, as its users require() it.
// MQTT.js and mqtt-packet call a debug logger for every packet; even switched off, each call and its `enabled`
// check cost ~1.4 us per request in a stream (measured with --cpu-prof). scp has its own trace (--verbose), so
// `DEBUG=mqttjs*` is not offered.
'use strict';

function createDebug(namespace) {
  const log = () => undefined;
  log.enabled = false;
  log.namespace = namespace;
  log.extend = (more) => createDebug(`${namespace}:${more}`);
  return log;
}
createDebug.enable = () => undefined;
createDebug.disable = () => '';
createDebug.enabled = () => false;

module.exports = createDebug;
