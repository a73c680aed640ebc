import type { ListSandboxesQuery, SandboxInfo, SandboxList } from '@handoff/protocol';
/** One page of `sandboxes` (oldest first) that match `query`, with an opaque `nextPageToken`. */
export declare function pageSandboxes(
  sandboxes: readonly SandboxInfo[],
  query: ListSandboxesQuery,
): SandboxList;
