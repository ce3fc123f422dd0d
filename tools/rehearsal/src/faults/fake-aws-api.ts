// A local fake of the two AWS APIs `pnpm release watch` calls, on 127.0.0.1 (plain HTTP; the SDK
// takes it through AWS_ENDPOINT_URL): STS GetCallerIdentity (the query protocol, an XML answer)
// and CodeDeploy's GetDeployment, ListDeploymentTargets and BatchGetDeploymentTargets (JSON 1.1,
// X-Amz-Target `CodeDeploy_20141006.<action>`, times in epoch seconds), answered from the
// stand-in's DeploymentBook. Shapes from the CodeDeploy and STS API references; requests are not
// signed-checked.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DeploymentBook, DeploymentRecord, TargetRecord } from './deployment-book.ts';

export interface FakeAwsApi {
  readonly url: string;
  close(): Promise<void>;
}

const seconds = (d: Date | undefined): number | undefined => (d === undefined ? undefined : d.getTime() / 1000);

function deploymentInfo(d: DeploymentRecord) {
  return {
    deploymentId: d.deploymentId,
    applicationName: d.applicationName,
    deploymentGroupName: d.deploymentGroupName,
    status: d.status,
    createTime: seconds(d.createTime),
    completeTime: seconds(d.completeTime),
    errorInformation: d.errorInformation,
  };
}

function instanceTarget(d: DeploymentRecord, t: TargetRecord) {
  return {
    deploymentTargetType: 'InstanceTarget',
    instanceTarget: {
      deploymentId: d.deploymentId,
      targetId: t.targetId,
      status: t.status,
      lastUpdatedAt: seconds(t.lastUpdatedAt),
      lifecycleEvents: t.lifecycleEvents.map((e) => ({
        lifecycleEventName: e.lifecycleEventName,
        status: e.status,
        startTime: seconds(e.startTime),
        endTime: seconds(e.endTime),
        diagnostics: e.diagnostics,
      })),
    },
  };
}

type Answer = readonly [number, unknown];

/** One CodeDeploy action on the book: [HTTP status, JSON body]. */
export function codeDeployAction(book: DeploymentBook, action: string, input: Record<string, unknown>): Answer {
  const d = book.get(String(input.deploymentId));
  if (!['GetDeployment', 'ListDeploymentTargets', 'BatchGetDeploymentTargets'].includes(action))
    return [400, { __type: 'UnknownOperationException', message: `the rehearsal's fake answers no ${action}` }];
  if (d === undefined)
    return [
      400,
      {
        __type: 'DeploymentDoesNotExistException',
        message: `The deployment ${String(input.deploymentId)} could not be found.`,
      },
    ];
  if (action === 'GetDeployment') return [200, { deploymentInfo: deploymentInfo(d) }];
  if (action === 'ListDeploymentTargets') return [200, { targetIds: d.targets.map((t) => t.targetId) }];
  const ids = (input.targetIds ?? []) as string[];
  return [
    200,
    { deploymentTargets: d.targets.filter((t) => ids.includes(t.targetId)).map((t) => instanceTarget(d, t)) },
  ];
}

/** STS GetCallerIdentity for `account`, as the query protocol answers it. */
export function callerIdentityXml(account: string): string {
  return [
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
    '  <GetCallerIdentityResult>',
    `    <Arn>arn:aws:sts::${account}:assumed-role/rehearsal/rehearsal</Arn>`,
    '    <UserId>AROAREHEARSAL:rehearsal</UserId>',
    `    <Account>${account}</Account>`,
    '  </GetCallerIdentityResult>',
    '  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>',
    '</GetCallerIdentityResponse>',
  ].join('\n');
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
  });
}

async function answer(book: DeploymentBook, account: string, req: IncomingMessage, res: ServerResponse) {
  const text = await body(req);
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('CodeDeploy_20141006.')) {
    const [status, json] = codeDeployAction(
      book,
      target.slice(target.indexOf('.') + 1),
      JSON.parse(text) as Record<string, unknown>,
    );
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(json));
  } else if (new URLSearchParams(text).get('Action') === 'GetCallerIdentity') {
    res.writeHead(200, { 'content-type': 'text/xml' }).end(callerIdentityXml(account));
  } else {
    res
      .writeHead(400, { 'content-type': 'text/plain' })
      .end('the rehearsal fakes only STS GetCallerIdentity and CodeDeploy reads');
  }
}

/** Serves the book on a free loopback port until closed. */
export async function startFakeAwsApi(book: DeploymentBook, account: string): Promise<FakeAwsApi> {
  const server: Server = createServer((req, res) => {
    answer(book, account, req, res).catch((e: unknown) =>
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`not a request the fake can read: ${String(e)}`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
