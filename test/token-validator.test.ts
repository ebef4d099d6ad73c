import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {startEmulator, type Emulator} from '../emulator/index.js';
import {loadConfig} from '../src/config.js';
import {createGoogleClients} from '../src/oauth-client.js';
import {
  createTokenValidator,
  REFUSAL_CACHE_MAX_ENTRIES,
  REFUSAL_CACHE_TTL_MS,
  type TokenValidator,
} from '../src/token-validator.js';
import {COOKIE_SECRET} from './support/harness.js';

describe('createTokenValidator() refusals', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  const validator = (): TokenValidator => {
    const config = loadConfig({
      COOKIE_SECRET,
      GOOGLE_EMULATOR_URL: emulator.url,
      GOOGLE_CLIENT_ID: emulator.clients[0]!.clientId,
      GOOGLE_CLIENT_SECRET: emulator.clients[0]!.clientSecret,
    });
    return createTokenValidator(config, createGoogleClients(config));
  };
  const tokeninfoCalls = (): number =>
    emulator.requests.filter(r => r.route === 'tokeninfo').length;
  /** Checks `token` and says how many times tokeninfo was asked for it. */
  const callsFor = async (check: TokenValidator, token: string): Promise<number> => {
    const before = tokeninfoCalls();
    assert.deepEqual(await check.check(token), {ok: false, reason: 'invalid_token'});
    return tokeninfoCalls() - before;
  };

  it('check() keeps at most REFUSAL_CACHE_MAX_ENTRIES refusals, dropping the oldest first', async () => {
    const check = validator();
    const tokens = Array.from(
      {length: REFUSAL_CACHE_MAX_ENTRIES + 1},
      (_, i) => `ya29.unknown-${i}`,
    );
    for (const token of tokens.slice(0, -1)) assert.equal(await callsFor(check, token), 1);
    assert.equal(await callsFor(check, tokens[0]!), 0, 'a full cache still holds the first');
    assert.equal(await callsFor(check, tokens.at(-1)!), 1, 'one more refusal...');
    assert.equal(await callsFor(check, tokens[0]!), 1, '...and the first is asked about again');
    assert.equal(await callsFor(check, tokens[2]!), 0, 'the others are kept');
  });

  it('check() reuses a refusal for REFUSAL_CACHE_TTL_MS, then asks tokeninfo again', async t => {
    const check = validator();
    t.mock.timers.enable({apis: ['Date'], now: Date.now()});
    assert.equal(await callsFor(check, 'ya29.unknown-ttl'), 1);
    t.mock.timers.tick(REFUSAL_CACHE_TTL_MS - 1);
    assert.equal(await callsFor(check, 'ya29.unknown-ttl'), 0, 'still reused');
    t.mock.timers.tick(1);
    assert.equal(await callsFor(check, 'ya29.unknown-ttl'), 1, 'asked again');
    assert.equal(await callsFor(check, 'ya29.unknown-ttl'), 0, 'and reused again');
  });
});
