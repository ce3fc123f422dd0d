// GitHub's own workflow and action parser (@actions/workflow-parser): the schema GitHub enforces.
import type { TemplateValidationError } from '@actions/workflow-parser/templates/template-validation-error';
import { allowJsonImports } from './allow-json-imports.ts';
import type { Finding } from './finding.ts';
import type { WorkflowFile } from './workflow-file.ts';

allowJsonImports();
const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser');
const { parseAction } = await import('@actions/workflow-parser/actions/index');

const toFinding =
  (path: string) =>
  (e: TemplateValidationError): Finding => ({
    file: path,
    line: e.range?.start.line ?? 0,
    rule: 'workflow-parser',
    message: e.message,
  });

/** Schema errors, then (for a workflow that parsed) errors of converting it to jobs and steps. */
export async function runWorkflowParser(file: WorkflowFile): Promise<Finding[]> {
  const input = { name: file.path, content: file.text };
  const trace = new NoOperationTraceWriter();
  const parsed = file.kind === 'workflow' ? parseWorkflow(input, trace) : parseAction(input, trace);
  if (file.kind === 'workflow' && parsed.value !== undefined && parsed.context.errors.count === 0) {
    await convertWorkflowTemplate(parsed.context, parsed.value);
  }
  return parsed.context.errors.getErrors().map(toFinding(file.path));
}
