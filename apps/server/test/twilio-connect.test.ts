import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '@switchboard/channels/testing';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';

/**
 * A Twilio channel given its number points that number at itself: the stand-in speaks Twilio's
 * IncomingPhoneNumbers API (Basic auth, lookup by PhoneNumber, form-encoded update). Without a
 * number, saving the channel calls nothing.
 */
const accountSid = 'AC11111111111111111111111111111111';
const authToken = 'twilio-connect-token';
const numberSid = 'PN22222222222222222222222222222222';
const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
const numbers: Record<string, string> = { '+15557654321': numberSid };
let twilio: StandIn;
let ctx: TestContext;
let owner: Session;

beforeAll(async () => {
  twilio = await startStandIn((req) => {
    if (req.headers.authorization !== basic) return { status: 401, json: { code: 20003, message: 'Authenticate', status: 401 } };
    const prefix = `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers`;
    if (req.method === 'GET' && req.path === `${prefix}.json`) {
      const sid = numbers[req.query.get('PhoneNumber') ?? ''];
      return { json: { incoming_phone_numbers: sid ? [{ sid, phone_number: req.query.get('PhoneNumber') }] : [], page: 0 } };
    }
    const update = new RegExp(`^${prefix}/(PN\\w+)\\.json$`).exec(req.path);
    if (req.method === 'POST' && update) {
      if (!Object.values(numbers).includes(update[1]!))
        return { status: 404, json: { code: 20404, message: `The requested resource ${req.path} was not found`, status: 404 } };
      const form = req.form();
      return { json: { sid: update[1], sms_url: form.get('SmsUrl'), status_callback: form.get('StatusCallback') } };
    }
    return { status: 404, json: { code: 20404, message: 'not found', status: 404 } };
  });
  ctx = await createTestContext({ publicUrl: 'https://bakery.example' });
  owner = await signup(ctx.app, 'TwilioConnect');
});
afterAll(async () => {
  await twilio.close();
  await ctx.close();
});

const config = (extra: Record<string, string>) => ({ accountSid, authToken, from: '+15557654321', baseUrl: twilio.baseUrl, ...extra });
const create = (extra: Record<string, string>) =>
  call(ctx.app, 'POST', '/api/channels', { cookie: owner.cookie, body: { type: 'twilio', name: 'SMS', config: config(extra) } });

describe('Twilio connects the given number', () => {
  it('without a number, creating the channel calls nothing and claims nothing', async () => {
    twilio.reset();
    const res = await create({});
    expect(res.status).toBe(201);
    expect(res.body.connection ?? null).toBeNull();
    expect(twilio.requests).toEqual([]);
  });

  it('by E.164 number: looks up its SID, then sets SmsUrl and StatusCallback to the webhook', async () => {
    twilio.reset();
    const res = await create({ phoneNumber: '+15557654321' });
    expect(res.status).toBe(201);
    const webhook = `https://bakery.example/webhooks/channels/${res.body.id}`;
    expect(res.body.connection).toMatchObject({ state: 'connected' });
    expect(twilio.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers.json`,
      `POST /2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${numberSid}.json`,
    ]);
    expect(twilio.requests[0]!.query.get('PhoneNumber')).toBe('+15557654321');
    expect(twilio.requests[1]!.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(twilio.requests[1]!.form())).toMatchObject({ SmsUrl: webhook, SmsMethod: 'POST', StatusCallback: webhook });
    const { body } = await call(ctx.app, 'GET', `/api/channels/${res.body.id}`, { cookie: owner.cookie });
    expect(body.config.connection).toMatchObject({ state: 'connected' });
  });

  it('by SID: updates that number directly', async () => {
    twilio.reset();
    const res = await create({ phoneNumber: numberSid });
    expect(res.body.connection).toMatchObject({ state: 'connected' });
    expect(twilio.requests.map((r) => r.method)).toEqual(['POST']);
    expect(twilio.requests[0]!.path).toContain(`/IncomingPhoneNumbers/${numberSid}.json`);
  });

  it('a number not in the account, or a wrong token, is said on the channel', async () => {
    twilio.reset();
    const missing = await create({ phoneNumber: '+15550000000' });
    expect(missing.status).toBe(201);
    expect(missing.body.connection).toMatchObject({
      state: 'failed',
      message: expect.stringContaining('+15550000000 is not in this Twilio account'),
    });
    const wrong = await create({ phoneNumber: numberSid, authToken: 'wrong' });
    expect(wrong.body.connection).toMatchObject({ state: 'failed', message: expect.stringContaining('401') });
    expect(JSON.stringify(wrong.body)).not.toContain('wrong');
  });

  it('refuses a number that is neither a SID nor E.164', async () => {
    const res = await create({ phoneNumber: 'my number' });
    expect(res.status).toBe(400);
  });
});
