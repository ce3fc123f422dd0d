// The trust every GitHub role shares: a token from the account's GitHub provider, for our audience and one subject.
import { WebIdentityPrincipal, type IOidcProvider } from 'aws-cdk-lib/aws-iam';
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from './github-oidc-provider.ts';

/**
 * A principal for GitHub jobs whose `sub` claim equals `subject` exactly. StringEquals, never
 * StringLike: a wildcard would let any branch or environment of the repository assume the role.
 */
export function githubPrincipal(provider: IOidcProvider, subject: string): WebIdentityPrincipal {
  if (subject.includes('*') || subject.includes('?')) {
    throw new Error(
      `GitHub OIDC subject ${JSON.stringify(subject)} is not allowed; expected an exact subject without wildcards`,
    );
  }
  return new WebIdentityPrincipal(provider.oidcProviderArn, {
    StringEquals: {
      [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
      [`${GITHUB_OIDC_HOST}:sub`]: subject,
    },
  });
}
