/**
 * A stand-in for the Smart Charging service: a real MQTT.js client on the broker that records every request it
 * sees and publishes whatever the test's `answer` returns for it. Also serves as a spy (answer nothing).
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';

export interface SeenRequest {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
  envelope: { id: string; name: string; type: string; data: Record<string, unknown> } | undefined;
}

export type Answer = string | Buffer | Record<string, unknown>;

export interface Responder {
  seen: SeenRequest[];
  client: MqttClient;
  close(): Promise<void>;
}

export interface Topics {
  requestTopic: string;
  responseTopic: string;
  /** The same topics as scp flags. */
  args: string[];
}

/** Topics no other test (or other user of a shared broker) publishes on. */
export function uniqueTopics(): Topics {
  const base = `scp-test/${randomBytes(6).toString('hex')}`;
  const requestTopic = `${base}/ocpp/smart_charging`;
  const responseTopic = `${base}/smart_charging/ocpp`;
  return { requestTopic, responseTopic, args: ['--request-topic', requestTopic, '--response-topic', responseTopic] };
}

export function response(id: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { id, name: 'clear_charging_profile', type: 'response', data, ...extra };
}

/** The MQTT version the suite runs under: SCP_TEST_MQTT_VERSION (3.1.1 or 5), 3.1.1 by default. */
export function testProtocolVersion(): 4 | 5 {
  return process.env.SCP_TEST_MQTT_VERSION === '5' ? 5 : 4;
}

export async function startResponder(
  url: string,
  topics: { requestTopic: string; responseTopic: string },
  answer: (request: SeenRequest) => Answer[] = (request) =>
    request.envelope ? [response(request.envelope.id, { status: 'accepted' })] : [],
  options: { protocolVersion?: 4 | 5; ca?: Buffer } = {},
): Promise<Responder> {
  const client = await connectAsync(url, {
    ...(options.ca ? { ca: options.ca } : {}),
    clientId: `responder-${randomBytes(6).toString('hex')}`,
    reconnectPeriod: 0,
    protocolVersion: options.protocolVersion ?? testProtocolVersion(),
  });
  const seen: SeenRequest[] = [];
  client.on('message', (topic, payload, packet) => {
    let envelope: SeenRequest['envelope'];
    try {
      envelope = JSON.parse(payload.toString('utf8'));
    } catch {
      envelope = undefined;
    }
    const request = { topic, payload: payload.toString('utf8'), qos: packet.qos, retain: packet.retain, envelope };
    seen.push(request);
    for (const message of answer(request)) {
      // Objects (answers) go at QoS 1; raw strings and bytes (noise, floods) at QoS 0, as telemetry would. A flood
      // at QoS 1 would overflow a Mosquitto's per-client queue (max_queued_messages) and lose the answer itself.
      if (typeof message === 'string' || Buffer.isBuffer(message)) client.publish(topics.responseTopic, message, { qos: 0 });
      else client.publish(topics.responseTopic, JSON.stringify(message), { qos: 1 });
    }
  });
  await client.subscribeAsync(topics.requestTopic, { qos: 1 });
  return { seen, client, close: () => client.endAsync() };
}

/** A spy on the request topic: answers nothing, so a test can prove nothing was published. */
export function startSpy(url: string, topics: { requestTopic: string; responseTopic: string }) {
  return startResponder(url, topics, () => []);
}
