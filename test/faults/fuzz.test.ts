/**
 * Property tests of answer handling, with a fixed seed and bounded runs so CI is repeatable: random bytes and random
 * envelopes never crash the classifier or scp, never yield an outcome outside the documented ones, and only a
 * schema-valid envelope with the request's id is taken as the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyResponse } from '../../src/core/response.js';
import { clear } from '../../src/messages/clear/index.js';
import { checkClearResponse } from '../../src/messages/clear/index.js';
import { brokerUnderTest, type Broker } from '../helpers/broker.js';
import { startResponder, uniqueTopics, type Answer } from '../helpers/responder.js';
import { runScp } from '../helpers/run.js';

const SEED = 20261125;
const OURS = 'bb9655e5-21e0-482d-8bc1-67ffdf23539c';

const validEnvelope = (id: fc.Arbitrary<string>) =>
  fc.record(
    {
      id,
      name: fc.constant('clear_charging_profile'),
      type: fc.constant('response'),
      data: fc.record(
        {
          status: fc.constantFrom('accepted', 'unknown'),
          status_info: fc.record({ reason_code: fc.string(), additional_info: fc.string() }, { requiredKeys: [] }),
        },
        { requiredKeys: ['status'] },
      ),
    },
    { requiredKeys: ['id', 'name', 'type', 'data'] },
  );

/** Envelopes near the valid ones: our id or not, each field maybe wrong, maybe missing, maybe extra. */
const nearEnvelope = fc.record(
  {
    id: fc.oneof(fc.constant(OURS), fc.uuid(), fc.string(), fc.integer()),
    name: fc.oneof(fc.constant('clear_charging_profile'), fc.string(), fc.constant(null)),
    type: fc.oneof(fc.constant('response'), fc.constant('request'), fc.string()),
    data: fc.oneof(
      fc.record({ status: fc.oneof(fc.constantFrom('accepted', 'unknown', 'Accepted', ''), fc.integer()) }, { requiredKeys: [] }),
      fc.dictionary(fc.string(), fc.jsonValue()),
      fc.jsonValue(),
    ),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.json().map((text) => Buffer.from(text)),
  nearEnvelope.map((e) => Buffer.from(JSON.stringify(e))),
  validEnvelope(fc.uuid()).map((e) => Buffer.from(JSON.stringify(e))),
  validEnvelope(fc.constant(OURS)).map((e) => Buffer.from(JSON.stringify(e))),
);

describe('classifyResponse, fuzzed', () => {
  it('never throws, and says answer only for a schema-valid envelope with our id', () => {
    fc.assert(
      fc.property(payloads, fc.boolean(), (payload, retained) => {
        const classified = classifyResponse(clear, payload, OURS, { retained });
        expect(['foreign', 'answer', 'invalid']).toContain(classified.kind);
        if (classified.kind === 'answer') {
          const envelope = JSON.parse(Buffer.from(payload).toString('utf8'));
          expect(envelope.id).toBe(OURS);
          expect(retained).toBe(false);
          expect(checkClearResponse(envelope).ok).toBe(true);
          expect(['accepted', 'unknown']).toContain(classified.response.data.status);
        }
        if (classified.kind === 'invalid') {
          expect(JSON.parse(Buffer.from(payload).toString('utf8')).id).toBe(OURS);
          expect(classified.problems.length).toBeGreaterThan(0);
        }
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('takes every schema-valid envelope with our id, and none with another id', () => {
    fc.assert(
      fc.property(validEnvelope(fc.constant(OURS)), fc.uuid(), (envelope, other) => {
        fc.pre(other !== OURS);
        expect(classifyResponse(clear, Buffer.from(JSON.stringify(envelope)), OURS)).toEqual({ kind: 'answer', response: envelope });
        expect(classifyResponse(clear, Buffer.from(JSON.stringify({ ...envelope, id: other })), OURS).kind).toBe('foreign');
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('scp clear with random traffic on the response topic', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await brokerUnderTest();
  });
  afterAll(() => broker.close());

  it('takes only its own answer from among 500 random messages', async () => {
    const noise = fc.sample(payloads, { seed: SEED, numRuns: 500 });
    const topics = uniqueTopics();
    // Random payloads cannot carry the request's id (it is made when scp runs): only the real answer can match.
    const responder = await startResponder(broker.url, topics, (request) => [
      ...noise.map((payload) => Buffer.from(payload)),
      { id: request.envelope!.id, name: 'clear_charging_profile', type: 'response', data: { status: 'unknown' } },
    ]);
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, '--json', 'clear', '--id', '1']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).outcome).toBe('unknown');
    } finally {
      await responder.close();
    }
  });

  it('ends every run with a documented outcome and exit code when the answer under its id is random', async () => {
    const exits: Record<string, number> = { accepted: 0, unknown: 1, timeout: 3, invalid_response: 5 };
    await fc.assert(
      fc.asyncProperty(nearEnvelope, async (envelope) => {
        const topics = uniqueTopics();
        const responder = await startResponder(broker.url, topics, (request) => [
          Buffer.from(JSON.stringify({ ...envelope, id: request.envelope!.id })),
        ]);
        try {
          const run = await runScp(['--broker', broker.url, ...topics.args, '--json', '--timeout', '0.5', 'clear', '--id', '1']);
          const record = JSON.parse(run.stdout);
          expect(Object.keys(exits)).toContain(record.outcome);
          expect(run.code).toBe(exits[record.outcome]);
          const valid = checkClearResponse({ ...envelope, id: record.request.id }).ok;
          // Success only from a valid answer; a valid answer is never called anything else.
          expect(record.outcome === 'accepted' || record.outcome === 'unknown').toBe(valid);
        } finally {
          await responder.close();
        }
      }),
      { seed: SEED, numRuns: 15 },
    );
  }, 60_000);
});
