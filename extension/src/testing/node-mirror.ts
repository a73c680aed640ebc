/**
 * @module The mirror's core on plain Node fs, for harnesses outside the extension (the bench):
 * the same `WorkspaceMirror` VS Code runs, with the Node-fs writer instead of `WorkspaceEdit`.
 */
import type { EditMode } from '@handoff/protocol';
import { silentLogger } from '../common/logger';
import type { Logger } from '../common/logger';
import type { AgentEndpoint } from '../mirror/agent-file-client';
import { WorkspaceMirror } from '../mirror/mirror-service';
import { NodeFsWorkspaceWriter } from './node-fs-workspace-writer';

/** A started mirror from `endpoint`'s workspace into `localDir`. */
export function startNodeMirror(options: {
  localDir: string;
  endpoint: AgentEndpoint;
  baseline?: ReadonlyMap<string, string>;
  mode?: EditMode;
  logger?: Logger;
}): WorkspaceMirror {
  const mirror = new WorkspaceMirror({
    writer: new NodeFsWorkspaceWriter(options.localDir),
    readMode: () => options.mode ?? 'apply',
    logger: options.logger ?? silentLogger,
  });
  mirror.start(options.endpoint, options.baseline ?? new Map());
  return mirror;
}
