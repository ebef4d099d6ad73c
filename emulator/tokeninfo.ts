import {oauthErrorReply} from './google-errors.js';
import {bearerToken, jsonReply, param, type EmulatorRequest, type Reply} from './http.js';
import {findAccessToken, type EmulatorContext} from './store.js';

/** GET or POST /tokeninfo: what Google knows about an access token. */
export function handleTokeninfo(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const token =
    param(req.query, 'access_token') ??
    param(req.form, 'access_token') ??
    // google-auth-library's getTokenInfo() sends the token as a Bearer header.
    bearerToken(req.headers);
  const found = token === null ? null : findAccessToken(ctx.store, token);
  if (found === null) {
    return oauthErrorReply(400, 'invalid_token', 'Invalid Value');
  }
  const {grant, expiresAt} = found;
  return jsonReply(200, {
    azp: grant.clientId,
    aud: grant.clientId,
    sub: grant.account.sub,
    scope: grant.scope,
    exp: String(Math.floor(expiresAt / 1000)),
    expires_in: String(Math.ceil((expiresAt - Date.now()) / 1000)),
    email: grant.account.email,
    email_verified: 'true',
    access_type: grant.offline ? 'offline' : 'online',
  });
}
