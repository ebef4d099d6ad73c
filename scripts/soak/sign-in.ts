/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header (cleared ones dropped). */
function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map(header => header.split(';')[0] ?? '')
    .filter(pair => pair !== '' && !pair.endsWith('='))
    .join('; ');
}

async function follow(url: string, cookie: string, expected: number): Promise<Response> {
  const response = await fetch(url, {redirect: 'manual', headers: {cookie}});
  await response.arrayBuffer();
  if (response.status !== expected) {
    throw new Error(`${new URL(url).pathname} answered ${response.status}, expected ${expected}`);
  }
  return response;
}

/**
 * One whole sign-in through the functions at `serverUrl` (their BASE_URL) against an emulator that consents on
 * its own (autoConsent); returns the session cookie to send.
 */
export async function signInOverHttp(serverUrl: string): Promise<string> {
  const init = await follow(`${serverUrl}/oauth2init`, '', 302);
  const signInCookie = cookieHeader(init);
  const consent = await follow(init.headers.get('location') ?? '', '', 302);
  const callback = await follow(consent.headers.get('location') ?? '', signInCookie, 303);
  return cookieHeader(callback);
}
