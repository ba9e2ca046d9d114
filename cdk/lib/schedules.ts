// Scheduled maintenance: EventBridge Scheduler schedules that put the same `cairn.maintenance.requested`
// event on the bus that `cairn remote …` sends (source cairn.scheduler), so scheduled and requested jobs
// share the routing rules, the state machines and the status objects.
import { TimeZone } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { EventBridgePutEvents } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { ScheduledJobKind, ScheduleSetting } from './config.js';
import { MAINTENANCE_REQUESTED } from './maintenance-events.js';

/** Properties of {@link MaintenanceSchedules}. */
export interface MaintenanceSchedulesProps {
  /** The bus the events go to. */
  readonly bus: IEventBus;
  /** The schedules by kind; disabled ones are not created. */
  readonly schedules: Readonly<Partial<Record<ScheduledJobKind, ScheduleSetting>>>;
  /** IANA time zone of cron expressions. @default "UTC" */
  readonly timezone?: string;
}

/** One schedule per enabled setting. */
export class MaintenanceSchedules extends Construct {
  /** The schedules created, by kind. */
  readonly schedules: Partial<Record<ScheduledJobKind, Schedule>> = {};

  constructor(scope: Construct, id: string, props: MaintenanceSchedulesProps) {
    super(scope, id);
    const zone = TimeZone.of(props.timezone ?? 'UTC');
    for (const [kind, setting] of Object.entries(props.schedules) as [ScheduledJobKind, ScheduleSetting][]) {
      if (!setting.enabled) continue;
      // Construct ids are a contract: "Prune", "Check", "Copy".
      const scheduleId = kind.charAt(0).toUpperCase() + kind.slice(1);
      this.schedules[kind] = new Schedule(this, scheduleId, {
        description: `cairn: scheduled ${setting.job}`,
        schedule: ScheduleExpression.expression(setting.expression, zone),
        target: new EventBridgePutEvents({
          eventBus: props.bus,
          source: 'cairn.scheduler',
          detailType: MAINTENANCE_REQUESTED,
          // No requestId: each run then takes its event's id, unique per run.
          detail: ScheduleTargetInput.fromObject({ job: setting.job, options: setting.options }),
        }, { retryAttempts: 4 }),
      });
    }
  }
}
