/**
 * Many stations behind one broker: topic templates. A station's bus is bridged to a central broker under a prefix of
 * its own (`stations/<id>/ocpp/smart_charging`), so the topic settings may name `{station}` as one whole topic level;
 * a request fills it with its station, and one subscription with `+` in its place serves every station's answers.
 * Pure.
 */
import { UsageError } from './errors.js';

export const STATION = '{station}';

/** Whether a topic names `{station}` (checked to be a whole level, once, by `checkTemplate`). */
export const isTemplate = (topic: string): boolean => topic.includes(STATION);

/** `{station}` only as a whole level, at most once: `stations/{station}/ocpp/smart_charging`. */
export function checkTemplate(flag: string, topic: string): string {
  if (!isTemplate(topic)) return topic;
  const levels = topic.split('/');
  const whole = levels.filter((level) => level === STATION).length;
  if (whole !== 1 || levels.some((level) => level !== STATION && level.includes(STATION))) {
    throw new UsageError(`${flag}: ${JSON.stringify(topic)} is not allowed; {station} must be one whole topic level, once, e.g. stations/{station}/ocpp/smart_charging`);
  }
  return topic;
}

/** A station id fills one topic level: not empty, no /, + or #, no control characters, at most 128 characters. */
export function checkStation(label: string, raw: string): string {
  if (!/^[^/+#\u0000-\u001f\u007f]{1,128}$/.test(raw)) {
    throw new UsageError(`${label}: ${JSON.stringify(raw)} is not allowed; expected a station id of 1 to 128 characters without /, +, # or control characters`);
  }
  return raw;
}

export const fillTopic = (template: string, station: string): string => template.replace(STATION, station);

/** The one subscription that serves every station: `{station}` as `+`. */
export const subscriptionOf = (template: string): string => template.replace(STATION, '+');

/** The station a topic names, where it matches the template; undefined where it does not. */
export function stationOf(template: string, topic: string): string | undefined {
  const levels = template.split('/');
  const actual = topic.split('/');
  if (levels.length !== actual.length) return undefined;
  let station: string | undefined;
  for (const [i, level] of levels.entries()) {
    if (level === STATION) station = actual[i];
    else if (level !== actual[i]) return undefined;
  }
  return station;
}

/** The flags of a pair of topic settings, as refusals name them: the Smart Charging pair unless told. */
export type TopicFlags = readonly [request: string, response: string];
export const SMART_CHARGING_TOPIC_FLAGS: TopicFlags = ['--request-topic', '--response-topic'];

/** Both topic settings name `{station}`, or neither: a request and its answer belong to one station. */
export function checkTemplates(requestTopic: string, responseTopic: string, flags: TopicFlags = SMART_CHARGING_TOPIC_FLAGS): boolean {
  if (isTemplate(requestTopic) !== isTemplate(responseTopic)) {
    const [has, lacks] = isTemplate(requestTopic) ? flags : [flags[1], flags[0]];
    throw new UsageError(`${lacks}: must name {station} too, since ${has} does (a request and its answer belong to one station)`);
  }
  return isTemplate(requestTopic);
}

/**
 * The topics of one request to `station` (from --station, or an input line): filled where the settings name
 * `{station}`; a station where they do not, or none where they do, is refused in `label`'s words.
 */
export function stationTopics(
  topics: { requestTopic: string; responseTopic: string },
  station: string | undefined,
  label = '--station',
  flags: TopicFlags = SMART_CHARGING_TOPIC_FLAGS,
): { requestTopic: string; responseTopic: string; station?: string } {
  const templated = checkTemplates(topics.requestTopic, topics.responseTopic, flags);
  if (!templated) {
    if (station !== undefined) throw new UsageError(`${label}: the topics do not name {station}; set ${flags[0]} and ${flags[1]} with it, e.g. stations/{station}/${topics.requestTopic}`);
    return topics;
  }
  if (station === undefined) throw new UsageError(`${label}: required, since the topics name {station} (${topics.requestTopic})`);
  checkStation(label, station);
  return { requestTopic: fillTopic(topics.requestTopic, station), responseTopic: fillTopic(topics.responseTopic, station), station };
}
