// The GitHub trust: exact subjects only.
import t from 'tap';
import { OidcProviderNative } from 'aws-cdk-lib/aws-iam';
import { githubPrincipal } from '../../src/constructs/github-principal.ts';
import { scratchStack } from '../helpers/scratch-stack.ts';

const provider = OidcProviderNative.fromOidcProviderArn(
  scratchStack(),
  'P',
  'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
);

t.test('a wildcard subject is refused', async (t) => {
  // StringEquals with `*` would not match anything, and StringLike would trust every branch.
  t.throws(() => githubPrincipal(provider, 'repo:o/r:*'), {
    message: /GitHub OIDC subject "repo:o\/r:\*" is not allowed; expected an exact subject without wildcards/,
  });
});

t.test('an exact subject becomes a StringEquals condition', async (t) => {
  t.same(githubPrincipal(provider, 'repo:o/r:environment:prod').conditions, {
    StringEquals: {
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': 'repo:o/r:environment:prod',
    },
  });
});
