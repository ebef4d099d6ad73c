import {param, repeatedParam} from './http.js';
import {isGoogleScope, splitScopes} from './scopes.js';

const AUTHORIZE_PARAMS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'access_type',
  'prompt',
  'login_hint',
  'include_granted_scopes',
];

/** RFC 7636 §4.1 and §4.2: the shape of a code_verifier or code_challenge. */
export const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Why an authorization request is refused. */
export interface Problem {
  error: string;
  description: string;
}

/** Checks run once client and redirect_uri are known good; Google shows a page. */
export function checkAuthorizeParams(query: URLSearchParams): Problem | null {
  const repeated = repeatedParam(query, AUTHORIZE_PARAMS);
  if (repeated !== null) {
    return invalid(`Parameter was sent more than once: ${repeated}`);
  }
  const responseType = param(query, 'response_type');
  if (responseType === null) {
    return invalid('Required parameter is missing: response_type');
  }
  if (responseType !== 'code') {
    return invalid(`Invalid response_type: ${responseType}`);
  }
  const scopes = splitScopes(param(query, 'scope') ?? '');
  if (scopes.length === 0) return invalid('Missing required parameter: scope');
  const unknown = scopes.filter(scope => !isGoogleScope(scope));
  if (unknown.length > 0) {
    return {
      error: 'invalid_scope',
      description: `Some requested scopes were invalid. {invalid=[${unknown.join(', ')}]}`,
    };
  }
  const challenge = param(query, 'code_challenge');
  if (challenge !== null && !PKCE_VALUE.test(challenge)) {
    return invalid('Invalid code_challenge: expected 43-128 characters');
  }
  const method = param(query, 'code_challenge_method');
  if (method !== null && method !== 'S256' && method !== 'plain') {
    return invalid(`Invalid code_challenge_method: ${method}`);
  }
  const accessType = param(query, 'access_type');
  if (accessType !== null && accessType !== 'online' && accessType !== 'offline') {
    return invalid(`Invalid access_type: ${accessType}`);
  }
  return null;
}

function invalid(description: string): Problem {
  return {error: 'invalid_request', description};
}
