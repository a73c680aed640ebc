export { ScriptedLlmClient } from './scripted-llm-client';
export type { ScriptedLlmStep, ScriptedToolCall } from './scripted-llm-client';
export {
  FakeSandboxClient,
  FAKE_WORKSPACE,
  echo,
  fakeRunCommandObservation,
  hangingHandler,
} from './fake-sandbox-client';
export type { FakeSandboxHandler } from './fake-sandbox-client';
export { FakeFileEditor } from './fake-file-editor';
export { startScriptedLlmServer } from './scripted-llm-server';
export type {
  RecordedLlmRequest,
  ScriptedAnswer,
  ScriptedFault,
  ScriptedLlmServer,
  ScriptedLlmTurn,
  ScriptedServerToolCall,
  ScriptedUsage,
} from './scripted-llm-server';
export { EventSocketClient } from './event-socket-client';
export type { SocketClose } from './event-socket-client';
export { floodMessage, floodRunner } from './flood-runner';
export { measureIdleRss, measureReplay, measureWsThroughput } from './stream-bench';
export type { ReplayTiming, WsThroughput } from './stream-bench';
export { InMemoryEvents, runScripted } from './agent-harness';
export type { ScriptedRun, ScriptedRunOptions } from './agent-harness';
export { measureLoopOverhead } from './measure-loop-overhead';
export type { LoopOverhead, LoopOverheadOptions } from './measure-loop-overhead';
