// Stands in for google-logging-utils in the deployed bundle (package.json "bundle": esbuild
// --alias). google-auth-library makes one logger at load time (AuthClient.log = log('auth')) and
// calls it only from the logging interceptors our clients keep off; the real module's set-up
// cost listlabels about 10 ms of its cold start. Its output is unwanted anyway: it prints token
// requests and responses (GOOGLE_SDK_NODE_LOGGING, refused when deployed).
'use strict';
const noop = () => {};
const logger = Object.assign(() => {}, {debug: noop, info: noop, warn: noop, error: noop});
logger.sublog = () => logger;
logger.on = () => logger;
module.exports = {log: () => logger};
