import {missingParamReply, oauthErrorReply} from './google-errors.js';
import {jsonReply, param, type EmulatorRequest, type Reply} from './http.js';
import {findGrantForRevoke, type EmulatorContext} from './store.js';

/** POST /revoke (RFC 7009): revoking any token of a grant revokes the grant. */
export function handleRevoke(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const token = param(req.form, 'token') ?? param(req.query, 'token');
  if (token === null) return missingParamReply('token');
  const grant = findGrantForRevoke(ctx.store, token);
  if (grant === null) {
    return oauthErrorReply(400, 'invalid_token', 'Token expired or revoked');
  }
  grant.revoked = true;
  if (grant.offline) ctx.store.offlineConsents.delete(`${grant.clientId} ${grant.account.sub}`);
  return jsonReply(200, {});
}
