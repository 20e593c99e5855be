/**
 * `@musil/core/explore`: the model side of `musil explore` (the server and page live in
 * `@musil/vitest`). Not a user-facing API: its shapes follow what the page needs.
 *
 * @module
 */
export {
  type CheckJob,
  type CheckJobInput,
  type CheckJobMessage,
  type CheckJobResult,
  type CheckJobStatus,
  startCheckJob,
} from './check-job.ts'
export {
  type ExplorePath,
  ExploreSession,
  type InvariantValue,
  type ModelInfo,
  type NeighbourEdge,
  type NeighbourNode,
  type PathProblem,
  type PathStepView,
  type StateView,
  type SuccessorView,
} from './session.ts'
