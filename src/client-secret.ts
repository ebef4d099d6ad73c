/** The parts of Google's downloaded OAuth client file that we use. */
export interface ClientSecretFile {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

// The placeholders in client_secret.example.json: never a client to send to Google or upload.
const EXAMPLE_CLIENT_ID =
  '123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com';
const EXAMPLE_CLIENT_SECRET = 'GOCSPX-replace-with-your-client-secret';

/**
 * Parses the JSON file the Google Cloud console offers for a "Web application" OAuth client.
 * Returns the fields, or a sentence saying what is wrong (never quoting a secret).
 */
export function parseClientSecretFile(text: string): ClientSecretFile | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  if (typeof json !== 'object' || json === null) return 'is not a JSON object';
  if (!('web' in json)) {
    return 'installed' in json
      ? 'is for a Desktop app client; create a "Web application" OAuth client instead'
      : 'has no "web" section; download the JSON of a "Web application" OAuth client';
  }
  const web = json.web;
  if (typeof web !== 'object' || web === null) return 'has a "web" section that is not an object';
  const clientId = 'client_id' in web ? web.client_id : undefined;
  const clientSecret = 'client_secret' in web ? web.client_secret : undefined;
  if (typeof clientId !== 'string' || clientId === '') return 'has no web.client_id';
  if (typeof clientSecret !== 'string' || clientSecret === '') return 'has no web.client_secret';
  if (clientId === EXAMPLE_CLIENT_ID || clientSecret === EXAMPLE_CLIENT_SECRET) {
    return "is the example (client_secret.example.json); download your own OAuth client's JSON from the Google Cloud console";
  }
  const uris = 'redirect_uris' in web ? web.redirect_uris : [];
  const redirectUris = Array.isArray(uris)
    ? uris.filter((uri): uri is string => typeof uri === 'string')
    : [];
  return {clientId, clientSecret, redirectUris};
}
