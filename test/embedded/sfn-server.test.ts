/**
 * The Step Functions JSON API of the embedded engine, driven by the real @aws-sdk/client-sfn: the SDK's own
 * serialisation, date parsing and error mapping must accept what the server answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { createLocalSfn, type LocalSfn } from '../../embedded/sfn/engine.js';
import { startSfnApiServer } from '../../embedded/sfn/server.js';

const NAME = 'claims-api-test';
const ARN = `arn:aws:states:us-east-1:000000000000:stateMachine:${NAME}`;
const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const definition = {
  StartAt: 'Intake',
  States: {
    Intake: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fn('Intake'), 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Next: 'Review',
    },
    Review: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fn('Review'), Payload: { 'claimId.$': '$.claimId', 'taskToken.$': '$$.Task.Token' } },
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

const tokens = new Map<string, string>();
const claimId = (p: unknown) => (typeof p === 'object' && p !== null && 'claimId' in p && typeof p.claimId === 'string' ? p.claimId : '');
let sfn: LocalSfn;
let server: Awaited<ReturnType<typeof startSfnApiServer>>;
let client: SFNClient;

beforeAll(async () => {
  sfn = await createLocalSfn({
    stateMachines: [
      {
        name: NAME,
        arn: ARN,
        definition,
        taskHandlers: {
          Intake: async (p) => p,
          Review: async (p) => {
            const token = typeof p === 'object' && p !== null && 'taskToken' in p && typeof p.taskToken === 'string' ? p.taskToken : '';
            tokens.set(claimId(p), token);
            return {};
          },
        },
      },
    ],
  });
  server = await startSfnApiServer(sfn, {});
  client = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  await sfn?.close();
});

describe('sfn JSON API through @aws-sdk/client-sfn', () => {
  it('StartExecution, DescribeExecution, GetExecutionHistory, SendTaskSuccess, ListExecutions', async () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: ARN, name: 'c-1', input: '{"claimId":"c-1"}' }));
    expect(started.executionArn).toBe(`arn:aws:states:us-east-1:000000000000:execution:${NAME}:c-1`);
    expect(started.startDate).toBeInstanceOf(Date);
    const executionArn = started.executionArn ?? '';

    await sfn.idle();
    const running = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(running).toMatchObject({ status: 'RUNNING', name: 'c-1', stateMachineArn: ARN, input: '{"claimId":"c-1"}' });
    expect(running.startDate?.getTime()).toBe(started.startDate?.getTime());

    const h = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const events = h.events ?? [];
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
    ]);
    events.forEach((e, i) => {
      expect(e.id).toBe(i + 1);
      expect(e.previousEventId).toBe(i);
      expect(e.timestamp).toBeInstanceOf(Date);
    });
    expect(events[1]?.stateEnteredEventDetails).toMatchObject({ name: 'Intake', input: '{"claimId":"c-1"}' });
    expect(events[0]?.executionStartedEventDetails?.input).toBe('{"claimId":"c-1"}');

    await client.send(new SendTaskSuccessCommand({ taskToken: tokens.get('c-1'), output: '{"decision":"APPROVE"}' }));
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"decision":"APPROVE"}' });
    expect(described.stopDate).toBeInstanceOf(Date);

    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: ARN, statusFilter: 'SUCCEEDED' }));
    expect(listed.executions?.map((e) => e.name)).toContain('c-1');
    expect(listed.executions?.[0]?.startDate).toBeInstanceOf(Date);

    // A used token: the SDK maps the error code to its exception class.
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: tokens.get('c-1'), output: '{}' }))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });

  it('maps error codes to the SDK exceptions', async () => {
    const missing = client.send(new DescribeExecutionCommand({ executionArn: `arn:aws:states:us-east-1:000000000000:execution:${NAME}:nope` }));
    await expect(missing).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(missing).rejects.toMatchObject({ name: 'ExecutionDoesNotExist', $metadata: { httpStatusCode: 400 } });

    await client.send(new StartExecutionCommand({ stateMachineArn: ARN, name: 'c-2', input: '{"claimId":"c-2"}' }));
    const again = await client.send(new StartExecutionCommand({ stateMachineArn: ARN, name: 'c-2', input: '{"claimId":"c-2"}' }));
    expect(again.executionArn).toMatch(/:c-2$/);
    await expect(client.send(new StartExecutionCommand({ stateMachineArn: ARN, name: 'c-2', input: '{"claimId":"other"}' }))).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );
    const forged = Buffer.from(JSON.stringify([`arn:aws:states:us-east-1:000000000000:execution:${NAME}:c-2`, 'x'])).toString('base64url');
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: forged, output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('ListStateMachines and DescribeStateMachine (definition as a string)', async () => {
    const machines = await client.send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines?.map((m) => m.stateMachineArn)).toEqual([ARN]);
    const d = await client.send(new DescribeStateMachineCommand({ stateMachineArn: ARN }));
    expect(JSON.parse(d.definition ?? '')).toEqual(definition);
  });

  it('answers unknown operations and bad bodies as the service does', async () => {
    const post = (target: string, body: string) =>
      fetch(`${server.endpoint}/`, { method: 'POST', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' }, body });
    const unknown = await post('AWSStepFunctions.DeleteStateMachine', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(unknown.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const invalid = await post('AWSStepFunctions.DescribeExecution', '{"executionArn":5}');
    expect(await invalid.json()).toMatchObject({ __type: 'ValidationException' });
    const garbled = await post('AWSStepFunctions.DescribeExecution', '{"executionArn":');
    expect(await garbled.json()).toMatchObject({ __type: 'SerializationException' });
    const history = await post(
      'AWSStepFunctions.GetExecutionHistory',
      JSON.stringify({ executionArn: `arn:aws:states:us-east-1:000000000000:execution:${NAME}:c-1` }),
    );
    const body: unknown = await history.json();
    const first = typeof body === 'object' && body !== null && 'events' in body && Array.isArray(body.events) ? body.events[0] : undefined;
    expect(first).toMatchObject({ id: 1, previousEventId: 0, type: 'ExecutionStarted' });
    expect(typeof first?.timestamp).toBe('number'); // epoch seconds on the wire
  });
});
