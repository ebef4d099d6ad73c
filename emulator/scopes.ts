const SIGN_IN_SCOPES = ['openid', 'email', 'profile'];

/** True for scopes Google would recognise (sign-in or Google API scopes). */
export function isGoogleScope(scope: string): boolean {
  return (
    SIGN_IN_SCOPES.includes(scope) ||
    scope.startsWith('https://www.googleapis.com/auth/') ||
    scope === 'https://mail.google.com/'
  );
}

/** Scope strings split on spaces (RFC 6749 §3.3), without duplicates. */
export function splitScopes(scope: string): string[] {
  return [...new Set(scope.split(' ').filter(part => part !== ''))];
}
