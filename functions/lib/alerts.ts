// Alerts: a message to the SNS topic the stack subscribes people to (DESIGN §8: failed jobs, check errors,
// hosts with no recent backup). The AlertPublisher interface keeps the handlers independent of how it is
// sent; the SNS client takes the function role's credentials from the environment, and
// AWS_ENDPOINT_URL_SNS redirects it (tests point it at a local HTTP endpoint).
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
import { StorageError } from '../../shared/core/index.js';

/** Sends one alert. */
export interface AlertPublisher {
  /** Publishes `message` with `subject` (cut to SNS's 100 characters, one line). */
  publish(subject: string, message: string): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** snsPublisher publishes to `topicArn` in the topic's own region. */
export function snsPublisher(topicArn: string, env: Env): AlertPublisher {
  const region = topicArn.split(':')[3];
  if (!topicArn.startsWith('arn:') || !region) throw new Error(`ALERT_TOPIC_ARN ${JSON.stringify(topicArn)} is not a topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)`);
  const endpoint = env['AWS_ENDPOINT_URL_SNS'];
  const client = new SNSClient({ region, ...(endpoint ? { endpoint } : {}), maxAttempts: 3 });
  return {
    async publish(subject, message) {
      try {
        // SNS rejects subjects with line breaks or over 100 characters.
        await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.replace(/[\r\n]+/g, ' ').slice(0, 100), Message: message }));
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
        throw new StorageError(`SNS Publish to ${topicArn} failed: ${(err as Error).message}`, status === 0 || status >= 500 || status === 429, { cause: err });
      }
    },
  };
}

/** alertPublisher returns the SNS publisher for `topicArn`, or undefined when no topic is configured. */
export function alertPublisher(topicArn: string | undefined, env: Env): AlertPublisher | undefined {
  return topicArn === undefined ? undefined : snsPublisher(topicArn, env);
}
