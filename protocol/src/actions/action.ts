import { z } from 'zod';
import { FileEditorActionSchema, FileEditorObservationSchema } from './file-editor';
import { FinishActionSchema } from './finish';
import { RunCommandActionSchema, RunCommandObservationSchema } from './run-command';
import { TaskTrackerActionSchema, TaskTrackerObservationSchema } from './task-tracker';
import { ThinkActionSchema, ThinkObservationSchema } from './think';
import { ToolErrorObservationSchema } from './tool-error';
import { UserRejectedObservationSchema } from './user-rejected';

/** Every action an agent can take. */
export const ActionSchema = z.discriminatedUnion('type', [
  RunCommandActionSchema,
  FileEditorActionSchema,
  ThinkActionSchema,
  TaskTrackerActionSchema,
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
  ThinkObservationSchema,
  TaskTrackerObservationSchema,
  UserRejectedObservationSchema,
  ToolErrorObservationSchema,
]);
/** An observation. */
export type Observation = z.infer<typeof ObservationSchema>;
