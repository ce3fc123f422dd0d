// GitHub Actions' OpenID Connect provider in IAM: created here, or imported when the account has one.
import { OidcProviderNative, type IOidcProvider } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** GitHub's token issuer; also the prefix of every condition key in a trust policy. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The audience GitHub's aws-actions/configure-aws-credentials requests. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

export interface GithubOidcProviderProps {
  /**
   * ARN of the account's existing GitHub provider (an account holds only one per URL).
   * @default none: a new provider is created
   */
  readonly existingProviderArn?: string;
}

/** The IAM identity provider GitHub's OIDC tokens are exchanged against. */
export class GithubOidcProvider extends Construct {
  readonly provider: IOidcProvider;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps = {}) {
    super(scope, id);
    // IAM trusts GitHub through its own root CA list, so no thumbprint is pinned to go stale.
    this.provider =
      props.existingProviderArn === undefined
        ? new OidcProviderNative(this, 'Provider', {
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIds: [GITHUB_OIDC_AUDIENCE],
          })
        : OidcProviderNative.fromOidcProviderArn(this, 'Provider', props.existingProviderArn);
  }
}
