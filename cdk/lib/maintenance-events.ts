// The custom event bus of DESIGN §8 and the rules that turn a `cairn.maintenance.requested` event into an
// execution of the matching state machine. Clients and the scheduler both send to this bus, so a job
// requested by `cairn remote prune` and a scheduled prune take exactly the same path.
import { EventBus, EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The event sources cairn sends from: the CLI and EventBridge Scheduler. */
export const EVENT_SOURCES = ['cairn.client', 'cairn.scheduler'] as const;
/** detail-type of a maintenance request. */
export const MAINTENANCE_REQUESTED = 'cairn.maintenance.requested';
/** detail-type a client sends after a backup. */
export const BACKUP_FINISHED = 'cairn.backup.finished';

/** Properties of {@link MaintenanceEvents}. */
export interface MaintenanceEventsProps {
  /** Name of the bus. @default - generated */
  readonly busName?: string;
}

/** The cairn event bus and its maintenance routing rules. */
export class MaintenanceEvents extends Construct {
  /** The custom bus clients put events on. */
  readonly bus: IEventBus;

  constructor(scope: Construct, id: string, props: MaintenanceEventsProps = {}) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: props.busName });
  }

  /**
   * Starts `stateMachine` for every maintenance request whose `detail.job` is one of `jobs`. The execution
   * input is `{ detail, eventId, time }`; the plan uses detail.requestId, or the event id when it is absent.
   */
  route(id: string, jobs: readonly string[], stateMachine: IStateMachine): Rule {
    return new Rule(this, id, {
      eventBus: this.bus,
      description: `cairn: start the ${jobs.join('/')} state machine`,
      eventPattern: {
        source: [...EVENT_SOURCES],
        detailType: [MAINTENANCE_REQUESTED],
        detail: { job: [...jobs] },
      },
      targets: [
        new SfnStateMachine(stateMachine, {
          input: RuleTargetInput.fromObject({
            detail: EventField.fromPath('$.detail'),
            eventId: EventField.eventId,
            time: EventField.time,
          }),
        }),
      ],
    });
  }
}
