import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {parseRetryAfter, retryAfterSeconds} from '../src/retry-after.js';

describe('retry-after', () => {
  const values: [string | null, number | null][] = [
    ['120', 120_000],
    ['0', 0],
    [null, null],
    ['', null],
    ['-5', null],
    ['1.5', null],
    ['9999999', null],
    ['soon', null],
    [new Date(0).toUTCString(), 0],
    ['Sunday, 06-Nov-94 08:49:37 GMT', 0],
    ['Sun Nov  6 08:49:37 1994', 0],
  ];
  for (const [value, ms] of values) {
    it(`parseRetryAfter() reads ${JSON.stringify(value)} as ${ms} ms`, () => {
      assert.equal(parseRetryAfter(value), ms);
    });
  }

  it('parseRetryAfter() reads an HTTP-date as the time until then', () => {
    const ms = parseRetryAfter(new Date(Date.now() + 60_000).toUTCString());
    assert.ok(ms !== null && ms > 58_000 && ms <= 60_000, String(ms));
  });

  const hints: [number | null, number][] = [
    [null, 5],
    [0, 1],
    [1500, 2],
    [120_000, 120],
    [86_400_000, 3600],
  ];
  for (const [ms, seconds] of hints) {
    it(`retryAfterSeconds() sends ${seconds} for ${ms} ms`, () => {
      assert.equal(retryAfterSeconds(ms), seconds);
    });
  }
});
