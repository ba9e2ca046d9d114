// The repository passwords, kept in Secrets Manager. They are generated at deployment, so no password ever
// passes through a template, a context value or an environment variable: functions receive only the ARN.
// For an existing repository the generated value is replaced with the real password after deployment.
import { RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Properties of {@link RepositorySecrets}. */
export interface RepositorySecretsProps {
  /** Whether a copy target exists and so needs its own password. @default false */
  readonly copyTarget?: boolean;
}

/** The repository password and, with a copy target, the copy repository's password. */
export class RepositorySecrets extends Construct {
  /** The repository password (a plain string secret). */
  readonly password: ISecret;
  /** The copy target's password, when a copy target is configured. */
  readonly copyPassword?: ISecret;

  constructor(scope: Construct, id: string, props: RepositorySecretsProps = {}) {
    super(scope, id);
    this.password = newPassword(this, 'Password', 'Password of the cairn repository');
    if (props.copyTarget) {
      this.copyPassword = newPassword(this, 'CopyPassword', 'Password of the cairn copy target repository');
    }
  }

  /** Grants reading every password; only the maintenance role gets this. */
  grantRead(grantee: IGrantable): void {
    this.password.grantRead(grantee);
    this.copyPassword?.grantRead(grantee);
  }
}

function newPassword(scope: Construct, id: string, description: string): ISecret {
  return new Secret(scope, id, {
    description,
    // 40 characters of letters and digits: ~238 bits, and safe to paste into a shell or a password file.
    generateSecretString: { passwordLength: 40, excludePunctuation: true },
    // Losing the password loses every backup: a stack deletion must leave it behind.
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
