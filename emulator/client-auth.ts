import {param, type EmulatorRequest} from './http.js';
import {findClient, type EmulatorContext} from './store.js';
import type {EmulatorClient} from './types.js';

// RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
function formDecode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function clientCredentials(req: EmulatorRequest): {
  id: string | null;
  secret: string | null;
} {
  const header = req.headers.authorization ?? '';
  if (!/^Basic /i.test(header)) {
    return {
      id: param(req.form, 'client_id'),
      secret: param(req.form, 'client_secret'),
    };
  }
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {id: null, secret: null};
  const id = formDecode(decoded.slice(0, colon));
  const formId = param(req.form, 'client_id');
  // A client_id in the body too must name the same client.
  if (formId !== null && formId !== id) return {id: null, secret: null};
  return {id, secret: formDecode(decoded.slice(colon + 1))};
}

/** The client authenticated by Basic or by form fields (RFC 6749 §2.3.1), or null. */
export function authenticateClient(
  ctx: EmulatorContext,
  req: EmulatorRequest,
): EmulatorClient | null {
  const {id, secret} = clientCredentials(req);
  if (id === null || secret === null) return null;
  const client = findClient(ctx.emulator, id);
  return client !== null && client.clientSecret === secret ? client : null;
}
