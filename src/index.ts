import {ConfigError, loadConfig} from './config.js';
import {hideFrameworkErrorDetails} from './http.js';
import {logEvent} from './log.js';
import {logConfigError, registerFunctions, registerUnconfigured} from './register.js';

// The entry point functions-framework loads (package.json "main"): configure once, register.
hideFrameworkErrorDetails();
try {
  const config = loadConfig();
  for (const warning of config.warnings) logEvent('WARNING', 'config_warning', warning);
  registerFunctions(config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  logConfigError(error);
  registerUnconfigured();
}
