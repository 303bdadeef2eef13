// Preloaded into yaml-language-server by bench/run.py (`node --require bench/offline.cjs`).
// The benchmark must run offline: any attempt to open a network connection to anything but
// loopback fails at once (and is logged to stderr, which run.py reads) instead of waiting on a
// host that cannot be reached. Schemas come from local files only.
'use strict';
const net = require('net');

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function (...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0];
  if (typeof options !== 'object' || options === null) options = { port: args[0], host: args[1] };
  if (options.path || LOOPBACK.has(options.host || 'localhost')) {
    return connect.apply(this, args);
  }
  process.stderr.write(`bench-offline: blocked connection to ${options.host}:${options.port}\n`);
  process.nextTick(() => this.destroy(new Error(`bench-offline: no network (${options.host})`)));
  return this;
};
