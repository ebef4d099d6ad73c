import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {after, before, describe, it} from 'node:test';
import {Firestore, Timestamp} from '@google-cloud/firestore';
import {DEFAULT_CLIENT} from '../emulator/index.js';
import {formatLabelLines} from '../scripts/labels/format.js';
import {createCsrf} from '../src/csrf.js';
import {SESSIONS_COLLECTION, firestoreSettings} from '../src/firestore-sessions.js';
import {createSessionRefs} from '../src/session-ref.js';
import {createSessionStore} from '../src/session-store.js';
import {newSessionId} from '../src/sign-in.js';
import {createStoredSessions} from '../src/stored-sessions.js';
import {createTokenCookies, type Session} from '../src/token-cookie.js';
import {
  sharedFirestoreEmulator,
  skipWithoutFirestoreEmulator,
  type FirestoreEmulator,
} from './support/firestore-emulator.js';
import {freePort} from './support/framework-process.js';
import {BASE_URL, COOKIE_SECRET, signIn, startHarness, type Harness} from './support/harness.js';
import {SENTINEL} from './support/sentinels.js';

const COMMAND = new URL('../scripts/labels.js', import.meta.url).pathname;
const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';
const EMAIL = 'alex@example.com';
// The emulator's default account, in the page's order (system by Gmail's menu, user as a tree).
const ALEX_LINES = [
  'Inbox',
  'Starred',
  'Important',
  'Sent',
  'Drafts',
  'Spam',
  'Trash',
  'Personal',
  'Social',
  'Promotions',
  'Updates',
  'Forums',
  'Chats',
  'Unread',
  'Family & Friends',
  'Receipts',
  'Travel',
  'Work',
  '  Projects',
];
const COOKIE_MODE =
  'labels: Sessions are kept in cookies (SESSION_STORE=cookie): there is no stored session to ' +
  'use; deploy or run with SESSION_STORE=firestore';
