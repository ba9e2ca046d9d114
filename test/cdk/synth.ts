// Test support for the CDK suite: synthesize the cairn stack for a set of `cairn:*` settings with asset
// bundling skipped (fast, no esbuild), and read IAM policy documents out of a template in a form that
// assertions can walk.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CairnStack } from '../../cdk/lib/cairn-stack.js';
import { readConfig } from '../../cdk/lib/config.js';

/** Synthesizes the stack for `settings` (the `cairn:*` context) and returns its template. */
export function synth(settings: Record<string, unknown> = {}): Template {
  // CloudFormation's rule validation costs seconds per synth; the CLI synth test keeps it on and checks it.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...settings }, builtinCloudFormationValidation: false });
  const config = readConfig((key) => app.node.tryGetContext(key));
  const stack = new CairnStack(app, config.stackName, { config });
  return Template.fromStack(stack);
}

/** One statement of an IAM policy, with the logical id of the policy's owner. */
export interface OwnedStatement {
  /** Logical id of the role, user or managed policy the statement belongs to. */
  readonly owner: string;
  readonly effect: string;
  readonly actions: string[];
  /** Resources rendered as text: GetAtt X.Arn → "arn:X", Ref X → "ref:X", joins concatenated. */
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
}

/** Renders a CloudFormation value (string or intrinsic) as comparable text. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  const v = value as Record<string, unknown>;
  if ('Fn::GetAtt' in v) {
    const [id, attr] = v['Fn::GetAtt'] as [string, string];
    return attr === 'Arn' ? `arn:${id}` : `${id}.${attr}`;
  }
  if ('Ref' in v) return `ref:${String(v['Ref'])}`;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  return JSON.stringify(v);
}

const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Every IAM statement in the template: inline policies (per attached role/user) and managed policies. */
export function statements(template: Template): OwnedStatement[] {
  const out: OwnedStatement[] = [];
  const add = (owner: string, doc: { Statement: Record<string, unknown>[] }) => {
    for (const s of doc.Statement) {
      out.push({
        owner,
        effect: String(s['Effect']),
        actions: list(s['Action'] as string | string[]),
        resources: list(s['Resource']).map(render),
        conditions: s['Condition'] as OwnedStatement['conditions'],
      });
    }
  };
  for (const [id, r] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    const owners = [...list(r['Properties']['Roles']), ...list(r['Properties']['Users'])].map(render);
    for (const owner of owners.length > 0 ? owners : [id]) add(owner.replace(/^ref:/, ''), r['Properties']['PolicyDocument']);
  }
  for (const [id, r] of Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))) {
    add(id, r['Properties']['PolicyDocument']);
  }
  for (const [id, r] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    for (const p of list(r['Properties']['Policies']) as { PolicyDocument: { Statement: Record<string, unknown>[] } }[]) {
      add(id, p.PolicyDocument);
    }
  }
  return out;
}

/** The single logical id of a resource of `type` whose id contains `fragment`. */
export function logicalId(template: Template, type: string, fragment: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(fragment));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${fragment}, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}
