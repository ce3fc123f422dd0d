// Every docs check over the repository's facts, one finding per disagreement.
import { checkCliReference, checkCommands } from './check-commands.ts';
import { checkAwsNames, checkConstants, checkSteps } from './check-names.ts';
import { checkTeardown } from './check-teardown.ts';
import type { Finding } from './finding.ts';
import type { Facts } from './repo-facts.ts';

/** The document that removes everything the setup created. */
export const TEARDOWN_DOC = 'docs/teardown.md';
/** The reference of every release command and option. */
export const CLI_REFERENCE = 'docs/release-cli.md';

export function checkDocs(facts: Facts): Finding[] {
  return [
    ...checkCommands(facts),
    ...checkCliReference(facts, CLI_REFERENCE),
    ...checkSteps(facts),
    ...checkAwsNames(facts),
    ...checkConstants(facts),
    ...checkTeardown(facts, TEARDOWN_DOC),
  ];
}
