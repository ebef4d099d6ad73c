// Stands in for node:https in the deployed bundle (package.json "bundle": esbuild --alias), so
// that Google's libraries, which require it at load time but use it only for what we never do
// (gaxios: mTLS agents and HTTPS_PROXY; googleapis: the http2 option), load it at first use
// instead of in every cold start.
'use strict';
module.exports = require('./lazy-builtin.cjs')('node:https');
