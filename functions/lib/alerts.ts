// Alerts: a message to the SNS topic the stack subscribes people to (DESIGN §8: failed jobs, check errors,
// hosts with no recent backup). @aws-sdk/client-sns is not a dependency, so Publish is one signed
// Query-protocol POST; the AlertPublisher interface keeps the handlers independent of how it is sent, and
// AWS_ENDPOINT_URL_SNS redirects it (tests point it at a local HTTP endpoint).
import { StorageError } from '../../shared/core/index.js';
import { signPost, type AwsCredentials } from './sigv4.js';

/** Sends one alert. */
export interface AlertPublisher {
  /** Publishes `message` with `subject` (cut to SNS's 100 characters, one line). */
  publish(subject: string, message: string): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * snsPublisher publishes to `topicArn` with the credentials Lambda puts in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). The region is the topic's own.
 */
export function snsPublisher(topicArn: string, env: Env, now: () => Date = () => new Date()): AlertPublisher {
  const region = topicArn.split(':')[3];
  if (!topicArn.startsWith('arn:') || !region) throw new Error(`ALERT_TOPIC_ARN ${JSON.stringify(topicArn)} is not a topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)`);
  const url = new URL(env['AWS_ENDPOINT_URL_SNS'] ?? `https://sns.${region}.amazonaws.com/`);
  return {
    async publish(subject, message) {
      const creds = credentials(env);
      const body = new URLSearchParams({
        Action: 'Publish',
        Version: '2010-03-31',
        TopicArn: topicArn,
        // SNS rejects subjects with line breaks or over 100 characters.
        Subject: subject.replace(/[\r\n]+/g, ' ').slice(0, 100),
        Message: message,
      }).toString();
      const headers = signPost({
        url, region, service: 'sns', body, now: now(),
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      }, creds);
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
      } catch (err) {
        throw new StorageError(`SNS Publish to ${topicArn} failed: ${(err as Error).message}`, true, { cause: err });
      }
      if (!res.ok) {
        const text = (await res.text()).replace(/\s+/g, ' ').slice(0, 300);
        throw new StorageError(`SNS Publish to ${topicArn} failed: ${res.status} ${text}`, res.status >= 500 || res.status === 429);
      }
    },
  };
}

function credentials(env: Env): AwsCredentials {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) throw new StorageError('no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) to publish the alert', false);
  const sessionToken = env['AWS_SESSION_TOKEN'];
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** alertPublisher returns the SNS publisher for `topicArn`, or undefined when no topic is configured. */
export function alertPublisher(topicArn: string | undefined, env: Env): AlertPublisher | undefined {
  return topicArn === undefined ? undefined : snsPublisher(topicArn, env);
}
