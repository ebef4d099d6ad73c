import {randomBytes} from 'node:crypto';
import type {EmulatorContext, Grant} from './store.js';

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An ID token shaped like Google's; its signature is random, so nothing can verify it. */
export function fakeIdToken(ctx: EmulatorContext, grant: Grant): string {
  const now = Math.floor(Date.now() / 1000);
  const header = {alg: 'RS256', kid: 'emulator', typ: 'JWT'};
  const claims = {
    iss: ctx.emulator.url,
    azp: grant.clientId,
    aud: grant.clientId,
    sub: grant.account.sub,
    email: grant.account.email,
    email_verified: true,
    iat: now,
    exp: now + 3600,
  };
  const signature = randomBytes(64).toString('base64url');
  return `${base64urlJson(header)}.${base64urlJson(claims)}.${signature}`;
}
