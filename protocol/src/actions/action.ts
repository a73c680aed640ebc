import { z } from 'zod';
import { FileEditorActionSchema, FileEditorObservationSchema } from './file-editor';
import { FinishActionSchema } from './finish';
import { RunCommandActionSchema, RunCommandObservationSchema } from './run-command';
import { ToolErrorObservationSchema } from './tool-error';

/** Every action an agent can take. */
export const ActionSchema = z.discriminatedUnion('type', [
  RunCommandActionSchema,
  FileEditorActionSchema,
  FinishActionSchema,
]);
/** An action. */
export type Action = z.infer<typeof ActionSchema>;

/** Actions the sandbox's action server executes (the rest are handled by the agent server). */
export const SandboxActionSchema = z.discriminatedUnion('type', [
  RunCommandActionSchema,
  FileEditorActionSchema,
]);
/** A sandbox action. */
export type SandboxAction = z.infer<typeof SandboxActionSchema>;

/** Every observation that answers an action. */
export const ObservationSchema = z.discriminatedUnion('type', [
  RunCommandObservationSchema,
  FileEditorObservationSchema,
  ToolErrorObservationSchema,
]);
/** An observation. */
export type Observation = z.infer<typeof ObservationSchema>;