const skip = skipWithoutFirestoreEmulator();

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the compiled command in a process of its own (the emulators keep running in this one). */
function runLabels(args: readonly string[], env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [COMMAND, ...args], {
    env: {PATH: process.env.PATH ?? '', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', chunk => (stdout += String(chunk)));
  child.stderr.on('data', chunk => (stderr += String(chunk)));
  return new Promise(resolve =>
    child.once('close', code => resolve({code, stdout, stderr, ms: Date.now() - started})),
  );
}

/** The one line a failing run prints: nothing on stdout, one line on stderr. */
function oneLineError(run: Run): string {
  assert.equal(run.stdout, '');
  const lines = run.stderr.split('\n').filter(line => line !== '');
  assert.equal(lines.length, 1, run.stderr);
  return lines[0]!;
}

describe('formatLabelLines()', () => {
  const cases = [
    {name: 'nests a/b under a', labels: ['a/b', 'a'], lines: ['a', '  b']},
    {name: 'shows a parent that is only a prefix', labels: ['x/y/z'], lines: ['x', '  y', '    z']},
    {
      name: 'replaces control characters',
      labels: ['evil\nInbox\u001b[2J'],
      lines: ['evil�Inbox�[2J'],
    },
  ];
  for (const c of cases) {
    it(`formatLabelLines() ${c.name}`, () => {
      const labels = c.labels.map((name, i) => ({id: `Label_${i}`, name, type: 'user'}));
      assert.deepEqual(formatLabelLines({labels, email: null}), c.lines);
    });
  }
});

describe('npm run labels', {skip}, () => {
  let h: Harness;
  let firestore: FirestoreEmulator;
  let db: Firestore;
  let env: Record<string, string>;
  const outputs: string[] = [];
  const secrets = new Set<string>([
    SENTINEL.clientSecret,
    SENTINEL.accessToken,
    SENTINEL.refreshToken,
    COOKIE_SECRET,
    Buffer.from(COOKIE_SECRET, 'base64').toString('hex'),
  ]);

  const run = async (args: readonly string[], extra: Record<string, string> = {}): Promise<Run> => {
    const result = await runLabels(args, {...env, ...extra});
    outputs.push(result.stdout + result.stderr);
    return result;
  };
  const sessionIdOf = async (cookie: string): Promise<string> => {
    const cookies = createTokenCookies(h.config.cookieSecrets, h.config.secureCookies);
    const ref = await createSessionRefs(h.config.cookieSecrets).open(
      cookies.sessionCookieValue(cookie),
    );
    assert.ok(ref, 'a session cookie');
    for (const value of cookie.split('; ').map(pair => pair.split('=')[1] ?? ''))
      secrets.add(value);
    return ref.id;
  };
  const storedSession = async (id: string): Promise<Session> => {
    const stored = createStoredSessions(h.config);
    const found = await stored.find({id});
    await stored.close();
    assert.equal(found.kind, 'found');
    secrets.add(found.session.accessToken);
    if (found.session.refreshToken) secrets.add(found.session.refreshToken);
    return found.session;
  };
  const documentOf = (id: string) => db.collection(SESSIONS_COLLECTION).doc(id);
  const refreshGrants = (): string[] =>
    h.emulator.requests
      .filter(r => r.route === 'token' && r.params.grant_type === 'refresh_token')
      .map(r => r.params.refresh_token ?? '');

  before(async () => {
    firestore = await sharedFirestoreEmulator();
    h = await startHarness(
      {sessionStore: 'firestore', accessType: 'offline', clientSecret: SENTINEL.clientSecret},
      {
        clients: [
          {
            ...DEFAULT_CLIENT,
            clientSecret: SENTINEL.clientSecret,
            redirectUris: [...DEFAULT_CLIENT.redirectUris],
          },
        ],
      },
    );
    assert.ok(h.config.firestore);
    db = new Firestore(firestoreSettings(h.config.firestore));
    env = {
      BASE_URL,
      COOKIE_SECRET,
      GOOGLE_EMULATOR_URL: h.emulator.url,
      GOOGLE_CLIENT_ID: DEFAULT_CLIENT.clientId,
      GOOGLE_CLIENT_SECRET: SENTINEL.clientSecret,
      SESSION_STORE: 'firestore',
      FIRESTORE_EMULATOR_HOST: firestore.host,
      GOOGLE_CLOUD_PROJECT: h.config.firestore.projectId,
    };
  });
  after(async () => {
    await db.terminate();
    await h.emulator.close();
    firestore.stop();
    // Every token, secret and cookie value the runs could have seen, in everything they printed.
    for (const request of h.emulator.requests) {
      for (const key of ['code', 'code_verifier', 'access_token', 'refresh_token', 'token']) {
        if (request.params[key]) secrets.add(request.params[key]);
      }
    }
    const printed = outputs.join('\n');
    for (const secret of secrets) assert.ok(!printed.includes(secret), 'a secret was printed');
  });

  it("npm run labels --session prints the stored session's labels, one per line, nested ones indented", async () => {
    const id = await sessionIdOf(await signIn(h));
    await storedSession(id);
    const result = await run(['--session', id]);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.deepEqual(result.stdout.trimEnd().split('\n'), ALEX_LINES);
  });

  it('npm run labels --email finds the session once listlabels has stored the address, and not before', async () => {
    const cookie = await signIn(h);
    await sessionIdOf(cookie);
    const before = await run(['--email', EMAIL]);
    assert.equal(before.code, 3);
    assert.equal(
      oneLineError(before),
      'labels: no stored session has this address: the user must sign in and open the labels page once',
    );
    await h.labels.get('/listlabels').set('Cookie', cookie).expect(200);
    const text = await run(['--email', 'Alex@Example.com']);
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual(text.stdout.trimEnd().split('\n'), ALEX_LINES);
    const json = await run(['--email', EMAIL, '--json']);
    assert.equal(json.code, 0, json.stderr);
    // listlabels' JSON: the labels in the page's order, with the address.
    const body = JSON.parse(json.stdout) as {count: number; email: string; labels: unknown[]};
    assert.equal(body.count, 18);
    assert.equal(body.email, EMAIL);
    assert.deepEqual(body.labels.slice(-2), [
      {id: 'Label_2', name: 'Travel', type: 'user'},
      {id: 'Label_3', name: 'Work/Projects', type: 'user'},
    ]);
  });

  it('npm run labels refreshes an expiring access token once and stores the new one', async () => {
    const id = await sessionIdOf(await signIn(h));
    const stored = await storedSession(id);
    await documentOf(id).update({expiresAt: Date.now() + 1000});
    const grants = refreshGrants().length;
    const result = await run(['--session', id]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trimEnd().split('\n'), ALEX_LINES);
    assert.deepEqual(refreshGrants().slice(grants), [stored.refreshToken]);
    const renewed = await storedSession(id);
    assert.notEqual(renewed.accessToken, stored.accessToken);
    assert.ok(renewed.expiresAt > Date.now() + 30 * 60_000, 'a fresh access token is stored');
  });

  it('npm run labels --email uses the most recently updated usable session of the address', async () => {
    const store = await createSessionStore(h.config);
    const email = 'several@example.com';
    const make = async (updatedAgoMs: number): Promise<Session> => {
      const refreshToken = h.emulator.mintRefreshToken({scope: GMAIL});
      const session: Session = {
        id: newSessionId(),
        signedInAt: Date.now() - 60_000,
        accessToken: h.emulator.mintAccessToken({scope: GMAIL}),
        // Expiring: the refresh shows which session was used.
        expiresAt: Date.now() + 1000,
        scope: GMAIL,
        refreshToken,
      };
      secrets.add(session.accessToken).add(refreshToken);
      await store.create(session, Date.now() - updatedAgoMs);
      await documentOf(session.id).update({email});
      return session;
    };
    await make(3000);
    const newest = await make(2000);
    const ended = await make(1000);
    await documentOf(ended.id).update({expireAt: Timestamp.fromMillis(Date.now() - 1)});
    const grants = refreshGrants().length;
    const result = await run(['--email', email]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(refreshGrants().slice(grants), [newest.refreshToken]);
  });

  it('npm run labels exits 3 after sign-out (no document) and when Google refuses the refresh token', async () => {
    const cookie = await signIn(h);
    const id = await sessionIdOf(cookie);
    const csrf = createCsrf(h.config.cookieSecrets).tokenFor(id);
    await h.signout.post('/oauth2signout').set('Cookie', cookie).type('form').send({csrf});
    assert.equal((await documentOf(id).get()).exists, false, 'signed out: the document is gone');
    const signedOut = await run(['--session', id]);
    assert.equal(signedOut.code, 3);
    assert.equal(
      oneLineError(signedOut),
      'labels: no session has this id: the user must sign in again',
    );

    // Sentinel tokens the emulator never issued: Google answers invalid_grant.
    const store = await createSessionStore(h.config);
    const sentinel: Session = {
      id: newSessionId(),
      signedInAt: Date.now(),
      accessToken: SENTINEL.accessToken,
      expiresAt: Date.now() + 1000,
      scope: GMAIL,
      refreshToken: SENTINEL.refreshToken,
    };
    await store.create(sentinel);
    const refused = await run(['--session', sentinel.id]);
    assert.equal(refused.code, 3);
    assert.equal(
      oneLineError(refused),
      'labels: Google refused the stored refresh token (invalid_grant): the user must sign in again',
    );
  });

  it('npm run labels refuses politely, in one line, when sessions are kept in cookies', async () => {
    const result = await run(['--email', EMAIL], {SESSION_STORE: 'cookie'});
    assert.equal(result.code, 1);
    assert.equal(oneLineError(result), COOKIE_MODE);
  });

  it('npm run labels exits 4 within a few seconds when Firestore does not answer', async () => {
    const result = await run(['--email', EMAIL], {
      FIRESTORE_EMULATOR_HOST: `127.0.0.1:${await freePort()}`,
    });
    assert.equal(result.code, 4);
    assert.match(oneLineError(result), /^labels: Firestore did not answer \(find: \w+\)/);
    assert.ok(result.ms < 6000, `answered in ${result.ms} ms`);
  });

  it('npm run labels exits 2 with one line for bad flags', async () => {
    const id = newSessionId();
    const cases = [
      {args: [], says: 'give exactly one of --session ID and --email ADDRESS'},
      {args: ['--session', id, '--email', EMAIL], says: 'give exactly one of'},
      {args: ['--session', '../x'], says: '--session takes a session id'},
      {args: ['--email', 'nobody'], says: '--email takes an address'},
      {args: ['--bogus'], says: "Unknown option '--bogus'"},
      {args: ['--session'], says: "Option '--session <value>' argument missing"},
      {args: ['labels'], says: 'Unexpected argument'},
    ];
    for (const c of cases) {
      const result = await run(c.args);
      assert.equal(result.code, 2, c.args.join(' '));
      assert.ok(oneLineError(result).includes(c.says), result.stderr);
    }
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(
      help.stdout,
      /^Usage: npm run labels -- \(--session ID \| --email ADDRESS\) \[--json\]/,
    );
  });
});
