// Stands in for node:https in the deployed bundle (package.json "bundle": esbuild --alias), so
// that gaxios, which requires it at load time but uses it only for what we never do (mTLS
// agents, HTTPS_PROXY), loads it (and TLS) at first use instead of in every cold start.
'use strict';
module.exports = require('./lazy-builtin.cjs')('node:https');
